//! `icp-companion check-photo`: the administrator-photo findings for files.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};
use icp_companion_core::imaging::read_image_file;
use icp_companion_core::inspect::{
    check_admin_photo, AdminPhotoProfile, Finding, Outcome, PhotoFlow,
};
use image::DynamicImage;
use serde_json::json;

use crate::annotate::{outline, save_beside};
use crate::output::{error_json, exit_for, user_error, Exit, Failure, Output};

#[derive(Args)]
pub struct CheckPhotoArgs {
    /// Administrator photos (JPEG, PNG, GIF or WebP).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// In front of the blue filing backdrop, or in the app with a white one.
    #[arg(long, value_enum, default_value = "backdrop")]
    flow: Flow,
    /// Write each photo with the findings' regions outlined as
    /// FILE.check.png into this folder.
    #[arg(long)]
    annotate: Option<PathBuf>,
}

/// The photo flows, as the command line names them.
#[derive(Clone, Copy, ValueEnum)]
pub enum Flow {
    /// The blue photo backdrop with its characters.
    Backdrop,
    /// The app's facial verification, white backdrop.
    App,
}

impl From<Flow> for PhotoFlow {
    fn from(flow: Flow) -> PhotoFlow {
        match flow {
            Flow::Backdrop => PhotoFlow::Backdrop,
            Flow::App => PhotoFlow::App,
        }
    }
}

/// Runs the command.
pub fn run(args: CheckPhotoArgs, out: &Output) -> crate::output::Outcome {
    let profile = AdminPhotoProfile::default();
    check_files(&args.files, args.annotate.as_deref(), out, |image| {
        check_admin_photo(image, None, args.flow.into(), &profile)
    })
}

/// Runs `check` on every file and reports each (a line of text, or one JSON
/// object); exits 1 when a photo would be rejected, 3 when one could not be
/// read.
pub fn check_files(
    files: &[PathBuf],
    annotate: Option<&Path>,
    out: &Output,
    check: impl Fn(&DynamicImage) -> Vec<Finding>,
) -> crate::output::Outcome {
    let mut exit = Exit::Ok;
    for path in files {
        let Some(image) = read_or_report(path, ": ", &mut exit, out) else {
            continue;
        };
        let started = Instant::now();
        let findings = check(&image);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        if report(path, &image, &findings, Some(ms), annotate, out)? {
            exit = exit.max(Exit::Refused);
        }
    }
    Ok(exit)
}

/// Reads `path` as an image; when it cannot be read, reports why (a line,
/// `separator` after the file name, or a JSON object) and raises `exit`.
pub fn read_or_report(
    path: &Path,
    separator: &str,
    exit: &mut Exit,
    out: &Output,
) -> Option<DynamicImage> {
    match read_image_file(path) {
        Ok(image) => Some(image),
        Err(e) => {
            *exit = (*exit).max(exit_for(&e));
            if out.json {
                out.emit(&json!({ "file": path, "error": error_json(&e) }));
            } else {
                println!("{}{separator}{}", path.display(), user_error(&e));
            }
            None
        }
    }
}

/// A finding as JSON: its code, outcome, measure (value, unit, limit) and
/// both messages.
pub fn finding_json(f: &Finding) -> serde_json::Value {
    json!({
        "code": f.code,
        "outcome": format!("{:?}", f.outcome).to_lowercase(),
        "measured": f.measured,
        "threshold": f.threshold,
        "unit": format!("{:?}", f.unit).to_lowercase(),
        "limit": match f.limit {
            icp_companion_core::inspect::Limit::AtMost => json!("at_most"),
            icp_companion_core::inspect::Limit::AtLeast => json!("at_least"),
            icp_companion_core::inspect::Limit::Exactly => json!("exactly"),
            icp_companion_core::inspect::Limit::Within { low, high } => json!({ "within": [low, high] }),
        },
        "region": f.region.map(|r| json!({ "x": r.x, "y": r.y, "width": r.width, "height": r.height })),
        "message_en": f.message_en,
        "message_zh": f.message_zh,
    })
}

/// Prints the verdict and findings for one photo, and writes it annotated
/// (regions outlined: green pass, amber warn, red fail) into `annotate`
/// when given; `ms` is how long the checks took, when measured. True when
/// the photo would be rejected.
pub fn report(
    path: &Path,
    image: &DynamicImage,
    findings: &[Finding],
    ms: Option<f64>,
    annotate: Option<&Path>,
    out: &Output,
) -> Result<bool, Failure> {
    let rejected = findings.iter().any(|f| f.outcome == Outcome::Fail);
    let verdict = if rejected { "FAIL" } else { "PASS" };
    let annotated = match annotate {
        Some(dir) => Some(write_annotated(dir, path, image, findings)?),
        None => None,
    };
    if out.json {
        out.emit(&json!({
            "file": path,
            "verdict": verdict.to_lowercase(),
            "ms": ms,
            "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
            "annotated": annotated,
        }));
        return Ok(rejected);
    }
    match ms {
        Some(ms) => println!("{}: {verdict} ({ms:.0} ms)", path.display()),
        None => println!("{}: {verdict}", path.display()),
    }
    for f in findings {
        println!(
            "  {:<5} {:<22} {}{}",
            format!("{:?}", f.outcome).to_lowercase(),
            f.code,
            f.measure_en(),
            if f.outcome == Outcome::Pass {
                String::new()
            } else {
                format!("  {}", f.message_en)
            }
        );
    }
    if let Some(file) = annotated {
        println!("  annotated: {}", file.display());
    }
    Ok(rejected)
}

/// Writes `image` with the findings' regions outlined (worst last, so that
/// its colour shows where regions coincide) beside `path` in `dir`.
fn write_annotated(
    dir: &Path,
    path: &Path,
    image: &DynamicImage,
    findings: &[Finding],
) -> Result<PathBuf, Failure> {
    let mut rgb = image.to_rgb8();
    let mut by_severity: Vec<_> = findings.iter().collect();
    by_severity.sort_by_key(|f| f.outcome as u8);
    for f in by_severity {
        if let Some(r) = f.region {
            let colour = match f.outcome {
                Outcome::Pass => image::Rgb([0, 200, 0]),
                Outcome::Warn => image::Rgb([255, 170, 0]),
                Outcome::Fail => image::Rgb([230, 0, 0]),
            };
            outline(&mut rgb, r.x, r.y, r.width, r.height, colour);
        }
    }
    save_beside(&rgb, dir, path, "check")
}
