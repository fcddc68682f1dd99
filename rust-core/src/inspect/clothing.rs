//! The clothing rule: the administrator must not wear red or blue. The
//! clothing below the face is classified pixel by pixel, leaving out skin
//! and, beside the chest, the backdrop showing between arm and body.

use image::{Rgb, RgbImage};

use super::backdrop::median;
use super::colour::{distance, is_blue, is_red};
use super::silhouette::Silhouette;

/// Shares of the visible clothing that are red and blue.
#[derive(Debug, Clone, PartialEq)]
pub struct ClothingMeasure {
    /// Red share of the clothing pixels, 0–1.
    pub red_share: f64,
    /// Blue share of the clothing pixels, 0–1.
    pub blue_share: f64,
    /// Clothing pixels classified; none when the photo ends at the chin.
    pub pixels: u64,
    /// The area looked at, working pixels (left, top, right, bottom).
    pub area: (u32, u32, u32, u32),
}

/// A pixel this close (RGB distance) to the face's own colour is skin; this
/// close to the background's typical colour, background.
const SAME_COLOUR: f64 = 48.0;

/// Classifies the clothing of `person` in `rgb`. Skin is left out; so is,
/// beside the chest (where it may show between arm and body), what has the
/// backdrop's colour (`is_backdrop`) or the background's typical colour.
/// Over the chest the backdrop cannot show: a shirt of its blue is blue.
pub fn measure_clothing(
    rgb: &RgbImage,
    person: &Silhouette,
    skin: Rgb<u8>,
    background: Rgb<u8>,
    is_backdrop: fn(Rgb<u8>) -> bool,
) -> ClothingMeasure {
    let (w, h) = rgb.dimensions();
    let (l, t, r, b) = person.clothing_area();
    let clamp = |v: f64, max: u32| (v.max(0.0) as u32).min(max);
    let area = (clamp(l, w), clamp(t, h), clamp(r, w), clamp(b, h));
    let (mut pixels, mut red, mut blue) = (0u64, 0u64, 0u64);
    for y in area.1..area.3 {
        for x in area.0..area.2 {
            let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
            if !person.contains(fx, fy) {
                continue;
            }
            let p = *rgb.get_pixel(x, y);
            let backdrop = is_backdrop(p) || distance(p, background) < SAME_COLOUR;
            if distance(p, skin) < SAME_COLOUR || (!person.is_chest(fx) && backdrop) {
                continue;
            }
            pixels += 1;
            red += is_red(p) as u64;
            blue += is_blue(p) as u64;
        }
    }
    let share = |n: u64| {
        if pixels == 0 {
            0.0
        } else {
            n as f64 / pixels as f64
        }
    };
    ClothingMeasure {
        red_share: share(red),
        blue_share: share(blue),
        pixels,
        area,
    }
}

/// The face's typical colour: the per-channel median of the middle of the
/// face box (cheeks and nose, away from hair and background).
pub fn skin_colour(rgb: &RgbImage, face: (f64, f64, f64, f64)) -> Rgb<u8> {
    let (x, y, w, h) = face;
    let mut channels = [Vec::new(), Vec::new(), Vec::new()];
    let (w_img, h_img) = rgb.dimensions();
    let x0 = (x + 0.3 * w).max(0.0) as u32;
    let x1 = ((x + 0.7 * w) as u32).min(w_img);
    let y0 = (y + 0.4 * h).max(0.0) as u32;
    let y1 = ((y + 0.8 * h) as u32).min(h_img);
    for yy in y0..y1 {
        for xx in x0..x1 {
            for (c, v) in channels.iter_mut().zip(rgb.get_pixel(xx, yy).0) {
                c.push(v);
            }
        }
    }
    Rgb(channels.map(median))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::colour::is_white;
    use crate::inspect::face::FaceBox;

    const SKIN: Rgb<u8> = Rgb([205, 160, 135]);
    const BACKDROP: Rgb<u8> = Rgb([10, 90, 185]);

    fn person() -> Silhouette {
        Silhouette::around(
            &FaceBox {
                x: 140,
                y: 120,
                width: 80,
                height: 80,
                score: 20.0,
            },
            1.0,
        )
    }

    /// A person in `shirt` (with a skin-coloured neck) on `backdrop`.
    fn photo(shirt: Rgb<u8>, backdrop: Rgb<u8>) -> RgbImage {
        let who = person();
        RgbImage::from_fn(360, 480, |x, y| {
            let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
            if !who.contains(fx, fy) {
                backdrop
            } else if y < 230 || (y < 250 && (fx - 180.0).abs() < 20.0) {
                SKIN
            } else if (fx - 180.0).abs() > 130.0 {
                // The silhouette is generous: the backdrop shows at its edge.
                backdrop
            } else {
                shirt
            }
        })
    }

    fn measure(img: &RgbImage, is_backdrop: fn(Rgb<u8>) -> bool) -> ClothingMeasure {
        measure_clothing(img, &person(), SKIN, img[(0, 0)], is_backdrop)
    }

    #[test]
    fn shirt_colours_are_told_apart() {
        let black = measure(&photo(Rgb([25, 25, 28]), BACKDROP), is_blue);
        assert!(black.pixels > 10_000, "{black:?}");
        assert_eq!((black.red_share, black.blue_share), (0.0, 0.0));
        let navy = measure(&photo(Rgb([22, 32, 85]), BACKDROP), is_blue);
        assert!(navy.blue_share > 0.3, "{navy:?}");
        let red = measure(&photo(Rgb([190, 25, 35]), BACKDROP), is_blue);
        assert!(red.red_share > 0.9, "{red:?}");
        // A shirt of the backdrop's own blue still counts over the chest.
        let same = measure(&photo(BACKDROP, BACKDROP), is_blue);
        assert!(same.blue_share > 0.9 && same.pixels > 2_000, "{same:?}");
        let white_on_white = measure(&photo(Rgb([235, 235, 235]), Rgb([230, 230, 230])), is_white);
        assert_eq!(white_on_white.blue_share + white_on_white.red_share, 0.0);
    }

    #[test]
    fn the_skin_colour_is_the_faces_middle() {
        let img = RgbImage::from_fn(100, 100, |x, _| if x < 10 { Rgb([0, 0, 0]) } else { SKIN });
        assert_eq!(skin_colour(&img, (0.0, 0.0, 100.0, 100.0)), SKIN);
        assert_eq!(skin_colour(&img, (200.0, 0.0, 10.0, 10.0)), Rgb([0, 0, 0]));
    }
}
