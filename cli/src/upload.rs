//! `icp-companion upload`: the phone's part for one order, from a desktop —
//! verify the order code, take the photos through the core's capture
//! session (the files stand in for the camera's frames) with their checks,
//! claim the order,
//! queue the photos encrypted, upload them (resumably) and optionally
//! submit. Everything that can be checked is checked before the one-time
//! claim; a run that was killed is finished by running it again.

use std::path::PathBuf;

use clap::Args;
use icp_companion_core::http::Timeouts;
use icp_companion_core::imaging::{decode_image, read_file_bytes};
use icp_companion_core::order::{parse_and_verify, VerifiedOrder};
use icp_companion_core::rules::requirements_for;
use icp_companion_core::session::{FilingSession, Slot};
use icp_companion_core::upload::UploadQueue;
use icp_companion_core::user_facing::UserFacing;
use sha2::{Digest, Sha256};

use crate::check_photo::finding_json;
use crate::dev;
use crate::filing::{installation_id, print_verdict, queued_slots, send_photos, Prepared};
use crate::output::{Exit, Failure, Outcome, Output};
use crate::qr::{order_json, print_order};
use serde_json::json;

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
    #[arg(long, allow_hyphen_values = true)]
    at: Option<String>,
    /// Accuracy of `--at`, metres.
    #[arg(long, default_value_t = 10.0)]
    accuracy: f64,
    /// Submit the order once every required photo is at the gateway.
    #[arg(long)]
    submit: bool,
    /// With --submit: submit even though some photos fail their checks.
    #[arg(long, requires = "submit")]
    force: bool,
    /// Folder of the encrypted upload queue (and of this computer's
    /// installation id, so that a run killed midway is finished by the next).
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

/// Runs the command: exit 0 when every photo is at the gateway (and the
/// order submitted, with --submit), 1 when photos failed their checks or
/// the gateway refused, 3 when something could not be read or reached.
pub fn run(args: UploadArgs, out: &Output) -> Outcome {
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| Failure::could_not_judge(e.to_string()))?;
    runtime.block_on(flow(args, out))
}

/// Everything the command can check without the gateway, in order: the
/// code, the location, each photo (slot known and collected, file readable,
/// an image, taken through the capture session with its checks, located)
/// and the queue key.
struct Checked {
    order: VerifiedOrder,
    photos: Vec<Prepared>,
    key: Vec<u8>,
    /// Each photo's findings, as JSON.
    reports: Vec<serde_json::Value>,
}

