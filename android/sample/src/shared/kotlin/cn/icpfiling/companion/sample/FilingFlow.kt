// The sample app's filing flow without its screens: claim the scanned
// order, list the shots it needs, keep each checked still (with location
// evidence for Shanghai), upload with progress, submit. Pure Kotlin, so it
// is compiled and run on the JVM by tests/run-bindings.sh.
package cn.icpfiling.companion.sample

import cn.icpfiling.companion.CaptureTarget
import cn.icpfiling.companion.CapturedStill
import cn.icpfiling.companion.FilingSession
import cn.icpfiling.companion.location.LocationEvidence
import cn.icpfiling.companion.location.LocationFix
import cn.icpfiling.companion.protocol.OrderView
import cn.icpfiling.companion.protocol.Slot
import cn.icpfiling.companion.UploadQueue
import cn.icpfiling.companion.protocol.VerifiedOrder
import cn.icpfiling.companion.captureTargetForSlot
import cn.icpfiling.companion.claimOrder
import cn.icpfiling.companion.ktx.UploadUpdate
import cn.icpfiling.companion.ktx.uploads
import cn.icpfiling.companion.locationAssess
import cn.icpfiling.companion.locationBindEvidence
import kotlinx.coroutines.flow.Flow

/** One photo the order needs: its slot, what to capture, whether it needs a Shanghai fix. */
data class Shot(val slot: Slot, val target: CaptureTarget, val needsLocation: Boolean)

/** A claimed order on its way to submission; [queue] keeps the photos encrypted until uploaded. */
class FilingFlow private constructor(
    private val order: VerifiedOrder,
    private val session: FilingSession,
    private val queue: UploadQueue,
) {
    companion object {
        /** Claims [order] (its one-time token) for this app installation ([installationId]) and opens the upload queue. */
        suspend fun claim(order: VerifiedOrder, installationId: String, queue: UploadQueue): FilingFlow =
            FilingFlow(order, claimOrder(order, installationId), queue)
    }

    /** The order as the gateway shows it (masked applicant, domains, slots). */
    suspend fun view(): OrderView = session.view()

    /** The shots still to take, in the order's show order. */
    suspend fun shots(): List<Shot> {
        val toTake = session.toTake()
        return view().slots.filter { it.slot in toTake }.mapNotNull { slot ->
            captureTargetForSlot(order, slot.slot)?.let { Shot(slot.slot, it, slot.needsLocation) }
        }
    }

    /**
     * Evidence that the shot was taken inside Shanghai: [fix] judged at
     * [nowUnixMs] and bound to [capturedAtUnixMs]. Throws the core's
     * `LocationException` (outside, mock, stale, too coarse…) with its texts.
     */
    fun evidence(fix: LocationFix, nowUnixMs: Long, capturedAtUnixMs: Long): LocationEvidence =
        locationBindEvidence(locationAssess(fix, nowUnixMs, null), capturedAtUnixMs)

    /**
     * Queues the still for [shot] unchanged, at the moment the capture took
     * it (so that its upload carries the capture record the gateway checks),
     * with its verdict and evidence when the shot needs it.
     */
    suspend fun keep(shot: Shot, still: CapturedStill, evidence: LocationEvidence?): String =
        queue.enqueue(
            session, shot.slot, still.photo.bytes, still.capturedAtUnixMs,
            if (still.passed) "pass" else "fail", evidence,
        )

    /** Uploads the queue: progress, then the summary. */
    fun upload(): Flow<UploadUpdate> = queue.uploads()

    /** Submits the order once every photo is on the gateway. */
    suspend fun submit(): OrderView {
        session.refresh()
        return session.submit()
    }
}
