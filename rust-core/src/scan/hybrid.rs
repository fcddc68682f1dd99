//! zxing's hybrid binarisation, written for speed: each 8×8 block gets a
//! black point (its mean, or for a flat block half its minimum or its
//! neighbours' black point), and each pixel is black when it is at most the
//! mean black point of the 5×5 blocks around its block. The bits are the
//! ones rxing's `HybridBinarizer` computes (a test compares them), built a
//! row of words at a time instead of one `set` call per pixel: that call
//! was more than half of the fast reader's time on the development set.

use image::GrayImage;
use rxing::common::{BitArray, BitFieldBaseType, BitMatrix, BIT_FIELD_BASE_BITS};

/// Side of a block, pixels.
const BLOCK: usize = 8;
/// A block whose range is at most this is flat (no edge inside it).
const MIN_DYNAMIC_RANGE: u8 = 24;
/// Multiplying eight bytes that are each 0 or 1 by this gathers them, in
/// order, into the top byte (byte i's bit lands on bit 56 + i, and no two
/// partial products meet there).
const GATHER: u64 = 0x0102_0408_1020_4080;
/// The smallest side binarised here: the 5×5 block neighbourhood needs five
/// blocks each way (rxing falls back to a global histogram below it).
pub(super) const MIN_SIDE: u32 = (BLOCK * 5) as u32;

/// The black matrix of `img`, or `None` when a side is under [`MIN_SIDE`].
pub(super) fn black_matrix(img: &GrayImage) -> Option<BitMatrix> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if img.width() < MIN_SIDE || img.height() < MIN_SIDE {
        return None;
    }
    let luma = img.as_raw();
    let (blocks_x, blocks_y) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let points = black_points(luma, w, h, blocks_x, blocks_y);

    let row_words = w.div_ceil(BIT_FIELD_BASE_BITS);
    let mut words: Vec<BitFieldBaseType> = vec![0; row_words * h];
    // Each pixel's threshold along a block row; where the last block,
    // pulled back inside the image, overlaps its neighbour, a pixel is
    // black under either block's threshold, so it takes the larger.
    let mut thresholds = vec![0u8; w];
    // One row's pixels, 1 where black, before they are packed into bits
    // (whole words of them: the tail past the row stays 0).
    let mut black = vec![0u8; row_words * BIT_FIELD_BASE_BITS];
    for by in 0..blocks_y {
        let top = by.clamp(2, blocks_y - 3);
        // Columns before this have a threshold from this block row.
        let mut written = 0;
        for bx in 0..blocks_x {
            let left = bx.clamp(2, blocks_x - 3);
            let sum: u32 = (top - 2..=top + 2)
                .map(|r| {
                    points[r * blocks_x + left - 2..=r * blocks_x + left + 2]
                        .iter()
                        .sum::<u32>()
                })
                .sum();
            // Black points are averages of bytes: their mean is one too.
            let threshold = (sum / 25) as u8;
            let x0 = (bx * BLOCK).min(w - BLOCK);
            for (x, t) in thresholds.iter_mut().enumerate().take(x0 + BLOCK).skip(x0) {
                *t = if x < written {
                    (*t).max(threshold)
                } else {
                    threshold
                };
            }
            written = x0 + BLOCK;
        }
        let y0 = (by * BLOCK).min(h - BLOCK);
        for y in y0..y0 + BLOCK {
            let line = &luma[y * w..(y + 1) * w];
            for ((f, &p), &t) in black.iter_mut().zip(line).zip(&thresholds) {
                *f = u8::from(p <= t);
            }
            let out = &mut words[y * row_words..(y + 1) * row_words];
            for (word, flags) in out.iter_mut().zip(black.chunks_exact(BIT_FIELD_BASE_BITS)) {
                let mut bits: BitFieldBaseType = 0;
                for (k, eight) in flags.chunks_exact(8).enumerate() {
                    let bytes: [u8; 8] = eight.try_into().unwrap_or_default();
                    let packed = u64::from_le_bytes(bytes).wrapping_mul(GATHER) >> 56;
                    bits |= (packed as BitFieldBaseType) << (8 * k);
                }
                // Rows of the last block row overlap the one before: a
                // pixel black under either stays black.
                *word |= bits;
            }
        }
    }

    let mut matrix = BitMatrix::new(w as u32, h as u32).ok()?;
    let mut row = BitArray::with_size(w);
    for (y, line) in words.chunks(row_words).enumerate() {
        for (i, &word) in line.iter().enumerate() {
            row.setBulk(i * BIT_FIELD_BASE_BITS, word);
        }
        matrix.setRow(y as u32, &row);
    }
    Some(matrix)
}

