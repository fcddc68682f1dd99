//! A location fix as the platform reports it, and the policy it is judged by.

use super::crs::Crs;

/// Which source produced the fix; kept in the evidence for reviewers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum LocationProvider {
    /// Satellite positioning.
    Gps,
    /// Wi-Fi / cell positioning.
    Network,
    /// The platform's fused provider (Android FusedLocationProvider, iOS Core Location).
    Fused,
    /// Not reported.
    Unknown,
}

/// Whether the app may read the precise location (Android 12+ and iOS 14+
/// let the user grant only an approximate one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum LocationPrecision {
    /// Precise location granted.
    Precise,
    /// Only approximate location granted: unusable for the in-region rule.
    Approximate,
}

/// One fix from the phone's location API, as it reported it (the evidence
/// carries it unchanged so that the gateway can judge it again).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocationFix {
    /// Latitude, degrees north, in `crs`.
    pub latitude: f64,
    /// Longitude, degrees east, in `crs`.
    pub longitude: f64,
    /// Coordinate system of the two numbers.
    pub crs: Crs,
    /// Horizontal accuracy: radius of 68 % confidence, metres (Android
    /// `Location.accuracy`, iOS `horizontalAccuracy`).
    pub horizontal_accuracy_m: f64,
    /// When the fix was taken, Unix milliseconds (UTC).
    pub fix_time_unix_ms: i64,
    /// The platform's mock / simulated flag (`isMock`,
    /// `sourceInformation.isSimulatedBySoftware`).
    pub is_mock: bool,
    /// The provider that produced it.
    pub provider: LocationProvider,
    /// The permission the user granted.
    pub precision: LocationPrecision,
}

/// The thresholds a verdict applies, with documented defaults
/// (`LocationPolicy::default()`); apps normally keep them.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LocationPolicy {
    /// Multiplies the 68 % accuracy radius into the radius the verdict
    /// trusts. Default 2.0: for a circular normal error the 99 % radius is
    /// 2.01 × the 68 % one.
    pub accuracy_factor: f64,
    /// Extra distance from the border the trusted circle must keep, metres,
    /// for the shipped border's own error. Default 100 m (see the note on
    /// boundary accuracy in `rust-core/data/README.md`).
    pub border_margin_m: f64,
    /// An accuracy a phone outdoors reaches, metres. Default 10 m. Decides
    /// the guidance when a verdict is uncertain: if a fix this good would
    /// settle it, wait for a better fix; otherwise move away from the border.
    pub good_accuracy_m: f64,
    /// Oldest fix accepted, seconds. Default 60 s.
    pub max_fix_age_s: i64,
    /// How far in the future a fix may be dated (clock skew), seconds. Default 5 s.
    pub max_future_skew_s: i64,
    /// Largest time between a fix and the photo it is bound to, seconds. Default 30 s.
    pub max_capture_gap_s: i64,
}

impl Default for LocationPolicy {
    fn default() -> Self {
        LocationPolicy {
            accuracy_factor: 2.0,
            border_margin_m: 100.0,
            good_accuracy_m: 10.0,
            max_fix_age_s: 60,
            max_future_skew_s: 5,
            max_capture_gap_s: 30,
        }
    }
}
