//! Every message a user can meet — each error variant, each photo-check
//! finding (with its measure), each capture hint, each location verdict,
//! each province rule note and each name — read as a reviewer would: the
//! Chinese text is Chinese (the only Latin letters are codes, numbers,
//! units, format and product names, and the facts the message reports),
//! and neither language carries library or Rust text or internal words.

#[path = "../../cli/src/scenes.rs"]
mod scenes;

use std::collections::BTreeSet;
use std::path::PathBuf;

use icp_companion_core::camera::{CameraError, FrameError, Hint, PixelFormat};
use icp_companion_core::imaging::{ImageInputError, ReadProblem};
use icp_companion_core::inspect::{
    check_admin_photo, check_document, AdminPhotoProfile, DocumentProfile, DocumentType,
    FaceModelError, Finding, PhotoFlow, RequiredMarks,
};
use icp_companion_core::location::{LocationError, VerdictReason};
use icp_companion_core::order::{AdminPhotoFlow, DocumentKind, OrderError, Province, SubjectType};
use icp_companion_core::read::ReadError;
use icp_companion_core::rules::{requirements_for, PhoneSteps, RulesError};
use icp_companion_core::scan::ScanError;
use icp_companion_core::session::{QueueError, SessionError, Slot};
use icp_companion_core::upload::UploadError;
use icp_companion_core::user_facing::UserFacing;
use image::DynamicImage;

/// Latin words a Chinese message may contain: units, formats, product
/// names and abbreviations a Chinese reader meets in Chinese text too.
const LATIN_WORDS_IN_ZH: &[&str] = &[
    "s", "m", "km", "MB", "px", "HTTP", "HTTPS", "JPEG", "PNG", "GIF", "WebP", "BMP", "TIFF",
    "HEIC", "AVIF", "iPhone", "App", "QR", "ID", "ICP", "GPS", "A4",
];

/// Words that give away library, Rust or internal text.
const INTERNAL: &[&str] = &[
    "seed",
    "Error",
    "error:",
    "Err(",
    "Ok(",
    "Some(",
    "None",
    "::",
    "{",
    "}",
    "panic",
    "unwrap",
    "rqrr",
    "zune",
    "reqwest",
    "serde",
    "uniffi",
    "hyper",
    "rustls",
    "tus ",
    "0x",
    "os error",
    "entity not found",
    "invalid digit",
    "data too long",
    "Image size",
    "\\n",
    "FFI",
];

/// One message and the facts (numbers, names, paths) it may quote.
struct Message {
    code: String,
    en: String,
    zh: String,
    facts: Vec<String>,
}

impl Message {
    fn of(e: &dyn UserFacing, facts: &[&str]) -> Message {
        Message {
            code: e.code().to_string(),
            en: e.message_en(),
            zh: e.message_zh(),
            facts: facts.iter().map(|f| f.to_string()).collect(),
        }
    }

    fn text(code: &str, en: &str, zh: &str) -> Message {
        Message {
            code: code.to_string(),
            en: en.to_string(),
            zh: zh.to_string(),
            facts: vec![],
        }
    }

    /// What a reviewer would object to, if anything.
    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut zh = self.zh.clone();
        for fact in &self.facts {
            zh = zh.replace(fact.as_str(), " ");
        }
        if !zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            problems.push(format!("the Chinese message has no Chinese: {:?}", self.zh));
        }
        for word in zh.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            let word = word.trim_matches('-');
            let latin = word.chars().any(|c| c.is_ascii_alphabetic());
            let number_and_unit = word.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
            if latin
                && !LATIN_WORDS_IN_ZH.contains(&word)
                && !LATIN_WORDS_IN_ZH.contains(&number_and_unit)
            {
                problems.push(format!("Latin {word:?} inside the Chinese {:?}", self.zh));
            }
        }
        for (language, text) in [("en", &self.en), ("zh", &self.zh)] {
            let mut text = text.clone();
            for fact in &self.facts {
                text = text.replace(fact.as_str(), " ");
            }
            for word in INTERNAL {
                if text.contains(word) {
                    problems.push(format!("{language} says {word:?}: {text:?}"));
                }
            }
            // Rust type names (`OfficialSeal`, `WidenedDomainArea`).
            for word in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                let humps = word
                    .as_bytes()
                    .windows(2)
                    .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
                    .count();
                if humps > 0 && !["WebP", "iPhone"].contains(&word) {
                    problems.push(format!("{language} shows the name {word:?}: {text:?}"));
                }
            }
            if text.trim().is_empty() {
                problems.push(format!("{language} message is empty"));
            }
        }
        problems
    }
}

