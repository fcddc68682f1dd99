//! `icp-companion check-photo`: the administrator-photo findings for files.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, ValueEnum};
use icp_companion::imaging::read_image_file;
use icp_companion::inspect::{check_admin_photo, AdminPhotoProfile, Finding, Outcome, PhotoFlow};
use image::DynamicImage;

use crate::annotate::{outline, save_beside};
use crate::qr::user_error;

#[derive(Args)]
pub struct CheckPhotoArgs {
    /// Administrator photos (JPEG, PNG or GIF).
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

pub fn run(args: CheckPhotoArgs) -> Result<(), String> {
    let profile = AdminPhotoProfile::default();
    check_files(&args.files, args.annotate.as_deref(), |image| {
        check_admin_photo(image, None, args.flow.into(), &profile)
    })
}

/// Runs `check` on every file, reports each, and fails when any photo
/// would be rejected (or could not be read).
pub fn check_files(
    files: &[PathBuf],
    annotate: Option<&Path>,
    check: impl Fn(&DynamicImage) -> Vec<Finding>,
) -> Result<(), String> {
    let mut failed = 0;
    for path in files {
        let image = match read_image_file(path) {
            Ok(image) => image,
            Err(e) => {
                println!("{}: {}", path.display(), user_error(&e));
                failed += 1;
                continue;
            }
        };
        let started = Instant::now();
        let findings = check(&image);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        failed += report(path, &image, &findings, Some(ms), annotate)? as usize;
    }
    if failed > 0 {
        return Err(format!(
            "{failed} of {} photos would be rejected",
            files.len()
        ));
    }
    Ok(())
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
) -> Result<bool, String> {
    let rejected = findings.iter().any(|f| f.outcome == Outcome::Fail);
    let verdict = if rejected { "FAIL" } else { "PASS" };
    match ms {
        Some(ms) => println!("{}: {verdict} ({ms:.0} ms)", path.display()),
        None => println!("{}: {verdict}", path.display()),
    }
    for f in findings {
        println!(
            "  {:<5} {:<22} measured {:.3} (limit {:.3})  {}",
            format!("{:?}", f.outcome).to_lowercase(),
            f.code,
            f.measured,
            f.threshold,
            if f.outcome == Outcome::Pass {
                ""
            } else {
                &f.message_en
            }
        );
    }
    if let Some(dir) = annotate {
        let mut rgb = image.to_rgb8();
        // Worst last, so that its colour shows where regions coincide.
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
        save_beside(&rgb, dir, path, "check")?;
    }
    Ok(rejected)
}
