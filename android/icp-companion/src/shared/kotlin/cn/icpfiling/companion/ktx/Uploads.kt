// The upload queue's progress as a Flow. Pure Kotlin, tested on the JVM.
package cn.icpfiling.companion.ktx

import cn.icpfiling.companion.DrainSummary
import cn.icpfiling.companion.UploadProgress
import cn.icpfiling.companion.UploadQueue
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.channelFlow

/** What uploading the queue reports. */
sealed interface UploadUpdate {
    /** [sent] of [total] bytes of queue entry [entryId] are on the server. */
    data class Progress(val entryId: String, val sent: ULong, val total: ULong) : UploadUpdate

    /** The queue was drained: what was uploaded and what failed (failures stay queued). */
    data class Finished(val summary: DrainSummary) : UploadUpdate
}

/**
 * Uploads every queued photo while collected, emitting progress (at most
 * every 100 ms per entry; skipped, never buffered without bound, when the
 * collector is slow) and finally the summary. Cancelling the collector
 * stops the upload; what was sent is resumed next time.
 */
fun UploadQueue.uploads(): Flow<UploadUpdate> = channelFlow {
    val summary = drain(object : UploadProgress {
        override fun progress(entryId: String, sent: ULong, total: ULong) {
            trySend(UploadUpdate.Progress(entryId, sent, total))
        }
    })
    send(UploadUpdate.Finished(summary))
}
