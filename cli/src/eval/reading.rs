//! `icp-companion read-eval DIR`: the document reading on a labelled corpus
//! (tests/eval/make_reading_corpus.py): exact fields (ID number, validity
//! dates, credit code, zone document number), the validity verdicts against
//! the truth with false-accept and false-reject rates, and the time per
//! photo, by document type and card width.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use icp_companion_core::imaging::read_image_file;
use icp_companion_core::read::{validity_verdict, FieldKind, ValidityVerdict};
use serde_json::json;

use super::qr_rate::percentiles;
use crate::check_document::parse_type;
use crate::output::{Failure, Outcome, Output};
use crate::read_document::{parse_date, read_and_judge, ReadOptions};

#[derive(Args)]
pub struct ReadEvalArgs {
    /// A corpus folder with labels.tsv.
    dir: PathBuf,
    #[command(flatten)]
    read: ReadOptions,
    /// List every photo not read correctly.
    #[arg(long)]
    misses: bool,
}

/// One labelled photo.
struct Label {
    file: String,
    doc_type: String,
    verdict: String,
    today: String,
    fields: Vec<(FieldKind, String)>,
    card_px: u32,
}

fn labels(dir: &std::path::Path) -> Result<Vec<Label>, Failure> {
    let path = dir.join("labels.tsv");
    let text = std::fs::read_to_string(&path).map_err(|e| Failure::io(&path, &e))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    let col = |name: &str| {
        header.iter().position(|h| *h == name).ok_or_else(|| {
            Failure::could_not_judge(format!("{}: no column {name}", path.display()))
        })
    };
    let (file, doc_type, verdict, today, validity, id, code, mrz, px) = (
        col("file")?,
        col("doc_type")?,
        col("verdict")?,
        col("today")?,
        col("validity")?,
        col("id_number")?,
        col("credit_code")?,
        col("mrz_number")?,
        col("card_px")?,
    );
    Ok(lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let c: Vec<&str> = line.split('\t').collect();
            let get = |i: usize| c.get(i).copied().unwrap_or("").to_string();
            let fields = [
                (FieldKind::ValidityPeriod, get(validity)),
                (FieldKind::IdNumber, get(id)),
                (FieldKind::CreditCode, get(code)),
                (FieldKind::DocumentNumber, get(mrz)),
            ]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .collect();
            Label {
                file: get(file),
                doc_type: get(doc_type),
                verdict: get(verdict),
                today: get(today),
                fields,
                card_px: get(px).parse().unwrap_or(0),
            }
        })
        .collect())
}

/// Counts of one row of the table.
#[derive(Default)]
struct Tally {
    photos: u32,
    read: u32,
    ms: Vec<f64>,
}

