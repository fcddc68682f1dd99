//! Fields read from recognised text (as the platform's recogniser or the
//! core's own returns it) and the filing's verdicts on them.

use icp_companion_core::inspect::{DocumentType, Outcome, PixelRect};
use icp_companion_core::read::{
    judge, read_fields, validity_verdict, CalendarDate, DocumentSide, Expectations, FieldKind,
    TextLine, ValidUntil, ValidityVerdict,
};

fn line(text: &str, x: u32, y: u32) -> TextLine {
    TextLine {
        text: text.into(),
        confidence: 0.95,
        region: PixelRect {
            x,
            y,
            width: 30 * text.chars().count() as u32,
            height: 40,
        },
    }
}

fn date(y: u16, m: u8, d: u8) -> CalendarDate {
    CalendarDate::new(y, m, d).unwrap()
}

fn expect(today: CalendarDate) -> Expectations {
    Expectations {
        today,
        min_validity_days: 60,
        applicant_masked: Some("张*".into()),
        document_en: "website owner's ID document".into(),
        document_zh: "网站负责人证件".into(),
    }
}

/// 11010519491231002X with another birth date and sequence, check recomputed.
fn id_number(birth: &str, seq: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let first: String = format!("110105{birth}{seq}");
    let sum: u32 = first
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{first}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

fn front(name: &str, sex: &str, birth: &str, number: &str) -> Vec<TextLine> {
    vec![
        line("姓名", 60, 60),
        line(name, 200, 62),
        line("性别", 60, 140),
        line(sex, 200, 141),
        line("民族", 320, 140),
        line("汉", 440, 140),
        line(&format!("出生{birth}"), 60, 220),
        line("住址北京市东城区某某路1号", 60, 300),
        line("公民身份号码", 60, 560),
        line(number, 330, 562),
    ]
}

fn back(period: &str) -> Vec<TextLine> {
    vec![
        line("中华人民共和国", 300, 80),
        line("居民身份证", 300, 160),
        line("签发机关", 150, 460),
        line("北京市公安局东城分局", 330, 461),
        line("有效期限", 150, 540),
        line(period, 330, 541),
    ]
}

#[test]
fn an_id_cards_front_gives_name_sex_birth_and_the_verified_number() {
    let number = id_number("19900101", "124"); // sequence 4: a woman
    let reading = read_fields(
        DocumentType::IdCard,
        &front("张三", "女", "1990年1月1日", &number),
    );
    assert_eq!(reading.side, DocumentSide::Front);
    assert_eq!(reading.field(FieldKind::Name).unwrap().value, "张三");
    assert_eq!(reading.field(FieldKind::IdNumber).unwrap().value, number);
    assert_eq!(reading.holder_birth, Some(date(1990, 1, 1)));
    assert_eq!(reading.printed_birth, Some(date(1990, 1, 1)));
    assert_eq!(reading.holder_male, Some(false));
    let region = reading.field(FieldKind::IdNumber).unwrap().region;
    assert_eq!((region.x, region.y), (60, 560));
    let findings = judge(&reading, &expect(date(2026, 12, 1)));
    let codes: Vec<_> = findings
        .iter()
        .map(|f| (f.code.as_str(), f.outcome))
        .collect();
    assert!(
        codes.contains(&("document.validity_unreadable", Outcome::Warn)),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("document.name_mismatch", Outcome::Pass)),
        "{codes:?}"
    );
    assert!(!codes.iter().any(|c| c.0 == "document.id_number_mismatch"));
}

#[test]
fn printed_birth_or_sex_against_the_number_is_a_warning() {
    let number = id_number("19900101", "123"); // sequence 3: a man
    let reading = read_fields(
        DocumentType::IdCard,
        &front("张三", "女", "1990年1月2日", &number),
    );
    let findings = judge(&reading, &expect(date(2026, 12, 1)));
    let mismatch = findings
        .iter()
        .find(|f| f.code == "document.id_number_mismatch")
        .expect("mismatch reported");
    assert_eq!(mismatch.outcome, Outcome::Warn);
}

