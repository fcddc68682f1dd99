//! `icp-companion camera list` and `icp-companion capture`: the capture
//! session on a real camera (builds with the `camera` feature) or on a
//! replayed folder of frames, printing the guidance as it changes.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use icp_companion_core::camera::{
    CameraError, CaptureEvent, CaptureMode, CaptureSession, CaptureSettings, Frame, Hint,
    NativeLayout, PixelFormat, ReplaySource, Rotation, Still,
};
use icp_companion_core::imaging::encode_for_upload;
use icp_companion_core::inspect::{
    AdminPhotoProfile, DocumentProfile, DocumentType, PhotoFlow, RequiredMarks,
};
use image::DynamicImage;

use crate::check_document::{parse_marks, parse_type};
use crate::check_photo::report;
use crate::output::{user_error, Exit, Failure, Outcome, Output};
use crate::qr::TrustArgs;
use serde_json::json;

/// Cameras the core can open.
#[derive(Subcommand)]
pub enum CameraCommand {
    /// The cameras connected to this computer.
    List,
}

/// What to capture, from where.
#[derive(Args)]
pub struct CaptureArgs {
    /// qr (the order code), backdrop / app (the administrator photo), or
    /// document (with --kind).
    #[arg(long, value_enum)]
    mode: ModeArg,
    /// The document kind in document mode (id-card, passport,
    /// business-licence, authenticity-statement, …).
    #[arg(long, value_parser = parse_type)]
    kind: Option<DocumentType>,
    /// Marks the document needs: seal, fingerprint, seal+fingerprint.
    #[arg(long, value_parser = parse_marks, default_value = "")]
    marks: RequiredMarks,
    /// Replay the images of this folder (name order) instead of a camera.
    #[arg(long)]
    replay: Option<PathBuf>,
    /// Pixel format the replayed frames are delivered in.
    #[arg(long, value_enum, default_value = "yuv420")]
    format: FormatArg,
    /// Clockwise rotation the replayed frames need (0, 90, 180, 270).
    #[arg(long, default_value_t = 0)]
    rotation: u32,
    /// Deliver the replayed frames mirrored (front camera).
    #[arg(long)]
    mirrored: bool,
    /// Camera index (see `camera list`).
    #[arg(long, default_value_t = 0)]
    camera: u32,
    /// Stop after this many frames without a capture.
    #[arg(long, default_value_t = 600)]
    max_frames: u64,
    /// Press the shutter on this frame (0-based) if nothing was captured.
    #[arg(long)]
    shutter_at: Option<u64>,
    /// Save the captured still, encoded for upload, here.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Save every camera frame (upright) as a PNG into this folder: a
    /// recorded sequence `--replay` can play back.
    #[arg(long)]
    record: Option<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Qr,
    Backdrop,
    App,
    Document,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Yuv420,
    Nv21,
    Nv12,
    Nv12Video,
    Bgra,
    Rgba,
    Rgb,
    Yuyv,
    Luma,
}

impl From<FormatArg> for PixelFormat {
    fn from(format: FormatArg) -> PixelFormat {
        match format {
            FormatArg::Yuv420 => PixelFormat::Yuv420,
            FormatArg::Nv21 => PixelFormat::Nv21,
            FormatArg::Nv12 => PixelFormat::Nv12,
            FormatArg::Nv12Video => PixelFormat::Nv12VideoRange,
            FormatArg::Bgra => PixelFormat::Bgra8,
            FormatArg::Rgba => PixelFormat::Rgba8,
            FormatArg::Rgb => PixelFormat::Rgb8,
            FormatArg::Yuyv => PixelFormat::Yuyv,
            FormatArg::Luma => PixelFormat::Luma8,
        }
    }
}

/// Runs a `camera` subcommand.
pub fn camera(command: CameraCommand, out: &Output) -> Outcome {
    match command {
        CameraCommand::List => list(out),
    }
}

