//! Our own grid reader: three finder patterns in an L give the code's
//! position, size and version; the alignment pattern (version ≥ 2) or a
//! parallelogram gives the fourth point; a perspective transform samples
//! every module; `rqrr` then does only the format, error correction and
//! data decoding. Much faster than `rqrr`'s own grid fitting, and it
//! tolerates perspective and broken finder outlines better.

use rqrr::{BitGrid, Grid};

use super::finder::{Bitmap, Finder};
use super::guard::{contained, RawCode};
use super::text::guess_text;

/// Most finder candidates combined into triples (the strongest ones).
const MAX_FINDERS: usize = 9;

/// Share (in tenths) of timing-pattern modules that must read as expected
/// before a sampled grid goes to the decoder; random grids agree about half.
const MIN_TIMING_AGREEMENT_TENTHS: usize = 7;

/// Decodes every code whose three finder patterns are among `finders`.
pub fn decode_from_finders(img: Bitmap<'_>, finders: &[Finder]) -> Vec<RawCode> {
    let strong: Vec<Finder> = finders
        .iter()
        .filter(|f| f.hits >= 2)
        .take(MAX_FINDERS)
        .copied()
        .collect();
    let mut codes: Vec<RawCode> = Vec::new();
    let mut used = vec![false; strong.len()];
    for i in 0..strong.len() {
        for j in i + 1..strong.len() {
            for k in j + 1..strong.len() {
                if used[i] || used[j] || used[k] {
                    continue;
                }
                let Some((tl, tr, bl)) = as_l_shape(strong[i], strong[j], strong[k]) else {
                    continue;
                };
                if let Some(code) = read_grid(img, tl, tr, bl) {
                    used[i] = true;
                    used[j] = true;
                    used[k] = true;
                    if !codes.iter().any(|c| c.text == code.text) {
                        codes.push(code);
                    }
                }
            }
        }
    }
    codes
}

/// Orders three finders as top-left, top-right, bottom-left when they form
/// a plausible (possibly perspective-distorted) L.
fn as_l_shape(a: Finder, b: Finder, c: Finder) -> Option<(Finder, Finder, Finder)> {
    let modules = [a.module, b.module, c.module];
    let (lo, hi) = (
        modules.iter().copied().fold(f32::MAX, f32::min),
        modules.iter().copied().fold(0.0, f32::max),
    );
    if hi > lo * 1.8 {
        return None;
    }
    let d = |p: Finder, q: Finder| ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
    let (ab, bc, ac) = (d(a, b), d(b, c), d(a, c));
    // The corner opposite the longest side is the top-left.
    let (tl, mut tr, mut bl) = if bc >= ab && bc >= ac {
        (a, b, c)
    } else if ac >= ab && ac >= bc {
        (b, a, c)
    } else {
        (c, a, b)
    };
    let (ux, uy, vx, vy) = (tr.x - tl.x, tr.y - tl.y, bl.x - tl.x, bl.y - tl.y);
    let (lu, lv) = ((ux * ux + uy * uy).sqrt(), (vx * vx + vy * vy).sqrt());
    if lu < 7.0 * lo || lv < 7.0 * lo || lu.max(lv) > lu.min(lv) * 1.7 {
        return None;
    }
    let cos = (ux * vx + uy * vy) / (lu * lv);
    if cos.abs() > 0.45 {
        return None;
    }
    // In image coordinates (y down) top-right × bottom-left is positive.
    if ux * vy - uy * vx < 0.0 {
        std::mem::swap(&mut tr, &mut bl);
    }
    Some((tl, tr, bl))
}

/// Tries the estimated version and its neighbours.
fn read_grid(img: Bitmap<'_>, tl: Finder, tr: Finder, bl: Finder) -> Option<RawCode> {
    let d = |p: Finder, q: Finder| ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
    let across = d(tl, tr) / ((tl.module + tr.module) / 2.0);
    let down = d(tl, bl) / ((tl.module + bl.module) / 2.0);
    let dimension = (across + down) / 2.0 + 7.0;
    let version = ((dimension - 17.0) / 4.0).round().clamp(1.0, 40.0) as i32;
    [version, version + 1, version - 1]
        .into_iter()
        .filter(|v| (1..=40).contains(v))
        .find_map(|v| read_version(img, tl, tr, bl, 17 + 4 * v as usize))
}

