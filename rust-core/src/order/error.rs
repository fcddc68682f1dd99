//! Why an order QR code was refused, or could not be made.

use crate::user_facing::UserFacing;

/// A refused or unbuildable order QR code. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    /// The text is not an ICP Filing order code at all (another QR code).
    #[error("This QR code is not an ICP Filing order code.")]
    NotAnOrderCode,
    /// It looks like an order code but its content is damaged or invalid.
    #[error("The order code is damaged: {0}.")]
    Malformed(String),
    /// An order code from a newer format than this app understands.
    #[error("This order code uses format version {0}, which this app does not support. Please update the app.")]
    UnsupportedVersion(u8),
    /// Signed by a key the app does not trust.
    #[error("The order code was issued by an unknown issuer (key {0}).")]
    UnknownIssuer(String),
    /// The signature does not match the content: forged or altered.
    #[error("The order code's signature is invalid; it may have been altered.")]
    BadSignature,
    /// The code's validity ended; the website shows a fresh one.
    #[error("The order code expired. Refresh the filing page and scan the new code.")]
    Expired {
        /// When it expired, Unix seconds.
        expired_at: u64,
    },
    /// The gateway is not HTTPS (plain HTTP is allowed only to loopback).
    #[error("The order code names an insecure upload address ({0}); only HTTPS is accepted.")]
    InsecureGateway(String),
    /// The gateway host is not on the app's allow-list.
    #[error("The order code sends photos to {0}, which this app does not trust.")]
    GatewayNotAllowed(String),
    /// A field given to `encode` (or a key) is invalid.
    #[error("Invalid order code input: {0}.")]
    InvalidInput(String),
    /// The payload does not fit a QR code of version 10 at level M.
    #[error("The order code is too long for a QR code of version 10 at level M ({0} needed).")]
    TooLarge(String),
}

impl UserFacing for OrderError {
    fn code(&self) -> &'static str {
        match self {
            OrderError::NotAnOrderCode => "qr.not_order_code",
            OrderError::Malformed(_) => "qr.malformed",
            OrderError::UnsupportedVersion(_) => "qr.unsupported_version",
            OrderError::UnknownIssuer(_) => "qr.unknown_issuer",
            OrderError::BadSignature => "qr.bad_signature",
            OrderError::Expired { .. } => "qr.expired",
            OrderError::InsecureGateway(_) => "qr.insecure_gateway",
            OrderError::GatewayNotAllowed(_) => "qr.gateway_not_allowed",
            OrderError::InvalidInput(_) => "qr.invalid_input",
            OrderError::TooLarge(_) => "qr.too_large",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            OrderError::NotAnOrderCode => "这不是ICP备案订单二维码。".into(),
            OrderError::Malformed(why) => format!("订单二维码已损坏：{why}。"),
            OrderError::UnsupportedVersion(v) => {
                format!("此订单二维码使用格式版本 {v}，当前应用不支持，请升级应用。")
            }
            OrderError::UnknownIssuer(kid) => format!("订单二维码的签发方未知（密钥 {kid}）。"),
            OrderError::BadSignature => "订单二维码签名无效，内容可能被篡改。".into(),
            OrderError::Expired { .. } => {
                "订单二维码已过期，请刷新备案页面后扫描新的二维码。".into()
            }
            OrderError::InsecureGateway(url) => {
                format!("订单二维码指向不安全的上传地址（{url}），仅接受 HTTPS。")
            }
            OrderError::GatewayNotAllowed(host) => {
                format!("订单二维码要把照片发送到 {host}，该地址不受本应用信任。")
            }
            OrderError::InvalidInput(why) => format!("订单二维码输入无效：{why}。"),
            OrderError::TooLarge(why) => {
                format!("订单内容过长，无法放入 M 级纠错、版本不超过 10 的二维码（需要 {why}）。")
            }
        }
    }
}
