//! What the fields read mean for the filing: valid long enough to outlast
//! the review, an ID number or credit code that verifies and agrees with
//! what is printed, a validity span the law allows, the applicant's name.

use super::date::CalendarDate;
use super::fields::{DocumentReading, DocumentSide, FieldKind, ValidUntil};
use crate::inspect::finding::{finding, Finding, Measure, MeasureUnit, Outcome};
use crate::inspect::DocumentType;

/// What the judgement needs besides the reading.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Expectations {
    /// The day the photo is checked (China's date).
    pub today: CalendarDate,
    /// Days the document must still be valid for (province rules table).
    pub min_validity_days: u32,
    /// The order's applicant as the gateway shows it, masked (`张*`).
    pub applicant_masked: Option<String>,
    /// Which document this is, in English and Chinese, for the messages.
    pub document_en: String,
    /// See `document_en`.
    pub document_zh: String,
}

/// The verdict on a document's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ValidityVerdict {
    /// Valid for long enough.
    Valid,
    /// Valid today, but ends before the filing can be reviewed.
    Expiring,
    /// Already expired.
    Expired,
    /// The validity period could not be read: never a pass.
    Unreadable,
}

/// The verdict of `reading` on `today` with `min_days` to spare.
pub fn validity_verdict(
    reading: &DocumentReading,
    today: CalendarDate,
    min_days: u32,
) -> ValidityVerdict {
    match reading.validity.map(|v| v.until) {
        None => ValidityVerdict::Unreadable,
        Some(ValidUntil::LongTerm) => ValidityVerdict::Valid,
        Some(ValidUntil::Date { date }) => {
            let left = date.day_number() - today.day_number();
            if left < 0 {
                ValidityVerdict::Expired
            } else if left < i64::from(min_days) {
                ValidityVerdict::Expiring
            } else {
                ValidityVerdict::Valid
            }
        }
    }
}

/// Whether the document type has a validity period to read.
pub fn has_validity(doc_type: DocumentType) -> bool {
    !matches!(
        doc_type,
        DocumentType::AuthenticityStatement | DocumentType::DomainCertificate
    )
}

/// Every finding on `reading`.
pub fn judge(reading: &DocumentReading, expect: &Expectations) -> Vec<Finding> {
    let mut findings = Vec::new();
    if !has_validity(reading.doc_type) {
        return findings;
    }
    findings.push(validity_finding(reading, expect));
    findings.extend(span_finding(reading));
    findings.extend(number_findings(reading));
    findings.extend(name_finding(reading, expect));
    findings
}

fn validity_finding(reading: &DocumentReading, expect: &Expectations) -> Finding {
    let region = reading.field(FieldKind::ValidityPeriod).map(|f| f.region);
    let min = expect.min_validity_days;
    let end = reading.validity.and_then(|v| match v.until {
        ValidUntil::Date { date } => Some(date),
        ValidUntil::LongTerm => None,
    });
    let left = end.map_or(f64::INFINITY, |d| {
        (d.day_number() - expect.today.day_number()) as f64
    });
    let measure = Measure::at_least(left, MeasureUnit::Days, f64::from(min));
    let (doc_en, doc_zh) = (&expect.document_en, &expect.document_zh);
    match validity_verdict(reading, expect.today, min) {
        ValidityVerdict::Valid => finding(
            "document.validity",
            Outcome::Pass,
            measure,
            region,
            &format!("The {doc_en} is valid for long enough."),
            &format!("{doc_zh}有效期充足。"),
        ),
        ValidityVerdict::Expired => {
            let end = end.expect("expired has an end");
            finding(
                "document.expired",
                Outcome::Fail,
                measure,
                region,
                &format!("The {doc_en} expired on {end}. Renew it, or use a valid document, before filing."),
                &format!("{doc_zh}已于 {end} 过期。请先换领证件或使用有效证件再备案。"),
            )
        }
        ValidityVerdict::Expiring => {
            let end = end.expect("expiring has an end");
            finding(
                "document.validity_short",
                Outcome::Fail,
                measure,
                region,
                &format!("The {doc_en} expires on {end}, before the filing can be reviewed (it must stay valid for {min} more days). Renew it first."),
                &format!("{doc_zh}将于 {end} 到期，早于备案审核完成（须至少还有 {min} 天有效期）。请先换领证件。"),
            )
        }
        ValidityVerdict::Unreadable => {
            let unknown = Measure::at_least(0.0, MeasureUnit::Days, f64::from(min));
            if reading.doc_type == DocumentType::IdCard && reading.side == DocumentSide::Front {
                finding(
                    "document.validity_unreadable",
                    Outcome::Warn,
                    unknown,
                    None,
                    "The validity period is on the back of the ID card: photograph the national-emblem side too.",
                    "有效期限在身份证背面：请同时拍摄国徽面。",
                )
            } else {
                finding(
                    "document.validity_unreadable",
                    Outcome::Warn,
                    unknown,
                    region,
                    "Could not read the validity period. Retake closer, without glare.",
                    "无法识别有效期限。请靠近重拍，避免反光。",
                )
            }
        }
    }
}

