// The sample's screens: one activity walking through the filing flow.
// Everything but the camera, location and views lives in FilingFlow.kt
// (shared, tested on the JVM) and the library.
package cn.icpfiling.companion.sample

import android.Manifest
import android.annotation.SuppressLint
import android.content.pm.PackageManager
import android.location.Location
import android.location.LocationManager
import android.os.Build
import android.os.Bundle
import android.view.View
import android.widget.Button
import android.widget.LinearLayout
import android.widget.ProgressBar
import android.widget.TextView
import androidx.activity.result.contract.ActivityResultContracts
import androidx.appcompat.app.AppCompatActivity
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.core.content.ContextCompat
import androidx.lifecycle.lifecycleScope
import cn.icpfiling.companion.CaptureTarget
import cn.icpfiling.companion.CapturedStill
import cn.icpfiling.companion.LocationException
import cn.icpfiling.companion.TrustConfig
import cn.icpfiling.companion.UploadQueue
import cn.icpfiling.companion.protocol.VerifiedOrder
import cn.icpfiling.companion.android.CoreFrameAnalyzer
import cn.icpfiling.companion.android.InstallationId
import cn.icpfiling.companion.android.KeystoreQueueKey
import cn.icpfiling.companion.android.PlatformTls
import cn.icpfiling.companion.android.toCoreFix
import cn.icpfiling.companion.ktx.CaptureResult
import cn.icpfiling.companion.ktx.GuidedCapture
import cn.icpfiling.companion.ktx.UploadUpdate
import java.io.File
import java.util.concurrent.Executors
import kotlin.coroutines.resume
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext

