//! The decoder: the fast reader (`rxing`, [`super::fast`]) first, then a
//! cascade of pre-processing attempts in front of `rqrr` and our own grid
//! reader, cheapest and most likely first, for the codes the fast reader
//! misses (curved, damaged, low-contrast, tiny). Stills try every attempt
//! within [`STILL_BUDGET`]; live frames alternate the fast reader with one
//! attempt from a rotating list, within [`LIVE_BUDGET`]. Each step starts
//! only before the deadline and its own cost is bounded, so a decode ends
//! within its budget plus one step, whatever the pixels.

use std::collections::HashSet;

use image::GrayImage;

use super::budget::{Deadline, LIVE_BUDGET, STILL_BUDGET};
use super::fast;
use super::finder::{find_finders, finder_region, Bitmap};
use super::grid::decode_from_finders;
use super::guard::{decode_bitmap, decode_luma, RawCode};
use super::preprocess::{
    binarize_local_mean, binarize_local_midrange, box_blur, downscale, otsu_level, upscale2,
};

/// How an attempt turns grey levels into dark/light modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Binarizer {
    /// `rqrr`'s own row-wise moving-average threshold.
    Rqrr,
    /// Our 2-D local mean; window side = shorter image side / `divisor`.
    LocalMean {
        /// Image side divided by the window side.
        divisor: u32,
    },
    /// One global Otsu threshold (even light, low contrast).
    Otsu,
    /// Local mid-range of the darkest and lightest levels; window side =
    /// shorter image side / `divisor`. Robust for small, dense modules.
    MidRange {
        /// Image side divided by the window side.
        divisor: u32,
    },
}

/// One pre-processing recipe tried in front of `rqrr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Attempt {
    /// Short name shown in evaluations.
    pub name: &'static str,
    /// Downscale (by block averaging) until the longer side is at most this.
    pub max_side: u32,
    /// Double the image first (tiny codes): the whole image when it is under
    /// 640 px, otherwise only the region where finder patterns are.
    pub upscale: bool,
    /// Box-blur radius before binarising (moiré, noise); 0 = none.
    pub blur: u32,
    /// Thresholding.
    pub binarizer: Binarizer,
    /// Swap dark and light (light codes on dark screens).
    pub invert: bool,
}

impl Attempt {
    const fn new(name: &'static str, max_side: u32, blur: u32, binarizer: Binarizer) -> Attempt {
        Attempt {
            name,
            max_side,
            upscale: false,
            blur,
            binarizer,
            invert: false,
        }
    }
}

const LOCAL: Binarizer = Binarizer::LocalMean { divisor: 8 };
const LOCAL_FINE: Binarizer = Binarizer::LocalMean { divisor: 20 };
const MIDRANGE: Binarizer = Binarizer::MidRange { divisor: 16 };
/// Least dark-to-light difference that counts as detail, not a flat area.
const MIN_CONTRAST: u8 = 24;

/// Every attempt for still images, in order.
const THOROUGH: [Attempt; 17] = [
    Attempt::new("local@800", 800, 0, LOCAL),
    Attempt::new("midrange@800", 800, 0, MIDRANGE),
    Attempt {
        invert: true,
        ..Attempt::new("inverted@800", 800, 0, LOCAL)
    },
    Attempt::new("local@1600", 1600, 0, LOCAL),
    Attempt::new("midrange@1600", 1600, 0, MIDRANGE),
    Attempt::new("local@800+blur1", 800, 1, LOCAL),
    Attempt::new("local@1600+blur1", 1600, 1, LOCAL),
    Attempt::new("local-fine@800", 800, 0, LOCAL_FINE),
    Attempt::new("otsu@800", 800, 0, Binarizer::Otsu),
    Attempt::new("local@400+blur1", 400, 1, LOCAL),
    Attempt::new("local@800+blur2", 800, 2, LOCAL),
    Attempt::new("rqrr@800", 800, 0, Binarizer::Rqrr),
    Attempt {
        invert: true,
        ..Attempt::new("inverted@1600", 1600, 0, LOCAL)
    },
    Attempt::new("local@full", u32::MAX, 0, LOCAL),
    Attempt::new("midrange@full", u32::MAX, 0, MIDRANGE),
    Attempt {
        upscale: true,
        ..Attempt::new("upscaled", u32::MAX, 0, MIDRANGE)
    },
    Attempt::new("local@full+blur1", u32::MAX, 1, LOCAL),
];

