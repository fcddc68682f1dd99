//! Sending what the queue holds: each entry resumes where its last attempt
//! stopped (its tus URL is saved as soon as the server creates it) and is
//! deleted once the server holds all of it.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{
    upload, Entry, RetryPolicy, Throttle, Timeouts, TusClient, UploadError, UploadJob, UploadQueue,
    UploadReport,
};

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

/// What a pass over the queue did.
#[derive(Debug, Default)]
pub struct Drained {
    /// Entries the server now holds (deleted from the queue).
    pub uploaded: Vec<(Entry, UploadReport)>,
    /// Entries that stopped with an error; they stay queued.
    pub failed: Vec<(Entry, UploadError)>,
}

/// Sends every queued entry, oldest first. `progress(id, sent, total)` is
/// throttled per entry. A cancel stops at once; what is not done stays.
pub async fn drain(
    queue: &UploadQueue,
    settings: &DrainSettings,
    cancel: &CancellationToken,
    mut progress: impl FnMut(&str, u64, u64),
) -> Result<Drained, UploadError> {
    let mut drained = Drained::default();
    for mut entry in queue.pending()? {
        if cancel.is_cancelled() {
            break;
        }
        let client = match TusClient::new(
            entry.endpoint.clone(),
            entry.token.as_deref(),
            settings.timeouts,
        ) {
            Ok(client) => client,
            Err(e) => {
                drained.failed.push((entry, e));
                continue;
            }
        };
        let job = UploadJob {
            data: queue.photo(&entry.id)?,
            metadata: entry.metadata.clone(),
            resume: entry.resume.clone(),
            chunk_size: settings.chunk_size,
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
        saved?;
        match result {
            Ok(report) => {
                queue.remove(&entry.id)?;
                drained.uploaded.push((entry, report));
            }
            Err(UploadError::Cancelled) => {
                drained.failed.push((entry, UploadError::Cancelled));
                break;
            }
            Err(e) => drained.failed.push((entry, e)),
        }
    }
    Ok(drained)
}
