//! The in-region verdict: is the phone inside Shanghai, given where the fix
//! says it is, how sure the fix is, and how far the border is?

use super::area::Area;
use super::crs::{to_wgs84, LatLon};
use super::error::LocationError;
use super::fix::{LocationFix, LocationPolicy, LocationPrecision};
use icp_protocol::user_facing::UserFacing;

/// Inside, outside, or not decidable from this fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RegionStatus {
    /// The trusted accuracy circle lies inside the region.
    Inside,
    /// The trusted accuracy circle lies outside the region.
    Outside,
    /// The circle crosses the border (or comes within the margin).
    Uncertain,
}

/// Why the verdict is what it is; doubles as the guidance to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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

impl std::fmt::Display for VerdictReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            VerdictReason::InsideClear => "You are inside Shanghai.",
            VerdictReason::OutsideClear => "You are not inside Shanghai. The verification photos must be taken in Shanghai.",
            VerdictReason::AccuracyTooCoarse => "The location is not precise enough yet. Go outdoors or near a window and wait for a better fix.",
            VerdictReason::NearBorder => "You are too close to the Shanghai border to be sure. Move further into Shanghai.",
        })
    }
}

impl UserFacing for VerdictReason {
    fn code(&self) -> &'static str {
        match self {
            VerdictReason::InsideClear => "location.inside",
            VerdictReason::OutsideClear => "location.outside",
            VerdictReason::AccuracyTooCoarse => "location.accuracy_too_coarse",
            VerdictReason::NearBorder => "location.near_border",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            VerdictReason::InsideClear => "您位于上海境内。",
            VerdictReason::OutsideClear => "您不在上海境内。核验照片须在上海拍摄。",
            VerdictReason::AccuracyTooCoarse => "定位精度不足。请到室外或窗边，等待更精确的定位。",
            VerdictReason::NearBorder => "您离上海边界太近，无法确定。请向上海市内移动。",
        }
        .into()
    }
}

/// The judged fix.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Inside, outside or uncertain.
    pub status: RegionStatus,
    /// Why, and what to tell the user.
    pub reason: VerdictReason,
    /// The fix in WGS-84.
    pub position: LatLon,
    /// The fix's 68 % accuracy radius, metres.
    pub accuracy_m: f64,
    /// When the fix was taken, Unix milliseconds.
    pub fix_time_unix_ms: i64,
    /// Geodesic distance from the position to the border, metres.
    pub distance_to_border_m: f64,
    /// The boundary data the verdict used.
    pub boundary_version: String,
    /// The fix as the platform reported it.
    pub fix: LocationFix,
}

/// Judges `fix` against `area` at time `now_unix_ms`, or refuses a fix
/// that cannot be trusted (mock, approximate-only, stale, future-dated,
/// invalid coordinates or accuracy).
pub fn assess(
    area: &Area,
    fix: &LocationFix,
    now_unix_ms: i64,
    policy: &LocationPolicy,
) -> Result<Verdict, LocationError> {
    // Range checks also reject NaN and infinities.
    if !(-90.0..=90.0).contains(&fix.latitude) || !(-180.0..=180.0).contains(&fix.longitude) {
        return Err(LocationError::InvalidCoordinates {
            latitude: fix.latitude,
            longitude: fix.longitude,
        });
    }
    let accuracy = fix.horizontal_accuracy_m;
    if !(accuracy.is_finite() && accuracy > 0.0) {
        return Err(LocationError::InvalidAccuracy {
            accuracy_m: accuracy,
        });
    }
    if fix.is_mock {
        return Err(LocationError::MockFix);
    }
    if fix.precision == LocationPrecision::Approximate {
        return Err(LocationError::CoarseOnly);
    }
    let age_ms = now_unix_ms.saturating_sub(fix.fix_time_unix_ms);
    if age_ms < -policy.max_future_skew_s.saturating_mul(1000) {
        return Err(LocationError::FutureFix {
            ahead_s: (-age_ms + 999) / 1000,
        });
    }
    if age_ms > policy.max_fix_age_s.saturating_mul(1000) {
        return Err(LocationError::StaleFix {
            age_s: age_ms / 1000,
            max_s: policy.max_fix_age_s,
        });
    }
    let position = to_wgs84(
        LatLon {
            lat: fix.latitude,
            lon: fix.longitude,
        },
        fix.crs,
    );
    let placement = area.place(position);
    let distance = placement.distance_to_border_m;
    let needed = |accuracy: f64| policy.accuracy_factor * accuracy + policy.border_margin_m;
    let (status, reason) = if placement.inside.is_none() {
        // Between the two boundaries' lines: no fix can settle it here.
        (RegionStatus::Uncertain, VerdictReason::NearBorder)
    } else if distance >= needed(accuracy) {
        if placement.inside == Some(true) {
            (RegionStatus::Inside, VerdictReason::InsideClear)
        } else {
            (RegionStatus::Outside, VerdictReason::OutsideClear)
        }
    } else if distance >= needed(policy.good_accuracy_m) {
        (RegionStatus::Uncertain, VerdictReason::AccuracyTooCoarse)
    } else {
        (RegionStatus::Uncertain, VerdictReason::NearBorder)
    };
    // The verdict's code only: never the position.
    tracing::info!(reason = reason.code(), "location judged");
    Ok(Verdict {
        status,
        reason,
        position,
        accuracy_m: accuracy,
        fix_time_unix_ms: fix.fix_time_unix_ms,
        distance_to_border_m: distance,
        boundary_version: area.version().to_string(),
        fix: fix.clone(),
    })
}