/// Live frames try one of these each, in turn: the cheap 640-pixel
/// attempts alternate with costlier ones, bounding the cost of every frame.
const LIVE: [Attempt; 6] = [
    Attempt::new("local@640", 640, 0, LOCAL),
    Attempt::new("local@1280", 1280, 0, LOCAL),
    Attempt::new("local@1280+blur1", 1280, 1, LOCAL),
    Attempt::new("otsu@640", 640, 0, Binarizer::Otsu),
    Attempt::new("local-fine@640", 640, 0, LOCAL_FINE),
    Attempt {
        invert: true,
        ..Attempt::new("inverted@640", 640, 0, LOCAL)
    },
];

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// A camera frame: bounded cost; `frame_index` picks the rotating attempt.
    Live {
        /// Index of the frame in the stream.
        frame_index: u64,
    },
    /// A still image or file: every attempt until one decodes.
    Thorough,
}

/// Which reader decoded a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// `rxing`'s port of zxing-cpp (the fast reader).
    Fast,
    /// The pre-processing cascade in front of `rqrr` and our grid reader;
    /// the attempt's name.
    Cascade(&'static str),
}

impl std::fmt::Display for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reader::Fast => f.write_str("fast"),
            Reader::Cascade(attempt) => f.write_str(attempt),
        }
    }
}

/// A decoded QR code.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedCode {
    /// The text, in the character set the symbol declares (ECI) or, without
    /// one, as ZXing guesses it (UTF-8, Shift_JIS, GB18030, ISO-8859-1).
    pub text: String,
    /// Corners in the input image: top-left, top-right, bottom-right, bottom-left.
    pub corners: [(f32, f32); 4],
    /// The reader (and cascade attempt) that decoded it.
    pub reader: Reader,
}

impl DecodedCode {
    /// The code's centre in the input image.
    pub fn centre(&self) -> (f32, f32) {
        let (sx, sy) = self
            .corners
            .iter()
            .fold((0.0, 0.0), |(x, y), c| (x + c.0, y + c.1));
        (sx / 4.0, sy / 4.0)
    }

    /// Whether `other` is the same symbol (same text, centres closer than
    /// half this code's diagonal): two readers finding one code.
    fn same_symbol(&self, other: &DecodedCode) -> bool {
        let ((ax, ay), (bx, by)) = (self.centre(), other.centre());
        let (tl, br) = (self.corners[0], self.corners[2]);
        let diagonal = ((br.0 - tl.0).powi(2) + (br.1 - tl.1).powi(2)).sqrt();
        self.text == other.text && ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt() < diagonal / 2.0
    }
}

/// What a driver does after a code: keep going or stop.
enum Flow {
    Continue,
    Stop,
}

/// A rectangle in relative coordinates (0–1) of the image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelativeRect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

/// QR decoder: pre-processing cascade + `rqrr`, with faults contained.
#[derive(Debug, Clone, Default)]
pub struct QrDecoder {
    region: Option<RelativeRect>,
}

impl QrDecoder {
    /// A decoder looking at the whole image.
    pub fn new() -> QrDecoder {
        QrDecoder::default()
    }

    /// Look only inside `region` (e.g. the viewfinder square of the UI);
    /// cheaper and less distracted by the rest of the frame.
    pub fn with_region(mut self, region: RelativeRect) -> QrDecoder {
        self.region = Some(region);
        self
    }

