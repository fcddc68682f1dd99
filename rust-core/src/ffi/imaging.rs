//! Preparing photos for upload.

use crate::imaging::NormalisedImage;

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
