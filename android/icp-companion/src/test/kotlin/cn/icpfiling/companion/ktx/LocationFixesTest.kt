package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.LocationException
import cn.icpfiling.companion.location.LocationPrecision
import cn.icpfiling.companion.location.LocationProvider
import cn.icpfiling.companion.location.RegionStatus
import cn.icpfiling.companion.locationAssess
import org.junit.Assert.assertEquals
import org.junit.Assert.assertThrows
import org.junit.Test

class LocationFixesTest {
    private val nowMs = 1_795_000_000_000L
    private val nowElapsed = 5_000_000_000_000L

    /** People's Square, taken [ageMs] before now. */
    private fun square(ageMs: Long = 2_000, accuracy: Float? = 12f, mock: Boolean = false, precise: Boolean = true) =
        locationFix(31.2304, 121.4737, accuracy, nowElapsed - ageMs * 1_000_000, nowElapsed, nowMs, mock, "fused", precise)

    @Test
    fun fixTimeComesFromTheMonotonicAge() {
        val fix = square(ageMs = 2_500)
        assertEquals(nowMs - 2_500, fix.fixTimeUnixMs)
        assertEquals(LocationProvider.FUSED, fix.provider)
        assertEquals(LocationPrecision.PRECISE, fix.precision)
        assertEquals(RegionStatus.INSIDE, locationAssess(fix, nowMs, null).status)
        assertEquals(LocationProvider.UNKNOWN, locationFix(0.0, 0.0, 1f, 0, 0, 0, false, "passive", true).provider)
    }

    @Test
    fun missingAccuracyMockApproximateAndStaleFixesAreRefused() {
        assertThrows(LocationException.InvalidAccuracy::class.java) { locationAssess(square(accuracy = null), nowMs, null) }
        assertThrows(LocationException.MockFix::class.java) { locationAssess(square(mock = true), nowMs, null) }
        assertThrows(LocationException.CoarseOnly::class.java) { locationAssess(square(precise = false), nowMs, null) }
        assertThrows(LocationException.StaleFix::class.java) { locationAssess(square(ageMs = 3_600_000), nowMs, null) }
    }
}
