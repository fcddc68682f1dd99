//! The capture session driven by replayed sequences: the guidance events it
//! sends and the frame it captures on, for every mode; back-pressure; bad
//! frames; the replay source.

use std::sync::{mpsc, Arc};

use icp_companion_core::camera::*;
use icp_companion_core::inspect::*;
use icp_companion_core::order::{encode, render_png, IssuerSigningKey, TrustPolicy};
use icp_companion_core::user_facing::UserFacing;
use image::{Rgb, RgbImage};

mod common;
use common::{sample_payload, NOW};

#[path = "../../cli/src/scenes.rs"]
mod scenes;
use scenes::*;

/// What the tests compare: the events, reduced to what they mean.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Guidance(Vec<Hint>),
    Refused(&'static str),
    Order(String),
    Captured {
        frame: u64,
        automatic: bool,
        passed: bool,
    },
}

/// Analyses every frame; returns (frame number, event) pairs.
fn replay(session: &mut CaptureSession, frames: &[NativeFrame]) -> Vec<(usize, Seen)> {
    // As an app does at start-up (the model is an asset it bundles).
    load_face_landmark_model(include_bytes!("../data/face_landmark.tflite")).unwrap();
    let mut seen = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let events = frame.with_frame(|f| session.analyse(f, NOW)).unwrap();
        seen.extend(events.into_iter().map(|e| (i, summary(e))));
    }
    seen
}

fn summary(event: CaptureEvent) -> Seen {
    match event {
        CaptureEvent::Guidance(hints) => Seen::Guidance(hints),
        CaptureEvent::CodeRefused(e) => Seen::Refused(e.code()),
        CaptureEvent::OrderFound(order) => Seen::Order(order.payload.order_id),
        CaptureEvent::Captured(still) => Seen::Captured {
            frame: still.frame_index,
            automatic: still.automatic,
            passed: still.passed,
        },
    }
}

/// Sensor noise of ±`amount` levels, different for every `seed`.
fn noisy(mut image: RgbImage, amount: i32, seed: u32) -> RgbImage {
    let mut state = seed.wrapping_mul(2_654_435_761) | 1;
    for p in image.pixels_mut() {
        for c in p.0.iter_mut() {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let n = (state % (2 * amount as u32 + 1)) as i32 - amount;
            *c = (*c as i32 + n).clamp(0, 255) as u8;
        }
    }
    image
}

fn document_mode() -> CaptureMode {
    CaptureMode::Document {
        kind: DocumentType::AuthenticityStatement,
        marks: RequiredMarks {
            seal: false,
            fingerprint: false,
        },
        profile: DocumentProfile::default(),
    }
}

/// An Android back camera: YUV_420_888 with interleaved chroma and padded
/// rows, sensor turned 270°.
fn android_layout() -> NativeLayout {
    NativeLayout {
        rotation: Rotation::R270,
        row_padding: 64,
        ..NativeLayout::packed(PixelFormat::Yuv420)
    }
}

/// A document sequence: cut off, moving, then held steady.
fn document_frames() -> Vec<RgbImage> {
    let steady = |seed| noisy(document_scene(2000, 1500, 200, 150, 1700), 4, seed);
    vec![
        document_scene(2000, 1500, 900, 150, 1700),
        document_scene(2000, 1500, 60, 100, 1700),
        document_scene(2000, 1500, 250, 200, 1650),
        steady(1),
        steady(2),
        steady(3),
        steady(4),
    ]
}

/// [`document_frames`] as an Android back camera delivers them.
fn document_native_frames() -> Vec<NativeFrame> {
    document_frames()
        .iter()
        .map(|img| NativeFrame::from_upright(img, android_layout()))
        .collect()
}

#[test]
fn a_document_is_captured_on_the_third_steady_passing_frame() {
    let frames = document_native_frames();
    let mut session = CaptureSession::new(document_mode(), CaptureSettings::default());
    assert_eq!(
        replay(&mut session, &frames),
        [
            // The visible part is also too small.
            (
                0,
                Seen::Guidance(vec![Hint::DocumentEdgeCut, Hint::MoveCloser])
            ),
            // Frames 1–3 each differ from the one before.
            (1, Seen::Guidance(vec![Hint::HoldStill])),
            (4, Seen::Guidance(vec![Hint::Ready])),
            (
                6,
                Seen::Captured {
                    frame: 6,
                    automatic: true,
                    passed: true
                }
            ),
        ]
    );
    assert!(session.is_finished());
    // Another shot of the same kind starts from scratch.
    session.restart();
    let again = replay(&mut session, &frames[3..]);
    assert_eq!(again[0], (0, Seen::Guidance(vec![Hint::Ready])));
    assert!(matches!(again[1], (3, Seen::Captured { .. })));
}

