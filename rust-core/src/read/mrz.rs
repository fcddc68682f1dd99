//! The machine-readable zone (ICAO Doc 9303): TD3 passports (2 × 44),
//! TD2 (2 × 36) and TD1 cards (3 × 30, as on the Mainland Travel Permits
//! for Hong Kong, Macao and Taiwan residents), with every check digit
//! verified, so that a misread character is never taken for a fact.

use super::date::CalendarDate;

/// The ICAO 9303 layout of a zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MrzFormat {
    /// Three lines of 30 characters (cards).
    Td1,
    /// Two lines of 36.
    Td2,
    /// Two lines of 44 (passport data pages).
    Td3,
}

/// A zone whose check digits all verify.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Mrz {
    /// Its layout.
    pub format: MrzFormat,
    /// The document code, e.g. `P` or `CR`.
    pub document_code: String,
    /// Issuing state or organisation (`CHN`).
    pub issuer: String,
    /// The document number, filler removed.
    pub document_number: String,
    /// Holder's birth date.
    pub birth: CalendarDate,
    /// Date of expiry.
    pub expiry: CalendarDate,
    /// `M`, `F` or `<` (unspecified).
    pub sex: String,
    /// Primary and secondary identifiers, `ZHANG SAN`.
    pub name: String,
}

/// Why candidate lines are no zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrzProblem {
    /// No lines of a known layout.
    NotFound,
    /// A check digit does not verify: the zone was misread.
    CheckDigit,
    /// A date field is no real date.
    Date,
}

/// The value of a zone character in check digits.
fn value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// The 7-3-1 check digit of `field`.
pub fn check_digit(field: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (i, &c) in field.iter().enumerate() {
        sum += value(c)? * [7, 3, 1][i % 3];
    }
    Some(b'0' + (sum % 10) as u8)
}

/// `field` followed by its check digit at `check`.
fn verified(field: &[u8], check: u8) -> Result<(), MrzProblem> {
    // A field of filler only may carry `<` as its check (ICAO 9303-3 4.9).
    if check == b'<' && field.iter().all(|&c| c == b'<') {
        return Ok(());
    }
    (check_digit(field) == Some(check))
        .then_some(())
        .ok_or(MrzProblem::CheckDigit)
}

/// A line as recognised, cleaned: upper case, no spaces, the usual
/// misreadings of `<` (`«`, `‹`, `く`, `〈`) undone.
pub fn clean_line(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '«' | '‹' | 'く' | '〈' | '＜' | '(' | '[' | '{' => '<',
            other => other.to_ascii_uppercase(),
        })
        .collect()
}

/// Whether `line` could be a zone line of `len` characters.
fn zone_like(line: &str, len: usize) -> bool {
    line.len() == len && line.bytes().all(|b| value(b).is_some())
}

/// The zone among recognised `lines` (cleaned with [`clean_line`], in
/// reading order). A two-line zone whose first line was not read whole is
/// still found from its second: that line carries every check digit (the
/// number, dates, optional data and the composite), so only the name and
/// the issuer are then unknown.
pub fn find(lines: &[String]) -> Result<Mrz, MrzProblem> {
    let mut last = MrzProblem::NotFound;
    for (format, len, count) in [
        (MrzFormat::Td3, 44, 2),
        (MrzFormat::Td2, 36, 2),
        (MrzFormat::Td1, 30, 3),
    ] {
        for window in lines.windows(count) {
            if window.iter().all(|l| zone_like(l, len)) {
                let rows: Vec<&[u8]> = window.iter().map(|l| l.as_bytes()).collect();
                match parse(format, &rows) {
                    Ok(mrz) => return Ok(mrz),
                    Err(problem) => last = problem,
                }
            }
        }
    }
    for (format, len) in [(MrzFormat::Td3, 44), (MrzFormat::Td2, 36)] {
        for line in lines.iter().filter(|l| zone_like(l, len)) {
            let unread = vec![b'?'; len];
            match parse(format, &[&unread, line.as_bytes()]) {
                Ok(mrz) => return Ok(mrz),
                Err(problem) => last = problem,
            }
        }
    }
    Err(last)
}

