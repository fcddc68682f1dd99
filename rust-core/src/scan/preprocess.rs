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

/// Local mid-range binarisation: a pixel is dark when it is below the
/// midpoint of the darkest and lightest levels around it (blocks of
/// `window`/4 pixels, each with its 8 neighbours). Unlike the local mean,
/// the midpoint does not drift with how many dark modules are nearby, so
/// dense codes with small modules keep solid finder patterns. Where the
/// neighbourhood is flat (contrast under `min_contrast`) it counts as light.
pub fn binarize_local_midrange(img: &GrayImage, window: u32, min_contrast: u8) -> Vec<bool> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let b = ((window / 4).max(2) as usize).min(w.min(h).max(1));
    let (bw, bh) = (w.div_ceil(b), h.div_ceil(b));
    let px = img.as_raw();
    // Per block: darkest and lightest level.
    let mut lo = vec![255u8; bw * bh];
    let mut hi = vec![0u8; bw * bh];
    for (y, row) in px.chunks_exact(w).enumerate() {
        let base = (y / b) * bw;
        for (bx, chunk) in row.chunks(b).enumerate() {
            let (l, hgh) = chunk
                .iter()
                .fold((255u8, 0u8), |(l, hg), &p| (l.min(p), hg.max(p)));
            lo[base + bx] = lo[base + bx].min(l);
            hi[base + bx] = hi[base + bx].max(hgh);
        }
    }
    // Per block: the midpoint over it and its neighbours (255 = all light).
    let mut level = vec![0u8; bw * bh];
    for by in 0..bh {
        for bx in 0..bw {
            let (mut l, mut hg) = (255u8, 0u8);
            for ny in by.saturating_sub(1)..(by + 2).min(bh) {
                for nx in bx.saturating_sub(1)..(bx + 2).min(bw) {
                    l = l.min(lo[ny * bw + nx]);
                    hg = hg.max(hi[ny * bw + nx]);
                }
            }
            level[by * bw + bx] = if hg - l < min_contrast {
                0
            } else {
                ((l as u16 + hg as u16) / 2) as u8
            };
        }
    }
    let column: Vec<usize> = (0..w).map(|x| x / b).collect();
    let mut out = vec![false; w * h];
    for (y, (row, out_row)) in px.chunks_exact(w).zip(out.chunks_exact_mut(w)).enumerate() {
        let levels = &level[(y / b) * bw..][..bw];
        for ((o, &p), &c) in out_row.iter_mut().zip(row).zip(&column) {
            *o = p < levels[c];
        }
    }
    out
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

    #[test]
    fn midrange_keeps_dense_dark_areas_dark() {
        // A 12-px dark square in a light page: solid inside, light outside.
        let img = GrayImage::from_fn(48, 48, |x, y| {
            let inside = (18..30).contains(&x) && (18..30).contains(&y);
            image::Luma([if inside { 40 } else { 210 }])
        });
        let bits = binarize_local_midrange(&img, 16, 24);
        for y in 0..48 {
            for x in 0..48 {
                let inside = (18..30).contains(&x) && (18..30).contains(&y);
                assert_eq!(bits[y * 48 + x], inside, "({x},{y})");
            }
        }
        let flat = GrayImage::from_pixel(20, 20, image::Luma([90]));
        assert!(binarize_local_midrange(&flat, 8, 24).iter().all(|&d| !d));
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