class MainActivity : AppCompatActivity() {
    private val analysis = Executors.newSingleThreadExecutor()
    private lateinit var preview: PreviewView
    private lateinit var title: TextView
    private lateinit var hint: TextView
    private lateinit var progress: ProgressBar
    private lateinit var primary: Button
    private val permissions = registerForActivityResult(ActivityResultContracts.RequestMultiplePermissions()) {
        lifecycleScope.launch { run() }
    }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        // The gateway's certificate checked as the phone checks it (system and enterprise CAs).
        PlatformTls.init(this)
        preview = PreviewView(this)
        title = TextView(this).apply { textSize = 20f }
        hint = TextView(this).apply { textSize = 16f }
        progress = ProgressBar(this, null, android.R.attr.progressBarStyleHorizontal).apply { visibility = View.GONE }
        primary = Button(this).apply { visibility = View.GONE }
        setContentView(LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            setPadding(32, 32, 32, 32)
            addView(title)
            addView(preview, LinearLayout.LayoutParams(LinearLayout.LayoutParams.MATCH_PARENT, 0, 1f))
            addView(hint)
            addView(progress)
            addView(primary)
        })
        permissions.launch(arrayOf(Manifest.permission.CAMERA, Manifest.permission.ACCESS_FINE_LOCATION))
    }

    /** The whole flow, one step after another. */
    private suspend fun run() {
        val trust = TrustConfig(listOf(BuildConfig.ISSUER_KEY), BuildConfig.GATEWAY_HOSTS.split(","))
        title.text = "扫描订单二维码 · Scan the order QR code"
        val order = (capture(CaptureTarget.OrderQr(trust), front = false) as CaptureResult.Order).order
        val queue = UploadQueue(File(filesDir, "uploads").path, KeystoreQueueKey.load(this))
        val flow = FilingFlow.claim(order, InstallationId.load(this@MainActivity), queue)
        val view = flow.view()
        title.text = "${view.applicantMasked} · ${view.domains.joinToString()}"
        hint.text = "请核对订单信息 · Check the order"
        tap("开始拍摄 · Start")
        for (shot in flow.shots()) {
            while (true) {
                title.text = "拍摄 · ${shot.slot}"
                val front = shot.target is CaptureTarget.AdminPhoto
                val still = (capture(shot.target, front) as CaptureResult.Still).still
                val evidence = if (shot.needsLocation) {
                    try {
                        flow.evidence(currentFix(order), System.currentTimeMillis(), still.capturedAtUnixMs)
                    } catch (e: LocationException) {
                        hint.text = e.messageZh
                        tap("重拍 · Retake")
                        continue
                    }
                } else {
                    null
                }
                hint.text = verdict(still)
                if (tap(if (still.passed) "使用 · Use" else "仍然使用 · Use anyway", "重拍 · Retake")) {
                    flow.keep(shot, still, evidence)
                    break
                }
            }
        }
        title.text = "上传 · Uploading"
        progress.visibility = View.VISIBLE
        flow.upload().collect { update ->
            when (update) {
                is UploadUpdate.Progress -> progress.progress = (update.sent * 100uL / update.total.coerceAtLeast(1uL)).toInt()
                is UploadUpdate.Finished -> hint.text = update.summary.failed.joinToString("\n") { it.messageZh }
            }
        }
        tap("提交 · Submit")
        hint.text = "状态 · Status: ${flow.submit().status}"
    }

    /** Runs a guided capture on the back (or front) camera until it yields. */
    private suspend fun capture(target: CaptureTarget, front: Boolean): CaptureResult =
        GuidedCapture(target).use { capture ->
            // The provider's future resolves off the main thread; binding happens back on it.
            val provider = withContext(Dispatchers.IO) { ProcessCameraProvider.getInstance(this@MainActivity).get() }
            val analyzer = ImageAnalysis.Builder()
                .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                .build()
                .also { it.setAnalyzer(analysis, CoreFrameAnalyzer(capture) { e -> runOnUiThread { hint.text = e.messageZh } }) }
            val shown = Preview.Builder().build().also { it.setSurfaceProvider(preview.surfaceProvider) }
            val camera = if (front) CameraSelector.DEFAULT_FRONT_CAMERA else CameraSelector.DEFAULT_BACK_CAMERA
            provider.unbindAll()
            provider.bindToLifecycle(this, camera, shown, analyzer)
            val guidance = lifecycleScope.launch {
                capture.guidance.collect { hints -> hint.text = hints.firstOrNull()?.messageZh.orEmpty() }
            }
            primary.text = "拍照 · Shutter"
            primary.visibility = View.VISIBLE
            primary.setOnClickListener { capture.shutter() }
            try {
                capture.result()
            } finally {
                guidance.cancel()
                provider.unbindAll()
            }
        }

    /** The findings that failed, or that all passed. */
    private fun verdict(still: CapturedStill): String =
        still.findings.filter { it.outcome == cn.icpfiling.companion.Outcome.FAIL }
            .joinToString("\n") { it.messageZh }
            .ifEmpty { "检查通过 · All checks passed" }

    /** Waits for the primary button (true) or, when given, the secondary choice via a long press (false). */
    private suspend fun tap(label: String, other: String? = null): Boolean {
        val choice = CompletableDeferred<Boolean>()
        primary.text = if (other == null) label else "$label（长按$other）"
        primary.visibility = View.VISIBLE
        primary.setOnClickListener { choice.complete(true) }
        primary.setOnLongClickListener { choice.complete(false); true }
        return choice.await()
    }

    /** A fresh fix from the platform's location service, as the core wants it. */
    @SuppressLint("MissingPermission")
    private suspend fun currentFix(order: VerifiedOrder): cn.icpfiling.companion.location.LocationFix {
        val precise = ContextCompat.checkSelfPermission(this, Manifest.permission.ACCESS_FINE_LOCATION) ==
            PackageManager.PERMISSION_GRANTED
        val manager = getSystemService(LocationManager::class.java)
        hint.text = "定位 · Locating for order ${order.payload.orderId}"
        val location: Location? = suspendCancellableCoroutine { done ->
            if (Build.VERSION.SDK_INT >= 30) {
                manager.getCurrentLocation(LocationManager.FUSED_PROVIDER.takeIf { Build.VERSION.SDK_INT >= 31 }
                    ?: LocationManager.GPS_PROVIDER, null, mainExecutor) { done.resume(it) }
            } else {
                done.resume(manager.getLastKnownLocation(LocationManager.GPS_PROVIDER))
            }
        }
        return (location ?: Location(LocationManager.GPS_PROVIDER)).toCoreFix(precise)
    }
}
