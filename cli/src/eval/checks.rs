//! `check-eval`: how the photo checks fare on a labelled corpus (built by
//! `tests/eval/make_photo_corpus.py` or `make_document_corpus.py`). For every check: precision and recall
//! of "fail", and the share of photos it judged correctly; then the share
//! of good photos (nothing labelled as failing) rejected by any check; and
//! for a sweep (cases named `sweep:CODE:KIND:AMOUNT`, e.g. the blur sweep of
//! `make_photo_corpus.py --sweep`), the share failing CODE at each amount of
//! each kind and the smallest amount from which 95 % fail.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use icp_companion_core::imaging::read_image_file;
use icp_companion_core::inspect::{
    check_admin_photo, check_document, AdminPhotoProfile, DocumentProfile, Finding, Outcome,
    PhotoFlow,
};

use crate::check_document::{parse_marks, parse_type};

use super::qr_rate::percentiles;
use crate::output::{Exit, Failure, Output};
use serde_json::json;

/// `check-eval` options.
#[derive(Args)]
pub struct CheckEvalArgs {
    /// Corpus folder with `labels.tsv` (file, target, case, must_fail, not_judged).
    dir: PathBuf,
    /// Also list every photo judged wrongly, with what was measured.
    #[arg(long)]
    misses: bool,
}

/// One amount of one kind in a sweep: photos, how many failed the swept
/// check, and what it measured.
#[derive(Default)]
struct SweepStep {
    photos: usize,
    failed: usize,
    measured: Vec<f64>,
}

/// Share of a sweep step's photos that must fail for its amount to count
/// as caught.
const SWEEP_CAUGHT: f64 = 0.95;

