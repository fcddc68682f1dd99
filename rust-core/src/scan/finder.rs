//! Finder patterns (the three 7×7 squares in a QR code's corners) in a
//! binarised image: row cross-sections of dark:light:dark:light:dark runs
//! in ratio 1:1:3:1:1, confirmed down the column and again across the row
//! through the refined centre, then merged into one candidate per pattern.

use crate::imaging::PixelRect;

/// A binarised image: `true` = dark.
#[derive(Clone, Copy)]
pub struct Bitmap<'a> {
    /// Row-major pixels.
    pub dark: &'a [bool],
    /// Width.
    pub w: usize,
    /// Height.
    pub h: usize,
}

impl Bitmap<'_> {
    fn at(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.w + x]
    }
}

/// A finder pattern candidate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finder {
    /// Centre, pixels.
    pub x: f32,
    /// Centre, pixels.
    pub y: f32,
    /// Estimated module size, pixels.
    pub module: f32,
    /// Rows whose cross-section confirmed it.
    pub hits: u32,
}

/// Most candidates a search collects: beyond this the picture is a tiling
/// or noise (each new crossing is merged against every candidate, so the
/// search would grow with their square).
const MAX_CANDIDATES: usize = 400;

/// Every finder pattern candidate, most-confirmed first; `None` when there
/// are more than [`MAX_CANDIDATES`] (the search stops there).
pub fn find_finders(img: Bitmap<'_>) -> Option<Vec<Finder>> {
    let mut found: Vec<Finder> = Vec::new();
    for y in 0..img.h {
        if found.len() > MAX_CANDIDATES {
            return None;
        }
        let row = &img.dark[y * img.w..(y + 1) * img.w];
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
                if let Some(finder) = confirm(img, centre_x, y, runs.iter().sum()) {
                    merge(&mut found, finder);
                }
            }
            current = d;
            len = 1;
        }
    }
    if found.len() > MAX_CANDIDATES {
        return None;
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.hits));
    Some(found)
}

/// The box holding every candidate confirmed by at least two rows, grown
/// by a finder's size so the whole code fits; `None` when fewer than
/// `min_hits` row crossings were confirmed in all.
pub fn finder_region(finders: &[Finder], w: usize, h: usize, min_hits: u32) -> Option<PixelRect> {
    let strong: Vec<&Finder> = finders.iter().filter(|f| f.hits >= 2).collect();
    if strong.iter().map(|f| f.hits).sum::<u32>() < min_hits {
        return None;
    }
    let grow = strong.iter().map(|f| f.module * 12.0).fold(0.0, f32::max);
    let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max) as u32;
    let fold = |pick: fn(&Finder) -> f32, init: f32, f: fn(f32, f32) -> f32| {
        strong.iter().map(|x| pick(x)).fold(init, f)
    };
    Some(PixelRect::from_edges(
        clamp(fold(|f| f.x, f32::MAX, f32::min) - grow, w),
        clamp(fold(|f| f.y, f32::MAX, f32::min) - grow, h),
        clamp(fold(|f| f.x, 0.0, f32::max) + grow, w),
        clamp(fold(|f| f.y, 0.0, f32::max) + grow, h),
    ))
}

/// Adds a confirmed crossing to the candidate it belongs to, or as a new one.
fn merge(found: &mut Vec<Finder>, new: Finder) {
    let near = |f: &Finder| {
        let tolerance = f.module.max(new.module).max(1.0) * 1.5;
        (f.x - new.x).abs() <= tolerance
            && (f.y - new.y).abs() <= tolerance
            && (f.module / new.module).max(new.module / f.module) < 1.6
    };
    match found.iter_mut().find(|f| near(f)) {
        Some(f) => {
            let n = f.hits as f32;
            f.x = (f.x * n + new.x) / (n + 1.0);
            f.y = (f.y * n + new.y) / (n + 1.0);
            f.module = (f.module * n + new.module) / (n + 1.0);
            f.hits += 1;
        }
        None => found.push(new),
    }
}

/// Cross-checks a row hit: the column through it, then the row through the
/// column's centre, must both read 1:1:3:1:1 with similar sizes.
fn confirm(img: Bitmap<'_>, x: usize, y: usize, row_size: usize) -> Option<Finder> {
    let (cy, v_size) = centre_along(img, x, y, false)?;
    let (cx, h_size) = centre_along(img, x, cy.round() as usize, true)?;
    let ratio = v_size as f32 / row_size as f32;
    if !(0.5..=2.0).contains(&ratio) {
        return None;
    }
    Some(Finder {
        x: cx,
        y: cy,
        module: (v_size + h_size) as f32 / 14.0,
        hits: 1,
    })
}

