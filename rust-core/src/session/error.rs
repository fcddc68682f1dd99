//! Why a step of the filing session failed.

use crate::user_facing::UserFacing;

use super::Slot;

/// A failed session step. Each variant has a stable code and keeps its facts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// Another phone already claimed the order with this code.
    #[error("This order was already claimed by another phone. Ask for a new QR code on the filing website.")]
    AlreadyClaimed,
    /// The claim token was refused (the code was replaced).
    #[error(
        "The QR code is no longer valid for this order. Refresh the filing page and scan again."
    )]
    ClaimRefused,
    /// The session token was refused: the order was unbound from this phone.
    #[error("This phone is no longer authorised for the order. Scan the order's QR code again.")]
    Unauthorized,
    /// The order expired or no longer takes photos.
    #[error("The order is closed (expired or already submitted).")]
    OrderClosed,
    /// The gateway does not know the order.
    #[error("The filing gateway does not know this order.")]
    UnknownOrder,
    /// Submit before every required photo was uploaded.
    #[error("Some required photos are missing: {}.", names_en(.missing))]
    Incomplete {
        /// The slots still missing.
        missing: Vec<Slot>,
    },
    /// A photo of an in-region order lacks location evidence judged inside
    /// and bound to its capture.
    #[error("The {} must be taken inside the order's region, with location on.", .slot.name_en())]
    LocationRequired {
        /// The slot of the photo.
        slot: Slot,
    },
    /// The order needs photos from the live camera and this one was not
    /// taken by the core's capture session in this app run (e.g. picked
    /// from the gallery).
    #[error("The {} must be taken with the camera in this app, not chosen from stored photos.", .slot.name_en())]
    LiveCaptureRequired {
        /// The slot of the photo.
        slot: Slot,
    },
    /// A live photo queued with another capture time than the capture
    /// session recorded for it.
    #[error("The photo's capture time ({given_unix_ms}) is not the moment the camera took it ({recorded_unix_ms}). Queue it with the time the capture reported.")]
    CaptureTimeMismatch {
        /// When the capture session took it, Unix milliseconds.
        recorded_unix_ms: i64,
        /// The time the app passed, Unix milliseconds.
        given_unix_ms: i64,
    },
    /// The gateway could not be reached.
    #[error("The filing gateway could not be reached{}. Check the connection and try again.", if *.timed_out { " in time" } else { "" })]
    Network {
        /// The wait ran out (rather than the connection failing).
        timed_out: bool,
    },
    /// The gateway answered with a server error (5xx): try again later.
    #[error("The filing gateway is unavailable (HTTP {status}). Try again later.")]
    Unavailable {
        /// The HTTP status.
        status: u16,
    },
    /// The app passed an installation id that is not 8–128 visible ASCII
    /// characters (or none could be made).
    #[error(
        "This app's installation id is invalid (it must be 8 to 128 visible ASCII characters)."
    )]
    BadInstallationId,
    /// The gateway answered something this app cannot use.
    #[error("The filing gateway gave an answer this app cannot use. Try again later, or update the app.")]
    Gateway {
        /// What was wrong with the answer (for logs).
        detail: String,
    },
}

fn names_en(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|s| s.name_en())
        .collect::<Vec<_>>()
        .join(", ")
}

fn names_zh(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|s| s.name_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// Why a photo could not be queued: the session refused it (e.g. in-region
/// evidence missing) or the queue could not store it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueueError {
    /// The session refused the photo (`session.*`).
    #[error(transparent)]
    Refused(#[from] SessionError),
    /// The queue could not store it (`upload.*`).
    #[error(transparent)]
    Storage(#[from] crate::upload::UploadError),
}

impl UserFacing for QueueError {
    fn code(&self) -> &'static str {
        match self {
            QueueError::Refused(e) => e.code(),
            QueueError::Storage(e) => e.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            QueueError::Refused(e) => e.message_zh(),
            QueueError::Storage(e) => e.message_zh(),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            QueueError::Refused(e) => e.detail(),
            QueueError::Storage(e) => e.detail(),
        }
    }
}

impl UserFacing for SessionError {
    fn code(&self) -> &'static str {
        match self {
            SessionError::AlreadyClaimed => "session.already_claimed",
            SessionError::ClaimRefused => "session.claim_refused",
            SessionError::Unauthorized => "session.unauthorized",
            SessionError::OrderClosed => "session.order_closed",
            SessionError::UnknownOrder => "session.unknown_order",
            SessionError::Incomplete { .. } => "session.incomplete",
            SessionError::LocationRequired { .. } => "session.location_required",
            SessionError::LiveCaptureRequired { .. } => "session.live_capture_required",
            SessionError::CaptureTimeMismatch { .. } => "session.capture_time_mismatch",
            SessionError::Network { .. } => "session.network",
            SessionError::Unavailable { .. } => "session.unavailable",
            SessionError::BadInstallationId => "session.bad_installation_id",
            SessionError::Gateway { .. } => "session.gateway_error",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            SessionError::AlreadyClaimed => {
                "该订单已被其他手机认领。请在备案网站获取新的二维码。".into()
            }
            SessionError::ClaimRefused => {
                "该二维码对此订单已失效。请刷新备案页面后重新扫描。".into()
            }
            SessionError::Unauthorized => "本手机已无权处理该订单。请重新扫描订单二维码。".into(),
            SessionError::OrderClosed => "订单已关闭（已过期或已提交）。".into(),
            SessionError::UnknownOrder => "备案网关中不存在该订单。".into(),
            SessionError::Incomplete { missing } => {
                format!("仍缺少必需的照片：{}。", names_zh(missing))
            }
            SessionError::LocationRequired { slot } => {
                format!("{}须在订单所属地区内拍摄，并开启定位。", slot.name_zh())
            }
            SessionError::LiveCaptureRequired { slot } => {
                format!("{}须在本应用内用相机拍摄，不能从相册选取。", slot.name_zh())
            }
            SessionError::CaptureTimeMismatch {
                recorded_unix_ms,
                given_unix_ms,
            } => format!(
                "照片的拍摄时间（{given_unix_ms}）与相机拍摄的时刻（{recorded_unix_ms}）不一致。请使用拍摄返回的时间排队上传。"
            ),
            SessionError::Network { timed_out: true } => {
                "备案网关响应超时。请检查网络后重试。".into()
            }
            SessionError::Network { timed_out: false } => {
                "无法连接备案网关。请检查网络后重试。".into()
            }
            SessionError::Unavailable { status } => {
                format!("备案网关暂时不可用（HTTP {status}），请稍后重试。")
            }
            SessionError::BadInstallationId => {
                "本应用的安装标识无效（须为 8 到 128 个英文字母、数字或符号）。".into()
            }
            SessionError::Gateway { .. } => {
                "备案网关返回了本应用无法处理的应答。请稍后重试，或升级应用。".into()
            }
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            SessionError::Gateway { detail } => Some(detail.clone()),
            _ => None,
        }
    }

    fn is_transient(&self) -> bool {
        matches!(
            self,
            SessionError::Network { .. } | SessionError::Unavailable { .. }
        )
    }
}
