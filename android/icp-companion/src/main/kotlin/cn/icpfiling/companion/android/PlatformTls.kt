// The phone's own certificate checks for the core's HTTPS: claim, uploads
// and submit then trust what the phone trusts (its system CAs, the CAs a
// company installs through device management, Android's revocation checks).
package cn.icpfiling.companion.android

import android.content.Context

/**
 * Hands the core the app's context for Android's certificate verifier
 * (rustls-platform-verifier). Call once before the first claim, e.g. in
 * `Application.onCreate`; until then the core trusts only the Mozilla roots
 * bundled in it, and logs a warning.
 */
object PlatformTls {
    init {
        System.loadLibrary("icp_companion")
    }

    /** Starts the platform verifier; throws IllegalStateException if it cannot. */
    fun init(context: Context) = nativeInit(context.applicationContext)

    @JvmStatic
    private external fun nativeInit(context: Context)
}
