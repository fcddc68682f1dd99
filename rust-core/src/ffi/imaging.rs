//! Preparing photos for upload, and finding faces in them.

use crate::imaging::{ImageInputError, NormalisedImage};
use crate::inspect::{FaceBox, FaceDetector, FaceDetectorSettings};

use super::ImageError;

/// Turns a photo (JPEG, PNG or GIF bytes) upright, strips its metadata and
/// re-encodes it at the best quality within 4 MB, off the caller's thread.
#[uniffi::export(async_runtime = "tokio")]
pub async fn normalise_for_upload(bytes: Vec<u8>) -> Result<NormalisedImage, ImageError> {
    let task = tokio::task::spawn_blocking(move || crate::imaging::normalise_for_upload(&bytes));
    match task.await {
        Ok(result) => Ok(result?),
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}

/// Faces found in a photo (JPEG, PNG or GIF bytes) by the on-device
/// detector with its default settings, largest first, off the caller's thread.
#[uniffi::export(async_runtime = "tokio")]
pub async fn detect_faces(bytes: Vec<u8>) -> Result<Vec<FaceBox>, ImageError> {
    let task = tokio::task::spawn_blocking(move || {
        let image = crate::imaging::decode_image(&bytes)?;
        Ok::<_, ImageInputError>(
            FaceDetector::new(FaceDetectorSettings::default()).detect(&image.to_luma8()),
        )
    });
    match task.await {
        Ok(result) => Ok(result?),
        Err(join) => std::panic::resume_unwind(join.into_panic()),
    }
}
