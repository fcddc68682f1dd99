//! Decoding with limits: the format judged by content, the memory a decode
//! would take estimated from the header before any pixel is allocated
//! ([`super::budget`]), large JPEGs read at a reduced DCT scale, cut files
//! refused, every result upright and in 8-bit grey or RGB.

use std::io::{Cursor, Read};
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::budget::{fits, peak, Channels, DECODE_BUDGET_BYTES};
use super::error::ReadProblem;
use super::jpeg;
use super::ImageInputError;

/// Largest file read into memory, in bytes (a 108 MP JPEG is ~40 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest accepted width or height, in pixels (a 200 MP sensor is 16 320 wide).
pub const MAX_SIDE_PX: u32 = 16_384;

/// The file formats read: those the filing system accepts (.jpg, .jpeg,
/// .png, .gif) and WebP, which Android screenshots and chat apps save (it
/// is uploaded as PNG, or as JPEG when that does not fit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptedFormat {
    /// JPEG (.jpg, .jpeg).
    Jpeg,
    /// PNG.
    Png,
    /// GIF (first frame).
    Gif,
    /// WebP, lossy or lossless (first frame).
    WebP,
}

/// The accepted format of `bytes`, judged from their magic numbers.
pub fn sniff_format(bytes: &[u8]) -> Result<AcceptedFormat, ImageInputError> {
    if let Some(format) = platform_format(bytes) {
        return Err(ImageInputError::ConvertOnDevice {
            format: format.into(),
        });
    }
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(AcceptedFormat::Jpeg),
        Ok(ImageFormat::Png) => Ok(AcceptedFormat::Png),
        Ok(ImageFormat::Gif) => Ok(AcceptedFormat::Gif),
        Ok(ImageFormat::WebP) => Ok(AcceptedFormat::WebP),
        Ok(other) => Err(ImageInputError::UnsupportedFormat {
            format: Some(format_name(other)),
        }),
        Err(_) => Err(ImageInputError::UnsupportedFormat { format: None }),
    }
}

/// HEIC/HEIF or AVIF (an ISO base media file whose `ftyp` box names one of
/// their brands): the phones' own photo formats, which the platform
/// converts to JPEG and no well-kept pure-Rust decoder reads.
fn platform_format(bytes: &[u8]) -> Option<&'static str> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    let size = u32::from_be_bytes(bytes.get(0..4)?.try_into().ok()?) as usize;
    let ftyp = bytes.get(8..size.clamp(16, 256).min(bytes.len()))?;
    // The major brand, then the compatible brands (the minor version, at
    // 4..8, is not a brand).
    let brands = std::iter::once(&ftyp[..4.min(ftyp.len())])
        .chain(ftyp.get(8..).unwrap_or_default().chunks_exact(4));
    let mut found = None;
    for brand in brands {
        match brand {
            b"avif" | b"avis" => return Some("AVIF"),
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"hevm" | b"hevs"
            | b"mif1" | b"msf1" => found = Some("HEIC"),
            _ => {}
        }
    }
    found
}

/// A format's usual name (`WebP`, `BMP`, `TIFF`, …).
fn format_name(format: ImageFormat) -> String {
    match format {
        ImageFormat::WebP => "WebP".into(),
        ImageFormat::Avif => "AVIF".into(),
        ImageFormat::OpenExr => "OpenEXR".into(),
        ImageFormat::Farbfeld => "Farbfeld".into(),
        other => format!("{other:?}").to_ascii_uppercase(),
    }
}

/// Decodes a JPEG, PNG, GIF or WebP held in memory into upright RGB (transparent
/// areas on white), within [`DECODE_BUDGET_BYTES`].
pub fn decode_image(bytes: &[u8]) -> Result<DynamicImage, ImageInputError> {
    Ok(decode_upright(bytes, Channels::Rgb)?.image)
}

/// An image decoded by [`decode_upright`].
pub struct Decoded {
    /// The pixels, upright: `Luma8` or `Rgb8` as asked.
    pub image: DynamicImage,
    /// The file's format, by content.
    pub format: AcceptedFormat,
    /// Whether an EXIF orientation other than "normal" was applied.
    pub reoriented: bool,
    /// 1 when decoded at full size; 2, 4 or 8 when a JPEG too large for the
    /// budget was decoded at that reduced DCT scale.
    pub scale: u32,
}

