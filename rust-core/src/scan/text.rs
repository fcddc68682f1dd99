//! The text of a payload whose bytes carry no character set (rqrr returns
//! byte-mode and Kanji segments as raw bytes and skips ECI designators):
//! UTF-8 when the bytes are valid UTF-8; else Shift_JIS (Japanese codes) or
//! GB18030 (GBK, Chinese codes), whichever is valid, or when both are,
//! whichever reads as more common characters; else ISO-8859-1.

use encoding_rs::{GB18030, SHIFT_JIS};

/// The text of `bytes`, its character set guessed.
pub(super) fn guess_text(bytes: &[u8]) -> String {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.strip_prefix('\u{feff}').unwrap_or(text).to_string();
    }
    let strict = |encoding: &'static encoding_rs::Encoding| {
        encoding
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| t.into_owned())
    };
    match (strict(SHIFT_JIS), strict(GB18030)) {
        (Some(japanese), Some(chinese)) => {
            // Both readings are valid: the one made of common characters.
            if common_in_shift_jis(bytes) > common_in_gb18030(bytes) {
                japanese
            } else {
                chinese
            }
        }
        (Some(text), None) | (None, Some(text)) => text,
        (None, None) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Share of the non-ASCII characters of `bytes` read as Shift_JIS that are
/// common: JIS X 0208 symbols and kana (lead bytes 0x81–0x84) and level-1
/// kanji (0x88–0x98) count whole, half-width katakana half.
fn common_in_shift_jis(bytes: &[u8]) -> f32 {
    let (mut common, mut total, mut i) = (0.0, 0.0, 0);
    while let Some(&b) = bytes.get(i) {
        match b {
            0x00..=0x7f => i += 1,
            0xa1..=0xdf => {
                (common, total, i) = (common + 0.5, total + 1.0, i + 1);
            }
            _ => {
                let usual = matches!(b, 0x81..=0x84 | 0x88..=0x98);
                (common, total, i) = (common + f32::from(u8::from(usual)), total + 1.0, i + 2);
            }
        }
    }
    if total == 0.0 {
        1.0
    } else {
        common / total
    }
}

/// Share of the non-ASCII characters of `bytes` read as GB18030 that are
/// GB2312's symbols (lead bytes 0xA1–0xA9) or its 3755 common hanzi
/// (0xB0–0xD7); GBK's extensions and four-byte sequences are rare.
fn common_in_gb18030(bytes: &[u8]) -> f32 {
    let (mut common, mut total, mut i) = (0.0, 0.0, 0);
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            i += 1;
            continue;
        }
        let trail = bytes.get(i + 1).copied().unwrap_or(0);
        let four_byte = trail.is_ascii_digit();
        let usual = trail >= 0xa1 && matches!(b, 0xa1..=0xa9 | 0xb0..=0xd7);
        total += 1.0;
        common += f32::from(u8::from(usual && !four_byte));
        i += if four_byte { 4 } else { 2 };
    }
    if total == 0.0 {
        1.0
    } else {
        common / total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_character_set_is_told_apart() {
        assert_eq!(guess_text("订单 ICP-1".as_bytes()), "订单 ICP-1");
        assert_eq!(guess_text(b"\xef\xbb\xbfhello"), "hello");
        let (sjis, _, _) = SHIFT_JIS.encode("[外側QRコード] ﾀﾞﾌﾞﾙ");
        assert_eq!(guess_text(&sjis), "[外側QRコード] ﾀﾞﾌﾞﾙ");
        let (gbk, _, _) = GB18030.encode("上海市通信管理局备案");
        assert_eq!(guess_text(&gbk), "上海市通信管理局备案");
        let (gbk, _, _) = GB18030.encode("请扫码：订单已创建");
        assert_eq!(guess_text(&gbk), "请扫码：订单已创建");
        let (sjis, _, _) = SHIFT_JIS.encode("ひらがなとカタカナ、漢字");
        assert_eq!(guess_text(&sjis), "ひらがなとカタカナ、漢字");
        assert_eq!(guess_text(b"caf\xe9 \xff"), "café ÿ");
    }
}
