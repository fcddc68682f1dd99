//! The face landmark model as an asset the app loads: MediaPipe's
//! `face_landmark.tflite` (1.2 MB) would take the shipped library past its
//! size budget, so apps bundle it (Android assets, iOS bundle) and load it
//! once at start-up, as they do the text recognition models. Until it is
//! loaded, photos are checked without the face-quality findings (eyes open,
//! pose, cover, even light) and the head room is judged from the face box.

use crate::user_facing::{UserFacing, INTERNAL_EN, INTERNAL_ZH};

use super::cnn::{install_landmarks, landmarks_installed, ModelError};

/// Why the face landmark model could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaceModelError {
    /// The bytes are not a TensorFlow Lite model the runtime can run: a
    /// damaged asset (`face_model.invalid`).
    #[error("{}", INTERNAL_EN)]
    Invalid {
        /// What is wrong.
        detail: String,
    },
    /// A TensorFlow Lite model, but not the face landmark one (another
    /// asset was passed; `face_model.wrong_model`).
    #[error("This is not the face landmark model: its input is {input}, not a 192 × 192 colour image. Load face_landmark.tflite.")]
    WrongModel {
        /// The given model's input shape, as the runtime read it.
        input: String,
    },
}

impl UserFacing for FaceModelError {
    fn code(&self) -> &'static str {
        match self {
            FaceModelError::Invalid { .. } => "face_model.invalid",
            FaceModelError::WrongModel { .. } => "face_model.wrong_model",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            FaceModelError::Invalid { .. } => INTERNAL_ZH.into(),
            FaceModelError::WrongModel { input } => format!(
                "这不是人脸关键点模型：其输入为 {input}，而非 192 × 192 彩色图像。请加载 face_landmark.tflite。"
            ),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            FaceModelError::Invalid { detail } => Some(detail.clone()),
            FaceModelError::WrongModel { .. } => None,
        }
    }

    fn is_internal(&self) -> bool {
        matches!(self, FaceModelError::Invalid { .. })
    }
}

/// Loads MediaPipe's face landmark model (the bytes of
/// `face_landmark.tflite`, sha256 1055cb9d…c814, extracted by
/// `rust-core/data/extract_mediapipe_models.sh`) for the process. Loading
/// again keeps the first model (the bytes are still checked).
pub fn load_face_landmark_model(model: &[u8]) -> Result<(), FaceModelError> {
    install_landmarks(model).map_err(|e| match e {
        ModelError::WrongInput(shape) => FaceModelError::WrongModel {
            input: format!("{shape:?}"),
        },
        other => FaceModelError::Invalid {
            detail: other.to_string(),
        },
    })
}

/// Whether the face landmark model is loaded (apps may assert it in their
/// own start-up checks: without it the face-quality findings are missing).
pub fn face_landmark_model_loaded() -> bool {
    landmarks_installed()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_or_wrong_asset_is_refused_with_its_code() {
        let damaged = load_face_landmark_model(&[0u8; 64]).unwrap_err();
        assert_eq!(damaged.code(), "face_model.invalid");
        assert!(damaged.is_internal());
        let detector = include_bytes!("../../data/face_detection_short_range.tflite");
        let wrong = load_face_landmark_model(detector).unwrap_err();
        assert_eq!(wrong.code(), "face_model.wrong_model");
        assert_eq!(
            wrong,
            FaceModelError::WrongModel {
                input: "[1, 128, 128, 3]".into()
            }
        );
    }
}
