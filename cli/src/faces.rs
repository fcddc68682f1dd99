//! `icp-companion faces`: the faces the on-device detector finds.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use icp_companion_core::inspect::{find_faces, FaceDetector, FaceDetectorSettings};
use serde_json::json;

use crate::annotate::{outline, save_beside};
use crate::check_photo::read_or_report;
use crate::output::{Exit, Outcome, Output};

#[derive(Args)]
pub struct FacesArgs {
    /// Photos (JPEG, PNG, GIF or WebP).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Write a copy of each photo with the faces outlined, as FILE.faces.png
    /// in this folder.
    #[arg(long)]
    annotate: Option<PathBuf>,
    /// SeetaFace's full search of the photo instead of the checks' fast
    /// path (BlazeFace, then SeetaFace around each face): slower, finds
    /// smaller faces.
    #[arg(long)]
    thorough: bool,
}

/// Runs the command: one line (or JSON object) per photo.
pub fn run(args: FacesArgs, out: &Output) -> Outcome {
    let detector = FaceDetector::new(FaceDetectorSettings::default());
    let mut exit = Exit::Ok;
    for path in &args.files {
        let Some(image) = read_or_report(path, "\t", &mut exit, out) else {
            continue;
        };
        let started = Instant::now();
        let faces = if args.thorough {
            detector.detect(&image.to_luma8())
        } else {
            find_faces(&image)
        };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let annotated = match &args.annotate {
            Some(dir) => {
                let mut rgb = image.to_rgb8();
                for f in &faces {
                    outline(
                        &mut rgb,
                        f.x,
                        f.y,
                        f.width,
                        f.height,
                        image::Rgb([0, 255, 0]),
                    );
                }
                Some(save_beside(&rgb, dir, path, "faces")?)
            }
            None => None,
        };
        if out.json {
            out.emit(&json!({
                "file": path,
                "ms": ms,
                "faces": faces.iter().map(|f| json!({
                    "x": f.x, "y": f.y, "width": f.width, "height": f.height, "score": f.score,
                })).collect::<Vec<_>>(),
                "annotated": annotated,
            }));
            continue;
        }
        let list: Vec<String> = faces
            .iter()
            .map(|f| {
                format!(
                    "{}×{} px at {},{} (score {:.2})",
                    f.width, f.height, f.x, f.y, f.score
                )
            })
            .collect();
        let count = match faces.len() {
            1 => "1 face".to_string(),
            n => format!("{n} faces"),
        };
        println!(
            "{}\t{count}\t{ms:.1} ms\t{}",
            path.display(),
            list.join("; ")
        );
        if let Some(annotated) = annotated {
            println!("  annotated: {}", annotated.display());
        }
    }
    Ok(exit)
}
