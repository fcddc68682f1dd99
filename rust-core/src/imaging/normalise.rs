//! Turning any accepted photo into what the filing system takes: upright,
//! without private metadata, within the 4 MB limit, at the best quality
//! that fits instead of a refusal.

use image::{GenericImageView, ImageFormat, RgbImage};

use super::budget::Channels;
use super::encode::encode_jpeg;
use super::jpeg;
use super::load::{decode_upright, AcceptedFormat};
use super::resize::{resize_rgb, Resample};
use super::ImageInputError;

/// The upload limit (seed: "no greater than 4 MB"), taken as 4 000 000
/// bytes so that it holds whichever megabyte the portal means.
pub const MAX_UPLOAD_BYTES: usize = 4_000_000;
/// JPEG qualities tried, best first; below the last one the image is
/// scaled down instead of compressed harder.
const JPEG_QUALITIES: [u8; 4] = [92, 85, 78, 70];
/// Each downscaling step aims this far below the limit, so that one step
/// usually suffices.
const SCALE_HEADROOM: f64 = 0.9;

/// The encoded format of a normalised upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum UploadFormat {
    /// JPEG, for photos.
    Jpeg,
    /// PNG, kept for PNG/GIF inputs that fit (screenshots, scans).
    Png,
}

/// A photo ready to upload, with what was done to it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct NormalisedImage {
    /// The encoded file, at most [`MAX_UPLOAD_BYTES`], without metadata.
    pub bytes: Vec<u8>,
    /// JPEG or PNG.
    pub format: UploadFormat,
    /// Width after orientation and any downscaling, pixels.
    pub width: u32,
    /// Height after orientation and any downscaling, pixels.
    pub height: u32,
    /// The JPEG quality used (`None` for PNG, and for a JPEG kept as it
    /// was with only its metadata removed).
    pub jpeg_quality: Option<u8>,
    /// The EXIF orientation was applied to the pixels.
    pub reoriented: bool,
    /// The image had to be scaled down to fit.
    pub downscaled: bool,
}

/// Decodes `bytes` (JPEG, PNG, GIF or WebP, by content), turns it upright, drops
/// every private metadata block (EXIF with GPS and device, XMP, IPTC,
/// comments, PNG text) and returns the best-quality file that fits
/// [`MAX_UPLOAD_BYTES`]: an upright JPEG that fits with only its metadata
/// segments removed; a PNG/GIF re-encoded as PNG if that fits; else JPEG at
/// the highest quality of [`JPEG_QUALITIES`] that fits, else the image
/// scaled down until it does.
pub fn normalise_for_upload(bytes: &[u8]) -> Result<NormalisedImage, ImageInputError> {
    let decoded = decode_upright(bytes, Channels::Rgb)?;
    let reoriented = decoded.reoriented;
    if decoded.format == AcceptedFormat::Jpeg
        && !reoriented
        && decoded.scale == 1
        && bytes.len() <= MAX_UPLOAD_BYTES
    {
        // Already upright and small enough: drop the metadata segments
        // without re-encoding, so no quality is lost (or bytes added).
        if let Some(layout) = jpeg::layout(bytes) {
            let (width, height) = decoded.image.dimensions();
            return Ok(NormalisedImage {
                bytes: jpeg::strip_metadata(bytes, &layout),
                format: UploadFormat::Jpeg,
                width,
                height,
                jpeg_quality: None,
                reoriented: false,
                downscaled: false,
            });
        }
    }
    if decoded.format != AcceptedFormat::Jpeg {
        let mut png = Vec::new();
        decoded
            .image
            .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
            .map_err(ImageInputError::corrupt)?;
        if png.len() <= MAX_UPLOAD_BYTES {
            let (width, height) = decoded.image.dimensions();
            return Ok(NormalisedImage {
                bytes: png,
                format: UploadFormat::Png,
                width,
                height,
                jpeg_quality: None,
                reoriented,
                downscaled: false,
            });
        }
    }
    encode_to_fit(decoded.image.into_rgb8(), reoriented)
}

