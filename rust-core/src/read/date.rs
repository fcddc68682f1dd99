//! Calendar dates as documents print them, and the day arithmetic the
//! validity rules need (no time zones: a document's dates are civil dates).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::user_facing::{civil_from_days, BEIJING_OFFSET_SECONDS};

/// A valid Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CalendarDate {
    /// Year, 1900–2199.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31 as the month allows.
    pub day: u8,
}

impl CalendarDate {
    /// The date when it exists (29 February only in leap years).
    pub fn new(year: u16, month: u8, day: u8) -> Option<CalendarDate> {
        let valid = (1900..=2199).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        valid.then_some(CalendarDate { year, month, day })
    }

    /// Parses eight digits `YYYYMMDD`.
    pub fn from_digits(digits: &str) -> Option<CalendarDate> {
        if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        CalendarDate::new(
            digits[0..4].parse().ok()?,
            digits[4..6].parse().ok()?,
            digits[6..8].parse().ok()?,
        )
    }

    /// Today in China (UTC+8) by the system clock.
    pub fn today_in_china() -> CalendarDate {
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        CalendarDate::from_day_number(((secs + BEIJING_OFFSET_SECONDS) / 86_400) as i64)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn day_number(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (clamped to the supported years).
    pub fn from_day_number(days: i64) -> CalendarDate {
        let (year, month, day) = civil_from_days(days);
        CalendarDate {
            year: year.clamp(1900, 2199) as u16,
            month: month as u8,
            day: day as u8,
        }
    }

    /// The date `days` later (earlier when negative).
    pub fn plus_days(self, days: i64) -> CalendarDate {
        CalendarDate::from_day_number(self.day_number() + days)
    }

    /// Whole years from `earlier` to `self` (an age, or a validity span).
    pub fn years_since(self, earlier: CalendarDate) -> i64 {
        let mut years = i64::from(self.year) - i64::from(earlier.year);
        if (self.month, self.day) < (earlier.month, earlier.day) {
            years -= 1;
        }
        years
    }
}

impl std::fmt::Display for CalendarDate {
    /// ISO 8601, `2035-03-01`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Every date printed in `text`, in order: `2015.03.01`, `2015-03-01`,
/// `2015年3月1日`, `20150301` (separators may be misread as spaces or
/// other punctuation; a run of digits that is no date is skipped).
pub fn dates_in(text: &str) -> Vec<(CalendarDate, std::ops::Range<usize>)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        match date_at(&chars, i) {
            Some((date, next)) => {
                let end = chars.get(next).map_or(text.len(), |c| c.0);
                found.push((date, chars[i].0..end));
                i = next;
            }
            None => {
                while i < chars.len() && chars[i].1.is_ascii_digit() {
                    i += 1;
                }
            }
        }
    }
    found
}

/// A date starting at `chars[start]`, and the index after it.
fn date_at(chars: &[(usize, char)], start: usize) -> Option<(CalendarDate, usize)> {
    let digits_from = |mut i: usize, max: usize| {
        let from = i;
        while i < chars.len() && i - from < max && chars[i].1.is_ascii_digit() {
            i += 1;
        }
        let s: String = chars[from..i].iter().map(|c| c.1).collect();
        (s, i)
    };
    let (year, i) = digits_from(start, 8);
    if year.len() == 8 {
        return CalendarDate::from_digits(&year).map(|d| (d, i));
    }
    if year.len() != 4 {
        return None;
    }
    let skip_separator = |i: usize| {
        let mut j = i;
        while j < chars.len() && j - i < 2 && is_date_separator(chars[j].1) {
            j += 1;
        }
        (j > i).then_some(j)
    };
    let i = skip_separator(i)?;
    let (month, i) = digits_from(i, 2);
    let i = skip_separator(i)?;
    let (day, mut i) = digits_from(i, 2);
    if day.is_empty() || month.is_empty() {
        return None;
    }
    if i < chars.len() && chars[i].1 == '日' {
        i += 1;
    }
    let date = CalendarDate::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?;
    Some((date, i))
}

fn is_date_separator(c: char) -> bool {
    matches!(
        c,
        '.' | '-' | '/' | ' ' | '年' | '月' | '·' | '．' | '。' | ','
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_over_three_centuries() {
        let start = CalendarDate::new(1900, 1, 1).unwrap().day_number();
        let end = CalendarDate::new(2199, 12, 31).unwrap().day_number();
        for n in start..=end {
            assert_eq!(CalendarDate::from_day_number(n).day_number(), n);
        }
        assert_eq!(CalendarDate::new(1970, 1, 1).unwrap().day_number(), 0);
        assert_eq!(CalendarDate::new(2000, 3, 1).unwrap().day_number(), 11_017);
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(CalendarDate::new(2023, 2, 29).is_none());
        assert!(CalendarDate::new(2024, 2, 29).is_some());
        assert!(CalendarDate::new(1900, 2, 29).is_none());
        assert!(CalendarDate::new(2000, 2, 29).is_some());
        assert!(CalendarDate::new(2024, 4, 31).is_none());
        assert!(CalendarDate::new(2024, 13, 1).is_none());
        assert!(CalendarDate::from_digits("2024020").is_none());
    }

    #[test]
    fn printed_dates_in_their_usual_forms() {
        let d = |y, m, day| CalendarDate::new(y, m, day).unwrap();
        let got: Vec<_> = dates_in("有效期限2015.03.01-2035.03.01")
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(got, vec![d(2015, 3, 1), d(2035, 3, 1)]);
        let got: Vec<_> = dates_in("营业期限 2015年3月1日至2045年02月28日")
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(got, vec![d(2015, 3, 1), d(2045, 2, 28)]);
        assert_eq!(dates_in("出生 19900101")[0].0, d(1990, 1, 1));
        assert!(dates_in("电话 13800138000").is_empty());
        assert!(dates_in("2015.13.01").is_empty());
    }

    #[test]
    fn ages_count_whole_years() {
        let birth = CalendarDate::new(1990, 6, 15).unwrap();
        assert_eq!(
            CalendarDate::new(2016, 6, 14).unwrap().years_since(birth),
            25
        );
        assert_eq!(
            CalendarDate::new(2016, 6, 15).unwrap().years_since(birth),
            26
        );
    }
}
