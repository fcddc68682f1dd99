//! A document photographed off a screen (翻拍): the screen's pixel grid,
//! sampled by the camera's, leaves sharp peaks in the photo's spectrum
//! (the grid's frequencies and their moiré beats) that print on paper or a
//! card does not have. Measured on the document's middle at the photo's own
//! resolution (a reduced copy would fold the grid into other frequencies).

use image::{DynamicImage, GenericImageView};

use super::finding::PixelRect;

/// Side of the square window analysed, pixels (at most; smaller documents
/// use the largest power of two that fits).
const WINDOW: u32 = 256;
/// The document's short side, pixels, it is averaged down to about.
const MEASURED_SHORT_SIDE: f64 = 700.0;
/// Smallest window worth analysing.
const MIN_WINDOW: u32 = 64;
/// A bin is a peak when its power is this many times its ring's median.
const PEAK_OVER_RING: f32 = 40.0;
/// Peaks counted: a grid's two frequencies, their sum and difference, each
/// mirrored through the origin.
const STRONGEST: usize = 8;
/// Frequencies below this share of the sampling rate are left out: the
/// print's own strokes and the document's layout live there.
const LOW_CUT: f32 = 0.1;

/// Share of the spectrum's power (luma and the red–blue difference, above
/// the lowest frequencies, off the two axes where straight print lines put
/// theirs) held in isolated sharp peaks, at the document's middle: about 0
/// for paper and cards, from a few per cent up for a screen.
pub fn screen_pattern(image: &DynamicImage, region: PixelRect) -> f64 {
    // A larger photo of the document shows each screen pixel over more
    // camera pixels: averaged down by a whole factor to about the size
    // where the grid's pitch is a few pixels (the grid stays a sharp peak,
    // folded or not).
    let short = region.width.min(region.height);
    let k = ((short as f64 / MEASURED_SHORT_SIDE).round() as u32).max(1);
    let inner = (short as f64 * 0.6) as u32 / k;
    let Some(side) = [WINDOW, 128, MIN_WINDOW].into_iter().find(|&s| s <= inner) else {
        return 0.0;
    };
    let span = side * k;
    let x = (region.x + region.width / 2).saturating_sub(span / 2);
    let y = (region.y + region.height / 2).saturating_sub(span / 2);
    if x + span > image.width() || y + span > image.height() {
        return 0.0;
    }
    let view = image.view(x, y, span, span);
    let n = side as usize;
    let (mut luma, mut red_blue) = (vec![0.0f32; n * n], vec![0.0f32; n * n]);
    for (px, py, p) in view.pixels() {
        let [r, g, b, _] = p.0.map(|v| v as f32);
        let at = (py / k) as usize * n + (px / k) as usize;
        luma[at] += 0.299 * r + 0.587 * g + 0.114 * b;
        red_blue[at] += r - b;
    }
    peak_share(&spectrum([&luma, &red_blue], n), n)
}

/// The power spectra of `n` × `n` tiles (`n` a power of two), summed, each
/// tile's mean removed and a Hann window applied (so that the tile's
/// borders add no false frequencies); the window and the transform are
/// built once for all tiles.
fn spectrum(tiles: [&[f32]; 2], n: usize) -> Vec<f32> {
    let hann: Vec<f32> = (0..n)
        .map(|i| 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / n as f32).cos())
        .collect();
    let fft = Fft::new(n);
    let mut power = vec![0.0f32; n * n];
    let mut column = vec![(0.0, 0.0); n];
    for values in tiles {
        let mean = values.iter().sum::<f32>() / values.len().max(1) as f32;
        let mut data: Vec<(f32, f32)> = values
            .iter()
            .enumerate()
            .map(|(i, &v)| ((v - mean) * hann[i / n] * hann[i % n], 0.0))
            .collect();
        for row in data.chunks_exact_mut(n) {
            fft.transform(row);
        }
        for c in 0..n {
            for r in 0..n {
                column[r] = data[r * n + c];
            }
            fft.transform(&mut column);
            for r in 0..n {
                data[r * n + c] = column[r];
            }
        }
        for (p, &(re, im)) in power.iter_mut().zip(&data) {
            *p += re * re + im * im;
        }
    }
    power
}