/// A text source standing in for the recogniser (the core's or the
/// platform's): the lines it was given, wherever the document is.
#[derive(Debug)]
struct GivenText(Vec<icp_companion_core::read::TextLine>);

impl icp_companion_core::read::TextSource for GivenText {
    fn document_lines(
        &self,
        _: &image::DynamicImage,
        _: DocumentType,
    ) -> Result<Vec<icp_companion_core::read::TextLine>, icp_companion_core::read::ReadError> {
        Ok(self.0.clone())
    }
}

/// An ID card back's lines: the label and the period `period`.
fn id_back_text(period: &str) -> Vec<icp_companion_core::read::TextLine> {
    let line = |text: &str, x| icp_companion_core::read::TextLine {
        text: text.into(),
        confidence: 0.98,
        region: PixelRect {
            x,
            y: 900,
            width: 300,
            height: 40,
        },
    };
    vec![line("有效期限", 300), line(period, 650)]
}

/// The ID card mode reading its fields from `text`.
fn reading_session(text: Vec<icp_companion_core::read::TextLine>) -> CaptureSession {
    let mode = CaptureMode::Document {
        kind: DocumentType::IdCard,
        marks: RequiredMarks {
            seal: false,
            fingerprint: false,
        },
        profile: DocumentProfile::default(),
    };
    let expect = icp_companion_core::read::Expectations {
        today: icp_companion_core::read::CalendarDate::new(2026, 12, 1).unwrap(),
        min_validity_days: 60,
        applicant_masked: None,
        document_en: "ID card".into(),
        document_zh: "身份证".into(),
    };
    CaptureSession::new(mode, CaptureSettings::default()).with_field_check(FieldCheck {
        source: Arc::new(GivenText(text)),
        expect,
    })
}

#[test]
fn the_document_mode_guides_until_the_fields_are_read_and_refuses_an_expired_card() {
    let frames = document_native_frames();
    let captured = |seen: &[(usize, Seen)]| {
        seen.iter()
            .find_map(|(_, s)| matches!(s, Seen::Captured { .. }).then_some(s.clone()))
    };
    let last_hints = |seen: &[(usize, Seen)]| {
        seen.iter()
            .rev()
            .find_map(|(_, s)| match s {
                Seen::Guidance(h) => Some(h.clone()),
                _ => None,
            })
            .unwrap()
    };
    // Nothing readable: the still is not taken, the user is told why.
    let mut blank = reading_session(Vec::new());
    let seen = replay(&mut blank, &frames);
    assert_eq!(captured(&seen), None, "{seen:?}");
    assert_eq!(last_hints(&seen), vec![Hint::TextUnreadable]);
    // Expired: not taken, and a retake will not help.
    let mut expired = reading_session(id_back_text("2013.07.17-2023.07.17"));
    let seen = replay(&mut expired, &frames);
    assert_eq!(captured(&seen), None, "{seen:?}");
    assert_eq!(last_hints(&seen), vec![Hint::DocumentExpired]);
    // Valid for long enough: taken on the third steady frame, the validity
    // among its findings.
    let mut valid = reading_session(id_back_text("2021.09.30-2041.09.30"));
    let mut still = None;
    for frame in &frames {
        for event in frame.with_frame(|f| valid.analyse(f, NOW)).unwrap() {
            if let CaptureEvent::Captured(s) = event {
                still = Some(s);
            }
        }
    }
    let still = still.expect("the valid card is captured");
    assert!(still.automatic && still.passed);
    assert!(still
        .findings
        .iter()
        .any(|f| f.code == "document.validity" && f.outcome == Outcome::Pass));
}

