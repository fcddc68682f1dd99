// The capture session as coroutines see it: guidance as a StateFlow, the
// result as a suspend call. Pure Kotlin (no android.*), tested on the JVM.
package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.BorrowedFrame
import cn.icpfiling.companion.CameraFrame
import cn.icpfiling.companion.CaptureObserver
import cn.icpfiling.companion.CaptureSession
import cn.icpfiling.companion.core.CaptureSettings
import cn.icpfiling.companion.CaptureStats
import cn.icpfiling.companion.CaptureTarget
import cn.icpfiling.companion.CapturedStill
import cn.icpfiling.companion.FrameOutcome
import cn.icpfiling.companion.GuidanceHint
import cn.icpfiling.companion.OrderQrException
import cn.icpfiling.companion.protocol.VerifiedOrder
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.withContext

/** How a capture session ended: the verified order, or the still with its verdict. */
sealed interface CaptureResult {
    /** The order QR code was found and verified. */
    data class Order(val order: VerifiedOrder) : CaptureResult

    /** A photo was taken (automatically or by the shutter). */
    data class Still(val still: CapturedStill) : CaptureResult
}

/**
 * A capture session for [target]: push preview frames from any thread, show
 * [guidance], and await the [result]. Frames pushed while one is analysed
 * are dropped, never queued. Seconds since the epoch come from [clock]
 * (order codes expire).
 */
class GuidedCapture(
    target: CaptureTarget,
    settings: CaptureSettings? = null,
    private val clock: () -> ULong = { (System.currentTimeMillis() / 1000).toULong() },
) : AutoCloseable {
    private val hints = MutableStateFlow<List<GuidanceHint>>(emptyList())
    private val refused = MutableStateFlow<OrderQrException?>(null)

    @Volatile
    private var outcome = CompletableDeferred<CaptureResult>()

    private val session = CaptureSession(target, settings, object : CaptureObserver {
        override fun onGuidance(hints: List<GuidanceHint>) {
            this@GuidedCapture.hints.value = hints
        }

        override fun onCodeRefused(error: OrderQrException) {
            refused.value = error
        }

        override fun onOrder(order: VerifiedOrder) {
            outcome.complete(CaptureResult.Order(order))
        }

        override fun onCaptured(still: CapturedStill) {
            outcome.complete(CaptureResult.Still(still))
        }
    })

    /** The hints to show now, most important first (zh-Hans and en texts, stable codes). */
    val guidance: StateFlow<List<GuidanceHint>> = hints.asStateFlow()

    /** Why the last QR code in view was refused (expired, unknown issuer, …), if one was. */
    val refusal: StateFlow<OrderQrException?> = refused.asStateFlow()

    /** Analyses a frame whose planes are byte arrays (replay, tests, heap buffers). */
    fun push(frame: CameraFrame): FrameOutcome = session.pushFrame(frame, clock())

    /**
     * Analyses a frame read where the platform keeps it; the planes' memory
     * must stay valid until this returns (close the `ImageProxy` afterwards).
     */
    fun push(frame: BorrowedFrame): FrameOutcome = session.pushBorrowedFrame(frame, clock())

    /** Presses the shutter: the next analysed frame is taken whatever the checks say. */
    fun shutter() = session.requestCapture()

    /** Takes [frame] (e.g. a full-resolution `ImageCapture`) as the still now, off the main thread. */
    suspend fun capture(frame: CameraFrame): CapturedStill = withContext(Dispatchers.Default) {
        session.captureFrame(frame).also { outcome.complete(CaptureResult.Still(it)) }
    }

    /** Waits for the order or the still. */
    suspend fun result(): CaptureResult = outcome.await()

    /** Starts over for another shot of the same kind. */
    fun restart() {
        session.restart()
        outcome = CompletableDeferred()
        hints.value = emptyList()
        refused.value = null
    }

    /** Frames analysed and dropped so far. */
    fun stats(): CaptureStats = session.stats()

    /** Frees the native session. */
    override fun close() = session.close()
}
