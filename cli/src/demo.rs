//! `icp-companion demo`: the phone's whole part of two filings on the
//! embedded development gateway, with no external service — a Guangdong
//! company, whose documents and owner's face photo go up with the
//! provider's app, and a Shanghai company, whose administrator is verified
//! on the phone inside Shanghai — as the province rules say.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use icp_companion_core::http::Timeouts;
use icp_companion_core::imaging::{decode_image, read_file_bytes, MAX_UPLOAD_BYTES};
use icp_companion_core::inspect::Outcome as CheckOutcome;
use icp_companion_core::location::RegionStatus;
use icp_companion_core::order::{
    encode, parse_and_verify, render_png, Gateway, IssuerSigningKey, Province, QrMatrix,
    SubjectType, VerifiedOrder,
};
use icp_companion_core::rules::{requirements_for, StatementMark};
use icp_companion_core::scan::{OrderScanner, QrDecoder};
use icp_companion_core::session::{FilingSession, Slot, SlotCheck};
use icp_companion_core::upload::{
    upload, RetryPolicy, Throttle, TusClient, UploadError, UploadJob, UploadQueue,
};
use icp_companion_core::user_facing::UserFacing;
use icp_companion_dev_gateway::{Config, DevGateway, NewOrder};
use image::DynamicImage;
use rand::SeedableRng;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::dev;
use crate::eval::{photograph, Distortion};
use crate::filing::{evidence_at, installation_id, print_verdict, send_photos, Prepared};
use crate::output::{Exit, Failure, Outcome, Output};
use crate::qr::print_order;
use crate::scenes::{self, Face, Pose};

/// `demo` options.
#[derive(Args)]
pub struct DemoArgs {
    /// Folder for the demo's files (every file is listed at the end).
    #[arg(long, default_value = "target/demo")]
    out: PathBuf,
    /// A real administrator photo (JPEG, PNG, GIF or WebP) to check and upload
    /// instead of the demo's composed portrait.
    #[arg(long)]
    admin_photo: Option<PathBuf>,
}

