//! JPEG files read by their markers — the frame's layout, whether the file
//! is whole, which segments carry private metadata — and decoded within the
//! memory budget: zune-jpeg at full size, jpeg-decoder's DCT scaling (½, ¼,
//! ⅛) when the full size would not fit.

use std::ops::Range;

use image::metadata::Orientation;
use image::{DynamicImage, GrayImage, RgbImage};
use zune_core::bytestream::ZCursor;
use zune_core::colorspace::ColorSpace;
use zune_core::options::DecoderOptions;

use super::budget::{fits, peak, scaled_pixels, Channels, JPEG_SCALES};
use super::load::MAX_SIDE_PX;
use super::ImageInputError;

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;

/// One marker segment before the first scan: its marker and where it lies
/// in the file (marker bytes included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Segment {
    /// The marker's second byte (`0xE1` for APP1, …).
    pub marker: u8,
    /// The segment's bytes in the file, from its `0xFF` on.
    pub span: Range<usize>,
}

/// A JPEG's structure as its markers describe it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    /// Width and height declared by the frame header, pixels.
    pub width: u32,
    /// See `width`.
    pub height: u32,
    /// Progressive (the decoder keeps every coefficient until the end).
    pub progressive: bool,
    /// Bytes the decoder's coefficient store takes for a progressive frame:
    /// 64 two-byte coefficients per block of each component.
    pub coefficient_bytes: u64,
    /// Samples per pixel over all components (4:2:0 colour is 1.5).
    pub samples_per_pixel: f64,
    /// The fewest bytes of entropy-coded data a whole picture of this
    /// layout can have: every block codes its DC coefficient (at least one
    /// bit) and, in a baseline scan, its AC coefficients or their end (one
    /// more bit).
    pub min_scan_bytes: u64,
    /// The segments before the first scan, in file order.
    pub segments: Vec<Segment>,
    /// Where the first start-of-scan segment begins.
    pub first_scan: usize,
    /// An end-of-image marker follows the first scan: the file is whole.
    pub complete: bool,
}

/// Reads the markers of `bytes` up to the first scan. `None` when they are
/// not those of a JPEG (the decoder then says why).
pub(crate) fn layout(bytes: &[u8]) -> Option<Layout> {
    if bytes.get(..2)? != [0xFF, SOI] {
        return None;
    }
    let mut segments = Vec::new();
    let mut frame: Option<Frame> = None;
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
            let Frame {
                width,
                height,
                progressive,
                sampling,
            } = frame?;
            let (coefficient_bytes, samples_per_pixel) = coefficients(width, height, &sampling);
            let blocks = coefficient_bytes / 128;
            return Some(Layout {
                width,
                height,
                progressive,
                coefficient_bytes,
                samples_per_pixel,
                min_scan_bytes: if progressive { blocks / 8 } else { blocks / 4 },
                segments,
                first_scan: i,
                complete: ends_with_eoi(&bytes[i..]),
            });
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(i + 2)?, *bytes.get(i + 3)?]));
        let end = i + 2 + len;
        let body = bytes.get(i + 4..end)?;
        if is_frame_header(marker) {
            frame = Some(frame_header(marker, body)?);
        }
        segments.push(Segment {
            marker,
            span: i..end,
        });
        i = end;
    }
}

/// SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
fn is_frame_header(marker: u8) -> bool {
    (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker)
}

/// What a frame header (SOFn) says.
struct Frame {
    width: u32,
    height: u32,
    progressive: bool,
    /// Each component's (horizontal, vertical) sampling factors.
    sampling: Vec<(u32, u32)>,
}

