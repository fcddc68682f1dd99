//! Why a camera or a replay could not deliver frames.

use std::path::PathBuf;

use super::frame::FrameError;
use crate::imaging::ImageInputError;
use crate::user_facing::UserFacing;

/// A frame source failure. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CameraError {
    /// No camera is connected (or none the platform lets us see).
    #[error("No camera was found.")]
    NoCamera,
    /// The camera with this index does not exist.
    #[error("There is no camera number {index}.")]
    NotFound {
        /// The index asked for.
        index: u32,
    },
    /// The system refused access to the camera.
    #[error("Camera access was denied. Allow this app to use the camera in the system settings.")]
    PermissionDenied,
    /// The camera exists but could not be opened or configured.
    #[error("The camera could not be opened. Close other apps that use it and try again.")]
    OpenFailed {
        /// What the camera driver said (for logs).
        detail: String,
    },
    /// The camera stopped delivering frames.
    #[error("The camera stopped delivering pictures. Try again.")]
    StreamFailed {
        /// What the camera driver said (for logs).
        detail: String,
    },
    /// This build has no camera backend (built without the `camera` feature).
    #[error(
        "This build cannot use a camera directly; pass frames from the app or replay a folder."
    )]
    Unavailable,
    /// The replay folder holds no image.
    #[error("The folder {} holds no JPEG, PNG, GIF or WebP image to replay.", .folder.display())]
    ReplayEmpty {
        /// The folder.
        folder: PathBuf,
    },
    /// A replayed image could not be read.
    #[error("Cannot replay {}: {cause}", .file.display())]
    ReplayUnreadable {
        /// The image file (or the folder).
        file: PathBuf,
        /// Why it could not be read.
        cause: ImageInputError,
    },
    /// The captured still could not be encoded for upload.
    #[error("The photo could not be encoded: {cause}")]
    StillEncoding {
        /// Why.
        cause: ImageInputError,
    },
    /// A frame did not describe its buffers correctly.
    #[error(transparent)]
    Frame(#[from] FrameError),
}

impl UserFacing for CameraError {
    fn code(&self) -> &'static str {
        match self {
            CameraError::NoCamera => "camera.none",
            CameraError::NotFound { .. } => "camera.not_found",
            CameraError::PermissionDenied => "camera.permission_denied",
            CameraError::OpenFailed { .. } => "camera.open_failed",
            CameraError::StreamFailed { .. } => "camera.stream_failed",
            CameraError::Unavailable => "camera.unavailable",
            CameraError::ReplayEmpty { .. } => "replay.empty",
            CameraError::ReplayUnreadable { .. } => "replay.unreadable",
            CameraError::StillEncoding { .. } => "camera.still_encoding",
            CameraError::Frame(e) => e.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            CameraError::NoCamera => "未找到相机。".into(),
            CameraError::NotFound { index } => format!("没有编号为 {index} 的相机。"),
            CameraError::PermissionDenied => {
                "相机权限被拒绝。请在系统设置中允许本应用使用相机。".into()
            }
            CameraError::OpenFailed { .. } => {
                "无法打开相机。请关闭正在使用相机的其他应用后重试。".into()
            }
            CameraError::StreamFailed { .. } => "相机停止输出画面，请重试。".into(),
            CameraError::Unavailable => {
                "此版本不能直接使用相机；请由应用传入画面，或回放图片文件夹。".into()
            }
            CameraError::ReplayEmpty { folder } => format!(
                "文件夹 {} 中没有可回放的 JPEG、PNG 或 GIF 图片。",
                folder.display()
            ),
            CameraError::ReplayUnreadable { file, cause } => {
                format!("无法回放 {}：{}", file.display(), cause.message_zh())
            }
            CameraError::StillEncoding { cause } => {
                format!("照片无法编码：{}", cause.message_zh())
            }
            CameraError::Frame(e) => e.message_zh(),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            CameraError::OpenFailed { detail } | CameraError::StreamFailed { detail } => {
                Some(detail.clone())
            }
            CameraError::ReplayUnreadable { cause, .. } | CameraError::StillEncoding { cause } => {
                cause.detail()
            }
            _ => None,
        }
    }

    fn is_transient(&self) -> bool {
        matches!(self, CameraError::StreamFailed { .. })
    }
}
