//! Why an image file could not be read.

use crate::user_facing::UserFacing;

/// A refused image file. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageInputError {
    /// Not a JPEG, PNG or GIF by its content (whatever its name says).
    #[error("Unsupported image format ({0}); use JPEG, PNG or GIF.")]
    UnsupportedFormat(String),
    /// The file is damaged or cut short.
    #[error("The image file is damaged or incomplete ({0}).")]
    Corrupt(String),
    /// Dimensions or decoded size beyond what the core accepts.
    #[error("The image is too large ({0}).")]
    TooLarge(String),
    /// The file could not be read.
    #[error("The image file could not be read ({0}).")]
    Io(String),
    /// Composing one image needs at least two documents.
    #[error("Choose at least two documents to put in one image (got {0}).")]
    NothingToCompose(usize),
}

impl UserFacing for ImageInputError {
    fn code(&self) -> &'static str {
        match self {
            ImageInputError::UnsupportedFormat(_) => "image.unsupported_format",
            ImageInputError::Corrupt(_) => "image.corrupt",
            ImageInputError::TooLarge(_) => "image.too_large",
            ImageInputError::Io(_) => "image.io",
            ImageInputError::NothingToCompose(_) => "image.nothing_to_compose",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            ImageInputError::UnsupportedFormat(f) => {
                format!("不支持的图片格式（{f}），请使用 JPEG、PNG 或 GIF。")
            }
            ImageInputError::Corrupt(why) => format!("图片文件已损坏或不完整（{why}）。"),
            ImageInputError::TooLarge(why) => format!("图片过大（{why}）。"),
            ImageInputError::Io(why) => format!("无法读取图片文件（{why}）。"),
            ImageInputError::NothingToCompose(n) => {
                format!("请至少选择两份证件合成一张图片（当前 {n} 份）。")
            }
        }
    }
}