fn frame_header(marker: u8, body: &[u8]) -> Option<Frame> {
    let height = u32::from(u16::from_be_bytes([*body.get(1)?, *body.get(2)?]));
    let width = u32::from(u16::from_be_bytes([*body.get(3)?, *body.get(4)?]));
    let count = usize::from(*body.get(5)?);
    let sampling = (0..count)
        .map(|c| {
            let factors = *body.get(6 + 3 * c + 1)?;
            Some((
                u32::from(factors >> 4).max(1),
                u32::from(factors & 15).max(1),
            ))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Frame {
        width,
        height,
        progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
        sampling,
    })
}

/// The coefficient store of a progressive decode, bytes, and the samples
/// per pixel over all components.
fn coefficients(width: u32, height: u32, components: &[(u32, u32)]) -> (u64, f64) {
    let h_max = components.iter().map(|c| c.0).max().unwrap_or(1);
    let v_max = components.iter().map(|c| c.1).max().unwrap_or(1);
    let mut bytes = 0u64;
    let mut samples = 0f64;
    for &(h, v) in components {
        let cw = u64::from((width * h).div_ceil(h_max));
        let ch = u64::from((height * v).div_ceil(v_max));
        bytes += cw.div_ceil(8) * ch.div_ceil(8) * 64 * 2;
        samples += f64::from(h * v) / f64::from(h_max * v_max);
    }
    (bytes, samples)
}

/// Whether an end-of-image marker lies in `scans` (a cut file has none:
/// entropy-coded data never holds `FF D9`, which is always a marker).
fn ends_with_eoi(scans: &[u8]) -> bool {
    scans.windows(2).rev().any(|w| w == [0xFF, EOI])
}

/// A JPEG decoded upright within the budget, and the DCT scale used.
pub(crate) struct DecodedJpeg {
    /// Grey or RGB pixels, as asked.
    pub image: DynamicImage,
    /// 1 at full size, else the denominator (2, 4 or 8).
    pub scale: u32,
    /// The EXIF orientation of the file.
    pub orientation: Orientation,
}

/// Decodes `bytes` (a JPEG whose `layout` was read) as `channels`, at full
/// size when it fits the budget, else at the largest DCT scale that does;
/// a cut file, or one too large even at ⅛, is refused.
pub(crate) fn decode(
    bytes: &[u8],
    layout: &Layout,
    channels: Channels,
) -> Result<DecodedJpeg, ImageInputError> {
    if !layout.complete {
        return Err(ImageInputError::corrupt(
            "the file ends before the picture does",
        ));
    }
    if layout.width > MAX_SIDE_PX || layout.height > MAX_SIDE_PX {
        return Err(too_large(layout));
    }
    let scale = JPEG_SCALES
        .into_iter()
        .find(|&scale| fits(decode_peak(bytes.len() as u64, layout, channels, scale)))
        .ok_or_else(|| too_large(layout))?;
    if ((bytes.len() - layout.first_scan) as u64) < layout.min_scan_bytes {
        return Err(ImageInputError::corrupt(format!(
            "the file is too short for the {} × {} picture it declares",
            layout.width, layout.height
        )));
    }
    if scale == 1 {
        full_size(bytes, channels)
    } else {
        tracing::debug!(scale, "large JPEG decoded at a reduced DCT scale");
        reduced(bytes, channels, scale)
    }
}

fn too_large(layout: &Layout) -> ImageInputError {
    // At ⅛ scale the pixels cost little; what stays is a progressive
    // frame's coefficients (two bytes a sample).
    let per_pixel = if layout.progressive {
        2.0 * layout.samples_per_pixel
    } else {
        0.0
    };
    ImageInputError::too_large(layout.width, layout.height, per_pixel)
}

/// The peak memory of decoding at `scale`: the file, a progressive frame's
/// coefficients (kept at full size whatever the scale), the component
/// planes jpeg-decoder fills before converting colour, the pixels and one
/// copy.
fn decode_peak(file: u64, layout: &Layout, channels: Channels, scale: u32) -> u64 {
    let pixels = scaled_pixels(layout.width, layout.height, scale);
    let coefficients = if layout.progressive {
        layout.coefficient_bytes
    } else {
        0
    };
    let planes = if scale > 1 {
        (pixels as f64 * layout.samples_per_pixel) as u64
    } else {
        0
    };
    let decoded = pixels * channels.bytes();
    peak(file, coefficients + planes, decoded, decoded)
}

fn orientation_of(exif: Option<&[u8]>) -> Orientation {
    exif.and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms)
}

