//! The capture session: analyses preview frames for one shot (the order QR
//! code, the administrator photo or a document), tells the user what to
//! fix, and takes the still once the checks pass on several consecutive,
//! steady frames, or whenever the user asks.

use std::sync::Arc;

use image::{DynamicImage, RgbImage};

use super::convert::{convert_luma, convert_rgb, step_for};
use super::frame::{Frame, FrameError};
use super::guidance::{admin_photo_hints, document_hints, Hint};
use super::motion::{MotionMeter, MotionSample};
use super::pool::BufferPool;
use crate::inspect::{
    check_admin_photo, check_document, AdminPhotoProfile, DocumentProfile, DocumentType, Finding,
    Outcome, PhotoFlow, RequiredMarks,
};
use crate::order::{OrderError, TrustPolicy, VerifiedOrder};
use crate::read::{
    has_validity, judge, read_fields, DocumentReading, DocumentSide, Expectations, TextSource,
};
use crate::scan::{OrderScanner, QrDecoder, ScanError};

/// What the session is capturing.
#[derive(Debug, Clone)]
pub enum CaptureMode {
    /// The order QR code on the filing website, verified against `policy`.
    OrderQr {
        /// Issuers and gateways the app trusts.
        policy: TrustPolicy,
    },
    /// The administrator's photo in `flow`, judged by `profile`.
    AdminPhoto {
        /// Backdrop or app flow.
        flow: PhotoFlow,
        /// Thresholds of the checks.
        profile: AdminPhotoProfile,
    },
    /// A document of `kind` that must carry `marks`.
    Document {
        /// The document.
        kind: DocumentType,
        /// Seal or fingerprint it needs.
        marks: RequiredMarks,
        /// Thresholds of the checks.
        profile: DocumentProfile,
    },
}

/// The document's fields read on the still before it is taken, so that the
/// session guides until they are readable and never takes an expired
/// document by itself.
#[derive(Debug, Clone)]
pub struct FieldCheck {
    /// Where the text comes from (the core's recogniser or the platform's).
    pub source: Arc<dyn TextSource>,
    /// The day, minimum validity and applicant the fields are judged by.
    pub expect: Expectations,
}

/// How eagerly the session captures.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaptureSettings {
    /// Consecutive passing, steady frames before the automatic capture.
    /// Default 3 (a tenth of a second at 30 analysed frames per second,
    /// more when analysis is slower).
    pub steady_frames: u32,
    /// Largest motion between analysed frames (mean change of a 32×24 grid
    /// of brightness averages, 0–1) still counted as steady. Default 0.02:
    /// sensor noise measures below 0.005, a hand drifting a few percent of
    /// the picture 0.03 and more.
    pub max_motion: f64,
    /// Long side of the reduced copy the checks run on, pixels. Default
    /// 640, the photo checks' working size.
    pub analysis_side: u32,
    /// Mean brightness (0–255) below which the QR mode says "too dark".
    /// Default 40.
    pub min_brightness: f64,
}

impl Default for CaptureSettings {
    fn default() -> Self {
        CaptureSettings {
            steady_frames: 3,
            max_motion: 0.02,
            analysis_side: 640,
            min_brightness: 40.0,
        }
    }
}

/// A captured still: the upright frame at full resolution with the full
/// verdict of the mode's checks on it.
#[derive(Debug, Clone)]
pub struct Still {
    /// The upright, un-mirrored image.
    pub image: RgbImage,
    /// Every finding of the checks on the still itself.
    pub findings: Vec<Finding>,
    /// No finding failed.
    pub passed: bool,
    /// Taken by the session (checks passed, picture steady) rather than
    /// on the user's request.
    pub automatic: bool,
    /// Index of the frame it was taken from (0 = first analysed frame).
    pub frame_index: u64,
    /// When it was taken, Unix milliseconds (the wall clock).
    pub captured_at_unix_ms: i64,
}

/// Something the app shows or acts on.
#[derive(Debug, Clone)]
pub enum CaptureEvent {
    /// The guidance changed: the hints now apply, most important first.
    Guidance(Vec<Hint>),
    /// A QR code in view was refused, and why (sent when the reason changes).
    CodeRefused(OrderError),
    /// The order QR code was found and verified; the session is finished.
    OrderFound(VerifiedOrder),
    /// A still was taken; the session is finished.
    Captured(Box<Still>),
}

/// One capture, frame by frame. Not shared: [`super::LiveCapture`] adds
/// the back-pressure for frames arriving from several threads.
#[derive(Debug)]
pub struct CaptureSession {
    mode: CaptureMode,
    settings: CaptureSettings,
    scanner: Option<OrderScanner>,
    pool: BufferPool,
    motion: MotionMeter,
    frames: u64,
    steady: u32,
    hints: Vec<Hint>,
    refusal: Option<OrderError>,
    capture_requested: bool,
    finished: bool,
    fields: Option<FieldCheck>,
    text_pending: bool,
}

