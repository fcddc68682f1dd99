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

/// Summed-area table with one row/column of zero padding.
struct Integral {
    w: usize,
    sums: Vec<u64>,
}

impl Integral {
    fn new(img: &GrayImage) -> Integral {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let mut sums = vec![0u64; (w + 1) * (h + 1)];
        for (y, row) in img.as_raw().chunks_exact(w).enumerate() {
            let mut run = 0u64;
            for (x, &p) in row.iter().enumerate() {
                run += p as u64;
                sums[(y + 1) * (w + 1) + x + 1] = sums[y * (w + 1) + x + 1] + run;
            }
        }
        Integral { w, sums }
    }

    /// Mean over the window centred on (x, y) with radius r, clipped to the image.
    fn mean(&self, x: usize, y: usize, r: usize, h: usize) -> u32 {
        let (x0, y0) = (x.saturating_sub(r), y.saturating_sub(r));
        let (x1, y1) = ((x + r + 1).min(self.w), (y + r + 1).min(h));
        let s = |xx: usize, yy: usize| self.sums[yy * (self.w + 1) + xx];
        let total = s(x1, y1) + s(x0, y0) - s(x0, y1) - s(x1, y0);
        (total / ((x1 - x0) * (y1 - y0)) as u64) as u32
    }
}

/// Box blur of radius `r` (a (2r+1)² window).
pub fn box_blur(img: &GrayImage, r: u32) -> GrayImage {
    if r == 0 {
        return img.clone();
    }
    let integral = Integral::new(img);
    let h = img.height() as usize;
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        image::Luma([integral.mean(x as usize, y as usize, r as usize, h) as u8])
    })
}

/// Local-mean binarisation: a pixel is dark when it is darker than the mean
/// of the window around it by at least `offset` (and 4 % of that mean).
/// `window` is the window side in pixels. `true` = dark.
pub fn binarize_local_mean(img: &GrayImage, window: u32, offset: u32) -> Vec<bool> {
    let integral = Integral::new(img);
    let (w, h) = (img.width() as usize, img.height() as usize);
    let r = (window / 2).max(1) as usize;
    let mut out = Vec::with_capacity(w * h);
    for (y, row) in img.as_raw().chunks_exact(w).enumerate() {
        for (x, &p) in row.iter().enumerate() {
            let mean = integral.mean(x, y, r, h);
            let margin = offset.max(mean / 25);
            out.push((p as u32) + margin < mean);
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
    fn otsu_splits_two_levels() {
        let img = GrayImage::from_fn(10, 10, |x, _| image::Luma([if x < 5 { 40 } else { 180 }]));
        let level = otsu_level(&img);
        assert!((40..180).contains(&level));
    }

    #[test]
    fn blur_keeps_flat_images_flat() {
        let img = GrayImage::from_pixel(9, 9, image::Luma([77]));
        assert!(box_blur(&img, 2).as_raw().iter().all(|&p| p == 77));
    }
}
