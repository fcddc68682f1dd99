//! What can go wrong loading or running the text recogniser.

/// A recogniser failure, with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OcrError {
    /// A model file is not where it was looked for (`ocr.model_missing`).
    #[error("text recognition model not found at {path}: {detail} (run rust-core/data/extract_ppocr_models.sh)")]
    ModelMissing {
        /// Where it was looked for.
        path: String,
        /// The file system's reason.
        detail: String,
    },
    /// A model does not load, or lacks its character list (`ocr.model_invalid`).
    #[error("text recognition model unusable: {detail}")]
    ModelInvalid {
        /// What is wrong.
        detail: String,
    },
    /// Running a model failed (`ocr.run_failed`).
    #[error("text recognition failed: {detail}")]
    RunFailed {
        /// The runtime's reason.
        detail: String,
    },
}

impl OcrError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            OcrError::ModelMissing { .. } => "ocr.model_missing",
            OcrError::ModelInvalid { .. } => "ocr.model_invalid",
            OcrError::RunFailed { .. } => "ocr.run_failed",
        }
    }

    /// A runtime failure.
    pub(super) fn run(e: impl std::fmt::Display) -> OcrError {
        OcrError::RunFailed {
            detail: e.to_string(),
        }
    }
}