    /// The attempts `effort` makes, in order.
    pub fn attempts(effort: Effort) -> Vec<Attempt> {
        match effort {
            Effort::Thorough => THOROUGH.to_vec(),
            Effort::Live { frame_index } => vec![LIVE[(frame_index % LIVE.len() as u64) as usize]],
        }
    }

    /// Every code in the image: all the fast reader finds, and those of the
    /// first cascade attempt that finds any (within the budget); one entry
    /// per symbol, whichever reader found it first.
    pub fn decode(&self, img: &GrayImage, effort: Effort) -> Vec<DecodedCode> {
        let mut codes: Vec<DecodedCode> = Vec::new();
        self.drive(img, effort, &Self::attempts(effort), true, &mut |code| {
            if !codes.iter().any(|c| c.same_symbol(&code)) {
                codes.push(code);
            }
            Flow::Continue
        });
        codes
    }

    /// The first code `wanted` accepts (e.g. one that verifies as an
    /// order), stopping there; `None` when none is found within the budget.
    pub fn find(
        &self,
        img: &GrayImage,
        effort: Effort,
        mut wanted: impl FnMut(&DecodedCode) -> bool,
    ) -> Option<DecodedCode> {
        let mut found = None;
        self.drive(img, effort, &Self::attempts(effort), false, &mut |code| {
            if wanted(&code) {
                found = Some(code);
                return Flow::Stop;
            }
            Flow::Continue
        });
        found
    }

    /// Like [`QrDecoder::decode`] with an explicit list of cascade attempts
    /// and no fast reader (evaluations of single attempts).
    pub fn decode_with(&self, img: &GrayImage, attempts: &[Attempt]) -> Vec<DecodedCode> {
        let mut codes = Vec::new();
        let deadline = Deadline::after(STILL_BUDGET);
        let (cropped, offset) = self.crop(img);
        let img = cropped.as_ref().unwrap_or(img);
        Self::cascade(img, offset, attempts, &deadline, true, &mut |code| {
            codes.push(code);
            Flow::Continue
        });
        codes
    }

    /// Runs the readers on `img` (cropped to the region of interest), each
    /// code going to `on_code`. With `first_attempt_only`, the cascade stops
    /// after the first attempt that decodes anything.
    fn drive(
        &self,
        img: &GrayImage,
        effort: Effort,
        attempts: &[Attempt],
        first_attempt_only: bool,
        on_code: &mut dyn FnMut(DecodedCode) -> Flow,
    ) {
        let (budget, fast_reader, thorough) = match effort {
            Effort::Thorough => (STILL_BUDGET, true, true),
            // Live frames alternate the readers: each frame stays cheap and
            // both run within two frames.
            Effort::Live { frame_index } => (LIVE_BUDGET, frame_index % 2 == 0, false),
        };
        let deadline = Deadline::after(budget);
        let (cropped, offset) = self.crop(img);
        let img = cropped.as_ref().unwrap_or(img);
        if fast_reader {
            let (small, scale) = downscale(img, side_within(img, FAST_READER_MAX_PIXELS));
            let scale = scale as f32;
            for raw in fast::read(&small, thorough, &deadline) {
                let code = DecodedCode {
                    text: raw.text,
                    corners: raw
                        .corners
                        .map(|(x, y)| (x * scale + offset.0, y * scale + offset.1)),
                    reader: Reader::Fast,
                };
                if let Flow::Stop = on_code(code) {
                    return;
                }
            }
            if matches!(effort, Effort::Live { .. }) {
                return;
            }
        }
        Self::cascade(
            img,
            offset,
            attempts,
            &deadline,
            first_attempt_only,
            on_code,
        );
    }

