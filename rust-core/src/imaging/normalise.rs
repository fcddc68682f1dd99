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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum UploadFormat {
    /// JPEG, for photos.
    Jpeg,
    /// PNG, kept for PNG/GIF inputs that fit (screenshots, scans).
    Png,
}

/// A photo ready to upload, with what was done to it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
        let sample = SizeSample::of(&rgb);
        let mut smallest = usize::MAX;
        for &quality in &JPEG_QUALITIES {
            let predicted = sample.predict(quality);
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

/// Rows per sample band: one MCU row at 4:2:0, so that the sample's blocks
/// are exactly the photo's blocks and cost what they cost in the photo.
const SAMPLE_BAND_ROWS: u32 = 16;
/// One band in `SAMPLE_EVERY` goes into the size sample. Many thin bands
/// predict better than fewer thick ones at the same cost: on 12 MP scenes
/// whose detail changes down the frame, 24 bands of 16 rows erred by at
/// most 5.6 %, 12 bands of 32 rows by 14.6 % (unit test below).
const SAMPLE_EVERY: u32 = 8;
/// A quality whose prediction from half the sample exceeds the limit this
/// many times is refused without encoding the other half (half the sample
/// erred by at most 14 % on the same scenes).
const CLEARLY_OVER: f64 = 1.25;

/// Evenly spaced full-width bands of a photo (an eighth of it: JPEG cost
/// is local, so bands drawn across the whole height represent it well), in
/// two interleaved halves so that a quality far above the limit is refused
/// for the cost of one half.
struct SizeSample {
    halves: [RgbImage; 2],
    /// The photo's height, rows.
    height: u32,
}

impl SizeSample {
    fn of(rgb: &RgbImage) -> Self {
        let (w, h) = rgb.dimensions();
        let small = h <= SAMPLE_BAND_ROWS * SAMPLE_EVERY * 2;
        let mut rows: [Vec<u8>; 2] = Default::default();
        for band in 0..h.div_ceil(SAMPLE_BAND_ROWS) {
            let half = if small {
                0
            } else if band % SAMPLE_EVERY == SAMPLE_EVERY / 2 {
                (band / SAMPLE_EVERY % 2) as usize
            } else {
                continue;
            };
            let start = (band * SAMPLE_BAND_ROWS * w * 3) as usize;
            let end = (((band + 1) * SAMPLE_BAND_ROWS).min(h) * w * 3) as usize;
            rows[half].extend_from_slice(&rgb.as_raw()[start..end]);
        }
        let halves = rows.map(|raw| {
            let height = (raw.len() / (w as usize * 3).max(1)) as u32;
            RgbImage::from_raw(w, height, raw).unwrap_or_default()
        });
        SizeSample { halves, height: h }
    }

    /// The photo's predicted JPEG size at `quality`, bytes (`usize::MAX`
    /// if the sample cannot be encoded).
    fn predict(&self, quality: u8) -> usize {
        let size =
            |half: &RgbImage| encode_jpeg(half, quality).map_or(f64::INFINITY, |j| j.len() as f64);
        let [first, second] = &self.halves;
        let rows = |half: &RgbImage| f64::from(half.height());
        let first_bytes = size(first);
        let quick = first_bytes * f64::from(self.height) / rows(first).max(1.0);
        if second.height() == 0 || quick > CLEARLY_OVER * MAX_UPLOAD_BYTES as f64 {
            return quick.min(usize::MAX as f64) as usize;
        }
        let whole =
            (first_bytes + size(second)) * f64::from(self.height) / (rows(first) + rows(second));
        whole.min(usize::MAX as f64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 12 MP scene whose detail changes down the frame, as photos do: a
    /// smooth sky, a noisy textured middle and hard-edged tiles below, at
    /// heights and periods that `seed` moves against the sample's bands.
    fn scene(seed: u32) -> RgbImage {
        let mut state = 0x0bad_cafe ^ seed.wrapping_mul(0x9e37_79b9);
        let sky = 600 + seed * 170 % 900;
        let middle = sky + 700 + seed * 97 % 600;
        let (tile_w, tile_h) = (30 + seed * 13 % 70, 25 + seed * 29 % 60);
        RgbImage::from_fn(4000, 3000, |x, y| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let noise = |amp: u32| (state % (2 * amp + 1)) as i32 - amp as i32;
            let v = if y < sky {
                120 + (y / 20) as i32 + noise(2)
            } else if y < middle {
                90 + ((x / 7 + y / 5) % 40) as i32 + noise(25)
            } else if (x / tile_w + y / tile_h) % 2 == 0 {
                40 + noise(6)
            } else {
                200 + noise(6)
            };
            let c = |d: i32| (v + d).clamp(0, 255) as u8;
            image::Rgb([c(0), c(-15 + (x / 400) as i32), c(20 - (y / 300) as i32)])
        })
    }

    #[test]
    fn the_size_sample_predicts_the_whole_encoding() {
        for seed in [0, 2, 4, 7] {
            let img = scene(seed);
            let sample = SizeSample::of(&img);
            assert_eq!(
                sample.halves.iter().map(RgbImage::height).sum::<u32>(),
                3000 / SAMPLE_BAND_ROWS / SAMPLE_EVERY * SAMPLE_BAND_ROWS
            );
            for quality in [92, 70] {
                let actual = encode_jpeg(&img, quality).unwrap().len() as f64;
                let error = sample.predict(quality) as f64 / actual - 1.0;
                assert!(
                    error.abs() < 0.07,
                    "seed {seed} q{quality}: {:+.1} %",
                    error * 100.0
                );
            }
        }
    }

    #[test]
    fn a_quality_far_over_the_limit_is_refused_from_half_the_sample() {
        // Noise at 12 MP and the best quality: about three times the limit.
        let mut state = 7u32;
        let img = RgbImage::from_fn(4000, 3000, |_, _| {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            image::Rgb([(state >> 24) as u8, (state >> 16) as u8, (state >> 8) as u8])
        });
        let sample = SizeSample::of(&img);
        let quick = encode_jpeg(&sample.halves[0], 92).unwrap().len() as f64 * 3000.0
            / f64::from(sample.halves[0].height());
        assert!(quick > CLEARLY_OVER * MAX_UPLOAD_BYTES as f64);
        assert_eq!(sample.predict(92), quick as usize);
    }

    #[test]
    fn a_short_photo_is_its_own_sample() {
        let img = RgbImage::from_pixel(300, 200, image::Rgb([10, 200, 30]));
        let sample = SizeSample::of(&img);
        assert_eq!(
            (sample.halves[0].height(), sample.halves[1].height()),
            (200, 0)
        );
    }
}
