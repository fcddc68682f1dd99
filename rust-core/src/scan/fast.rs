//! The fast reader: `rxing`'s port of zxing-cpp's QR detector and decoder
//! (finder patterns, pattern sets, sampling, Reed–Solomon, ECI and
//! character sets) on our own, faster implementation of its hybrid
//! binarisation (`hybrid.rs`), driven here step by step so that it is
//! bounded whatever the pixels: at most [`MAX_PATTERNS`] finder patterns
//! and [`MAX_SETS`] candidate sets per pass, the deadline checked before
//! each set, and rxing's panics contained. One pass reads every code it
//! finds (several codes in one image), then the inverted image is read too
//! when the first pass found nothing (light codes on dark screens).

use image::GrayImage;
use rxing::common::{BitMatrix, DetectorRXingResult, HybridBinarizer};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{
    FindFinderPatterns, FinderPatternSet, GenerateFinderPatternSets, SampleQR,
};
use rxing::{BinaryBitmap, Luma8Source};

use super::budget::Deadline;
use super::guard::{contained, RawCode};
use super::hybrid;

/// Most finder patterns a pass considers (the largest ones): 30 codes'
/// worth. Tilings of finder-like squares yield thousands, whose sets
/// would take minutes to try.
const MAX_PATTERNS: usize = 90;
/// Most pattern sets a pass samples, most plausible first.
const MAX_SETS: usize = 400;
/// Rows sampled by the census that runs before the finder search.
const CENSUS_ROWS: u32 = 24;
/// More finder-like crossings (confirmed down the column) than this per
/// sampled row, on average, is a tiling or noise: rxing's finder search
/// would spend seconds merging its thousands of candidates. Measured: real
/// photos at most 0.5 per row, simulated monitor photos (pixel grids) 9.4,
/// binary noise 20, a tiling of finder patterns 43.
const MAX_CENSUS_PER_ROW: u32 = 16;

/// Every code the fast reader finds in `img`; `thorough` scans every third
/// row for finder patterns (stills) instead of skipping rows by the image
/// height (live frames).
pub(super) fn read(img: &GrayImage, thorough: bool, deadline: &Deadline) -> Vec<RawCode> {
    let (w, h) = img.dimensions();
    if w < 21 || h < 21 || deadline.passed() {
        return Vec::new();
    }
    contained(|| {
        let matrix = match hybrid::black_matrix(img) {
            Some(matrix) => matrix,
            // Under five blocks a side: rxing's own (global histogram).
            None => {
                let source = Luma8Source::new_with_slice(img.as_raw(), w, h).ok()?;
                BinaryBitmap::new(HybridBinarizer::new(source))
                    .get_black_matrix()
                    .clone()
            }
        };
        let codes = read_matrix(&matrix, thorough, deadline);
        if !codes.is_empty() || deadline.passed() {
            return Some(codes);
        }
        let mut inverted = matrix.clone();
        inverted.flip_self();
        Some(read_matrix(&inverted, thorough, deadline))
    })
    .flatten()
    .unwrap_or_default()
}

/// One pass over a binarised image.
fn read_matrix(matrix: &BitMatrix, thorough: bool, deadline: &Deadline) -> Vec<RawCode> {
    let census = finder_census(matrix);
    if census > MAX_CENSUS_PER_ROW * CENSUS_ROWS {
        tracing::debug!(census, "fast QR reader skipped: a tiling or noise");
        return Vec::new();
    }
    let mut patterns = FindFinderPatterns(matrix, thorough, 0);
    if patterns.len() > MAX_PATTERNS {
        patterns.sort_by_key(|p| std::cmp::Reverse(p.size));
        patterns.truncate(MAX_PATTERNS);
    }
    let mut used: Vec<FinderPatternSet> = Vec::new();
    let mut codes = Vec::new();
    for set in GenerateFinderPatternSets(&mut patterns)
        .into_iter()
        .take(MAX_SETS)
    {
        if deadline.passed() {
            break;
        }
        let shares = |u: &FinderPatternSet| {
            [u.bl, u.tl, u.tr]
                .iter()
                .any(|p| *p == set.bl || *p == set.tl || *p == set.tr)
        };
        if used.iter().any(shares) {
            continue;
        }
        let Ok(detected) = SampleQR(matrix, &set) else {
            continue;
        };
        let Ok(decoded) = Decode(detected.getBits()) else {
            continue;
        };
        if !decoded.isValid() {
            continue;
        }
        let points = detected.getPoints();
        let corner = |i: usize| points.get(i).map_or((0.0, 0.0), |p| (p.x, p.y));
        codes.push(RawCode {
            text: decoded.text(),
            corners: [corner(0), corner(1), corner(2), corner(3)],
        });
        used.push(set);
    }
    codes
}

/// Dark–light–dark–light–dark runs in the proportions of a finder
/// pattern's cross-section (1:1:3:1:1, each run within half a module of
/// its share) along [`CENSUS_ROWS`] evenly spaced rows: a cheap bound on
/// how many candidates the finder search would meet.
fn finder_census(matrix: &BitMatrix) -> u32 {
    let (w, h) = (matrix.getWidth(), matrix.getHeight());
    let mut found = 0;
    for i in 0..CENSUS_ROWS {
        let y = (2 * i + 1) * h / (2 * CENSUS_ROWS);
        // The last five run lengths, the newest last.
        let mut runs = [0u32; 5];
        let mut current = matrix.get(0, y);
        let mut length = 0;
        for x in 0..=w {
            let dark = x < w && matrix.get(x, y);
            if x < w && dark == current {
                length += 1;
                continue;
            }
            runs.rotate_left(1);
            runs[4] = length;
            // The run that just ended is dark: five runs ending dark, and
            // the same proportions down the column through their centre.
            if current && finder_like(&runs) {
                let centre = x - runs[4] - runs[3] - runs[2] / 2 - 1;
                let reach = runs.iter().sum::<u32>() * 2;
                if column_finder_like(matrix, centre, y, reach) {
                    found += 1;
                }
            }
            (current, length) = (dark, 1);
        }
    }
    found
}

/// Whether the column through `(x, y)` crosses dark, light, dark (through
/// the centre), light, dark in finder proportions, within `reach` pixels.
fn column_finder_like(matrix: &BitMatrix, x: u32, y: u32, reach: u32) -> bool {
    let h = matrix.getHeight();
    if !matrix.get(x, y) {
        return false;
    }
    // Run lengths walking away from the centre: centre half, light, dark.
    let walk = |step: i64| -> [u32; 3] {
        let mut runs = [0u32; 3];
        let (mut at, mut run, mut colour) = (i64::from(y), 0, true);
        for _ in 0..reach {
            if at < 0 || at >= i64::from(h) {
                break;
            }
            let dark = matrix.get(x, at as u32);
            if dark != colour {
                run += 1;
                if run == 3 {
                    break;
                }
                colour = dark;
            }
            runs[run] += 1;
            at += step;
        }
        runs
    };
    let (up, down) = (walk(-1), walk(1));
    finder_like(&[up[2], up[1], up[0] + down[0] - 1, down[1], down[2]])
}

/// Whether five runs (dark first) are in the proportions 1:1:3:1:1.
fn finder_like(runs: &[u32; 5]) -> bool {
    let total: u32 = runs.iter().sum();
    if total < 7 || runs.contains(&0) {
        return false;
    }
    let module = total as f32 / 7.0;
    runs.iter()
        .zip([1.0, 1.0, 3.0, 1.0, 1.0])
        .all(|(&r, share)| (r as f32 - share * module).abs() <= module * 0.5 * share.max(1.5))
}
