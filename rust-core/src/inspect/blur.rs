//! Blur as a reviewer sees it: how far the picture's strongest edges are
//! spread, in each of four directions. Defocus spreads edges in every
//! direction, motion blur those lying across its path; sensor noise and JPEG
//! blocks add weak edges, which the measure does not look at, so neither
//! reads as detail (the earlier measure, the share of fine detail a slight
//! blur removes, counted noise as sharpness and barely saw motion).
//!
//! For each strong edge (a local maximum of the gradient), the grey level is
//! followed along the gradient, both ways, while it keeps rising (falling)
//! by more than the noise: the contrast it covers over the gradient's peak
//! is the edge's spread in pixels (a step blurred by a Gaussian of σ spreads
//! over σ·√(2π), a motion of length L across it over L). In each direction
//! a low quantile of the spreads is taken (a sharp picture has many sharp
//! edges each way, besides soft shadows), and the worst direction is the
//! picture's blur. A direction left with almost no strong edges while the
//! one across it has many times more has been smeared flat, and counts as
//! fully spread.

use image::GrayImage;

use crate::imaging::{resize_luma, Resample};

/// How blurred a picture is, as the spread of its strongest edges in a
/// share of the measured width (the face's or the document's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlurSpread {
    /// Spread in the most blurred of the four directions.
    pub worst: f64,
    /// Spread in the least blurred direction: close to `worst` for defocus,
    /// far below it for motion blur.
    pub best: f64,
}

impl BlurSpread {
    /// The spread reported when nothing in the picture is an edge (a flat
    /// or featureless crop): the most blurred value, so it fails.
    const NO_EDGES: BlurSpread = BlurSpread {
        worst: 1.0,
        best: 1.0,
    };

    /// Whether the blur runs in one direction (the phone moved) rather than
    /// in all (out of focus): the worst direction twice the best or more.
    pub fn is_motion(&self) -> bool {
        self.worst >= 2.0 * self.best
    }
}

/// Pixels an edge is followed each way (at the measured scale): edges
/// spread wider than twice this read as that wide.
const REACH: usize = 16;
/// The quantile of the spreads taken in each direction.
const QUANTILE: f64 = 0.3;
/// Fewest strong edges a picture, and each direction, needs to be judged.
const MIN_EDGES: usize = 8;
/// A direction holding less than this share of the strong edges, and fewer
/// than the direction across it by this ratio, counts as smeared flat.
const MIN_DIRECTION_SHARE: f64 = 0.04;
/// See [`MIN_DIRECTION_SHARE`].
const SMEARED_RATIO: usize = 4;
/// Edges weaker than this share of the 99th-percentile gradient are not
/// looked at (texture, shading, noise).
const STRONG_SHARE: f32 = 0.4;
/// Spread of an edge as sharp as the pixel grid allows (an edge between
/// pixels, a lens, demosaicing), in pixels.
const PIXEL_SPREAD: f64 = 1.0;
/// Standard deviation of the smoothing applied before the gradients
/// (binomial 1-4-6-4-1), in pixels; removed again from each spread.
const SMOOTHING_SIGMA: f64 = 1.0;

/// The blur of `image` measured at `width` pixels across (reduced to it when
/// wider, so the spread is a share of the same thing at every resolution;
/// never enlarged), as a share of `width`.
pub fn blur_spread(image: &GrayImage, width: u32) -> BlurSpread {
    if image.width() < 16 || image.height() < 16 {
        return BlurSpread::NO_EDGES;
    }
    let norm = if image.width() > width {
        let height = (image.height() as u64 * width as u64 / image.width() as u64).max(16) as u32;
        resize_luma(image, (width, height), Resample::Linear)
    } else {
        image.clone()
    };
    let plane = Plane::from_gray(&norm);
    let tolerance = 2.0 * RESIDUAL_NOISE * noise_sigma(&plane) + 0.5;
    let smooth = plane.smoothed();
    let spreads = edge_spreads(&smooth, tolerance as f32);
    let total: usize = spreads.iter().map(Vec::len).sum();
    if total < MIN_EDGES {
        return BlurSpread::NO_EDGES;
    }
    // A direction left with almost no strong edges while the one across it
    // has plenty has been smeared flat (motion wipes out the edges across
    // its path): it counts as spread as far as the measure reaches. A bare
    // direction beside one nearly as bare is how the picture is drawn (the
    // corners of a table, of printed bars): it is judged by the edges it
    // has, or not at all when it has too few.
    let enough = MIN_EDGES.max((MIN_DIRECTION_SHARE * total as f64) as usize);
    let counts: Vec<usize> = spreads.iter().map(Vec::len).collect();
    let per_direction: Vec<f64> = spreads
        .into_iter()
        .enumerate()
        .filter_map(|(i, mut s)| {
            let across = counts[(i + 2) % 4];
            let bare = s.len() < enough;
            if bare && across >= enough && s.len() * SMEARED_RATIO < across {
                Some((2 * REACH) as f64)
            } else if s.len() >= MIN_EDGES {
                Some(quantile(&mut s, QUANTILE))
            } else {
                None
            }
        })
        .collect();
    if per_direction.is_empty() {
        return BlurSpread::NO_EDGES;
    }
    // A share of the measuring width even when the picture is narrower (a
    // small face, a live frame's reduced copy): it is judged at its own
    // pixels, where an edge cannot look sharper than about one pixel, and
    // blur finer than its pixels is not seen.
    let measured = width.max(1) as f64;
    let fold = |f: fn(f64, f64) -> f64, init| per_direction.iter().copied().fold(init, f);
    BlurSpread {
        worst: (fold(f64::max, 0.0) / measured).min(1.0),
        best: (fold(f64::min, f64::INFINITY) / measured).min(1.0),
    }
}

