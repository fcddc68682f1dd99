//! `icp-companion normalise`: a photo made ready for upload.

use std::path::PathBuf;

use clap::Args;
use icp_companion::imaging::{normalise_for_upload, UploadFormat, MAX_FILE_BYTES};

use crate::qr::user_error;

#[derive(Args)]
pub struct NormaliseArgs {
    /// The photo (JPEG, PNG or GIF, recognised by content).
    input: PathBuf,
    /// Where to write the normalised file.
    #[arg(long)]
    out: PathBuf,
}

pub fn run(args: NormaliseArgs) -> Result<(), String> {
    let size = std::fs::metadata(&args.input)
        .map_err(|e| format!("{}: {e}", args.input.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{}: larger than {} MB",
            args.input.display(),
            MAX_FILE_BYTES >> 20
        ));
    }
    let bytes = std::fs::read(&args.input).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let out = normalise_for_upload(&bytes).map_err(|e| user_error(&e))?;
    std::fs::write(&args.out, &out.bytes).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let format = match out.format {
        UploadFormat::Jpeg => format!("JPEG quality {}", out.jpeg_quality.unwrap_or_default()),
        UploadFormat::Png => "PNG".to_string(),
    };
    println!(
        "{} → {}: {:.2} MB → {:.2} MB, {}×{}, {format}{}{}, metadata removed",
        args.input.display(),
        args.out.display(),
        size as f64 / 1e6,
        out.bytes.len() as f64 / 1e6,
        out.width,
        out.height,
        if out.reoriented {
            ", turned upright"
        } else {
            ""
        },
        if out.downscaled {
            ", scaled down to fit 4 MB"
        } else {
            ""
        },
    );
    Ok(())
}
