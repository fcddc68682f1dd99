//! Image operations that raise `rqrr`'s decode rate on real photos:
//! area downscaling (also averages away sensor noise and moiré), box blur,
//! and local-mean and Otsu binarisation.

use image::GrayImage;

/// Downscales by an integer factor so the longer side is ≤ `max_side`,
/// averaging each factor×factor block. Returns the factor used (1 = unchanged).
pub fn downscale(img: &GrayImage, max_side: u32) -> (std::borrow::Cow<'_, GrayImage>, u32) {
    let longest = img.width().max(img.height());
    let factor = longest.div_ceil(max_side.max(1));
    if factor <= 1 {
        return (std::borrow::Cow::Borrowed(img), 1);
    }
    (std::borrow::Cow::Owned(downscale_by(img, factor)), factor)
}

/// Averages each `factor`×`factor` block into one pixel (a partial last
/// row or column of blocks is dropped).
fn downscale_by(img: &GrayImage, factor: u32) -> GrayImage {
    let (w, h) = (img.width() / factor, img.height() / factor);
    let stride = img.width() as usize;
    let f = factor as usize;
    let area = (f * f) as u32;
    let mut out = vec![0u8; (w * h) as usize];
    let mut sums = vec![0u32; w as usize];
    for (oy, out_row) in out.chunks_exact_mut(w as usize).enumerate() {
        sums.fill(0);
        for row in img.as_raw()[oy * f * stride..(oy * f + f) * stride].chunks_exact(stride) {
            let blocks = row[..w as usize * f].chunks_exact(f);
            if f == 2 {
                for (sum, b) in sums.iter_mut().zip(blocks) {
                    *sum += b[0] as u32 + b[1] as u32;
                }
            } else {
                for (sum, b) in sums.iter_mut().zip(blocks) {
                    *sum += b.iter().map(|&p| p as u32).sum::<u32>();
                }
            }
        }
        // Rounded mean, dividing by multiplying with a 32-bit reciprocal.
        let reciprocal = (1u64 << 32).div_ceil(area as u64);
        for (o, &sum) in out_row.iter_mut().zip(&sums) {
            *o = (((sum + area / 2) as u64 * reciprocal) >> 32) as u8;
        }
    }
    GrayImage::from_raw(w, h, out).expect("buffer sized to the image")
}

/// Doubles both sides with bilinear interpolation, for codes whose modules
/// are under ~3 pixels.
pub fn upscale2(img: &GrayImage) -> GrayImage {
    image::imageops::resize(
        img,
        img.width() * 2,
        img.height() * 2,
        image::imageops::FilterType::Triangle,
    )
}

/// Box blur of radius `r` (a (2r+1)² window, clipped at the edges):
/// separable running sums, constant cost per pixel whatever `r`.
pub fn box_blur(img: &GrayImage, r: u32) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let r = r as usize;
    if r == 0 || w == 0 || h == 0 {
        return img.clone();
    }
    let mean = Reciprocals::up_to(2 * r + 1);
    // Horizontal pass.
    let mut tmp = vec![0u8; w * h];
    for (src, dst) in img.as_raw().chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
        let mut sum: u32 = src[..(r + 1).min(w)].iter().map(|&p| p as u32).sum();
        let mut count = (r + 1).min(w);
        for (i, o) in dst.iter_mut().enumerate() {
            *o = mean.of(sum, count);
            if i + r + 1 < w {
                sum += src[i + r + 1] as u32;
                count += 1;
            }
            if i >= r {
                sum -= src[i - r] as u32;
                count -= 1;
            }
        }
    }
    // Vertical pass, row by row with running column sums (cache-friendly).
    let mut out = vec![0u8; w * h];
    let mut columns = vec![0u32; w];
    let row = |y: usize| &tmp[y * w..(y + 1) * w];
    for y in 0..(r + 1).min(h) {
        columns
            .iter_mut()
            .zip(row(y))
            .for_each(|(c, &p)| *c += p as u32);
    }
    let mut count = (r + 1).min(h);
    for (y, out_row) in out.chunks_exact_mut(w).enumerate() {
        out_row
            .iter_mut()
            .zip(&columns)
            .for_each(|(o, &c)| *o = mean.of(c, count));
        if y + r + 1 < h {
            columns
                .iter_mut()
                .zip(row(y + r + 1))
                .for_each(|(c, &p)| *c += p as u32);
            count += 1;
        }
        if y >= r {
            columns
                .iter_mut()
                .zip(row(y - r))
                .for_each(|(c, &p)| *c -= p as u32);
            count -= 1;
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).expect("buffer sized to the image")
}

