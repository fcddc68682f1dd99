//! Why a document photo could not be read (never why a document was
//! refused: that is a finding).

use crate::imaging::ImageInputError;
use crate::user_facing::{UserFacing, INTERNAL_EN, INTERNAL_ZH};

/// A reading failure, with a stable code.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A recognition model is not where the app said (`read.model_missing`).
    #[error("The text recognition model was not found at {path}.")]
    ModelMissing {
        /// Where it was looked for.
        path: String,
        /// The file system's reason.
        detail: String,
    },
    /// A model does not load or lacks its character list: a damaged asset
    /// (`read.model_invalid`).
    #[error("{}", INTERNAL_EN)]
    ModelInvalid {
        /// What is wrong.
        detail: String,
    },
    /// Running a model failed (`read.run_failed`).
    #[error("{}", INTERNAL_EN)]
    RunFailed {
        /// The runtime's reason.
        detail: String,
    },
    /// The photo itself could not be decoded (the image error's own code).
    #[error("{source}")]
    Image {
        /// Why.
        #[from]
        source: ImageInputError,
    },
}

impl ReadError {
    /// A runtime failure.
    #[cfg(feature = "ocr")]
    pub(crate) fn run(e: impl std::fmt::Display) -> ReadError {
        ReadError::RunFailed {
            detail: e.to_string(),
        }
    }
}

impl UserFacing for ReadError {
    fn code(&self) -> &'static str {
        match self {
            ReadError::ModelMissing { .. } => "read.model_missing",
            ReadError::ModelInvalid { .. } => "read.model_invalid",
            ReadError::RunFailed { .. } => "read.run_failed",
            ReadError::Image { source } => source.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            ReadError::ModelMissing { path, .. } => format!("未在 {path} 找到文字识别模型。"),
            ReadError::ModelInvalid { .. } | ReadError::RunFailed { .. } => INTERNAL_ZH.into(),
            ReadError::Image { source } => source.message_zh(),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            ReadError::ModelMissing { detail, .. }
            | ReadError::ModelInvalid { detail }
            | ReadError::RunFailed { detail } => Some(detail.clone()),
            ReadError::Image { source } => source.detail(),
        }
    }

    fn is_internal(&self) -> bool {
        matches!(
            self,
            ReadError::ModelInvalid { .. } | ReadError::RunFailed { .. }
        )
    }
}