#[test]
fn a_misread_number_is_unreadable_never_a_pass() {
    let mut number = id_number("19900101", "123");
    number.replace_range(3..4, if &number[3..4] == "7" { "8" } else { "7" });
    let reading = read_fields(
        DocumentType::IdCard,
        &front("张三", "男", "1990年1月1日", &number),
    );
    assert!(reading.field(FieldKind::IdNumber).is_none());
    let findings = judge(&reading, &expect(date(2026, 12, 1)));
    let f = findings
        .iter()
        .find(|f| f.code == "document.id_number_unreadable")
        .unwrap();
    assert_eq!(f.outcome, Outcome::Warn);
}

#[test]
fn the_back_gives_the_validity_and_expired_cards_fail_with_the_date() {
    let today = date(2026, 12, 1);
    let reading = read_fields(DocumentType::IdCard, &back("2006.03.01-2026.03.01"));
    assert_eq!(reading.side, DocumentSide::Back);
    assert_eq!(
        reading.validity.unwrap().until,
        ValidUntil::Date {
            date: date(2026, 3, 1)
        }
    );
    assert_eq!(
        validity_verdict(&reading, today, 60),
        ValidityVerdict::Expired
    );
    let findings = judge(&reading, &expect(today));
    let expired = findings
        .iter()
        .find(|f| f.code == "document.expired")
        .unwrap();
    assert_eq!(expired.outcome, Outcome::Fail);
    assert!(
        expired.message_en.contains("2026-03-01"),
        "{}",
        expired.message_en
    );
    assert!(expired.message_zh.contains("2026-03-01"));
    assert_eq!(expired.measured, -275.0);
}

#[test]
fn a_card_ending_before_review_fails_and_one_ending_after_passes() {
    let today = date(2026, 12, 1);
    let soon = read_fields(DocumentType::IdCard, &back("2007.01.15-2027.01.15"));
    assert_eq!(
        validity_verdict(&soon, today, 60),
        ValidityVerdict::Expiring
    );
    let findings = judge(&soon, &expect(today));
    let short = findings
        .iter()
        .find(|f| f.code == "document.validity_short")
        .unwrap();
    assert_eq!(short.outcome, Outcome::Fail);
    assert!(short.message_en.contains("2027-01-15") && short.message_en.contains("60"));
    let later = read_fields(DocumentType::IdCard, &back("2007.03.15-2027.03.15"));
    assert_eq!(validity_verdict(&later, today, 60), ValidityVerdict::Valid);
    let long = read_fields(DocumentType::IdCard, &back("2010.05.20-长期"));
    assert_eq!(long.validity.unwrap().until, ValidUntil::LongTerm);
    assert_eq!(validity_verdict(&long, today, 60), ValidityVerdict::Valid);
}

#[test]
fn the_laws_validity_span_for_the_age_at_issue_is_checked_when_both_sides_are_read() {
    let number = id_number("19900101", "123");
    let mut lines = front("张三", "男", "1990年1月1日", &number);
    // Both sides on one sheet (composed): the back below the front.
    lines.extend(back("2012.06.01-2022.06.01").into_iter().map(|mut l| {
        l.region.y += 1000;
        l
    }));
    let reading = read_fields(DocumentType::IdCard, &lines);
    // Issued at 22: ten years, as the law says.
    let span = judge(&reading, &expect(date(2021, 1, 1)))
        .into_iter()
        .find(|f| f.code == "document.validity_span")
        .unwrap();
    assert_eq!(span.outcome, Outcome::Pass);
    // Twenty years at 22 is not allowed: a misread or an altered card.
    let mut lines = front("张三", "男", "1990年1月1日", &number);
    lines.extend(back("2012.06.01-2032.06.01").into_iter().map(|mut l| {
        l.region.y += 1000;
        l
    }));
    let reading = read_fields(DocumentType::IdCard, &lines);
    let span = judge(&reading, &expect(date(2026, 12, 1)))
        .into_iter()
        .find(|f| f.code == "document.validity_span")
        .unwrap();
    assert_eq!(span.outcome, Outcome::Warn);
}