/// Rounded division of a sum of `count` bytes by `count`, as a multiply.
struct Reciprocals(Vec<u64>);

impl Reciprocals {
    fn up_to(max_count: usize) -> Reciprocals {
        Reciprocals(
            (0..=max_count as u64)
                .map(|n| (1u64 << 32).div_ceil(n.max(1)))
                .collect(),
        )
    }

    fn of(&self, sum: u32, count: usize) -> u8 {
        (((sum + count as u32 / 2) as u64 * self.0[count]) >> 32) as u8
    }
}

/// Local-mean binarisation: a pixel is dark when it is darker than the mean
/// of the window around it by at least `offset` (and 4 % of that mean).
/// `window` is the window side in pixels. `true` = dark.
///
/// The mean varies slowly over a window this size, so it is computed on an
/// image averaged over blocks of about a tenth of the window and looked up
/// per block: a fraction of the cost, the same decisions.
pub fn binarize_local_mean(img: &GrayImage, window: u32, offset: u32) -> Vec<bool> {
    let block = (window / 10).clamp(1, img.width().min(img.height()).max(1));
    let coarse = if block > 1 {
        downscale_by(img, block)
    } else {
        img.clone()
    };
    let mean = box_blur(&coarse, (window / 2 / block).max(1));
    let (mw, mh) = (mean.width() as usize, mean.height() as usize);
    let (w, block) = (img.width() as usize, block as usize);
    // Per pixel: the level it must be darker than (mean − max(offset, mean/25)).
    let levels: Vec<u8> = mean
        .as_raw()
        .iter()
        .map(|&m| (m as u32).saturating_sub(offset.max(m as u32 / 25)) as u8)
        .collect();
    let column: Vec<usize> = (0..w).map(|x| (x / block).min(mw - 1)).collect();
    let mut out = vec![false; img.as_raw().len()];
    for (y, (row, out_row)) in img
        .as_raw()
        .chunks_exact(w)
        .zip(out.chunks_exact_mut(w))
        .enumerate()
    {
        let levels = &levels[(y / block).min(mh - 1) * mw..][..mw];
        for ((o, &p), &c) in out_row.iter_mut().zip(row).zip(&column) {
            *o = p < levels[c];
        }
    }
    out
}

/// A rectangle in pixels: left, top, right and bottom (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// Left edge.
    pub x0: usize,
    /// Top edge.
    pub y0: usize,
    /// Right edge, exclusive.
    pub x1: usize,
    /// Bottom edge, exclusive.
    pub y1: usize,
}

