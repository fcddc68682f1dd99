//! Runs `rqrr` with its faults contained. `rqrr` 0.11 panics on some real
//! photos (an assertion in its perspective mapping); a panic there becomes
//! "nothing decoded", never a crash, and prints nothing.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use image::GrayImage;
use rqrr::PreparedImage;

use super::text::guess_text;

thread_local! {
    static SILENCED: Cell<bool> = const { Cell::new(false) };
}
static QUIET_HOOK: Once = Once::new();

/// A code a reader decoded, in the coordinates of the image it was given.
pub(super) struct RawCode {
    /// The payload's text.
    pub text: String,
    /// Corners: top-left, top-right, bottom-right, bottom-left.
    pub corners: [(f32, f32); 4],
}

/// Runs `f`, turning a panic into `None` without printing it. Panics
/// elsewhere in the process still reach the previous hook.
pub(super) fn contained<T>(f: impl FnOnce() -> T) -> Option<T> {
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !SILENCED.with(Cell::get) {
                previous(info)
            }
        }));
    });
    SILENCED.with(|s| s.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    SILENCED.with(|s| s.set(false));
    if result.is_err() {
        tracing::debug!("QR decoder fault contained");
    }
    result.ok()
}

/// Detects and decodes every grid of a prepared `rqrr` image. A macro
/// because `rqrr` does not export the buffer type it prepares.
macro_rules! codes_of {
    ($prepared:expr) => {{
        let mut prepared = $prepared;
        prepared
            .detect_grids()
            .into_iter()
            .filter_map(|grid| {
                let mut bytes = Vec::new();
                grid.decode_to(&mut bytes).ok()?;
                Some(RawCode {
                    text: guess_text(&bytes),
                    corners: grid.bounds.map(|p| (p.x as f32, p.y as f32)),
                })
            })
            .collect::<Vec<RawCode>>()
    }};
}

/// `rqrr` with its own thresholding on a luma image.
pub(super) fn decode_luma(img: &GrayImage) -> Vec<RawCode> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let px = img.as_raw();
    contained(|| codes_of!(PreparedImage::prepare_from_greyscale(w, h, |x, y| px[y * w + x])))
        .unwrap_or_default()
}

/// `rqrr` on a bitmap we binarised (`true` = dark).
pub(super) fn decode_bitmap(w: usize, h: usize, dark: &[bool]) -> Vec<RawCode> {
    contained(|| codes_of!(PreparedImage::prepare_from_bitmap(w, h, |x, y| dark[y * w + x])))
        .unwrap_or_default()
}

/// Plain `rqrr` on a whole image with no pre-processing: the baseline the
/// evaluation compares against. Returns the decoded texts.
pub fn decode_raw_rqrr(img: &GrayImage) -> Vec<String> {
    decode_luma(img).into_iter().map(|c| c.text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_the_decoder_becomes_nothing_decoded() {
        assert_eq!(
            contained(|| -> u8 { panic!("assertion in perspective mapping") }),
            None
        );
        assert_eq!(contained(|| 7), Some(7));
        // The hook is restored for code outside the guard.
        assert!(!SILENCED.with(Cell::get));
    }
}
