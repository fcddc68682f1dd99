//! On-device photo checks: face detection, and the administrator photo's
//! framing, exposure, sharpness, backdrop and clothing findings.

mod admin_photo;
mod backdrop;
mod clothing;
mod colour;
mod face;
mod finding;
mod silhouette;
mod working;

pub use admin_photo::{check_admin_photo, check_framing_and_quality, sharpness, AdminPhotoProfile};
pub use backdrop::PhotoFlow;
pub use face::{FaceBox, FaceDetector, FaceDetectorSettings};
pub use finding::{Finding, Outcome, PixelRect};
