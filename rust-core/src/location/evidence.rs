//! The location evidence that travels with a verification photo.

use super::error::LocationError;
use super::fix::LocationPolicy;
use super::verdict::{RegionStatus, Verdict};

/// Where and when a verification photo was taken, as judged; serialised
/// into the upload's metadata.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct LocationEvidence {
    /// WGS-84 latitude of the fix.
    pub latitude: f64,
    /// WGS-84 longitude of the fix.
    pub longitude: f64,
    /// 68 % accuracy radius, metres.
    pub accuracy_m: f64,
    /// When the fix was taken, Unix milliseconds.
    pub fix_time_unix_ms: i64,
    /// When the photo was taken, Unix milliseconds.
    pub capture_time_unix_ms: i64,
    /// The verdict.
    pub status: RegionStatus,
    /// Distance to the border, metres.
    pub distance_to_border_m: f64,
    /// The boundary data the verdict used.
    pub boundary_version: String,
}

impl LocationEvidence {
    /// Binds a verdict to the photo taken at `capture_time_unix_ms`, only if
    /// the fix was taken within the policy's gap of that moment.
    pub fn bind(
        verdict: &Verdict,
        capture_time_unix_ms: i64,
        policy: &LocationPolicy,
    ) -> Result<LocationEvidence, LocationError> {
        let gap_ms = capture_time_unix_ms.abs_diff(verdict.fix_time_unix_ms);
        let max_ms = policy.max_capture_gap_s.max(0).unsigned_abs() * 1000;
        if gap_ms > max_ms {
            return Err(LocationError::FixNotAtCapture {
                gap_s: (gap_ms / 1000) as i64,
                max_s: policy.max_capture_gap_s,
            });
        }
        Ok(LocationEvidence {
            latitude: verdict.position.lat,
            longitude: verdict.position.lon,
            accuracy_m: verdict.accuracy_m,
            fix_time_unix_ms: verdict.fix_time_unix_ms,
            capture_time_unix_ms,
            status: verdict.status,
            distance_to_border_m: verdict.distance_to_border_m,
            boundary_version: verdict.boundary_version.clone(),
        })
    }

    /// Succeeds only for evidence judged inside: what an in-region order
    /// requires before its photos count.
    pub fn ensure_inside(&self) -> Result<(), LocationError> {
        match self.status {
            RegionStatus::Inside => Ok(()),
            RegionStatus::Outside => Err(LocationError::OutsideRegion),
            RegionStatus::Uncertain => Err(LocationError::Uncertain),
        }
    }

    /// The evidence as compact JSON, for upload metadata.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain numbers and strings serialise")
    }
}