fn read_version(
    img: Bitmap<'_>,
    tl: Finder,
    tr: Finder,
    bl: Finder,
    dim: usize,
) -> Option<RawCode> {
    let n = dim as f32;
    let span = n - 7.0;
    // Parallelogram estimate of where the fourth finder-like point would be.
    let (brx, bry) = (tr.x + bl.x - tl.x, tr.y + bl.y - tl.y);
    let fourth = if dim > 21 {
        let along = 1.0 - 3.0 / span;
        let estimate = (tl.x + along * (brx - tl.x), tl.y + along * (bry - tl.y));
        let axes = (
            (tr.x - tl.x) / span,
            (tr.y - tl.y) / span,
            (bl.x - tl.x) / span,
            (bl.y - tl.y) / span,
        );
        match find_alignment(img, estimate, axes) {
            Some(found) => ((n - 6.5, n - 6.5), found),
            None => ((n - 6.5, n - 6.5), estimate),
        }
    } else {
        ((n - 3.5, n - 3.5), (brx, bry))
    };
    let transform = Homography::from_points(
        [(3.5, 3.5), (n - 3.5, 3.5), (3.5, n - 3.5), fourth.0],
        [(tl.x, tl.y), (tr.x, tr.y), (bl.x, bl.y), fourth.1],
    )?;
    let mut bits = Vec::with_capacity(dim * dim);
    for my in 0..dim {
        for mx in 0..dim {
            let (x, y) = transform.map(mx as f32 + 0.5, my as f32 + 0.5);
            let (x, y) = (x.floor(), y.floor());
            if x < -1.0 || y < -1.0 || x > img.w as f32 || y > img.h as f32 {
                return None;
            }
            let (x, y) = (
                (x.max(0.0) as usize).min(img.w - 1),
                (y.max(0.0) as usize).min(img.h - 1),
            );
            bits.push(img.dark[y * img.w + x]);
        }
    }
    if !timing_plausible(&bits, dim) {
        return None;
    }
    let grid = Grid::new(SampledGrid { size: dim, bits });
    let mut bytes = Vec::new();
    contained(|| grid.decode_to(&mut bytes).is_ok()).filter(|ok| *ok)?;
    let corner = |x: f32, y: f32| {
        let (px, py) = transform.map(x, y);
        (px, py)
    };
    Some(RawCode {
        text: guess_text(&bytes),
        corners: [
            corner(0.0, 0.0),
            corner(n, 0.0),
            corner(n, n),
            corner(0.0, n),
        ],
    })
}

/// Whether the sampled timing patterns (row 6 and column 6 between the
/// finders, alternating dark/light) mostly agree with a real code: a cheap
/// filter that spares the Reed–Solomon decoder false triples and wrong
/// version guesses, whose timing drifts out of phase.
fn timing_plausible(bits: &[bool], dim: usize) -> bool {
    let span = 8..dim - 8;
    let total = 2 * span.len();
    let agree = span
        .filter(|&i| i % 2 == 0)
        .map(|i| (bits[6 * dim + i] as usize) + (bits[i * dim + 6] as usize))
        .sum::<usize>()
        + (8..dim - 8)
            .filter(|&i| i % 2 == 1)
            .map(|i| (!bits[6 * dim + i] as usize) + (!bits[i * dim + 6] as usize))
            .sum::<usize>();
    agree * 10 >= total * MIN_TIMING_AGREEMENT_TENTHS
}

/// The alignment pattern (a dark module in a light ring in a dark ring)
/// nearest the estimate; `axes` are the image vectors of one module along
/// the code's x and y.
fn find_alignment(
    img: Bitmap<'_>,
    estimate: (f32, f32),
    axes: (f32, f32, f32, f32),
) -> Option<(f32, f32)> {
    let (ax, ay, bx, by) = axes;
    let module = ((ax * ax + ay * ay).sqrt() + (bx * bx + by * by).sqrt()) / 2.0;
    let radius = (module * 4.0).ceil() as i32;
    let sample = |x: f32, y: f32| {
        let (x, y) = (x.round(), y.round());
        x >= 0.0
            && y >= 0.0
            && (x as usize) < img.w
            && (y as usize) < img.h
            && img.dark[y as usize * img.w + x as usize]
    };
    let score = |cx: f32, cy: f32| {
        let mut s = sample(cx, cy) as u32;
        for (i, j) in [
            (-1, -1),
            (0, -1),
            (1, -1),
            (-1, 0),
            (1, 0),
            (-1, 1),
            (0, 1),
            (1, 1),
        ] {
            let (i, j) = (i as f32, j as f32);
            s += !sample(cx + i * ax + j * bx, cy + i * ay + j * by) as u32;
            s += sample(cx + 2.0 * (i * ax + j * bx), cy + 2.0 * (i * ay + j * by)) as u32;
        }
        s
    };
    let mut best: Option<(u32, f32, (f32, f32))> = None;
    for dy in -radius..=radius {
        for dx in -radius..=radius {
            let (cx, cy) = (estimate.0 + dx as f32, estimate.1 + dy as f32);
            let s = score(cx, cy);
            let dist = (dx * dx + dy * dy) as f32;
            if s >= 15 && best.is_none_or(|(bs, bd, _)| s > bs || (s == bs && dist < bd)) {
                best = Some((s, dist, (cx, cy)));
            }
        }
    }
    best.map(|(_, _, p)| p)
}

