package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.protocol.Slot
import cn.icpfiling.companion.TrustConfig
import cn.icpfiling.companion.UploadQueue
import cn.icpfiling.companion.claimOrder
import cn.icpfiling.companion.generateInstallationId
import cn.icpfiling.companion.orderQrParseAndVerify
import cn.icpfiling.companion.testing.createDevOrder
import java.nio.file.Files
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeNotNull
import org.junit.Test

class UploadsTest {
    @Test
    fun uploadsFlowReportsProgressThenTheSummary(): Unit = runBlocking {
        // Set by tests/run-bindings.sh, which starts the development gateway.
        val gateway = System.getenv("ICP_DEV_GATEWAY")
        assumeNotNull(gateway)
        val created = createDevOrder(gateway, """{"province_code":44,"subject":"individual","applicant":"王五","domains":["example.cn"],"allow_stored_photos":true}""")
        val trust = TrustConfig(listOf(created.issuerPublicKey), listOf("127.0.0.1"))
        val order = orderQrParseAndVerify(created.qrText, trust, (System.currentTimeMillis() / 1000).toULong())
        val session = claimOrder(order, generateInstallationId())
        val dir = Files.createTempDirectory("queue").toFile()
        UploadQueue(dir.path, ByteArray(32) { 7 }).use { queue ->
            val slots = session.view().slots.map { it.slot }
            for (slot in slots) {
                queue.enqueue(session, slot, ByteArray(300_000) { (it % 251).toByte() }, System.currentTimeMillis(), "pass", null)
            }
            val updates = queue.uploads().toList()
            val finished = updates.last() as UploadUpdate.Finished
            assertEquals(slots.size, finished.summary.uploaded.size)
            assertTrue(finished.summary.failed.isEmpty())
            val progress = updates.filterIsInstance<UploadUpdate.Progress>()
            assertTrue("$updates", progress.isNotEmpty() && progress.all { it.sent <= it.total })
            assertEquals(0u, queue.pendingCount())
            assertTrue(Slot.ADMIN_PHOTO in slots)
        }
        dir.deleteRecursively()
    }
}