/// A file the demo wrote, and what it is.
struct Written(PathBuf, &'static str);

/// One of the demo's orders.
struct Filing {
    title: &'static str,
    province: Province,
    applicant: &'static str,
    domains: [&'static str; 2],
}

const FILINGS: [Filing; 2] = [
    Filing {
        title:
            "a Guangdong company: the documents and the owner's face photo, with the provider's app",
        province: Province::Guangdong,
        applicant: "广州示例科技有限公司",
        domains: ["example-gd.cn", "example-gd.com.cn"],
    },
    Filing {
        title: "a Shanghai company: the administrator verified on the phone, inside Shanghai",
        province: Province::Shanghai,
        applicant: "上海示例科技有限公司",
        domains: ["example.cn", "example.com.cn"],
    },
];

/// Runs the demo.
pub fn run(args: DemoArgs, out: &Output) -> Outcome {
    // Inputs first: a missing or unreadable photo fails before anything starts.
    let admin_photo = match &args.admin_photo {
        Some(path) => {
            let bytes = read_file_bytes(path).map_err(|e| Failure::of(&e).about(path.display()))?;
            Some(decode_image(&bytes).map_err(|e| Failure::of(&e).about(path.display()))?)
        }
        None => None,
    };
    std::fs::create_dir_all(&args.out).map_err(|e| Failure::io(&args.out, &e))?;
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| Failure::could_not_judge(e.to_string()))?;
    runtime.block_on(flow(&args.out, admin_photo, out))
}

async fn flow(dir: &Path, admin_photo: Option<DynamicImage>, out: &Output) -> Outcome {
    let mut written = Vec::new();
    out.say(
        "1. The development gateway starts on loopback; the filing website creates two orders.",
    );
    let gateway_dir = dir.join("gateway");
    let gateway = DevGateway::start(
        "127.0.0.1:0".parse().expect("an address"),
        Config {
            dir: gateway_dir.clone(),
            issuer: dev::dev_issuer(),
            max_photo_bytes: MAX_UPLOAD_BYTES as u64,
            advertise: None,
            capture_session_seconds: icp_companion_dev_gateway::CAPTURE_SESSION_SECONDS,
        },
    )
    .await
    .map_err(|e| Failure::could_not_judge(format!("the development gateway: {e}")))?;
    out.say(format!("   gateway at {}", gateway.base));
    let portrait = Face::demo_portrait();
    let mut summaries = Vec::new();
    for (n, filing) in FILINGS.iter().enumerate() {
        out.say(format!("\n== Order {}: {} ==", n + 1, filing.title));
        let summary = file_order(
            &gateway,
            filing,
            dir,
            &portrait,
            admin_photo.as_ref(),
            n == 0,
            out,
            &mut written,
        )
        .await?;
        summaries.push(summary);
    }
    written.push(Written(
        gateway_dir.join("uploads"),
        "the gateway's staging area for uploads in progress (empty once they finish)",
    ));
    written.push(Written(
        dir.join("queue"),
        "the phone's encrypted upload queue and its installation id (emptied once the gateway confirms)",
    ));
    if out.json {
        out.emit(&json!({
            "orders": summaries,
            "files": written.iter().map(|Written(p, what)| json!({ "path": p, "what": what })).collect::<Vec<_>>(),
        }));
    } else {
        println!("\nFiles written:");
        let width = written
            .iter()
            .map(|Written(p, _)| p.display().to_string().chars().count())
            .max()
            .unwrap_or(0);
        for Written(path, what) in &written {
            println!("  {:<width$}  {what}", path.display().to_string());
        }
        println!("Demo finished.");
    }
    Ok(Exit::Ok)
}

/// The phone's part of one order: its code scanned off a monitor, the claim,
/// the photos checked, the location verdict where the rule applies, the
/// encrypted queue and upload, the submit; returns what the gateway holds.
#[allow(clippy::too_many_arguments)]
async fn file_order(
    gateway: &DevGateway,
    filing: &Filing,
    dir: &Path,
    portrait: &Face,
    admin_photo: Option<&DynamicImage>,
    show_forgery: bool,
    out: &Output,
    written: &mut Vec<Written>,
) -> Result<serde_json::Value, Failure> {
    let now = dev::now_unix();
    let (order_id, text) = gateway
        .create_order(NewOrder {
            province_code: filing.province.code(),
            subject: "organisation".into(),
            applicant: filing.applicant.into(),
            domains: filing.domains.iter().map(|d| d.to_string()).collect(),
            valid_seconds: 900,
            allow_stored_photos: false,
        })
        .map_err(Failure::could_not_judge)?;
    let matrix = QrMatrix::new(&text)?;
    let png = dir.join(format!("{order_id}-qr.png"));
    std::fs::write(&png, render_png(&text, 8)?).map_err(|e| Failure::io(&png, &e))?;
    written.push(Written(
        png.clone(),
        "the order's QR code as the filing website shows it",
    ));
    out.say(format!(
        "2. The website shows {order_id}'s code ({} characters, QR version {} at level M); the phone photographs the monitor and verifies it.",
        text.len(),
        matrix.version()
    ));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let photo = photograph(&matrix, Distortion::Monitor, 2, 1280, 960, &mut rng);
    let photo_path = dir.join(format!("{order_id}-monitor-photo.jpg"));
    photo
        .save(&photo_path)
        .map_err(|e| Failure::could_not_judge(format!("{}: {e}", photo_path.display())))?;
    written.push(Written(
        photo_path.clone(),
        "the simulated phone photo of the monitor (perspective, moiré, glare, blur, noise)",
    ));
    let policy = dev::trust(&[], &[])?;
    let scanner = OrderScanner::new(policy.clone(), QrDecoder::new());
    let started = Instant::now();
    let order: VerifiedOrder = scanner
        .scan_file(&photo_path, now)?
        .ok_or_else(|| Failure::could_not_judge("no QR code found in the simulated photo"))?;
    out.say(format!(
        "   verified in {:.1} ms:",
        started.elapsed().as_secs_f64() * 1e3
    ));
    if !out.json {
        print_order(&order, &policy);
    }
    let rules = requirements_for(u32::from(filing.province.code()), SubjectType::Organisation)?;
    if let Some(note) = rules.notes.first() {
        out.say(format!("   {}\n   {}", note.text_en, note.text_zh));
    }
    if show_forgery {
        let mut forged = order.payload.clone();
        forged.gateway = Gateway::parse("https://photos.attacker.example")?;
        let forged = encode(&forged, &IssuerSigningKey::generate())?;
        match parse_and_verify(&forged, &policy, now) {
            Ok(_) => return Err(Failure::could_not_judge("a forged code was accepted")),
            Err(e) => out.say(format!(
                "   a forged copy (the attacker's gateway, another key) is refused: [{}] {}",
                e.code(),
                e.message_en()
            )),
        }
    }

    out.say("3. The phone claims the order with the code's one-time token.");
    let queue_dir = dir.join("queue");
    let _ = std::fs::remove_dir_all(&queue_dir);
    let installation = installation_id(&queue_dir)?;
    let mut session =
        FilingSession::claim(order.clone(), &installation, Timeouts::default()).await?;
    let view = session.view().clone();
    out.say(format!(
        "   applicant {} · domains {} · photos: {}",
        view.applicant_masked,
        view.domains.join(", "),
        view.slots
            .iter()
            .map(|s| s.slot.name_en())
            .collect::<Vec<_>>()
            .join(", ")
    ));

    out.say("4. Each photo is taken through the core's capture session (the demo's pictures stand in for camera frames) and checked on the phone.");
    let photo_dir = dir.join("photos");
    std::fs::create_dir_all(&photo_dir).map_err(|e| Failure::io(&photo_dir, &e))?;
    // Shanghai's photos are located: People's Square, a ±8 m fix taken 2 s
    // before each capture.
    let at = order
        .payload
        .requirements
        .in_region_verification
        .then_some(((31.2304, 121.4737), 8.0));
    let mut photos = Vec::new();
    let mut verdict = None;
    for (slot, check) in Slot::required_by(&order.payload.requirements) {
        let image = demo_photo(slot, check, portrait, admin_photo, rules.statement_mark);
        let taken = photo_dir.join(format!(
            "{}-{}.jpg",
            filing.province.name_en().to_lowercase(),
            slot.wire_name()
        ));
        image
            .to_rgb8()
            .save(&taken)
            .map_err(|e| Failure::could_not_judge(format!("{}: {e}", taken.display())))?;
        written.push(Written(taken, slot_photo_description(slot)));
        let (photo, findings, located) =
            Prepared::take(slot, check, &image, rules.statement_mark, at)?;
        verdict = verdict.or(located);
        let ok = print_verdict(out, slot, &findings);
        if !ok && admin_photo.is_some() {
            out.say("   (your photo does not pass; the demo uploads it anyway to finish the flow)");
        }
        let failed = findings
            .iter()
            .filter(|f| f.outcome == CheckOutcome::Fail)
            .count();
        photos.push((photo, failed));
    }

    match &verdict {
        Some(verdict) => {
            out.say("5. Shanghai's photos must be taken inside Shanghai: the location verdict, which the gateway judges again from the raw fix.");
            for (photo, _) in &photos {
                photo
                    .evidence
                    .as_ref()
                    .map_or(Ok(()), |e| e.ensure_inside())?;
            }
            out.say(format!(
                "   People's Square, ±8 m: {} ({:.1} km from the border)",
                verdict.reason.message_en(),
                verdict.distance_to_border_m / 1000.0
            ));
        }
        None => out.say("5. No location rule in this province."),
    }

    out.say("6. The stills are encoded (upright, no metadata, ≤ 4 MB), queued encrypted with their capture records, and uploaded (tus, checksummed chunks).");
    let queue = UploadQueue::open(&queue_dir, &Sha256::digest(b"icp-companion demo queue key"))?;
    let prepared: Vec<Prepared> = photos.iter().map(|(p, _)| p.clone()).collect();
    send_photos(out, &mut session, &queue, &prepared).await?;
    if let (Some(photo), Some(_)) = (prepared.first(), &verdict) {
        out.say("   The gateway judges the evidence itself: the same photo sent again with a Beijing fix marked \"inside\" is refused:");
        let code = forged_upload(&session, photo).await?;
        out.say(format!("   {code}"));
    }

    out.say("7. Every photo is at the gateway: the phone submits the order.");
    session.refresh().await?;
    let submitted = session.submit().await?;
    out.say(format!("   status {:?}", submitted.status));

    let listing = gateway
        .listing(&order_id)
        .ok_or_else(|| Failure::could_not_judge("the order vanished"))?;
    written.push(Written(
        dir.join("gateway").join(&order_id),
        "what the gateway received for this order, each photo under its slot's name",
    ));
    out.say("8. The order as the gateway sees it:");
    let mut received = Vec::new();
    if let Some(held) = listing["received"].as_object() {
        for (slot, file) in held {
            let path = file["path"].as_str().unwrap_or_default().to_string();
            out.say(format!(
                "   {:<24} {:>8} bytes  sha256 {}…  {}",
                slot,
                file["size"],
                &file["sha256"].as_str().unwrap_or("")[..16],
                path
            ));
            received.push(json!({ "slot": slot, "bytes": file["size"], "sha256": file["sha256"], "path": path }));
        }
    }
    Ok(json!({
        "order_id": order_id,
        "province": filing.province.name_en(),
        "status": format!("{:?}", submitted.status).to_lowercase(),
        "photos": photos.iter().map(|(p, failed)| json!({ "slot": p.slot.wire_name(), "passed": p.passed, "failed_checks": failed })).collect::<Vec<_>>(),
        "received": received,
    }))
}

/// What the demo's photo for `slot` shows, for the list of files.
fn slot_photo_description(slot: Slot) -> &'static str {
    match slot {
        Slot::AdminPhoto => "the phone's photo of the person, as checked",
        Slot::SubjectLicence => "the phone's photo of the business licence, as checked",
        Slot::AuthenticityStatement => "the phone's photo of the signed statement, as checked",
        Slot::SubjectId | Slot::OwnerId => "the phone's photo of the ID card, as checked",
        Slot::DomainCertificate => "the phone's photo of the domain certificate, as checked",
    }
}

