//! A recorded sequence as a frame source: the images of a folder in file
//! name order, laid out as a camera of the chosen format would deliver them.

use std::path::{Path, PathBuf};

use super::error::CameraError;
use super::native::{NativeFrame, NativeLayout};
use crate::imaging::read_image_file;

/// Replays a folder of images (JPEG, PNG, GIF or WebP) as camera frames.
#[derive(Debug, Clone)]
pub struct ReplaySource {
    files: Vec<PathBuf>,
    next: usize,
    layout: NativeLayout,
}

impl ReplaySource {
    /// The images in `dir`, sorted by file name, delivered in `layout`.
    pub fn open(dir: &Path, layout: NativeLayout) -> Result<ReplaySource, CameraError> {
        let unreadable = |e: std::io::Error| CameraError::ReplayUnreadable {
            file: dir.to_path_buf(),
            cause: crate::imaging::ImageInputError::Io {
                problem: crate::imaging::ReadProblem::of(&e),
            },
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(unreadable)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                    ["jpg", "jpeg", "png", "gif"].contains(&e.to_ascii_lowercase().as_str())
                })
            })
            .collect();
        if files.is_empty() {
            return Err(CameraError::ReplayEmpty {
                folder: dir.to_path_buf(),
            });
        }
        files.sort();
        Ok(ReplaySource {
            files,
            next: 0,
            layout,
        })
    }

    /// Frames in the sequence.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the sequence has no frame (never true for an opened source).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Starts again from the first image.
    pub fn rewind(&mut self) {
        self.next = 0;
    }
}

impl Iterator for ReplaySource {
    type Item = Result<NativeFrame, CameraError>;

    fn next(&mut self) -> Option<Self::Item> {
        let path = self.files.get(self.next)?.clone();
        self.next += 1;
        Some(
            read_image_file(&path)
                .map(|image| NativeFrame::from_upright(&image.to_rgb8(), self.layout))
                .map_err(|cause| CameraError::ReplayUnreadable { file: path, cause }),
        )
    }
}
