//! The machine-readable zone read again under its own rules: a general text
//! recogniser drops characters in OCR-B's long runs of `<` filler, so each
//! zone-like line is decoded from the recogniser's distributions with
//! exactly the layout's number of characters (ICAO 9303: fixed pitch), each
//! among what its position allows, over the whole line and over windows of
//! a few characters; the layout and decoding whose check digits verify are
//! kept.

use image::{GrayImage, RgbImage};
use rten::Model;

use super::recognise::{fill, run, LINE_HEIGHT};
use crate::imaging::PixelRect;
use crate::read::layout::TextLine;
use crate::read::mrz;
use crate::read::ReadError;

/// What a zone position may hold.
#[derive(Clone, Copy)]
pub(super) enum Allowed {
    /// Letters and filler (names, codes, states).
    Letters,
    /// Digits (dates, check digits).
    Digits,
    /// Digits or filler (a check digit of an empty field).
    DigitOrFiller,
    /// Letters, digits and filler (numbers, optional data).
    Any,
    /// `M`, `F`, `X` or `<`.
    Sex,
    /// This character only (a printed date's separators).
    Exactly(char),
}

/// The positions of each line of each layout, as runs of (count, allowed).
fn layout(format: mrz::MrzFormat) -> Vec<Vec<(usize, Allowed)>> {
    use Allowed::*;
    // TD2's and TD3's second lines: number and check, nationality, birth
    // date and check, sex, expiry and check, then their own optional data.
    let second_line = |tail: &[(usize, Allowed)]| {
        let mut line = vec![
            (9, Any),
            (1, Digits),
            (3, Letters),
            (7, Digits),
            (1, Sex),
            (7, Digits),
        ];
        line.extend_from_slice(tail);
        line
    };
    match format {
        mrz::MrzFormat::Td3 => vec![
            vec![(44, Letters)],
            second_line(&[(14, Any), (1, DigitOrFiller), (1, Digits)]),
        ],
        mrz::MrzFormat::Td2 => vec![vec![(36, Letters)], second_line(&[(7, Any), (1, Digits)])],
        mrz::MrzFormat::Td1 => vec![
            vec![(5, Letters), (9, Any), (1, DigitOrFiller), (15, Any)],
            vec![
                (7, Digits),
                (1, Sex),
                (7, Digits),
                (3, Letters),
                (11, Any),
                (1, Digits),
            ],
            vec![(30, Letters)],
        ],
    }
}

fn allows(a: Allowed, c: char) -> bool {
    match a {
        Allowed::Letters => c.is_ascii_uppercase() || c == '<',
        Allowed::Digits => c.is_ascii_digit(),
        Allowed::DigitOrFiller => c.is_ascii_digit() || c == '<',
        Allowed::Any => c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<',
        Allowed::Sex => matches!(c, 'M' | 'F' | 'X' | '<'),
        Allowed::Exactly(k) => c == k,
    }
}

/// Whether a recognised line looks like part of a zone: mostly zone
/// characters, and long and thin.
fn zone_like(line: &TextLine) -> bool {
    let cleaned = mrz::clean_line(&line.text);
    let zone_chars = cleaned
        .chars()
        .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '<')
        .count();
    let all = cleaned.chars().count();
    all >= 6 && zone_chars * 10 >= all * 8 && line.region.width >= MIN_ASPECT * line.region.height
}

/// How far the characters a line's glyph pitch makes room for may be from
/// a layout's count: tight enough that 30 (TD1), 36 (TD2) and 44 (TD3)
/// never all fit, so a card's zone is not read under a passport's layout.
const PITCH_TOLERANCE: f32 = 0.1;

/// A zone line is at least this many times as wide as it is tall.
pub const MIN_ASPECT: u32 = 8;