/// A radix-2 discrete Fourier transform of one size: the only sizes
/// measured are 64, 128 and 256 points, for which these few lines do what
/// a general FFT crate does at a fraction of the shipped library's size
/// (rustfft added 250 KB to it).
struct Fft {
    /// e^(−2πik/n) for k < n/2, as (re, im).
    twiddles: Vec<(f32, f32)>,
}

impl Fft {
    /// The transform of `n` points (a power of two).
    fn new(n: usize) -> Fft {
        debug_assert!(n.is_power_of_two());
        let twiddles = (0..n / 2)
            .map(|k| {
                let (s, c) = (-2.0 * std::f64::consts::PI * k as f64 / n as f64).sin_cos();
                (c as f32, s as f32)
            })
            .collect();
        Fft { twiddles }
    }

    /// Transforms `data` in place (iterative Cooley–Tukey, decimation in
    /// time: bit-reversed order, then butterflies of doubling span).
    fn transform(&self, data: &mut [(f32, f32)]) {
        let n = data.len();
        let bits = n.trailing_zeros();
        for i in 0..n {
            let j = i.reverse_bits() >> (usize::BITS - bits);
            if i < j {
                data.swap(i, j);
            }
        }
        let mut span = 1;
        while span < n {
            let step = n / (2 * span);
            for start in (0..n).step_by(2 * span) {
                for k in 0..span {
                    let (wr, wi) = self.twiddles[k * step];
                    let (br, bi) = data[start + k + span];
                    let t = (br * wr - bi * wi, br * wi + bi * wr);
                    let a = data[start + k];
                    data[start + k] = (a.0 + t.0, a.1 + t.1);
                    data[start + k + span] = (a.0 - t.0, a.1 - t.1);
                }
            }
            span *= 2;
        }
    }
}