#[test]
fn a_name_that_does_not_match_the_order_names_the_document() {
    let number = id_number("19900101", "123");
    let reading = read_fields(
        DocumentType::IdCard,
        &front("李四", "男", "1990年1月1日", &number),
    );
    let f = judge(&reading, &expect(date(2026, 12, 1)))
        .into_iter()
        .find(|f| f.code == "document.name_mismatch")
        .unwrap();
    assert_eq!(f.outcome, Outcome::Warn);
    assert!(f.message_en.contains("website owner's ID document"));
    assert!(f.message_zh.contains("网站负责人证件"));
}

#[test]
fn a_passports_zone_gives_number_and_expiry_with_check_digits_verified() {
    let lines = vec![
        line("中华人民共和国护照", 100, 40),
        line("P<CHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", 40, 700),
        line("E123456782CHN9001011M3001019LCOCLMPNMNPNA988", 40, 760),
    ];
    let reading = read_fields(DocumentType::Passport, &lines);
    let mrz = reading.mrz.as_ref().expect("the zone verifies");
    assert_eq!(mrz.document_number, "E12345678");
    assert_eq!(mrz.name, "ZHANG SAN");
    assert_eq!(reading.holder_birth, Some(date(1990, 1, 1)));
    assert_eq!(
        reading.validity.unwrap().until,
        ValidUntil::Date {
            date: date(2030, 1, 1)
        }
    );
    // One character misread (the expiry's last digit): nothing is taken.
    let misread = vec![
        lines[1].clone(),
        line("E123456782CHN9001011M3001029LCOCLMPNMNPNA988", 40, 760),
    ];
    let reading = read_fields(DocumentType::Passport, &misread);
    assert!(reading.mrz.is_none() && reading.validity.is_none());
    assert!(reading.unverified.contains(&FieldKind::MachineReadableZone));
}

#[test]
fn the_icao_specimen_passport_is_expired() {
    let lines = vec![
        line("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 40, 700),
        line("L898902C36UTO7408122F1204159ZE184226B<<<<<10", 40, 760),
    ];
    let reading = read_fields(DocumentType::Passport, &lines);
    assert_eq!(
        reading.field(FieldKind::DocumentNumber).unwrap().value,
        "L898902C3"
    );
    let findings = judge(&reading, &expect(date(2026, 12, 1)));
    let f = findings
        .iter()
        .find(|f| f.code == "document.expired")
        .unwrap();
    assert!(f.message_en.contains("2012-04-15"));
}

#[test]
fn a_licence_gives_its_code_name_and_term() {
    let lines = vec![
        line("营业执照", 400, 100),
        line("统一社会信用代码", 60, 200),
        line("91330100716105852F", 60, 250),
        line("名称", 60, 400),
        line("杭州某某科技有限公司", 200, 401),
        line("营业期限", 60, 480),
        line("2015年03月01日至2026年12月31日", 200, 481),
    ];
    let reading = read_fields(DocumentType::BusinessLicence, &lines);
    assert_eq!(
        reading.field(FieldKind::CreditCode).unwrap().value,
        "91330100716105852F"
    );
    assert_eq!(
        reading.field(FieldKind::Name).unwrap().value,
        "杭州某某科技有限公司"
    );
    let mut e = expect(date(2026, 12, 1));
    e.applicant_masked = Some("杭州**科技有限公司".into());
    let findings = judge(&reading, &e);
    let codes: Vec<_> = findings
        .iter()
        .map(|f| (f.code.as_str(), f.outcome))
        .collect();
    assert!(
        codes.contains(&("document.validity_short", Outcome::Fail)),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("document.name_mismatch", Outcome::Pass)),
        "{codes:?}"
    );
    let long = read_fields(
        DocumentType::BusinessLicence,
        &[line("营业期限", 60, 480), line("长期", 200, 481)],
    );
    assert_eq!(long.validity.unwrap().until, ValidUntil::LongTerm);
}

