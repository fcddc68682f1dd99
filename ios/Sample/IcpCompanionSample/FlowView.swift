// The filing flow, one step after another, as in the Android sample.
import CoreLocation
import IcpCompanion
import IcpCompanionKit
import SwiftUI

@MainActor
final class FilingModel: NSObject, ObservableObject, CLLocationManagerDelegate {
    @Published var title = "扫描订单二维码 · Scan the order QR code"
    @Published var hint = ""
    @Published var progress: Double?
    @Published var action: (label: String, run: () -> Void)?
    let camera = CameraFeed()
    private let location = CLLocationManager()
    private var fix: CheckedContinuation<CLLocation?, Never>?

    func run() async {
        do {
            let info = Bundle.main.infoDictionary ?? [:]
            let trust = TrustConfig(trustedIssuerKeys: [info["IcpIssuerKey"] as? String ?? ""],
                                    allowedGatewayHosts: (info["IcpGatewayHosts"] as? String ?? "").components(separatedBy: ","))
            guard case .order(let order) = try await capture(.orderQr(trust: trust), position: .back) else { return }
            let session = try await claimOrder(order: order, installationId: try InstallationId.load())
            let view = await session.view()
            let queueDir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
                .appendingPathComponent("uploads").path
            let queue = try UploadQueue(dir: queueDir, key: try KeychainQueueKey.load())
            title = "\(view.applicantMasked) · \(view.domains.joined(separator: ", "))"
            await tap("开始拍摄 · Start")
            location.delegate = self
            location.requestWhenInUseAuthorization()
            let toTake = await session.toTake()
            for slot in view.slots where toTake.contains(slot.slot) {
                guard let target = try captureTargetForSlot(order: order, slot: slot.slot) else { continue }
                title = "拍摄 · \(slot.slot)"
                var position = AVCaptureDevice.Position.back
                if case .adminPhoto = target { position = .front }
                guard case .still(let still) = try await capture(target, position: position) else { continue }
                // Queued unchanged at the capture's own time: its upload then
                // carries the capture record the gateway checks.
                let capturedAt = still.capturedAtUnixMs
                var evidence: LocationEvidence?
                if slot.needsLocation {
                    let here = await currentLocation()
                    let precise = location.accuracyAuthorization == .fullAccuracy
                    let fix = (here ?? CLLocation()).coreFix(precise: precise)
                    evidence = try locationBindEvidence(
                        verdict: try locationAssess(fix: fix, nowUnixMs: Int64(Date().timeIntervalSince1970 * 1000)),
                        captureTimeUnixMs: capturedAt)
                }
                hint = still.findings.filter { $0.outcome == .fail }.map(\.messageZh).joined(separator: "\n")
                _ = try await queue.enqueue(session: session, slot: slot.slot, photo: still.photo.bytes,
                                            capturedAtUnixMs: capturedAt, checks: still.passed ? "pass" : "fail", location: evidence)
            }
            title = "上传 · Uploading"
            for try await update in queue.uploads() {
                switch update {
                case .progress(_, let sent, let total): progress = Double(sent) / Double(max(total, 1))
                case .finished(let summary): hint = summary.failed.map(\.messageZh).joined(separator: "\n")
                }
            }
            await tap("提交 · Submit")
            _ = try await session.refresh()
            hint = "状态 · Status: \(try await session.submit().status)"
        } catch {
            hint = "\(error)"
        }
    }

    private func capture(_ target: CaptureTarget, position: AVCaptureDevice.Position) async throws -> CaptureResult {
        let capture = try GuidedCapture(target: target)
        try camera.start(capture, position: position)
        defer { camera.stop() }
        action = ("拍照 · Shutter", { capture.shutter() })
        let guidance = Task { for await hints in capture.guidance { hint = hints.first?.messageZh ?? "" } }
        defer { guidance.cancel() }
        return await capture.result()
    }

    private func tap(_ label: String) async {
        await withCheckedContinuation { done in action = (label, { done.resume() }) }
        action = nil
    }

    private func currentLocation() async -> CLLocation? {
        await withCheckedContinuation { continuation in
            fix = continuation
            location.requestLocation()
        }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        Task { @MainActor in fix?.resume(returning: locations.last); fix = nil }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        Task { @MainActor in fix?.resume(returning: nil); fix = nil }
    }
}

struct FlowView: View {
    @StateObject private var model = FilingModel()

    var body: some View {
        VStack(spacing: 12) {
            Text(model.title).font(.title3)
            CameraPreview(session: model.camera.session)
            Text(model.hint)
            if let progress = model.progress { ProgressView(value: progress) }
            if let action = model.action { Button(action.label, action: action.run).buttonStyle(.borderedProminent) }
        }
        .padding()
        .task { await model.run() }
    }
}
