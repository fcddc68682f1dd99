//! Steps of the phone's filing flow that the demo and `upload` share:
//! checking a slot's photo, location evidence, queueing and sending.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use icp_companion_core::camera::{
    CaptureMode, CaptureSession, CaptureSettings, Frame, LiveStill, PixelFormat, Plane, Rotation,
};
use icp_companion_core::inspect::{AdminPhotoProfile, DocumentProfile, Finding, Outcome};
use icp_companion_core::location::{
    assess, Area, Crs, LocationEvidence, LocationFix, LocationPolicy, LocationPrecision,
    LocationProvider, Verdict,
};
use icp_companion_core::rules::StatementMark;
use icp_companion_core::session::{FilingSession, Inspection, Slot, SlotCheck};
use icp_companion_core::upload::{drain, DrainSettings, UploadQueue};
use image::DynamicImage;
use tokio_util::sync::CancellationToken;

use crate::output::{user_error, Failure, Output};

/// The slot's photo taken through the core's capture session, the CLI
/// standing in for the phone's camera: the image is the still's frame, the
/// session runs the slot's checks on it and encodes it as a live still (so
/// that its upload carries a capture record). Returns the still and its
/// findings.
fn capture_slot(
    check: SlotCheck,
    image: &DynamicImage,
    mark: StatementMark,
) -> Result<(LiveStill, Vec<Finding>), Failure> {
    let mode = match icp_companion_core::session::inspection(check, mark) {
        Inspection::Document { kind, marks } => CaptureMode::Document {
            kind,
            marks,
            profile: DocumentProfile::default(),
        },
        Inspection::AdminPhoto(flow) => CaptureMode::AdminPhoto {
            flow,
            profile: AdminPhotoProfile::default(),
        },
    };
    let rgb = image.to_rgb8();
    let planes = [Plane {
        data: rgb.as_raw(),
        row_stride: rgb.width() * 3,
        pixel_stride: 3,
    }];
    let frame = Frame {
        format: PixelFormat::Rgb8,
        width: rgb.width(),
        height: rgb.height(),
        planes: &planes,
        rotation: Rotation::R0,
        mirrored: false,
    };
    let mut session = CaptureSession::new(mode, CaptureSettings::default());
    let still = session.capture(&frame).map_err(|e| Failure::of(&e))?;
    let findings = still.findings.clone();
    Ok((still.encode_live()?, findings))
}

/// Prints a slot's verdict (text mode); true when nothing failed.
pub fn print_verdict(out: &Output, slot: Slot, findings: &[Finding]) -> bool {
    let failed: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .collect();
    if failed.is_empty() {
        out.say(format!(
            "   {:<24} pass ({} checks) · {}",
            slot.wire_name(),
            findings.len(),
            slot.name_zh()
        ));
    }
    for f in &failed {
        out.say(format!(
            "   {:<24} FAIL {} {} — {}",
            slot.wire_name(),
            f.code,
            f.measure_en(),
            f.message_en
        ));
    }
    failed.is_empty()
}

/// The verdict on a precise WGS-84 fix taken 2 s before `capture_ms`, and
/// the evidence bound to that capture.
pub fn evidence_at(
    (latitude, longitude): (f64, f64),
    accuracy_m: f64,
    capture_ms: i64,
) -> Result<(Verdict, LocationEvidence), Failure> {
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
    let region = Area::shanghai()?;
    let verdict = assess(region, &fix, capture_ms, &policy)?;
    let evidence = LocationEvidence::bind(&verdict, capture_ms, &policy)?;
    Ok((verdict, evidence))
}

/// The app installation id the CLI claims with, kept beside its queue (made
/// on first use), so that a run that was killed claims its order again and
/// finishes its own queue.
pub fn installation_id(queue_dir: &Path) -> Result<String, Failure> {
    let path = queue_dir.join("installation-id");
    match std::fs::read_to_string(&path) {
        Ok(id) => Ok(id.trim().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let id = icp_companion_core::session::new_installation_id()?;
            std::fs::create_dir_all(queue_dir)
                .and_then(|_| std::fs::write(&path, &id))
                .map_err(|e| Failure::io(&path, &e))?;
            Ok(id)
        }
        Err(e) => Err(Failure::io(&path, &e)),
    }
}