/// Each sample's variant, by position: the match has no wildcard, so a new
/// variant does not compile until it is listed (and sampled).
fn order_variant(e: &OrderError) -> usize {
    match e {
        OrderError::NotAnOrderCode => 0,
        OrderError::Malformed { .. } => 1,
        OrderError::UnsupportedVersion { .. } => 2,
        OrderError::UnknownIssuer { .. } => 3,
        OrderError::BadSignature => 4,
        OrderError::Expired { .. } => 5,
        OrderError::InsecureGateway { .. } => 6,
        OrderError::GatewayNotAllowed { .. } => 7,
        OrderError::InvalidInput { .. } => 8,
        OrderError::TooLarge { .. } => 9,
    }
}

fn image_variant(e: &ImageInputError) -> usize {
    match e {
        ImageInputError::UnsupportedFormat { format: Some(_) } => 0,
        ImageInputError::UnsupportedFormat { format: None } => 1,
        ImageInputError::UnsupportedJpeg { .. } => 2,
        ImageInputError::Corrupt { .. } => 3,
        ImageInputError::TooLarge { .. } => 4,
        ImageInputError::FileTooLarge { .. } => 5,
        ImageInputError::Io { problem } => match problem {
            ReadProblem::NotFound => 6,
            ReadProblem::PermissionDenied => 7,
            ReadProblem::IsFolder => 8,
            ReadProblem::Other => 9,
        },
        ImageInputError::NothingToCompose { .. } => 10,
        ImageInputError::ConvertOnDevice { .. } => 11,
    }
}

fn frame_variant(e: &FrameError) -> usize {
    match e {
        FrameError::BadDimensions { .. } => 0,
        FrameError::PlaneCount { .. } => 1,
        FrameError::BadPixelStride { .. } => 2,
        FrameError::BadStride { .. } => 3,
        FrameError::BufferTooSmall { .. } => 4,
        FrameError::BadRotation { .. } => 5,
    }
}

fn camera_variant(e: &CameraError) -> usize {
    match e {
        CameraError::NoCamera => 0,
        CameraError::NotFound { .. } => 1,
        CameraError::PermissionDenied => 2,
        CameraError::OpenFailed { .. } => 3,
        CameraError::StreamFailed { .. } => 4,
        CameraError::Unavailable => 5,
        CameraError::ReplayEmpty { .. } => 6,
        CameraError::ReplayUnreadable { .. } => 7,
        CameraError::StillEncoding { .. } => 8,
        CameraError::Frame(_) => 9,
    }
}

fn location_variant(e: &LocationError) -> usize {
    match e {
        LocationError::InvalidCoordinates { .. } => 0,
        LocationError::InvalidAccuracy { .. } => 1,
        LocationError::MockFix => 2,
        LocationError::CoarseOnly => 3,
        LocationError::StaleFix { .. } => 4,
        LocationError::FutureFix { .. } => 5,
        LocationError::FixNotAtCapture { .. } => 6,
        LocationError::OutsideRegion => 7,
        LocationError::Uncertain => 8,
        LocationError::BoundaryData { .. } => 9,
        LocationError::MalformedEvidence { .. } => 10,
    }
}

fn session_variant(e: &SessionError) -> usize {
    match e {
        SessionError::AlreadyClaimed => 0,
        SessionError::ClaimRefused => 1,
        SessionError::Unauthorized => 2,
        SessionError::OrderClosed => 3,
        SessionError::UnknownOrder => 4,
        SessionError::Incomplete { .. } => 5,
        SessionError::LocationRequired { .. } => 6,
        SessionError::Network { .. } => 7,
        SessionError::Unavailable { .. } => 8,
        SessionError::BadInstallationId => 9,
        SessionError::Gateway { .. } => 10,
        SessionError::LiveCaptureRequired { .. } => 11,
        SessionError::CaptureTimeMismatch { .. } => 12,
    }
}

