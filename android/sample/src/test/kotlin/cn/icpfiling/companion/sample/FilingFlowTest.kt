package cn.icpfiling.companion.sample

import cn.icpfiling.companion.CameraFrame
import cn.icpfiling.companion.location.Crs
import cn.icpfiling.companion.FramePlane
import cn.icpfiling.companion.protocol.OrderStatus
import cn.icpfiling.companion.core.PixelFormat
import cn.icpfiling.companion.protocol.Slot
import cn.icpfiling.companion.TrustConfig
import cn.icpfiling.companion.UploadQueue
import cn.icpfiling.companion.ktx.GuidedCapture
import cn.icpfiling.companion.ktx.InstallationIdStore
import cn.icpfiling.companion.ktx.UploadUpdate
import cn.icpfiling.companion.ktx.locationFix
import cn.icpfiling.companion.orderQrParseAndVerify
import cn.icpfiling.companion.testing.createDevOrder
import cn.icpfiling.companion.testing.documentScene
import java.io.File
import java.nio.file.Files
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assume.assumeNotNull
import org.junit.Test

class FilingFlowTest {
    /** A drawn sheet on a table as a 640×480 RGBA frame. */
    private fun sheetFrame(): CameraFrame {
        val image = documentScene(640, 480, 60, 50, 520)
        val bytes = ByteArray(640 * 480 * 4)
        for (y in 0 until 480) for (x in 0 until 640) {
            val rgb = image.getRGB(x, y)
            val o = (y * 640 + x) * 4
            bytes[o] = (rgb shr 16).toByte(); bytes[o + 1] = (rgb shr 8).toByte(); bytes[o + 2] = rgb.toByte(); bytes[o + 3] = -1
        }
        return CameraFrame(PixelFormat.RGBA8, 640u, 480u, listOf(FramePlane(bytes, 2560u, 4u)), 0u, false)
    }

    @Test
    fun aShanghaiOrderIsClaimedPhotographedInsideUploadedAndSubmitted(): Unit = runBlocking {
        // Set by tests/run-bindings.sh, which starts the development gateway.
        val gateway = System.getenv("ICP_DEV_GATEWAY")
        assumeNotNull(gateway)
        val created = createDevOrder(
            gateway, """{"province_code":31,"subject":"organisation","applicant":"上海示例有限公司","domains":["example.cn"]}""")
        val trust = TrustConfig(listOf(created.issuerPublicKey), listOf("127.0.0.1"))
        val order = orderQrParseAndVerify(created.qrText, trust, (System.currentTimeMillis() / 1000).toULong())

        val dir = Files.createTempDirectory("queue").toFile()
        UploadQueue(dir.path, ByteArray(32) { 3 }).use { queue ->
            val flow = FilingFlow.claim(order, InstallationIdStore(File(Files.createTempDirectory("installation").toFile(), "id")).id(), queue)
            val shots = flow.shots()
            assertTrue("$shots", shots.any { it.slot == Slot.ADMIN_PHOTO } && shots.all { it.needsLocation })
            val frame = sheetFrame()
            for (shot in shots) {
                val still = GuidedCapture(shot.target).use { it.capture(frame) }
                assertTrue(still.findings.isNotEmpty())
                val now = System.currentTimeMillis()
                // People's Square, a second-old fused fix.
                val fix = locationFix(31.2304, 121.4737, 10f, 1_000_000_000, 2_000_000_000, now, false, "fused", true, Crs.WGS84)
                flow.keep(shot, still, flow.evidence(fix, now, still.capturedAtUnixMs))
            }
            assertTrue(flow.shots().isEmpty())
            val updates = flow.upload().toList()
            val summary = (updates.last() as UploadUpdate.Finished).summary
            assertEquals(shots.size, summary.uploaded.size)
            assertEquals(OrderStatus.SUBMITTED, flow.submit().status)
        }
        dir.deleteRecursively()
    }
}
