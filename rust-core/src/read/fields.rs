//! The fields of each document type, found in its recognised rows: the ID
//! card's front and back, the machine-readable zone of passports and
//! permits, the business licence's credit code, name and term.

use super::credit_code;
use super::date::{dates_in, CalendarDate};
use super::id_number;
use super::layout::{rows, Row, TextLine};
use super::mrz::{self, Mrz, MrzProblem};
use crate::imaging::PixelRect;
use crate::inspect::DocumentType;

/// Which side of a document a photo shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DocumentSide {
    /// The ID card's portrait side (name, number), a permit's data side, a
    /// passport's data page, a licence.
    Front,
    /// The ID card's national-emblem side (issuer, validity period).
    Back,
    /// Nothing read tells.
    Unknown,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FieldKind {
    /// 姓名, or the licence's 名称.
    Name,
    /// 性别.
    Sex,
    /// 出生 as printed.
    BirthDate,
    /// 公民身份号码 (18 characters, check character verified).
    IdNumber,
    /// 签发机关.
    Issuer,
    /// 有效期限 / 营业期限, or the zone's expiry.
    ValidityPeriod,
    /// A passport's or permit's number (from the verified zone).
    DocumentNumber,
    /// 统一社会信用代码 (check character verified).
    CreditCode,
    /// The machine-readable zone, all check digits verified.
    MachineReadableZone,
}

/// One field read, where it is, and how sure the recogniser was.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReadField {
    /// Which field.
    pub kind: FieldKind,
    /// Its value: dates as ISO 8601, a validity period as `from/until`
    /// with `long_term` for 长期.
    pub value: String,
    /// Where it is in the photo.
    pub region: PixelRect,
    /// The recogniser's confidence, 0–1.
    pub confidence: f32,
}

/// When a document stops being valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ValidUntil {
    /// The last valid day.
    Date {
        /// The day.
        date: CalendarDate,
    },
    /// 长期: without end.
    LongTerm,
}

/// A document's validity period as printed (or from the zone's expiry).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ValidityPeriod {
    /// The first valid day, when printed.
    pub from: Option<CalendarDate>,
    /// The end.
    pub until: ValidUntil,
}

/// Everything read from one document photo.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DocumentReading {
    /// What was read it as.
    pub doc_type: DocumentType,
    /// Which side the photo shows.
    pub side: DocumentSide,
    /// Every field read, with its box.
    pub fields: Vec<ReadField>,
    /// The validity period, when read.
    pub validity: Option<ValidityPeriod>,
    /// The holder's birth date and sex as the ID number or zone encode them.
    pub holder_birth: Option<CalendarDate>,
    /// See `holder_birth`: `true` for a man.
    pub holder_male: Option<bool>,
    /// The birth date and sex printed on the card, to compare with the number.
    pub printed_birth: Option<CalendarDate>,
    /// See `printed_birth`.
    pub printed_male: Option<bool>,
    /// The machine-readable zone, when one verified.
    pub mrz: Option<Mrz>,
    /// Fields seen whose check characters or digits do not verify (misread,
    /// or altered): never reported as read.
    pub unverified: Vec<FieldKind>,
}

impl DocumentReading {
    /// The first field of `kind`.
    pub fn field(&self, kind: FieldKind) -> Option<&ReadField> {
        self.fields.iter().find(|f| f.kind == kind)
    }
}

/// Reads the fields of a `doc_type` document from its recognised `lines`.
pub fn read_fields(doc_type: DocumentType, lines: &[TextLine]) -> DocumentReading {
    let rows = rows(lines);
    let mut reading = DocumentReading {
        doc_type,
        side: DocumentSide::Unknown,
        fields: Vec::new(),
        validity: None,
        holder_birth: None,
        holder_male: None,
        printed_birth: None,
        printed_male: None,
        mrz: None,
        unverified: Vec::new(),
    };
    match doc_type {
        DocumentType::IdCard => read_id_card(&rows, &mut reading),
        DocumentType::Passport | DocumentType::HkMacaoPermit | DocumentType::TaiwanPermit => {
            read_zone(&rows, &mut reading);
            // Residence permits carry no zone but an ID card's layout.
            read_id_card(&rows, &mut reading);
        }
        DocumentType::BusinessLicence => read_licence(&rows, &mut reading),
        DocumentType::AuthenticityStatement | DocumentType::DomainCertificate => {}
    }
    reading
}

