package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.UploadQueue
import java.io.File
import java.nio.file.Files
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertThrows
import org.junit.Test

class QueueKeysTest {
    private fun aesKey(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

    @Test
    fun theKeyIsMadeOnceStoredWrappedAndOpensTheQueue() {
        val dir = Files.createTempDirectory("keys").toFile()
        val wrapping = aesKey()
        val file = File(dir, "queue.key")
        val key = QueueKeyStore(file, { wrapping }).key()
        assertEquals(32, key.size)
        assertEquals(12 + 32 + 16, file.length().toInt())
        assertArrayEquals(key, QueueKeyStore(file, { wrapping }).key())
        assertFalse("stored wrapped, not in clear", file.readBytes().toList().windowed(32).contains(key.toList()))
        UploadQueue(File(dir, "queue").path, key).use { assertEquals(0u, it.pendingCount()) }
        dir.deleteRecursively()
    }

    @Test
    fun anotherWrappingKeyOrAnAlteredFileIsRefused() {
        val dir = Files.createTempDirectory("keys").toFile()
        val wrapping = aesKey()
        val file = File(dir, "queue.key")
        QueueKeyStore(file, { wrapping }).key()
        assertThrows(QueueKeyException::class.java) { QueueKeyStore(file, ::aesKey).key() }
        val bytes = file.readBytes().also { it[20] = (it[20].toInt() xor 1).toByte() }
        file.writeBytes(bytes)
        assertThrows(QueueKeyException::class.java) { QueueKeyStore(file, { wrapping }).key() }
        file.writeBytes(bytes.copyOf(30))
        assertThrows(QueueKeyException::class.java) { QueueKeyStore(file, { wrapping }).key() }
        dir.deleteRecursively()
    }
}
