//! The core's own recogniser on drawn document photos (tests/setup-deps.sh
//! extracts the PP-OCRv4 models into $ICP_OCR_MODELS and draws the corpus
//! into $ICP_READING_CORPUS with tests/eval/make_reading_corpus.py): ID
//! cards and licences read exactly; a passport's or permit's zone is either
//! read exactly or reported unreadable, never misread; no expired or
//! expiring document is judged valid. (Accuracy over a larger corpus and
//! the time per photo: `icp-companion read-eval`, `cargo bench --bench read`.)

use std::path::PathBuf;

use icp_companion_core::imaging::read_image_file;
use icp_companion_core::inspect::DocumentType;
use icp_companion_core::read::ocr::TextRecogniser;
use icp_companion_core::read::{
    read_photo, validity_verdict, CalendarDate, FieldKind, ValidityVerdict,
};

fn env_path(name: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(name).unwrap_or_else(|| {
        panic!("{name} is not set: run the tests through tests/run-all.sh (tests/setup-deps.sh provides it)")
    }))
}

fn doc_type(name: &str) -> DocumentType {
    match name {
        "id-card" => DocumentType::IdCard,
        "passport" => DocumentType::Passport,
        "hk-macao-permit" => DocumentType::HkMacaoPermit,
        "business-licence" => DocumentType::BusinessLicence,
        other => panic!("unknown document type {other}"),
    }
}

#[test]
#[ignore = "needs the models and corpus of tests/setup-deps.sh; tests/run-all.sh runs it"]
fn drawn_documents_are_read_or_honestly_unreadable() {
    let recogniser = TextRecogniser::load_folder(&env_path("ICP_OCR_MODELS")).unwrap();
    let corpus = env_path("ICP_READING_CORPUS");
    let labels = std::fs::read_to_string(corpus.join("labels.tsv")).unwrap();
    let mut lines = labels.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let today = CalendarDate::new(2026, 12, 1).unwrap();
    // Under emulation (tests/run-aarch64.sh) every n-th photo only.
    let every: usize = std::env::var("ICP_READING_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut exact_cards = 0;
    for line in lines.step_by(every.max(1)) {
        let c: Vec<&str> = line.split('\t').collect();
        let kind = doc_type(c[col("doc_type")]);
        let image = read_image_file(&corpus.join(c[col("file")])).unwrap();
        let reading = read_photo(&image, kind, &recogniser).unwrap();
        let expected = [
            (FieldKind::ValidityPeriod, c[col("validity")]),
            (FieldKind::IdNumber, c[col("id_number")]),
            (FieldKind::CreditCode, c[col("credit_code")]),
            (FieldKind::DocumentNumber, c[col("mrz_number")]),
        ];
        let file = c[col("file")];
        for (field, want) in expected.iter().filter(|(_, w)| !w.is_empty()) {
            let got = reading.field(*field).map(|f| f.value.as_str());
            match kind {
                DocumentType::IdCard | DocumentType::BusinessLicence => {
                    assert_eq!(got, Some(*want), "{file}: {field:?}");
                    exact_cards += 1;
                }
                // A zone is verified or not taken; the printed period may
                // still be read when the zone is not.
                _ if *field == FieldKind::DocumentNumber => {
                    assert!(
                        got.is_none() || got == Some(*want),
                        "{file}: {got:?} ≠ {want}"
                    );
                }
                _ => {}
            }
        }
        let verdict = validity_verdict(&reading, today, 60);
        match c[col("verdict")] {
            "expired" | "expiring" => assert_ne!(verdict, ValidityVerdict::Valid, "{file} passed"),
            "valid" => assert!(
                matches!(
                    verdict,
                    ValidityVerdict::Valid | ValidityVerdict::Unreadable
                ),
                "{file}: valid document judged {verdict:?}"
            ),
            _ => {}
        }
    }
    assert!(
        exact_cards >= 6 / every.max(1),
        "only {exact_cards} card and licence fields checked"
    );
}
