// Platform buffers as core frames, read in place. Pure Kotlin (JNA gives a
// direct buffer's address), so CameraX and Camera2 adapters stay a few lines.
package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.BorrowedFrame
import cn.icpfiling.companion.BorrowedPlane
import cn.icpfiling.companion.CameraFrame
import cn.icpfiling.companion.FrameOutcome
import cn.icpfiling.companion.FramePlane
import cn.icpfiling.companion.core.PixelFormat
import com.sun.jna.Native
import com.sun.jna.Pointer
import java.nio.ByteBuffer

/** One plane as the camera hands it over: its buffer (from its position) and strides. */
class PlaneBuffer(val buffer: ByteBuffer, val rowStride: Int, val pixelStride: Int)

/** Android `ImageFormat` / `PixelFormat` codes the core reads, by value (no android.* import). */
object AndroidImageFormat {
    /** `ImageFormat.YUV_420_888`, CameraX's default analysis format. */
    const val YUV_420_888 = 0x23

    /** `ImageFormat.NV21`, the legacy camera's preview format. */
    const val NV21 = 0x11

    /** `PixelFormat.RGBA_8888`, CameraX's `OUTPUT_IMAGE_FORMAT_RGBA_8888`. */
    const val RGBA_8888 = 1

    /** The core's format for an Android image format code, or null if it cannot read it. */
    fun toCore(format: Int): PixelFormat? = when (format) {
        YUV_420_888 -> PixelFormat.YUV420
        NV21 -> PixelFormat.NV21
        RGBA_8888 -> PixelFormat.RGBA8
        else -> null
    }
}

/**
 * The addresses of direct buffers' contents (from each buffer's position),
 * for the core to read in place; null if JNA cannot give one.
 */
internal fun framePlanes(planes: List<PlaneBuffer>): List<BorrowedPlane>? = planes.map { plane ->
    val base = Native.getDirectBufferPointer(plane.buffer) ?: return null
    BorrowedPlane(
        address = (Pointer.nativeValue(base) + plane.buffer.position()).toULong(),
        length = plane.buffer.remaining().toULong(),
        rowStride = plane.rowStride.toUInt(),
        pixelStride = plane.pixelStride.toUInt(),
    )
}

/**
 * Offers a camera frame to the session without copying its planes when
 * they are direct buffers. [rotationDegrees] turns it upright (CameraX
 * `imageInfo.rotationDegrees`); [mirrored] for front-camera buffers.
 * The buffers must stay valid until this returns.
 */
fun GuidedCapture.push(
    format: PixelFormat,
    width: Int,
    height: Int,
    planes: List<PlaneBuffer>,
    rotationDegrees: Int,
    mirrored: Boolean = false,
): FrameOutcome {
    val (w, h, rotation) = Triple(width.toUInt(), height.toUInt(), rotationDegrees.toUInt())
    val borrowed = if (planes.all { it.buffer.isDirect }) framePlanes(planes) else null
    return if (borrowed != null) {
        push(BorrowedFrame(format, w, h, borrowed, rotation, mirrored))
    } else {
        val copied = planes.map { plane ->
            val bytes = ByteArray(plane.buffer.remaining())
            plane.buffer.duplicate().get(bytes)
            FramePlane(bytes, plane.rowStride.toUInt(), plane.pixelStride.toUInt())
        }
        push(CameraFrame(format, w, h, copied, rotation, mirrored))
    }
}