/// Finder-pattern cross-sections: dark:light:dark:light:dark runs of
/// 1:1:3:1:1 along a row, confirmed by the same ratios down the column
/// through their centre. Fewer than `min_hits` means no QR code can be
/// there, and the decoder is skipped; otherwise this returns
/// the bounding box of every confirmed crossing, grown by
/// the pattern size so the whole code (and its fourth corner) fits, when
/// there are at least `min_hits` crossings; `None` otherwise.
pub fn finder_region(dark: &[bool], w: usize, min_hits: usize) -> Option<Region> {
    let h = dark.len() / w.max(1);
    let mut hits = 0;
    let mut bounds = Region {
        x0: usize::MAX,
        y0: usize::MAX,
        x1: 0,
        y1: 0,
    };
    let mut largest = 0;
    for (y, row) in dark.chunks_exact(w).enumerate() {
        let mut runs = [0usize; 5];
        let mut current = row[0];
        let mut len = 0;
        for (x, &d) in row.iter().enumerate() {
            if d == current {
                len += 1;
                continue;
            }
            runs.rotate_left(1);
            runs[4] = len;
            // The five runs just closed end with a dark run when `current` was dark.
            if current && looks_like_finder(&runs) {
                let centre_x = x - runs[4] - runs[3] - runs[2] / 2 - 1;
                if column_confirms(dark, w, h, centre_x, y) {
                    hits += 1;
                    let size: usize = runs.iter().sum();
                    largest = largest.max(size);
                    bounds.x0 = bounds.x0.min(x - size);
                    bounds.x1 = bounds.x1.max(x);
                    bounds.y0 = bounds.y0.min(y);
                    bounds.y1 = bounds.y1.max(y + 1);
                }
            }
            current = d;
            len = 1;
        }
    }
    if hits < min_hits {
        return None;
    }
    // Finder centres sit 3.5 modules inside the code; the crossings found
    // span the code but for its far corners. Grow by a finder's size.
    let grow = largest * 3 / 2;
    Some(Region {
        x0: bounds.x0.saturating_sub(grow),
        y0: bounds.y0.saturating_sub(grow),
        x1: (bounds.x1 + grow).min(w),
        y1: (bounds.y1 + grow).min(h),
    })
}

/// Runs of the column through (x, y), outwards from the dark centre, must
/// also read 1:1:3:1:1.
fn column_confirms(dark: &[bool], w: usize, h: usize, x: usize, y: usize) -> bool {
    let at = |yy: usize| dark[yy * w + x];
    if !at(y) {
        return false;
    }
    // Lengths of the runs going up (centre part, light, dark) and down.
    let walk = |step_up: bool| -> [usize; 3] {
        let mut runs = [0usize; 3];
        let mut yy = y as isize;
        for (i, want_dark) in [true, false, true].into_iter().enumerate() {
            while (0..h as isize).contains(&yy) && at(yy as usize) == want_dark {
                runs[i] += 1;
                yy += if step_up { -1 } else { 1 };
            }
        }
        runs
    };
    let (up, down) = (walk(true), walk(false));
    looks_like_finder(&[up[2], up[1], up[0] + down[0] - 1, down[1], down[2]])
}

fn looks_like_finder(runs: &[usize; 5]) -> bool {
    let total: usize = runs.iter().sum();
    if total < 7 {
        return false;
    }
    let unit = total as f32 / 7.0;
    let near = |run: usize, units: f32| (run as f32 - units * unit).abs() < unit * units * 0.5;
    near(runs[0], 1.0)
        && near(runs[1], 1.0)
        && near(runs[2], 3.0)
        && near(runs[3], 1.0)
        && near(runs[4], 1.0)
}

