//! `qr eval`: decode rate and time per image over a labelled folder, raw
//! `rqrr` against our decoder and, with `--compare`, zxing-cpp run on the
//! same files in the same run (`tests/eval/qr_zxing.py` under the peers'
//! Python). Two layouts: a `labels.tsv` (`file, distortion, severity,
//! text`; the simulated monitor corpus, one row per distortion), or image
//! files each beside a `.txt` with its expected text (real photos, one row
//! per folder).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use icp_companion_core::imaging::read_luma_file;
use icp_companion_core::scan::{decode_raw_rqrr, Effort, QrDecoder};

use crate::output::{Exit, Failure, Outcome, Output};

/// `qr eval` options.
#[derive(Args)]
pub struct EvalArgs {
    /// Corpus folder: a `labels.tsv`, or images each with a `.txt` beside it.
    dir: PathBuf,
    /// Also run zxing-cpp (PyPI) on the same files: needs ICP_PEER_PYTHON
    /// (`eval "$(bash tests/eval/setup-peers.sh)"`).
    #[arg(long)]
    compare: bool,
    /// Print every file that ours misses.
    #[arg(long)]
    misses: bool,
    /// Decode each image this many times per decoder and keep the fastest
    /// run, both sides alike (warm caches, and a noisy spell on a shared
    /// machine does not land on one decoder only); 1: the single decode an
    /// app makes of a file.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=50))]
    repeat: u32,
}

/// One labelled image.
struct Sample {
    /// Path relative to the corpus folder.
    file: String,
    /// The row it counts in (distortion or folder).
    group: String,
    /// The exact expected text.
    text: String,
}

/// One decoder's results in a row.
#[derive(Default)]
struct Column {
    ok: usize,
    ms: Vec<f64>,
}

impl Column {
    fn add(&mut self, ok: bool, ms: f64) {
        self.ok += ok as usize;
        self.ms.push(ms);
    }
}

#[derive(Default)]
struct Row {
    n: usize,
    raw: Column,
    ours: Column,
    every: Column,
    zxing: Column,
}

/// The median and 90th percentile of `v` (sorted in place); NaN when empty.
pub fn percentiles(v: &mut [f64]) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], v[(v.len() * 9 / 10).min(v.len() - 1)])
}

/// The samples of `dir` in either layout, in a stable order.
fn samples(dir: &Path) -> Result<Vec<Sample>, Failure> {
    let labels = dir.join("labels.tsv");
    if labels.is_file() {
        let text = std::fs::read_to_string(&labels).map_err(|e| Failure::io(&labels, &e))?;
        return Ok(text
            .lines()
            .skip(1)
            .filter_map(|line| {
                let fields: Vec<&str> = line.splitn(4, '\t').collect();
                let [file, kind, _severity, text] = fields[..] else {
                    return None;
                };
                Some(Sample {
                    file: file.into(),
                    group: kind.into(),
                    text: text.into(),
                })
            })
            .collect());
    }
    let mut found = Vec::new();
    collect_pairs(dir, dir, &mut found)?;
    found.sort_by(|a, b| a.file.cmp(&b.file));
    if found.is_empty() {
        return Err(Failure::usage(format!(
            "{}: neither a labels.tsv nor images with a .txt beside them",
            dir.display()
        )));
    }
    Ok(found)
}

/// Images under `at` with a `.txt` of the same name, grouped by folder.
fn collect_pairs(root: &Path, at: &Path, found: &mut Vec<Sample>) -> Result<(), Failure> {
    let entries = std::fs::read_dir(at).map_err(|e| Failure::io(at, &e))?;
    for entry in entries {
        let path = entry.map_err(|e| Failure::io(at, &e))?.path();
        if path.is_dir() {
            collect_pairs(root, &path, found)?;
            continue;
        }
        if path.extension().is_some_and(|e| e == "txt" || e == "md") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path.with_extension("txt")) else {
            continue;
        };
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let group = relative
            .parent()
            .map(|p| p.display().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| ".".into());
        found.push(Sample {
            file: relative.display().to_string(),
            group,
            text,
        });
    }
    Ok(())
}

