//! Camera frames, the capture session and the replay source as FFI
//! objects; guidance reaches the app through a foreign callback.

use std::sync::{Arc, Mutex};

use icp_companion_core::camera::{
    CameraError as DomainError, CaptureEvent, CaptureMode, CaptureSettings, Frame, FrameError,
    Hint, LiveCapture, NativeFrame, NativeLayout, Offer, PixelFormat, Plane, Rotation, Still,
};
use icp_companion_core::imaging::NormalisedImage;
use icp_companion_core::inspect::{
    AdminPhotoProfile, DocumentProfile, DocumentType, Finding, PhotoFlow, RequiredMarks,
};
use icp_companion_core::order::{TrustPolicy, VerifiedOrder};
use icp_companion_core::session::{Inspection, Slot};

use super::{CameraError, OrderQrError, RulesError, TrustConfig};

/// One plane of a camera frame: Android `ImageProxy.PlaneProxy`, or one
/// plane of an iOS `CVPixelBuffer`.
#[derive(Debug, Clone, uniffi::Record)]
pub struct FramePlane {
    /// The plane's bytes from its first sample.
    pub data: Vec<u8>,
    /// Bytes from one row to the next.
    pub row_stride: u32,
    /// Bytes from one sample to the next (1 for Y, 1 or 2 for U/V, 4 for
    /// BGRA/RGBA).
    pub pixel_stride: u32,
}

/// A camera frame handed over by the app.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CameraFrame {
    /// Pixel layout.
    pub format: PixelFormat,
    /// Sensor width, pixels.
    pub width: u32,
    /// Sensor height, pixels.
    pub height: u32,
    /// The planes in the format's order (Y, U, V for `Yuv420`; Y then the
    /// chroma pairs, or one buffer, for NV21/NV12; one for packed formats).
    pub planes: Vec<FramePlane>,
    /// Clockwise degrees that make the frame upright: 0, 90, 180 or 270.
    pub rotation_degrees: u32,
    /// The buffer is mirrored (front camera preview).
    pub mirrored: bool,
}

impl CameraFrame {
    /// Runs `f` on a borrowed view of the frame.
    pub(super) fn view<R>(&self, f: impl FnOnce(&Frame<'_>) -> R) -> Result<R, FrameError> {
        let planes = self.planes.iter().map(|p| Plane {
            data: &p.data,
            row_stride: p.row_stride,
            pixel_stride: p.pixel_stride,
        });
        view_of(
            (self.format, self.width, self.height),
            planes,
            (self.rotation_degrees, self.mirrored),
            f,
        )
    }
}

/// Runs `f` on the frame of `format` and size made of `planes`, once the
/// rotation is valid.
fn view_of<'a, R>(
    (format, width, height): (PixelFormat, u32, u32),
    planes: impl Iterator<Item = Plane<'a>>,
    (rotation_degrees, mirrored): (u32, bool),
    f: impl FnOnce(&Frame<'_>) -> R,
) -> Result<R, FrameError> {
    let rotation = Rotation::from_degrees(rotation_degrees)?;
    let planes: Vec<Plane<'a>> = planes.collect();
    Ok(f(&Frame {
        format,
        width,
        height,
        planes: &planes,
        rotation,
        mirrored,
    }))
}

/// One plane left where the platform put it — a direct `ByteBuffer` of a
/// CameraX `ImageProxy`, a locked `CVPixelBuffer` plane — passed by address
/// so that no byte array is filled: the core reads it once, converting.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BorrowedPlane {
    /// Address of the plane's first sample (JNA
    /// `Native.getDirectBufferPointer`, `CVPixelBufferGetBaseAddressOfPlane`).
    pub address: u64,
    /// Bytes readable from `address`.
    pub length: u64,
    /// Bytes from one row to the next.
    pub row_stride: u32,
    /// Bytes from one sample to the next.
    pub pixel_stride: u32,
}

/// A camera frame whose planes stay in the platform's memory. The caller
/// keeps every plane's memory valid and unchanged until the call that
/// takes the frame returns (close the `ImageProxy` or unlock the pixel
/// buffer only afterwards).
#[derive(Debug, Clone, uniffi::Record)]
pub struct BorrowedFrame {
    /// Pixel layout.
    pub format: PixelFormat,
    /// Sensor width, pixels.
    pub width: u32,
    /// Sensor height, pixels.
    pub height: u32,
    /// The planes in the format's order, as for `CameraFrame`.
    pub planes: Vec<BorrowedPlane>,
    /// Clockwise degrees that make the frame upright: 0, 90, 180 or 270.
    pub rotation_degrees: u32,
    /// The buffer is mirrored (front camera preview).
    pub mirrored: bool,
}

