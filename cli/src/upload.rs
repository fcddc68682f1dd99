//! `icp-companion upload`: the phone's part for one order, from a desktop —
//! verify the order code, claim the order, check and normalise the photos,
//! queue them encrypted, upload them (resumably) and optionally submit.

use std::path::PathBuf;

use clap::Args;
use icp_companion::imaging::{normalise_for_upload, read_image_file};
use icp_companion::order::parse_and_verify;
use icp_companion::rules::requirements_for;
use icp_companion::session::{FilingSession, Slot};
use icp_companion::upload::Timeouts;
use icp_companion::user_facing::UserFacing;
use sha2::{Digest, Sha256};

use crate::dev;
use crate::filing::{check_slot, evidence_at, print_verdict, send_photos};
use crate::qr::{print_order, user_error};

/// `upload` options.
#[derive(Args)]
pub struct UploadArgs {
    /// The order code's text (e.g. from `qr scan --raw` or the gateway).
    qr: String,
    /// A photo for a slot, `SLOT=FILE`; slots: subject_id, owner_id,
    /// subject_licence, authenticity_statement, domain_certificate, admin_photo.
    #[arg(long = "photo", required = true)]
    photos: Vec<String>,
    /// Where the photos were taken, `LAT,LON` in WGS-84: in-region
    /// (Shanghai) orders need it.
    #[arg(long)]
    at: Option<String>,
    /// Accuracy of `--at`, metres.
    #[arg(long, default_value_t = 10.0)]
    accuracy: f64,
    /// Submit the order once every required photo is at the gateway.
    #[arg(long)]
    submit: bool,
    /// Folder of the encrypted upload queue.
    #[arg(long, default_value = "target/upload-queue")]
    queue: PathBuf,
    /// Queue key, 64 hex digits (default: a fixed development key).
    #[arg(long)]
    queue_key: Option<String>,
    /// Trusted issuer public key (hex); default: the development issuer.
    #[arg(long)]
    trust_key: Vec<String>,
    /// Allowed gateway host; default: loopback.
    #[arg(long)]
    allow_host: Vec<String>,
}

/// Runs the command.
pub fn run(args: UploadArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(flow(args))
}

async fn flow(args: UploadArgs) -> Result<(), String> {
    let now = dev::now_unix();
    let order = parse_and_verify(
        &args.qr,
        &dev::trust(&args.trust_key, &args.allow_host)?,
        now,
    )
    .map_err(|e| user_error(&e))?;
    print_order(&order);
    let rules = requirements_for(
        u32::from(order.payload.province.code()),
        order.payload.subject,
    )
    .map_err(|e| user_error(&e))?;
    let wanted = Slot::required_by(&order.payload.requirements);
    let mut session = FilingSession::claim(order, Timeouts::default())
        .await
        .map_err(|e| user_error(&e))?;
    println!("claimed: applicant {}", session.view().applicant_masked);
    let mut photos = Vec::new();
    for spec in &args.photos {
        let (name, file) = spec
            .split_once('=')
            .ok_or_else(|| format!("--photo {spec}: expected SLOT=FILE"))?;
        let slot = Slot::from_wire(name).ok_or_else(|| format!("unknown slot {name}"))?;
        let (_, check) = wanted
            .iter()
            .find(|(s, _)| *s == slot)
            .ok_or_else(|| format!("the order does not collect {name}"))?;
        let image = read_image_file(file.as_ref()).map_err(|e| user_error(&e))?;
        let ok = print_verdict(slot, &check_slot(*check, &image, rules.statement_mark));
        let bytes = std::fs::read(file).map_err(|e| format!("{file}: {e}"))?;
        let normalised = normalise_for_upload(&bytes).map_err(|e| user_error(&e))?;
        photos.push((slot, normalised.bytes, ok));
    }
    let capture_ms = now as i64 * 1000;
    let evidence = match &args.at {
        None => None,
        Some(at) => {
            let (lat, lon) = at
                .split_once(',')
                .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
                .ok_or_else(|| format!("--at {at}: expected LAT,LON"))?;
            let (verdict, evidence) = evidence_at((lat, lon), args.accuracy, capture_ms)?;
            println!(
                "location: {:?} ({})",
                verdict.status,
                verdict.reason.message_en()
            );
            Some(evidence)
        }
    };
    let key = match &args.queue_key {
        Some(hex) => data_encoding::HEXLOWER_PERMISSIVE
            .decode(hex.as_bytes())
            .map_err(|_| "--queue-key: 64 hex digits".to_string())?,
        None => Sha256::digest(b"icp-companion development queue key").to_vec(),
    };
    send_photos(
        &mut session,
        &photos,
        capture_ms,
        evidence.as_ref(),
        &args.queue,
        &key,
    )
    .await?;
    session.refresh().await.map_err(|e| user_error(&e))?;
    let missing = session.missing();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.wire_name()).collect();
        println!("still missing: {}", names.join(", "));
    }
    if args.submit {
        let view = session.submit().await.map_err(|e| user_error(&e))?;
        println!("submitted: {:?}", view.status);
    }
    Ok(())
}
