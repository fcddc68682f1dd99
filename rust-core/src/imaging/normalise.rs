//! Turning any accepted photo into what the filing system takes: upright,
//! without private metadata, within the 4 MB limit, at the best quality
//! that fits instead of a refusal.

use image::{DynamicImage, GenericImageView, ImageFormat, RgbImage};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

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

/// Decodes `bytes` (JPEG, PNG or GIF, by content), turns it upright, drops
/// every private metadata block (EXIF with GPS and device, XMP, IPTC,
/// comments, PNG text) and returns the best-quality file that fits
/// [`MAX_UPLOAD_BYTES`]: an upright JPEG that fits with only its metadata
/// segments removed; a PNG/GIF re-encoded as PNG if that fits; else JPEG at
/// the highest quality of [`JPEG_QUALITIES`] that fits, else the image
/// scaled down until it does.
pub fn normalise_for_upload(bytes: &[u8]) -> Result<NormalisedImage, ImageInputError> {
    let decoded = decode_upright(bytes)?;
    let reoriented = decoded.reoriented;
    if decoded.format == AcceptedFormat::Jpeg && !reoriented && bytes.len() <= MAX_UPLOAD_BYTES {
        // Already upright and small enough: drop the metadata segments
        // without re-encoding, so no quality is lost (or bytes added).
        if let Some(stripped) = strip_jpeg_metadata(bytes) {
            let (width, height) = decoded.image.dimensions();
            return Ok(NormalisedImage {
                bytes: stripped,
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
            .map_err(|e| ImageInputError::Corrupt(e.to_string()))?;
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
    encode_to_fit(flatten_on_white(decoded.image), reoriented)
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
        // Predict each quality's size from a sample, then encode in full
        // only the best quality predicted to fit (stepping down if the
        // prediction was optimistic).
        let predicted = predict_sizes(&rgb);
        for (&quality, &size) in JPEG_QUALITIES.iter().zip(&predicted) {
            if size > MAX_UPLOAD_BYTES * 21 / 20 {
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
        let smallest = predicted[JPEG_QUALITIES.len() - 1].max(1);
        let factor = (SCALE_HEADROOM * MAX_UPLOAD_BYTES as f64 / smallest as f64)
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

/// The JPEG size at each of [`JPEG_QUALITIES`], predicted by encoding evenly
/// spaced full-width bands (an eighth of the image: JPEG cost is local, so
/// bands drawn across the whole height represent it well).
fn predict_sizes(rgb: &RgbImage) -> Vec<usize> {
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
    let scale = h as f64 / rows.len().max(1) as f64;
    JPEG_QUALITIES
        .iter()
        .map(|&q| encode_jpeg(&sample, q).map_or(usize::MAX, |j| (j.len() as f64 * scale) as usize))
        .collect()
}

/// The JPEG without its private metadata segments (APP1 EXIF/XMP, APP13
/// IPTC, the other application segments and comments), keeping the JFIF,
/// ICC colour profile and Adobe colour-transform segments and everything
/// from the start of scan on. `None` when the marker structure is not what
/// a baseline/progressive JPEG has (then the caller re-encodes).
fn strip_jpeg_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    const APP0: u8 = 0xE0;
    const APP2: u8 = 0xE2;
    const APP14: u8 = 0xEE;
    const COM: u8 = 0xFE;
    const SOS: u8 = 0xDA;
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut out = vec![0xFF, 0xD8];
    let mut i = 2;
    loop {
        while *bytes.get(i)? == 0xFF && *bytes.get(i + 1)? == 0xFF {
            i += 1; // fill bytes
        }
        if *bytes.get(i)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(i + 1)?;
        if marker == SOS {
            out.extend_from_slice(&bytes[i..]);
            return Some(out);
        }
        let len = u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?]) as usize;
        let end = i + 2 + len;
        let segment = bytes.get(i..end)?;
        let private = (0xE0..=0xEF).contains(&marker) && ![APP0, APP2, APP14].contains(&marker)
            || marker == COM;
        if !private {
            out.extend_from_slice(segment);
        }
        i = end;
    }
}

/// RGB pixels, transparent areas composed onto white (documents on paper).
pub(crate) fn flatten_on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((c as u32 * a as u32 + 255 * (255 - a as u32) + 127) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// Baseline JPEG, 4:2:0 like camera output, no metadata segments.
fn encode_jpeg(rgb: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageInputError> {
    let mut out = Vec::with_capacity(rgb.as_raw().len() / 8);
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    let (w, h) = (
        u16::try_from(rgb.width()).map_err(|_| ImageInputError::TooLarge("width".into()))?,
        u16::try_from(rgb.height()).map_err(|_| ImageInputError::TooLarge("height".into()))?,
    );
    encoder
        .encode(rgb.as_raw(), w, h, ColorType::Rgb)
        .map_err(|e| ImageInputError::Corrupt(e.to_string()))?;
    Ok(out)
}
