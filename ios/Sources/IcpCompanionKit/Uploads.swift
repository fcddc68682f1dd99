// The upload queue's progress as an AsyncThrowingStream.
import IcpCompanion

/// What uploading the queue reports.
public enum UploadUpdate: Sendable {
    /// `sent` of `total` bytes of queue entry `entryId` are on the server.
    case progress(entryId: String, sent: UInt64, total: UInt64)
    /// The queue was drained: what was uploaded and what failed (still queued).
    case finished(DrainSummary)
}

public extension UploadQueue {
    /// Uploads every queued photo while iterated: progress (at most every
    /// 100 ms per entry; the newest kept when the reader is slow), then
    /// the summary. Ending the iteration cancels; what was sent resumes
    /// next time.
    func uploads() -> AsyncThrowingStream<UploadUpdate, Error> {
        AsyncThrowingStream(bufferingPolicy: .bufferingNewest(16)) { continuation in
            let task = Task {
                do {
                    let summary = try await self.drain(progress: ProgressRelay(continuation))
                    continuation.yield(.finished(summary))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}

private final class ProgressRelay: UploadProgress, @unchecked Sendable {
    private let continuation: AsyncThrowingStream<UploadUpdate, Error>.Continuation
    init(_ continuation: AsyncThrowingStream<UploadUpdate, Error>.Continuation) { self.continuation = continuation }
    func progress(entryId: String, sent: UInt64, total: UInt64) {
        continuation.yield(.progress(entryId: entryId, sent: sent, total: total))
    }
}
