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
    let (w, h) = (img.width() / factor, img.height() / factor);
    let src = img.as_raw();
    let stride = img.width() as usize;
    let f = factor as usize;
    let area = (f * f) as u32;
    let mut out = vec![0u8; (w * h) as usize];
    let mut sums = vec![0u32; w as usize];
    for oy in 0..h as usize {
        sums.iter_mut().for_each(|s| *s = 0);
        for row in &src[oy * f * stride..(oy * f + f) * stride]
            .chunks_exact(stride)
            .collect::<Vec<_>>()
        {
            for (ox, sum) in sums.iter_mut().enumerate() {
                *sum += row[ox * f..ox * f + f]
                    .iter()
                    .map(|&p| p as u32)
                    .sum::<u32>();
            }
        }
        for (ox, sum) in sums.iter().enumerate() {
            out[oy * w as usize + ox] = ((sum + area / 2) / area) as u8;
        }
    }
    let img = GrayImage::from_raw(w, h, out).expect("buffer sized to the image");
    (std::borrow::Cow::Owned(img), factor)
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

/// Summed-area table with one row/column of zero padding: entry
/// (y, x) of the (w+1)-wide table is the sum of all pixels above and left.
fn integral(img: &GrayImage) -> Vec<u64> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut sums = vec![0u64; (w + 1) * (h + 1)];
    for (y, row) in img.as_raw().chunks_exact(w).enumerate() {
        let mut run = 0u64;
        for (x, &p) in row.iter().enumerate() {
            run += p as u64;
            sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + run;
        }
    }
    sums
}

/// Box blur of radius `r` (a (2r+1)² window, clipped at the edges):
/// separable running sums, constant cost per pixel whatever `r`.
pub fn box_blur(img: &GrayImage, r: u32) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let r = r as usize;
    if r == 0 || w == 0 || h == 0 {
        return img.clone();
    }
    let mut tmp = vec![0u8; w * h];
    let mut line = Vec::with_capacity(w.max(h));
    for (src, dst) in img.as_raw().chunks_exact(w).zip(tmp.chunks_exact_mut(w)) {
        line.clear();
        line.extend(src.iter().map(|&p| p as u32));
        blur_line(&line, r, |i, v| dst[i] = v);
    }
    let mut out = vec![0u8; w * h];
    for x in 0..w {
        line.clear();
        line.extend((0..h).map(|y| tmp[y * w + x] as u32));
        blur_line(&line, r, |i, v| out[i * w + x] = v);
    }
    GrayImage::from_raw(w as u32, h as u32, out).expect("buffer sized to the image")
}

/// Rounded mean over a sliding window of radius `r` along one line.
fn blur_line(line: &[u32], r: usize, mut put: impl FnMut(usize, u8)) {
    let n = line.len();
    let mut sum: u32 = line[..(r + 1).min(n)].iter().sum();
    let mut count = (r + 1).min(n) as u32;
    for i in 0..n {
        put(i, ((sum + count / 2) / count) as u8);
        if i + r + 1 < n {
            sum += line[i + r + 1];
            count += 1;
        }
        if i >= r {
            sum -= line[i - r];
            count -= 1;
        }
    }
}

/// Local-mean binarisation: a pixel is dark when it is darker than the mean
/// of the window around it by at least `offset` (and 4 % of that mean).
/// `window` is the window side in pixels. `true` = dark.
pub fn binarize_local_mean(img: &GrayImage, window: u32, offset: u32) -> Vec<bool> {
    let sums = integral(img);
    let (w, h) = (img.width() as usize, img.height() as usize);
    let r = (window / 2).max(1) as usize;
    let stride = w + 1;
    let mut out = Vec::with_capacity(w * h);
    for (y, row) in img.as_raw().chunks_exact(w).enumerate() {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        let (top, bottom) = (&sums[y0 * stride..], &sums[y1 * stride..]);
        for (x, &p) in row.iter().enumerate() {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let total = bottom[x1] + top[x0] - bottom[x0] - top[x1];
            let area = ((x1 - x0) * (y1 - y0)) as u64;
            // p < mean − max(offset, mean/25), without dividing.
            let margin = (offset as u64 * area).max(total / 25);
            out.push(p as u64 * area + margin < total);
        }
    }
    out
}

/// Whether a binarised image holds enough finder-pattern cross-sections
/// (dark:light:dark:light:dark runs of 1:1:3:1:1 along a row) for a QR code
/// to be possible; lets a frame without a code skip the decoder.
pub fn has_finder_candidates(dark: &[bool], w: usize, min_hits: usize) -> bool {
    let mut hits = 0;
    for row in dark.chunks_exact(w) {
        let mut runs = [0usize; 5];
        let mut current = row[0];
        let mut len = 0;
        for &d in row {
            if d == current {
                len += 1;
                continue;
            }
            runs.rotate_left(1);
            runs[4] = len;
            // The five runs just closed end with a dark run when `current` was dark.
            if current && looks_like_finder(&runs) {
                hits += 1;
                if hits >= min_hits {
                    return true;
                }
            }
            current = d;
            len = 1;
        }
    }
    false
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

    #[test]
    fn finder_cross_sections_are_found() {
        // 1:1:3:1:1 at 3 px per module, surrounded by light.
        let mut row = vec![false; 6];
        for (i, n) in [3usize, 3, 9, 3, 3].iter().enumerate() {
            row.extend(std::iter::repeat_n(i % 2 == 0, *n));
        }
        row.extend(vec![false; 6]);
        let w = row.len();
        let img: Vec<bool> = row.iter().cycle().take(w * 4).copied().collect();
        assert!(has_finder_candidates(&img, w, 4));
        assert!(!has_finder_candidates(&img, w, 5));
        let stripes: Vec<bool> = (0..w * 4).map(|i| (i % w) % 4 < 2).collect();
        assert!(!has_finder_candidates(&stripes, w, 1));
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