/// Decodes `bytes` upright into grey or RGB, refusing before allocation
/// anything whose decode would exceed the budget (a JPEG is first tried at
/// a reduced scale), and files that are cut short.
pub fn decode_upright(bytes: &[u8], channels: Channels) -> Result<Decoded, ImageInputError> {
    let format = sniff_format(bytes)?;
    let (image, orientation, scale) = match format {
        AcceptedFormat::Jpeg => {
            let layout = jpeg::layout(bytes).ok_or_else(|| {
                ImageInputError::corrupt("the JPEG's markers are damaged or cut short")
            })?;
            let decoded = jpeg::decode(bytes, &layout, channels)?;
            (decoded.image, decoded.orientation, decoded.scale)
        }
        AcceptedFormat::Png | AcceptedFormat::Gif | AcceptedFormat::WebP => {
            let (image, orientation) = decode_with_image(bytes, format, channels)?;
            (image, orientation, 1)
        }
    };
    let mut image = image;
    image.apply_orientation(orientation);
    Ok(Decoded {
        image,
        format,
        reoriented: orientation != Orientation::NoTransforms,
        scale,
    })
}

/// PNG, GIF and WebP through the `image` crate's decoders, after the peak is
/// estimated from the declared size: the decoded pixels (GIF: the whole
/// screen as RGBA), the conversion to grey or RGB; the decoder's own
/// allocations (a GIF frame larger than its screen) are held to what is
/// left of the budget.
fn decode_with_image(
    bytes: &[u8],
    format: AcceptedFormat,
    channels: Channels,
) -> Result<(DynamicImage, Orientation), ImageInputError> {
    let image_format = match format {
        AcceptedFormat::Png => ImageFormat::Png,
        AcceptedFormat::Gif => ImageFormat::Gif,
        AcceptedFormat::WebP => ImageFormat::WebP,
        AcceptedFormat::Jpeg => ImageFormat::Jpeg,
    };
    let reader = ImageReader::with_format(Cursor::new(bytes), image_format);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(e, (0, 0, 0.0)))?;
    let (width, height) = decoder.dimensions();
    let decoded = decoder.total_bytes();
    let pixels = (u64::from(width) * u64::from(height)).max(1);
    let per_pixel = decoded as f64 / pixels as f64;
    let cost = per_pixel + per_pixel.max(channels.bytes() as f64);
    let size = (width, height, cost);
    if width > MAX_SIDE_PX || height > MAX_SIDE_PX {
        return Err(ImageInputError::too_large(width, height, cost));
    }
    let kept = pixels * channels.bytes();
    let needed = peak(bytes.len() as u64, 0, decoded, kept);
    if !fits(needed) {
        return Err(ImageInputError::too_large(width, height, cost));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(DECODE_BUDGET_BYTES - needed);
    decoder.set_limits(limits).map_err(|e| refusal(e, size))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| refusal(e, size))?;
    let image = match channels {
        Channels::Rgb => DynamicImage::ImageRgb8(flatten_on_white(image)),
        Channels::Luma => {
            DynamicImage::ImageLuma8(DynamicImage::ImageRgb8(flatten_on_white(image)).into_luma8())
        }
    };
    Ok((image, orientation))
}

