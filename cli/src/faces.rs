//! `icp-companion faces`: the faces the on-device detector finds.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use icp_companion::imaging::read_image_file;
use icp_companion::inspect::{find_faces, FaceDetector, FaceDetectorSettings};
use icp_companion::user_facing::UserFacing;

use crate::annotate::{outline, save_beside};

#[derive(Args)]
pub struct FacesArgs {
    /// Photos (JPEG, PNG or GIF).
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

pub fn run(args: FacesArgs) -> Result<(), String> {
    let detector = FaceDetector::new(FaceDetectorSettings::default());
    for path in &args.files {
        let image = match read_image_file(path) {
            Ok(image) => image,
            Err(e) => {
                println!("{}\t[{}] {}", path.display(), e.code(), e.message_en());
                continue;
            }
        };
        let started = Instant::now();
        let faces = if args.thorough {
            detector.detect(&image.to_luma8())
        } else {
            find_faces(&image)
        };
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let list: Vec<String> = faces
            .iter()
            .map(|f| format!("{}x{}@{},{} ({:.1})", f.width, f.height, f.x, f.y, f.score))
            .collect();
        println!(
            "{}\t{} faces\t{ms:.1} ms\t{}",
            path.display(),
            faces.len(),
            list.join(" ")
        );
        if let Some(dir) = &args.annotate {
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
            save_beside(&rgb, dir, path, "faces")?;
        }
    }
    Ok(())
}