/// Module bits read off the image, for `rqrr`'s decoder.
struct SampledGrid {
    size: usize,
    bits: Vec<bool>,
}

impl BitGrid for SampledGrid {
    fn size(&self) -> usize {
        self.size
    }

    fn bit(&self, y: usize, x: usize) -> bool {
        self.bits[y * self.size + x]
    }
}

/// A plane perspective transform (3×3, last entry 1).
#[derive(Debug, Clone, Copy)]
pub struct Homography([f32; 8]);

impl Homography {
    /// The transform taking each `from` point to the matching `to` point;
    /// `None` when the points are degenerate (three in a line).
    pub fn from_points(from: [(f32, f32); 4], to: [(f32, f32); 4]) -> Option<Homography> {
        let mut m = [[0f64; 9]; 8];
        for (i, (&(x, y), &(u, v))) in from.iter().zip(&to).enumerate() {
            let (x, y, u, v) = (x as f64, y as f64, u as f64, v as f64);
            m[2 * i] = [x, y, 1.0, 0.0, 0.0, 0.0, -x * u, -y * u, u];
            m[2 * i + 1] = [0.0, 0.0, 0.0, x, y, 1.0, -x * v, -y * v, v];
        }
        // Gauss–Jordan elimination with partial pivoting.
        for col in 0..8 {
            let pivot = (col..8).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
            if m[pivot][col].abs() < 1e-9 {
                return None;
            }
            m.swap(col, pivot);
            let p = m[col][col];
            m[col].iter_mut().for_each(|v| *v /= p);
            let pivot_row = m[col];
            for (r, row) in m.iter_mut().enumerate() {
                let f = row[col];
                if r != col && f != 0.0 {
                    row.iter_mut()
                        .zip(&pivot_row)
                        .skip(col)
                        .for_each(|(v, p)| *v -= f * p);
                }
            }
        }
        Some(Homography(std::array::from_fn(|i| m[i][8] as f32)))
    }

    /// Where (x, y) goes.
    pub fn map(&self, x: f32, y: f32) -> (f32, f32) {
        let h = &self.0;
        let w = h[6] * x + h[7] * y + 1.0;
        (
            (h[0] * x + h[1] * y + h[2]) / w,
            (h[3] * x + h[4] * y + h[5]) / w,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_its_control_points() {
        let from = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        let to = [(5.0, 7.0), (40.0, 3.0), (45.0, 50.0), (2.0, 38.0)];
        let h = Homography::from_points(from, to).unwrap();
        for (f, t) in from.iter().zip(&to) {
            let (x, y) = h.map(f.0, f.1);
            assert!(
                (x - t.0).abs() < 1e-3 && (y - t.1).abs() < 1e-3,
                "{f:?} → ({x}, {y}) not {t:?}"
            );
        }
        let line = [(0.0, 0.0), (1.0, 1.0), (2.0, 2.0), (3.0, 3.0)];
        assert!(Homography::from_points(line, to).is_none());
    }

    #[test]
    fn timing_filter_accepts_real_codes_and_rejects_noise_and_wrong_sizes() {
        let code = qrcode::QrCode::with_error_correction_level(
            "https://gw.example.cn/q#timing-filter-test-payload",
            qrcode::EcLevel::M,
        )
        .unwrap();
        let dim = code.width();
        let bits: Vec<bool> = code
            .to_colors()
            .iter()
            .map(|c| *c == qrcode::Color::Dark)
            .collect();
        assert!(timing_plausible(&bits, dim));
        // The same modules read as a code four modules larger: out of phase.
        let wrong = dim + 4;
        let resampled: Vec<bool> = (0..wrong * wrong)
            .map(|i| {
                let (x, y) = (i % wrong * dim / wrong, i / wrong * dim / wrong);
                bits[y * dim + x]
            })
            .collect();
        assert!(!timing_plausible(&resampled, wrong));
        let mut state = 0x2545_f491_u32;
        let noise: Vec<bool> = (0..dim * dim)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state & 1 == 1
            })
            .collect();
        assert!(!timing_plausible(&noise, dim));
    }
}
