// The upload queue's key, kept wrapped by a key the platform guards. Pure
// Kotlin (javax.crypto); the Android Keystore key comes from
// android/…/KeystoreQueueKey.kt, any AES key will do in tests.
package cn.icpfiling.companion.ktx

import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import java.security.GeneralSecurityException
import java.security.SecureRandom
import javax.crypto.Cipher
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/** The stored queue key could not be read or unwrapped: queued photos cannot be decrypted. */
class QueueKeyException(message: String, cause: Throwable? = null) : Exception(message, cause)

/**
 * Keeps the 32-byte key that encrypts the upload queue in [file], wrapped
 * with AES-GCM under [wrappingKey] (an Android Keystore key that never
 * leaves secure hardware; a software key in tests). The file holds the
 * 12-byte nonce then the wrapped key and its tag.
 */
class QueueKeyStore(private val file: File, private val wrappingKey: () -> SecretKey) {
    /** The queue key: unwrapped from the file, or made, wrapped and stored on first use. */
    @Synchronized
    fun key(): ByteArray {
        if (file.exists()) return unwrap(file.readBytes())
        val key = ByteArray(KEY_BYTES).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        // The cipher picks the nonce: Android Keystore keys refuse caller-chosen ones.
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey())
        file.parentFile?.mkdirs()
        val temporary = File(file.path + ".tmp")
        temporary.writeBytes(cipher.iv + cipher.doFinal(key))
        Files.move(temporary.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE)
        return key
    }

    private fun unwrap(stored: ByteArray): ByteArray {
        if (stored.size != NONCE_BYTES + KEY_BYTES + TAG_BYTES) {
            throw QueueKeyException("the stored queue key in $file is damaged (${stored.size} bytes)")
        }
        return try {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(TAG_BYTES * 8, stored, 0, NONCE_BYTES))
            cipher.doFinal(stored, NONCE_BYTES, stored.size - NONCE_BYTES)
        } catch (e: GeneralSecurityException) {
            throw QueueKeyException("the stored queue key in $file cannot be unwrapped (key changed or file altered)", e)
        }
    }

    private companion object {
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val KEY_BYTES = 32
        const val NONCE_BYTES = 12
        const val TAG_BYTES = 16
    }
}