#[cfg(feature = "camera")]
fn list(out: &Output) -> Outcome {
    let cameras = icp_companion_core::camera::list_cameras()?;
    if cameras.is_empty() {
        return Err(Failure::of(&CameraError::NoCamera));
    }
    for c in cameras {
        if out.json {
            out.emit(&json!({ "index": c.index, "name": c.name, "description": c.description }));
        } else {
            println!("{}\t{}\t{}", c.index, c.name, c.description);
        }
    }
    Ok(Exit::Ok)
}

#[cfg(not(feature = "camera"))]
fn list(_: &Output) -> Outcome {
    Err(without_camera_feature())
}

/// Why a build without the `camera` feature cannot open a camera, and how to
/// get one that can.
#[cfg(not(feature = "camera"))]
fn without_camera_feature() -> Failure {
    let failure = Failure::of(&CameraError::Unavailable);
    Failure {
        text: format!(
            "{}\nThis icp-companion was built without the camera feature; build it with \
             `cargo build --release -p icp-companion-cli --features camera` \
             (needs libclang: apt-get install clang).",
            failure.text
        ),
        ..failure
    }
}

/// Runs a capture: exit 0 when a still was captured and passed, 1 when it
/// was captured but fails its checks (or nothing was captured).
pub fn run(args: CaptureArgs, out: &Output) -> Outcome {
    let mode = match args.mode {
        ModeArg::Qr => CaptureMode::OrderQr {
            policy: crate::dev::trust(&args.trust.keys, &args.trust.hosts)?,
        },
        ModeArg::Backdrop | ModeArg::App => CaptureMode::AdminPhoto {
            flow: if matches!(args.mode, ModeArg::App) {
                PhotoFlow::App
            } else {
                PhotoFlow::Backdrop
            },
            profile: AdminPhotoProfile::default(),
        },
        ModeArg::Document => CaptureMode::Document {
            kind: args
                .kind
                .ok_or_else(|| Failure::usage("document mode needs --kind"))?,
            marks: args.marks,
            profile: DocumentProfile::default(),
        },
    };
    let mut run = Run {
        session: CaptureSession::new(mode, CaptureSettings::default()),
        now: args.trust.now,
        shutter_at: args.shutter_at,
        out: args.out.clone(),
        record: args.record.clone(),
        index: 0,
        output: *out,
        passed: None,
    };
    if let Some(dir) = &args.record {
        std::fs::create_dir_all(dir).map_err(|e| Failure::io(dir, &e))?;
    }
    match &args.replay {
        Some(dir) => {
            let layout = NativeLayout {
                rotation: Rotation::from_degrees(args.rotation)?,
                mirrored: args.mirrored,
                ..NativeLayout::packed(args.format.into())
            };
            let source = ReplaySource::open(dir, layout)?;
            out.say(format!(
                "replaying {} frames from {}",
                source.len(),
                dir.display()
            ));
            for frame in source.take(args.max_frames as usize) {
                if frame?.with_frame(|f| run.frame(f))? {
                    break;
                }
            }
        }
        None => camera_loop(&mut run, args.camera, args.max_frames)?,
    }
    match run.passed {
        Some(true) => Ok(Exit::Ok),
        Some(false) => Ok(Exit::Refused),
        None if run.session.is_finished() => Ok(Exit::Ok),
        None => Err(Failure {
            exit: Exit::Refused,
            text: format!(
                "nothing captured after {} frames; last guidance: {}",
                run.index,
                hint_line(run.session.hints())
            ),
            json: json!({ "code": "cli.nothing_captured", "frames": run.index }),
        }),
    }
}

#[cfg(feature = "camera")]
fn camera_loop(run: &mut Run, index: u32, max_frames: u64) -> Result<(), Failure> {
    use icp_companion_core::camera::{CameraStream, StreamPurpose};
    let mut stream = CameraStream::open(index, StreamPurpose::Preview)?;
    let (w, h, fps) = stream.format();
    run.output
        .say(format!("camera {index}: {w}×{h} at {fps} fps"));
    for _ in 0..max_frames {
        if stream.next_frame(|f| run.frame(f))?? {
            return Ok(());
        }
    }
    Ok(())
}

