//! Sending what the queue holds: each entry resumes where its last attempt
//! stopped (its tus URL is saved as soon as the server creates it) and is
//! deleted once the server holds all of it — where the gateway can say, once
//! the gateway confirms it holds the photo. One entry's failure or damage
//! never stops the others; every outcome is reported.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{
    upload, Entry, Quarantined, RetryPolicy, Throttle, TusClient, UploadError, UploadJob,
    UploadQueue, UploadReport,
};
use crate::http::Timeouts;

/// How the queue is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrainSettings {
    /// Retries of each upload.
    pub retry: RetryPolicy,
    /// Request timeouts.
    pub timeouts: Timeouts,
    /// Bytes per `PATCH`.
    pub chunk_size: usize,
    /// Least time between two progress reports.
    pub progress_every: Duration,
}

impl Default for DrainSettings {
    fn default() -> Self {
        DrainSettings {
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            chunk_size: 512 * 1024,
            progress_every: Duration::from_millis(100),
        }
    }
}

/// What a pass over the queue did, entry by entry.
#[derive(Debug, Default)]
pub struct Drained {
    /// Entries the server now holds (deleted from the queue).
    pub uploaded: Vec<(Entry, UploadReport)>,
    /// Entries that stopped with an error; they stay queued.
    pub failed: Vec<(Entry, UploadError)>,
    /// Entries set aside as damaged (kept encrypted in `quarantine/`).
    pub quarantined: Vec<Quarantined>,
}

/// Sends every queued entry, oldest first. `progress(id, sent, total)` is
/// throttled per entry. A cancel stops at once; what is not done stays.
/// Fails only when the queue's folder cannot be listed.
pub async fn drain(
    queue: &UploadQueue,
    settings: &DrainSettings,
    cancel: &CancellationToken,
    mut progress: impl FnMut(&str, u64, u64),
) -> Result<Drained, UploadError> {
    let listing = queue.pending()?;
    let mut drained = Drained {
        quarantined: listing.quarantined,
        ..Drained::default()
    };
    for entry in listing.entries {
        if cancel.is_cancelled() {
            break;
        }
        let outcome = send(queue, settings, cancel, entry, &mut progress).await;
        match outcome {
            Outcome::Uploaded(entry, report) => drained.uploaded.push((entry, report)),
            Outcome::Failed(entry, UploadError::Cancelled) => {
                drained.failed.push((entry, UploadError::Cancelled));
                break;
            }
            Outcome::Failed(entry, e) => {
                tracing::info!(code = %crate::user_facing::UserFacing::code(&e), "queued photo not sent this time");
                drained.failed.push((entry, e));
            }
            Outcome::Quarantined(q) => drained.quarantined.push(q),
        }
    }
    Ok(drained)
}

/// How one entry's turn ended.
enum Outcome {
    Uploaded(Entry, UploadReport),
    Failed(Entry, UploadError),
    Quarantined(Quarantined),
}

async fn send(
    queue: &UploadQueue,
    settings: &DrainSettings,
    cancel: &CancellationToken,
    mut entry: Entry,
    progress: &mut impl FnMut(&str, u64, u64),
) -> Outcome {
    let client = match TusClient::new(
        entry.endpoint.clone(),
        entry.token.as_deref(),
        settings.timeouts,
    ) {
        Ok(client) => client,
        Err(e) => return Outcome::Failed(entry, e),
    };
    let data = match queue.photo(&entry.id) {
        Ok(data) => data,
        Err(e) => {
            return match queue.quarantine(&entry.id, entry.slot(), &e) {
                Ok(q) => Outcome::Quarantined(q),
                Err(storage) => Outcome::Failed(entry, storage),
            }
        }
    };
    let job = UploadJob {
        data,
        metadata: entry.metadata.clone(),
        resume: entry.resume.clone(),
        chunk_size: settings.chunk_size,
        receipt: entry.receipt.clone(),
    };
    let id = entry.id.clone();
    let mut saved: Result<(), UploadError> = Ok(());
    let result = {
        let mut throttle = Throttle::new(settings.progress_every, |sent, total| {
            progress(&id, sent, total)
        });
        upload(
            &client,
            &job,
            &settings.retry,
            &mut throttle,
            cancel,
            |url| {
                entry.resume = Some(url.clone());
                saved = queue.save(&entry);
            },
        )
        .await
    };
    match (result, saved) {
        (Ok(report), _) => match queue.remove(&entry.id) {
            Ok(()) => Outcome::Uploaded(entry, report),
            // Sent, but still on the phone: the next drain asks the gateway
            // and removes it without sending it again.
            Err(e) => Outcome::Failed(entry, e),
        },
        (Err(e), Ok(())) => Outcome::Failed(entry, e),
        (Err(_), Err(storage)) => Outcome::Failed(entry, storage),
    }
}
