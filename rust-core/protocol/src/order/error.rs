//! Why an order QR code was refused, or could not be made.

use crate::user_facing::{beijing_time, UserFacing};

/// A refused or unbuildable order QR code. Each variant has a stable code
/// and keeps its facts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// The text is not an ICP Filing order code at all (another QR code).
    #[error("This QR code is not an ICP Filing order code.")]
    NotAnOrderCode,
    /// It looks like an order code but its content is damaged or invalid.
    #[error("The order code is damaged or incomplete. Scan it again from the filing page.")]
    Malformed {
        /// What is wrong with it (for logs).
        detail: String,
    },
    /// An order code from a newer format than this app understands.
    #[error("This order code uses format version {version}, which this app does not support. Please update the app.")]
    UnsupportedVersion {
        /// The code's format version.
        version: u8,
    },
    /// Signed by a key the app does not trust.
    #[error("The order code was issued by an unknown issuer (key {key_id}).")]
    UnknownIssuer {
        /// The first bytes of the issuer's public key, hex.
        key_id: String,
    },
    /// The signature does not match the content: forged or altered.
    #[error("The order code's signature is invalid; it may have been altered.")]
    BadSignature,
    /// The code's validity ended; the website shows a fresh one.
    #[error("The order code expired at {} (Beijing time). Refresh the filing page and scan the new code.", beijing_time(*.expired_at))]
    Expired {
        /// When it expired, Unix seconds.
        expired_at: u64,
    },
    /// The gateway is not HTTPS (plain HTTP is allowed only to loopback).
    #[error("The order code names an insecure upload address ({url}); only HTTPS is accepted.")]
    InsecureGateway {
        /// The gateway's address.
        url: String,
    },
    /// The gateway host is not on the app's allow-list.
    #[error("The order code sends photos to {host}, which this app does not trust.")]
    GatewayNotAllowed {
        /// The gateway's host.
        host: String,
    },
    /// A field given to `encode` (or a key) is invalid.
    #[error("Invalid order code input: {en}.")]
    InvalidInput {
        /// What is wrong, in English.
        en: String,
        /// What is wrong, in Simplified Chinese.
        zh: String,
    },
    /// The payload does not fit a QR code of version 10 at level M.
    #[error("The order code is too long for a QR code of version 10 at level M ({bytes} bytes).")]
    TooLarge {
        /// The code text's length, bytes.
        bytes: usize,
    },
}

impl OrderError {
    /// An invalid input, said in both languages.
    pub fn invalid(en: impl Into<String>, zh: impl Into<String>) -> OrderError {
        OrderError::InvalidInput {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// A damaged code; `detail` is kept for logs.
    pub fn malformed(detail: impl Into<String>) -> OrderError {
        OrderError::Malformed {
            detail: detail.into(),
        }
    }
}

impl UserFacing for OrderError {
    fn code(&self) -> &'static str {
        match self {
            OrderError::NotAnOrderCode => "qr.not_order_code",
            OrderError::Malformed { .. } => "qr.malformed",
            OrderError::UnsupportedVersion { .. } => "qr.unsupported_version",
            OrderError::UnknownIssuer { .. } => "qr.unknown_issuer",
            OrderError::BadSignature => "qr.bad_signature",
            OrderError::Expired { .. } => "qr.expired",
            OrderError::InsecureGateway { .. } => "qr.insecure_gateway",
            OrderError::GatewayNotAllowed { .. } => "qr.gateway_not_allowed",
            OrderError::InvalidInput { .. } => "qr.invalid_input",
            OrderError::TooLarge { .. } => "qr.too_large",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            OrderError::NotAnOrderCode => "这不是ICP备案订单二维码。".into(),
            OrderError::Malformed { .. } => {
                "订单二维码已损坏或不完整。请从备案页面重新扫描。".into()
            }
            OrderError::UnsupportedVersion { version } => {
                format!("此订单二维码使用格式版本 {version}，当前应用不支持，请升级应用。")
            }
            OrderError::UnknownIssuer { key_id } => {
                format!("订单二维码的签发方未知（密钥 {key_id}）。")
            }
            OrderError::BadSignature => "订单二维码签名无效，内容可能被篡改。".into(),
            OrderError::Expired { expired_at } => format!(
                "订单二维码已于 {}（北京时间）过期，请刷新备案页面后扫描新的二维码。",
                beijing_time(*expired_at)
            ),
            OrderError::InsecureGateway { url } => {
                format!("订单二维码指向不安全的上传地址（{url}），仅接受 HTTPS。")
            }
            OrderError::GatewayNotAllowed { host } => {
                format!("订单二维码要把照片发送到 {host}，该地址不受本应用信任。")
            }
            OrderError::InvalidInput { zh, .. } => format!("订单二维码输入无效：{zh}。"),
            OrderError::TooLarge { bytes } => {
                format!("订单内容过长（{bytes} 字节），超出二维码的容量（版本不超过 10，中等纠错级别）。")
            }
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            OrderError::Malformed { detail } => Some(detail.clone()),
            _ => None,
        }
    }
}