    /// The pre-processing attempts in order, each started only before the
    /// deadline.
    fn cascade(
        img: &GrayImage,
        offset: (f32, f32),
        attempts: &[Attempt],
        deadline: &Deadline,
        first_attempt_only: bool,
        on_code: &mut dyn FnMut(DecodedCode) -> Flow,
    ) {
        let mut tried = HashSet::new();
        for &attempt in attempts {
            if deadline.passed() {
                tracing::debug!(attempt = attempt.name, "QR decode budget spent");
                return;
            }
            let Some(prepared) = Prepared::new(img, &attempt) else {
                continue;
            };
            if !tried.insert(prepared.key(&attempt)) {
                continue;
            }
            let codes = prepared.run(&attempt);
            let any = !codes.is_empty();
            for raw in codes {
                let code = DecodedCode {
                    text: raw.text,
                    corners: raw.corners.map(|(x, y)| {
                        (
                            x * prepared.scale + prepared.offset.0 + offset.0,
                            y * prepared.scale + prepared.offset.1 + offset.1,
                        )
                    }),
                    reader: Reader::Cascade(attempt.name),
                };
                if let Flow::Stop = on_code(code) {
                    return;
                }
            }
            if any && first_attempt_only {
                return;
            }
        }
    }

    fn crop(&self, img: &GrayImage) -> (Option<GrayImage>, (f32, f32)) {
        let Some(r) = self.region else {
            return (None, (0.0, 0.0));
        };
        let (w, h) = (img.width() as f32, img.height() as f32);
        let x0 = (r.x.clamp(0.0, 1.0) * w) as u32;
        let y0 = (r.y.clamp(0.0, 1.0) * h) as u32;
        let cw = ((r.width.clamp(0.0, 1.0) * w) as u32)
            .min(img.width() - x0)
            .max(1);
        let ch = ((r.height.clamp(0.0, 1.0) * h) as u32)
            .min(img.height() - y0)
            .max(1);
        let sub = image::imageops::crop_imm(img, x0, y0, cw, ch).to_image();
        (Some(sub), (x0 as f32, y0 as f32))
    }
}

/// Most pixels the fast reader binarises: a 16 MP photo is read at full
/// size, a larger one reduced to this (its binarisation is linear in the
/// pixels; a 48 MP flat image would take 100 ms more).
const FAST_READER_MAX_PIXELS: u64 = 16_000_000;

/// Most pixels a cascade attempt "at full size" works on; larger images are
/// reduced to this first (the fast reader has already read them at full
/// size).
const CASCADE_MAX_PIXELS: u64 = 4_000_000;

/// More finder-pattern candidates than this is a tiling or noise, not a
/// photo of codes: the attempt gives up rather than try their combinations.
const MAX_FINDER_CANDIDATES: usize = 120;

/// The finder candidates of `bitmap`, or `None` (and the attempt gives up)
/// when there are more than a photo of codes has.
fn few_finders(bitmap: Bitmap<'_>) -> Option<Vec<super::finder::Finder>> {
    let finders = find_finders(bitmap)
        .filter(|f| f.iter().filter(|f| f.hits >= 2).count() <= MAX_FINDER_CANDIDATES);
    if finders.is_none() {
        tracing::debug!("QR attempt skipped: too many finder candidates");
    }
    finders
}

/// The longest side `img` may keep for at most `max_pixels` pixels
/// (`u32::MAX` when it has no more than that already).
fn side_within(img: &GrayImage, max_pixels: u64) -> u32 {
    let pixels = u64::from(img.width()) * u64::from(img.height());
    if pixels <= max_pixels {
        return u32::MAX;
    }
    let shrink = (pixels as f64 / max_pixels as f64).sqrt();
    (img.width().max(img.height()) as f64 / shrink) as u32
}

/// Images below this side are upscaled whole; larger ones only where finder patterns are.
const SMALL_IMAGE: u32 = 640;

/// Fewest finder-pattern row crossings worth running the decoder for: three
/// finder patterns, each crossed by at least two rows.
const MIN_FINDER_HITS: u32 = 6;

