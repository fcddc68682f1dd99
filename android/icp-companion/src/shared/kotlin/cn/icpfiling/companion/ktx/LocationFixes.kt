// A platform location as the core's fix. Pure Kotlin, tested on the JVM;
// android/…/AndroidLocation.kt feeds it an android.location.Location.
package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.location.Crs
import cn.icpfiling.companion.location.LocationFix
import cn.icpfiling.companion.location.LocationPrecision
import cn.icpfiling.companion.location.LocationProvider

/**
 * The core's fix for a platform location. The fix's wall-clock time is
 * derived from its monotonic age ([elapsedRealtimeNanos] against
 * [nowElapsedRealtimeNanos], Android's `elapsedRealtimeNanos`), because the
 * location's own `time` follows the device clock, which the user can set.
 * A missing accuracy ([accuracyM] null) becomes NaN, which the core refuses
 * as `location.invalid_accuracy` rather than trusting the fix.
 */
fun locationFix(
    latitude: Double,
    longitude: Double,
    accuracyM: Float?,
    elapsedRealtimeNanos: Long,
    nowElapsedRealtimeNanos: Long,
    nowUnixMs: Long,
    isMock: Boolean,
    provider: String?,
    precise: Boolean,
    crs: Crs = Crs.WGS84,
): LocationFix = LocationFix(
    latitude = latitude,
    longitude = longitude,
    crs = crs,
    horizontalAccuracyM = accuracyM?.toDouble() ?: Double.NaN,
    fixTimeUnixMs = nowUnixMs - (nowElapsedRealtimeNanos - elapsedRealtimeNanos) / 1_000_000,
    isMock = isMock,
    provider = when (provider) {
        "gps" -> LocationProvider.GPS
        "network" -> LocationProvider.NETWORK
        "fused" -> LocationProvider.FUSED
        else -> LocationProvider.UNKNOWN
    },
    precision = if (precise) LocationPrecision.PRECISE else LocationPrecision.APPROXIMATE,
)
