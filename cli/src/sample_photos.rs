//! Photos the demo draws for itself (no third-party photo is shipped): a
//! document on a table, in colour, with print, and a red seal when the
//! document needs one; and an administrator scene on the blue backdrop.

use image::{DynamicImage, Rgb, RgbImage};

/// A 2000 × 1500 photo of a document sheet on a wooden table: a coloured
/// header band, lines of print, and a red seal ring when `sealed`.
pub fn document(seed: u32, sealed: bool) -> DynamicImage {
    let (x0, y0, w, h) = (150i64, 120i64, 1700i64, 1200i64);
    DynamicImage::ImageRgb8(RgbImage::from_fn(2000, 1500, |x, y| {
        let (dx, dy) = (x as i64 - x0, y as i64 - y0);
        if dx < 0 || dy < 0 || dx >= w || dy >= h {
            let grain = ((x / 7 + y / 3 + seed) % 11) as u8;
            return Rgb([88 + grain, 58 + grain / 2, 36]);
        }
        let r2 = (dx - 1350).pow(2) + (dy - 900).pow(2);
        if dy < 140 {
            Rgb([30, 110, 200])
        } else if sealed && (125 * 125..140 * 140).contains(&r2) {
            Rgb([215, 40, 45])
        } else if (dy / 7) % 4 == 0 && dx > 100 && dx < 1100 && ((dx + seed as i64) / 10) % 3 != 0 {
            Rgb([35, 35, 40])
        } else {
            Rgb([236, 232, 222])
        }
    }))
}

/// A 960 × 1280 scene on the blue backdrop with light characters and a dark
/// figure, but no real face: the checks say so, as they would to the user.
pub fn backdrop_scene() -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(960, 1280, |x, y| {
        let (dx, dy) = (x as i64 - 480, y as i64 - 560);
        if dx * dx * 4 + dy * dy < 230 * 230 || (y > 760 && (x as i64 - 480).abs() < 330) {
            Rgb([40, 40, 44])
        } else if (x / 12 + y / 12) % 9 == 0 && (y / 60) % 2 == 0 {
            Rgb([240, 242, 248])
        } else {
            Rgb([18, 92, 186])
        }
    }))
}

/// `image` as a PNG file's bytes.
pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encoding a PNG in memory");
    bytes.into_inner()
}