/// Whether a line at `region` of a `doc_type` document can hold none of
/// its fields, judged from the shorter lines already read (`read`), so that
/// the recogniser may skip it. On the ID card: the front's address block
/// (right of the 住址 label, above the 公民身份号码 label), its longest
/// print, and the back's title (well above the 签发机关 label). On the
/// business licence: the values beside labels of facts the filing does not
/// read (类型, 法定代表人, 注册资本, 成立日期, 住所, 经营范围). Only the
/// core's own recogniser (feature `ocr`) skips lines.
#[cfg(any(feature = "ocr", test))]
pub(crate) fn holds_no_field<'a>(
    doc_type: DocumentType,
    read: impl IntoIterator<Item = &'a TextLine> + Clone,
    region: PixelRect,
) -> bool {
    let label = |name: &str| {
        read.clone()
            .into_iter()
            .find(|l| l.text.replace(' ', "") == name)
            .map(|l| l.region)
    };
    let centre = region.y + region.height / 2;
    match doc_type {
        DocumentType::IdCard => {
            let address = match (label("住址"), label("公民身份号码")) {
                (Some(address), Some(number)) => {
                    centre > address.y
                        && centre < number.y
                        && region.x >= address.x + address.width / 2
                }
                _ => false,
            };
            let title = label("签发机关")
                .is_some_and(|issuer| region.y + region.height + issuer.height < issuer.y);
            address || title
        }
        DocumentType::BusinessLicence => LICENCE_FACTS_NOT_READ.iter().any(|name| {
            label(name).is_some_and(|l| {
                let beside = centre > l.y && centre < l.y + l.height;
                beside && region.x >= l.x + l.width
            })
        }),
        _ => false,
    }
}

/// The business licence's labels whose values no field needs.
#[cfg(any(feature = "ocr", test))]
const LICENCE_FACTS_NOT_READ: [&str; 6] = [
    "类型",
    "法定代表人",
    "注册资本",
    "成立日期",
    "住所",
    "经营范围",
];

/// Adds a field read from `row`.
fn push(reading: &mut DocumentReading, kind: FieldKind, value: String, row: &Row) {
    if reading.field(kind).is_none() {
        reading.fields.push(ReadField {
            kind,
            value,
            region: row.region,
            confidence: row.confidence,
        });
    }
}

/// The text after `label` in the row that has it, punctuation trimmed.
fn after_label<'a>(rows: &'a [Row], label: &str) -> Option<(&'a Row, String)> {
    rows.iter().find_map(|row| {
        let at = row.text.find(label)?;
        let rest = row.text[at + label.len()..]
            .trim_start_matches([':', '：', ' ', '.'])
            .to_string();
        Some((row, rest))
    })
}

/// The front (姓名, 性别, 出生, 公民身份号码) and back (签发机关, 有效期限).
fn read_id_card(rows: &[Row], reading: &mut DocumentReading) {
    let mut front = false;
    let mut back = false;
    let mut number_like = false;
    for row in rows {
        if let Some((number, facts)) = id_number::find_in(&row.text).into_iter().next() {
            push(reading, FieldKind::IdNumber, number, row);
            reading.holder_birth = Some(facts.birth);
            reading.holder_male = Some(facts.male);
            front = true;
        } else if row.text.contains("号码") || long_digit_run(&row.text) >= 15 {
            number_like = true;
        }
    }
    if number_like && reading.field(FieldKind::IdNumber).is_none() {
        reading.unverified.push(FieldKind::IdNumber);
    }
    if let Some((row, name)) = after_label(rows, "姓名") {
        let name: String = name.chars().filter(|c| is_name_char(*c)).collect();
        if !name.is_empty() {
            push(reading, FieldKind::Name, name, row);
        }
        front = true;
    }
    if let Some((row, rest)) = after_label(rows, "性别") {
        let sex = rest.chars().find(|c| *c == '男' || *c == '女');
        if let Some(sex) = sex {
            reading.printed_male = Some(sex == '男');
            push(reading, FieldKind::Sex, sex.to_string(), row);
        }
        front = true;
    }
    if let Some((row, rest)) = after_label(rows, "出生") {
        if let Some((date, _)) = dates_in(&rest).into_iter().next() {
            reading.printed_birth = Some(date);
            push(reading, FieldKind::BirthDate, date.to_string(), row);
        }
    }
    if let Some((row, issuer)) = after_label(rows, "签发机关") {
        if !issuer.is_empty() {
            push(reading, FieldKind::Issuer, issuer, row);
        }
        back = true;
    }
    // The labelled row first, then any row holding a period.
    let labelled = after_label(rows, "有效期");
    let has_label = labelled.is_some();
    let validity = labelled
        .into_iter()
        .chain(rows.iter().map(|row| (row, row.text.clone())))
        .find_map(|(row, text)| period_in(&text).map(|p| (row, p)));
    if let Some((row, period)) = validity {
        set_validity(reading, period, row);
        if reading.mrz.is_none() {
            back = true;
        }
    } else if has_label {
        reading.unverified.push(FieldKind::ValidityPeriod);
    }
    if reading.side == DocumentSide::Unknown {
        reading.side = match (front, back) {
            (true, false) => DocumentSide::Front,
            (false, true) => DocumentSide::Back,
            (true, true) if reading.doc_type != DocumentType::IdCard => DocumentSide::Front,
            _ => DocumentSide::Unknown,
        };
    }
}

