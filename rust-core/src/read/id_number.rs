//! The citizen identity number (公民身份号码, GB 11643-1999): six digits of
//! address code, the birth date, a three-digit sequence whose last digit is
//! odd for men and even for women, and an ISO 7064 MOD 11-2 check character.

use super::date::CalendarDate;

/// What an ID number says about its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdNumberFacts {
    /// The birth date it encodes.
    pub birth: CalendarDate,
    /// `true` for a man (odd sequence digit).
    pub male: bool,
}

/// Why an 18-character string is no valid ID number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberProblem {
    /// Not 17 digits followed by a digit or `X`.
    Format,
    /// The first two digits are no province, nor Hong Kong, Macao or Taiwan
    /// (residence permits use 81, 82 and 83).
    Region,
    /// Digits 7–14 are no real date.
    BirthDate,
    /// The last character is not the check character of the others.
    CheckCharacter,
}

/// GB 11643-1999 weights: 2^(17−i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each remainder of the weighted sum mod 11.
const CHECK: &[u8; 11] = b"10X98765432";
/// Province codes of GB/T 2260, with 81–83 for Hong Kong, Macao and Taiwan.
const REGIONS: [u8; 37] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91, 99,
];

/// The check character of the first 17 digits of `number`.
pub fn check_character(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// Validates an 18-character ID number (`x` accepted for `X`).
pub fn validate(number: &str) -> Result<IdNumberFacts, IdNumberProblem> {
    let bytes = number.as_bytes();
    if bytes.len() != 18
        || !bytes[..17].iter().all(u8::is_ascii_digit)
        || !(bytes[17].is_ascii_digit() || bytes[17].eq_ignore_ascii_case(&b'X'))
    {
        return Err(IdNumberProblem::Format);
    }
    let region = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
    if !REGIONS.contains(&region) {
        return Err(IdNumberProblem::Region);
    }
    let birth = CalendarDate::from_digits(&number[6..14]).ok_or(IdNumberProblem::BirthDate)?;
    if check_character(&bytes[..17]) != bytes[17].to_ascii_uppercase() {
        return Err(IdNumberProblem::CheckCharacter);
    }
    Ok(IdNumberFacts {
        birth,
        male: (bytes[16] - b'0') % 2 == 1,
    })
}

/// Every 18-character run in `text` that is a valid ID number, after undoing
/// the recogniser's usual confusions inside digit runs (`O`→0, `l`/`I`→1,
/// a full-width digit or `Ｘ`).
pub fn find_in(text: &str) -> Vec<(String, IdNumberFacts)> {
    let normal: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            'O' | 'o' | 'D' => '0',
            'l' | 'I' | '|' => '1',
            'x' | 'Ｘ' | '×' => 'X',
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            _ => c,
        })
        .collect();
    let mut found = Vec::new();
    for start in 0..normal.len().saturating_sub(17) {
        let candidate: String = normal[start..start + 18].iter().collect();
        if let Ok(facts) = validate(&candidate) {
            found.push((candidate, facts));
        }
    }
    found
}

/// The number with all but its first 6 and last 4 characters hidden, for
/// logs and screens that do not need it (`110101********123X`).
pub fn masked(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 6 || i >= chars.len() - 4 {
                *c
            } else {
                '*'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid number for a birth date and sequence, built with the check.
    pub(crate) fn number_for(region: &str, birth: &str, sequence: &str) -> String {
        let first17 = format!("{region}{birth}{sequence}");
        let check = check_character(first17.as_bytes()) as char;
        format!("{first17}{check}")
    }

    #[test]
    fn the_standards_published_example_verifies() {
        // GB 11643-1999 annex: 11010519491231002X.
        let facts = validate("11010519491231002X").unwrap();
        assert_eq!(facts.birth, CalendarDate::new(1949, 12, 31).unwrap());
        assert!(!facts.male);
        assert!(validate("11010519491231002x").is_ok());
    }

    #[test]
    fn every_single_digit_error_is_caught() {
        let good = number_for("440305", "19900101", "123");
        assert!(validate(&good).is_ok());
        for i in 0..17 {
            for d in b'0'..=b'9' {
                let mut bytes = good.clone().into_bytes();
                if bytes[i] == d {
                    continue;
                }
                bytes[i] = d;
                let bad = String::from_utf8(bytes).unwrap();
                assert!(validate(&bad).is_err(), "{bad} passed");
            }
        }
    }

    #[test]
    fn problems_are_named() {
        assert_eq!(validate("12345"), Err(IdNumberProblem::Format));
        let no_region = number_for("000000", "19900101", "123");
        assert_eq!(validate(&no_region), Err(IdNumberProblem::Region));
        let no_date = number_for("440305", "19900230", "123");
        assert_eq!(validate(&no_date), Err(IdNumberProblem::BirthDate));
        let mut wrong = number_for("440305", "19900101", "123");
        let last = if wrong.ends_with('0') { "1" } else { "0" };
        wrong.replace_range(17.., last);
        assert_eq!(validate(&wrong), Err(IdNumberProblem::CheckCharacter));
    }

    #[test]
    fn found_in_recognised_text_with_confusions() {
        let good = number_for("310104", "19851120", "241");
        let misread = good.replacen('0', "O", 1);
        let found = find_in(&format!("公民身份号码 {misread}"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, good);
        assert!(found[0].1.male);
        assert!(find_in("公民身份号码 31010419851120241").is_empty());
    }

    #[test]
    fn masking_keeps_six_and_four() {
        assert_eq!(masked("11010519491231002X"), "110105********002X");
    }
}
