//! Why an upload stopped. Transient failures (network cuts, timeouts,
//! server errors) are retried inside the client and only surface once the
//! retry budget is spent; the others stop at once and keep the photo queued.

use crate::user_facing::UserFacing;

/// A stopped upload. Each variant has a stable code and keeps its facts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    /// The network failed (cut, reset, unreachable) on every retry.
    #[error("The network connection failed. The photo stays queued and is sent when the connection returns.")]
    Network {
        /// What failed (for logs).
        detail: String,
    },
    /// The server did not answer in time on every retry.
    #[error("The upload server did not answer in time. The photo stays queued.")]
    Timeout,
    /// The server failed (5xx) on every retry.
    #[error(
        "The upload server failed (HTTP {status}). The photo stays queued and is retried later."
    )]
    Server {
        /// The HTTP status.
        status: u16,
    },
    /// The token was refused: the order was cancelled or the phone unbound.
    #[error("The upload was refused: this phone is no longer authorised for the order. Scan the order's QR code again.")]
    Unauthorized,
    /// The order no longer accepts photos (expired or already submitted).
    #[error("The order no longer accepts photos (it expired or was submitted). Refresh the filing page.")]
    OrderClosed,
    /// The server refused the request for another reason (4xx).
    #[error("The upload server refused the request (HTTP {status}). The photo stays queued.")]
    Rejected {
        /// HTTP status.
        status: u16,
        /// What the server said, shortened (for logs).
        detail: String,
    },
    /// The gateway judged the photo's evidence and refused it: its location
    /// (`location.*`, judged again from the raw fix) or its capture record
    /// (`provenance.*`). Sending it again cannot help; the photo stays
    /// queued until the app replaces it with a new capture.
    #[error("The filing gateway refused this photo's evidence ({reason}). Take the photo again in the app.")]
    EvidenceRefused {
        /// The gateway's stable code, e.g. `location.outside_region`,
        /// `provenance.not_live`.
        reason: String,
    },
    /// The server speaks no tus 1.0.0, lacks a required extension, or
    /// answered something impossible (an offset beyond the file).
    #[error("The upload server is not compatible with this app. The photo stays queued.")]
    Incompatible {
        /// What was wrong (for logs).
        detail: String,
    },
    /// The address is not HTTPS (plain HTTP only to loopback) or points
    /// outside the order's gateway.
    #[error("Refused to send photos to {url}: not the order's secure gateway.")]
    InsecureEndpoint {
        /// The refused address.
        url: String,
    },
    /// The server's copy does not match what was sent.
    #[error("The uploaded file does not match the photo (checksum). It will be sent again.")]
    ChecksumMismatch,
    /// The photo is larger than the server accepts.
    #[error("The photo is too large for the server ({size} bytes, at most {max}).")]
    TooLarge {
        /// The photo's size, bytes.
        size: u64,
        /// The server's `Tus-Max-Size`, bytes (0 when it did not say).
        max: u64,
    },
    /// The app cancelled the upload.
    #[error("The upload was cancelled.")]
    Cancelled,
    /// The photo used up its share of attempts or bytes for now (a server
    /// that keeps losing it); it stays queued for a later drain.
    #[error("The upload stopped after {rounds} attempts and {bytes_sent} bytes sent; the photo stays queued and is tried again later.")]
    GaveUp {
        /// Attempts made.
        rounds: u32,
        /// Bytes sent in all, resent ones included.
        bytes_sent: u64,
    },
    /// Every byte reached the upload server but the gateway does not hold
    /// the photo (it refused the file); it is sent again.
    #[error("The gateway did not confirm the photo it received; it will be sent again.")]
    NotConfirmed,
    /// The queue on the phone could not be read or written.
    #[error("The upload queue on this phone could not be used. Free some storage and try again.")]
    Storage {
        /// What failed (for logs).
        detail: String,
    },
}

impl UploadError {
    /// A transport failure; `detail` is kept for logs.
    pub fn network(detail: impl Into<String>) -> UploadError {
        UploadError::Network {
            detail: detail.into(),
        }
    }