/// Global Otsu threshold: the level that best separates dark from light.
pub fn otsu_level(img: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    img.as_raw().iter().for_each(|&p| hist[p as usize] += 1);
    let total: u64 = hist.iter().sum();
    let sum_all: u64 = hist.iter().enumerate().map(|(i, &c)| i as u64 * c).sum();
    let (mut best, mut best_var) = (0u8, 0f64);
    let (mut w_dark, mut sum_dark) = (0u64, 0u64);
    for (level, &count) in hist.iter().enumerate() {
        w_dark += count;
        sum_dark += level as u64 * count;
        let w_light = total - w_dark;
        if w_dark == 0 || w_light == 0 {
            continue;
        }
        let mean_dark = sum_dark as f64 / w_dark as f64;
        let mean_light = (sum_all - sum_dark) as f64 / w_light as f64;
        let var = w_dark as f64 * w_light as f64 * (mean_dark - mean_light).powi(2);
        if var > best_var {
            best_var = var;
            best = level as u8;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscale_averages_blocks() {
        let img = GrayImage::from_fn(4, 2, |x, _| image::Luma([if x < 2 { 0 } else { 200 }]));
        let (small, factor) = downscale(&img, 2);
        assert_eq!(factor, 2);
        assert_eq!(small.as_raw(), &vec![0, 200]);
        let (same, factor) = downscale(&img, 10);
        assert_eq!(factor, 1);
        assert!(matches!(same, std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn local_mean_follows_uneven_light() {
        // A dark dot on a bright left half and on a dim right half.
        let img = GrayImage::from_fn(40, 10, |x, y| {
            let base = if x < 20 { 220 } else { 60 };
            let dot = (x == 5 || x == 30) && y == 5;
            image::Luma([if dot { base / 2 } else { base }])
        });
        let bits = binarize_local_mean(&img, 9, 5);
        assert!(bits[5 * 40 + 5] && bits[5 * 40 + 30]);
        // Away from the light step itself, only the two dots are dark.
        let dark_elsewhere = (0..400)
            .filter(|&i| bits[i] && !(15..25).contains(&(i % 40)))
            .count();
        assert_eq!(dark_elsewhere, 2);
    }

    /// A bitmap with one finder pattern (7×7 modules of `m` px) in a light margin.
    fn finder_bitmap(m: usize) -> (Vec<bool>, usize) {
        let side = 11 * m;
        let dark = |x: usize, y: usize| {
            let (mx, my) = ((x / m) as isize - 2, (y / m) as isize - 2);
            if !(0..7).contains(&mx) || !(0..7).contains(&my) {
                return false;
            }
            let ring = mx.min(my).min(6 - mx).min(6 - my);
            ring != 1
        };
        (
            (0..side * side).map(|i| dark(i % side, i / side)).collect(),
            side,
        )
    }

    #[test]
    fn finder_cross_sections_are_found() {
        for m in [2, 3, 7] {
            let (bits, w) = finder_bitmap(m);
            // Every row through the centre 3 modules is a confirmed crossing.
            assert!(finder_region(&bits, w, 3 * m).is_some(), "module {m}");
            assert!(finder_region(&bits, w, 3 * m + 1).is_none(), "module {m}");
            let region = finder_region(&bits, w, 1).unwrap();
            assert!(region.x0 <= 2 * m && region.y0 <= 2 * m, "{region:?}");
            assert!(region.x1 >= 9 * m && region.y1 >= 9 * m, "{region:?}");
        }
        let w = 60;
        let stripes: Vec<bool> = (0..w * 40).map(|i| (i % w) % 4 < 2).collect();
        assert!(finder_region(&stripes, w, 1).is_none());
        let checker: Vec<bool> = (0..w * 40)
            .map(|i| ((i % w) / 3 + (i / w) / 3) % 2 == 0)
            .collect();
        assert!(finder_region(&checker, w, 1).is_none());
    }

    #[test]
    fn otsu_splits_two_levels() {
        let img = GrayImage::from_fn(10, 10, |x, _| image::Luma([if x < 5 { 40 } else { 180 }]));
        let level = otsu_level(&img);
        assert!((40..180).contains(&level));
    }

    #[test]
    fn blur_matches_a_naive_clipped_window_mean() {
        let img = GrayImage::from_fn(13, 9, |x, y| image::Luma([((x * 37 + y * 91) % 251) as u8]));
        let r = 2i64;
        let blurred = box_blur(&img, r as u32);
        for y in 0..9i64 {
            for x in 0..13i64 {
                let mut row_means = Vec::new();
                // Separable: mean of each row's clipped window, then of those (rounded each step).
                for yy in (y - r).max(0)..=(y + r).min(8) {
                    let xs = (x - r).max(0)..=(x + r).min(12);
                    let n = xs.clone().count() as u32;
                    let sum: u32 = xs
                        .map(|xx| img.get_pixel(xx as u32, yy as u32)[0] as u32)
                        .sum();
                    row_means.push((sum + n / 2) / n);
                }
                let n = row_means.len() as u32;
                let expected = (row_means.iter().sum::<u32>() + n / 2) / n;
                assert_eq!(
                    blurred.get_pixel(x as u32, y as u32)[0] as u32,
                    expected,
                    "({x},{y})"
                );
            }
        }
    }

    #[test]
    fn blur_keeps_flat_images_flat() {
        let img = GrayImage::from_pixel(9, 9, image::Luma([77]));
        assert!(box_blur(&img, 2).as_raw().iter().all(|&p| p == 77));
    }
}
