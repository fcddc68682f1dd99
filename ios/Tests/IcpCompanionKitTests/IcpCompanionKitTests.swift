// Runs with `swift test` on a Mac after build-xcframework.sh (no Swift
// toolchain is reachable on the project's Linux build machines).
import CoreLocation
import CoreVideo
import IcpCompanion
@testable import IcpCompanionKit
import XCTest

final class IcpCompanionKitTests: XCTestCase {
    /// A verified order code for a Shanghai organisation, rendered as a PNG in a fresh folder.
    private func codeFolder() throws -> (URL, TrustConfig) {
        let seed = generateIssuerSeed()
        let payload = OrderPayload(
            orderId: "ICP-IOS-0001", gateway: "https://gw.beian.example.cn", claimToken: Data(count: 16),
            expiresAt: UInt64(Date().timeIntervalSince1970) + 600, province: .shanghai, subject: .organisation,
            requirements: Requirements(documents: [.ownerId], adminPhoto: .backdrop, inRegionVerification: true)
        )
        let text = try orderQrEncode(payload: payload, issuerSeed: seed)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try orderQrRenderPng(text: text, modulePx: 5).write(to: dir.appendingPathComponent("code.png"))
        return (dir, TrustConfig(trustedIssuerKeys: [try issuerPublicKey(issuerSeed: seed)], allowedGatewayHosts: ["*.example.cn"]))
    }

    func testTheOrderCodeIsFoundInReplayedBiPlanarFrames() async throws {
        let (dir, trust) = try codeFolder()
        let frame = try XCTUnwrap(try ReplaySource.open(dir: dir.path, format: .nv12VideoRange, rotationDegrees: 90, mirrored: false).nextFrame())
        let capture = try GuidedCapture(target: .orderQr(trust: trust))
        for _ in 0..<4 { try capture.push(frame) }
        guard case .order(let order) = await capture.result() else { return XCTFail("no order") }
        XCTAssertEqual(order.payload.orderId, "ICP-IOS-0001")
    }

    func testPixelBufferPlanesArePassedByAddress() throws {
        var buffer: CVPixelBuffer?
        XCTAssertEqual(CVPixelBufferCreate(nil, 64, 48, kCVPixelFormatType_420YpCbCr8BiPlanarFullRange, nil, &buffer), kCVReturnSuccess)
        let pixels = try XCTUnwrap(buffer)
        XCTAssertEqual(PixelBufferAnalyzer.format(of: pixels), .nv12)
        CVPixelBufferLockBaseAddress(pixels, .readOnly)
        defer { CVPixelBufferUnlockBaseAddress(pixels, .readOnly) }
        let planes = PixelBufferAnalyzer.planes(of: pixels)
        XCTAssertEqual(planes.count, 2)
        XCTAssertEqual(planes[1].pixelStride, 2)
        XCTAssertEqual(planes[0].address, UInt64(UInt(bitPattern: CVPixelBufferGetBaseAddressOfPlane(pixels, 0))))
    }

    func testCoreLocationFixesCarryAccuracyTimeAndSimulation() throws {
        let when = Date(timeIntervalSince1970: 1_795_000_000)
        let square = CLLocation(coordinate: CLLocationCoordinate2D(latitude: 31.2304, longitude: 121.4737), altitude: 0,
                                horizontalAccuracy: 12, verticalAccuracy: -1, timestamp: when)
        let fix = square.coreFix(precise: true)
        XCTAssertEqual(fix.fixTimeUnixMs, 1_795_000_000_000)
        XCTAssertEqual(fix.horizontalAccuracyM, 12)
        XCTAssertFalse(fix.isMock)
        let verdict = try locationAssess(fix: fix, nowUnixMs: 1_795_000_001_000, policy: nil)
        XCTAssertEqual(verdict.status, .inside)
        let invalid = CLLocation(coordinate: square.coordinate, altitude: 0, horizontalAccuracy: -1, verticalAccuracy: -1, timestamp: when)
        XCTAssertTrue(invalid.coreFix(precise: true).horizontalAccuracyM.isNaN)
    }
}