/// Walks out from the dark pixel (x, y) along a row (`horizontal`) or a
/// column; returns the pattern's centre coordinate and total size when the
/// runs read 1:1:3:1:1.
fn centre_along(img: Bitmap<'_>, x: usize, y: usize, horizontal: bool) -> Option<(f32, usize)> {
    if y >= img.h || !img.at(x, y) {
        return None;
    }
    let (pos, limit) = if horizontal { (x, img.w) } else { (y, img.h) };
    let at = |p: usize| {
        if horizontal {
            img.at(p, y)
        } else {
            img.at(x, p)
        }
    };
    let walk = |backwards: bool| -> [usize; 3] {
        let mut runs = [0usize; 3];
        let mut p = pos as isize;
        for (i, want_dark) in [true, false, true].into_iter().enumerate() {
            while (0..limit as isize).contains(&p) && at(p as usize) == want_dark {
                runs[i] += 1;
                p += if backwards { -1 } else { 1 };
            }
        }
        runs
    };
    let (back, fwd) = (walk(true), walk(false));
    let runs = [back[2], back[1], back[0] + fwd[0] - 1, fwd[1], fwd[2]];
    if !looks_like_finder(&runs) {
        return None;
    }
    // Centre of the middle run, in pixel-centre coordinates.
    let start = pos + 1 - back[0];
    let centre = start as f32 + runs[2] as f32 / 2.0;
    Some((centre, runs.iter().sum()))
}

fn looks_like_finder(runs: &[usize; 5]) -> bool {
    let total: usize = runs.iter().sum();
    if total < 7 {
        return false;
    }
    let unit = total as f32 / 7.0;
    // Half a module of tolerance; the one-module runs get 0.75 px more, as
    // blur and binarisation shift an edge by up to a pixel when modules are
    // only 2–3 px wide.
    let near = |run: usize, units: f32| {
        let slack = if units == 1.0 { 0.75 } else { 0.0 };
        (run as f32 - units * unit).abs() < unit * units * 0.5 + slack
    };
    near(runs[0], 1.0)
        && near(runs[1], 1.0)
        && near(runs[2], 3.0)
        && near(runs[3], 1.0)
        && near(runs[4], 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A bitmap with one finder pattern (7×7 modules of `m` px) in a light margin.
    fn finder_bitmap(m: usize) -> (Vec<bool>, usize) {
        let side = 11 * m;
        let dark = |x: usize, y: usize| {
            let (mx, my) = ((x / m) as isize - 2, (y / m) as isize - 2);
            if !(0..7).contains(&mx) || !(0..7).contains(&my) {
                return false;
            }
            mx.min(my).min(6 - mx).min(6 - my) != 1
        };
        (
            (0..side * side).map(|i| dark(i % side, i / side)).collect(),
            side,
        )
    }

    #[test]
    fn one_pattern_gives_one_candidate_at_its_centre() {
        for m in [2, 3, 7] {
            let (bits, w) = finder_bitmap(m);
            let found = find_finders(Bitmap {
                dark: &bits,
                w,
                h: w,
            })
            .unwrap();
            assert_eq!(found.len(), 1, "module {m}: {found:?}");
            let f = found[0];
            let centre = 5.5 * m as f32;
            assert!(
                (f.x - centre).abs() <= 1.0 && (f.y - centre).abs() <= 1.0,
                "{f:?}"
            );
            assert!((f.module - m as f32).abs() < 0.5, "{f:?}");
            // Every row through the centre 3 modules confirms it.
            assert_eq!(f.hits as usize, 3 * m);
            let region = finder_region(&found, w, w, 1).unwrap();
            assert_eq!(region, PixelRect::from_edges(0, 0, w as u32, w as u32));
        }
    }

    #[test]
    fn stripes_and_checkers_are_not_finders() {
        let w = 60;
        let stripes: Vec<bool> = (0..w * 40).map(|i| (i % w) % 4 < 2).collect();
        assert!(find_finders(Bitmap {
            dark: &stripes,
            w,
            h: 40
        })
        .unwrap()
        .is_empty());
        let checker: Vec<bool> = (0..w * 40)
            .map(|i| ((i % w) / 3 + (i / w) / 3) % 2 == 0)
            .collect();
        assert!(find_finders(Bitmap {
            dark: &checker,
            w,
            h: 40
        })
        .unwrap()
        .is_empty());
        // 900 finder patterns: more than a photo of codes holds.
        let tiles = 8 * 3;
        let tiling: Vec<bool> = (0..720 * 720)
            .map(|i| {
                let (mx, my) = (((i % 720) % tiles) / 3, ((i / 720) % tiles) / 3);
                let ring = mx < 7 && my < 7 && (mx == 0 || mx == 6 || my == 0 || my == 6);
                ring || ((2..=4).contains(&mx) && (2..=4).contains(&my))
            })
            .collect();
        assert!(find_finders(Bitmap {
            dark: &tiling,
            w: 720,
            h: 720
        })
        .is_none());
        assert!(finder_region(&[], w, 40, 1).is_none());
    }
}
