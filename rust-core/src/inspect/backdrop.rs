//! The backdrop rules: the backdrop is the entire background (blue in the
//! backdrop flow, white in the app flow), and on the blue backdrop its
//! Chinese characters are clearly visible.

use image::{Rgb, RgbImage};

use super::colour::{chroma, is_blue, is_white, luma};
use super::silhouette::Silhouette;

/// Which photo the administrator is taking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PhotoFlow {
    /// In front of the blue photo backdrop mailed for the filing, whose
    /// Chinese characters must stay visible.
    Backdrop,
    /// Facial verification in the app, in front of a white backdrop.
    App,
}

/// What the backdrop measures came to.
#[derive(Debug, Clone, PartialEq)]
pub struct BackdropMeasure {
    /// Share of the background (outside the person) that is backdrop, 0–1.
    pub coverage: f64,
    /// Share of the image showing the backdrop's characters clearly, 0–1
    /// (always 0 in the app flow, which has none).
    pub text_share: f64,
    /// Bounding box of the visible characters, working pixels
    /// (left, top, right, bottom), when any are seen.
    pub text_box: Option<(u32, u32, u32, u32)>,
    /// The background's typical colour (per-channel median outside the
    /// people), whatever it is: clothing of that colour beside the chest is
    /// background showing through.
    pub typical: Rgb<u8>,
}

/// Characters count as clearly visible where they are this much brighter
/// (luma) than the blue around them (about a sixth of the range, which a
/// dim but correctly exposed photo still shows) and nearly white (saturation below
/// `TEXT_MAX_SATURATION`); blurred or blown-out strokes fall short of both.
const TEXT_MIN_CONTRAST: f32 = 40.0;
/// See `TEXT_MIN_CONTRAST`.
const TEXT_MAX_SATURATION: f32 = 0.25;
/// Characters are strokes inside the blue: at least this share of a
/// character pixel's neighbourhood is blue (where a bright wall meets the
/// backdrop's edge, only about half is).
const TEXT_MIN_BLUE_AROUND: f64 = 0.55;
/// A pixel belongs to the backdrop when at least this share of its
/// neighbourhood has the backdrop's colour (so the characters printed on
/// the backdrop count as backdrop too).
const BACKDROP_DENSITY: f64 = 0.35;

/// Measures the backdrop in `rgb` around the `people` in it.
pub fn measure_backdrop(rgb: &RgbImage, people: &[Silhouette], flow: PhotoFlow) -> BackdropMeasure {
    let (w, h) = rgb.dimensions();
    let is_colour = match flow {
        PhotoFlow::Backdrop => mask(rgb, is_blue),
        PhotoFlow::App => mask(rgb, is_white),
    };
    let colour = SummedArea::new(w, h, is_colour.iter().map(|&c| c as u32));
    let colour_luma = SummedArea::new(
        w,
        h,
        rgb.pixels()
            .zip(&is_colour)
            .map(|(&p, &c)| if c { luma(p) as u32 } else { 0 }),
    );
    // About a character stroke's spacing on a backdrop filling the frame.
    let radius = (w.max(h) / 50).max(3);
    let is_person = |x: u32, y: u32| {
        let (fx, fy) = (x as f64 + 0.5, y as f64 + 0.5);
        people.iter().any(|person| person.contains(fx, fy))
    };
    // Coverage and the typical colour are shares and medians of the
    // background: every second pixel in each direction measures them.
    let (mut background, mut covered) = (0u64, 0u64);
    let mut channels = [Vec::new(), Vec::new(), Vec::new()];
    for y in (0..h).step_by(2) {
        for x in (0..w).step_by(2) {
            if is_person(x, y) {
                continue;
            }
            background += 1;
            for (c, v) in channels.iter_mut().zip(rgb.get_pixel(x, y).0) {
                c.push(v);
            }
            let (n, count) = colour.window(x, y, radius);
            covered += (count as f64 >= BACKDROP_DENSITY * n as f64) as u64;
        }
    }
    // Characters are thin strokes: every pixel is looked at, the cheap
    // tests first.
    let mut text = 0u64;
    let mut text_box: Option<(u32, u32, u32, u32)> = None;
    if flow == PhotoFlow::Backdrop {
        for (x, y, &p) in rgb.enumerate_pixels() {
            if is_colour[(y * w + x) as usize] || !may_be_text(p) {
                continue;
            }
            let (n, count) = colour.window(x, y, radius);
            if (count as f64) < TEXT_MIN_BLUE_AROUND * n as f64 || is_person(x, y) {
                continue;
            }
            let (_, luma_sum) = colour_luma.window(x, y, radius);
            if luma(p) as f64 >= luma_sum as f64 / count as f64 + TEXT_MIN_CONTRAST as f64 {
                text += 1;
                let b = text_box.get_or_insert((x, y, x, y));
                *b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
            }
        }
    }
    BackdropMeasure {
        coverage: if background == 0 {
            0.0
        } else {
            covered as f64 / background as f64
        },
        text_share: text as f64 / (w as f64 * h as f64).max(1.0),
        text_box,
        typical: Rgb(channels.map(median)),
    }
}

/// Which pixels of `rgb` have the backdrop's colour, row by row (generic,
/// so the colour test is inlined into the loop over every pixel).
fn mask(rgb: &RgbImage, is_colour: impl Fn(Rgb<u8>) -> bool) -> Vec<bool> {
    rgb.pixels().map(|&p| is_colour(p)).collect()
}

