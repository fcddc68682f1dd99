//! `icp-companion normalise`: a photo made ready for upload; `compose`:
//! several documents on one sheet, ready for upload.

use std::path::PathBuf;

use clap::Args;
use icp_companion::imaging::{
    compose_documents, normalise_for_upload, UploadFormat, MAX_FILE_BYTES,
};

use crate::qr::user_error;

#[derive(Args)]
pub struct NormaliseArgs {
    /// The photo (JPEG, PNG or GIF, recognised by content).
    input: PathBuf,
    /// Where to write the normalised file.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ComposeArgs {
    /// The document photos (at least two), in the order they are laid out.
    #[arg(required = true, num_args = 2..)]
    inputs: Vec<PathBuf>,
    /// Where to write the sheet.
    #[arg(long)]
    out: PathBuf,
}

/// Reads a photo file, refusing files beyond the size limit before reading.
fn read_limited(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let size = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{}: larger than {} MB",
            path.display(),
            MAX_FILE_BYTES >> 20
        ));
    }
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn compose(args: ComposeArgs) -> Result<(), String> {
    let photos = args
        .inputs
        .iter()
        .map(|p| read_limited(p))
        .collect::<Result<Vec<_>, _>>()?;
    let sheet = compose_documents(&photos).map_err(|e| user_error(&e))?;
    std::fs::write(&args.out, &sheet.bytes).map_err(|e| format!("{}: {e}", args.out.display()))?;
    println!(
        "{} documents → {}: {}×{}, {:.2} MB, JPEG quality {}",
        photos.len(),
        args.out.display(),
        sheet.width,
        sheet.height,
        sheet.bytes.len() as f64 / 1e6,
        sheet.jpeg_quality.unwrap_or_default()
    );
    Ok(())
}

pub fn run(args: NormaliseArgs) -> Result<(), String> {
    let bytes = read_limited(&args.input)?;
    let size = bytes.len();
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
