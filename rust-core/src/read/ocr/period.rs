//! A printed validity period read again under its own pattern: the general
//! recogniser sometimes drops a digit or a dot in `2013.07.17-2033.07.17`
//! (a run of similar narrow glyphs), so a line of digits and separators
//! that does not give two dates is decoded once more with exactly the
//! pattern's 21 characters (a constrained CTC alignment, as for the
//! machine-readable zone). The result is kept only when it checks itself
//! as an ID card's or a permit's period does: the end falls on the start's
//! day and month, 5, 10 or 20 years later.

use image::RgbImage;
use rten::Model;

use super::zone::{alphabet, read_window, Allowed};
use crate::read::date::{dates_in, CalendarDate};
use crate::read::layout::TextLine;
use crate::read::ReadError;

/// `YYYY.MM.DD-YYYY.MM.DD`, one rule per character.
fn pattern() -> Vec<Allowed> {
    let date = |rules: &mut Vec<Allowed>| {
        rules.extend([Allowed::Digits; 4]);
        rules.push(Allowed::Exactly('.'));
        rules.extend([Allowed::Digits; 2]);
        rules.push(Allowed::Exactly('.'));
        rules.extend([Allowed::Digits; 2]);
    };
    let mut rules = Vec::with_capacity(21);
    date(&mut rules);
    rules.push(Allowed::Exactly('-'));
    date(&mut rules);
    rules
}

/// Whether `text` may be a misread period: ten to twenty digits, at least
/// one separator and nothing else, and not already two dates.
fn misread_period(text: &str) -> bool {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let separators_only = text
        .chars()
        .all(|c| c.is_ascii_digit() || ".-—－–·,。 ".contains(c));
    let separators = text.chars().count() - digits;
    (10..=20).contains(&digits) && separators > 0 && separators_only && dates_in(text).len() < 2
}

/// Whether `from`–`until` is a period a card is issued for.
fn plausible(from: CalendarDate, until: CalendarDate) -> bool {
    let years = i32::from(until.year) - i32::from(from.year);
    (from.month, from.day) == (until.month, until.day) && matches!(years, 5 | 10 | 20)
}

/// Re-reads the lines among `lines` that look like a misread period; a
/// reading that checks itself (see the module) replaces the recogniser's.
pub fn reread(
    model: &Model,
    charset: &[char],
    rgb: &RgbImage,
    lines: &mut [TextLine],
) -> Result<(), ReadError> {
    let rules = pattern();
    let alphabet = alphabet(charset, "0123456789.-");
    for line in lines.iter_mut().filter(|l| misread_period(&l.text)) {
        let cells = read_window(model, &alphabet, rgb, line.region, &rules)?;
        let text = cells.text;
        if let [(from, _), (until, _)] = dates_in(&text)[..] {
            if plausible(from, until) {
                line.text = text;
                line.confidence = cells.score;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lines_of_digits_and_separators_without_two_dates_are_read_again() {
        assert!(misread_period("20210.30-240930"));
        assert!(misread_period("2013.07.17-203.07.17"));
        assert!(!misread_period("2013.07.17-2033.07.17"));
        assert!(!misread_period("2013.07.17-长期"));
        assert!(!misread_period("北京市公安局"));
        assert!(!misread_period("510107198602237344"));
    }

    #[test]
    fn a_period_checks_itself_by_its_day_and_span() {
        let d = |y, m, d| CalendarDate::new(y, m, d).unwrap();
        assert!(plausible(d(2013, 7, 17), d(2033, 7, 17)));
        assert!(plausible(d(2021, 9, 30), d(2031, 9, 30)));
        assert!(!plausible(d(2013, 7, 17), d(2033, 7, 18)));
        assert!(!plausible(d(2013, 7, 17), d(2036, 7, 17)));
    }
}
