//! On-device photo checks: face detection, and the administrator photo's
//! framing, exposure, sharpness, backdrop and clothing findings; document
//! photos' framing, resolution, colour, sharpness, glare, seal and fingerprint.

mod admin_photo;
mod backdrop;
mod blur;
mod clothing;
mod cnn;
mod colour;
mod document;
mod face;
mod face_model;
mod face_quality;
pub(crate) mod finding;
mod morphology;
mod screen;
mod silhouette;
mod working;

pub use admin_photo::{
    check_admin_photo, check_framing_and_quality, find_faces, AdminPhotoProfile,
};
pub use backdrop::PhotoFlow;
pub use blur::{blur_spread, BlurSpread};
pub use document::{
    check_document, document_corners, DocumentProfile, DocumentType, RequiredMarks,
};
pub use face::{FaceBox, FaceDetector, FaceDetectorSettings};
pub use face_model::{face_landmark_model_loaded, load_face_landmark_model, FaceModelError};
pub use face_quality::{measure_face, FaceQuality};
pub use finding::{Finding, Limit, MeasureUnit, Outcome, PixelRect};
pub use screen::screen_pattern;
