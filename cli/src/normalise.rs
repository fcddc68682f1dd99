//! `icp-companion normalise`: a photo made ready for upload; `compose`:
//! several documents on one sheet, ready for upload.

use std::path::{Path, PathBuf};

use clap::Args;
use icp_companion_core::imaging::{
    compose_documents, normalise_for_upload, read_file_bytes, NormalisedImage, UploadFormat,
};
use serde_json::json;

use crate::output::{Exit, Failure, Outcome, Output};

#[derive(Args)]
pub struct NormaliseArgs {
    /// The photo (JPEG, PNG, GIF or WebP, recognised by content).
    input: PathBuf,
    /// Where to write the normalised file: .jpg, .jpeg or .png (a photo that
    /// has to be re-encoded is written as JPEG, with its extension changed
    /// to .jpg, and the command says so).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
pub struct ComposeArgs {
    /// The document photos (at least two), in the order they are laid out.
    #[arg(required = true, num_args = 2..)]
    inputs: Vec<PathBuf>,
    /// Where to write the sheet, a JPEG: .jpg or .jpeg.
    #[arg(long)]
    out: PathBuf,
}

/// The extension of `path`, lower case.
fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    read_file_bytes(path).map_err(|e| Failure::of(&e).about(path.display()))
}

/// Runs `compose`.
pub fn compose(args: ComposeArgs, out: &Output) -> Outcome {
    if !matches!(extension(&args.out).as_str(), "jpg" | "jpeg") {
        return Err(Failure::usage(format!(
            "--out {}: the sheet is a JPEG; name it .jpg",
            args.out.display()
        )));
    }
    let photos = args
        .inputs
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>, _>>()?;
    let sheet = compose_documents(&photos).map_err(|e| Failure::of(&e))?;
    std::fs::write(&args.out, &sheet.bytes).map_err(|e| Failure::io(&args.out, &e))?;
    report(out, &args.out, None, &sheet, photos.len());
    Ok(Exit::Ok)
}

/// Runs `normalise`.
pub fn run(args: NormaliseArgs, out: &Output) -> Outcome {
    if !matches!(extension(&args.out).as_str(), "jpg" | "jpeg" | "png") {
        return Err(Failure::usage(format!(
            "--out {}: name the file .jpg or .png",
            args.out.display()
        )));
    }
    let bytes = read(&args.input)?;
    let normalised =
        normalise_for_upload(&bytes).map_err(|e| Failure::of(&e).about(args.input.display()))?;
    let is_png = extension(&args.out) == "png";
    let file = match (normalised.format, is_png) {
        (UploadFormat::Jpeg, true) => args.out.with_extension("jpg"),
        (UploadFormat::Png, false) => args.out.with_extension("png"),
        _ => args.out.clone(),
    };
    std::fs::write(&file, &normalised.bytes).map_err(|e| Failure::io(&file, &e))?;
    report(out, &file, Some((&args.input, bytes.len())), &normalised, 1);
    if file != args.out {
        out.say(format!(
            "   (written as {}: the result is a {})",
            file.display(),
            if is_png { "JPEG" } else { "PNG" }
        ));
    }
    Ok(Exit::Ok)
}

fn report(
    out: &Output,
    file: &Path,
    input: Option<(&PathBuf, usize)>,
    image: &NormalisedImage,
    documents: usize,
) {
    let format = match image.format {
        UploadFormat::Jpeg => "jpeg",
        UploadFormat::Png => "png",
    };
    if out.json {
        out.emit(&json!({
            "input": input.map(|(p, _)| p),
            "input_bytes": input.map(|(_, n)| n),
            "documents": documents,
            "file": file,
            "bytes": image.bytes.len(),
            "format": format,
            "jpeg_quality": image.jpeg_quality,
            "width": image.width,
            "height": image.height,
            "reoriented": image.reoriented,
            "downscaled": image.downscaled,
        }));
        return;
    }
    let quality = match image.jpeg_quality {
        Some(q) => format!("JPEG quality {q}"),
        None if image.format == UploadFormat::Jpeg => "JPEG, pixels kept".into(),
        None => "PNG".into(),
    };
    let from = match input {
        Some((path, size)) => format!("{} ({:.2} MB)", path.display(), size as f64 / 1e6),
        None => format!("{documents} documents"),
    };
    println!(
        "{from} → {}: {:.2} MB, {} × {} px, {quality}{}{}, private metadata removed",
        file.display(),
        image.bytes.len() as f64 / 1e6,
        image.width,
        image.height,
        if image.reoriented {
            ", turned upright"
        } else {
            ""
        },
        if image.downscaled {
            ", scaled down to fit 4 MB"
        } else {
            ""
        },
    );
}