/// Reads codes from a binarised image: our own grid reader on the finder
/// patterns first, then `rqrr`'s detection on the region that holds them;
/// nothing when there are no finder patterns at all.
fn decode_if_candidates(w: usize, h: usize, dark: &[bool]) -> Vec<RawCode> {
    let bitmap = Bitmap { dark, w, h };
    let Some(finders) = few_finders(bitmap) else {
        return Vec::new();
    };
    let codes = decode_from_finders(bitmap, &finders);
    if !codes.is_empty() {
        return codes;
    }
    let Some(region) = finder_region(&finders, w, h, MIN_FINDER_HITS) else {
        return Vec::new();
    };
    let (x0, y0, cw, ch) = (
        region.x as usize,
        region.y as usize,
        region.width as usize,
        region.height as usize,
    );
    if cw == w && ch == h {
        return decode_bitmap(w, h, dark);
    }
    let crop: Vec<bool> = (y0..y0 + ch)
        .flat_map(|y| dark[y * w + x0..][..cw].iter().copied())
        .collect();
    let mut codes = decode_bitmap(cw, ch, &crop);
    for code in &mut codes {
        code.corners = code.corners.map(|(x, y)| (x + x0 as f32, y + y0 as f32));
    }
    codes
}

/// The image an attempt works on, and how its pixels map back.
struct Prepared<'a> {
    img: std::borrow::Cow<'a, GrayImage>,
    /// Input pixels per prepared pixel.
    scale: f32,
    /// Where the prepared image's origin lies in the input.
    offset: (f32, f32),
}