/// The share of the power in the analysed band held by the strongest few
/// bins that stand out of their ring (same distance from the origin) as
/// sharp local maxima.
fn peak_share(power: &[f32], n: usize) -> f64 {
    // Signed frequency of bin `i`, in bins.
    let freq = |i: usize| {
        if i < n / 2 {
            i as i64
        } else {
            i as i64 - n as i64
        }
    };
    let low = (LOW_CUT * n as f32).ceil() as i64;
    let high = (n / 2) as i64;
    let in_band = |r: usize, c: usize| {
        let (fy, fx) = (freq(r), freq(c));
        let radius = ((fx * fx + fy * fy) as f64).sqrt() as i64;
        (fx.abs() > 1 && fy.abs() > 1 && radius >= low && radius < high).then_some(radius as usize)
    };
    let mut rings: Vec<Vec<f32>> = vec![Vec::new(); high as usize];
    for r in 0..n {
        for c in 0..n {
            if let Some(radius) = in_band(r, c) {
                rings[radius].push(power[r * n + c]);
            }
        }
    }
    let medians: Vec<f32> = rings
        .iter_mut()
        .map(|ring| {
            if ring.is_empty() {
                return f32::MAX;
            }
            let mid = ring.len() / 2;
            *ring.select_nth_unstable_by(mid, f32::total_cmp).1
        })
        .collect();
    let mut total = 0.0f64;
    let mut peaks: Vec<f32> = Vec::new();
    for r in 0..n {
        for c in 0..n {
            let Some(radius) = in_band(r, c) else {
                continue;
            };
            let p = power[r * n + c];
            total += p as f64;
            let neighbours_lower = (-1i64..=1).all(|dr| {
                (-1i64..=1).all(|dc| {
                    let rr = (r as i64 + dr).rem_euclid(n as i64) as usize;
                    let cc = (c as i64 + dc).rem_euclid(n as i64) as usize;
                    (dr == 0 && dc == 0) || power[rr * n + cc] <= p
                })
            });
            if neighbours_lower && p > PEAK_OVER_RING * medians[radius] {
                peaks.push(p);
            }
        }
    }
    // A grid's power sits in a few peaks (its two frequencies, their sum and
    // difference, and the same mirrored); ruled lines and evenly spaced
    // print spread theirs over many weak harmonics.
    peaks.sort_by(|a, b| b.total_cmp(a));
    let strongest: f64 = peaks.iter().take(STRONGEST).map(|&p| p as f64).sum();
    if total > 0.0 {
        (strongest / total).max(0.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn region(w: u32, h: u32) -> PixelRect {
        PixelRect {
            x: 0,
            y: 0,
            width: w,
            height: h,
        }
    }

    /// A paper-like page: noise and dark strokes at random places.
    fn page(w: u32, h: u32) -> RgbImage {
        let mut seed = 3u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        let mut img = RgbImage::from_fn(w, h, |_, _| {
            let v = 225 + (next() % 12) as u8;
            Rgb([v, v - 4, v - 10])
        });
        for _ in 0..60 {
            let (x, y, len) = (next() % (w - 40), next() % (h - 10), 10 + next() % 30);
            for k in 0..len {
                for t in 0..3 {
                    img.put_pixel(x + k, y + t, Rgb([40, 40, 45]));
                }
            }
        }
        img
    }

    #[test]
    fn paper_has_no_screen_pattern_and_a_pixel_grid_has() {
        let paper = page(400, 300);
        let clean = screen_pattern(&DynamicImage::ImageRgb8(paper.clone()), region(400, 300));
        assert!(clean < 0.02, "{clean}");
        // The same page under a screen's grid: every 3.3 px, turned, a
        // dark line between pixel rows and columns.
        let (s, c) = 0.05f32.sin_cos();
        let screen = RgbImage::from_fn(400, 300, |x, y| {
            let (u, v) = (
                (x as f32 * c - y as f32 * s) / 3.3,
                (x as f32 * s + y as f32 * c) / 3.3,
            );
            let lit = u.fract() < 0.8 && v.fract() < 0.85;
            let p = paper.get_pixel(x, y).0;
            Rgb(p.map(|v| if lit { v } else { v / 3 }))
        });
        let found = screen_pattern(&DynamicImage::ImageRgb8(screen), region(400, 300));
        assert!(found > 0.1, "{found}");
    }

    #[test]
    fn straight_ruled_lines_are_not_a_screen() {
        // A form: ruled lines every 12 px both ways.
        let mut form = page(400, 300);
        for (x, y, p) in form.enumerate_pixels_mut() {
            if x % 12 == 0 || y % 12 == 0 {
                *p = Rgb([30, 30, 30]);
            }
        }
        let share = screen_pattern(&DynamicImage::ImageRgb8(form), region(400, 300));
        assert!(share < 0.05, "{share}");
    }

    #[test]
    fn the_transform_matches_the_definition() {
        let n = 16;
        let signal: Vec<(f32, f32)> = (0..n)
            .map(|i| (((i * 7) % 5) as f32 - 2.0, ((i * 3) % 4) as f32))
            .collect();
        let mut fast = signal.clone();
        Fft::new(n).transform(&mut fast);
        for (k, &(re, im)) in fast.iter().enumerate() {
            let (mut er, mut ei) = (0.0f64, 0.0f64);
            for (t, &(xr, xi)) in signal.iter().enumerate() {
                let (s, c) = (-2.0 * std::f64::consts::PI * (k * t) as f64 / n as f64).sin_cos();
                er += xr as f64 * c - xi as f64 * s;
                ei += xr as f64 * s + xi as f64 * c;
            }
            assert!(
                (re as f64 - er).abs() < 1e-4 && (im as f64 - ei).abs() < 1e-4,
                "{k}"
            );
        }
    }

    #[test]
    fn small_documents_are_not_measured() {
        let tiny = DynamicImage::ImageRgb8(page(80, 60));
        assert_eq!(screen_pattern(&tiny, region(80, 60)), 0.0);
    }
}