    /// An impossible answer; `detail` is kept for logs.
    pub fn incompatible(detail: impl Into<String>) -> UploadError {
        UploadError::Incompatible {
            detail: detail.into(),
        }
    }

    /// A queue failure; `detail` is kept for logs.
    pub fn storage(detail: impl std::fmt::Display) -> UploadError {
        UploadError::Storage {
            detail: detail.to_string(),
        }
    }
}

impl UserFacing for UploadError {
    fn code(&self) -> &'static str {
        match self {
            UploadError::Network { .. } => "upload.network",
            UploadError::Timeout => "upload.timeout",
            UploadError::Server { .. } => "upload.server_error",
            UploadError::Unauthorized => "upload.unauthorized",
            UploadError::OrderClosed => "upload.order_closed",
            UploadError::Rejected { .. } => "upload.rejected",
            UploadError::EvidenceRefused { .. } => "upload.evidence_refused",
            UploadError::Incompatible { .. } => "upload.incompatible_server",
            UploadError::InsecureEndpoint { .. } => "upload.insecure_endpoint",
            UploadError::ChecksumMismatch => "upload.checksum_mismatch",
            UploadError::TooLarge { .. } => "upload.too_large",
            UploadError::Cancelled => "upload.cancelled",
            UploadError::GaveUp { .. } => "upload.gave_up",
            UploadError::NotConfirmed => "upload.not_confirmed",
            UploadError::Storage { .. } => "upload.storage",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            UploadError::Network { .. } => {
                "网络连接失败。照片仍在队列中，网络恢复后会自动上传。".into()
            }
            UploadError::Timeout => "上传服务器响应超时。照片仍在队列中。".into(),
            UploadError::Server { status } => {
                format!("上传服务器出错（HTTP {status}）。照片仍在队列中，稍后重试。")
            }
            UploadError::Unauthorized => {
                "上传被拒绝：本手机已无权处理该订单。请重新扫描订单二维码。".into()
            }
            UploadError::OrderClosed => {
                "该订单已不再接收照片（已过期或已提交）。请刷新备案页面。".into()
            }
            UploadError::Rejected { status, .. } => {
                format!("上传服务器拒绝了请求（HTTP {status}）。照片仍在队列中。")
            }
            UploadError::EvidenceRefused { reason } => {
                format!("备案网关拒绝了这张照片的凭据（{reason}）。请在应用内重新拍摄。")
            }
            UploadError::Incompatible { .. } => {
                "上传服务器与本应用不兼容。照片仍在队列中。".into()
            }
            UploadError::InsecureEndpoint { url } => {
                format!("拒绝向 {url} 发送照片：它不是订单指定的安全网关。")
            }
            UploadError::ChecksumMismatch => {
                "上传的文件与照片不一致（校验失败），将重新发送。".into()
            }
            UploadError::TooLarge { size, max } => {
                format!("照片超出服务器允许的大小（{size} 字节，最多 {max} 字节）。")
            }
            UploadError::Cancelled => "上传已取消。".into(),
            UploadError::GaveUp { rounds, bytes_sent } => format!(
                "上传已尝试 {rounds} 次、共发送 {bytes_sent} 字节，暂时停止；照片仍在队列中，稍后会再次上传。"
            ),
            UploadError::NotConfirmed => "网关未确认收到照片，将重新发送。".into(),
            UploadError::Storage { .. } => {
                "无法使用本手机上的上传队列。请释放一些存储空间后重试。".into()
            }
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            UploadError::Network { detail }
            | UploadError::Rejected { detail, .. }
            | UploadError::Incompatible { detail }
            | UploadError::Storage { detail } => Some(detail.clone()),
            _ => None,
        }
    }

    /// Transient failures are retried inside the client and, once its
    /// budget is spent, on the next drain (the photo stays queued).
    fn is_transient(&self) -> bool {
        matches!(
            self,
            UploadError::Network { .. }
                | UploadError::Timeout
                | UploadError::Server { .. }
                | UploadError::ChecksumMismatch
                | UploadError::GaveUp { .. }
                | UploadError::NotConfirmed
        )
    }
}
