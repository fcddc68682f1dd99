//! The Shanghai location rule for apps: judge a fix, bind the evidence to a
//! photo, convert coordinates. The types are defined in
//! `icp-companion-location`, which knows nothing of UniFFI (the gateway
//! builds it); UniFFI's remote derives restate them here, and the compiler
//! checks every restatement against the real type.

use icp_companion_core::location::{
    assess, to_wgs84, Area, Crs, LatLon, LocationEvidence, LocationFix, LocationPolicy,
    LocationPrecision, LocationProvider, RegionStatus, Verdict, VerdictReason,
};
use icp_companion_core::user_facing::UserFacing;

use super::LocationError;

/// The coordinate system a position is expressed in.
#[uniffi::remote(Enum)]
pub enum Crs {
    /// WGS-84, what GPS receivers and the platform location APIs report.
    Wgs84,
    /// GCJ-02, reported by AMap, Tencent and Apple maps inside China.
    Gcj02,
    /// BD-09, reported by Baidu's location SDK.
    Bd09,
}

/// Which source produced the fix; kept in the evidence for reviewers.
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Enum)]
pub enum LocationPrecision {
    /// Precise location granted.
    Precise,
    /// Only approximate location granted: unusable for the in-region rule.
    Approximate,
}

/// One fix from the phone's location API, as it reported it (the evidence
/// carries it unchanged so that the gateway can judge it again).
#[uniffi::remote(Record)]
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
#[uniffi::remote(Record)]
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

/// Inside, outside, or not decidable from this fix.
#[uniffi::remote(Enum)]
pub enum RegionStatus {
    /// The trusted accuracy circle lies inside the region.
    Inside,
    /// The trusted accuracy circle lies outside the region.
    Outside,
    /// The circle crosses the border (or comes within the margin).
    Uncertain,
}

/// Why the verdict is what it is; doubles as the guidance to show.
#[uniffi::remote(Enum)]
pub enum VerdictReason {
    /// Clearly inside.
    InsideClear,
    /// Clearly outside.
    OutsideClear,
    /// The position is away from the border but the fix is too coarse to
    /// tell: wait for a better fix (outdoors, GPS on).
    AccuracyTooCoarse,
    /// Even a good fix could not decide here: move away from the border.
    NearBorder,
}

/// Where and when a verification photo was taken: the raw fix and the
/// phone's verdict on it, serialised into the upload's metadata. The
/// gateway never trusts `status`: it judges `fix` again
/// ([`LocationEvidence::judge_again`]).
#[uniffi::remote(Record)]
pub struct LocationEvidence {
    /// The fix as the platform reported it (coordinates in their CRS,
    /// accuracy, fix time, provider, mock flag, precise-location grant).
    pub fix: LocationFix,
    /// WGS-84 latitude of the fix, as the phone converted it.
    pub latitude: f64,
    /// WGS-84 longitude of the fix, as the phone converted it.
    pub longitude: f64,
    /// When the photo was taken, Unix milliseconds.
    pub capture_time_unix_ms: i64,
    /// The phone's verdict.
    pub status: RegionStatus,
    /// Distance to the border, metres, as the phone measured it.
    pub distance_to_border_m: f64,
    /// The boundary data the phone's verdict used.
    pub boundary_version: String,
}

/// A position in decimal degrees.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Coordinates {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
}

/// The judged fix, with the guidance to show.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LocationVerdict {
    /// Inside, outside or uncertain.
    pub status: RegionStatus,
    /// Why; decides the guidance.
    pub reason: VerdictReason,
    /// Stable code of the reason (`location.inside`, `location.near_border`, …).
    pub code: String,
    /// Guidance in English.
    pub message_en: String,
    /// Guidance in Simplified Chinese.
    pub message_zh: String,
    /// The fix in WGS-84.
    pub position: Coordinates,
    /// 68 % accuracy radius, metres.
    pub accuracy_m: f64,
    /// When the fix was taken, Unix milliseconds.
    pub fix_time_unix_ms: i64,
    /// Distance to Shanghai's border, metres.
    pub distance_to_border_m: f64,
    /// The boundary data used.
    pub boundary_version: String,
    /// The fix as the platform reported it (the evidence carries it for the
    /// gateway to judge again).
    pub fix: LocationFix,
}

impl From<Verdict> for LocationVerdict {
    fn from(v: Verdict) -> Self {
        LocationVerdict {
            status: v.status,
            reason: v.reason,
            code: v.reason.code().to_string(),
            message_en: v.reason.message_en(),
            message_zh: v.reason.message_zh(),
            position: Coordinates {
                latitude: v.position.lat,
                longitude: v.position.lon,
            },
            accuracy_m: v.accuracy_m,
            fix_time_unix_ms: v.fix_time_unix_ms,
            distance_to_border_m: v.distance_to_border_m,
            boundary_version: v.boundary_version,
            fix: v.fix,
        }
    }
}

impl From<LocationVerdict> for Verdict {
    fn from(v: LocationVerdict) -> Self {
        Verdict {
            status: v.status,
            reason: v.reason,
            position: LatLon {
                lat: v.position.latitude,
                lon: v.position.longitude,
            },
            accuracy_m: v.accuracy_m,
            fix_time_unix_ms: v.fix_time_unix_ms,
            distance_to_border_m: v.distance_to_border_m,
            boundary_version: v.boundary_version,
            fix: v.fix,
        }
    }
}

/// The documented default thresholds (accuracy factor, border margin, ages).
#[uniffi::export]
pub fn location_default_policy() -> LocationPolicy {
    LocationPolicy::default()
}

/// Judges `fix` against Shanghai's boundary at `now_unix_ms`; `policy`
/// defaults to [`location_default_policy`].
#[uniffi::export(default(policy = None))]
pub fn location_assess(
    fix: LocationFix,
    now_unix_ms: i64,
    policy: Option<LocationPolicy>,
) -> Result<LocationVerdict, LocationError> {
    let region = Area::shanghai()?;
    Ok(assess(region, &fix, now_unix_ms, &policy.unwrap_or_default())?.into())
}

/// Binds a verdict to the photo taken at `capture_time_unix_ms`; refused when
/// the fix was not taken close to that moment.
#[uniffi::export(default(policy = None))]
pub fn location_bind_evidence(
    verdict: LocationVerdict,
    capture_time_unix_ms: i64,
    policy: Option<LocationPolicy>,
) -> Result<LocationEvidence, LocationError> {
    Ok(LocationEvidence::bind(
        &verdict.into(),
        capture_time_unix_ms,
        &policy.unwrap_or_default(),
    )?)
}

/// Succeeds only for evidence judged inside Shanghai (`location.outside_region`
/// or `location.uncertain` otherwise).
#[uniffi::export]
pub fn location_evidence_ensure_inside(evidence: LocationEvidence) -> Result<(), LocationError> {
    Ok(evidence.ensure_inside()?)
}

/// Converts a GCJ-02 or BD-09 position to WGS-84 (identity for WGS-84).
#[uniffi::export]
pub fn location_to_wgs84(latitude: f64, longitude: f64, crs: Crs) -> Coordinates {
    let p = to_wgs84(
        LatLon {
            lat: latitude,
            lon: longitude,
        },
        crs,
    );
    Coordinates {
        latitude: p.lat,
        longitude: p.lon,
    }
}