/// Share of white noise's standard deviation that the binomial smoothing
/// leaves (1 / (2·√π·σ) for a Gaussian of σ = 1).
const RESIDUAL_NOISE: f64 = 0.28;

/// A grey picture as floating-point levels, row by row.
struct Plane {
    data: Vec<f32>,
    width: usize,
    height: usize,
}

impl Plane {
    fn from_gray(image: &GrayImage) -> Plane {
        Plane {
            data: image.as_raw().iter().map(|&v| v as f32).collect(),
            width: image.width() as usize,
            height: image.height() as usize,
        }
    }

    fn at(&self, x: usize, y: usize) -> f32 {
        self.data[y * self.width + x]
    }

    /// The level at a point between pixels (bilinear), `None` outside.
    fn sample(&self, x: f32, y: f32) -> Option<f32> {
        if x < 0.0 || y < 0.0 {
            return None;
        }
        let (x0, y0) = (x as usize, y as usize);
        if x0 + 1 >= self.width || y0 + 1 >= self.height {
            return None;
        }
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let top = self.at(x0, y0) * (1.0 - fx) + self.at(x0 + 1, y0) * fx;
        let bottom = self.at(x0, y0 + 1) * (1.0 - fx) + self.at(x0 + 1, y0 + 1) * fx;
        Some(top * (1.0 - fy) + bottom * fy)
    }

    /// Smoothed by the separable binomial 1-4-6-4-1 kernel (σ = 1), edges
    /// repeated.
    fn smoothed(&self) -> Plane {
        let pass = |src: &[f32], len: usize, stride: usize, count: usize, step: usize| {
            let mut out = vec![0.0f32; src.len()];
            for line in 0..count {
                let base = line * step;
                for i in 0..len {
                    let tap = |d: isize| {
                        let j = (i as isize + d).clamp(0, len as isize - 1) as usize;
                        src[base + j * stride]
                    };
                    out[base + i * stride] =
                        (tap(-2) + 4.0 * tap(-1) + 6.0 * tap(0) + 4.0 * tap(1) + tap(2)) / 16.0;
                }
            }
            out
        };
        let rows = pass(&self.data, self.width, 1, self.height, self.width);
        let data = pass(&rows, self.height, self.width, self.width, 1);
        Plane {
            data,
            width: self.width,
            height: self.height,
        }
    }
}

/// Standard deviation of the picture's noise (Immerkær's estimate from the
/// mean absolute response to a Laplacian difference that cancels smooth
/// content; edges raise it a little).
fn noise_sigma(plane: &Plane) -> f64 {
    let (w, h) = (plane.width, plane.height);
    let mut sum = 0.0f64;
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let v = |dx: isize, dy: isize| {
                plane.at((x as isize + dx) as usize, (y as isize + dy) as usize) as f64
            };
            let r = v(-1, -1) + v(1, -1) + v(-1, 1) + v(1, 1)
                - 2.0 * (v(0, -1) + v(-1, 0) + v(1, 0) + v(0, 1))
                + 4.0 * v(0, 0);
            sum += r.abs();
        }
    }
    (std::f64::consts::FRAC_PI_2).sqrt() * sum / (6.0 * ((w - 2) * (h - 2)) as f64)
}