/// The span the Resident Identity Card Law (art. 5) allows for the holder's
/// age on the day of issue: under 16, 5 years; 16–25, 10; 26–45, 20; 46 and
/// over, long-term. Another span means a misread or an altered card.
fn span_finding(reading: &DocumentReading) -> Option<Finding> {
    if reading.doc_type != DocumentType::IdCard {
        return None;
    }
    let period = reading.validity?;
    let from = period.from?;
    let birth = reading.holder_birth?;
    let age = from.years_since(birth);
    let allowed = match age {
        ..=15 => Some(5),
        16..=25 => Some(10),
        26..=45 => Some(20),
        _ => None,
    };
    let span = match period.until {
        ValidUntil::Date { date } => Some(date.years_since(from)),
        ValidUntil::LongTerm => None,
    };
    let ok = span == allowed;
    let years = |s: Option<i64>| s.map_or(-1.0, |y| y as f64);
    let mut measure = Measure::at_least(years(span), MeasureUnit::Years, years(allowed));
    measure.limit = crate::inspect::Limit::Exactly;
    let region = reading.field(FieldKind::ValidityPeriod).map(|f| f.region);
    Some(finding(
        "document.validity_span",
        if ok { Outcome::Pass } else { Outcome::Warn },
        measure,
        region,
        "The validity period does not match the holder's age when the card was issued: check that it was read correctly, or retake the photo.",
        "有效期限与签发时持证人的年龄不符：请确认识别无误，或重新拍摄。",
    ))
}

/// The ID number, credit code and zone: verified, and agreeing with what
/// the card prints.
fn number_findings(reading: &DocumentReading) -> Vec<Finding> {
    let mut findings = Vec::new();
    for kind in &reading.unverified {
        let (code, en, zh) = match kind {
            FieldKind::IdNumber => (
                "document.id_number_unreadable",
                "The ID number read does not pass its check character. Retake closer, without glare.",
                "识别出的身份证号码未通过校验。请靠近重拍，避免反光。",
            ),
            FieldKind::CreditCode => (
                "document.credit_code_unreadable",
                "The unified social credit code read does not pass its check character. Retake closer, without glare.",
                "识别出的统一社会信用代码未通过校验。请靠近重拍，避免反光。",
            ),
            FieldKind::MachineReadableZone => (
                "document.mrz_unreadable",
                "The machine-readable lines at the bottom do not pass their check digits. Retake them sharp and whole.",
                "证件底部的机读码未通过校验。请清晰、完整地重新拍摄。",
            ),
            _ => continue,
        };
        findings.push(finding(
            code,
            Outcome::Warn,
            Measure::at_least(0.0, MeasureUnit::Count, 1.0),
            None,
            en,
            zh,
        ));
    }
    if disagree(reading.printed_birth, reading.holder_birth)
        || disagree(reading.printed_male, reading.holder_male)
    {
        let region = reading.field(FieldKind::IdNumber).map(|f| f.region);
        findings.push(finding(
            "document.id_number_mismatch",
            Outcome::Warn,
            Measure::at_least(0.0, MeasureUnit::Count, 1.0),
            region,
            "The birth date or sex printed on the card does not match the ID number. Check the card, or retake the photo.",
            "证件上的出生日期或性别与身份证号码不符。请核对证件或重新拍摄。",
        ));
    }
    findings
}

