//! Steps of the phone's filing flow that the demo and `upload` share:
//! checking a slot's photo, location evidence, queueing and sending.

use std::path::Path;
use std::time::Instant;

use icp_companion::inspect::{
    check_admin_photo, check_document, AdminPhotoProfile, DocumentProfile, Finding, Outcome,
};
use icp_companion::location::{
    assess, Crs, LocationEvidence, LocationFix, LocationPolicy, LocationPrecision,
    LocationProvider, Region, Verdict,
};
use icp_companion::rules::StatementMark;
use icp_companion::session::{FilingSession, Inspection, Slot, SlotCheck};
use icp_companion::upload::{drain, DrainSettings, UploadQueue};
use image::DynamicImage;
use tokio_util::sync::CancellationToken;

use crate::qr::user_error;

/// The findings of a slot's photo, checked as the slot's inspection says.
pub fn check_slot(check: SlotCheck, image: &DynamicImage, mark: StatementMark) -> Vec<Finding> {
    match check.inspection(mark) {
        Inspection::Document { kind, marks } => {
            check_document(image, kind, marks, &DocumentProfile::default())
        }
        Inspection::AdminPhoto(flow) => {
            check_admin_photo(image, None, flow, &AdminPhotoProfile::default())
        }
    }
}

/// Prints a slot's verdict; true when nothing failed.
pub fn print_verdict(slot: Slot, findings: &[Finding]) -> bool {
    let failed: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .collect();
    if failed.is_empty() {
        println!(
            "   {:<24} pass ({} checks)",
            slot.wire_name(),
            findings.len()
        );
    }
    for f in &failed {
        println!(
            "   {:<24} FAIL {} — {}",
            slot.wire_name(),
            f.code,
            f.message_en
        );
    }
    failed.is_empty()
}

/// The verdict on a precise WGS-84 fix taken 2 s before `capture_ms`, and
/// the evidence bound to that capture.
pub fn evidence_at(
    (latitude, longitude): (f64, f64),
    accuracy_m: f64,
    capture_ms: i64,
) -> Result<(Verdict, LocationEvidence), String> {
    let fix = LocationFix {
        latitude,
        longitude,
        crs: Crs::Wgs84,
        horizontal_accuracy_m: accuracy_m,
        fix_time_unix_ms: capture_ms - 2_000,
        is_mock: false,
        provider: LocationProvider::Fused,
        precision: LocationPrecision::Precise,
    };
    let policy = LocationPolicy::default();
    let region = Region::shanghai().map_err(|e| user_error(&e))?;
    let verdict = assess(region, &fix, capture_ms, &policy).map_err(|e| user_error(&e))?;
    let evidence =
        LocationEvidence::bind(&verdict, capture_ms, &policy).map_err(|e| user_error(&e))?;
    Ok((verdict, evidence))
}

/// Queues the normalised photos (slot, bytes, checks passed) encrypted in
/// `queue_dir` and sends them with a progress bar.
pub async fn send_photos(
    session: &mut FilingSession,
    photos: &[(Slot, Vec<u8>, bool)],
    capture_ms: i64,
    evidence: Option<&LocationEvidence>,
    queue_dir: &Path,
    key: &[u8],
) -> Result<(), String> {
    let queue = UploadQueue::open(queue_dir, key).map_err(|e| user_error(&e))?;
    let endpoint = session.upload_endpoint().map_err(|e| user_error(&e))?;
    let mut total_bytes = 0u64;
    for (slot, bytes, ok) in photos {
        let metadata = session
            .upload_metadata(
                *slot,
                bytes,
                capture_ms,
                if *ok { "pass" } else { "fail" },
                evidence,
            )
            .map_err(|e| user_error(&e))?;
        let sha = metadata
            .iter()
            .find(|(k, _)| k == "sha256")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        session
            .photo_ready(*slot, sha)
            .map_err(|e| user_error(&e))?;
        queue
            .enqueue(
                endpoint.clone(),
                Some(session.token().to_string()),
                metadata,
                bytes,
            )
            .map_err(|e| user_error(&e))?;
        session.upload_started(*slot);
        total_bytes += bytes.len() as u64;
    }
    let started = Instant::now();
    let settings = DrainSettings {
        chunk_size: 256 * 1024,
        ..DrainSettings::default()
    };
    let mut sent_by: std::collections::BTreeMap<String, u64> = Default::default();
    let drained = drain(
        &queue,
        &settings,
        &CancellationToken::new(),
        |id, sent, _| {
            sent_by.insert(id.to_string(), sent);
            let done: u64 = sent_by.values().sum();
            let filled = (done * 40 / total_bytes.max(1)).min(40) as usize;
            print!(
                "\r   [{}{}] {:>5.1} %",
                "#".repeat(filled),
                " ".repeat(40 - filled),
                done as f64 * 100.0 / total_bytes.max(1) as f64
            );
            let _ = std::io::Write::flush(&mut std::io::stdout());
        },
    )
    .await
    .map_err(|e| user_error(&e))?;
    println!();
    if let Some((_, e)) = drained.failed.first() {
        return Err(format!(
            "{} (the photos stay queued in {})",
            user_error(e),
            queue_dir.display()
        ));
    }
    for (slot, _, _) in photos {
        session.upload_finished(*slot);
    }
    println!(
        "   {} photos, {:.1} MB in {:.0} ms; queue empty: {}",
        drained.uploaded.len(),
        total_bytes as f64 / 1e6,
        started.elapsed().as_secs_f64() * 1e3,
        queue.pending().map_err(|e| user_error(&e))?.is_empty()
    );
    Ok(())
}