/// Whether `p` is bright and pale enough to be a character's stroke at
/// all: luma at least `TEXT_MIN_CONTRAST` and saturation below
/// `TEXT_MAX_SATURATION`, in integers (most pixels stop here).
fn may_be_text(p: Rgb<u8>) -> bool {
    let [r, g, b] = p.0.map(u32::from);
    let max = r.max(g).max(b);
    299 * r + 587 * g + 114 * b >= 1000 * TEXT_MIN_CONTRAST as u32
        && (chroma(p) as f32) < TEXT_MAX_SATURATION * max as f32
}

/// The median of `values` (0 when empty).
pub fn median(values: Vec<u8>) -> u8 {
    // A histogram: linear in the count, where selection was the costliest
    // step of finding a document on a preview frame.
    let mut counts = [0usize; 256];
    for &v in &values {
        counts[v as usize] += 1;
    }
    let mut below = 0;
    for (v, &n) in counts.iter().enumerate() {
        below += n;
        if below > values.len() / 2 {
            return v as u8;
        }
    }
    0
}

/// A summed-area table: any window's sum in constant time.
struct SummedArea {
    width: u32,
    height: u32,
    sums: Vec<u32>,
}

impl SummedArea {
    /// The table of `values`, given row by row: each entry is its row's
    /// running sum plus the entry above (wrapping: partial terms of a
    /// window may dip below zero, its total does not).
    fn new(width: u32, height: u32, values: impl Iterator<Item = u32>) -> SummedArea {
        let stride = width as usize + 1;
        let mut sums = vec![0u32; stride * (height as usize + 1)];
        let mut values = values;
        for y in 1..=height as usize {
            let (above, row) = sums[(y - 1) * stride..(y + 1) * stride].split_at_mut(stride);
            let mut run = 0u32;
            for (v, &up) in row.iter_mut().zip(above.iter()).skip(1) {
                run = run.wrapping_add(values.next().unwrap_or(0));
                *v = up.wrapping_add(run);
            }
        }
        SummedArea {
            width,
            height,
            sums,
        }
    }

    fn index(&self, x: u32, y: u32) -> usize {
        y as usize * (self.width as usize + 1) + x as usize
    }

    /// (pixel count, sum) of the window of `radius` around (x, y), clipped
    /// to the image.
    fn window(&self, x: u32, y: u32, radius: u32) -> (u32, u32) {
        let (x0, y0) = (x.saturating_sub(radius), y.saturating_sub(radius));
        let (x1, y1) = (
            (x + radius + 1).min(self.width),
            (y + radius + 1).min(self.height),
        );
        let sum = self.sums[self.index(x1, y1)]
            .wrapping_sub(self.sums[self.index(x0, y1)])
            .wrapping_sub(self.sums[self.index(x1, y0)])
            .wrapping_add(self.sums[self.index(x0, y0)]);
        ((x1 - x0) * (y1 - y0), sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::face::FaceBox;

    const BLUE: Rgb<u8> = Rgb([10, 90, 185]);

    fn person() -> Silhouette {
        Silhouette::around(
            &FaceBox {
                x: 140,
                y: 150,
                width: 80,
                height: 80,
                score: 20.0,
            },
            1.0,
        )
    }

    /// A 360 × 480 blue backdrop with white "characters" (3 px strokes in
    /// 24 px cells), a grey person painted over the silhouette.
    fn backdrop(with_text: bool) -> RgbImage {
        let who = person();
        RgbImage::from_fn(360, 480, |x, y| {
            if who.contains(x as f64 + 0.5, y as f64 + 0.5) {
                Rgb([70, 70, 70])
            } else if with_text && (x % 24 < 3 || y % 24 < 3) && (x / 24 + y / 24) % 2 == 0 {
                Rgb([240, 242, 248])
            } else {
                BLUE
            }
        })
    }

    #[test]
    fn a_blue_backdrop_with_characters_is_covered_and_readable() {
        let m = measure_backdrop(&backdrop(true), &[person()], PhotoFlow::Backdrop);
        assert!(m.coverage > 0.99, "{m:?}");
        assert!(m.text_share > 0.02, "{m:?}");
        assert!(m.text_box.is_some());
        let plain = measure_backdrop(&backdrop(false), &[person()], PhotoFlow::Backdrop);
        assert!(
            plain.coverage > 0.99 && plain.text_share == 0.0,
            "{plain:?}"
        );
        // Blurred characters melt into the blue: no longer clearly visible.
        let blurred = image::imageops::blur(&backdrop(true), 3.0);
        let soft = measure_backdrop(&blurred, &[person()], PhotoFlow::Backdrop);
        assert!(soft.text_share < m.text_share / 4.0, "{soft:?}");
    }

    #[test]
    fn a_wall_is_not_a_backdrop() {
        let wall = RgbImage::from_pixel(360, 480, Rgb([190, 170, 140]));
        let m = measure_backdrop(&wall, &[person()], PhotoFlow::Backdrop);
        assert_eq!((m.coverage, m.text_share), (0.0, 0.0));
        assert_eq!(m.typical, Rgb([190, 170, 140]));
        assert_eq!(
            measure_backdrop(&wall, &[person()], PhotoFlow::App).coverage,
            0.0
        );
        let white = RgbImage::from_pixel(360, 480, Rgb([228, 230, 232]));
        assert!(measure_backdrop(&white, &[person()], PhotoFlow::App).coverage > 0.99);
        // A backdrop hung too low: a wall shows above the head. Its edge
        // against the blue is not taken for characters.
        let low = RgbImage::from_fn(
            360,
            480,
            |_, y| if y >= 100 { BLUE } else { Rgb([190, 170, 140]) },
        );
        let m = measure_backdrop(&low, &[person()], PhotoFlow::Backdrop);
        assert!(m.coverage > 0.3 && m.coverage < 0.7, "{m:?}");
        assert_eq!(m.text_share, 0.0);
    }
}