/// An upright RGB image (a camera still) encoded as the best-quality JPEG
/// within [`MAX_UPLOAD_BYTES`], scaled down only if it cannot fit.
pub fn encode_for_upload(rgb: RgbImage) -> Result<NormalisedImage, ImageInputError> {
    encode_to_fit(rgb, false)
}

/// The best-quality JPEG of `rgb` within [`MAX_UPLOAD_BYTES`]: the highest
/// of [`JPEG_QUALITIES`] predicted (then checked) to fit, else the image
/// scaled down until one does.
pub(crate) fn encode_to_fit(
    mut rgb: RgbImage,
    reoriented: bool,
) -> Result<NormalisedImage, ImageInputError> {
    let mut downscaled = false;
    loop {
        // Predict each quality's size from a sample, best quality first, and
        // encode in full only the first one predicted to fit (stepping down
        // if the prediction was optimistic): a photo that fits at the best
        // quality costs one sample and one full encode.
        let (sample, scale) = size_sample(&rgb);
        let mut smallest = usize::MAX;
        for &quality in &JPEG_QUALITIES {
            let predicted = encode_jpeg(&sample, quality)
                .map_or(usize::MAX, |j| (j.len() as f64 * scale) as usize);
            smallest = predicted;
            if predicted > MAX_UPLOAD_BYTES * 21 / 20 {
                continue;
            }
            let jpeg = encode_jpeg(&rgb, quality)?;
            if jpeg.len() <= MAX_UPLOAD_BYTES {
                return Ok(NormalisedImage {
                    bytes: jpeg,
                    format: UploadFormat::Jpeg,
                    width: rgb.width(),
                    height: rgb.height(),
                    jpeg_quality: Some(quality),
                    reoriented,
                    downscaled,
                });
            }
        }
        // Bytes scale with the pixel count: shrink both sides by the root.
        let factor = (SCALE_HEADROOM * MAX_UPLOAD_BYTES as f64 / smallest.max(1) as f64)
            .sqrt()
            .min(0.9);
        let (w, h) = (
            ((rgb.width() as f64 * factor) as u32).max(1),
            ((rgb.height() as f64 * factor) as u32).max(1),
        );
        rgb = resize_rgb(&rgb, None, (w, h), Resample::Linear);
        downscaled = true;
    }
}

/// Rows per band, and one band in `SAMPLE_EVERY` goes into the size sample.
const SAMPLE_BAND_ROWS: u32 = 32;
const SAMPLE_EVERY: u32 = 8;

/// Evenly spaced full-width bands of `rgb` (an eighth of the image: JPEG
/// cost is local, so bands drawn across the whole height represent it
/// well), and the factor from their JPEG size to the whole image's.
fn size_sample(rgb: &RgbImage) -> (RgbImage, f64) {
    let (w, h) = rgb.dimensions();
    let bands: Vec<u32> = (0..h.div_ceil(SAMPLE_BAND_ROWS))
        .filter(|b| b % SAMPLE_EVERY == SAMPLE_EVERY / 2 || h <= SAMPLE_BAND_ROWS * SAMPLE_EVERY)
        .collect();
    let rows: Vec<u32> = bands
        .iter()
        .flat_map(|b| b * SAMPLE_BAND_ROWS..((b + 1) * SAMPLE_BAND_ROWS).min(h))
        .collect();
    let mut sample = Vec::with_capacity(rows.len() * w as usize * 3);
    for &y in &rows {
        let start = (y * w * 3) as usize;
        sample.extend_from_slice(&rgb.as_raw()[start..start + (w * 3) as usize]);
    }
    let sample = RgbImage::from_raw(w, rows.len() as u32, sample).unwrap_or_default();
    (sample, h as f64 / rows.len().max(1) as f64)
}
