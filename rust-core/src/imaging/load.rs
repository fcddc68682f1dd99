//! Decoding with limits.

use std::io::{Cursor, Read};
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::ImageInputError;

/// Largest file read into memory, in bytes (a 50 MP JPEG is ~25 MB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Largest accepted width or height, in pixels (a 200 MP sensor is 16 320 wide).
pub const MAX_SIDE_PX: u32 = 16_384;
/// Largest decoder allocation, in bytes: a 50 MP RGB image plus headroom.
const MAX_ALLOC_BYTES: u64 = 384 * 1024 * 1024;

/// The file formats the filing system accepts (seed: .jpg, .jpeg, .png, .gif).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptedFormat {
    /// JPEG (.jpg, .jpeg).
    Jpeg,
    /// PNG.
    Png,
    /// GIF (first frame).
    Gif,
}

impl AcceptedFormat {
    fn image_format(self) -> ImageFormat {
        match self {
            AcceptedFormat::Jpeg => ImageFormat::Jpeg,
            AcceptedFormat::Png => ImageFormat::Png,
            AcceptedFormat::Gif => ImageFormat::Gif,
        }
    }
}

/// The accepted format of `bytes`, judged from their magic numbers.
pub fn sniff_format(bytes: &[u8]) -> Result<AcceptedFormat, ImageInputError> {
    match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => Ok(AcceptedFormat::Jpeg),
        Ok(ImageFormat::Png) => Ok(AcceptedFormat::Png),
        Ok(ImageFormat::Gif) => Ok(AcceptedFormat::Gif),
        Ok(other) => Err(ImageInputError::UnsupportedFormat(format!("{other:?}"))),
        Err(_) => Err(ImageInputError::UnsupportedFormat("not an image".into())),
    }
}

/// Decodes a JPEG, PNG or GIF held in memory, upright (its EXIF orientation
/// applied), refusing anything over the size limits before the pixels are
/// allocated.
pub fn decode_image(bytes: &[u8]) -> Result<DynamicImage, ImageInputError> {
    Ok(decode_upright(bytes)?.image)
}

/// An image decoded by [`decode_upright`].
pub struct Decoded {
    /// The pixels, upright.
    pub image: DynamicImage,
    /// The file's format, by content.
    pub format: AcceptedFormat,
    /// Whether an EXIF orientation other than "normal" was applied.
    pub reoriented: bool,
}

/// Like [`decode_image`], also telling the format and whether the image had
/// to be turned upright.
pub fn decode_upright(bytes: &[u8]) -> Result<Decoded, ImageInputError> {
    let format = sniff_format(bytes)?;
    let reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_ALLOC_BYTES);
    let mut decoder = reader.into_decoder().map_err(refusal)?;
    decoder.set_limits(limits).map_err(refusal)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    image.apply_orientation(orientation);
    Ok(Decoded {
        image,
        format,
        reoriented: orientation != Orientation::NoTransforms,
    })
}

/// Maps a decoder failure to the refusal the user sees.
fn refusal(e: image::ImageError) -> ImageInputError {
    match e {
        image::ImageError::Limits(l) => ImageInputError::TooLarge(l.to_string()),
        image::ImageError::Unsupported(u) => ImageInputError::UnsupportedFormat(u.to_string()),
        image::ImageError::IoError(io) => ImageInputError::Corrupt(io.to_string()),
        other => ImageInputError::Corrupt(other.to_string()),
    }
}

/// Reads and decodes an image file (at most [`MAX_FILE_BYTES`]).
pub fn read_image_file(path: &Path) -> Result<DynamicImage, ImageInputError> {
    let file = std::fs::File::open(path).map_err(|e| ImageInputError::Io(e.kind().to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ImageInputError::Io(e.kind().to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImageInputError::TooLarge(format!(
            "file larger than {} MB",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    decode_image(&bytes)
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
        }
    }

    #[test]
    fn refuses_other_formats_and_non_images() {
        let bmp = b"BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00";
        assert!(
            matches!(decode_image(bmp), Err(ImageInputError::UnsupportedFormat(f)) if f == "Bmp")
        );
        let webp = b"RIFF\x24\x00\x00\x00WEBPVP8 ";
        assert!(
            matches!(decode_image(webp), Err(ImageInputError::UnsupportedFormat(f)) if f == "WebP")
        );
        assert!(matches!(
            decode_image(b"%PDF-1.7 not an image"),
            Err(ImageInputError::UnsupportedFormat(_))
        ));
        assert!(matches!(
            decode_image(&[]),
            Err(ImageInputError::UnsupportedFormat(_))
        ));
    }

    #[test]
    fn truncated_files_are_corrupt() {
        for format in [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Gif] {
            let bytes = encode(&sample(), format);
            let cut = &bytes[..bytes.len() / 2];
            assert!(
                matches!(decode_image(cut), Err(ImageInputError::Corrupt(_))),
                "{format:?}"
            );
        }
    }

    #[test]
    fn decompression_bomb_is_refused_before_allocation() {
        // A tiny PNG declaring 20 000 × 20 000 pixels.
        let small = encode(
            &DynamicImage::ImageLuma8(GrayImage::new(1, 1)),
            ImageFormat::Png,
        );
        let mut bomb = small.clone();
        // IHDR width/height live at bytes 16..24; patch them and fix the CRC.
        bomb[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(
            decode_image(&bomb),
            Err(ImageInputError::TooLarge(_))
        ));
    }

    #[test]
    fn missing_file_is_io_error() {
        assert!(matches!(
            read_image_file(Path::new("/nonexistent/photo.jpg")),
            Err(ImageInputError::Io(_))
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