/// zune-jpeg, straight into grey or RGB.
fn full_size(bytes: &[u8], channels: Channels) -> Result<DecodedJpeg, ImageInputError> {
    let colour = match channels {
        Channels::Luma => ColorSpace::Luma,
        Channels::Rgb => ColorSpace::RGB,
    };
    let options = DecoderOptions::default()
        .set_strict_mode(false)
        .set_max_width(MAX_SIDE_PX as usize)
        .set_max_height(MAX_SIDE_PX as usize)
        .jpeg_set_out_colorspace(colour);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(zune_refusal)?;
    let orientation = orientation_of(decoder.exif().map(Vec::as_slice));
    let (width, height) = decoder
        .dimensions()
        .ok_or_else(|| ImageInputError::corrupt("no frame header"))?;
    let pixels = decoder.decode().map_err(zune_refusal)?;
    let (width, height) = (width as u32, height as u32);
    let image = match channels {
        Channels::Luma => GrayImage::from_raw(width, height, pixels).map(DynamicImage::ImageLuma8),
        Channels::Rgb => RgbImage::from_raw(width, height, pixels).map(DynamicImage::ImageRgb8),
    }
    .ok_or_else(|| ImageInputError::corrupt("fewer pixels than the frame declares"))?;
    Ok(DecodedJpeg {
        image,
        scale: 1,
        orientation,
    })
}

fn zune_refusal(e: zune_jpeg::errors::DecodeErrors) -> ImageInputError {
    match e {
        zune_jpeg::errors::DecodeErrors::Unsupported(what) => ImageInputError::UnsupportedJpeg {
            detail: format!("{what:?}"),
        },
        other => ImageInputError::corrupt(other),
    }
}

/// jpeg-decoder with its IDCT scaled by `1/scale`.
fn reduced(bytes: &[u8], channels: Channels, scale: u32) -> Result<DecodedJpeg, ImageInputError> {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().map_err(jpeg_decoder_refusal)?;
    let info = decoder
        .info()
        .ok_or_else(|| ImageInputError::corrupt("no frame header"))?;
    let wanted = (
        u16::try_from(u32::from(info.width).div_ceil(scale)).unwrap_or(u16::MAX),
        u16::try_from(u32::from(info.height).div_ceil(scale)).unwrap_or(u16::MAX),
    );
    let (width, height) = decoder
        .scale(wanted.0, wanted.1)
        .map_err(jpeg_decoder_refusal)?;
    decoder.set_max_decoding_buffer_size(super::budget::DECODE_BUDGET_BYTES as usize);
    let orientation = orientation_of(decoder.exif_data());
    let raw = decoder.decode().map_err(jpeg_decoder_refusal)?;
    let (width, height) = (u32::from(width), u32::from(height));
    let rgb = |raw: Vec<u8>| RgbImage::from_raw(width, height, raw);
    let image = match (info.pixel_format, channels) {
        (jpeg_decoder::PixelFormat::L8, _) => {
            GrayImage::from_raw(width, height, raw).map(DynamicImage::ImageLuma8)
        }
        (jpeg_decoder::PixelFormat::RGB24, _) => rgb(raw).map(DynamicImage::ImageRgb8),
        (jpeg_decoder::PixelFormat::CMYK32, _) => rgb(raw
            .chunks_exact(4)
            .flat_map(|p| {
                let k = u32::from(255 - p[3]);
                [p[0], p[1], p[2]].map(|c| (u32::from(255 - c) * k / 255) as u8)
            })
            .collect())
        .map(DynamicImage::ImageRgb8),
        (jpeg_decoder::PixelFormat::L16, _) => {
            GrayImage::from_raw(width, height, raw.chunks_exact(2).map(|p| p[0]).collect())
                .map(DynamicImage::ImageLuma8)
        }
    }
    .ok_or_else(|| ImageInputError::corrupt("fewer pixels than the frame declares"))?;
    let image = match channels {
        Channels::Luma => DynamicImage::ImageLuma8(image.into_luma8()),
        Channels::Rgb => DynamicImage::ImageRgb8(image.into_rgb8()),
    };
    Ok(DecodedJpeg {
        image,
        scale,
        orientation,
    })
}