/// Re-reads the zone among `lines` under each layout whose length the
/// lines' glyph pitch allows; when its check digits verify, its lines
/// replace the recogniser's. Returns whether a zone verifies (as read or
/// re-read).
pub fn reread(
    model: &Model,
    charset: &[char],
    rgb: &RgbImage,
    lines: &mut [TextLine],
) -> Result<bool, ReadError> {
    let cleaned: Vec<String> = lines.iter().map(|l| mrz::clean_line(&l.text)).collect();
    if mrz::find(&cleaned).is_ok() {
        return Ok(true);
    }
    let candidates: Vec<usize> = (0..lines.len()).filter(|&i| zone_like(&lines[i])).collect();
    if candidates.is_empty() {
        return Ok(false);
    }
    let grey = image::imageops::grayscale(rgb);
    for format in [
        mrz::MrzFormat::Td3,
        mrz::MrzFormat::Td2,
        mrz::MrzFormat::Td1,
    ] {
        let full = layout(format);
        // A two-line zone is also tried from its second line alone (it
        // carries every check digit: the first may be missed or cut).
        let mut layouts = vec![full.clone()];
        if full.len() == 2 {
            layouts.push(vec![full[1].clone()]);
        }
        for rows in layouts {
            for window in candidates.windows(rows.len()) {
                if let Some(chosen) = read_zone(model, charset, rgb, &grey, lines, window, &rows)? {
                    for (&i, cells) in window.iter().zip(chosen) {
                        lines[i].text = cells.text;
                        lines[i].confidence = cells.score;
                    }
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// The zone's lines `window` of `lines` read under the layout `rows`, when
/// their glyph pitch fits it and a reading verifies: each line read whole
/// and in windows, the combinations tried, then the readings corrected at
/// their least certain characters (see [`corrected`]).
fn read_zone(
    model: &Model,
    charset: &[char],
    rgb: &RgbImage,
    grey: &GrayImage,
    lines: &[TextLine],
    window: &[usize],
    rows: &[Vec<(usize, Allowed)>],
) -> Result<Option<Vec<Cells>>, ReadError> {
    let fits = window.iter().zip(rows).all(|(&i, positions)| {
        let n: usize = positions.iter().map(|p| p.0).sum();
        ink_extent(grey, lines[i].region).is_some_and(|e| {
            // Characters the line's glyph pitch makes room for.
            let room = (e.1 - e.0) as f32 / e.4 as f32 + 0.3;
            (room - n as f32).abs() <= PITCH_TOLERANCE * n as f32
        })
    });
    if !fits {
        return Ok(None);
    }
    let mut readings = Vec::new();
    for (&i, positions) in window.iter().zip(rows) {
        let mut both = Vec::new();
        for cells in [None, Some(WINDOW)] {
            both.push(read_cells(
                model,
                charset,
                rgb,
                grey,
                lines[i].region,
                positions,
                cells,
            )?);
        }
        readings.push(both);
    }
    let verifies = |chosen: &[Cells]| {
        let texts: Vec<String> = chosen.iter().map(|c| c.text.clone()).collect();
        mrz::find(&texts).is_ok()
    };
    let combinations: Vec<Vec<Cells>> = (0..(1usize << window.len()))
        .map(|combination| {
            readings
                .iter()
                .enumerate()
                .map(|(k, both)| both[(combination >> k) & 1].clone())
                .collect()
        })
        .collect();
    if let Some(chosen) = combinations.iter().find(|c| verifies(c)) {
        return Ok(Some(chosen.clone()));
    }
    Ok(combinations
        .iter()
        .find_map(|chosen| corrected(chosen, &verifies)))
}

/// Characters changed at most, and the least certain characters they are
/// chosen among, when no reading verifies as read.
const CORRECTIONS: usize = 2;
/// See [`CORRECTIONS`].
const UNCERTAIN: usize = 8;

/// `chosen` with one or two of its least certain characters (the smallest
/// margins over the recogniser's next allowed choice there) replaced by
/// that choice, when that makes the check digits verify: the usual
/// misreading (`E` for `F`, `8` for `B`) corrected the way the check digits
/// were designed for. Only a correction that makes every check digit of
/// the zone verify is kept, so a wrong one needs two or more of them to
/// agree by chance.
fn corrected(chosen: &[Cells], verifies: &dyn Fn(&[Cells]) -> bool) -> Option<Vec<Cells>> {
    let mut doubts: Vec<(f32, usize, usize, char)> = chosen
        .iter()
        .enumerate()
        .flat_map(|(k, cells)| {
            cells
                .doubts
                .iter()
                .map(move |&(position, c, margin)| (margin, k, position, c))
        })
        .collect();
    doubts.sort_by(|a, b| a.0.total_cmp(&b.0));
    doubts.truncate(UNCERTAIN);
    let apply = |changes: &[&(f32, usize, usize, char)]| {
        let mut fixed = chosen.to_vec();
        for &&(_, k, position, c) in changes {
            let mut chars: Vec<char> = fixed[k].text.chars().collect();
            chars[position] = c;
            fixed[k].text = chars.into_iter().collect();
        }
        verifies(&fixed).then_some(fixed)
    };
    for count in 1..=CORRECTIONS {
        let found = match count {
            1 => doubts.iter().find_map(|d| apply(&[d])),
            _ => doubts.iter().enumerate().find_map(|(a, d)| {
                doubts[a + 1..]
                    .iter()
                    .filter(|e| (e.1, e.2) != (d.1, d.2))
                    .find_map(|e| apply(&[d, e]))
            }),
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// One zone line read under its layout.
#[derive(Clone, Default)]
pub(super) struct Cells {
    /// Exactly the layout's characters.
    pub(super) text: String,
    /// Their mean probability.
    pub(super) score: f32,
    /// Per position: the recogniser's next allowed character there and its
    /// margin (the chosen character's mean probability less its own).
    doubts: Vec<(usize, char, f32)>,
}

/// The characters of one zone line in `region`, read whole (`window`
/// none) or `window` characters at a time: the recogniser's distributions
/// (stretched to at least three steps a character), decoded under the
/// zone's constraints: exactly as many
/// characters as the layout has, each among what its position allows (a
/// constrained CTC alignment, so a run of filler gets its length from the
/// line's geometry, not from blanks the model did not emit).
fn read_cells(
    model: &Model,
    charset: &[char],
    rgb: &RgbImage,
    grey: &GrayImage,
    region: PixelRect,
    positions: &[(usize, Allowed)],
    window: Option<usize>,
) -> Result<Cells, ReadError> {
    let window = window.unwrap_or(usize::MAX);
    let rules: Vec<Allowed> = positions
        .iter()
        .flat_map(|&(count, rule)| std::iter::repeat_n(rule, count))
        .collect();
    let n = rules.len();
    let Some((x0, x1, y0, y1, _)) = ink_extent(grey, region) else {
        return Ok(Cells::default());
    };
    let h = (y1 - y0) as f32;
    let pitch = (x1 - x0) as f32 / (n as f32 - 0.3);
    let top = (y0 as f32 - 0.3 * h).max(0.0) as u32;
    let bottom = ((y1 as f32 + 0.3 * h) as u32).min(rgb.height());
    let alphabet = alphabet(charset, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<");
    let mut line = Cells {
        text: String::with_capacity(n),
        score: 0.0,
        doubts: Vec::with_capacity(n),
    };
    for a in (0..n).step_by(window.min(n)) {
        let b = a.saturating_add(window).min(n);
        // Cut in the gaps between glyphs (each glyph about 0.7 pitch wide).
        let left = if a == 0 {
            x0 as f32 - 0.3 * h
        } else {
            x0 as f32 + a as f32 * pitch - 0.15 * pitch
        };
        let right = if b == n {
            x1 as f32 + 0.3 * h
        } else {
            x0 as f32 + b as f32 * pitch - 0.15 * pitch
        };
        let cut = PixelRect::from_edges(
            left.max(0.0) as u32,
            top,
            (right as u32).min(rgb.width()),
            bottom,
        );
        let part = read_window(model, &alphabet, rgb, cut, &rules[a..b])?;
        if part.text.is_empty() {
            return Ok(Cells::default());
        }
        line.text.push_str(&part.text);
        line.score += part.score * (b - a) as f32 / n as f32;
        line.doubts
            .extend(part.doubts.into_iter().map(|(i, c, m)| (a + i, c, m)));
    }
    Ok(line)
}

/// Each of `chars` with its class in the recogniser's output (the
/// character list's index plus one: 0 is CTC's blank).
pub(super) fn alphabet(charset: &[char], chars: &str) -> Vec<(char, usize)> {
    chars
        .chars()
        .filter_map(|c| charset.iter().position(|&k| k == c).map(|k| (c, k + 1)))
        .collect()
}

/// Characters read per recogniser run: few enough that a long run of
/// filler does not swamp the model's attention over the line.
const WINDOW: usize = 8;

/// Exactly `rules.len()` characters in `window`, each among what its rule
/// allows, by constrained CTC alignment; with their mean probability and
/// each one's runner-up.
pub(super) fn read_window(
    model: &Model,
    alphabet: &[(char, usize)],
    rgb: &RgbImage,
    window: PixelRect,
    rules: &[Allowed],
) -> Result<Cells, ReadError> {
    let n = rules.len();
    let natural = (window.width as f32 * LINE_HEIGHT as f32 / window.height.max(1) as f32) as u32;
    let width = natural
        .max(n as u32 * 8 * STEPS_PER_CHARACTER)
        .min(n as u32 * 8 * 8);
    let padded = width.div_ceil(8) * 8;
    let mut data = vec![0f32; 3 * (padded * LINE_HEIGHT) as usize];
    fill(&mut data, padded, rgb, window, width);
    let (probs, [_, steps, classes]) = run(model, data, 1, padded)?;
    let steps = steps.min((width / 8) as usize + 1);
    let p = |t: usize, k: usize| probs[t * classes + k].max(1e-6).ln();
    if steps < n {
        return Ok(Cells::default());
    }
    let m = alphabet.len();
    // State per character begun (0..=n) and what the current step is:
    // 0 a blank, 1 + j the alphabet's j-th character (the i-th character
    // is that one). A character may begin straight after another, the
    // same one too: the model often emits no blank between fillers.
    const NONE: f32 = f32::NEG_INFINITY;
    let width_states = m + 1;
    let mut dp = vec![NONE; (n + 1) * width_states];
    dp[0] = 0.0;
    // Back-pointers: the previous state index, per step.
    let mut back: Vec<Vec<u32>> = Vec::with_capacity(steps);
    for t in 0..steps {
        let mut next = vec![NONE; (n + 1) * width_states];
        let mut from = vec![u32::MAX; (n + 1) * width_states];
        let blank = p(t, 0);
        for i in 0..=n {
            let rule = rules.get(i).copied();
            let row = i * width_states;
            let (best_s, best_at) = (0..width_states)
                .map(|s| (dp[row + s], row + s))
                .fold((NONE, 0), |a, b| if b.0 > a.0 { b } else { a });
            if best_s == NONE {
                continue;
            }
            if best_s + blank > next[row] {
                next[row] = best_s + blank;
                from[row] = best_at as u32;
            }
            for (j, &(c, k)) in alphabet.iter().enumerate() {
                let lp = p(t, k);
                // Continue character i (same class).
                let same = row + 1 + j;
                if i > 0 && dp[same] > NONE && dp[same] + lp > next[same] {
                    next[same] = dp[same] + lp;
                    from[same] = same as u32;
                }
                // Begin character i + 1 as this class.
                if rule.is_some_and(|r| allows(r, c)) {
                    let to = (i + 1) * width_states + 1 + j;
                    if best_s + lp > next[to] {
                        next[to] = best_s + lp;
                        from[to] = best_at as u32;
                    }
                }
            }
        }
        dp = next;
        back.push(from);
    }
    let last = n * width_states;
    let (score, mut at) = (0..width_states)
        .map(|s| (dp[last + s], last + s))
        .fold((NONE, 0), |a, b| if b.0 > a.0 { b } else { a });
    if score == NONE {
        return Ok(Cells::default());
    }
    // Back-track: the class of each character begun, and the summed
    // probability of every class over its steps.
    let mut chars = vec![(0usize, vec![0f32; m], 0u32); n];
    for t in (0..steps).rev() {
        let (i, s) = (at / width_states, at % width_states);
        if s > 0 {
            let entry = &mut chars[i - 1];
            entry.0 = s - 1;
            for (sum, &(_, k)) in entry.1.iter_mut().zip(alphabet) {
                *sum += probs[t * classes + k];
            }
            entry.2 += 1;
        }
        at = back[t][at] as usize;
    }
    let mut cells = Cells {
        text: chars.iter().map(|c| alphabet[c.0].0).collect(),
        score: 0.0,
        doubts: Vec::with_capacity(n),
    };
    for (i, (best, sums, steps)) in chars.iter().enumerate() {
        let mean = |j: usize| sums[j] / (*steps).max(1) as f32;
        cells.score += mean(*best) / n as f32;
        let runner_up = (0..m)
            .filter(|&j| j != *best && allows(rules[i], alphabet[j].0))
            .max_by(|&a, &b| mean(a).total_cmp(&mean(b)));
        if let Some(j) = runner_up {
            cells.doubts.push((i, alphabet[j].0, mean(*best) - mean(j)));
        }
    }
    Ok(cells)
}

/// The zone's lines are stretched so that each character spans at least
/// this many of the recogniser's 8-pixel steps.
const STEPS_PER_CHARACTER: u32 = 3;

/// The columns and rows of `region` that hold print (darker than Otsu's
/// level): the first and last ink column, the ink rows around the box's
/// middle (the box may reach into the lines above and below), and the
/// median pitch of its glyphs.
fn ink_extent(grey: &GrayImage, region: PixelRect) -> Option<(u32, u32, u32, u32, u32)> {
    let r = region.within(grey.width(), grey.height());
    if r.width < 8 || r.height < 4 {
        return None;
    }
    let crop = image::imageops::crop_imm(grey, r.x, r.y, r.width, r.height).to_image();
    let level = imageproc::contrast::otsu_level(&crop);
    let ink = |x: u32, y: u32| crop.get_pixel(x, y)[0] < level;
    let rows: Vec<u32> = (0..r.height)
        .map(|y| (0..r.width).filter(|&x| ink(x, y)).count() as u32)
        .collect();
    let row_min = (r.width / 50).max(2);
    let mid = r.height / 2;
    let mut y0 = mid;
    while y0 > 0 && rows[y0 as usize - 1] >= row_min {
        y0 -= 1;
    }
    let mut y1 = mid;
    while y1 < r.height && rows[y1 as usize] >= row_min {
        y1 += 1;
    }
    if y1 <= y0 + 2 {
        return None;
    }
    let cols: Vec<bool> = (0..r.width)
        .map(|x| (y0..y1).filter(|&y| ink(x, y)).count() >= 2)
        .collect();
    // Glyphs: runs of ink columns. The zone is the longest chain of glyphs
    // none further than three median pitches from the last (the card's
    // edge, a shadow or texture beyond the print are left out).
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for (x, &c) in cols.iter().enumerate() {
        let x = x as u32;
        match runs.last_mut() {
            Some(run) if c && run.1 == x => run.1 = x + 1,
            _ if c => runs.push((x, x + 1)),
            _ => {}
        }
    }
    if runs.len() < 2 {
        return None;
    }
    let mut steps: Vec<u32> = runs.windows(2).map(|w| w[1].0 - w[0].0).collect();
    steps.sort_unstable();
    let pitch = steps[steps.len() / 2].max(1);
    let (mut best, mut start) = ((0usize, 0usize), 0usize);
    for i in 1..=runs.len() {
        if i == runs.len() || runs[i].0 - runs[i - 1].1 > 3 * pitch {
            if i - start > best.1 - best.0 {
                best = (start, i);
            }
            start = i;
        }
    }
    let (x0, x1) = (runs[best.0].0, runs[best.1 - 1].1);
    Some((r.x + x0, r.x + x1, r.y + y0, r.y + y1, pitch))
}