/// Parses and verifies zone lines of a known layout.
fn parse(format: MrzFormat, rows: &[&[u8]]) -> Result<Mrz, MrzProblem> {
    // A first line not read (`?`) leaves its fields empty.
    let text = |s: &[u8]| {
        String::from_utf8_lossy(s)
            .trim_end_matches(['<', '?'])
            .to_string()
    };
    let (code, issuer, number, number_check, birth, birth_check, sex, expiry, expiry_check);
    let (name_field, composite): (&[u8], Vec<u8>);
    match format {
        MrzFormat::Td1 => {
            let (a, b, c) = (rows[0], rows[1], rows[2]);
            (code, issuer, number, number_check) = (&a[0..2], &a[2..5], &a[5..14], a[14]);
            (birth, birth_check, sex, expiry, expiry_check) =
                (&b[0..6], b[6], b[7], &b[8..14], b[14]);
            name_field = c;
            composite = [&a[5..30], &b[0..7], &b[8..15], &b[18..29]].concat();
            verified(&composite, b[29])?;
        }
        MrzFormat::Td2 | MrzFormat::Td3 => {
            let (a, b) = (rows[0], rows[1]);
            let end = b.len() - 1;
            (code, issuer, name_field) = (&a[0..2], &a[2..5], &a[5..]);
            (number, number_check) = (&b[0..9], b[9]);
            (birth, birth_check, sex, expiry, expiry_check) =
                (&b[13..19], b[19], b[20], &b[21..27], b[27]);
            if format == MrzFormat::Td3 {
                verified(&b[28..42], b[42])?;
            }
            composite = [&b[0..10], &b[13..20], &b[21..end]].concat();
            verified(&composite, b[end])?;
        }
    }
    verified(number, number_check)?;
    verified(birth, birth_check)?;
    verified(expiry, expiry_check)?;
    let today = CalendarDate::today_in_china();
    let birth = zone_date(birth, |yy| {
        if yy > today.year % 100 {
            1900 + yy
        } else {
            2000 + yy
        }
    })?;
    let expiry = zone_date(expiry, |yy| 2000 + yy)?;
    let name = String::from_utf8_lossy(name_field)
        .trim_end_matches(['<', '?'])
        .split("<<")
        .map(|part| part.replace('<', " "))
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Mrz {
        format,
        document_code: text(code),
        issuer: text(issuer),
        document_number: text(number),
        birth,
        expiry,
        sex: (sex as char).to_string(),
        name: name.trim().to_string(),
    })
}

/// A `YYMMDD` field, its century chosen by `century`.
fn zone_date(field: &[u8], century: impl Fn(u16) -> u16) -> Result<CalendarDate, MrzProblem> {
    let s = std::str::from_utf8(field).map_err(|_| MrzProblem::Date)?;
    let yy: u16 = s[0..2].parse().map_err(|_| MrzProblem::Date)?;
    let month = s[2..4].parse().map_err(|_| MrzProblem::Date)?;
    let day = s[4..6].parse().map_err(|_| MrzProblem::Date)?;
    CalendarDate::new(century(yy), month, day).ok_or(MrzProblem::Date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(rows: &[&str]) -> Vec<String> {
        rows.iter().map(|r| clean_line(r)).collect()
    }

    #[test]
    fn the_icao_specimen_passport_verifies() {
        // ICAO Doc 9303 Part 4, Appendix A specimen.
        let mrz = find(&lines(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ]))
        .unwrap();
        assert_eq!(mrz.format, MrzFormat::Td3);
        assert_eq!(mrz.document_number, "L898902C3");
        assert_eq!(mrz.birth, CalendarDate::new(1974, 8, 12).unwrap());
        assert_eq!(mrz.expiry, CalendarDate::new(2012, 4, 15).unwrap());
        assert_eq!(mrz.name, "ERIKSSON ANNA MARIA");
        assert_eq!(mrz.sex, "F");
    }

    #[test]
    fn a_passport_zone_is_found_from_its_second_line_alone() {
        // The first line misread (a character dropped): the second carries
        // every check digit, so the number and dates are still facts.
        let mrz = find(&lines(&[
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        ]))
        .unwrap();
        assert_eq!(mrz.document_number, "L898902C3");
        assert_eq!(mrz.expiry, CalendarDate::new(2012, 4, 15).unwrap());
        assert_eq!((mrz.name.as_str(), mrz.issuer.as_str()), ("", ""));
        // A second line with one character changed is still refused.
        let changed = find(&lines(&["L898902C36UTO7408122F1204169ZE184226B<<<<<10"]));
        assert_eq!(changed, Err(MrzProblem::CheckDigit));
    }

    #[test]
    fn the_icao_specimen_td1_and_td2_verify() {
        // ICAO Doc 9303 Part 5 and Part 6 specimens.
        let td1 = find(&lines(&[
            "I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        ]))
        .unwrap();
        assert_eq!(td1.format, MrzFormat::Td1);
        assert_eq!(td1.document_number, "D23145890");
        let td2 = find(&lines(&[
            "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<",
            "D231458907UTO7408122F1204159<<<<<<<6",
        ]))
        .unwrap();
        assert_eq!(td2.format, MrzFormat::Td2);
        assert_eq!(td2.expiry, CalendarDate::new(2012, 4, 15).unwrap());
    }

    #[test]
    fn one_misread_character_is_caught() {
        let good = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        for i in 0..44 {
            if (10..13).contains(&i) || i == 20 {
                continue; // nationality and sex carry no check digit
            }
            let mut bytes = good.as_bytes().to_vec();
            // A character whose value differs by one: ICAO's 7-3-1 digits
            // catch any change not a multiple of 10 (0 and A, 0 and < weigh
            // the same; no check digit tells them apart).
            bytes[i] = match bytes[i] {
                b'9' => b'0',
                b'0'..=b'8' => bytes[i] + 1,
                b'Z' => b'A',
                b'A'..=b'Y' => bytes[i] + 1,
                _ => b'1',
            };
            let line2 = String::from_utf8(bytes).unwrap();
            let got = find(&lines(&[
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
                &line2,
            ]));
            assert!(got.is_err(), "{line2} passed");
        }
    }

    #[test]
    fn text_that_is_no_zone_is_not_found() {
        assert_eq!(
            find(&lines(&["中华人民共和国", "PASSPORT"])),
            Err(MrzProblem::NotFound)
        );
        assert_eq!(clean_line("P«UTO ERIKSSON"), "P<UTOERIKSSON");
    }
}