impl BorrowedFrame {
    /// Runs `f` on the frame read in place. A null address (or an
    /// impossible length) reads as an empty plane, refused as too small.
    fn view<R>(&self, f: impl FnOnce(&Frame<'_>) -> R) -> Result<R, FrameError> {
        let planes = self.planes.iter().map(|p| Plane {
            data: if p.address == 0 || p.length > isize::MAX as u64 {
                &[]
            } else {
                // SAFETY: the caller keeps `length` bytes at `address` valid
                // and unchanged until this call returns (the documented
                // contract of `BorrowedFrame`); the slice does not outlive
                // the call.
                unsafe { std::slice::from_raw_parts(p.address as *const u8, p.length as usize) }
            },
            row_stride: p.row_stride,
            pixel_stride: p.pixel_stride,
        });
        view_of(
            (self.format, self.width, self.height),
            planes,
            (self.rotation_degrees, self.mirrored),
            f,
        )
    }
}

impl From<NativeFrame> for CameraFrame {
    fn from(frame: NativeFrame) -> Self {
        CameraFrame {
            format: frame.format,
            width: frame.width,
            height: frame.height,
            planes: frame
                .planes
                .into_iter()
                .map(|p| FramePlane {
                    data: p.data,
                    row_stride: p.row_stride,
                    pixel_stride: p.pixel_stride,
                })
                .collect(),
            rotation_degrees: frame.rotation.degrees(),
            mirrored: frame.mirrored,
        }
    }
}

/// What a capture session is for.
#[derive(Debug, Clone, uniffi::Enum)]
pub enum CaptureTarget {
    /// The order QR code, verified against `trust`.
    OrderQr {
        /// Issuers and gateway hosts the app trusts.
        trust: TrustConfig,
    },
    /// The administrator photo in `flow` (`profile` null = defaults).
    AdminPhoto {
        /// Backdrop or app flow.
        flow: PhotoFlow,
        /// Thresholds, or null for the documented defaults.
        profile: Option<AdminPhotoProfile>,
    },
    /// A document of `kind` needing `marks` (`profile` null = defaults).
    Document {
        /// The document.
        kind: DocumentType,
        /// Seal or fingerprint it needs.
        marks: RequiredMarks,
        /// Thresholds, or null for the documented defaults.
        profile: Option<DocumentProfile>,
    },
}

/// The capture target for `slot` of `order`: the document type and the
/// marks the province requires, or the administrator photo's flow; null
/// when the order does not collect that slot.
#[uniffi::export]
pub fn capture_target_for_slot(
    order: VerifiedOrder,
    slot: Slot,
) -> Result<Option<CaptureTarget>, RulesError> {
    let payload = &order.payload;
    let rules = icp_companion_core::rules::requirements_for(
        u32::from(payload.province.code()),
        payload.subject,
    )?;
    Ok(Slot::required_by(&payload.requirements)
        .into_iter()
        .find(|(s, _)| *s == slot)
        .map(|(_, check)| {
            match icp_companion_core::session::inspection(check, rules.statement_mark) {
                Inspection::Document { kind, marks } => CaptureTarget::Document {
                    kind,
                    marks,
                    profile: None,
                },
                Inspection::AdminPhoto(flow) => CaptureTarget::AdminPhoto {
                    flow,
                    profile: None,
                },
            }
        }))
}

/// A hint with its code and texts, ready to show.
#[derive(Debug, Clone, uniffi::Record)]
pub struct GuidanceHint {
    /// The hint.
    pub hint: Hint,
    /// Stable code, e.g. `guide.move_closer`.
    pub code: String,
    /// English text.
    pub message_en: String,
    /// Simplified Chinese text.
    pub message_zh: String,
}

impl From<Hint> for GuidanceHint {
    fn from(hint: Hint) -> Self {
        GuidanceHint {
            hint,
            code: hint.code().into(),
            message_en: hint.message_en().into(),
            message_zh: hint.message_zh().into(),
        }
    }
}

/// A captured still, encoded for upload, with its full verdict.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CapturedStill {
    /// The upright photo as a JPEG within the upload limit.
    pub photo: NormalisedImage,
    /// Every finding of the checks on the full-resolution still.
    pub findings: Vec<Finding>,
    /// No finding failed.
    pub passed: bool,
    /// Taken automatically (checks passed on steady frames), not on request.
    pub automatic: bool,
    /// The frame it was taken from, counting analysed frames from 0.
    pub frame_index: u64,
    /// When it was taken, Unix milliseconds: the capture time to queue it
    /// with (the core remembers the photo as live, so its upload carries a
    /// capture record).
    pub captured_at_unix_ms: i64,
}

impl TryFrom<Still> for CapturedStill {
    type Error = DomainError;