#[test]
fn a_licence_code_that_fails_its_check_is_unreadable() {
    let lines = vec![
        line("统一社会信用代码", 60, 200),
        line("91330100716105852G", 60, 250),
    ];
    let reading = read_fields(DocumentType::BusinessLicence, &lines);
    let findings = judge(&reading, &expect(date(2026, 12, 1)));
    assert!(findings
        .iter()
        .any(|f| f.code == "document.credit_code_unreadable" && f.outcome == Outcome::Warn));
    assert!(findings
        .iter()
        .any(|f| f.code == "document.validity_unreadable" && f.outcome == Outcome::Warn));
}

#[test]
fn nothing_read_is_unreadable_and_statements_have_no_validity() {
    let reading = read_fields(DocumentType::IdCard, &[]);
    let findings = judge(&reading, &expect(date(2026, 12, 1)));
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, "document.validity_unreadable");
    let statement = read_fields(
        DocumentType::AuthenticityStatement,
        &[line("真实性核验单", 0, 0)],
    );
    assert!(judge(&statement, &expect(date(2026, 12, 1))).is_empty());
}

#[test]
fn a_travel_permits_zone_and_printed_period_agree() {
    let lines = vec![
        line("港澳居民来往内地通行证", 240, 25),
        line("有效期限", 240, 90),
        line("2020.01.01-2030.01.01", 360, 88),
        line("CRCHNH123456783<<<<<<<<<<<<<<<", 36, 340),
        line("9001011M3001019<<<<<<<<<<<<<<0", 36, 394),
        line("ZHANG<<SAN<<<<<<<<<<<<<<<<<<<<", 36, 448),
    ];
    let reading = read_fields(DocumentType::HkMacaoPermit, &lines);
    assert_eq!(reading.mrz.as_ref().unwrap().document_number, "H12345678");
    assert_eq!(reading.side, DocumentSide::Front);
    let validity = reading.validity.unwrap();
    assert_eq!(validity.from, Some(date(2020, 1, 1)));
    assert_eq!(
        validity.until,
        ValidUntil::Date {
            date: date(2030, 1, 1)
        }
    );
    // A printed end that disagrees with the verified zone is not taken.
    let mut misread = lines.clone();
    misread[2] = line("2020.01.01-2038.01.01", 360, 88);
    let reading = read_fields(DocumentType::HkMacaoPermit, &misread);
    assert_eq!(
        reading.validity.unwrap().until,
        ValidUntil::Date {
            date: date(2030, 1, 1)
        }
    );
}

#[test]
fn hostile_text_is_read_in_bounded_time_and_stays_unreadable() {
    // Ten thousand lines of digits, filler and labels, one of 100 kB.
    let mut lines: Vec<TextLine> = (0..10_000u32)
        .map(|i| {
            let text = match i % 4 {
                0 => "有效期限".to_string(),
                1 => "1".repeat(40),
                2 => "<".repeat(44),
                _ => "公民身份号码".to_string(),
            };
            line(&text, i % 7 * 50, i * 3)
        })
        .collect();
    lines.push(line(&"9".repeat(100_000), 0, 5));
    let started = std::time::Instant::now();
    let reading = read_fields(DocumentType::Passport, &lines);
    // A hang guard, not a speed target (0.2 s here; under emulation more).
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(reading.validity.is_none() && reading.mrz.is_none());
    let findings = judge(&reading, &expect(date(2026, 12, 1)));
    assert!(findings
        .iter()
        .any(|f| f.code == "document.validity_unreadable" && f.outcome == Outcome::Warn));
}