impl<'a> Prepared<'a> {
    fn new(img: &'a GrayImage, attempt: &Attempt) -> Option<Prepared<'a>> {
        if img.width() < 21 || img.height() < 21 {
            return None;
        }
        let mut offset = (0.0, 0.0);
        let (mut out, scale) = if attempt.upscale {
            if img.width().max(img.height()) < SMALL_IMAGE {
                (std::borrow::Cow::Owned(upscale2(img)), 0.5)
            } else {
                let (w, h) = (img.width() as usize, img.height() as usize);
                let dark = binarize_local_midrange(img, 32, MIN_CONTRAST);
                let finders = few_finders(Bitmap { dark: &dark, w, h })?;
                let region = finder_region(&finders, w, h, MIN_FINDER_HITS)?;
                let (w, h) = (region.width, region.height);
                if w * h > img.width() * img.height() / 4 {
                    return None;
                }
                offset = (region.x as f32, region.y as f32);
                let crop = image::imageops::crop_imm(img, region.x, region.y, w, h).to_image();
                (std::borrow::Cow::Owned(upscale2(&crop)), 0.5)
            }
        } else {
            let cap = side_within(img, CASCADE_MAX_PIXELS);
            let (small, factor) = downscale(img, attempt.max_side.min(cap));
            (small, factor as f32)
        };
        if attempt.blur > 0 {
            out = std::borrow::Cow::Owned(box_blur(&out, attempt.blur));
        }
        if attempt.invert {
            let mut inv = out.into_owned();
            image::imageops::invert(&mut inv);
            out = std::borrow::Cow::Owned(inv);
        }
        Some(Prepared {
            img: out,
            scale,
            offset,
        })
    }

    /// Identifies the work an attempt does, to skip exact repeats on small images.
    fn key(&self, attempt: &Attempt) -> (u32, u32, u32, Binarizer, bool) {
        (
            self.img.width(),
            (self.scale * 2.0) as u32,
            attempt.blur,
            attempt.binarizer,
            attempt.invert,
        )
    }

    fn run(&self, attempt: &Attempt) -> Vec<RawCode> {
        let img = self.img.as_ref();
        let (w, h) = (img.width() as usize, img.height() as usize);
        match attempt.binarizer {
            Binarizer::Rqrr => {
                // rqrr's own search combines every finder-like square it
                // sees: give up first on pictures full of them.
                let level = otsu_level(img);
                let dark: Vec<bool> = img.as_raw().iter().map(|&p| p <= level).collect();
                match few_finders(Bitmap { dark: &dark, w, h }) {
                    Some(_) => decode_luma(img),
                    None => Vec::new(),
                }
            }
            Binarizer::LocalMean { divisor } => {
                let window = (img.width().min(img.height()) / divisor).max(15) | 1;
                decode_if_candidates(w, h, &binarize_local_mean(img, window, 6))
            }
            Binarizer::MidRange { divisor } => {
                let window = (img.width().min(img.height()) / divisor).max(8);
                decode_if_candidates(w, h, &binarize_local_midrange(img, window, MIN_CONTRAST))
            }
            Binarizer::Otsu => {
                let level = otsu_level(img);
                let dark: Vec<bool> = img.as_raw().iter().map(|&p| p <= level).collect();
                decode_if_candidates(w, h, &dark)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::QrMatrix;

    /// `text` as a QR code of `module` px, pasted at (x0, y0) on a grey page.
    fn page(
        text: &str,
        module: u32,
        size: (u32, u32),
        at: (u32, u32),
        inverted: bool,
    ) -> GrayImage {
        let (side, pixels) = QrMatrix::new(text).unwrap().to_luma(module).unwrap();
        let code = GrayImage::from_raw(side, side, pixels).unwrap();
        let mut img = GrayImage::from_pixel(size.0, size.1, image::Luma([190]));
        image::imageops::replace(&mut img, &code, at.0 as i64, at.1 as i64);
        if inverted {
            image::imageops::invert(&mut img);
        }
        img
    }

    #[test]
    fn finds_codes_and_maps_corners_back_to_the_input() {
        let img = page(
            "https://gw.example.cn/q#HELLO",
            4,
            (1200, 900),
            (500, 300),
            false,
        );
        let codes = QrDecoder::new().decode(&img, Effort::Thorough);
        assert_eq!(codes.len(), 1);
        assert_eq!(codes[0].text, "https://gw.example.cn/q#HELLO");
        // The first corner is the code's top-left module, inside the quiet zone.
        let (x, y) = codes[0].corners[0];
        assert!(
            (x - 516.0).abs() < 6.0 && (y - 316.0).abs() < 6.0,
            "{:?}",
            codes[0].corners
        );
    }

    #[test]
    fn tiny_code_in_a_large_photo_is_read_through_the_upscaled_region() {
        let text = "ICP-TINY-CODE-0001";
        let img = page(text, 2, (2400, 1800), (1500, 900), false);
        let codes = QrDecoder::new().decode(&img, Effort::Thorough);
        assert!(codes.iter().any(|c| c.text == text), "{codes:?}");
    }

    #[test]
    fn light_on_dark_codes_are_read() {
        let img = page("dark mode", 5, (640, 480), (200, 120), true);
        let codes = QrDecoder::new().decode(&img, Effort::Thorough);
        assert!(codes.iter().any(|c| c.text == "dark mode"), "{codes:?}");
    }

    #[test]
    fn region_of_interest_limits_the_search() {
        let img = page("in the viewfinder", 4, (800, 600), (300, 200), false);
        let inside = RelativeRect {
            x: 0.3,
            y: 0.25,
            width: 0.5,
            height: 0.6,
        };
        let outside = RelativeRect {
            x: 0.0,
            y: 0.0,
            width: 0.3,
            height: 0.3,
        };
        let found = QrDecoder::new()
            .with_region(inside)
            .decode(&img, Effort::Thorough);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].corners[0].0 > 300.0,
            "corners are in input coordinates"
        );
        assert!(QrDecoder::new()
            .with_region(outside)
            .decode(&img, Effort::Thorough)
            .is_empty());
    }

    #[test]
    fn blank_and_tiny_images_decode_nothing() {
        let decoder = QrDecoder::new();
        assert!(decoder
            .decode(
                &GrayImage::from_pixel(640, 480, image::Luma([128])),
                Effort::Thorough
            )
            .is_empty());
        assert!(decoder
            .decode(&GrayImage::new(5, 5), Effort::Thorough)
            .is_empty());
        assert!(decoder
            .decode(&GrayImage::new(1, 1), Effort::Live { frame_index: 3 })
            .is_empty());
    }
}
