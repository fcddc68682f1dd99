//! `icp-companion read-document`: the fields of document photos read on the
//! device (ID numbers masked unless asked), their verdicts and findings; and
//! the options `check-document --read` shares.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use icp_companion_core::inspect::{DocumentType, Finding};
use icp_companion_core::order::SubjectType;
use icp_companion_core::read::ocr::TextRecogniser;
use icp_companion_core::read::{
    judge, masked_id_number, read_photo, validity_verdict, CalendarDate, DocumentReading,
    Expectations, FieldKind,
};
use icp_companion_core::rules::requirements_for;
use image::DynamicImage;
use serde_json::json;

use crate::check_document::parse_type;
use crate::check_photo::{finding_json, read_or_report};
use crate::output::{Exit, Failure, Outcome, Output};

/// Where the models are, and what the reading is judged against.
#[derive(Args, Clone)]
pub struct ReadOptions {
    /// The folder with the text recognition models (default:
    /// $ICP_OCR_MODELS, else target/models/ppocr, where
    /// rust-core/data/extract_ppocr_models.sh puts them).
    #[arg(long)]
    models: Option<PathBuf>,
    /// The day validity is judged on, YYYY-MM-DD (default: today in China).
    #[arg(long, value_parser = parse_date)]
    today: Option<CalendarDate>,
    /// Province code (GB/T 2260) whose minimum remaining validity applies
    /// (default 11, which follows the rules table's defaults).
    #[arg(long, default_value_t = 11)]
    province: u32,
    /// The order's applicant as the gateway shows it (masked, e.g. 张*),
    /// compared with the name read.
    #[arg(long)]
    applicant: Option<String>,
}

impl ReadOptions {
    /// Loads the recogniser and the expectations for `doc_type`.
    pub fn load(&self, doc_type: DocumentType) -> Result<(TextRecogniser, Expectations), Failure> {
        let folder = self.models.clone().unwrap_or_else(|| {
            std::env::var_os("ICP_OCR_MODELS")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("target/models/ppocr"))
        });
        let recogniser = TextRecogniser::load_folder(&folder).map_err(|e| Failure::of(&e))?;
        let rules = requirements_for(self.province, SubjectType::Individual)
            .map_err(|e| Failure::of(&e))?;
        Ok((
            recogniser,
            Expectations {
                today: self.today.unwrap_or_else(CalendarDate::today_in_china),
                min_validity_days: rules.min_document_validity_days,
                applicant_masked: self.applicant.clone(),
                document_en: doc_type.name_en().to_string(),
                document_zh: doc_type.name_zh().to_string(),
            },
        ))
    }
}

/// A date `YYYY-MM-DD` on the command line.
pub fn parse_date(text: &str) -> Result<CalendarDate, String> {
    let digits: String = text.chars().filter(|c| *c != '-').collect();
    CalendarDate::from_digits(&digits).ok_or_else(|| format!("not a date YYYY-MM-DD: {text:?}"))
}

#[derive(Args)]
pub struct ReadDocumentArgs {
    /// Document photos (JPEG, PNG, GIF or WebP).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// id-card, hk-macao-permit, taiwan-permit, passport or business-licence.
    #[arg(long, value_parser = parse_type)]
    kind: DocumentType,
    #[command(flatten)]
    read: ReadOptions,
    /// Show ID numbers whole (by default only their first 6 and last 4
    /// characters: they are personal data).
    #[arg(long)]
    show_id_number: bool,
    /// Also print every line of text recognised, with its confidence (all
    /// of it personal data: for QA on test documents).
    #[arg(long)]
    show_text: bool,
}

/// A field's value as shown: ID numbers and the zone (which holds the
/// document number) masked unless asked.
pub fn shown_value(kind: FieldKind, value: &str, whole: bool) -> String {
    match kind {
        FieldKind::IdNumber | FieldKind::DocumentNumber if !whole => masked_id_number(value),
        FieldKind::MachineReadableZone if !whole => {
            "(verified; shown with --show-id-number)".into()
        }
        _ => value.to_string(),
    }
}

/// Reads `image` and judges the reading: the reading and its findings.
pub fn read_and_judge(
    image: &DynamicImage,
    doc_type: DocumentType,
    recogniser: &TextRecogniser,
    expect: &Expectations,
) -> Result<(DocumentReading, Vec<Finding>), Failure> {
    let reading = read_photo(image, doc_type, recogniser).map_err(|e| Failure::of(&e))?;
    let findings = judge(&reading, expect);
    Ok((reading, findings))
}

/// Runs the command.
pub fn run(args: ReadDocumentArgs, out: &Output) -> Outcome {
    let (recogniser, expect) = args.read.load(args.kind)?;
    let mut exit = Exit::Ok;
    for path in &args.files {
        let Some(image) = read_or_report(path, ": ", &mut exit, out) else {
            continue;
        };
        if args.show_text {
            let lines = recogniser
                .read_document(&image, args.kind)
                .map_err(|e| Failure::of(&e))?;
            for l in lines {
                eprintln!("  text {:.2} {:?} {:?}", l.confidence, l.region, l.text);
            }
        }
        let started = Instant::now();
        let (reading, findings) = read_and_judge(&image, args.kind, &recogniser, &expect)?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let verdict = validity_verdict(&reading, expect.today, expect.min_validity_days);
        let refused = findings
            .iter()
            .any(|f| f.outcome == icp_companion_core::inspect::Outcome::Fail);
        if refused {
            exit = exit.max(Exit::Refused);
        }
        let fields: Vec<_> = reading
            .fields
            .iter()
            .map(|f| {
                json!({
                    "kind": format!("{:?}", f.kind),
                    "value": shown_value(f.kind, &f.value, args.show_id_number),
                    "confidence": f.confidence,
                    "region": { "x": f.region.x, "y": f.region.y, "width": f.region.width, "height": f.region.height },
                })
            })
            .collect();
        if out.json {
            out.emit(&json!({
                "file": path,
                "side": format!("{:?}", reading.side).to_lowercase(),
                "validity": format!("{verdict:?}").to_lowercase(),
                "ms": ms,
                "fields": fields,
                "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
            }));
            continue;
        }
        println!(
            "{}: {:?} side, validity {verdict:?} ({ms:.0} ms)",
            path.display(),
            reading.side
        );
        for f in &reading.fields {
            println!(
                "  {:?}: {} ({:.2})",
                f.kind,
                shown_value(f.kind, &f.value, args.show_id_number),
                f.confidence
            );
        }
        for f in &findings {
            println!("  {:?} {}: {}", f.outcome, f.code, f.message_en);
        }
    }
    Ok(exit)
}
