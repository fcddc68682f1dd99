// swift-tools-version:5.9
// The ICP Filing companion core for iOS: the Rust core as an XCFramework
// (device and simulator slices, built by build-xcframework.sh), its
// generated Swift bindings (IcpCompanion) and a thin idiomatic layer
// (IcpCompanionKit: async/await, AsyncStream, AVFoundation, Core Location,
// Keychain).
import PackageDescription

let package = Package(
    name: "IcpCompanion",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "IcpCompanion", targets: ["IcpCompanion", "IcpCompanionKit"]),
    ],
    targets: [
        .binaryTarget(name: "IcpCompanionFFI", path: "build/IcpCompanionFFI.xcframework"),
        // build-xcframework.sh writes the generated Swift here, one file per
        // namespace (IcpCompanion, IcpCompanionCore, IcpProtocol, IcpLocation).
        .target(
            name: "IcpCompanion",
            dependencies: ["IcpCompanionFFI"],
            path: "Sources/IcpCompanion",
            exclude: ["README.md"]
        ),
        .target(name: "IcpCompanionKit", dependencies: ["IcpCompanion"], path: "Sources/IcpCompanionKit"),
        .testTarget(
            name: "IcpCompanionKitTests",
            dependencies: ["IcpCompanionKit"],
            path: "Tests/IcpCompanionKitTests"
        ),
    ]
)
