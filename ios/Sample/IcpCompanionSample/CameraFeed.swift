// The camera behind a guided capture: AVCaptureSession with a video data
// output delivering 420 bi-planar buffers to the core's analyzer.
import AVFoundation
import IcpCompanion
import IcpCompanionKit
import SwiftUI

/// Runs the camera for one guided capture and shows its preview.
final class CameraFeed {
    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "camera.analysis")
    private var analyzer: PixelBufferAnalyzer?

    /// Starts streaming `position`'s camera into `capture` (portrait: the sensor is turned 90°).
    func start(_ capture: GuidedCapture, position: AVCaptureDevice.Position) throws {
        guard let device = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: position) else {
            throw CameraFeedError.noCamera
        }
        session.beginConfiguration()
        session.sessionPreset = .hd1920x1080
        session.inputs.forEach(session.removeInput)
        session.outputs.forEach(session.removeOutput)
        session.addInput(try AVCaptureDeviceInput(device: device))
        let output = AVCaptureVideoDataOutput()
        output.alwaysDiscardsLateVideoFrames = true
        output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange]
        let analyzer = PixelBufferAnalyzer(capture: capture, rotationDegrees: { position == .front ? 270 : 90 })
        output.setSampleBufferDelegate(analyzer, queue: queue)
        self.analyzer = analyzer
        session.addOutput(output)
        session.commitConfiguration()
        queue.async { self.session.startRunning() }
    }

    func stop() { queue.async { self.session.stopRunning() } }
}

enum CameraFeedError: Error { case noCamera }

/// The camera preview.
struct CameraPreview: UIViewRepresentable {
    let session: AVCaptureSession
    func makeUIView(context: Context) -> PreviewView {
        let view = PreviewView()
        view.preview.session = session
        view.preview.videoGravity = .resizeAspectFill
        return view
    }
    func updateUIView(_ uiView: PreviewView, context: Context) {}

    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var preview: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer }
    }
}