fn jpeg_decoder_refusal(e: jpeg_decoder::Error) -> ImageInputError {
    match e {
        jpeg_decoder::Error::Unsupported(what) => ImageInputError::UnsupportedJpeg {
            detail: format!("{what:?}"),
        },
        other => ImageInputError::corrupt(other),
    }
}

/// The JPEG without its private metadata segments (APP1 EXIF/XMP, APP13
/// IPTC, the other application segments and comments), keeping the JFIF,
/// ICC colour profile and Adobe colour-transform segments and everything
/// from the start of scan on.
pub(crate) fn strip_metadata(bytes: &[u8], layout: &Layout) -> Vec<u8> {
    const APP0: u8 = 0xE0;
    const APP2: u8 = 0xE2;
    const APP14: u8 = 0xEE;
    const COM: u8 = 0xFE;
    let mut out = vec![0xFF, SOI];
    for segment in &layout.segments {
        let private = (0xE0..=0xEF).contains(&segment.marker)
            && ![APP0, APP2, APP14].contains(&segment.marker)
            || segment.marker == COM;
        if !private {
            out.extend_from_slice(&bytes[segment.span.clone()]);
        }
    }
    out.extend_from_slice(&bytes[layout.first_scan..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GenericImageView;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 7) as u8, (y * 5) as u8, ((x + y) * 3) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
            .encode_image(&img)
            .unwrap();
        out
    }

    #[test]
    fn the_layout_tells_size_sampling_and_whether_the_file_is_whole() {
        let bytes = jpeg(300, 200);
        let whole = layout(&bytes).unwrap();
        assert_eq!((whole.width, whole.height), (300, 200));
        assert!(!whole.progressive && whole.complete);
        assert!(whole.samples_per_pixel >= 1.5 && whole.samples_per_pixel <= 3.0);
        for keep in [0.1, 0.5, 0.9, 0.999] {
            let cut = &bytes[..(bytes.len() as f64 * keep) as usize];
            assert!(
                layout_or_cut(cut),
                "a file cut to {keep} is not whole (or not even a JPEG)"
            );
        }
        assert!(layout(b"not a jpeg").is_none());
    }

    fn layout_or_cut(cut: &[u8]) -> bool {
        layout(cut).is_none_or(|l| !l.complete)
    }

    #[test]
    fn reduced_decoding_scales_the_picture_and_keeps_its_content() {
        let bytes = jpeg(640, 480);
        let full = full_size(&bytes, Channels::Rgb).unwrap();
        let quarter = reduced(&bytes, Channels::Rgb, 4).unwrap();
        assert_eq!(quarter.image.dimensions(), (160, 120));
        assert_eq!(quarter.scale, 4);
        // The reduced picture is the full one, averaged.
        let (a, b) = (full.image.to_rgb8(), quarter.image.to_rgb8());
        let p = a.get_pixel(322, 242);
        let q = b.get_pixel(80, 60);
        for c in 0..3 {
            assert!(
                (i32::from(p[c]) - i32::from(q[c])).abs() < 24,
                "{p:?} {q:?}"
            );
        }
        let grey = reduced(&bytes, Channels::Luma, 2).unwrap();
        assert!(matches!(grey.image, DynamicImage::ImageLuma8(_)));
    }
}
