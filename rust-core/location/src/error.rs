//! Why a location fix cannot be judged, or why a capture's location does
//! not satisfy the in-region rule.

use icp_protocol::user_facing::UserFacing;

/// A refused location fix or evidence. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LocationError {
    /// Latitude/longitude missing, not finite or out of range.
    #[error("The location is invalid (latitude {latitude}, longitude {longitude}).")]
    InvalidCoordinates {
        /// The latitude given, degrees.
        latitude: f64,
        /// The longitude given, degrees.
        longitude: f64,
    },
    /// The accuracy radius is missing, not finite, zero or negative.
    #[error("The location has no valid accuracy ({accuracy_m} m).")]
    InvalidAccuracy {
        /// The accuracy given, metres.
        accuracy_m: f64,
    },
    /// The platform marked the fix as mock or simulated.
    #[error("The location comes from a mock or simulated provider and cannot be used.")]
    MockFix,
    /// Only approximate location was granted.
    #[error("Only approximate location is allowed. Allow precise location for this app.")]
    CoarseOnly,
    /// The fix is older than the policy allows.
    #[error(
        "The location fix is {age_s} s old (at most {max_s} s allowed). Wait for a fresh fix."
    )]
    StaleFix {
        /// Age of the fix, seconds.
        age_s: i64,
        /// Largest accepted age, seconds.
        max_s: i64,
    },
    /// The fix claims a time in the future: a wrong clock or a forged fix.
    #[error("The location fix is dated {ahead_s} s in the future. Check the phone's clock.")]
    FutureFix {
        /// How far ahead of now, seconds.
        ahead_s: i64,
    },
    /// The photo was taken too long before or after the fix.
    #[error("The location was fixed {gap_s} s from the moment of the photo (at most {max_s} s allowed). Retake the photo.")]
    FixNotAtCapture {
        /// Time between fix and capture, seconds.
        gap_s: i64,
        /// Largest accepted gap, seconds.
        max_s: i64,
    },
    /// The capture was judged outside the region.
    #[error("The photo was not taken inside Shanghai; this order must be verified there.")]
    OutsideRegion,
    /// The capture could not be placed clearly inside the region.
    #[error("It is not certain the photo was taken inside Shanghai. Wait for a better location fix or move away from the border, then retake it.")]
    Uncertain,
    /// Location evidence that does not parse (a gateway reading upload
    /// metadata another client wrote).
    #[error("The photo's location record is unreadable. Retake the photo in the app.")]
    MalformedEvidence {
        /// What is wrong with it (for logs).
        detail: String,
    },
    /// The boundary data does not load (a build defect, not a user error).
    #[error("{}", icp_protocol::user_facing::INTERNAL_EN)]
    BoundaryData {
        /// What is wrong with it (for the report).
        detail: String,
    },
}

impl UserFacing for LocationError {
    fn code(&self) -> &'static str {
        match self {
            LocationError::InvalidCoordinates { .. } => "location.invalid_coordinates",
            LocationError::InvalidAccuracy { .. } => "location.invalid_accuracy",
            LocationError::MockFix => "location.mock_fix",
            LocationError::CoarseOnly => "location.coarse_only",
            LocationError::StaleFix { .. } => "location.stale_fix",
            LocationError::FutureFix { .. } => "location.future_fix",
            LocationError::FixNotAtCapture { .. } => "location.fix_not_at_capture",
            LocationError::OutsideRegion => "location.outside_region",
            LocationError::Uncertain => "location.uncertain",
            LocationError::MalformedEvidence { .. } => "location.malformed_evidence",
            LocationError::BoundaryData { .. } => "location.boundary_data",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            LocationError::InvalidCoordinates {
                latitude,
                longitude,
            } => format!("位置信息无效（纬度 {latitude}，经度 {longitude}）。"),
            LocationError::InvalidAccuracy { accuracy_m } => {
                format!("位置信息缺少有效的精度（{accuracy_m} 米）。")
            }
            LocationError::MockFix => "位置来自模拟定位，无法使用。".into(),
            LocationError::CoarseOnly => "仅允许了大致位置。请为本应用开启精确位置权限。".into(),
            LocationError::StaleFix { age_s, max_s } => {
                format!("定位结果已过去 {age_s} 秒（最多允许 {max_s} 秒）。请等待新的定位。")
            }
            LocationError::FutureFix { ahead_s } => {
                format!("定位时间比当前时间晚 {ahead_s} 秒。请检查手机时间设置。")
            }
            LocationError::FixNotAtCapture { gap_s, max_s } => {
                format!("定位时间与拍照时间相差 {gap_s} 秒（最多允许 {max_s} 秒）。请重新拍照。")
            }
            LocationError::OutsideRegion => {
                "照片不是在上海拍摄的；本订单须在上海境内完成核验。".into()
            }
            LocationError::Uncertain => {
                "无法确定照片是否在上海境内拍摄。请等待更精确的定位或远离边界后重新拍照。".into()
            }
            LocationError::MalformedEvidence { .. } => {
                "照片的位置记录无法读取。请在应用内重新拍照。".into()
            }
            LocationError::BoundaryData { .. } => icp_protocol::user_facing::INTERNAL_ZH.into(),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            LocationError::BoundaryData { detail } => Some(format!("boundary data: {detail}")),
            LocationError::MalformedEvidence { detail } => Some(detail.clone()),
            _ => None,
        }
    }

    fn is_internal(&self) -> bool {
        matches!(self, LocationError::BoundaryData { .. })
    }

    /// A stale fix or an uncertain one is cured by waiting for the next fix.
    fn is_transient(&self) -> bool {
        matches!(
            self,
            LocationError::StaleFix { .. } | LocationError::Uncertain
        )
    }
}
