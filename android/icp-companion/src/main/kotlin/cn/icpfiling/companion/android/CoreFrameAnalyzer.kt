// CameraX hands each analysis frame to the core, planes read in place.
package cn.icpfiling.companion.android

import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import cn.icpfiling.companion.CameraException
import cn.icpfiling.companion.ktx.AndroidImageFormat
import cn.icpfiling.companion.ktx.GuidedCapture
import cn.icpfiling.companion.ktx.PlaneBuffer
import cn.icpfiling.companion.ktx.push

/**
 * An `ImageAnalysis.Analyzer` feeding [capture]: the `ImageProxy` planes
 * (direct buffers, with their row and pixel strides) and its rotation go to
 * the core without a copy, and the image is closed once analysed. Use it
 * with `STRATEGY_KEEP_ONLY_LATEST`; set [mirrored] for a front camera.
 * A frame the core refuses goes to [onError] and the next one is analysed.
 */
class CoreFrameAnalyzer(
    private val capture: GuidedCapture,
    private val mirrored: Boolean = false,
    private val onError: (CameraException) -> Unit = {},
) : ImageAnalysis.Analyzer {
    override fun analyze(image: ImageProxy) {
        image.use {
            val format = AndroidImageFormat.toCore(image.format) ?: return
            val planes = image.planes.map { PlaneBuffer(it.buffer, it.rowStride, it.pixelStride) }
            try {
                capture.push(format, image.width, image.height, planes, image.imageInfo.rotationDegrees, mirrored)
            } catch (e: CameraException) {
                onError(e)
            }
        }
    }
}
