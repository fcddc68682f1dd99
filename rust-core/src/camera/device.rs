//! Cameras the core opens itself through `nokhwa` (desktop; feature
//! `camera`): list them, open one at a preview or still resolution, and
//! hand each frame over in its native layout without decoding when the
//! layout is one the converter reads (YUYV, NV12, grey, RGB).

use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};
use nokhwa::{Camera, NokhwaError};

use super::error::CameraError;
use super::frame::{Frame, PixelFormat, Plane, Rotation};

/// A camera the system reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CameraInfo {
    /// Index to open it with.
    pub index: u32,
    /// Its name.
    pub name: String,
    /// What the system says about it (driver, bus).
    pub description: String,
}

/// What the stream is for: frame rate or detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum StreamPurpose {
    /// Live analysis: about 1280×720 at 30 frames per second.
    Preview,
    /// The highest resolution the camera offers.
    Still,
}

/// The cameras connected, in index order (empty when there are none).
pub fn list_cameras() -> Result<Vec<CameraInfo>, CameraError> {
    let cameras = nokhwa::query(ApiBackend::Auto).map_err(|e| open_error(&e))?;
    Ok(cameras
        .into_iter()
        .map(|info| CameraInfo {
            index: info.index().as_index().unwrap_or(0),
            name: info.human_name(),
            description: info.description().to_string(),
        })
        .collect())
}

/// An open camera streaming frames; stops the stream when dropped.
pub struct CameraStream {
    camera: Camera,
    rotation: Rotation,
}

impl std::fmt::Debug for CameraStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CameraStream")
            .field("format", &self.camera.camera_format())
            .finish()
    }
}

impl CameraStream {
    /// Opens camera `index` for `purpose` and starts streaming. A missing
    /// camera or a refused permission is an error, never a wait.
    pub fn open(index: u32, purpose: StreamPurpose) -> Result<CameraStream, CameraError> {
        let known = list_cameras()?;
        if known.is_empty() {
            return Err(CameraError::NoCamera);
        }
        if !known.iter().any(|c| c.index == index) {
            return Err(CameraError::NotFound { index });
        }
        let request = match purpose {
            StreamPurpose::Preview => RequestedFormatType::Closest(CameraFormat::new(
                Resolution::new(1280, 720),
                FrameFormat::YUYV,
                30,
            )),
            StreamPurpose::Still => RequestedFormatType::AbsoluteHighestResolution,
        };
        let mut camera = Camera::new(
            CameraIndex::Index(index),
            RequestedFormat::new::<RgbFormat>(request),
        )
        .map_err(|e| open_error(&e))?;
        camera.open_stream().map_err(|e| open_error(&e))?;
        Ok(CameraStream {
            camera,
            rotation: Rotation::R0,
        })
    }

    /// The negotiated width, height and frame rate.
    pub fn format(&self) -> (u32, u32, u32) {
        let format = self.camera.camera_format();
        (format.width(), format.height(), format.frame_rate())
    }

    /// Waits for the next frame and runs `f` on it. MJPEG and BGR frames
    /// are decoded to RGB first (desktop webcams only; phones push frames).
    pub fn next_frame<R>(&mut self, f: impl FnOnce(&Frame<'_>) -> R) -> Result<R, CameraError> {
        let buffer = self.camera.frame().map_err(|e| CameraError::StreamFailed {
            detail: e.to_string(),
        })?;
        let (width, height) = (buffer.resolution().width(), buffer.resolution().height());
        let native = match buffer.source_frame_format() {
            FrameFormat::YUYV => Some((PixelFormat::Yuyv, width * 2, 2)),
            FrameFormat::NV12 => Some((PixelFormat::Nv12, width, 1)),
            FrameFormat::GRAY => Some((PixelFormat::Luma8, width, 1)),
            FrameFormat::RAWRGB => Some((PixelFormat::Rgb8, width * 3, 3)),
            FrameFormat::MJPEG | FrameFormat::RAWBGR => None,
        };
        let decoded;
        let (format, data, row_stride, pixel_stride) = match native {
            Some((format, row, px)) => (format, buffer.buffer(), row, px),
            None => {
                decoded =
                    buffer
                        .decode_image::<RgbFormat>()
                        .map_err(|e| CameraError::StreamFailed {
                            detail: e.to_string(),
                        })?;
                (PixelFormat::Rgb8, decoded.as_raw().as_slice(), width * 3, 3)
            }
        };
        let planes = [Plane {
            data,
            row_stride,
            pixel_stride,
        }];
        Ok(f(&Frame {
            format,
            width,
            height,
            planes: &planes,
            rotation: self.rotation,
            mirrored: false,
        }))
    }
}

impl Drop for CameraStream {
    fn drop(&mut self) {
        if let Err(e) = self.camera.stop_stream() {
            tracing::debug!("stopping the camera stream: {e}");
        }
    }
}

/// A `nokhwa` failure as the error the user sees: permission problems
/// are told apart from everything else.
fn open_error(error: &NokhwaError) -> CameraError {
    let text = error.to_string();
    let lower = text.to_ascii_lowercase();
    if lower.contains("permission") || lower.contains("os error 13") || lower.contains("denied") {
        CameraError::PermissionDenied
    } else {
        CameraError::OpenFailed { detail: text }
    }
}
