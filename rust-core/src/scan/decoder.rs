//! The decoding cascade: a list of pre-processing attempts in front of
//! `rqrr`, cheapest and most likely first, stopping at the first that
//! decodes. Live frames try one cheap attempt plus one more from a rotating
//! list, so every strategy runs within a few frames at a bounded cost each.

use std::collections::HashSet;

use image::GrayImage;

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

/// A decoded QR code.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedCode {
    /// The text (bytes decoded as UTF-8, invalid sequences replaced).
    pub text: String,
    /// Corners in the input image: top-left, top-right, bottom-right, bottom-left.
    pub corners: [(f32, f32); 4],
    /// Name of the attempt that decoded it.
    pub attempt: &'static str,
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

    /// Every code found by the first attempt that finds any; empty when none.
    pub fn decode(&self, img: &GrayImage, effort: Effort) -> Vec<DecodedCode> {
        self.decode_with(img, &Self::attempts(effort))
    }

    /// Like [`QrDecoder::decode`] with an explicit list of attempts.
    pub fn decode_with(&self, img: &GrayImage, attempts: &[Attempt]) -> Vec<DecodedCode> {
        let (cropped, offset) = self.crop(img);
        let img = cropped.as_ref().unwrap_or(img);
        let mut tried = HashSet::new();
        for &attempt in attempts {
            let Some(prepared) = Prepared::new(img, &attempt) else {
                continue;
            };
            if !tried.insert(prepared.key(&attempt)) {
                continue;
            }
            let codes = prepared.run(&attempt);
            if !codes.is_empty() {
                return codes
                    .into_iter()
                    .map(|raw| DecodedCode {
                        text: raw.text,
                        corners: raw.corners.map(|(x, y)| {
                            (
                                x as f32 * prepared.scale + prepared.offset.0 + offset.0,
                                y as f32 * prepared.scale + prepared.offset.1 + offset.1,
                            )
                        }),
                        attempt: attempt.name,
                    })
                    .collect();
            }
        }
        Vec::new()
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
    let finders = find_finders(bitmap);
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
        code.corners = code.corners.map(|(x, y)| (x + x0 as i32, y + y0 as i32));
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
                let finders = find_finders(Bitmap { dark: &dark, w, h });
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
            let (small, factor) = downscale(img, attempt.max_side);
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
            Binarizer::Rqrr => decode_luma(img),
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
