//! `icp-companion demo`: the end-to-end flow on the embedded development
//! issuer, with no external service.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use icp_companion::http::Timeouts;
use icp_companion::imaging::{normalise_for_upload, read_image_file, MAX_UPLOAD_BYTES};
use icp_companion::order::{
    encode, parse_and_verify, render_png, Gateway, IssuerSigningKey, Province, QrMatrix,
    SubjectType,
};
use icp_companion::rules::{requirements_for, StatementMark};
use icp_companion::scan::{OrderScanner, QrDecoder};
use icp_companion::session::{FilingSession, Slot, SlotCheck};
use icp_companion::upload::UploadQueue;
use icp_companion_dev_gateway::{Config, DevGateway, NewOrder};
use rand::SeedableRng;
use sha2::{Digest, Sha256};

use crate::dev;
use crate::eval::{photograph, Distortion};
use crate::filing::{check_slot, evidence_at, installation_id, print_verdict, send_photos};
use crate::qr::{print_order, user_error};
use crate::sample_photos;

/// `demo` options.
#[derive(Args)]
pub struct DemoArgs {
    /// Folder for the demo's files (the rendered code and the simulated photo).
    #[arg(long, default_value = "target/demo")]
    out: PathBuf,
    /// A real administrator photo to check and upload instead of the drawn
    /// scene (which has no real face).
    #[arg(long)]
    admin_photo: Option<PathBuf>,
}

/// Runs the demo.
pub fn run(args: DemoArgs) -> Result<(), String> {
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(flow(args))
}

