//! The unified social credit code (统一社会信用代码, GB 32100-2015): 18
//! characters from a 31-character alphabet, the last a MOD 31 check.

/// The code's alphabet (no I, O, S, V, Z), each character's value its index.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100-2015 weights: 3^i mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The check character of the first 17 characters, when they are all in
/// the alphabet.
pub fn check_character(first17: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        let value = ALPHABET.iter().position(|a| a == c)? as u32;
        sum += value * w;
    }
    Some(ALPHABET[((31 - sum % 31) % 31) as usize])
}

/// Whether `code` is a valid 18-character credit code.
pub fn is_valid(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 18 && check_character(&bytes[..17]) == Some(bytes[17])
}

/// Every 18-character run of `text` that is a valid credit code, after
/// undoing the recogniser's usual confusions (`O`→0, `I`→1, `Z`→2, `S`→5,
/// `V`→U: letters the alphabet leaves out because they look like others).
pub fn find_in(text: &str) -> Vec<String> {
    let normal: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' => '1',
            'Z' => '2',
            'S' => '5',
            'V' => 'U',
            up => up,
        })
        .collect();
    (0..normal.len().saturating_sub(17))
        .map(|start| normal[start..start + 18].iter().collect::<String>())
        .filter(|candidate| is_valid(candidate))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid code for 17 characters.
    fn code_for(first17: &str) -> String {
        let check = check_character(first17.as_bytes()).unwrap() as char;
        format!("{first17}{check}")
    }

    #[test]
    fn published_codes_verify() {
        // Codes printed on public business licences.
        assert!(is_valid("91350100M000100Y43"));
        assert!(is_valid("91110108551385082Q"));
        assert!(is_valid("9144030071526726XG"));
        assert!(is_valid("91330100716105852F"));
        assert!(!is_valid("91110108551385082R"));
        assert!(!is_valid("9111010855138508"));
    }

    #[test]
    fn every_single_character_error_is_caught() {
        let good = code_for("91440300MA5F00000");
        assert!(is_valid(&good));
        for i in 0..18 {
            for &c in ALPHABET {
                let mut bytes = good.clone().into_bytes();
                if bytes[i] == c {
                    continue;
                }
                bytes[i] = c;
                assert!(!is_valid(std::str::from_utf8(&bytes).unwrap()));
            }
        }
    }

    #[test]
    fn found_in_recognised_text() {
        let good = code_for("91440300MA5F00000");
        let text = format!("统一社会信用代码 {}", good.replace('0', "O"));
        assert_eq!(find_in(&text), vec![good]);
    }
}