    fn try_from(still: Still) -> Result<Self, Self::Error> {
        let (findings, passed, automatic, frame_index) = (
            still.findings.clone(),
            still.passed,
            still.automatic,
            still.frame_index,
        );
        let live = still
            .encode_live()
            .map_err(|cause| DomainError::StillEncoding { cause })?;
        Ok(CapturedStill {
            photo: live.photo,
            findings,
            passed,
            automatic,
            frame_index,
            captured_at_unix_ms: live.captured_at_unix_ms,
        })
    }
}

/// What became of a pushed frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FrameOutcome {
    /// Analysed (events, if any, went to the observer).
    Analysed,
    /// Dropped because the previous frame was still being analysed.
    Dropped,
    /// Ignored: the session has its order or still.
    Finished,
}

/// Frames analysed and dropped so far.
#[derive(Debug, Clone, Copy, uniffi::Record)]
pub struct CaptureStats {
    /// Frames analysed.
    pub analysed: u64,
    /// Frames dropped while busy.
    pub dropped: u64,
}

/// Receives the session's events, on the thread that pushed the frame.
#[uniffi::export(with_foreign)]
pub trait CaptureObserver: Send + Sync {
    /// The hints to show changed (most important first).
    fn on_guidance(&self, hints: Vec<GuidanceHint>);
    /// A QR code in view was refused; `error` says why.
    fn on_code_refused(&self, error: OrderQrError);
    /// The order code was found and verified; the session is finished.
    fn on_order(&self, order: VerifiedOrder);
    /// A still was taken (automatically or on request); the session is
    /// finished.
    fn on_captured(&self, still: CapturedStill);
}

/// A capture session fed by the app's preview frames.
#[derive(uniffi::Object)]
pub struct CaptureSession {
    live: LiveCapture,
    observer: Arc<dyn CaptureObserver>,
}

impl std::fmt::Debug for CaptureSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureSession").finish_non_exhaustive()
    }
}

#[uniffi::export]
impl CaptureSession {
    /// A session for `target` (`settings` null = defaults) reporting to
    /// `observer`.
    #[uniffi::constructor]
    pub fn new(
        target: CaptureTarget,
        settings: Option<CaptureSettings>,
        observer: Arc<dyn CaptureObserver>,
    ) -> Result<Arc<Self>, OrderQrError> {
        let mode = match target {
            CaptureTarget::OrderQr { trust } => CaptureMode::OrderQr {
                policy: TrustPolicy::try_from(trust)?,
            },
            CaptureTarget::AdminPhoto { flow, profile } => CaptureMode::AdminPhoto {
                flow,
                profile: profile.unwrap_or_default(),
            },
            CaptureTarget::Document {
                kind,
                marks,
                profile,
            } => CaptureMode::Document {
                kind,
                marks,
                profile: profile.unwrap_or_default(),
            },
        };
        let session =
            icp_companion_core::camera::CaptureSession::new(mode, settings.unwrap_or_default());
        Ok(Arc::new(CaptureSession {
            live: LiveCapture::new(session),
            observer,
        }))
    }

    /// Analyses one preview frame taken at `now_unix`, unless the previous
    /// one is still being analysed (then it is dropped at once).
    pub fn push_frame(
        &self,
        frame: CameraFrame,
        now_unix: u64,
    ) -> Result<FrameOutcome, CameraError> {
        self.outcome(frame.view(|view| self.live.offer(view, now_unix)))
    }

    /// As `push_frame`, reading the planes where the platform keeps them
    /// (no copy into byte arrays); see `BorrowedFrame` for the contract.
    pub fn push_borrowed_frame(
        &self,
        frame: BorrowedFrame,
        now_unix: u64,
    ) -> Result<FrameOutcome, CameraError> {
        self.outcome(frame.view(|view| self.live.offer(view, now_unix)))
    }

    /// Takes the still from the next analysed frame whatever the checks say.
    pub fn request_capture(&self) {
        self.live.with_session(|s| s.request_capture());
    }

    /// Takes the still from `frame` now (e.g. a higher-resolution capture)
    /// and returns it with its verdict; finishes the session.
    pub fn capture_frame(&self, frame: CameraFrame) -> Result<CapturedStill, CameraError> {
        let still = frame
            .view(|view| self.live.with_session(|s| s.capture(view)))
            .map_err(DomainError::from)?
            .map_err(DomainError::from)?;
        Ok(CapturedStill::try_from(still)?)
    }

    /// Starts over for another shot of the same kind.
    pub fn restart(&self) {
        self.live.with_session(|s| s.restart());
    }

    /// Whether the session has its order or still.
    pub fn is_finished(&self) -> bool {
        self.live.with_session(|s| s.is_finished())
    }

    /// Frames analysed and dropped so far.
    pub fn stats(&self) -> CaptureStats {
        let (analysed, dropped) = self.live.counts();
        CaptureStats { analysed, dropped }
    }
}

