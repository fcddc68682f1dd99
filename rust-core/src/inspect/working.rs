//! The reduced copy every photo check works on: colour analysis needs far
//! fewer pixels than a 12 MP still has, and one fast reduction up front keeps
//! the checks' cost independent of the camera's resolution.

use std::borrow::Cow;

use image::{DynamicImage, GenericImageView, RgbImage};

use crate::imaging::{resize_rgb, Resample};

/// An image reduced to at most `side` pixels on its long side, with the
/// factor that maps its coordinates back to the original; an RGB image
/// already small enough is borrowed, not copied.
pub struct Working<'a> {
    /// The reduced image.
    pub rgb: Cow<'a, RgbImage>,
    /// Original pixels per working pixel (≥ 1).
    pub scale: f64,
}

impl Working<'_> {
    /// Reduces `image` by area averaging (never enlarges).
    pub fn new(image: &DynamicImage, side: u32) -> Working<'_> {
        let (w, h) = image.dimensions();
        let long = w.max(h).max(1);
        if long <= side {
            let rgb = match image {
                DynamicImage::ImageRgb8(rgb) => Cow::Borrowed(rgb),
                other => Cow::Owned(other.to_rgb8()),
            };
            return Working { rgb, scale: 1.0 };
        }
        let scale = long as f64 / side as f64;
        let (sw, sh) = (
            ((w as f64 / scale).round() as u32).max(1),
            ((h as f64 / scale).round() as u32).max(1),
        );
        let rgb = match image {
            DynamicImage::ImageRgb8(rgb) => resize_rgb(rgb, None, (sw, sh), Resample::Area),
            other => resize_rgb(&other.to_rgb8(), None, (sw, sh), Resample::Area),
        };
        Working {
            rgb: Cow::Owned(rgb),
            scale,
        }
    }
}
