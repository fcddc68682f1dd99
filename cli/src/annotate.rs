//! Drawing what a check found onto a copy of the photo.

use std::path::{Path, PathBuf};

use image::{Rgb, RgbImage};
use imageproc::rect::Rect;

use crate::output::Failure;

/// Outlines a rectangle, three pixels thick.
pub fn outline(img: &mut RgbImage, x: u32, y: u32, width: u32, height: u32, colour: Rgb<u8>) {
    for grow in 0..3i32 {
        let rect = Rect::at(x as i32 - grow, y as i32 - grow).of_size(
            width.max(1) + 2 * grow as u32,
            height.max(1) + 2 * grow as u32,
        );
        imageproc::drawing::draw_hollow_rect_mut(img, rect, colour);
    }
}

/// Saves `img` into `dir` (created if missing) as
/// `<name of source>.<suffix>.png`; returns the file written.
pub fn save_beside(
    img: &RgbImage,
    dir: &Path,
    source: &Path,
    suffix: &str,
) -> Result<PathBuf, Failure> {
    std::fs::create_dir_all(dir).map_err(|e| Failure::io(dir, &e))?;
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = dir.join(format!("{name}.{suffix}.png"));
    img.save(&out)
        .map_err(|e| Failure::could_not_judge(format!("{}: {e}", out.display())))?;
    Ok(out)
}
