//! Upload normalisation: EXIF orientation applied, private metadata gone,
//! every result within 4 MB at the best quality that fits, bad files refused.

use std::io::Cursor;

use icp_companion_core::imaging::{
    decode_image, normalise_for_upload, ImageInputError, UploadFormat, MAX_UPLOAD_BYTES,
};
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// A little-endian EXIF APP1 segment: orientation plus a GPS block and a
/// camera model, the private data normalisation must drop.
fn exif_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut e = Vec::new();
        e.extend_from_slice(&tag.to_le_bytes());
        e.extend_from_slice(&kind.to_le_bytes());
        e.extend_from_slice(&count.to_le_bytes());
        e.extend_from_slice(&value.to_le_bytes());
        e
    };
    // IFD0 at 8: 3 entries (2 + 3×12 + 4 = 42 bytes) → data from 50.
    let model_at = 50u32;
    let gps_at = model_at + 16;
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend(entry(0x0110, 2, 16, model_at)); // Model
    tiff.extend(entry(0x0112, 3, 1, orientation as u32)); // Orientation
    tiff.extend(entry(0x8825, 4, 1, gps_at)); // GPS IFD pointer
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"SecretPhone-X1\0\0");
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"))); // GPSLatitudeRef
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((tiff.len() + 8) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend(tiff);
    seg
}

fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend(exif_segment(orientation));
    out.extend_from_slice(&jpeg[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A photo-like image: smooth gradients, edges and some noise.
fn photo(w: u32, h: u32, noise: u32) -> RgbImage {
    let mut state = 0x1234_5678u32;
    RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % (2 * noise + 1)) as i32 - noise as i32;
        let band = if (x / 97 + y / 61) % 2 == 0 { 40 } else { 0 };
        let c = |base: i32| (base + band + n).clamp(0, 255) as u8;
        image::Rgb([c((x * 255 / w) as i32), c((y * 255 / h) as i32), c(128)])
    })
}

#[test]
fn exif_orientation_is_applied_and_private_metadata_dropped() {
    // A 60 × 40 landscape image whose left column is red; orientation 6
    // (rotate 90° clockwise) makes it 40 × 60 with red along the top.
    let img = RgbImage::from_fn(60, 40, |x, _| {
        if x < 6 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([240, 240, 240])
        }
    });
    let jpeg = with_exif(&encode(&DynamicImage::ImageRgb8(img), ImageFormat::Jpeg), 6);
    assert!(contains(&jpeg, b"SecretPhone-X1"));
    let out = normalise_for_upload(&jpeg).unwrap();
    assert!(out.reoriented && !out.downscaled);
    assert_eq!(
        (out.width, out.height, out.format),
        (40, 60, UploadFormat::Jpeg)
    );
    assert_eq!(out.jpeg_quality, Some(92));
    for secret in [&b"Exif"[..], b"SecretPhone-X1", b"GPS"] {
        assert!(
            !contains(&out.bytes, secret),
            "{:?} left in the output",
            String::from_utf8_lossy(secret)
        );
    }
    let back = decode_image(&out.bytes).unwrap().into_rgb8();
    let top = back.get_pixel(20, 1).0;
    let bottom = back.get_pixel(20, 58).0;
    assert!(
        top[0] > 150 && top[1] < 100,
        "red on top after rotation: {top:?}"
    );
    assert!(bottom[1] > 200, "{bottom:?}");
}

#[test]
fn an_upright_jpeg_that_fits_loses_its_metadata_but_not_its_pixels() {
    let original = encode(
        &DynamicImage::ImageRgb8(photo(320, 240, 20)),
        ImageFormat::Jpeg,
    );
    let mut tagged = with_exif(&original, 1);
    // A comment segment after the EXIF one.
    let comment = b"owner: Zhang San, ID 310101199001011234";
    let at = 2 + exif_segment(1).len();
    let mut com = vec![0xFF, 0xFE];
    com.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    com.extend_from_slice(comment);
    tagged.splice(at..at, com);
    let out = normalise_for_upload(&tagged).unwrap();
    assert_eq!(
        (out.format, out.jpeg_quality, out.reoriented),
        (UploadFormat::Jpeg, None, false)
    );
    for secret in [&b"Exif"[..], b"SecretPhone-X1", b"Zhang San"] {
        assert!(!contains(&out.bytes, secret));
    }
    assert!(out.bytes.len() < tagged.len());
    assert_eq!(
        decode_image(&out.bytes).unwrap(),
        decode_image(&original).unwrap(),
        "pixels untouched"
    );
}

