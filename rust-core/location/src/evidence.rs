//! The location evidence that travels with a verification photo, and the
//! second judgement a gateway makes of it.

use super::area::Area;
use super::error::LocationError;
use super::fix::{LocationFix, LocationPolicy};
use super::verdict::{assess, RegionStatus, Verdict};

/// Where and when a verification photo was taken: the raw fix and the
/// phone's verdict on it, serialised into the upload's metadata. The
/// gateway never trusts `status`: it judges `fix` again
/// ([`LocationEvidence::judge_again`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

impl LocationEvidence {
    /// Binds a verdict to the photo taken at `capture_time_unix_ms`, only if
    /// the fix was taken within the policy's gap of that moment.
    pub fn bind(
        verdict: &Verdict,
        capture_time_unix_ms: i64,
        policy: &LocationPolicy,
    ) -> Result<LocationEvidence, LocationError> {
        let gap_ms = capture_time_unix_ms.abs_diff(verdict.fix.fix_time_unix_ms);
        let max_ms = policy.max_capture_gap_s.max(0).unsigned_abs() * 1000;
        if gap_ms > max_ms {
            return Err(LocationError::FixNotAtCapture {
                gap_s: (gap_ms / 1000) as i64,
                max_s: policy.max_capture_gap_s,
            });
        }
        Ok(LocationEvidence {
            fix: verdict.fix.clone(),
            latitude: verdict.position.lat,
            longitude: verdict.position.lon,
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

    /// What a gateway does with evidence it receives: judges the raw fix
    /// again against `area` as of the photo's `captured_at_unix_ms` (the
    /// upload's own capture time, not the evidence's copy), binds it to
    /// that moment and requires the new verdict inside. A capture dated
    /// after `received_at_unix_ms` (beyond the policy's skew) is refused.
    /// The phone's `status`, position and distance are ignored.
    pub fn judge_again(
        &self,
        area: &Area,
        policy: &LocationPolicy,
        captured_at_unix_ms: i64,
        received_at_unix_ms: i64,
    ) -> Result<LocationEvidence, LocationError> {
        let ahead_ms = captured_at_unix_ms.saturating_sub(received_at_unix_ms);
        if ahead_ms > policy.max_future_skew_s.saturating_mul(1000) {
            return Err(LocationError::FutureFix {
                ahead_s: (ahead_ms + 999) / 1000,
            });
        }
        let verdict = assess(area, &self.fix, captured_at_unix_ms, policy)?;
        let evidence = LocationEvidence::bind(&verdict, captured_at_unix_ms, policy)?;
        evidence.ensure_inside()?;
        Ok(evidence)
    }

    /// The evidence as compact JSON, for upload metadata.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain numbers and strings serialise")
    }

    /// Reads evidence from upload metadata.
    pub fn from_json(text: &str) -> Result<LocationEvidence, LocationError> {
        serde_json::from_str(text).map_err(|e| LocationError::MalformedEvidence {
            detail: e.to_string(),
        })
    }
}
