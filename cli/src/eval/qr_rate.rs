//! `qr eval`: decode rate and time per image, raw `rqrr` against our
//! pipeline, per distortion, over a folder with a `labels.tsv`
//! (`file, distortion, severity, text`). Optionally joins the results of
//! another decoder (`tests/eval/qr_zxing.py` writes them).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use icp_companion::imaging::read_luma_file;
use icp_companion::scan::{decode_raw_rqrr, Effort, QrDecoder};

use crate::output::{Exit, Failure, Outcome, Output};

/// `qr eval` options.
#[derive(Args)]
pub struct EvalArgs {
    /// Corpus folder with `labels.tsv`.
    dir: PathBuf,
    /// TSV of another decoder's results (`file, ok, ms`) to show alongside.
    #[arg(long)]
    compare: Option<PathBuf>,
    /// Name of that decoder in the table.
    #[arg(long, default_value = "zxing-cpp")]
    compare_name: String,
}

#[derive(Default)]
struct Tally {
    n: usize,
    raw_ok: usize,
    ours_ok: usize,
    other_ok: usize,
    raw_ms: Vec<f64>,
    ours_ms: Vec<f64>,
    other_ms: Vec<f64>,
}

/// The median of `v` (sorted in place); NaN when empty.
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Runs the evaluation and prints the table (with --json one object per row).
pub fn evaluate(args: EvalArgs, out: &Output) -> Outcome {
    let labels_path = args.dir.join("labels.tsv");
    let labels =
        std::fs::read_to_string(&labels_path).map_err(|e| Failure::io(&labels_path, &e))?;
    let other: HashMap<String, (bool, f64)> = match &args.compare {
        None => HashMap::new(),
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Failure::io(path, &e))?
            .lines()
            .filter_map(|l| {
                let mut f = l.split('\t');
                Some((
                    f.next()?.to_string(),
                    (f.next()? == "1", f.next()?.parse().ok()?),
                ))
            })
            .collect(),
    };
    let decoder = QrDecoder::new();
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for line in labels.lines().skip(1) {
        let fields: Vec<&str> = line.splitn(4, '\t').collect();
        let [file, kind, _severity, text] = fields[..] else {
            continue;
        };
        let luma = read_luma_file(&args.dir.join(file)).map_err(|e| Failure::of(&e).about(file))?;

        let t = Instant::now();
        let raw_ok = decode_raw_rqrr(&luma).iter().any(|t| t == text);
        let raw_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let ours_ok = decoder
            .decode(&luma, Effort::Thorough)
            .iter()
            .any(|c| c.text == text);
        let ours_ms = t.elapsed().as_secs_f64() * 1e3;

        for tally in [tallies.entry(kind.to_string()).or_default(), &mut total] {
            tally.n += 1;
            tally.raw_ok += raw_ok as usize;
            tally.ours_ok += ours_ok as usize;
            tally.raw_ms.push(raw_ms);
            tally.ours_ms.push(ours_ms);
            if let Some(&(ok, ms)) = other.get(file) {
                tally.other_ok += ok as usize;
                tally.other_ms.push(ms);
            }
        }
    }
    let with_other = !other.is_empty();
    let name = &args.compare_name;
    if out.json {
        for (kind, t) in tallies
            .iter_mut()
            .chain(std::iter::once((&"ALL".to_string(), &mut total)))
        {
            let n = t.n.max(1) as f64;
            out.emit(&serde_json::json!({
                "distortion": kind, "n": t.n,
                "raw_rqrr": t.raw_ok as f64 / n, "ours": t.ours_ok as f64 / n,
                "raw_median_ms": median(&mut t.raw_ms), "ours_median_ms": median(&mut t.ours_ms),
                "other": with_other.then(|| t.other_ok as f64 / t.other_ms.len().max(1) as f64),
                "other_median_ms": with_other.then(|| median(&mut t.other_ms)),
            }));
        }
        return Ok(Exit::Ok);
    }
    print!("| distortion | n | raw rqrr | ours |");
    if with_other {
        print!(" {name} |");
    }
    print!(" raw median ms | ours median ms |");
    if with_other {
        print!(" {name} median ms |");
    }
    println!();
    println!("|{}", "---|".repeat(if with_other { 8 } else { 6 }));
    let pct = |ok: usize, n: usize| 100.0 * ok as f64 / n.max(1) as f64;
    for (kind, t) in tallies
        .iter_mut()
        .chain(std::iter::once((&"ALL".to_string(), &mut total)))
    {
        print!(
            "| {kind} | {} | {:.0} % | {:.0} % |",
            t.n,
            pct(t.raw_ok, t.n),
            pct(t.ours_ok, t.n)
        );
        if with_other {
            print!(" {:.0} % |", pct(t.other_ok, t.other_ms.len()));
        }
        print!(
            " {:.1} | {:.1} |",
            median(&mut t.raw_ms),
            median(&mut t.ours_ms)
        );
        if with_other {
            print!(" {:.1} |", median(&mut t.other_ms));
        }
        println!();
    }
    Ok(Exit::Ok)
}