#[test]
fn a_large_photo_is_fitted_under_4_mb_instead_of_refused() {
    let mut state = 0x9e37_79b9u32;
    let noise = RgbImage::from_fn(4000, 3000, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let big = encode(&DynamicImage::ImageRgb8(noise), ImageFormat::Png);
    assert!(big.len() > MAX_UPLOAD_BYTES);
    let out = normalise_for_upload(&big).unwrap();
    assert!(out.bytes.len() <= MAX_UPLOAD_BYTES, "{}", out.bytes.len());
    assert_eq!(out.format, UploadFormat::Jpeg);
    // Pure sensor noise does not fit even at quality 70: scaled, not refused.
    assert!(
        out.downscaled && out.width < 4000,
        "{}×{} q{:?}",
        out.width,
        out.height,
        out.jpeg_quality
    );
    assert!(
        out.bytes.len() > MAX_UPLOAD_BYTES / 2,
        "not shrunk further than needed"
    );
    let back = decode_image(&out.bytes).unwrap();
    assert_eq!((back.width(), back.height()), (out.width, out.height));
    let aspect = out.width as f64 / out.height as f64;
    assert!(
        (aspect - 4.0 / 3.0).abs() < 0.01,
        "aspect kept: {}×{}",
        out.width,
        out.height
    );
}

#[test]
fn small_png_stays_png_and_transparency_lands_on_white() {
    let png = encode(
        &DynamicImage::ImageRgb8(photo(200, 100, 4)),
        ImageFormat::Png,
    );
    let out = normalise_for_upload(&png).unwrap();
    assert_eq!((out.format, out.jpeg_quality), (UploadFormat::Png, None));
    assert_eq!((out.width, out.height), (200, 100));

    // A transparent noisy PNG too big for 4 MB becomes a JPEG on white.
    let mut rgba = RgbaImage::new(2200, 2200);
    let noisy = photo(2200, 2200, 120);
    for (x, y, p) in rgba.enumerate_pixels_mut() {
        let [r, g, b] = noisy.get_pixel(x, y).0;
        *p = image::Rgba([r, g, b, if x < 100 { 0 } else { 255 }]);
    }
    let png = encode(&DynamicImage::ImageRgba8(rgba), ImageFormat::Png);
    assert!(png.len() > MAX_UPLOAD_BYTES);
    let out = normalise_for_upload(&png).unwrap();
    assert_eq!(out.format, UploadFormat::Jpeg);
    let back = decode_image(&out.bytes).unwrap().into_rgb8();
    let corner = back.get_pixel(2, back.height() / 2).0;
    assert!(
        corner.iter().all(|&c| c > 235),
        "transparent area on white: {corner:?}"
    );
}

#[test]
fn bad_files_get_distinct_errors() {
    let jpeg = encode(
        &DynamicImage::ImageRgb8(photo(64, 64, 10)),
        ImageFormat::Jpeg,
    );
    assert!(matches!(
        normalise_for_upload(&jpeg[..jpeg.len() / 3]),
        Err(ImageInputError::Corrupt { .. })
    ));
    assert!(matches!(
        normalise_for_upload(b"BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00"),
        Err(ImageInputError::UnsupportedFormat { .. })
    ));
    assert!(matches!(
        normalise_for_upload(b""),
        Err(ImageInputError::UnsupportedFormat { .. })
    ));
    // A JPEG header declaring 60 000 × 60 000 pixels.
    let mut bomb = jpeg.clone();
    let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bomb[sof + 5..sof + 7].copy_from_slice(&60_000u16.to_be_bytes());
    bomb[sof + 7..sof + 9].copy_from_slice(&60_000u16.to_be_bytes());
    assert!(matches!(
        normalise_for_upload(&bomb),
        Err(ImageInputError::TooLarge { .. })
    ));
}
