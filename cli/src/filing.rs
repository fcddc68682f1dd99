//! Steps of the phone's filing flow that the demo and `upload` share:
//! checking a slot's photo, location evidence, queueing and sending.

use std::io::IsTerminal;
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

/// The app installation id the CLI claims with, kept beside its queue (made
/// on first use), so that a run that was killed claims its order again and
/// finishes its own queue.
pub fn installation_id(queue_dir: &Path) -> Result<String, String> {
    let path = queue_dir.join("installation-id");
    match std::fs::read_to_string(&path) {
        Ok(id) => Ok(id.trim().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let id = icp_companion::session::new_installation_id().map_err(|e| user_error(&e))?;
            std::fs::create_dir_all(queue_dir)
                .and_then(|_| std::fs::write(&path, &id))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(id)
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The slots of `order_id` that `queue` already holds (queued by an earlier
/// run that did not finish).
pub fn queued_slots(queue: &UploadQueue, order_id: &str) -> Result<Vec<Slot>, String> {
    let listing = queue.pending().map_err(|e| user_error(&e))?;
    Ok(listing
        .entries
        .iter()
        .filter(|e| {
            e.metadata
                .iter()
                .any(|(k, v)| k == "order" && v == order_id)
        })
        .filter_map(|e| e.slot().and_then(Slot::from_wire))
        .collect())
}

/// Queues the normalised photos (slot, bytes, checks passed) encrypted in
/// `queue`, then sends everything the queue holds with a progress bar (a
/// line per step when the output is not a terminal).
pub async fn send_photos(
    session: &mut FilingSession,
    queue: &UploadQueue,
    photos: &[(Slot, Vec<u8>, bool)],
    capture_ms: i64,
    evidence: Option<&LocationEvidence>,
) -> Result<(), String> {
    for (slot, bytes, ok) in photos {
        session
            .queue_photo(
                queue,
                *slot,
                bytes,
                capture_ms,
                if *ok { "pass" } else { "fail" },
                evidence,
            )
            .map_err(|e| user_error(&e))?;
        session.upload_started(*slot);
    }
    let started = Instant::now();
    let settings = DrainSettings {
        chunk_size: 256 * 1024,
        ..DrainSettings::default()
    };
    let mut bar = Progress::new(std::io::stdout().is_terminal());
    let drained = drain(
        queue,
        &settings,
        &CancellationToken::new(),
        |id, sent, total| bar.update(id, sent, total),
    )
    .await
    .map_err(|e| user_error(&e))?;
    bar.finish();
    for q in &drained.quarantined {
        println!(
            "   a queued photo ({}) could not be read on this computer and was set aside: {}",
            q.slot.as_deref().unwrap_or("slot unknown"),
            q.reason
        );
    }
    if let Some((_, e)) = drained.failed.first() {
        return Err(format!(
            "{} (the photos stay queued; run the same command again to send them)",
            user_error(e)
        ));
    }
    for (entry, _) in &drained.uploaded {
        if let Some(slot) = entry.slot().and_then(Slot::from_wire) {
            session.upload_finished(slot);
        }
    }
    let bytes: u64 = drained.uploaded.iter().map(|(_, r)| r.bytes_sent).sum();
    println!(
        "   {} photos, {:.1} MB sent in {:.0} ms; queue empty: {}",
        drained.uploaded.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64() * 1e3,
        queue
            .pending()
            .map_err(|e| user_error(&e))?
            .entries
            .is_empty()
    );
    Ok(())
}

/// Upload progress on the terminal: a bar redrawn in place, or (into a log
/// or a pipe) a line each time a photo is a quarter further.
struct Progress {
    terminal: bool,
    sent_by: std::collections::BTreeMap<String, (u64, u64)>,
    printed_quarters: std::collections::BTreeMap<String, u64>,
}

impl Progress {
    fn new(terminal: bool) -> Progress {
        Progress {
            terminal,
            sent_by: Default::default(),
            printed_quarters: Default::default(),
        }
    }

    fn update(&mut self, id: &str, sent: u64, total: u64) {
        self.sent_by.insert(id.to_string(), (sent, total));
        if self.terminal {
            let (done, all) = self
                .sent_by
                .values()
                .fold((0, 0), |(d, a), (s, t)| (d + s, a + t));
            let filled = (done * 40 / all.max(1)).min(40) as usize;
            print!(
                "\r   [{}{}] {:>5.1} %",
                "#".repeat(filled),
                " ".repeat(40 - filled),
                done as f64 * 100.0 / all.max(1) as f64
            );
            let _ = std::io::Write::flush(&mut std::io::stdout());
        } else {
            let quarter = sent * 4 / total.max(1);
            if self.printed_quarters.get(id) != Some(&quarter) {
                self.printed_quarters.insert(id.to_string(), quarter);
                println!(
                    "   photo {}: {} of {} bytes",
                    &id[..id.len().min(8)],
                    sent,
                    total
                );
            }
        }
    }

    fn finish(&self) {
        if self.terminal {
            println!();
        }
    }
}