fn upload_variant(e: &UploadError) -> usize {
    match e {
        UploadError::Network { .. } => 0,
        UploadError::Timeout => 1,
        UploadError::Server { .. } => 2,
        UploadError::Unauthorized => 3,
        UploadError::OrderClosed => 4,
        UploadError::Rejected { .. } => 5,
        UploadError::Incompatible { .. } => 6,
        UploadError::InsecureEndpoint { .. } => 7,
        UploadError::ChecksumMismatch => 8,
        UploadError::TooLarge { .. } => 9,
        UploadError::Cancelled => 10,
        UploadError::GaveUp { .. } => 11,
        UploadError::NotConfirmed => 12,
        UploadError::Storage { .. } => 13,
        UploadError::EvidenceRefused { .. } => 14,
    }
}

fn read_variant(e: &ReadError) -> usize {
    match e {
        ReadError::ModelMissing { .. } => 0,
        ReadError::ModelInvalid { .. } => 1,
        ReadError::RunFailed { .. } => 2,
        ReadError::Image { .. } => 3,
    }
}

fn face_model_variant(e: &FaceModelError) -> usize {
    match e {
        FaceModelError::Invalid { .. } => 0,
        FaceModelError::WrongModel { .. } => 1,
    }
}

fn rules_variant(e: &RulesError) -> usize {
    match e {
        RulesError::UnknownProvince { .. } => 0,
        RulesError::TableInvalid { .. } => 1,
    }
}

/// Asserts the samples cover `count` variants.
fn covers<E>(samples: &[(E, Vec<&str>)], variant: fn(&E) -> usize, count: usize, what: &str) {
    let seen: BTreeSet<usize> = samples.iter().map(|(e, _)| variant(e)).collect();
    assert_eq!(
        seen,
        (0..count).collect::<BTreeSet<_>>(),
        "{what}: one sample per variant"
    );
}

/// A library's own words, as the decoders and the network would give them:
/// they may be kept as the detail, never shown.
const LIBRARY_TEXT: &str = "Format error decoding Png: entity not found (os error 2)";

