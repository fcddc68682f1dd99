//! On-device photo checks. So far: face detection, and the administrator
//! photo's framing, exposure and sharpness findings.

mod admin_photo;
mod face;
mod finding;

pub use admin_photo::{check_admin_photo, check_framing_and_quality, sharpness, AdminPhotoProfile};
pub use face::{FaceBox, FaceDetector, FaceDetectorSettings};
pub use finding::{Finding, Outcome, PixelRect};