#[cfg(not(feature = "camera"))]
fn camera_loop(_: &mut Run, _: u32, _: u64) -> Result<(), Failure> {
    Err(without_camera_feature())
}

/// One capture run's state.
struct Run {
    session: CaptureSession,
    now: Option<u64>,
    shutter_at: Option<u64>,
    out: Option<PathBuf>,
    record: Option<PathBuf>,
    index: u64,
    output: Output,
    /// Whether the captured still passed its checks, once one is.
    passed: Option<bool>,
}

impl Run {
    /// Analyses one frame and prints its events; true when finished.
    fn frame(&mut self, frame: &Frame<'_>) -> Result<bool, Failure> {
        if let Some(dir) = &self.record {
            let upright = icp_companion_core::camera::convert_rgb(frame, 1, Vec::new())?;
            let path = dir.join(format!("frame-{:05}.png", self.index));
            upright
                .save(&path)
                .map_err(|e| Failure::could_not_judge(format!("{}: {e}", path.display())))?;
        }
        if self.shutter_at == Some(self.index) {
            self.session.request_capture();
        }
        let now = self.now.unwrap_or_else(crate::dev::now_unix);
        let events = self.session.analyse(frame, now)?;
        let out = self.output;
        for event in events {
            match event {
                CaptureEvent::Guidance(hints) if out.json => out.emit(&json!({
                    "frame": self.index,
                    "guidance": hints.iter().map(|h| json!({ "code": h.code(), "message_en": h.message_en(), "message_zh": h.message_zh() })).collect::<Vec<_>>(),
                })),
                CaptureEvent::Guidance(hints) => {
                    println!("frame {:>4}: {}", self.index, hint_line(&hints))
                }
                CaptureEvent::CodeRefused(e) if out.json => out.emit(&json!({
                    "frame": self.index,
                    "refused": crate::output::error_json(&e),
                })),
                CaptureEvent::CodeRefused(e) => {
                    println!("frame {:>4}: refused {}", self.index, user_error(&e))
                }
                CaptureEvent::OrderFound(order) if out.json => out.emit(&json!({
                    "frame": self.index,
                    "order_id": order.payload.order_id,
                    "gateway": order.payload.gateway.as_str(),
                    "expires_at": order.payload.expires_at,
                })),
                CaptureEvent::OrderFound(order) => println!(
                    "frame {:>4}: order {} verified (gateway {}, expires {} Beijing time)",
                    self.index,
                    order.payload.order_id,
                    order.payload.gateway.as_str(),
                    icp_companion_core::user_facing::beijing_time(order.payload.expires_at)
                ),
                CaptureEvent::Captured(still) => self.captured(*still)?,
            }
        }
        self.index += 1;
        Ok(self.session.is_finished())
    }

    fn captured(&mut self, still: Still) -> Result<(), Failure> {
        let how = if still.automatic {
            "automatically"
        } else {
            "on the shutter"
        };
        self.output.say(format!(
            "frame {:>4}: captured {how}, {}×{}",
            still.frame_index,
            still.image.width(),
            still.image.height()
        ));
        let name = Path::new("still");
        let image = DynamicImage::ImageRgb8(still.image);
        let rejected = report(name, &image, &still.findings, None, None, &self.output)?;
        self.passed = Some(!rejected);
        if let Some(out) = &self.out {
            let DynamicImage::ImageRgb8(rgb) = image else {
                unreachable!("wrapped above")
            };
            let photo = encode_for_upload(rgb)?;
            std::fs::write(out, &photo.bytes).map_err(|e| Failure::io(out, &e))?;
            self.output.say(format!(
                "saved {} ({} bytes)",
                out.display(),
                photo.bytes.len()
            ));
        }
        Ok(())
    }
}

/// Hints as "code — English / 中文; …".
fn hint_line(hints: &[Hint]) -> String {
    hints
        .iter()
        .map(|h| format!("{} — {} / {}", h.code(), h.message_en(), h.message_zh()))
        .collect::<Vec<_>>()
        .join("; ")
}