/// zxing-cpp's (found, ms) per file, from the peers' Python.
fn zxing(dir: &Path, repeat: u32) -> Result<HashMap<String, (bool, f64)>, Failure> {
    let python = std::env::var("ICP_PEER_PYTHON").map_err(|_| {
        Failure::usage(
            "--compare needs ICP_PEER_PYTHON: run eval \"$(bash tests/eval/setup-peers.sh)\" first",
        )
    })?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/eval/qr_zxing.py");
    let output = std::process::Command::new(&python)
        .arg(&script)
        .arg(dir)
        .arg(repeat.to_string())
        .output()
        .map_err(|e| Failure::io(Path::new(&python), &e))?;
    if !output.status.success() {
        return Err(Failure::usage(format!(
            "zxing-cpp run failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some((
                f.next()?.to_string(),
                (f.next()? == "1", f.next()?.parse().ok()?),
            ))
        })
        .collect())
}

/// Runs the evaluation and prints the table (with --json one object per row).
pub fn evaluate(args: EvalArgs, out: &Output) -> Outcome {
    let samples = samples(&args.dir)?;
    let other = if args.compare {
        zxing(&args.dir, args.repeat)?
    } else {
        HashMap::new()
    };
    let decoder = QrDecoder::new();
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut total = Row::default();
    for sample in &samples {
        let luma = read_luma_file(&args.dir.join(&sample.file))
            .map_err(|e| Failure::of(&e).about(&sample.file))?;
        let wanted = |text: &str| text == sample.text;

        let raw = fastest(args.repeat, || {
            decode_raw_rqrr(&luma).iter().any(|t| wanted(t))
        });
        // As the order scanner decodes: stop at the code it wants.
        let ours = fastest(args.repeat, || {
            decoder
                .find(&luma, Effort::Thorough, |c| wanted(&c.text))
                .is_some()
        });
        // As `qr scan --raw` decodes: every code in the image.
        let every = fastest(args.repeat, || {
            decoder
                .decode(&luma, Effort::Thorough)
                .iter()
                .any(|c| wanted(&c.text))
        });
        let ((raw, raw_ms), (ours, ours_ms), (every, every_ms)) = (raw, ours, every);
        if args.misses && !ours {
            eprintln!("missed: {}", sample.file);
        }
        for row in [rows.entry(sample.group.clone()).or_default(), &mut total] {
            row.n += 1;
            row.raw.add(raw, raw_ms);
            row.ours.add(ours, ours_ms);
            row.every.add(every, every_ms);
            if let Some(&(ok, ms)) = other.get(&sample.file) {
                row.zxing.add(ok, ms);
            }
        }
    }
    print_table(rows, total, args.compare, out);
    Ok(Exit::Ok)
}

/// `decode`'s answer and its fastest time of `repeat` runs, ms.
fn fastest(repeat: u32, mut decode: impl FnMut() -> bool) -> (bool, f64) {
    let mut best = (false, f64::INFINITY);
    for _ in 0..repeat {
        let t = Instant::now();
        let found = decode();
        best = (found, best.1.min(t.elapsed().as_secs_f64() * 1e3));
    }
    best
}

/// The table: decoded count and median / p90 milliseconds per decoder.
fn print_table(mut rows: BTreeMap<String, Row>, mut total: Row, compare: bool, out: &Output) {
    let all = std::iter::once(("ALL".to_string(), &mut total));
    let mut columns = vec!["raw rqrr", "ours", "ours, every code"];
    if compare {
        columns.push("zxing-cpp");
    }
    if !out.json {
        print!("| group | n |");
        for c in &columns {
            print!(" {c} | {c} median / p90 ms |");
        }
        println!();
        println!("|---|---|{}", "---|---|".repeat(columns.len()));
    }
    for (group, row) in rows.iter_mut().map(|(g, r)| (g.clone(), r)).chain(all) {
        let mut cells = vec![&mut row.raw, &mut row.ours, &mut row.every];
        if compare {
            cells.push(&mut row.zxing);
        }
        if out.json {
            let mut object = serde_json::json!({ "group": group, "n": row.n });
            for (name, cell) in columns.iter().zip(cells) {
                let (median, p90) = percentiles(&mut cell.ms);
                object[*name] =
                    serde_json::json!({ "decoded": cell.ok, "median_ms": median, "p90_ms": p90 });
            }
            out.emit(&object);
            continue;
        }
        print!("| {group} | {} |", row.n);
        for cell in cells {
            let (median, p90) = percentiles(&mut cell.ms);
            print!(" {} | {median:.2} / {p90:.2} |", cell.ok);
        }
        println!();
    }
}