/// The spread in pixels of every strong edge of `smooth`, in four lists by
/// the direction across the edge (0°, 45°, 90°, 135°, each ± 22.5°).
fn edge_spreads(smooth: &Plane, tolerance: f32) -> [Vec<f64>; 4] {
    let (w, h) = (smooth.width, smooth.height);
    let mut gradients = vec![(0.0f32, 0.0f32, 0.0f32); w * h];
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let gx = (smooth.at(x + 1, y) - smooth.at(x - 1, y)) / 2.0;
            let gy = (smooth.at(x, y + 1) - smooth.at(x, y - 1)) / 2.0;
            gradients[y * w + x] = (gx, gy, gx.hypot(gy));
        }
    }
    let mut magnitudes: Vec<f32> = gradients.iter().map(|g| g.2).collect();
    let at = (magnitudes.len() - 1) * 99 / 100;
    let strong = (*magnitudes.select_nth_unstable_by(at, f32::total_cmp).1 * STRONG_SHARE).max(1.0);
    let mut spreads: [Vec<f64>; 4] = Default::default();
    for y in 2..h - 2 {
        for x in 2..w - 2 {
            let (gx, gy, m) = gradients[y * w + x];
            if m < strong {
                continue;
            }
            let angle = gy.atan2(gx).rem_euclid(std::f32::consts::PI);
            let bin = ((angle / std::f32::consts::FRAC_PI_4).round() as usize) % 4;
            let (dx, dy): (isize, isize) = [(1, 0), (1, 1), (0, 1), (-1, 1)][bin];
            let neighbour = |s: isize| {
                gradients[(y as isize + s * dy) as usize * w + (x as isize + s * dx) as usize].2
            };
            if m < neighbour(1) || m <= neighbour(-1) {
                continue;
            }
            let (nx, ny) = (gx / m, gy / m);
            // Followed one way: the extreme level reached before the level
            // turns back by more than the noise.
            let follow = |sign: f32| {
                let mut extreme = smooth.at(x, y) * sign;
                for k in 1..=REACH {
                    let step = sign * k as f32;
                    let Some(v) = smooth.sample(x as f32 + nx * step, y as f32 + ny * step) else {
                        break;
                    };
                    let v = v * sign;
                    if v > extreme {
                        extreme = v;
                    } else if v < extreme - tolerance {
                        break;
                    }
                }
                extreme * sign
            };
            let (high, low) = (follow(1.0), follow(-1.0));
            let contrast = (high - low) as f64;
            let spread = contrast / m as f64;
            // The smoothing's own spread and the pixel grid's, removed in
            // quadrature (else a small face reads blurrier than a large one).
            let own = 2.0 * std::f64::consts::PI * SMOOTHING_SIGMA * SMOOTHING_SIGMA
                + PIXEL_SPREAD * PIXEL_SPREAD;
            spreads[bin].push((spread * spread - own).max(0.0).sqrt());
        }
    }
    spreads
}