#[test]
#[ignore = "needs the photos fetched by tests/setup-deps.sh; tests/run-all.sh runs it"]
fn the_administrator_is_guided_to_a_good_photo_and_captured_when_steady() {
    let face = Face::astronaut().expect("ICP_FACE_PHOTOS holds astronaut.png");
    let pose = Pose::good();
    let (w, h) = (960, 1280);
    let good = |seed| noisy(admin_scene(&face, pose, w, h), 3, seed);
    let upright = [
        backdrop(w, h),
        admin_scene(
            &face,
            Pose {
                centre: 0.3,
                ..pose
            },
            w,
            h,
        ),
        admin_scene(
            &face,
            Pose {
                clothing: Rgb([200, 30, 35]),
                ..pose
            },
            w,
            h,
        ),
        good(1),
        good(2),
        good(3),
        good(4),
        good(5),
    ];
    // A front camera: mirrored NV21, sensor turned 90°.
    let layout = NativeLayout {
        rotation: Rotation::R90,
        mirrored: true,
        row_padding: 8,
        ..NativeLayout::packed(PixelFormat::Nv21)
    };
    let frames: Vec<NativeFrame> = upright
        .iter()
        .map(|img| NativeFrame::from_upright(img, layout))
        .collect();
    let mode = CaptureMode::AdminPhoto {
        flow: PhotoFlow::Backdrop,
        profile: AdminPhotoProfile::default(),
    };
    let mut session = CaptureSession::new(mode, CaptureSettings::default());
    assert_eq!(
        replay(&mut session, &frames),
        [
            (0, Seen::Guidance(vec![Hint::ShowFace])),
            (1, Seen::Guidance(vec![Hint::CentreFace])),
            (2, Seen::Guidance(vec![Hint::RedClothing])),
            // The clothes changed colour: the picture moved.
            (3, Seen::Guidance(vec![Hint::HoldStill])),
            (4, Seen::Guidance(vec![Hint::Ready])),
            (
                6,
                Seen::Captured {
                    frame: 6,
                    automatic: true,
                    passed: true
                }
            ),
        ]
    );
}

fn trust() -> (IssuerSigningKey, TrustPolicy) {
    let key = IssuerSigningKey::from_seed(&[7u8; 32]).unwrap();
    let policy = TrustPolicy {
        issuers: vec![key.public_key()],
        allowed_gateway_hosts: vec!["*.example.cn".into()],
    };
    (key, policy)
}

#[test]
fn the_order_code_is_found_after_guidance_and_refusals() {
    let (key, policy) = trust();
    let picture = |text: &str| {
        image::load_from_memory(&render_png(text, 4).unwrap())
            .unwrap()
            .to_luma8()
    };
    let valid = picture(&encode(&sample_payload(), &key).unwrap());
    let mut old = sample_payload();
    old.expires_at = NOW - 1;
    let expired = picture(&encode(&old, &key).unwrap());
    let blank = RgbImage::from_pixel(720, 1280, Rgb([230, 230, 230]));
    let upright = [
        RgbImage::from_pixel(720, 1280, Rgb([12, 12, 12])),
        blank.clone(),
        qr_scene(&expired, 720, 1280, 420, 255),
        qr_scene(&expired, 720, 1280, 420, 250),
        qr_scene(&valid, 720, 1280, 420, 255),
        blank,
    ];
    // iOS: 420v bi-planar in one buffer... here as two planes, rotated 90°.
    let layout = NativeLayout {
        rotation: Rotation::R90,
        row_padding: 32,
        ..NativeLayout::packed(PixelFormat::Nv12VideoRange)
    };
    let frames: Vec<NativeFrame> = upright
        .iter()
        .map(|img| NativeFrame::from_upright(img, layout))
        .collect();
    let mut session =
        CaptureSession::new(CaptureMode::OrderQr { policy }, CaptureSettings::default());
    assert_eq!(
        replay(&mut session, &frames),
        [
            (0, Seen::Guidance(vec![Hint::LookForCode, Hint::TooDark])),
            // The light came on: a change that large counts as motion.
            (1, Seen::Guidance(vec![Hint::LookForCode, Hint::HoldStill])),
            (2, Seen::Guidance(vec![Hint::CodeRefused])),
            (2, Seen::Refused("qr.expired")),
            (4, Seen::Guidance(vec![Hint::CodeFound])),
            (4, Seen::Order(sample_payload().order_id)),
        ]
    );
    assert!(session.is_finished());
}

#[test]
fn the_shutter_captures_at_once_with_the_verdict_even_when_checks_fail() {
    let cut = NativeFrame::from_upright(
        &document_scene(2000, 1500, 900, 150, 1700),
        android_layout(),
    );
    let mut session = CaptureSession::new(document_mode(), CaptureSettings::default());
    session.request_capture();
    let events: Vec<Seen> = cut
        .with_frame(|f| session.analyse(f, NOW))
        .unwrap()
        .into_iter()
        .map(summary)
        .collect();
    assert_eq!(
        events,
        [
            Seen::Guidance(vec![Hint::DocumentEdgeCut, Hint::MoveCloser]),
            Seen::Captured {
                frame: 0,
                automatic: false,
                passed: false
            }
        ]
    );
    // A still the app took itself (e.g. at a higher resolution).
    let mut session = CaptureSession::new(document_mode(), CaptureSettings::default());
    let still = cut.with_frame(|f| session.capture(f)).unwrap();
    assert_eq!(still.image.dimensions(), (2000, 1500));
    let edge = still
        .findings
        .iter()
        .find(|f| f.code == "document.edge_cut")
        .unwrap();
    assert_eq!(edge.outcome, Outcome::Fail);
    assert!(!still.passed && !still.automatic && session.is_finished());
}