async fn flow(args: DemoArgs) -> Result<(), String> {
    let now = dev::now_unix();
    println!("1. The development gateway starts on loopback and the filing website creates a Shanghai order.");
    let gateway = DevGateway::start(
        "127.0.0.1:0".parse().expect("an address"),
        Config {
            dir: args.out.join("gateway"),
            issuer: dev::dev_issuer(),
            max_photo_bytes: MAX_UPLOAD_BYTES as u64,
            advertise: None,
        },
    )
    .await
    .map_err(|e| e.to_string())?;
    let (order_id, text) = gateway.create_order(NewOrder {
        province_code: Province::Shanghai.code(),
        subject: "organisation".into(),
        applicant: "上海示例科技有限公司".into(),
        domains: vec!["example.cn".into(), "example.com.cn".into()],
        valid_seconds: 900,
    })?;
    let matrix = QrMatrix::new(&text).map_err(|e| user_error(&e))?;
    let png = args.out.join("order-qr.png");
    std::fs::write(&png, render_png(&text, 8).map_err(|e| user_error(&e))?)
        .map_err(|e| e.to_string())?;
    println!(
        "   {order_id} at {}: {} characters, QR version {} at level M → {}",
        gateway.base,
        text.len(),
        matrix.version(),
        png.display()
    );

    println!("2. The phone photographs the monitor (simulated: perspective, moiré, glare, blur, noise) and verifies the code.");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let photo = photograph(&matrix, Distortion::Monitor, 2, 1280, 960, &mut rng);
    let photo_path = args.out.join("monitor-photo.jpg");
    photo.save(&photo_path).map_err(|e| e.to_string())?;
    let scanner = OrderScanner::new(dev::trust(&[], &[])?, QrDecoder::new());
    let started = Instant::now();
    let order = match scanner.scan_file(&photo_path, now) {
        Ok(Some(order)) => order,
        Ok(None) => return Err("no QR code found in the simulated photo".into()),
        Err(e) => return Err(user_error(&e)),
    };
    println!(
        "   verified in {:.1} ms:",
        started.elapsed().as_secs_f64() * 1e3
    );
    print_order(&order);
    let mut forged = order.payload.clone();
    forged.gateway =
        Gateway::parse("https://photos.attacker.example").map_err(|e| user_error(&e))?;
    let forged = encode(&forged, &IssuerSigningKey::generate()).map_err(|e| user_error(&e))?;
    match parse_and_verify(&forged, &dev::trust(&[], &[])?, now) {
        Ok(_) => return Err("a forged code was accepted".into()),
        Err(e) => println!(
            "   a forged copy (attacker's gateway, another key) is refused: {}",
            user_error(&e)
        ),
    }

    println!("3. The phone claims the order with the code's one-time token.");
    let queue_dir = args.out.join("queue");
    let _ = std::fs::remove_dir_all(&queue_dir);
    let installation = installation_id(&queue_dir)?;
    let mut session = FilingSession::claim(order.clone(), &installation, Timeouts::default())
        .await
        .map_err(|e| user_error(&e))?;
    let view = session.view().clone();
    println!(
        "   applicant {} · domains {} · slots: {}",
        view.applicant_masked,
        view.domains.join(", "),
        view.slots
            .iter()
            .map(|s| s.slot.wire_name())
            .collect::<Vec<_>>()
            .join(", ")
    );

    println!("4. Each photo is checked on the phone.");
    let rules = requirements_for(
        u32::from(Province::Shanghai.code()),
        SubjectType::Organisation,
    )
    .map_err(|e| user_error(&e))?;
    let mut photos = Vec::new();
    for (i, (slot, check)) in Slot::required_by(&order.payload.requirements)
        .into_iter()
        .enumerate()
    {
        let image = match (check, &args.admin_photo) {
            (SlotCheck::AdminPhoto(_), Some(path)) => {
                read_image_file(path).map_err(|e| user_error(&e))?
            }
            (SlotCheck::AdminPhoto(_), None) => sample_photos::backdrop_scene(),
            (SlotCheck::Document(_), _) => sample_photos::document(
                i as u32,
                rules.statement_mark == StatementMark::OfficialSeal,
            ),
        };
        let ok = print_verdict(slot, &check_slot(check, &image, rules.statement_mark));
        photos.push((slot, image, ok));
    }
    if photos
        .iter()
        .any(|(slot, _, ok)| *slot == Slot::AdminPhoto && !ok)
    {
        println!("   (the drawn administrator scene has no real face; pass --admin-photo FILE for a real one — the demo uploads it anyway to finish the flow)");
    }

    println!("5. Shanghai requires the verification photos to be taken inside Shanghai: the location verdict.");
    let now_ms = dev::now_unix() as i64 * 1000;
    let (verdict, evidence) = evidence_at((31.2304, 121.4737), 8.0, now_ms)?;
    evidence.ensure_inside().map_err(|e| user_error(&e))?;
    println!(
        "   People's Square, ±8 m: {:?}, {:.1} km from the border",
        verdict.status,
        verdict.distance_to_border_m / 1000.0
    );

    println!("6. The photos are normalised and queued, encrypted, then uploaded (tus, checksummed chunks).");
    let queue = UploadQueue::open(&queue_dir, &Sha256::digest(b"icp-companion demo queue key"))
        .map_err(|e| user_error(&e))?;
    let mut normalised = Vec::new();
    for (slot, image, ok) in &photos {
        let upload =
            normalise_for_upload(&sample_photos::png(image)).map_err(|e| user_error(&e))?;
        normalised.push((*slot, upload.bytes, *ok));
    }
    send_photos(&mut session, &queue, &normalised, now_ms, Some(&evidence)).await?;

    println!("7. Every slot is at the gateway: the phone submits the order.");
    session.refresh().await.map_err(|e| user_error(&e))?;
    let submitted = session.submit().await.map_err(|e| user_error(&e))?;
    println!("   status {:?}", submitted.status);

    println!("8. The order as the gateway sees it:");
    let listing = gateway.listing(&order_id).ok_or("the order vanished")?;
    println!(
        "   {} · {:?} · applicant shown to the phone as {}",
        order_id, submitted.status, submitted.applicant_masked
    );
    if let Some(received) = listing["received"].as_object() {
        for (slot, file) in received {
            println!(
                "   {:<24} {:>8} bytes  sha256 {}…",
                slot,
                file["size"],
                &file["sha256"].as_str().unwrap_or("")[..16]
            );
        }
    }
    println!("Demo finished.");
    Ok(())
}
