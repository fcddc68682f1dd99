// The capture session for Swift concurrency: guidance as an AsyncStream,
// the result as an async call.
import Foundation
import IcpCompanion

/// How a capture session ended.
public enum CaptureResult: Sendable {
    /// The order QR code was found and verified.
    case order(VerifiedOrder)
    /// A photo was taken (automatically or by the shutter), with its verdict.
    case still(CapturedStill)
}

/// A capture session for `target`: push camera frames from the capture
/// queue, show `guidance`, await `result()`. Frames pushed while one is
/// analysed are dropped, never queued. The same surface as Kotlin's
/// `GuidedCapture` (checked by tests/python/test_parity.py); the native
/// session is freed when this is released (Kotlin: `close()`).
public final class GuidedCapture: @unchecked Sendable {
    /// The hints to show, most important first, each time they change.
    public let guidance: AsyncStream<[GuidanceHint]>
    private let observer: Observer
    private let session: CaptureSession

    /// Opens a session; `settings` nil = the documented defaults.
    public init(target: CaptureTarget, settings: CaptureSettings? = nil) throws {
        var continuation: AsyncStream<[GuidanceHint]>.Continuation!
        guidance = AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation = $0 }
        observer = Observer(guidance: continuation)
        session = try CaptureSession(target: target, settings: settings, observer: observer)
    }

    /// Analyses a frame whose planes stay in the pixel buffer (locked until this returns).
    @discardableResult
    public func push(_ frame: BorrowedFrame, now: Date = Date()) throws -> FrameOutcome {
        try session.pushBorrowedFrame(frame: frame, nowUnix: UInt64(now.timeIntervalSince1970))
    }

    /// Analyses a frame given as byte arrays (replay, tests).
    @discardableResult
    public func push(_ frame: CameraFrame, now: Date = Date()) throws -> FrameOutcome {
        try session.pushFrame(frame: frame, nowUnix: UInt64(now.timeIntervalSince1970))
    }

    /// Presses the shutter: the next analysed frame is taken whatever the checks say.
    public func shutter() { session.requestCapture() }

    /// Takes `frame` (e.g. a full-resolution `AVCapturePhoto`'s pixels) as
    /// the still now, off the caller's actor.
    public func capture(_ frame: CameraFrame) async throws -> CapturedStill {
        let session = self.session
        let still = try await Task.detached { try session.captureFrame(frame: frame) }.value
        observer.onCaptured(still: still)
        return still
    }

    /// Waits for the order or the still.
    public func result() async -> CaptureResult { await observer.result() }

    /// Starts over for another shot of the same kind; `guidance` keeps
    /// streaming.
    public func restart() {
        session.restart()
        observer.reset()
    }

    /// Frames analysed and dropped so far.
    public func stats() -> CaptureStats { session.stats() }

    /// Why the last QR code in view was refused (expired, unknown issuer, …), if one was.
    public var refusal: OrderQrError? { observer.refusal }
}

/// Receives the core's callbacks (on the pushing thread) and hands them on.
private final class Observer: CaptureObserver, @unchecked Sendable {
    private let guidance: AsyncStream<[GuidanceHint]>.Continuation
    private let lock = NSLock()
    private var finished: CaptureResult?
    private var refused: OrderQrError?
    private var waiting: [CheckedContinuation<CaptureResult, Never>] = []

    init(guidance: AsyncStream<[GuidanceHint]>.Continuation) { self.guidance = guidance }

    func onGuidance(hints: [GuidanceHint]) { guidance.yield(hints) }
    func onCodeRefused(error: OrderQrError) { lock.lock(); refused = error; lock.unlock() }
    func onOrder(order: VerifiedOrder) { finish(.order(order)) }
    func onCaptured(still: CapturedStill) { finish(.still(still)) }

    var refusal: OrderQrError? { lock.lock(); defer { lock.unlock() }; return refused }

    func result() async -> CaptureResult {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let finished { lock.unlock(); continuation.resume(returning: finished); return }
            waiting.append(continuation)
            lock.unlock()
        }
    }

    /// Forgets the last result and refusal (a restarted session).
    func reset() {
        lock.lock()
        finished = nil
        refused = nil
        lock.unlock()
        guidance.yield([])
    }

    /// The first result of a round wins, as in Kotlin's `CompletableDeferred`.
    private func finish(_ result: CaptureResult) {
        lock.lock()
        if finished != nil { lock.unlock(); return }
        finished = result
        let resumed = waiting
        waiting = []
        lock.unlock()
        resumed.forEach { $0.resume(returning: result) }
    }
}
