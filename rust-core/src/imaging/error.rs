//! Why an image file could not be read.

use crate::user_facing::UserFacing;

/// Why a file could not be read from storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ReadProblem {
    /// There is no such file.
    NotFound,
    /// The app may not read it.
    PermissionDenied,
    /// It is a folder, not a file.
    IsFolder,
    /// Any other failure of the storage.
    Other,
}

impl ReadProblem {
    /// The problem an I/O error means.
    pub fn of(e: &std::io::Error) -> ReadProblem {
        match e.kind() {
            std::io::ErrorKind::NotFound => ReadProblem::NotFound,
            std::io::ErrorKind::PermissionDenied => ReadProblem::PermissionDenied,
            std::io::ErrorKind::IsADirectory => ReadProblem::IsFolder,
            _ => ReadProblem::Other,
        }
    }

    fn en(self) -> &'static str {
        match self {
            ReadProblem::NotFound => "the file does not exist",
            ReadProblem::PermissionDenied => "this app may not read it",
            ReadProblem::IsFolder => "it is a folder, not a file",
            ReadProblem::Other => "the storage failed",
        }
    }

    fn zh(self) -> &'static str {
        match self {
            ReadProblem::NotFound => "文件不存在",
            ReadProblem::PermissionDenied => "本应用无权读取该文件",
            ReadProblem::IsFolder => "这是文件夹，不是文件",
            ReadProblem::Other => "存储读取失败",
        }
    }
}

/// A refused image file. Each variant has a stable code; numbers are kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageInputError {
    /// Not a JPEG, PNG, GIF or WebP by its content (whatever its name says).
    #[error("{}", unsupported_en(.format))]
    UnsupportedFormat {
        /// The image format the file is in (`WebP`, `BMP`, …), or `None`
        /// when it is not an image at all.
        format: Option<String>,
    },
    /// A phone's own photo format (HEIC/HEIF, AVIF) that the platform
    /// converts: the app asks the system for a JPEG, or the user exports one.
    #[error("This photo is in {format} format. Choose it again as JPEG: on iPhone, share or export it as JPEG (or set Settings › Camera › Formats to Most Compatible); on Android, save or share it as JPEG.")]
    ConvertOnDevice {
        /// `HEIC` or `AVIF`.
        format: String,
    },
    /// A JPEG in a variant the decoders do not read (12-bit, lossless,
    /// arithmetic coding).
    #[error("This JPEG is of an unusual kind that cannot be read. Export it again as an ordinary JPEG, or take the photo again.")]
    UnsupportedJpeg {
        /// What the decoder lacks (for logs).
        detail: String,
    },
    /// The file is damaged or cut short.
    #[error("The image file is damaged or incomplete. Take or export the photo again.")]
    Corrupt {
        /// What the decoder found (for logs).
        detail: String,
    },
    /// Dimensions or decoded size beyond what the core accepts.
    #[error("The image is too large ({width} × {height} pixels). Use a photo of at most {max_megapixels} megapixels.")]
    TooLarge {
        /// Declared width, pixels.
        width: u32,
        /// Declared height, pixels.
        height: u32,
        /// The largest picture accepted, megapixels.
        max_megapixels: u32,
    },
    /// The file is larger than the core reads.
    #[error("The file is {size_mb} MB; files of at most {max_mb} MB can be read.")]
    FileTooLarge {
        /// The file's size, MB (rounded up).
        size_mb: u64,
        /// The largest file read, MB.
        max_mb: u64,
    },
    /// The file could not be read.
    #[error("The image file could not be read: {}.", .problem.en())]
    Io {
        /// Why.
        problem: ReadProblem,
    },
    /// Composing one image needs at least two documents.
    #[error("Choose at least two documents to put in one image (got {count}).")]
    NothingToCompose {
        /// Documents given.
        count: usize,
    },
}

impl UserFacing for ImageInputError {
    fn code(&self) -> &'static str {
        match self {
            ImageInputError::UnsupportedFormat { .. } | ImageInputError::UnsupportedJpeg { .. } => {
                "image.unsupported_format"
            }
            ImageInputError::ConvertOnDevice { .. } => "image.convert_on_device",
            ImageInputError::Corrupt { .. } => "image.corrupt",
            ImageInputError::TooLarge { .. } | ImageInputError::FileTooLarge { .. } => {
                "image.too_large"
            }
            ImageInputError::Io { .. } => "image.io",
            ImageInputError::NothingToCompose { .. } => "image.nothing_to_compose",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            ImageInputError::UnsupportedFormat { format: Some(format) } => {
                format!("该文件是 {format} 格式的图片，无法上传；请使用 JPEG、PNG、GIF 或 WebP 照片。")
            }
            ImageInputError::UnsupportedFormat { format: None } => {
                "该文件不是图片，无法上传；请使用 JPEG、PNG、GIF 或 WebP 照片。".into()
            }
            ImageInputError::ConvertOnDevice { format } => format!(
                "这张照片是 {format} 格式。请以 JPEG 格式重新选择：iPhone 上可通过分享或导出为 JPEG（或在“设置 › 相机 › 格式”中选择“兼容性最佳”）；安卓手机上可另存或分享为 JPEG。"
            ),
            ImageInputError::UnsupportedJpeg { .. } => {
                "这张 JPEG 图片的编码方式较少见，无法读取。请重新导出为普通 JPEG，或重新拍摄。".into()
            }
            ImageInputError::Corrupt { .. } => {
                "图片文件已损坏或不完整。请重新拍摄或导出照片。".into()
            }
            ImageInputError::TooLarge {
                width,
                height,
                max_megapixels,
            } => format!(
                "图片过大（{width} × {height} 像素）。请使用不超过 {max_megapixels} 百万像素的照片。"
            ),
            ImageInputError::FileTooLarge { size_mb, max_mb } => {
                format!("文件大小为 {size_mb} MB，最多可读取 {max_mb} MB 的文件。")
            }
            ImageInputError::Io { problem } => {
                format!("无法读取图片文件：{}。", problem.zh())
            }
            ImageInputError::NothingToCompose { count } => {
                format!("请至少选择两份证件合成一张图片（当前 {count} 份）。")
            }
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ImageInputError::Corrupt { detail } | ImageInputError::UnsupportedJpeg { detail } => {
                Some(detail.clone())
            }
            _ => None,
        }
    }
}

impl ImageInputError {
    /// A damaged file; `detail` (a decoder's words) is kept for logs only.
    pub fn corrupt(detail: impl std::fmt::Display) -> ImageInputError {
        ImageInputError::Corrupt {
            detail: detail.to_string(),
        }
    }

    /// A picture too large to decode within the memory budget, when each
    /// pixel would cost `bytes_per_pixel` at its peak.
    pub fn too_large(width: u32, height: u32, bytes_per_pixel: f64) -> ImageInputError {
        let side = u64::from(super::MAX_SIDE_PX).pow(2) as f64;
        let fit = super::DECODE_BUDGET_BYTES as f64 / bytes_per_pixel.max(1.0);
        ImageInputError::TooLarge {
            width,
            height,
            max_megapixels: (fit.min(side) / 1e6) as u32,
        }
    }
}

/// The English message for an unsupported file.
fn unsupported_en(format: &Option<String>) -> String {
    match format {
        Some(format) => format!(
            "This file is a {format} image, which cannot be uploaded; use a JPEG, PNG, GIF or WebP photo."
        ),
        None => {
            "This file is not an image, so it cannot be uploaded; use a JPEG, PNG, GIF or WebP photo."
                .into()
        }
    }
}
