//! One memory budget for decoding and checking any image file, whatever it
//! declares: the peak each decode would reach is estimated from the file's
//! header before a pixel is allocated, and a decode that would not fit is
//! either done at a reduced scale (JPEG's DCT scaling: a 50–100 MP photo is
//! read at ½ or ¼) or refused as too large.

/// The most memory that decoding one file and checking it may take, bytes:
/// the file itself, the decoder's own buffers, the decoded pixels and one
/// copy of them (turning upright or converting to RGB).
pub const DECODE_BUDGET_BYTES: u64 = 256 * 1024 * 1024;

/// The decoded size the caller keeps, bytes per pixel: RGB, or grey for the
/// QR scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channels {
    /// One byte per pixel.
    Luma,
    /// Three bytes per pixel.
    Rgb,
}

impl Channels {
    /// Bytes per pixel.
    pub fn bytes(self) -> u64 {
        match self {
            Channels::Luma => 1,
            Channels::Rgb => 3,
        }
    }
}

/// DCT scale denominators JPEG decoding can use, largest picture first.
pub(crate) const JPEG_SCALES: [u32; 4] = [1, 2, 4, 8];

/// Pixels of a `width` × `height` image reduced by `scale` (rounded up, as
/// DCT scaling rounds).
pub(crate) fn scaled_pixels(width: u32, height: u32, scale: u32) -> u64 {
    u64::from(width.div_ceil(scale)) * u64::from(height.div_ceil(scale))
}

/// What a decode needs at its peak: the file, the decoder's working buffers,
/// the decoded pixels (`decoded`), and a copy of them or the RGB/grey result
/// the caller keeps (`kept`), whichever is larger.
pub(crate) fn peak(file: u64, working: u64, decoded: u64, kept: u64) -> u64 {
    file.saturating_add(working)
        .saturating_add(decoded)
        .saturating_add(decoded.max(kept))
}

/// Whether a decode with that `peak` fits the budget.
pub(crate) fn fits(peak: u64) -> bool {
    peak <= DECODE_BUDGET_BYTES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_12_mp_photo_fits_at_full_size_a_108_mp_one_only_reduced() {
        let rgb = |w, h, s| scaled_pixels(w, h, s) * Channels::Rgb.bytes();
        let phone = rgb(4000, 3000, 1);
        assert!(fits(peak(5_000_000, 0, phone, phone)));
        let huge = rgb(12_000, 9_000, 1);
        assert!(!fits(peak(30_000_000, 0, huge, huge)));
        let half = rgb(12_000, 9_000, 2);
        assert!(fits(peak(30_000_000, 0, half, half)));
        assert_eq!(scaled_pixels(4001, 3001, 8), 501 * 376);
    }
}
