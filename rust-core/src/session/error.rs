//! Why a step of the filing session failed.

use crate::user_facing::UserFacing;

use super::Slot;

/// A failed session step. Each variant has a stable code.
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
    #[error("The gateway does not know this order.")]
    UnknownOrder,
    /// Submit before every required photo was uploaded.
    #[error("Some required photos are missing: {}.", names(.0))]
    Incomplete(Vec<Slot>),
    /// A photo of an in-region order lacks location evidence judged inside
    /// and bound to its capture.
    #[error("The {} photo must be taken inside the order's region, with location on.", .0.wire_name())]
    LocationRequired(Slot),
    /// The gateway could not be reached.
    #[error("The filing gateway could not be reached ({0}). Try again.")]
    Network(String),
    /// The gateway answered with a server error (5xx): try again later.
    #[error("The filing gateway is unavailable (HTTP {0}). Try again later.")]
    Unavailable(u16),
    /// The gateway failed or answered something unexpected.
    #[error("The filing gateway failed ({0}). Try again later.")]
    Gateway(String),
}

impl SessionError {
    /// Whether trying the same step again later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SessionError::Network(_) | SessionError::Unavailable(_)
        )
    }
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
}

fn names(slots: &[Slot]) -> String {
    slots
        .iter()
        .map(|s| s.wire_name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl UserFacing for SessionError {
    fn code(&self) -> &'static str {
        match self {
            SessionError::AlreadyClaimed => "session.already_claimed",
            SessionError::ClaimRefused => "session.claim_refused",
            SessionError::Unauthorized => "session.unauthorized",
            SessionError::OrderClosed => "session.order_closed",
            SessionError::UnknownOrder => "session.unknown_order",
            SessionError::Incomplete(_) => "session.incomplete",
            SessionError::LocationRequired(_) => "session.location_required",
            SessionError::Network(_) => "session.network",
            SessionError::Unavailable(_) => "session.unavailable",
            SessionError::Gateway(_) => "session.gateway_error",
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
            SessionError::UnknownOrder => "网关中不存在该订单。".into(),
            SessionError::Incomplete(slots) => format!("仍缺少必需的照片：{}。", names(slots)),
            SessionError::LocationRequired(slot) => {
                format!(
                    "{} 照片须在订单所属地区内拍摄，并开启定位。",
                    slot.wire_name()
                )
            }
            SessionError::Network(_) => "无法连接备案网关，请重试。".into(),
            SessionError::Unavailable(status) => {
                format!("备案网关暂时不可用（HTTP {status}），请稍后重试。")
            }
            SessionError::Gateway(_) => "备案网关出错，请稍后重试。".into(),
        }
    }
}