fn error_messages() -> Vec<Message> {
    let image = vec![
        (
            ImageInputError::UnsupportedFormat {
                format: Some("BMP".into()),
            },
            vec!["BMP"],
        ),
        (
            ImageInputError::ConvertOnDevice {
                format: "HEIC".into(),
            },
            vec!["HEIC"],
        ),
        (ImageInputError::UnsupportedFormat { format: None }, vec![]),
        (
            ImageInputError::UnsupportedJpeg {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (ImageInputError::corrupt(LIBRARY_TEXT), vec![]),
        (ImageInputError::too_large(40_000, 30_000, 3.0), vec![]),
        (
            ImageInputError::FileTooLarge {
                size_mb: 130,
                max_mb: 100,
            },
            vec![],
        ),
        (
            ImageInputError::Io {
                problem: ReadProblem::NotFound,
            },
            vec![],
        ),
        (
            ImageInputError::Io {
                problem: ReadProblem::PermissionDenied,
            },
            vec![],
        ),
        (
            ImageInputError::Io {
                problem: ReadProblem::IsFolder,
            },
            vec![],
        ),
        (
            ImageInputError::Io {
                problem: ReadProblem::Other,
            },
            vec![],
        ),
        (ImageInputError::NothingToCompose { count: 1 }, vec![]),
    ];
    covers(&image, image_variant, 12, "ImageInputError");
    let order = vec![
        (OrderError::NotAnOrderCode, vec![]),
        (OrderError::malformed(LIBRARY_TEXT), vec![]),
        (OrderError::UnsupportedVersion { version: 9 }, vec![]),
        (
            OrderError::UnknownIssuer {
                key_id: "d7e1e084".into(),
            },
            vec!["d7e1e084"],
        ),
        (OrderError::BadSignature, vec![]),
        (
            OrderError::Expired {
                expired_at: 1_796_142_690,
            },
            vec![],
        ),
        (
            OrderError::InsecureGateway {
                url: "http://gw.example.cn/".into(),
            },
            vec!["http://gw.example.cn/"],
        ),
        (
            OrderError::GatewayNotAllowed {
                host: "photos.attacker.example".into(),
            },
            vec!["photos.attacker.example"],
        ),
        (
            OrderError::invalid(
                "The order id must be 1 to 32 letters, digits or dashes.",
                "订单号须为 1 至 32 位字母、数字或连字符。",
            ),
            vec![],
        ),
        (OrderError::TooLarge { bytes: 400 }, vec![]),
    ];
    covers(&order, order_variant, 10, "OrderError");
    let frame = vec![
        (
            FrameError::BadDimensions {
                width: 0,
                height: 480,
            },
            vec![],
        ),
        (
            FrameError::PlaneCount {
                format: PixelFormat::Yuv420,
                expected: 3,
                got: 2,
            },
            vec![PixelFormat::Yuv420.name()],
        ),
        (
            FrameError::BadPixelStride {
                plane: 1,
                stride: 0,
                min: 1,
            },
            vec![],
        ),
        (
            FrameError::BadStride {
                plane: 0,
                stride: 600,
                row: 640,
            },
            vec![],
        ),
        (
            FrameError::BufferTooSmall {
                plane: 2,
                need: 76_800,
                got: 100,
            },
            vec![],
        ),
        (FrameError::BadRotation { degrees: 45 }, vec![]),
    ];
    covers(&frame, frame_variant, 6, "FrameError");
    let camera = vec![
        (CameraError::NoCamera, vec![]),
        (CameraError::NotFound { index: 3 }, vec![]),
        (CameraError::PermissionDenied, vec![]),
        (
            CameraError::OpenFailed {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (
            CameraError::StreamFailed {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (CameraError::Unavailable, vec![]),
        (
            CameraError::ReplayEmpty {
                folder: PathBuf::from("/tmp/frames"),
            },
            vec!["/tmp/frames"],
        ),
        (
            CameraError::ReplayUnreadable {
                file: PathBuf::from("/tmp/frames/f1.png"),
                cause: ImageInputError::corrupt(LIBRARY_TEXT),
            },
            vec!["/tmp/frames/f1.png"],
        ),
        (
            CameraError::StillEncoding {
                cause: ImageInputError::corrupt(LIBRARY_TEXT),
            },
            vec![],
        ),
        (
            CameraError::Frame(FrameError::BadRotation { degrees: 45 }),
            vec![],
        ),
    ];
    covers(&camera, camera_variant, 10, "CameraError");
    let mut location = vec![
        (
            LocationError::InvalidCoordinates {
                latitude: 95.0,
                longitude: 121.0,
            },
            vec![],
        ),
        (LocationError::InvalidAccuracy { accuracy_m: -1.0 }, vec![]),
        (LocationError::MockFix, vec![]),
        (LocationError::CoarseOnly, vec![]),
        (
            LocationError::StaleFix {
                age_s: 300,
                max_s: 120,
            },
            vec![],
        ),
        (LocationError::FutureFix { ahead_s: 90 }, vec![]),
        (
            LocationError::FixNotAtCapture {
                gap_s: 60,
                max_s: 30,
            },
            vec![],
        ),
        (LocationError::OutsideRegion, vec![]),
        (LocationError::Uncertain, vec![]),
        (
            LocationError::BoundaryData {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
    ];
    location.push((
        LocationError::MalformedEvidence {
            detail: LIBRARY_TEXT.into(),
        },
        vec![],
    ));
    covers(&location, location_variant, 11, "LocationError");
    let mut session = vec![
        (SessionError::AlreadyClaimed, vec![]),
        (SessionError::ClaimRefused, vec![]),
        (SessionError::Unauthorized, vec![]),
        (SessionError::OrderClosed, vec![]),
        (SessionError::UnknownOrder, vec![]),
        (
            SessionError::Incomplete {
                missing: vec![Slot::SubjectId, Slot::AdminPhoto],
            },
            vec![],
        ),
        (
            SessionError::LocationRequired {
                slot: Slot::AdminPhoto,
            },
            vec![],
        ),
        (SessionError::Network { timed_out: true }, vec![]),
        (SessionError::Unavailable { status: 503 }, vec![]),
        (SessionError::BadInstallationId, vec![]),
        (
            SessionError::Gateway {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
    ];
    session.push((
        SessionError::LiveCaptureRequired {
            slot: Slot::AdminPhoto,
        },
        vec![],
    ));
    session.push((
        SessionError::CaptureTimeMismatch {
            recorded_unix_ms: 1_764_000_000_123,
            given_unix_ms: 1_764_000_000_456,
        },
        vec!["1764000000123", "1764000000456"],
    ));
    covers(&session, session_variant, 13, "SessionError");
    let mut upload = vec![
        (
            UploadError::Network {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (UploadError::Timeout, vec![]),
        (UploadError::Server { status: 502 }, vec![]),
        (UploadError::Unauthorized, vec![]),
        (UploadError::OrderClosed, vec![]),
        (
            UploadError::Rejected {
                status: 422,
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (
            UploadError::Incompatible {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (
            UploadError::InsecureEndpoint {
                url: "http://gw.example.cn/files".into(),
            },
            vec!["http://gw.example.cn/files"],
        ),
        (UploadError::ChecksumMismatch, vec![]),
        (
            UploadError::TooLarge {
                size: 5_000_000,
                max: 4_000_000,
            },
            vec![],
        ),
        (UploadError::Cancelled, vec![]),
        (
            UploadError::GaveUp {
                rounds: 32,
                bytes_sent: 12_000_000,
            },
            vec![],
        ),
        (UploadError::NotConfirmed, vec![]),
        (
            UploadError::Storage {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
    ];
    upload.push((
        UploadError::EvidenceRefused {
            reason: "provenance.not_live".into(),
        },
        vec!["provenance.not_live"],
    ));
    covers(&upload, upload_variant, 15, "UploadError");
    let rules = vec![
        (RulesError::UnknownProvince { province_code: 81 }, vec![]),
        (
            RulesError::TableInvalid {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
    ];
    covers(&rules, rules_variant, 2, "RulesError");
    let read = vec![
        (
            ReadError::ModelMissing {
                path: "/models/ch_PP-OCRv4_det_infer.onnx".into(),
                detail: LIBRARY_TEXT.into(),
            },
            vec!["/models/ch_PP-OCRv4_det_infer.onnx"],
        ),
        (
            ReadError::ModelInvalid {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (
            ReadError::RunFailed {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (
            ReadError::Image {
                source: ImageInputError::corrupt(LIBRARY_TEXT),
            },
            vec![],
        ),
    ];
    covers(&read, read_variant, 4, "ReadError");
    let face_model = vec![
        (
            FaceModelError::Invalid {
                detail: LIBRARY_TEXT.into(),
            },
            vec![],
        ),
        (
            FaceModelError::WrongModel {
                input: "[1, 128, 128, 3]".into(),
            },
            vec!["[1, 128, 128, 3]", "face_landmark.tflite"],
        ),
    ];
    covers(&face_model, face_model_variant, 2, "FaceModelError");

    let mut messages = Vec::new();
    fn add<E: UserFacing>(messages: &mut Vec<Message>, samples: &[(E, Vec<&str>)]) {
        for (e, facts) in samples {
            messages.push(Message::of(e, facts));
        }
    }
    add(&mut messages, &image);
    add(&mut messages, &order);
    add(&mut messages, &frame);
    add(&mut messages, &camera);
    add(&mut messages, &location);
    add(&mut messages, &session);
    add(&mut messages, &upload);
    add(&mut messages, &rules);
    add(&mut messages, &read);
    add(&mut messages, &face_model);
    // The wrappers say what the wrapped error says.
    for e in [
        ScanError::Image(ImageInputError::corrupt(LIBRARY_TEXT)),
        ScanError::Order(OrderError::BadSignature),
        ScanError::Frame(FrameError::BadRotation { degrees: 45 }),
    ] {
        messages.push(Message::of(&e, &[]));
    }
    for e in [
        QueueError::Refused(SessionError::LocationRequired {
            slot: Slot::AdminPhoto,
        }),
        QueueError::Storage(UploadError::Storage {
            detail: LIBRARY_TEXT.into(),
        }),
    ] {
        messages.push(Message::of(&e, &[]));
    }
    messages
}

/// Findings of every check: a passing administrator photo in both flows, an
/// empty backdrop, documents of each kind, a sheet needing both marks, and
/// a table with no document.
fn findings() -> Vec<Finding> {
    icp_companion_core::inspect::load_face_landmark_model(include_bytes!(
        "../data/face_landmark.tflite"
    ))
    .unwrap();
    let face = scenes::Face::demo_portrait();
    let admin =
        DynamicImage::ImageRgb8(scenes::admin_scene(&face, scenes::Pose::good(), 960, 1280));
    let app = DynamicImage::ImageRgb8(scenes::app_scene(&face, scenes::Pose::good(), 960, 1280));
    let empty = DynamicImage::ImageRgb8(scenes::backdrop(960, 1280));
    let mut all = Vec::new();
    let profile = AdminPhotoProfile::default();
    all.extend(check_admin_photo(
        &admin,
        None,
        PhotoFlow::Backdrop,
        &profile,
    ));
    all.extend(check_admin_photo(&app, None, PhotoFlow::App, &profile));
    all.extend(check_admin_photo(
        &empty,
        None,
        PhotoFlow::Backdrop,
        &profile,
    ));
    let documents = DocumentProfile::default();
    let both = RequiredMarks {
        seal: true,
        fingerprint: true,
    };
    for (image, kind, marks) in [
        (
            scenes::id_card_scene(&face),
            DocumentType::IdCard,
            RequiredMarks::default(),
        ),
        (
            scenes::licence_scene(),
            DocumentType::BusinessLicence,
            RequiredMarks::default(),
        ),
        (
            scenes::statement_scene(true),
            DocumentType::AuthenticityStatement,
            both,
        ),
        (
            scenes::statement_scene(false),
            DocumentType::AuthenticityStatement,
            both,
        ),
        (
            scenes::document_scene(2000, 1500, 900, 150, 1700),
            DocumentType::AuthenticityStatement,
            both,
        ),
        (
            image::RgbImage::from_pixel(1200, 900, image::Rgb([120, 80, 50])),
            DocumentType::IdCard,
            both,
        ),
    ] {
        all.extend(check_document(
            &DynamicImage::ImageRgb8(image),
            kind,
            marks,
            &documents,
        ));
    }
    all.extend(reading_findings());
    all
}

/// The document reading's findings, from recognised text that gives each.
fn reading_findings() -> Vec<icp_companion_core::inspect::Finding> {
    use icp_companion_core::read::{judge, read_fields, CalendarDate, Expectations, TextLine};
    let line = |text: &str, y: u32| TextLine {
        text: text.into(),
        confidence: 0.9,
        region: icp_companion_core::inspect::PixelRect {
            x: 60,
            y,
            width: 600,
            height: 40,
        },
    };
    let expect = Expectations {
        today: CalendarDate::new(2026, 12, 1).unwrap(),
        min_validity_days: 60,
        applicant_masked: Some("张*".into()),
        document_en: "website owner's ID document".into(),
        document_zh: "网站负责人证件".into(),
    };
    // 11010519491231002X: a woman born 1949-12-31.
    let front = |name: &str, sex: &str, number: &str| {
        vec![
            line(&format!("姓名{name}"), 60),
            line(&format!("性别{sex}"), 140),
            line("出生1949年12月31日", 220),
            line(&format!("公民身份号码{number}"), 560),
        ]
    };
    let back = |period: &str| vec![line(&format!("有效期限{period}"), 1540)];
    let both = |period: &str| {
        let mut lines = front("张三", "女", "11010519491231002X");
        lines.extend(back(period));
        lines
    };
    let cases = [
        (DocumentType::IdCard, both("1990.01.01-2030.01.01")),
        (DocumentType::IdCard, both("1996.01.01-长期")),
        (DocumentType::IdCard, back("2006.03.01-2026.03.01")),
        (DocumentType::IdCard, back("2007.01.15-2027.01.15")),
        (
            DocumentType::IdCard,
            front("李四", "男", "110105194912310021"),
        ),
        (
            DocumentType::IdCard,
            front("张三", "男", "11010519491231002X"),
        ),
        (DocumentType::IdCard, vec![]),
        (
            DocumentType::BusinessLicence,
            vec![line("统一社会信用代码91330100716105852G", 200)],
        ),
        (
            DocumentType::Passport,
            vec![
                line("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", 700),
                line("L898902C36UTO7408122F1204159ZE184226B<<<<<11", 760),
            ],
        ),
    ];
    cases
        .iter()
        .flat_map(|(kind, lines)| judge(&read_fields(*kind, lines), &expect))
        .collect()
}

/// The finding codes docs/photo-checks.md documents.
fn documented_codes() -> BTreeSet<String> {
    let doc = include_str!("../../docs/photo-checks.md");
    doc.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            (s.starts_with("photo.") || s.starts_with("document."))
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn every_error_reads_as_our_own_words_in_both_languages() {
    let problems: Vec<String> = error_messages()
        .iter()
        .flat_map(|m| {
            m.problems()
                .into_iter()
                .map(move |p| format!("[{}] {p}", m.code))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_finding_hint_verdict_note_and_name_reads_well() {
    let findings = findings();
    let codes: BTreeSet<String> = findings.iter().map(|f| f.code.clone()).collect();
    assert_eq!(
        codes,
        documented_codes(),
        "every documented finding code is walked"
    );
    let mut messages: Vec<Message> = findings
        .iter()
        .map(|f| Message::text(&f.code, &f.message_en, &f.message_zh))
        .collect();
    for f in &findings {
        messages.push(Message::text(
            &f.code,
            &f.measure_en(),
            &format!("测量值 {}", f.measure_zh()),
        ));
        assert!(
            !f.measure_en().contains(".000"),
            "{}: a count or level as a float",
            f.measure_en()
        );
    }
    let hints = [
        Hint::CodeFound,
        Hint::CodeRefused,
        Hint::LookForCode,
        Hint::TooDark,
        Hint::ShowFace,
        Hint::OnlyOnePerson,
        Hint::CentreFace,
        Hint::ShowDocument,
        Hint::DocumentEdgeCut,
        Hint::MoveCloser,
        Hint::MoveFarther,
        Hint::Glare,
        Hint::BackdropNotFilling,
        Hint::BackdropTextHidden,
        Hint::RedClothing,
        Hint::BlueClothing,
        Hint::ColourOriginal,
        Hint::SealMissing,
        Hint::FingerprintMissing,
        Hint::DocumentExpired,
        Hint::TextUnreadable,
        Hint::HoldStill,
        Hint::Ready,
    ];
    let hint_codes: BTreeSet<&str> = hints.iter().map(|h| h.code()).collect();
    assert_eq!(hint_codes.len(), hints.len(), "hints have distinct codes");
    for h in hints {
        messages.push(Message::text(h.code(), h.message_en(), h.message_zh()));
    }
    for r in [
        VerdictReason::InsideClear,
        VerdictReason::OutsideClear,
        VerdictReason::AccuracyTooCoarse,
        VerdictReason::NearBorder,
    ] {
        messages.push(Message::of(&r, &[]));
    }
    for province in Province::all() {
        for subject in [SubjectType::Individual, SubjectType::Organisation] {
            let rules = requirements_for(u32::from(province.code()), subject).unwrap();
            messages.push(Message::text(
                "province",
                province.name_en(),
                province.name_zh(),
            ));
            assert_ne!(province.name_en(), province.name_zh());
            for note in &rules.notes {
                messages.push(Message::text(&note.code, &note.text_en, &note.text_zh));
            }
            assert!(
                !rules.rules_version.contains("seed"),
                "{}",
                rules.rules_version
            );
        }
    }
    for steps in [
        PhoneSteps::DocumentsAndOwner,
        PhoneSteps::AdministratorInRegion,
    ] {
        let (en, zh) = steps.app().unwrap();
        messages.push(Message::text("phone_steps", en, zh));
    }
    for slot in Slot::ALL {
        messages.push(Message::text(
            slot.wire_name(),
            slot.name_en(),
            slot.name_zh(),
        ));
    }
    for kind in DocumentKind::ALL {
        messages.push(Message::text("document", kind.name_en(), kind.name_zh()));
    }
    for flow in [AdminPhotoFlow::Backdrop, AdminPhotoFlow::App] {
        messages.push(Message::text("flow", flow.name_en(), flow.name_zh()));
    }
    for subject in [SubjectType::Individual, SubjectType::Organisation] {
        messages.push(Message::text(
            "subject",
            subject.name_en(),
            subject.name_zh(),
        ));
    }
    let problems: Vec<String> = messages
        .iter()
        .flat_map(|m| {
            m.problems()
                .into_iter()
                .map(move |p| format!("[{}] {p}", m.code))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_catches_what_the_issue_found() {
    // The messages the issue quoted, as they were: each is caught.
    for (en, zh) in [
        (
            "The order code is damaged: incomplete.",
            "订单二维码已损坏：incomplete。",
        ),
        (
            "Could not read (entity not found).",
            "无法读取图片文件（entity not found）",
        ),
        ("Too long.", "二维码内容过长（需要 data too long）"),
        ("Too large.", "图片过大（Image size exceeds limit）"),
        ("Statement: OfficialSeal", "真实性核验单：OfficialSeal"),
        ("rules seed-2026-11", "规则 seed-2026-11"),
    ] {
        assert!(
            !Message::text("quoted", en, zh).problems().is_empty(),
            "{zh} should be caught"
        );
    }
}