impl CaptureSession {
    /// A session capturing for `mode`.
    pub fn new(mode: CaptureMode, settings: CaptureSettings) -> CaptureSession {
        let scanner = match &mode {
            CaptureMode::OrderQr { policy } => {
                Some(OrderScanner::new(policy.clone(), QrDecoder::new()))
            }
            _ => None,
        };
        CaptureSession {
            mode,
            settings,
            scanner,
            pool: BufferPool::new(2),
            motion: MotionMeter::default(),
            frames: 0,
            steady: 0,
            hints: Vec::new(),
            refusal: None,
            capture_requested: false,
            finished: false,
            fields: None,
            text_pending: false,
        }
    }

    /// Reads the document's fields on each still before taking it
    /// (document mode only): the session keeps guiding while the validity
    /// period, number or zone cannot be read, and an expired or expiring
    /// document fails its still.
    pub fn with_field_check(mut self, check: FieldCheck) -> CaptureSession {
        self.fields = Some(check);
        self
    }

    /// Whether the session found its order or took its still.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// The hints currently shown.
    pub fn hints(&self) -> &[Hint] {
        &self.hints
    }

    /// Takes the still from the next analysed frame whatever its checks say
    /// (the user pressed the shutter). Photo modes only.
    pub fn request_capture(&mut self) {
        self.capture_requested = true;
    }

    /// Starts over for another shot of the same mode.
    pub fn restart(&mut self) {
        self.motion.reset();
        self.steady = 0;
        self.hints.clear();
        self.refusal = None;
        self.capture_requested = false;
        self.finished = false;
    }

    /// Analyses one preview frame at time `now_unix` (order codes expire)
    /// and returns what changed. A finished session ignores frames.
    pub fn analyse(
        &mut self,
        frame: &Frame<'_>,
        now_unix: u64,
    ) -> Result<Vec<CaptureEvent>, FrameError> {
        if self.finished {
            frame.validate()?;
            return Ok(Vec::new());
        }
        let mut events = Vec::new();
        let hints = match &self.mode {
            CaptureMode::OrderQr { .. } => self.analyse_code(frame, now_unix, &mut events)?,
            _ => self.analyse_photo(frame, &mut events)?,
        };
        self.frames += 1;
        if hints != self.hints {
            self.hints = hints;
            events.insert(0, CaptureEvent::Guidance(self.hints.clone()));
        }
        Ok(events)
    }

    /// Takes the still from `frame` now (the shutter, or a higher-resolution
    /// still the app captured separately) with its full verdict; finishes
    /// the session.
    pub fn capture(&mut self, frame: &Frame<'_>) -> Result<Still, FrameError> {
        let still = self.still(frame, false)?;
        self.finished = true;
        Ok(still)
    }

    fn analyse_code(
        &mut self,
        frame: &Frame<'_>,
        now_unix: u64,
        events: &mut Vec<CaptureEvent>,
    ) -> Result<Vec<Hint>, FrameError> {
        let luma = convert_luma(frame, 1, self.pool.take())?;
        let sample = self.motion.measure_luma(&luma);
        let scanner = self.scanner.as_ref().expect("the QR mode has a scanner");
        let found = scanner.scan_live(&luma, now_unix);
        self.pool.recycle(luma.into_raw());
        Ok(match found {
            Ok(Some(order)) => {
                events.push(CaptureEvent::OrderFound(order));
                self.finished = true;
                vec![Hint::CodeFound]
            }
            Err(ScanError::Order(refusal)) => {
                if self.refusal.as_ref() != Some(&refusal) {
                    events.push(CaptureEvent::CodeRefused(refusal.clone()));
                    self.refusal = Some(refusal);
                }
                vec![Hint::CodeRefused]
            }
            Ok(None) | Err(_) => {
                let mut hints = vec![Hint::LookForCode];
                if sample.brightness < self.settings.min_brightness {
                    hints.push(Hint::TooDark);
                }
                if self.moving(sample) {
                    hints.push(Hint::HoldStill);
                }
                hints.sort();
                hints
            }
        })
    }