/// The photo the demo takes for `slot`: the user's administrator photo when
/// given, else the composed portrait (white wall in the app flow, the blue
/// backdrop otherwise); for documents, a photo of that kind of document.
fn demo_photo(
    slot: Slot,
    check: SlotCheck,
    portrait: &Face,
    admin_photo: Option<&DynamicImage>,
    mark: StatementMark,
) -> DynamicImage {
    let picture = match (check, admin_photo) {
        (SlotCheck::AdminPhoto(_), Some(photo)) => return photo.clone(),
        (SlotCheck::AdminPhoto(icp_companion_core::order::AdminPhotoFlow::App), None) => {
            scenes::app_scene(portrait, Pose::good(), 960, 1280)
        }
        (SlotCheck::AdminPhoto(_), None) => scenes::admin_scene(portrait, Pose::good(), 960, 1280),
        (SlotCheck::Document(_), _) => match slot {
            Slot::SubjectId | Slot::OwnerId => scenes::id_card_scene(portrait),
            Slot::SubjectLicence => scenes::licence_scene(),
            _ => scenes::statement_scene(mark == StatementMark::OfficialSeal),
        },
    };
    DynamicImage::ImageRgb8(picture)
}

/// Sends `photo` again with its location evidence forged: a fix in Beijing
/// whose verdict says "inside" (the phone signs its capture record as for
/// any live still: the forgery is in the evidence). Returns the code the
/// gateway refuses it with, having judged the raw fix again.
async fn forged_upload(session: &FilingSession, photo: &Prepared) -> Result<String, Failure> {
    let (_, mut forged) = evidence_at((39.9042, 116.4074), 8.0, photo.captured_at_unix_ms)?;
    forged.status = RegionStatus::Inside;
    let metadata = session.upload_metadata(
        photo.slot,
        &photo.bytes,
        photo.captured_at_unix_ms,
        "pass",
        Some(&forged),
    )?;
    let client = TusClient::new(
        session.upload_endpoint()?,
        Some(session.token()),
        Timeouts::default(),
    )?;
    let job = UploadJob {
        data: photo.bytes.clone(),
        metadata,
        resume: None,
        chunk_size: 256 * 1024,
        receipt: None,
    };
    let mut progress = Throttle::new(std::time::Duration::from_secs(1), |_, _| {});
    let sent = upload(
        &client,
        &job,
        &RetryPolicy::default(),
        &mut progress,
        &tokio_util::sync::CancellationToken::new(),
        |_| {},
    )
    .await;
    match sent {
        Err(UploadError::EvidenceRefused { reason }) => Ok(reason),
        Err(e) => Err(Failure::of(&e)),
        Ok(_) => Err(Failure::could_not_judge(
            "the gateway took a photo whose location was forged",
        )),
    }
}