/// The `q` quantile of `values` (reorders them).
fn quantile(values: &mut [f64], q: f64) -> f64 {
    let at = ((values.len() - 1) as f64 * q) as usize;
    *values.select_nth_unstable_by(at, f64::total_cmp).1
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use image::Luma;

    /// A 256 × 256 picture of discs and bars of many sizes and angles
    /// (edges in every direction).
    fn shapes() -> GrayImage {
        GrayImage::from_fn(256, 256, |x, y| {
            let (fx, fy) = (x as f64, y as f64);
            let mut v = 60.0;
            for (cx, cy, r) in [(60.0, 60.0, 30.0), (180.0, 70.0, 20.0), (90.0, 190.0, 40.0)] {
                if (fx - cx).hypot(fy - cy) < r {
                    v = 200.0;
                }
            }
            if (fx + fy) as u32 % 48 < 10 && fx > 150.0 && fy > 140.0 {
                v = 20.0;
            }
            if (124..150).contains(&x) || (112..136).contains(&y) {
                v = 230.0;
            }
            Luma([v as u8])
        })
    }

    /// `image` smeared along a line of `length` pixels at `angle` degrees.
    pub(crate) fn motion(image: &GrayImage, length: f64, angle: f64) -> GrayImage {
        let (c, s) = (angle.to_radians().cos(), angle.to_radians().sin());
        let taps = (length * 2.0).ceil() as i32 + 1;
        GrayImage::from_fn(image.width(), image.height(), |x, y| {
            let mut sum = 0.0;
            for i in 0..taps {
                let t = length * (i as f64 / (taps - 1) as f64 - 0.5);
                let sx = (x as f64 + t * c)
                    .round()
                    .clamp(0.0, image.width() as f64 - 1.0);
                let sy = (y as f64 + t * s)
                    .round()
                    .clamp(0.0, image.height() as f64 - 1.0);
                sum += image.get_pixel(sx as u32, sy as u32)[0] as f64;
            }
            Luma([(sum / taps as f64).round() as u8])
        })
    }

    /// `image` with Gaussian-like noise of standard deviation `sigma`
    /// (a fixed-seed sum of uniforms).
    fn noisy(image: &GrayImage, sigma: f64) -> GrayImage {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        GrayImage::from_fn(image.width(), image.height(), |x, y| {
            let n: f64 = (0..12).map(|_| uniform()).sum::<f64>() - 6.0;
            Luma([(image.get_pixel(x, y)[0] as f64 + n * sigma).clamp(0.0, 255.0) as u8])
        })
    }

    #[test]
    fn sharp_edges_spread_little_and_blur_spreads_them() {
        let sharp = blur_spread(&shapes(), 256);
        assert!(sharp.worst < 0.01, "{sharp:?}");
        let soft = blur_spread(&image::imageops::blur(&shapes(), 3.0), 256);
        // σ = 3 spreads a step over about 7.5 px: 0.029 of 256.
        assert!((0.022..0.04).contains(&soft.worst), "{soft:?}");
        assert!(!soft.is_motion(), "{soft:?}");
    }

    #[test]
    fn motion_in_any_direction_is_seen_and_told_from_defocus() {
        for angle in [0.0, 30.0, 45.0, 90.0, 120.0, 160.0] {
            let smeared = blur_spread(&motion(&shapes(), 12.0, angle), 256);
            assert!(smeared.worst > 0.03, "{angle}°: {smeared:?}");
            assert!(smeared.is_motion(), "{angle}°: {smeared:?}");
        }
    }

    #[test]
    fn noise_neither_sharpens_a_blur_nor_blurs_a_sharp_picture() {
        let blurred = image::imageops::blur(&shapes(), 3.0);
        for sigma in [3.0, 6.0, 10.0] {
            let soft = blur_spread(&noisy(&blurred, sigma), 256);
            assert!(soft.worst > 0.022, "σ {sigma}: {soft:?}");
            let sharp = blur_spread(&noisy(&shapes(), sigma), 256);
            assert!(sharp.worst < 0.012, "σ {sigma}: {sharp:?}");
        }
    }

    #[test]
    fn the_spread_is_a_share_of_the_width_at_every_resolution() {
        let small = blur_spread(&image::imageops::blur(&shapes(), 3.0), 256);
        let large = image::imageops::resize(
            &image::imageops::blur(&shapes(), 3.0),
            1024,
            1024,
            image::imageops::FilterType::Triangle,
        );
        let large = blur_spread(&noisy(&large, 6.0), 256);
        assert!(
            (small.worst - large.worst).abs() < 0.006,
            "{small:?} {large:?}"
        );
    }

    #[test]
    fn a_grid_without_diagonal_edges_is_sharp_and_its_smear_is_seen() {
        // Horizontal and vertical bars only: nothing at 45° or 135°.
        let grid = GrayImage::from_fn(256, 256, |x, y| {
            Luma([if x % 32 < 12 || y % 40 < 14 { 40 } else { 220 }])
        });
        let sharp = blur_spread(&grid, 256);
        assert!(sharp.worst < 0.01, "{sharp:?}");
        let smeared = blur_spread(&motion(&grid, 12.0, 0.0), 256);
        assert!(smeared.worst > 0.035 && smeared.is_motion(), "{smeared:?}");
    }

    #[test]
    fn printed_bars_with_a_few_slanted_strokes_are_sharp() {
        // Lines of dashes (edges across 0° and 90°, their corners give a few
        // diagonal ones) and one slanted stroke, which adds edges to one
        // diagonal only: the other diagonal is bare beside it, yet nothing
        // is smeared.
        let bars = GrayImage::from_fn(512, 320, |x, y| {
            let dash = (y % 40 < 12) && (x % 50) < 38 && x > 20 && x < 490;
            let stroke = (x as i32 - y as i32 - 100).abs() < 3 && x < 170;
            Luma([if dash || stroke { 30 } else { 215 }])
        });
        let sharp = blur_spread(&bars, 512);
        assert!(sharp.worst < 0.006, "{sharp:?}");
        let smeared = blur_spread(&motion(&bars, 12.0, 0.0), 512);
        assert!(smeared.worst > 0.018 && smeared.is_motion(), "{smeared:?}");
    }

    #[test]
    fn a_flat_or_tiny_picture_has_no_edges_and_reads_as_blurred() {
        let flat = GrayImage::from_pixel(64, 64, Luma([128]));
        assert_eq!(blur_spread(&flat, 64), BlurSpread::NO_EDGES);
        assert_eq!(blur_spread(&GrayImage::new(8, 8), 64), BlurSpread::NO_EDGES);
    }
}