/// The slots of `order_id` that `queue` already holds (queued by an earlier
/// run that did not finish).
pub fn queued_slots(queue: &UploadQueue, order_id: &str) -> Result<Vec<Slot>, Failure> {
    let listing = queue.pending()?;
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

/// A photo taken and ready to queue.
#[derive(Clone)]
pub struct Prepared {
    /// Its slot.
    pub slot: Slot,
    /// The live still's upload bytes.
    pub bytes: Vec<u8>,
    /// Whether it passed its checks.
    pub passed: bool,
    /// When the capture session took it, Unix milliseconds.
    pub captured_at_unix_ms: i64,
    /// The location evidence bound to that moment (in-region orders).
    pub evidence: Option<LocationEvidence>,
}

impl Prepared {
    /// `slot`'s photo taken through the capture session (see
    /// [`capture_slot`]) with its findings; located at `at` (WGS-84, its
    /// accuracy) when given, the fix taken just before the capture.
    pub fn take(
        slot: Slot,
        check: SlotCheck,
        image: &DynamicImage,
        mark: StatementMark,
        at: Option<((f64, f64), f64)>,
    ) -> Result<(Prepared, Vec<Finding>, Option<Verdict>), Failure> {
        let (live, findings) = capture_slot(check, image, mark)?;
        let located = at
            .map(|(position, accuracy)| evidence_at(position, accuracy, live.captured_at_unix_ms))
            .transpose()?;
        let (verdict, evidence) = located.unzip();
        let prepared = Prepared {
            slot,
            bytes: live.photo.bytes,
            passed: findings.iter().all(|f| f.outcome != Outcome::Fail),
            captured_at_unix_ms: live.captured_at_unix_ms,
            evidence,
        };
        Ok((prepared, findings, verdict))
    }
}

/// Queues the photos encrypted in `queue`, then sends everything the queue
/// holds with a progress bar (a line per step when the output is not a
/// terminal; nothing with --json).
pub async fn send_photos(
    out: &Output,
    session: &mut FilingSession,
    queue: &UploadQueue,
    photos: &[Prepared],
) -> Result<Sent, Failure> {
    for photo in photos {
        session.queue_photo(
            queue,
            photo.slot,
            &photo.bytes,
            photo.captured_at_unix_ms,
            if photo.passed { "pass" } else { "fail" },
            photo.evidence.as_ref(),
        )?;
        session.upload_started(photo.slot);
    }
    let started = Instant::now();
    let settings = DrainSettings {
        chunk_size: 256 * 1024,
        ..DrainSettings::default()
    };
    let mut bar = Progress::new(!out.json, std::io::stdout().is_terminal());
    let drained = drain(
        queue,
        &settings,
        &CancellationToken::new(),
        |id, sent, total| bar.update(id, sent, total),
    )
    .await?;
    bar.finish();
    for q in &drained.quarantined {
        out.say(format!(
            "   a queued photo ({}) could not be read on this computer and was set aside: {}",
            q.slot.as_deref().unwrap_or("slot unknown"),
            q.reason
        ));
    }
    if let Some((_, e)) = drained.failed.first() {
        let failure = Failure::of(e);
        return Err(Failure {
            text: format!(
                "{} (the photos stay queued; run the same command again to send them)",
                user_error(e)
            ),
            ..failure
        });
    }
    for (entry, _) in &drained.uploaded {
        if let Some(slot) = entry.slot().and_then(Slot::from_wire) {
            session.upload_finished(slot);
        }
    }
    let sent = Sent {
        photos: drained.uploaded.len(),
        bytes: drained.uploaded.iter().map(|(_, r)| r.bytes_sent).sum(),
        ms: started.elapsed().as_secs_f64() * 1e3,
        queue_empty: queue.pending()?.entries.is_empty(),
    };
    out.say(format!(
        "   {} sent ({:.1} MB in {:.0} ms); {}",
        match sent.photos {
            1 => "1 photo".to_string(),
            n => format!("{n} photos"),
        },
        sent.bytes as f64 / 1e6,
        sent.ms,
        if sent.queue_empty {
            "the queue is empty"
        } else {
            "some photos are still queued (run again to send them)"
        }
    ));
    Ok(sent)
}

/// What a drain sent.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Sent {
    /// Photos the gateway now holds.
    pub photos: usize,
    /// Bytes sent.
    pub bytes: u64,
    /// How long it took, ms.
    pub ms: f64,
    /// Nothing is left in the queue.
    pub queue_empty: bool,
}

/// Upload progress on the terminal: a bar redrawn in place, or (into a log
/// or a pipe) a line each time a photo is a quarter further; nothing when
/// not `shown` (JSON output).
struct Progress {
    shown: bool,
    terminal: bool,
    sent_by: std::collections::BTreeMap<String, (u64, u64)>,
    printed_quarters: std::collections::BTreeMap<String, u64>,
}

impl Progress {
    fn new(shown: bool, terminal: bool) -> Progress {
        Progress {
            shown,
            terminal,
            sent_by: Default::default(),
            printed_quarters: Default::default(),
        }
    }

    fn update(&mut self, id: &str, sent: u64, total: u64) {
        self.sent_by.insert(id.to_string(), (sent, total));
        if !self.shown {
            return;
        }
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
        if self.shown && self.terminal {
            println!();
        }
    }
}
