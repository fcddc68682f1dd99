package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.CameraFrame
import cn.icpfiling.companion.CaptureTarget
import cn.icpfiling.companion.core.DocumentType
import cn.icpfiling.companion.FrameOutcome
import cn.icpfiling.companion.core.Hint
import cn.icpfiling.companion.OrderQrException
import cn.icpfiling.companion.core.PixelFormat
import cn.icpfiling.companion.ReplaySource
import cn.icpfiling.companion.core.RequiredMarks
import cn.icpfiling.companion.TrustConfig
import cn.icpfiling.companion.generateIssuerSeed
import cn.icpfiling.companion.issuerPublicKey
import cn.icpfiling.companion.orderQrRenderPng
import cn.icpfiling.companion.testing.writeDocumentSequence
import java.io.File
import java.nio.ByteBuffer
import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.AfterClass
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.BeforeClass
import org.junit.Test

class GuidedCaptureTest {
    companion object {
        private lateinit var documents: File

        @BeforeClass
        @JvmStatic
        fun drawFrames() {
            documents = Files.createTempDirectory("documents").toFile()
            writeDocumentSequence(documents)
        }

        @AfterClass
        @JvmStatic
        fun removeFrames() {
            documents.deleteRecursively()
        }
    }

    /** The replayed frames as CameraX hands them over: YUV_420_888, sensor turned 90°. */
    private fun cameraFrames(): List<CameraFrame> {
        val source = ReplaySource.open(documents.path, PixelFormat.YUV420, 90u, false)
        return generateSequence { source.nextFrame() }.toList().also { source.close() }
    }

    private fun documentCapture() = GuidedCapture(
        CaptureTarget.Document(DocumentType.AUTHENTICITY_STATEMENT, RequiredMarks(seal = false, fingerprint = false), null),
    )

    private fun pushAll(capture: GuidedCapture, frames: List<CameraFrame>, buffer: (ByteArray) -> ByteBuffer): List<List<Hint>> {
        val seen = mutableListOf<List<Hint>>()
        for (frame in frames) {
            val planes = frame.planes.map { PlaneBuffer(buffer(it.data), it.rowStride.toInt(), it.pixelStride.toInt()) }
            val outcome = capture.push(frame.format, frame.width.toInt(), frame.height.toInt(), planes, frame.rotationDegrees.toInt())
            if (outcome == FrameOutcome.FINISHED) break
            seen += capture.guidance.value.map { it.hint }
        }
        return seen
    }

    private fun direct(bytes: ByteArray): ByteBuffer = ByteBuffer.allocateDirect(bytes.size).put(bytes).apply { flip() }

    @Test
    fun directBuffersAreGuidedAndAutoCapturedWhenSteady(): Unit = runBlocking {
        documentCapture().use { capture ->
            val seen = pushAll(capture, cameraFrames(), ::direct)
            assertTrue("$seen", Hint.DOCUMENT_EDGE_CUT in seen.first())
            assertTrue("$seen", listOf(Hint.HOLD_STILL) in seen)
            val result = withTimeout(10_000) { capture.result() } as CaptureResult.Still
            assertTrue(result.still.automatic && result.still.passed)
            assertEquals(6uL, result.still.frameIndex)
            assertEquals(7uL, capture.stats().analysed)
        }
    }

    @Test
    fun heapBuffersAndBufferPositionsAreReadLikeDirectOnes() {
        // Heap buffers are copied; a direct buffer is read from its position.
        // The first frames' guidance (edge cut, then moving) shows the
        // pixels arrived intact whichever way they were handed over.
        val offset: (ByteArray) -> ByteBuffer = { bytes ->
            ByteBuffer.allocateDirect(bytes.size + 3).apply { put(ByteArray(3) { 0x7F }); put(bytes); position(3) }
        }
        val frames = cameraFrames().take(3)
        val seen = listOf<(ByteArray) -> ByteBuffer>(::direct, ByteBuffer::wrap, offset).map { buffer ->
            documentCapture().use { pushAll(it, frames, buffer) }
        }
        assertTrue("${seen[0]}", Hint.DOCUMENT_EDGE_CUT in seen[0].first())
        assertEquals(seen[0], seen[1])
        assertEquals(seen[0], seen[2])
    }

    @Test
    fun shutterAndRestart(): Unit = runBlocking {
        documentCapture().use { capture ->
            val first = cameraFrames().first()
            capture.shutter()
            capture.push(first)
            val manual = (capture.result() as CaptureResult.Still).still
            assertTrue(!manual.automatic && !manual.passed)
            assertTrue(manual.findings.any { it.code == "document.edge_cut" })
            capture.restart()
            assertEquals(emptyList<Any>(), capture.guidance.value)
            assertEquals(FrameOutcome.ANALYSED, capture.push(first))
        }
    }

    @Test
    fun orderCodeFoundAndRefusalsReported(): Unit = runBlocking {
        val seed = generateIssuerSeed()
        val payload = samplePayload()
        val text = cn.icpfiling.companion.orderQrEncode(payload, seed)
        val dir = Files.createTempDirectory("code").toFile()
        File(dir, "code.png").writeBytes(orderQrRenderPng(text, 5u))
        val trusted = TrustConfig(listOf(issuerPublicKey(seed)), listOf("*.example.cn"))
        val untrusted = TrustConfig(listOf(issuerPublicKey(generateIssuerSeed())), listOf("*.example.cn"))
        val frame = ReplaySource.open(dir.path, PixelFormat.NV21, 0u, false).nextFrame()!!
        GuidedCapture(CaptureTarget.OrderQr(trusted), clock = { NOW }).use { capture ->
            repeat(4) { if (capture.push(frame) != FrameOutcome.FINISHED) Unit }
            val order = withTimeout(10_000) { capture.result() } as CaptureResult.Order
            assertEquals(payload.orderId, order.order.payload.orderId)
        }
        GuidedCapture(CaptureTarget.OrderQr(untrusted), clock = { NOW }).use { capture ->
            repeat(4) { capture.push(frame) }
            assertTrue("${capture.refusal.value}", capture.refusal.value is OrderQrException.UnknownIssuer)
            assertEquals(listOf(Hint.CODE_REFUSED), capture.guidance.value.map { it.hint })
        }
        dir.deleteRecursively()
    }
}
