// AVFoundation hands each video frame to the core, planes read in place.
#if canImport(AVFoundation) && canImport(CoreVideo)
import AVFoundation
import CoreVideo
import IcpCompanion

/// An `AVCaptureVideoDataOutputSampleBufferDelegate` feeding `capture`:
/// the `CVPixelBuffer` (BGRA or 420 bi-planar, full or video range) is
/// locked, its planes passed by address with their strides, and unlocked
/// once analysed. Set `alwaysDiscardsLateVideoFrames` on the output.
public final class PixelBufferAnalyzer: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate {
    private let capture: GuidedCapture
    private let rotationDegrees: () -> UInt32
    private let mirrored: Bool
    private let onError: (Error) -> Void

    /// `rotationDegrees` turns the buffer upright (e.g. 90 for a portrait
    /// phone's back camera); `mirrored` for buffers mirrored like the preview.
    public init(capture: GuidedCapture, rotationDegrees: @escaping () -> UInt32, mirrored: Bool = false,
                onError: @escaping (Error) -> Void = { _ in }) {
        self.capture = capture
        self.rotationDegrees = rotationDegrees
        self.mirrored = mirrored
        self.onError = onError
    }

    public func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer,
                              from connection: AVCaptureConnection) {
        guard let buffer = CMSampleBufferGetImageBuffer(sampleBuffer), let format = Self.format(of: buffer) else { return }
        CVPixelBufferLockBaseAddress(buffer, .readOnly)
        defer { CVPixelBufferUnlockBaseAddress(buffer, .readOnly) }
        let frame = BorrowedFrame(
            format: format,
            width: UInt32(CVPixelBufferGetWidth(buffer)),
            height: UInt32(CVPixelBufferGetHeight(buffer)),
            planes: Self.planes(of: buffer),
            rotationDegrees: rotationDegrees(),
            mirrored: mirrored
        )
        do { try capture.push(frame) } catch { onError(error) }
    }

    /// The core's format for the buffer's, or nil for formats it does not read.
    static func format(of buffer: CVPixelBuffer) -> PixelFormat? {
        switch CVPixelBufferGetPixelFormatType(buffer) {
        case kCVPixelFormatType_32BGRA: return .bgra8
        case kCVPixelFormatType_420YpCbCr8BiPlanarFullRange: return .nv12
        case kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange: return .nv12VideoRange
        default: return nil
        }
    }

    /// The locked buffer's planes by address: Y then CbCr pairs, or the BGRA pixels.
    static func planes(of buffer: CVPixelBuffer) -> [BorrowedPlane] {
        func plane(_ base: UnsafeMutableRawPointer?, rowStride: Int, rows: Int, pixelStride: UInt32) -> BorrowedPlane {
            BorrowedPlane(address: UInt64(UInt(bitPattern: base)), length: UInt64(rowStride * rows),
                          rowStride: UInt32(rowStride), pixelStride: pixelStride)
        }
        guard CVPixelBufferIsPlanar(buffer) else {
            return [plane(CVPixelBufferGetBaseAddress(buffer), rowStride: CVPixelBufferGetBytesPerRow(buffer),
                          rows: CVPixelBufferGetHeight(buffer), pixelStride: 4)]
        }
        return (0..<CVPixelBufferGetPlaneCount(buffer)).map { i in
            plane(CVPixelBufferGetBaseAddressOfPlane(buffer, i), rowStride: CVPixelBufferGetBytesPerRowOfPlane(buffer, i),
                  rows: CVPixelBufferGetHeightOfPlane(buffer, i), pixelStride: i == 0 ? 1 : 2)
        }
    }
}
#endif