/// RGB pixels, transparent areas composed onto white (documents on paper,
/// codes on a transparent background).
fn flatten_on_white(image: DynamicImage) -> image::RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((c as u32 * a as u32 + 255 * (255 - a as u32) + 127) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// Maps a decoder failure to the refusal the user sees; `size` is the
/// picture's declared (width, height, peak bytes per pixel).
fn refusal(e: image::ImageError, (width, height, cost): (u32, u32, f64)) -> ImageInputError {
    match e {
        image::ImageError::Limits(_) => ImageInputError::too_large(width, height, cost),
        other => ImageInputError::corrupt(other),
    }
}

/// The bytes of a file of at most [`MAX_FILE_BYTES`].
pub fn read_file_bytes(path: &Path) -> Result<Vec<u8>, ImageInputError> {
    let io = |e: std::io::Error| ImageInputError::Io {
        problem: ReadProblem::of(&e),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if file.metadata().map_err(io)?.is_dir() {
        return Err(ImageInputError::Io {
            problem: ReadProblem::IsFolder,
        });
    }
    let too_large = |size: u64| ImageInputError::FileTooLarge {
        size_mb: size.div_ceil(1024 * 1024),
        max_mb: MAX_FILE_BYTES / (1024 * 1024),
    };
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads and decodes an image file into upright RGB (at most
/// [`MAX_FILE_BYTES`], within the decode budget).
pub fn read_image_file(path: &Path) -> Result<DynamicImage, ImageInputError> {
    decode_image(&read_file_bytes(path)?)
}

/// Reads and decodes an image file into upright grey (the QR scanner's
/// input: a third of the memory of RGB).
pub fn read_luma_file(path: &Path) -> Result<image::GrayImage, ImageInputError> {
    Ok(decode_upright(&read_file_bytes(path)?, Channels::Luma)?
        .image
        .into_luma8())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, RgbImage};

    fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), format).unwrap();
        out
    }

    fn sample() -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([x as u8 * 4, y as u8 * 5, 90])
        }))
    }

    #[test]
    fn decodes_accepted_formats_by_content() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Gif] {
            let bytes = encode(&sample(), format);
            let img = decode_image(&bytes).unwrap();
            assert_eq!((img.width(), img.height()), (64, 48), "{format:?}");
            assert!(matches!(img, DynamicImage::ImageRgb8(_)), "{format:?}");
            let grey = decode_upright(&bytes, Channels::Luma).unwrap();
            assert!(
                matches!(grey.image, DynamicImage::ImageLuma8(_)),
                "{format:?}"
            );
        }
    }

    #[test]
    fn transparent_areas_become_white() {
        let clear = DynamicImage::ImageRgba8(image::RgbaImage::new(8, 8));
        let img = decode_image(&encode(&clear, ImageFormat::Png)).unwrap();
        assert!(img.to_rgb8().pixels().all(|p| p.0 == [255, 255, 255]));
    }

    #[test]
    fn refuses_other_formats_and_non_images() {
        let bmp = b"BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00";
        assert!(
            matches!(decode_image(bmp), Err(ImageInputError::UnsupportedFormat { format: Some(format) }) if format == "BMP")
        );
        // WebP is read; a cut one is damaged, not unsupported.
        let webp = b"RIFF\x24\x00\x00\x00WEBPVP8 ";
        assert!(matches!(
            decode_image(webp),
            Err(ImageInputError::Corrupt { .. })
        ));
        let heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic";
        assert_eq!(
            decode_image(heic).unwrap_err(),
            ImageInputError::ConvertOnDevice {
                format: "HEIC".into()
            }
        );
        assert!(matches!(
            decode_image(b"%PDF-1.7 not an image"),
            Err(ImageInputError::UnsupportedFormat { .. })
        ));
        assert!(matches!(
            decode_image(&[]),
            Err(ImageInputError::UnsupportedFormat { .. })
        ));
    }

    #[test]
    fn truncated_files_are_corrupt() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Gif] {
            let bytes = encode(&sample(), format);
            for keep in [0.1, 0.5, 0.9] {
                let cut = &bytes[..(bytes.len() as f64 * keep) as usize];
                assert!(
                    matches!(decode_image(cut), Err(ImageInputError::Corrupt { .. })),
                    "{format:?} cut to {keep}"
                );
            }
        }
    }

    #[test]
    fn decompression_bomb_is_refused_before_allocation() {
        // A tiny PNG declaring 16 000 × 16 000 pixels: within the side
        // limit, far beyond the memory budget.
        let small = encode(
            &DynamicImage::ImageLuma8(GrayImage::new(1, 1)),
            ImageFormat::Png,
        );
        let mut bomb = small.clone();
        // IHDR width/height live at bytes 16..24; patch them and fix the CRC.
        bomb[16..20].copy_from_slice(&16_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&16_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(
            decode_image(&bomb),
            Err(ImageInputError::TooLarge { .. })
        ));
    }

    #[test]
    fn missing_file_is_io_error() {
        assert!(matches!(
            read_image_file(Path::new("/nonexistent/photo.jpg")),
            Err(ImageInputError::Io {
                problem: ReadProblem::NotFound
            })
        ));
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
