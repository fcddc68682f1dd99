//! The Shanghai location rule for apps: judge a fix, bind the evidence to a
//! photo, convert coordinates. The rule's own types are the location
//! crate's (namespace `icp_location`, derives behind its `uniffi` feature).

use icp_companion_core::location::{
    assess, to_wgs84, Area, Crs, LatLon, LocationEvidence, LocationFix, LocationPolicy,
    RegionStatus, Verdict, VerdictReason,
};
use icp_companion_core::user_facing::UserFacing;

use super::LocationError;

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
