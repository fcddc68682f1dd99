// An android.location.Location as the core's fix.
package cn.icpfiling.companion.android

import android.location.Location
import android.os.Build
import android.os.SystemClock
import cn.icpfiling.companion.location.LocationFix
import cn.icpfiling.companion.ktx.locationFix

/**
 * This location as the core's fix: accuracy (missing = refused), the fix's
 * time from `elapsedRealtimeNanos`, `isMock` (API 31+, else
 * `isFromMockProvider`), the provider, and whether the app holds
 * ACCESS_FINE_LOCATION ([precise]).
 */
fun Location.toCoreFix(precise: Boolean): LocationFix = locationFix(
    latitude = latitude,
    longitude = longitude,
    accuracyM = if (hasAccuracy()) accuracy else null,
    elapsedRealtimeNanos = elapsedRealtimeNanos,
    nowElapsedRealtimeNanos = SystemClock.elapsedRealtimeNanos(),
    nowUnixMs = System.currentTimeMillis(),
    isMock = if (Build.VERSION.SDK_INT >= 31) isMock else @Suppress("DEPRECATION") isFromMockProvider,
    provider = provider,
    precise = precise,
)