/// Runs the command.
pub fn run(args: ReadEvalArgs, out: &Output) -> Outcome {
    let labels = labels(&args.dir)?;
    let mut by_row: BTreeMap<(String, &'static str), Tally> = BTreeMap::new();
    // Truth → predicted verdict counts.
    let mut verdicts: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut loaded = None;
    for label in &labels {
        let doc_type = parse_type(&label.doc_type).map_err(Failure::could_not_judge)?;
        if loaded.is_none() {
            loaded = Some(args.read.load(doc_type)?);
        }
        let (recogniser, expect) = loaded.as_mut().expect("loaded");
        expect.today = parse_date(&label.today).map_err(Failure::could_not_judge)?;
        expect.document_en = doc_type.name_en().into();
        expect.document_zh = doc_type.name_zh().into();
        let path = args.dir.join(&label.file);
        let image = read_image_file(&path).map_err(|e| Failure::of(&e))?;
        let started = Instant::now();
        let (reading, _) = read_and_judge(&image, doc_type, recogniser, expect)?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let wrong: Vec<String> = label
            .fields
            .iter()
            .filter(|(kind, want)| reading.field(*kind).map(|f| &f.value) != Some(want))
            .map(|(kind, want)| {
                let got = reading.field(*kind).map_or("-", |f| f.value.as_str());
                format!("{kind:?} {got} ≠ {want}")
            })
            .collect();
        let size = if label.card_px >= 1000 {
            "≥ 1000 px"
        } else {
            "< 1000 px"
        };
        let row = by_row.entry((label.doc_type.clone(), size)).or_default();
        row.photos += 1;
        row.read += u32::from(wrong.is_empty());
        row.ms.push(ms);
        if label.verdict != "none" {
            let got = validity_verdict(&reading, expect.today, expect.min_validity_days);
            let got = format!("{got:?}").to_lowercase();
            *verdicts.entry((label.verdict.clone(), got)).or_default() += 1;
        }
        if args.misses && !wrong.is_empty() {
            eprintln!("miss {}: {}", label.file, wrong.join("; "));
        }
    }
    print_tables(&by_row, &verdicts, out);
    Ok(crate::output::Exit::Ok)
}

fn print_tables(
    by_row: &BTreeMap<(String, &'static str), Tally>,
    verdicts: &BTreeMap<(String, String), u32>,
    out: &Output,
) {
    let count = |truth: &str, got: &str| {
        verdicts
            .get(&(truth.to_string(), got.to_string()))
            .copied()
            .unwrap_or(0)
    };
    let bad = ["expired", "expiring"];
    let bad_total: u32 = bad
        .iter()
        .map(|t| {
            verdicts
                .iter()
                .filter(|((tr, _), _)| tr == t)
                .map(|(_, n)| n)
                .sum::<u32>()
        })
        .sum();
    let false_accept: u32 = bad.iter().map(|t| count(t, "valid")).sum();
    let good_total: u32 = verdicts
        .iter()
        .filter(|((t, _), _)| t == "valid")
        .map(|(_, n)| n)
        .sum();
    let false_reject = count("valid", "expired") + count("valid", "expiring");
    if out.json {
        let rows: Vec<_> = by_row
            .iter()
            .map(|((doc, size), t)| {
                let mut ms = t.ms.clone();
                let (median, p90) = percentiles(&mut ms);
                json!({ "doc_type": doc, "card": size, "photos": t.photos, "read_correctly": t.read, "median_ms": median, "p90_ms": p90 })
            })
            .collect();
        let table: Vec<_> = verdicts
            .iter()
            .map(|((t, g), n)| json!({ "truth": t, "verdict": g, "photos": n }))
            .collect();
        out.emit(&json!({
            "fields": rows, "verdicts": table,
            "false_accepts": false_accept, "bad_documents": bad_total,
            "false_rejects": false_reject, "good_documents": good_total,
        }));
        return;
    }
    println!("| document | card width | photos | all fields exact | median / p90 ms |");
    println!("|---|---|---|---|---|");
    for ((doc, size), t) in by_row {
        let mut ms = t.ms.clone();
        let (median, p90) = percentiles(&mut ms);
        println!(
            "| {doc} | {size} | {} | {} ({:.1} %) | {median:.0} / {p90:.0} |",
            t.photos,
            t.read,
            100.0 * f64::from(t.read) / f64::from(t.photos.max(1))
        );
    }
    println!("\n| truth \\ verdict | valid | expiring | expired | unreadable |");
    println!("|---|---|---|---|---|");
    for truth in ["valid", "expiring", "expired"] {
        let cells: Vec<String> = [
            ValidityVerdict::Valid,
            ValidityVerdict::Expiring,
            ValidityVerdict::Expired,
            ValidityVerdict::Unreadable,
        ]
        .iter()
        .map(|v| count(truth, &format!("{v:?}").to_lowercase()).to_string())
        .collect();
        println!("| {truth} | {} |", cells.join(" | "));
    }
    println!(
        "\nfalse accepts (expired or expiring read as valid): {false_accept} of {bad_total}; \
         false rejects (valid read as expired or expiring): {false_reject} of {good_total}"
    );
}