/// A period `from-until` or `from-长期` (`至` for 营业期限), or `长期` alone.
fn period_in(text: &str) -> Option<ValidityPeriod> {
    let dates = dates_in(text);
    let long_term = text.contains("长期");
    match (dates.as_slice(), long_term) {
        ([(from, _), (until, _), ..], _) if until > from => Some(ValidityPeriod {
            from: Some(*from),
            until: ValidUntil::Date { date: *until },
        }),
        ([(from, range), ..], true) if text[range.end..].contains("长期") => {
            Some(ValidityPeriod {
                from: Some(*from),
                until: ValidUntil::LongTerm,
            })
        }
        ([], true) => Some(ValidityPeriod {
            from: None,
            until: ValidUntil::LongTerm,
        }),
        _ => None,
    }
}

/// Records the validity period read in `row`; a printed period that ends
/// on the zone's expiry replaces the zone's (it also gives the first day).
fn set_validity(reading: &mut DocumentReading, period: ValidityPeriod, row: &Row) {
    match reading.validity {
        None => {}
        Some(known)
            if known.from.is_none() && period.from.is_some() && known.until == period.until =>
        {
            reading
                .fields
                .retain(|f| f.kind != FieldKind::ValidityPeriod);
        }
        Some(_) => return,
    }
    reading.validity = Some(period);
    let from = period.from.map_or(String::new(), |d| d.to_string());
    let until = match period.until {
        ValidUntil::Date { date } => date.to_string(),
        ValidUntil::LongTerm => "long_term".to_string(),
    };
    push(
        reading,
        FieldKind::ValidityPeriod,
        format!("{from}/{until}"),
        row,
    );
}

/// A passport's or permit's zone: number, birth date, sex, expiry.
fn read_zone(rows: &[Row], reading: &mut DocumentReading) {
    let cleaned: Vec<String> = rows.iter().map(|r| mrz::clean_line(&r.text)).collect();
    match mrz::find(&cleaned) {
        Ok(zone) => {
            let zone_rows: Vec<&Row> = rows
                .iter()
                .zip(&cleaned)
                .filter(|(_, c)| c.contains("<<") || c.len() >= 30 && c.contains('<'))
                .map(|(r, _)| r)
                .collect();
            let region = zone_rows
                .iter()
                .map(|r| r.region)
                .reduce(super::layout::union)
                .unwrap_or(rows[0].region);
            let confidence = zone_rows.iter().map(|r| r.confidence).fold(1.0, f32::min);
            let row = Row {
                text: String::new(),
                region,
                confidence,
            };
            push(
                reading,
                FieldKind::MachineReadableZone,
                cleaned.join("\n"),
                &row,
            );
            push(
                reading,
                FieldKind::DocumentNumber,
                zone.document_number.clone(),
                &row,
            );
            reading.holder_birth = Some(zone.birth);
            reading.holder_male = match zone.sex.as_str() {
                "M" => Some(true),
                "F" => Some(false),
                _ => None,
            };
            set_validity(
                reading,
                ValidityPeriod {
                    from: None,
                    until: ValidUntil::Date { date: zone.expiry },
                },
                &row,
            );
            reading.side = DocumentSide::Front;
            reading.mrz = Some(zone);
        }
        Err(MrzProblem::NotFound) => {
            if cleaned.iter().any(|c| c.len() >= 28 && c.contains("<<")) {
                reading.unverified.push(FieldKind::MachineReadableZone);
            }
        }
        Err(MrzProblem::CheckDigit | MrzProblem::Date) => {
            reading.unverified.push(FieldKind::MachineReadableZone)
        }
    }
}