#[test]
fn a_bad_frame_is_refused_without_disturbing_the_session() {
    let frames = document_native_frames();
    let mut session = CaptureSession::new(document_mode(), CaptureSettings::default());
    replay(&mut session, &frames[..4]);
    assert_eq!(session.hints(), [Hint::HoldStill]);
    // A stride shorter than a row, and a truncated chroma plane.
    let mut short_stride = frames[4].clone();
    short_stride.planes[0].row_stride = 100;
    let mut truncated = frames[4].clone();
    truncated.planes[2].data.truncate(1000);
    for bad in [short_stride, truncated] {
        let err = bad.with_frame(|f| session.analyse(f, NOW)).unwrap_err();
        assert!(err.code().starts_with("frame."), "{err:?}");
    }
    // The steady run goes on: still captured on the seventh good frame.
    let rest = replay(&mut session, &frames[4..]);
    assert_eq!(
        rest,
        [
            (0, Seen::Guidance(vec![Hint::Ready])),
            (
                2,
                Seen::Captured {
                    frame: 6,
                    automatic: true,
                    passed: true
                }
            )
        ]
    );
}

#[test]
fn frames_offered_while_one_is_analysed_are_dropped_not_queued() {
    let frame = NativeFrame::from_upright(
        &document_scene(640, 480, 40, 40, 500),
        NativeLayout::packed(PixelFormat::Bgra8),
    );
    let live = Arc::new(LiveCapture::new(CaptureSession::new(
        document_mode(),
        CaptureSettings::default(),
    )));
    let (busy_tx, busy_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let worker = {
        let live = live.clone();
        std::thread::spawn(move || {
            // Holds the session as a long analysis would.
            live.with_session(|_| {
                busy_tx.send(()).unwrap();
                done_rx.recv().unwrap();
            })
        })
    };
    busy_rx.recv().unwrap();
    for _ in 0..5 {
        let offer = frame.with_frame(|f| live.offer(f, NOW)).unwrap();
        assert!(matches!(offer, Offer::Dropped));
    }
    done_tx.send(()).unwrap();
    worker.join().unwrap();
    let offer = frame.with_frame(|f| live.offer(f, NOW)).unwrap();
    assert!(matches!(offer, Offer::Analysed(_)));
    assert_eq!(live.counts(), (1, 5));
}

#[test]
fn a_folder_replays_as_frames_and_bad_folders_are_refused() {
    let dir = std::env::temp_dir().join(format!("icp-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, img) in document_frames().iter().enumerate() {
        img.save(dir.join(format!("frame-{i:03}.png"))).unwrap();
    }
    std::fs::write(dir.join("notes.txt"), "not a frame").unwrap();
    let source = ReplaySource::open(&dir, android_layout()).unwrap();
    assert_eq!(source.len(), 7);
    let frames: Vec<NativeFrame> = source.map(Result::unwrap).collect();
    assert_eq!((frames[0].width, frames[0].height), (1500, 2000));
    let mut session = CaptureSession::new(document_mode(), CaptureSettings::default());
    let seen = replay(&mut session, &frames);
    assert!(matches!(
        seen.last(),
        Some((6, Seen::Captured { frame: 6, .. }))
    ));

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let err = ReplaySource::open(&empty, android_layout()).unwrap_err();
    assert_eq!(err.code(), "replay.empty");
    let png = std::fs::read(dir.join("frame-000.png")).unwrap();
    std::fs::write(dir.join("frame-000.png"), &png[..png.len() / 2]).unwrap();
    let mut source = ReplaySource::open(&dir, android_layout()).unwrap();
    let err = source.next().unwrap().unwrap_err();
    assert_eq!(err.code(), "replay.unreadable");
    assert!(err.message_zh().contains("frame-000.png"));
    assert!(source.next().unwrap().is_ok(), "the next frame still plays");
    std::fs::remove_dir_all(&dir).unwrap();
}