/// Both known, and different.
fn disagree<T: PartialEq>(printed: Option<T>, encoded: Option<T>) -> bool {
    matches!((printed, encoded), (Some(p), Some(e)) if p != e)
}

/// The name read against the order's masked applicant name.
fn name_finding(reading: &DocumentReading, expect: &Expectations) -> Option<Finding> {
    let masked = expect.applicant_masked.as_deref()?;
    let name = reading.field(FieldKind::Name)?;
    let ok = masked_matches(masked, &name.value);
    let (doc_en, doc_zh) = (&expect.document_en, &expect.document_zh);
    Some(finding(
        "document.name_mismatch",
        if ok { Outcome::Pass } else { Outcome::Warn },
        Measure::at_least(f64::from(u8::from(ok)), MeasureUnit::Count, 1.0),
        Some(name.region),
        &format!("The name on the {doc_en} does not match the order's applicant ({masked}). Check that this is the right document."),
        &format!("{doc_zh}上的名称与订单申请人（{masked}）不符。请确认证件是否正确。"),
    ))
}

/// Whether `name` agrees with `masked`: every visible character in place,
/// each run of mask characters standing for one or more hidden ones.
pub fn masked_matches(masked: &str, name: &str) -> bool {
    let is_mask = |c: char| matches!(c, '*' | '＊' | '•' | '●' | '×');
    let mut pattern: Vec<Option<char>> = Vec::new();
    for c in masked.trim().chars() {
        let token = (!is_mask(c)).then_some(c);
        if token.is_some() || pattern.last() != Some(&None) {
            pattern.push(token);
        }
    }
    let name: Vec<char> = name.trim().chars().take(MAX_NAME_CHARS).collect();
    matches_from(&pattern, &name)
}

/// Names longer than this are compared on their start only.
const MAX_NAME_CHARS: usize = 64;

/// `pattern` (characters, `None` for a hidden run of one or more) against
/// `name`, by dynamic programming (a hostile mask cannot make it slow).
fn matches_from(pattern: &[Option<char>], name: &[char]) -> bool {
    let n = name.len();
    // `next[j]`: the rest of the pattern matches `name[j..]`.
    let mut next = vec![false; n + 1];
    next[n] = true;
    for token in pattern.iter().rev() {
        let mut here = vec![false; n + 1];
        match token {
            Some(c) => {
                for j in 0..n {
                    here[j] = name[j] == *c && next[j + 1];
                }
            }
            None => {
                let mut any_later = false;
                for j in (0..n).rev() {
                    any_later |= next[j + 1];
                    here[j] = any_later;
                }
            }
        }
        next = here;
    }
    next[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masked_names_compare_their_visible_characters() {
        assert!(masked_matches("张*", "张三"));
        assert!(masked_matches("张*", "张三丰"));
        assert!(masked_matches("*三", "张三"));
        assert!(masked_matches("张*丰", "张三丰"));
        assert!(!masked_matches("张*丰", "张三"));
        assert!(!masked_matches("李*", "张三"));
        assert!(masked_matches("杭州**科技有限公司", "杭州某某科技有限公司"));
        assert!(!masked_matches(
            "杭州**科技有限公司",
            "杭州某某网络有限公司"
        ));
        assert!(masked_matches("张三", "张三"));
        assert!(!masked_matches("张*", "张"));
        let hostile = "*a".repeat(200);
        assert!(!masked_matches(&hostile, &"a".repeat(64)));
    }
}
