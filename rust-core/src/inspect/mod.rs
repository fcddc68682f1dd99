//! On-device photo checks. So far: face detection, the base of the
//! administrator-photo rules.

mod face;

pub use face::{FaceBox, FaceDetector, FaceDetectorSettings};
