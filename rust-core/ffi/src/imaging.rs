//! Preparing photos for upload, finding faces in them and checking them.

use icp_companion_core::imaging::{decode_image, ImageInputError, NormalisedImage};
use icp_companion_core::inspect::{
    AdminPhotoProfile, DocumentProfile, DocumentType, FaceBox, Finding, PhotoFlow, RequiredMarks,
};

use super::blocking::off_thread;
use super::{FaceModelError, ImageError};

/// Turns a photo (JPEG, PNG, GIF or WebP bytes) upright, strips its metadata and
/// re-encodes it at the best quality within 4 MB, off the caller's thread.
#[uniffi::export(async_runtime = "tokio")]
pub async fn normalise_for_upload(bytes: Vec<u8>) -> Result<NormalisedImage, ImageError> {
    off_thread(move || icp_companion_core::imaging::normalise_for_upload(&bytes)).await
}

/// Puts several document photos (JPEG, PNG, GIF or WebP bytes) on one sheet, as
/// the filing rules require for documents that must share an image (e.g. the
/// letter of authorisation with the owner's ID), ready to upload; off the
/// caller's thread.
#[uniffi::export(async_runtime = "tokio")]
pub async fn compose_documents(photos: Vec<Vec<u8>>) -> Result<NormalisedImage, ImageError> {
    off_thread(move || icp_companion_core::imaging::compose_documents(&photos)).await
}

/// Loads MediaPipe's face landmark model (the bytes of the
/// `face_landmark.tflite` asset the app bundles, 1.2 MB) for the process,
/// once at start-up: the administrator photo checks measure eyes, pose,
/// cover and light from it, and leave those findings out until it is
/// loaded. Loading again keeps the first model.
#[uniffi::export]
pub fn load_face_landmark_model(model: Vec<u8>) -> Result<(), FaceModelError> {
    Ok(icp_companion_core::inspect::load_face_landmark_model(
        &model,
    )?)
}

/// Whether the face landmark model is loaded.
#[uniffi::export]
pub fn face_landmark_model_loaded() -> bool {
    icp_companion_core::inspect::face_landmark_model_loaded()
}

/// Faces found in a photo (JPEG, PNG, GIF or WebP bytes) by the on-device
/// detector, as the photo checks find them, largest first, off the caller's
/// thread.
#[uniffi::export(async_runtime = "tokio")]
pub async fn detect_faces(bytes: Vec<u8>) -> Result<Vec<FaceBox>, ImageError> {
    off_thread(move || -> Result<_, ImageInputError> {
        let image = decode_image(&bytes)?;
        Ok(icp_companion_core::inspect::find_faces(&image))
    })
    .await
}

/// Checks an administrator photo taken in `flow` (framing, exposure,
/// sharpness, backdrop, clothing) and returns every finding. `faces` are the
/// platform detector's boxes when the app has them; `profile` defaults to
/// the documented thresholds.
#[uniffi::export(async_runtime = "tokio", default(faces = None, profile = None))]
pub async fn check_admin_photo(
    bytes: Vec<u8>,
    flow: PhotoFlow,
    faces: Option<Vec<FaceBox>>,
    profile: Option<AdminPhotoProfile>,
) -> Result<Vec<Finding>, ImageError> {
    off_thread(move || -> Result<_, ImageInputError> {
        let image = decode_image(&bytes)?;
        Ok(icp_companion_core::inspect::check_admin_photo(
            &image,
            faces.as_deref(),
            flow,
            &profile.unwrap_or_default(),
        ))
    })
    .await
}

/// Checks a photo of a document of `doc_type` that must carry `marks`
/// (whole in the frame, resolution, colour original, sharpness, glare, seal,
/// fingerprint) and returns every finding; `profile` defaults to the
/// documented thresholds.
#[uniffi::export(async_runtime = "tokio", default(profile = None))]
pub async fn check_document(
    bytes: Vec<u8>,
    doc_type: DocumentType,
    marks: RequiredMarks,
    profile: Option<DocumentProfile>,
) -> Result<Vec<Finding>, ImageError> {
    off_thread(move || -> Result<_, ImageInputError> {
        let image = decode_image(&bytes)?;
        Ok(icp_companion_core::inspect::check_document(
            &image,
            doc_type,
            marks,
            &profile.unwrap_or_default(),
        ))
    })
    .await
}
