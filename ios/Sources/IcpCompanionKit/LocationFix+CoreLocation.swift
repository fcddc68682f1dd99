// A Core Location fix as the core's.
#if canImport(CoreLocation)
import CoreLocation
import IcpCompanion

public extension CLLocation {
    /// This location as the core's fix: horizontal accuracy (negative =
    /// invalid, refused by the core), the fix's timestamp, and whether iOS
    /// reports it simulated by software (`sourceInformation`, iOS 15+).
    /// `precise` is false when the user granted only approximate location.
    func coreFix(precise: Bool) -> LocationFix {
        LocationFix(
            latitude: coordinate.latitude,
            longitude: coordinate.longitude,
            crs: .wgs84,
            horizontalAccuracyM: horizontalAccuracy < 0 ? .nan : horizontalAccuracy,
            fixTimeUnixMs: Int64((timestamp.timeIntervalSince1970 * 1000).rounded()),
            isMock: sourceInformation?.isSimulatedBySoftware ?? false,
            provider: .fused,
            precision: precise ? .precise : .approximate
        )
    }
}
#endif