/// The licence: 统一社会信用代码, 名称, 营业期限.
fn read_licence(rows: &[Row], reading: &mut DocumentReading) {
    let mut code_like = false;
    for row in rows {
        if let Some(code) = credit_code::find_in(&row.text).into_iter().next() {
            push(reading, FieldKind::CreditCode, code, row);
        } else if row.text.contains("信用代码") || long_alnum_run(&row.text) >= 15 {
            code_like = true;
        }
    }
    if code_like && reading.field(FieldKind::CreditCode).is_none() {
        reading.unverified.push(FieldKind::CreditCode);
    }
    if let Some((row, name)) = after_label(rows, "名称") {
        let name: String = name.chars().filter(|c| !c.is_whitespace()).collect();
        if !name.is_empty() {
            push(reading, FieldKind::Name, name, row);
        }
    }
    if let Some((row, term)) = after_label(rows, "营业期限") {
        match period_in(&term).or_else(|| until_only(&term)) {
            Some(period) => set_validity(reading, period, row),
            None => reading.unverified.push(FieldKind::ValidityPeriod),
        }
    }
    reading.side = DocumentSide::Front;
}

/// `至2045年02月28日` or a single end date.
fn until_only(text: &str) -> Option<ValidityPeriod> {
    let (date, _) = dates_in(text).into_iter().last()?;
    Some(ValidityPeriod {
        from: None,
        until: ValidUntil::Date { date },
    })
}

/// Characters of a Chinese name (with the middle dot of minority names).
fn is_name_char(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9fff}' | '·' | '•' | '\u{20000}'..='\u{2ffff}')
}

fn long_digit_run(text: &str) -> usize {
    longest_run(text, |c| c.is_ascii_digit() || c == 'X' || c == 'x')
}

fn long_alnum_run(text: &str) -> usize {
    longest_run(text, |c| c.is_ascii_alphanumeric())
}

fn longest_run(text: &str, pred: impl Fn(char) -> bool) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        run = if pred(c) { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, x: u32, y: u32, width: u32) -> TextLine {
        TextLine {
            text: text.into(),
            confidence: 1.0,
            region: PixelRect {
                x,
                y,
                width,
                height: 40,
            },
        }
    }

    /// The ID card front's address block and the back's title are skipped
    /// once their labels are read; the number beside its label, the name
    /// and every line of other documents are not.
    #[test]
    fn only_the_id_cards_address_and_title_hold_no_field() {
        let front = [
            line("姓名", 100, 100, 80),
            line("住 址", 100, 400, 80),
            line("公民身份号码", 100, 700, 240),
        ];
        let at = |x, y, width| line("", x, y, width).region;
        let id = DocumentType::IdCard;
        assert!(holds_no_field(id, &front, at(220, 400, 600)));
        assert!(holds_no_field(id, &front, at(220, 470, 500)));
        assert!(!holds_no_field(id, &front, at(380, 700, 700)));
        assert!(!holds_no_field(id, &front, at(220, 100, 120)));
        assert!(!holds_no_field(id, &front[..2], at(220, 470, 500)));
        let back = [line("签发机关", 200, 500, 160)];
        assert!(holds_no_field(id, &back, at(400, 100, 500)));
        assert!(!holds_no_field(id, &back, at(400, 500, 400)));
        assert!(!holds_no_field(id, &back, at(400, 580, 400)));
        let passport = DocumentType::Passport;
        assert!(!holds_no_field(passport, &front, at(220, 470, 500)));
        let licence = [
            line("法定代表人", 100, 300, 200),
            line("名 称", 100, 200, 120),
        ];
        let lic = DocumentType::BusinessLicence;
        assert!(holds_no_field(lic, &licence, at(350, 305, 200)));
        assert!(!holds_no_field(lic, &licence, at(350, 205, 400)));
        assert!(!holds_no_field(lic, &licence, at(350, 400, 400)));
    }
}