#[derive(Default)]
struct Confusion {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

/// Runs the evaluation and prints the tables (with --json: one object per
/// check, per case, and the summary).
pub fn run(args: CheckEvalArgs, out: &Output) -> crate::output::Outcome {
    let labels_path = args.dir.join("labels.tsv");
    let labels =
        std::fs::read_to_string(&labels_path).map_err(|e| Failure::io(&labels_path, &e))?;
    let profile = AdminPhotoProfile::default();
    let doc_profile = DocumentProfile::default();
    let mut per_code: BTreeMap<String, Confusion> = BTreeMap::new();
    let mut per_case: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut good, mut good_rejected) = (0usize, 0usize);
    let mut ms = Vec::new();
    let mut sweep: BTreeMap<(String, String), Vec<(f64, SweepStep)>> = BTreeMap::new();
    for line in labels.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, target, case, must_fail, not_judged] = cols[..] else {
            return Err(Failure::could_not_judge(format!(
                "labels.tsv: bad line {line:?}"
            )));
        };
        let set = |s: &str| -> BTreeSet<String> {
            s.split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect()
        };
        let (must_fail, not_judged) = (set(must_fail), set(not_judged));
        let image =
            read_image_file(&args.dir.join(file)).map_err(|e| Failure::of(&e).about(file))?;
        let started = Instant::now();
        let findings: Vec<Finding> = match target {
            "photo:backdrop" => check_admin_photo(&image, None, PhotoFlow::Backdrop, &profile),
            "photo:app" => check_admin_photo(&image, None, PhotoFlow::App, &profile),
            other => match other.split(':').collect::<Vec<_>>()[..] {
                ["document", doc_type, marks] => check_document(
                    &image,
                    parse_type(doc_type).map_err(Failure::could_not_judge)?,
                    parse_marks(marks).map_err(Failure::could_not_judge)?,
                    &doc_profile,
                ),
                _ => {
                    return Err(Failure::could_not_judge(format!(
                        "{file}: unknown target {other:?}"
                    )))
                }
            },
        };
        ms.push(started.elapsed().as_secs_f64() * 1e3);
        let failed: BTreeSet<String> = findings
            .iter()
            .filter(|f| f.outcome == Outcome::Fail)
            .map(|f| f.code.clone())
            .collect();
        let codes: BTreeSet<&String> = findings
            .iter()
            .map(|f| &f.code)
            .chain(&must_fail)
            .filter(|c| !not_judged.contains(*c))
            .collect();
        let mut all_right = true;
        for code in codes {
            let c = per_code.entry(code.clone()).or_default();
            match (must_fail.contains(code), failed.contains(code)) {
                (true, true) => c.tp += 1,
                (false, true) => c.fp += 1,
                (true, false) => c.fn_ += 1,
                (false, false) => c.tn += 1,
            }
            if must_fail.contains(code) != failed.contains(code) {
                all_right = false;
                if args.misses && !out.json {
                    let measured = findings
                        .iter()
                        .find(|f| &f.code == code)
                        .map_or("not reported".to_string(), |f| format!("{:.3}", f.measured));
                    println!(
                        "{file}: {code} {} (expected {}), measured {measured}",
                        if failed.contains(code) {
                            "failed"
                        } else {
                            "passed"
                        },
                        if must_fail.contains(code) {
                            "fail"
                        } else {
                            "pass"
                        },
                    );
                }
            }
        }
        if let ["sweep", code, kind, amount] = case.split(':').collect::<Vec<_>>()[..] {
            let amount: f64 = amount.parse().map_err(|_| {
                Failure::could_not_judge(format!("labels.tsv: bad sweep amount in {case:?}"))
            })?;
            let steps = sweep.entry((code.into(), kind.into())).or_default();
            let at = match steps.iter().position(|(a, _)| *a == amount) {
                Some(at) => at,
                None => {
                    steps.push((amount, SweepStep::default()));
                    steps.len() - 1
                }
            };
            let step = &mut steps[at].1;
            step.photos += 1;
            step.failed += failed.contains(code) as usize;
            if let Some(f) = findings.iter().find(|f| f.code == code) {
                step.measured.push(f.measured);
            }
        }
        let entry = per_case.entry(case.to_string()).or_default();
        entry.0 += 1;
        entry.1 += all_right as usize;
        if must_fail.is_empty() {
            good += 1;
            let judged_fail = failed.iter().any(|c| !not_judged.contains(c));
            good_rejected += judged_fail as usize;
        }
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            "–".to_string()
        } else {
            format!("{:.1} %", 100.0 * a as f64 / b as f64)
        }
    };
    let share = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    for steps in sweep.values_mut() {
        steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let caught = |steps: &[(f64, SweepStep)]| {
        steps
            .iter()
            .rposition(|(_, s)| (s.failed as f64) < SWEEP_CAUGHT * s.photos as f64)
            .map_or(steps.first(), |i| steps.get(i + 1))
            .map(|(a, _)| *a)
    };
    if out.json {
        for ((code, kind), steps) in &mut sweep {
            let smallest_caught = caught(steps);
            for (amount, step) in steps.iter_mut() {
                out.emit(&json!({
                    "sweep": code, "kind": kind, "amount": amount, "photos": step.photos,
                    "failed": share(step.failed, step.photos),
                    "median_measured": percentiles(&mut step.measured).0,
                }));
            }
            out.emit(&json!({ "sweep": code, "kind": kind, "smallest_caught": smallest_caught }));
        }
        for (code, c) in &per_code {
            let n = c.tp + c.fp + c.fn_ + c.tn;
            out.emit(&json!({
                "check": code, "judged": n, "must_fail": c.tp + c.fn_,
                "precision": share(c.tp, c.tp + c.fp), "recall": share(c.tp, c.tp + c.fn_),
                "correct": share(c.tp + c.tn, n),
            }));
        }
        for (case, (n, right)) in &per_case {
            out.emit(&json!({ "case": case, "photos": n, "all_right": share(*right, *n) }));
        }
        out.emit(&json!({
            "good_photos": good, "good_rejected": good_rejected,
            "false_rejection": share(good_rejected, good), "median_ms": percentiles(&mut ms).0,
        }));
        return Ok(Exit::Ok);
    }
    println!(
        "| check | photos judged | must fail | precision of fail | recall of fail | correct |"
    );
    println!("|---|---|---|---|---|---|");
    for (code, c) in &per_code {
        let n = c.tp + c.fp + c.fn_ + c.tn;
        println!(
            "| {code} | {n} | {} | {} | {} | {} |",
            c.tp + c.fn_,
            pct(c.tp, c.tp + c.fp),
            pct(c.tp, c.tp + c.fn_),
            pct(c.tp + c.tn, n),
        );
    }
    println!();
    println!("| case | photos | every check right |");
    println!("|---|---|---|");
    for (case, (n, right)) in &per_case {
        println!("| {case} | {n} | {} |", pct(*right, *n));
    }
    for ((code, kind), steps) in &mut sweep {
        println!();
        let smallest = caught(steps).map_or("none".to_string(), |a| format!("{a}"));
        println!("{code}, {kind}: smallest amount failing on ≥ 95 % of photos: {smallest}");
        println!("| amount | photos | failed | measured (10th / median / 90th percentile) |");
        println!("|---|---|---|---|");
        for (amount, step) in steps.iter_mut() {
            let (median, high) = percentiles(&mut step.measured);
            let low = step.measured.get(step.measured.len() / 10).copied();
            let low = low.unwrap_or(f64::NAN);
            println!(
                "| {amount} | {} | {} | {low:.4} / {median:.4} / {high:.4} |",
                step.photos,
                pct(step.failed, step.photos)
            );
        }
    }
    println!();
    println!(
        "good photos falsely rejected: {good_rejected} of {good} ({}); median check time {:.1} ms",
        pct(good_rejected, good),
        percentiles(&mut ms).0
    );
    Ok(Exit::Ok)
}