impl CaptureSession {
    /// Delivers the events of an offered frame.
    fn outcome(
        &self,
        offered: Result<Result<Offer, FrameError>, FrameError>,
    ) -> Result<FrameOutcome, CameraError> {
        match offered.and_then(|offer| offer).map_err(DomainError::from)? {
            Offer::Dropped => Ok(FrameOutcome::Dropped),
            Offer::Finished => Ok(FrameOutcome::Finished),
            Offer::Analysed(events) => {
                for event in events {
                    self.deliver(event)?;
                }
                Ok(FrameOutcome::Analysed)
            }
        }
    }

    fn deliver(&self, event: CaptureEvent) -> Result<(), CameraError> {
        match event {
            CaptureEvent::Guidance(hints) => self
                .observer
                .on_guidance(hints.into_iter().map(GuidanceHint::from).collect()),
            CaptureEvent::CodeRefused(error) => self.observer.on_code_refused(error.into()),
            CaptureEvent::OrderFound(order) => self.observer.on_order(order),
            CaptureEvent::Captured(still) => {
                self.observer.on_captured(CapturedStill::try_from(*still)?)
            }
        }
        Ok(())
    }
}

/// A folder of images replayed as camera frames (tests, demos, sample apps).
#[derive(Debug, uniffi::Object)]
pub struct ReplaySource(Mutex<icp_companion_core::camera::ReplaySource>);

#[uniffi::export]
impl ReplaySource {
    /// The images of `dir` in name order, delivered as `format` frames
    /// needing `rotation_degrees` (and mirrored if asked).
    #[uniffi::constructor]
    pub fn open(
        dir: String,
        format: PixelFormat,
        rotation_degrees: u32,
        mirrored: bool,
    ) -> Result<Arc<Self>, CameraError> {
        let layout = NativeLayout {
            rotation: Rotation::from_degrees(rotation_degrees).map_err(DomainError::from)?,
            mirrored,
            ..NativeLayout::packed(format)
        };
        let source =
            icp_companion_core::camera::ReplaySource::open(std::path::Path::new(&dir), layout)?;
        Ok(Arc::new(ReplaySource(Mutex::new(source))))
    }

    /// The next frame, or null after the last.
    pub fn next_frame(&self) -> Result<Option<CameraFrame>, CameraError> {
        let mut source = self.0.lock().unwrap_or_else(|e| e.into_inner());
        Ok(source.next().transpose()?.map(CameraFrame::from))
    }

    /// Frames in the sequence.
    pub fn frame_count(&self) -> u32 {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).len() as u32
    }
}

/// The cameras connected to this computer (desktop builds with the
/// `camera` feature).
#[cfg(feature = "camera")]
#[uniffi::export]
pub fn list_cameras() -> Result<Vec<icp_companion_core::camera::CameraInfo>, CameraError> {
    Ok(icp_companion_core::camera::list_cameras()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn borrowed(planes: Vec<BorrowedPlane>) -> BorrowedFrame {
        BorrowedFrame {
            format: PixelFormat::Luma8,
            width: 4,
            height: 2,
            planes,
            rotation_degrees: 90,
            mirrored: false,
        }
    }

    #[test]
    fn borrowed_planes_are_read_in_place() {
        let pixels: Vec<u8> = (0..10).collect();
        let frame = borrowed(vec![BorrowedPlane {
            address: pixels.as_ptr() as u64,
            length: pixels.len() as u64,
            row_stride: 5,
            pixel_stride: 1,
        }]);
        let seen = frame
            .view(|view| {
                assert_eq!(view.upright_size(), (2, 4));
                (view.planes[0].data.as_ptr(), view.planes[0].data.len())
            })
            .unwrap();
        assert_eq!(seen, (pixels.as_ptr(), 10), "no copy");
    }

    #[test]
    fn null_or_short_planes_are_refused_before_reading() {
        let plane = |address, length| BorrowedPlane {
            address,
            length,
            row_stride: 4,
            pixel_stride: 1,
        };
        let pixels = [0u8; 7];
        for frame in [
            borrowed(vec![plane(0, 8)]),
            borrowed(vec![plane(pixels.as_ptr() as u64, 7)]),
            borrowed(vec![plane(pixels.as_ptr() as u64, u64::MAX)]),
        ] {
            let err = frame.view(|view| view.validate()).unwrap().unwrap_err();
            assert!(
                matches!(err, FrameError::BufferTooSmall { plane: 0, .. }),
                "{err:?}"
            );
        }
        let mut bad_rotation = borrowed(vec![plane(pixels.as_ptr() as u64, 7)]);
        bad_rotation.rotation_degrees = 45;
        assert_eq!(
            bad_rotation.view(|_| ()).unwrap_err(),
            FrameError::BadRotation { degrees: 45 }
        );
    }
}