fn check_inputs(args: &UploadArgs, out: &Output) -> Result<Checked, Failure> {
    let now = dev::now_unix();
    let policy = dev::trust(&args.trust_key, &args.allow_host)?;
    let order = parse_and_verify(&args.qr, &policy, now)?;
    if !out.json {
        print_order(&order, &policy);
    }
    let rules = requirements_for(
        u32::from(order.payload.province.code()),
        order.payload.subject,
    )?;
    let at = match &args.at {
        None if order.payload.requirements.in_region_verification => {
            return Err(Failure::usage(format!(
                "this order's photos must be taken inside {} ({}): give --at LAT,LON",
                order.payload.province.name_en(),
                order.payload.province.name_zh()
            )))
        }
        None => None,
        Some(at) => Some((
            at.split_once(',')
                .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "--at {at}: expected LAT,LON, e.g. 31.2304,121.4737"
                    ))
                })?,
            args.accuracy,
        )),
    };
    let wanted = Slot::required_by(&order.payload.requirements);
    let mut photos: Vec<Prepared> = Vec::new();
    let mut reports = Vec::new();
    for spec in &args.photos {
        let (name, file) = spec.split_once('=').ok_or_else(|| {
            Failure::usage(format!(
                "--photo {spec}: expected SLOT=FILE, e.g. admin_photo=me.jpg"
            ))
        })?;
        let slot = Slot::from_wire(name).ok_or_else(|| {
            Failure::usage(format!(
                "--photo {spec}: unknown slot {name}; this order collects {}",
                names(&wanted)
            ))
        })?;
        let (_, check) = wanted.iter().find(|(s, _)| *s == slot).ok_or_else(|| {
            Failure::usage(format!(
                "--photo {spec}: this order does not collect {name}; it collects {}",
                names(&wanted)
            ))
        })?;
        if photos.iter().any(|p| p.slot == slot) {
            return Err(Failure::usage(format!(
                "--photo {spec}: {name} is given twice"
            )));
        }
        let bytes = read_file_bytes(file.as_ref()).map_err(|e| Failure::of(&e).about(file))?;
        let image = decode_image(&bytes).map_err(|e| Failure::of(&e).about(file))?;
        let (photo, findings, verdict) =
            Prepared::take(slot, *check, &image, rules.statement_mark, at)
                .map_err(|e| e.about(file))?;
        drop(image);
        let ok = print_verdict(out, slot, &findings);
        if let (Some(verdict), Some(evidence)) = (verdict, &photo.evidence) {
            if photos.is_empty() {
                out.say(format!(
                    "location: {} — {}",
                    verdict.reason.message_en(),
                    verdict.reason.message_zh()
                ));
            }
            if order.payload.requirements.in_region_verification {
                evidence.ensure_inside()?;
            }
        }
        reports.push(json!({
            "slot": slot.wire_name(),
            "file": file,
            "verdict": if ok { "pass" } else { "fail" },
            "findings": findings.iter().map(finding_json).collect::<Vec<_>>(),
        }));
        photos.push(photo);
    }
    let failing: Vec<&str> = photos
        .iter()
        .filter(|p| !p.passed)
        .map(|p| p.slot.wire_name())
        .collect();
    if args.submit && !args.force && !failing.is_empty() {
        return Err(Failure {
            exit: Exit::Refused,
            text: format!(
                "not submitting: {} failed the checks above; retake them, or add --force to submit anyway",
                failing.join(", ")
            ),
            json: json!({ "code": "cli.checks_failed", "failed": failing, "photos": reports }),
        });
    }
    let key = match &args.queue_key {
        Some(hex) => data_encoding::HEXLOWER_PERMISSIVE
            .decode(hex.as_bytes())
            .ok()
            .filter(|k| k.len() == 32)
            .ok_or_else(|| Failure::usage("--queue-key: 64 hex digits"))?,
        None => Sha256::digest(b"icp-companion development queue key").to_vec(),
    };
    Ok(Checked {
        order,
        photos,
        key,
        reports,
    })
}

fn names(slots: &[(Slot, icp_companion_core::session::SlotCheck)]) -> String {
    slots
        .iter()
        .map(|(s, _)| s.wire_name())
        .collect::<Vec<_>>()
        .join(", ")
}

async fn flow(args: UploadArgs, out: &Output) -> Outcome {
    let checked = check_inputs(&args, out)?;
    let queue = UploadQueue::open(&args.queue, &checked.key)?;
    let installation = installation_id(&args.queue)?;
    let order_id = checked.order.payload.order_id.clone();
    let policy = dev::trust(&args.trust_key, &args.allow_host)?;
    let order = order_json(&checked.order, &policy);
    let mut session =
        FilingSession::claim(checked.order, &installation, Timeouts::default()).await?;
    out.say(format!(
        "claimed: applicant {}",
        session.view().applicant_masked
    ));
    // What an earlier, interrupted run already sent or queued is not queued again.
    session.refresh().await?;
    let held = session.view().slots.clone();
    let queued = queued_slots(&queue, &order_id)?;
    let mut photos = Vec::new();
    for photo in checked.photos {
        let slot = photo.slot;
        if held
            .iter()
            .any(|s| s.slot == slot && s.received_sha256.is_some())
        {
            out.say(format!(
                "   {:<24} already at the gateway",
                slot.wire_name()
            ));
        } else if queued.contains(&slot) {
            out.say(format!(
                "   {:<24} already queued by an earlier run; sending that",
                slot.wire_name()
            ));
        } else {
            photos.push(photo);
        }
    }
    let failing = photos.iter().filter(|p| !p.passed).count();
    let sent = send_photos(out, &mut session, &queue, &photos).await?;
    session.refresh().await?;
    let missing: Vec<&str> = session.missing().iter().map(|s| s.wire_name()).collect();
    if !missing.is_empty() {
        out.say(format!("still missing: {}", missing.join(", ")));
    }
    let submitted = if args.submit {
        let view = session.submit().await?;
        out.say(format!("submitted: {:?}", view.status));
        true
    } else {
        false
    };
    if out.json {
        out.emit(&json!({
            "order": order,
            "applicant": session.view().applicant_masked,
            "photos": checked.reports,
            "sent": sent,
            "missing": missing,
            "submitted": submitted,
        }));
    }
    Ok(if failing > 0 || !missing.is_empty() {
        Exit::Refused
    } else {
        Exit::Ok
    })
}
