//! Several documents on one image, as the filing rules ask for the documents that
//! "must be in the same image" (e.g. the letter of authorisation with the
//! website owner's ID, a name-change certificate with the licence).

use image::{imageops, Rgb, RgbImage};

use super::budget::Channels;
use super::load::decode_upright;
use super::normalise::{encode_to_fit, NormalisedImage};
use super::resize::{resize_rgb, Resample};
use super::ImageInputError;

/// White space around and between the documents, pixels.
const GAP_PX: u32 = 32;
/// Long side of the sheet at most, pixels (each part is scaled down, never
/// up, to fit).
const MAX_SHEET_SIDE: u32 = 4096;

/// Lays the photos (JPEG, PNG, GIF or WebP bytes, each turned upright) on one
/// white sheet, in a row or a column, whichever is closer to a 4:3 page,
/// and encodes it like any upload (metadata-free, within 4 MB).
pub fn compose_documents(photos: &[Vec<u8>]) -> Result<NormalisedImage, ImageInputError> {
    if photos.len() < 2 {
        return Err(ImageInputError::NothingToCompose {
            count: photos.len(),
        });
    }
    // Each part is brought within the sheet's size as soon as it is decoded,
    // so composing many photos holds one full-size decode at a time.
    let parts = photos
        .iter()
        .map(|bytes| {
            decode_upright(bytes, Channels::Rgb).map(|d| within_sheet(d.image.into_rgb8()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    encode_to_fit(lay_out(&parts), false)
}

/// `part`, scaled down (never up) so that its long side is at most
/// [`MAX_SHEET_SIDE`].
fn within_sheet(part: RgbImage) -> RgbImage {
    let long = part.width().max(part.height());
    if long <= MAX_SHEET_SIDE {
        return part;
    }
    let scale =
        |side: u32| ((u64::from(side) * u64::from(MAX_SHEET_SIDE) / u64::from(long)) as u32).max(1);
    let size = (scale(part.width()), scale(part.height()));
    resize_rgb(&part, None, size, Resample::Area)
}

/// The sheet: every part brought to a common height (row) or width
/// (column), the smallest part's, capped by [`MAX_SHEET_SIDE`].
fn lay_out(parts: &[RgbImage]) -> RgbImage {
    let n = parts.len() as u32;
    let shape = |across: bool| -> (u32, Vec<(u32, u32)>) {
        let common = parts
            .iter()
            .map(|p| if across { p.height() } else { p.width() })
            .min()
            .unwrap_or(1);
        let sizes: Vec<(u32, u32)> = parts
            .iter()
            .map(|p| {
                let (w, h) = (p.width() as u64, p.height() as u64);
                if across {
                    ((w * common as u64 / h).max(1) as u32, common)
                } else {
                    (common, (h * common as u64 / w).max(1) as u32)
                }
            })
            .collect();
        (common, sizes)
    };
    let extent = |across: bool, sizes: &[(u32, u32)]| -> (u32, u32) {
        let along: u32 = sizes.iter().map(|s| if across { s.0 } else { s.1 }).sum();
        let common = if across { sizes[0].1 } else { sizes[0].0 };
        let (a, c) = (along + GAP_PX * (n + 1), common + 2 * GAP_PX);
        if across {
            (a, c)
        } else {
            (c, a)
        }
    };
    let off_page = |(w, h): (u32, u32)| {
        ((w.max(h) as f64 / w.min(h) as f64) / (4.0 / 3.0))
            .ln()
            .abs()
    };
    let (_, row) = shape(true);
    let (_, column) = shape(false);
    let across = off_page(extent(true, &row)) <= off_page(extent(false, &column));
    let (_, mut sizes) = shape(across);
    let (w, h) = extent(across, &sizes);
    let fit = (MAX_SHEET_SIDE as f64 / w.max(h) as f64).min(1.0);
    if fit < 1.0 {
        for s in &mut sizes {
            *s = (
                ((s.0 as f64 * fit) as u32).max(1),
                ((s.1 as f64 * fit) as u32).max(1),
            );
        }
    }
    let (w, h) = extent(across, &sizes);
    let mut sheet = RgbImage::from_pixel(w, h, Rgb([255, 255, 255]));
    let mut at = GAP_PX;
    for (part, &(pw, ph)) in parts.iter().zip(&sizes) {
        let scaled = resize_rgb(part, None, (pw, ph), Resample::Linear);
        let (x, y) = if across { (at, GAP_PX) } else { (GAP_PX, at) };
        imageops::replace(&mut sheet, &scaled, x as i64, y as i64);
        at += if across { pw } else { ph } + GAP_PX;
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, ImageFormat};

    fn png(w: u32, h: u32, colour: [u8; 3]) -> Vec<u8> {
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(RgbImage::from_pixel(w, h, Rgb(colour)))
            .write_to(&mut std::io::Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn two_portrait_pages_go_side_by_side_and_landscape_cards_in_a_column() {
        let letter = png(600, 850, [250, 250, 245]);
        let id = png(856, 540, [200, 220, 235]);
        let sheet = compose_documents(&[letter.clone(), letter.clone()]).unwrap();
        assert!(
            sheet.width > sheet.height,
            "{}x{}",
            sheet.width,
            sheet.height
        );
        assert_eq!((sheet.width, sheet.height), (600 * 2 + 3 * 32, 850 + 64));
        let cards = compose_documents(&[id.clone(), id.clone()]).unwrap();
        assert_eq!((cards.width, cards.height), (856 + 64, 540 * 2 + 3 * 32));
        // Both documents are on the sheet: the card's tint shows in it.
        let decoded = image::load_from_memory(&cards.bytes).unwrap().to_rgb8();
        let tinted = decoded.get_pixel(400, 300).0;
        assert!(tinted[2] > tinted[0] + 20, "{tinted:?}");
        assert!(cards.bytes.len() <= crate::imaging::MAX_UPLOAD_BYTES);
    }

    #[test]
    fn refusals() {
        assert_eq!(
            compose_documents(&[png(10, 10, [0, 0, 0])]),
            Err(ImageInputError::NothingToCompose { count: 1 })
        );
        assert!(matches!(
            compose_documents(&[png(10, 10, [0, 0, 0]), b"not an image".to_vec()]),
            Err(ImageInputError::UnsupportedFormat { .. })
        ));
        // A huge sheet is scaled down to the sheet limit, not refused.
        let wide = png(3000, 400, [10, 10, 10]);
        let sheet = compose_documents(&[wide.clone(), wide.clone(), wide]).unwrap();
        assert!(sheet.width.max(sheet.height) <= MAX_SHEET_SIDE);
    }
}