    fn analyse_photo(
        &mut self,
        frame: &Frame<'_>,
        events: &mut Vec<CaptureEvent>,
    ) -> Result<Vec<Hint>, FrameError> {
        let step = step_for(frame, self.settings.analysis_side);
        let rgb = convert_rgb(frame, step, self.pool.take())?;
        let sample = self.motion.measure_rgb(&rgb);
        let image = DynamicImage::ImageRgb8(rgb);
        let mut findings = self.check(&image);
        let DynamicImage::ImageRgb8(rgb) = image else {
            unreachable!("wrapped above")
        };
        self.pool.recycle(rgb.into_raw());
        in_frame_pixels(&mut findings, step);
        let mut hints = self.hints_of(&findings);
        if !hints.is_empty() {
            self.steady = 0;
        } else if self.moving(sample) {
            self.steady = 0;
            hints.push(Hint::HoldStill);
        } else if sample.motion.is_some() {
            self.steady += 1;
        }
        let automatic = self.steady >= self.settings.steady_frames.max(1);
        if automatic || self.capture_requested {
            let still = self.still(frame, !self.capture_requested)?;
            if still.automatic && (!still.passed || self.text_pending) {
                // The preview passed but the full-resolution still does
                // not (fine detail, resolution, the fields): keep guiding.
                tracing::debug!("the preview passed but the full-resolution still did not");
                self.steady = 0;
                hints = self.hints_of(&still.findings);
                if self.text_pending {
                    hints.push(Hint::TextUnreadable);
                    hints.sort();
                }
            } else {
                tracing::info!(
                    automatic = still.automatic,
                    passed = still.passed,
                    "still captured"
                );
                events.push(CaptureEvent::Captured(Box::new(still)));
                self.finished = true;
            }
        }
        if hints.is_empty() {
            hints.push(Hint::Ready);
        }
        Ok(hints)
    }

    /// Whether the picture moved more than the settings allow.
    fn moving(&self, sample: MotionSample) -> bool {
        sample.motion.is_some_and(|m| m > self.settings.max_motion)
    }

    /// The full-resolution still of `frame` with the mode's verdict.
    fn still(&mut self, frame: &Frame<'_>, automatic: bool) -> Result<Still, FrameError> {
        let image = DynamicImage::ImageRgb8(convert_rgb(frame, 1, Vec::new())?);
        let mut findings = self.check(&image);
        self.text_pending = false;
        if findings.iter().all(|f| f.outcome != Outcome::Fail) {
            if let Some((judged, pending)) = self.judge_fields(&image) {
                self.text_pending = pending;
                findings.extend(judged);
            }
        }
        let DynamicImage::ImageRgb8(image) = image else {
            unreachable!("wrapped above")
        };
        self.capture_requested = false;
        Ok(Still {
            image,
            passed: findings.iter().all(|f| f.outcome != Outcome::Fail),
            findings,
            automatic,
            frame_index: self.frames,
            captured_at_unix_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as i64),
        })
    }

    /// The mode's photo checks (none for the QR mode).
    fn check(&self, image: &DynamicImage) -> Vec<Finding> {
        match &self.mode {
            CaptureMode::OrderQr { .. } => Vec::new(),
            CaptureMode::AdminPhoto { flow, profile } => {
                check_admin_photo(image, None, *flow, profile)
            }
            CaptureMode::Document {
                kind,
                marks,
                profile,
            } => check_document(image, *kind, *marks, profile),
        }
    }

    /// The findings on the fields of the document in `image`, and whether a
    /// retake would read what is missing, when the session reads them (a
    /// field check set, a document that has a validity); `None` also when
    /// the source fails (logged: the still is then judged on its photo checks).
    fn judge_fields(&self, image: &DynamicImage) -> Option<(Vec<Finding>, bool)> {
        let (CaptureMode::Document { kind, .. }, Some(check)) = (&self.mode, &self.fields) else {
            return None;
        };
        if !has_validity(*kind) {
            return None;
        }
        match check.source.document_lines(image, *kind) {
            Ok(lines) => {
                let reading = read_fields(*kind, &lines);
                let judged = judge(&reading, &check.expect);
                let pending = judged.iter().any(|f| retake_helps(f, &reading));
                Some((judged, pending))
            }
            Err(e) => {
                tracing::warn!(error = %e, "the document's text could not be read");
                None
            }
        }
    }

    fn hints_of(&self, findings: &[Finding]) -> Vec<Hint> {
        match &self.mode {
            CaptureMode::AdminPhoto { profile, .. } => admin_photo_hints(findings, profile),
            _ => document_hints(findings),
        }
    }
}

/// Whether `finding` on `reading` says a closer, sharper retake would read
/// what is missing: a number or zone that does not verify, or a validity
/// period not read (but on an ID card's front, which does not carry it).
fn retake_helps(finding: &Finding, reading: &DocumentReading) -> bool {
    let id_front = reading.doc_type == DocumentType::IdCard && reading.side == DocumentSide::Front;
    finding.outcome == Outcome::Warn
        && match finding.code.as_str() {
            "document.id_number_unreadable"
            | "document.credit_code_unreadable"
            | "document.mrz_unreadable" => true,
            "document.validity_unreadable" => !id_front,
            _ => false,
        }
}

/// The checks ran on a copy reduced by `step`: a document's resolution
/// (pixels along its long side) is judged in the frame's own pixels.
fn in_frame_pixels(findings: &mut [Finding], step: u32) {
    for f in findings
        .iter_mut()
        .filter(|f| f.code == "document.resolution")
    {
        f.measured *= step as f64;
        f.outcome = if f.measured < f.threshold {
            Outcome::Fail
        } else {
            Outcome::Pass
        };
    }
}