/// Each block's black point, row-major, `blocks_x` per row. The last block
/// of a row or column is pulled back inside the image (overlapping its
/// neighbour), as zxing does.
fn black_points(luma: &[u8], w: usize, h: usize, blocks_x: usize, blocks_y: usize) -> Vec<u32> {
    let mut points = vec![0u32; blocks_x * blocks_y];
    // Per column of the block row: the minimum, maximum and sum of its
    // eight pixels, reduced per block below (contiguous, so vectorised).
    let mut lo = vec![0u8; w];
    let mut hi = vec![0u8; w];
    let mut sum = vec![0u16; w];
    for by in 0..blocks_y {
        let y0 = (by * BLOCK).min(h - BLOCK);
        lo.copy_from_slice(&luma[y0 * w..(y0 + 1) * w]);
        hi.copy_from_slice(&lo);
        for (s, &p) in sum.iter_mut().zip(&lo) {
            *s = u16::from(p);
        }
        for y in y0 + 1..y0 + BLOCK {
            let line = &luma[y * w..(y + 1) * w];
            for (((l, u), s), &p) in lo.iter_mut().zip(&mut hi).zip(&mut sum).zip(line) {
                *l = (*l).min(p);
                *u = (*u).max(p);
                *s += u16::from(p);
            }
        }
        for bx in 0..blocks_x {
            let x0 = (bx * BLOCK).min(w - BLOCK);
            let columns = x0..x0 + BLOCK;
            let min = lo[columns.clone()].iter().copied().min().unwrap_or(0);
            let max = hi[columns.clone()].iter().copied().max().unwrap_or(0);
            let total: u32 = sum[columns].iter().map(|&s| u32::from(s)).sum();
            let mut point = total >> 6;
            if max - min <= MIN_DYNAMIC_RANGE {
                // A flat block: half its minimum (it is probably light
                // background), unless its neighbours say it is darker
                // than that.
                point = u32::from(min) / 2;
                if by > 0 && bx > 0 {
                    let above = (by - 1) * blocks_x + bx;
                    let neighbours =
                        (points[above] + 2 * points[above + blocks_x - 1] + points[above - 1]) / 4;
                    if u32::from(min) < neighbours {
                        point = neighbours;
                    }
                }
            }
            points[by * blocks_x + bx] = point;
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rxing::common::HybridBinarizer;
    use rxing::{Binarizer, Luma8Source};

    fn reference(img: &GrayImage) -> BitMatrix {
        let source = Luma8Source::new_with_slice(img.as_raw(), img.width(), img.height()).unwrap();
        HybridBinarizer::new(source)
            .get_black_matrix()
            .unwrap()
            .clone()
    }

    /// Flat patches (the neighbour rule), edges, gradients and noise in
    /// one picture, its sides not multiples of the block.
    fn patchwork(w: u32, h: u32, seed: u32) -> GrayImage {
        let mut state = seed.wrapping_mul(2_654_435_761).max(1);
        let mut noise = move || {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        };
        GrayImage::from_fn(w, h, |x, y| {
            let patch = ((x / 13) * 7 + (y / 11) * 3) % 5;
            let v = match patch {
                0 => 200,
                1 => 30,
                2 => (x * 255 / w) as u8,
                3 => 120 + (noise() % 20) as u8,
                _ => (noise() % 256) as u8,
            };
            image::Luma([v])
        })
    }

    #[test]
    fn the_same_bits_as_rxings_hybrid_binarizer() {
        for (w, h, seed) in [
            (40, 40, 1),
            (41, 57, 2),
            (333, 250, 3),
            (64, 1000, 4),
            (1027, 45, 5),
        ] {
            let img = patchwork(w, h, seed);
            assert_eq!(black_matrix(&img), Some(reference(&img)), "{w}×{h}");
        }
    }

    #[test]
    fn small_images_are_left_to_rxing() {
        assert!(black_matrix(&GrayImage::new(39, 200)).is_none());
        assert!(black_matrix(&GrayImage::new(200, 39)).is_none());
    }

    proptest! {
        // Each case runs rxing's binarizer unoptimised too (and emulated on
        // aarch64): a few, beside the fixed pictures above.
        #![proptest_config(ProptestConfig::with_cases(16))]
        #[test]
        fn any_pixels_give_the_same_bits(
            (w, h, pixels) in (40u32..100, 40u32..100).prop_flat_map(|(w, h)| {
                (Just(w), Just(h), proptest::collection::vec(
                    prop_oneof![Just(0u8), Just(128u8), Just(255u8), any::<u8>()],
                    (w * h) as usize,
                ))
            })
        ) {
            let img = GrayImage::from_raw(w, h, pixels).unwrap();
            prop_assert_eq!(black_matrix(&img), Some(reference(&img)));
        }
    }
}
