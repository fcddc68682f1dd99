//! One photo's whole upload: create (or resume) the tus upload, send its
//! chunks, and after a cut ask the server how much it holds and go on from
//! there, retrying transient failures with exponential backoff and jitter.

use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::tus::{Capabilities, Remote, TusClient};
use super::{Receipt, UploadError};
use crate::user_facing::UserFacing;

/// How failures are retried, and how much one photo may cost before the
/// upload stops for now (it stays queued for a later drain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Consecutive failed attempts (without progress in between) after
    /// which the upload stops.
    pub max_attempts: u32,
    /// Attempts in all, progress or not: a connection that fails after
    /// every chunk still ends.
    pub max_rounds: u32,
    /// New uploads created for one photo beyond the first, when the server
    /// forgets one (after the gateway was asked whether it already holds
    /// the photo).
    pub max_restarts: u32,
    /// Bytes sent for one photo at most, as a multiple of its size.
    pub max_resend_factor: u64,
    /// Wait before the first retry; doubles with each further failure.
    pub first_delay: Duration,
    /// Longest wait between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            max_rounds: 32,
            max_restarts: 2,
            max_resend_factor: 3,
            first_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `failures` (1-based): exponential, with
    /// "equal jitter" (half fixed, half random) so that phones cut off by
    /// the same outage do not all come back at once.
    pub fn delay(&self, failures: u32) -> Duration {
        let exponential = self
            .first_delay
            .saturating_mul(1u32 << failures.saturating_sub(1).min(20))
            .min(self.max_delay);
        let mut random = [0u8; 4];
        // Without entropy the wait is simply not jittered.
        let _ = getrandom::fill(&mut random);
        let share = u32::from_le_bytes(random) as f64 / u32::MAX as f64;
        exponential.mul_f64(0.5 + 0.5 * share)
    }
}

/// What to upload and how.
#[derive(Debug, Clone)]
pub struct UploadJob {
    /// The photo's bytes, as they will be stored.
    pub data: Vec<u8>,
    /// `Upload-Metadata` pairs (order id, slot, sha256, ...).
    pub metadata: Vec<(String, String)>,
    /// The upload created by an earlier attempt, to resume.
    pub resume: Option<Url>,
    /// Bytes per `PATCH`: what a cut may cost at most.
    pub chunk_size: usize,
    /// How to ask the gateway whether it already holds the photo, where it
    /// can say (the development gateway and production gateways; a plain
    /// tus server cannot).
    pub receipt: Option<Receipt>,
}

/// How an upload went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadReport {
    /// The finished upload's URL.
    pub url: Url,
    /// Bytes put into `PATCH` bodies, resent ones included.
    pub bytes_sent: u64,
    /// The photo's sha256, hex.
    pub sha256: String,
    /// Whether each chunk's sha256 was verified by the server.
    pub chunks_verified: bool,
    /// The gateway confirmed it holds the photo (its receipt); `false` where
    /// only the tus server's offset says so.
    pub confirmed: bool,
}

/// Hands progress to the app at most every `every`, and always at the end.
pub struct Throttle<F: FnMut(u64, u64)> {
    report: F,
    every: Duration,
    last: Option<Instant>,
}

impl<F: FnMut(u64, u64)> Throttle<F> {
    /// Calls `report(sent, total)` at most once per `every`.
    pub fn new(every: Duration, report: F) -> Self {
        Throttle {
            report,
            every,
            last: None,
        }
    }

    fn update(&mut self, sent: u64, total: u64) {
        let due = self.last.is_none_or(|t| t.elapsed() >= self.every);
        if due || sent == total {
            self.last = Some(Instant::now());
            (self.report)(sent, total);
        }
    }
}

/// Uploads `job` through `client`, first asking what the server offers.
/// `created` is told the upload's URL as soon as the server creates it (the
/// queue stores it, to resume after a restart). Returns when the server
/// holds every byte and, where the job has a receipt, the gateway confirms
/// it holds the photo. An upload the server no longer knows is not sent
/// again when the gateway already holds the photo; rounds, new uploads and
/// bytes sent are bounded by `policy`.
pub async fn upload<F: FnMut(u64, u64)>(
    client: &TusClient,
    job: &UploadJob,
    policy: &RetryPolicy,
    progress: &mut Throttle<F>,
    cancel: &CancellationToken,
    mut created: impl FnMut(&Url),
) -> Result<UploadReport, UploadError> {
    let total = job.data.len() as u64;
    let mut capabilities: Option<Capabilities> = None;
    let chunk_size = job.chunk_size.max(1) as u64;
    let byte_budget = total.saturating_mul(policy.max_resend_factor) + chunk_size;
    let (mut failures, mut rounds, mut restarts) = (0u32, 0u32, 0u32);
    let mut bytes_sent = 0u64;
    let mut resume = job.resume.clone();
    loop {
        if cancel.is_cancelled() {
            return Err(UploadError::Cancelled);
        }
        rounds += 1;
        let gave_up = |bytes_sent| UploadError::GaveUp { rounds, bytes_sent };
        if rounds > policy.max_rounds {
            return Err(gave_up(bytes_sent));
        }
        let step = async {
            let offered = match &capabilities {
                Some(c) => c.clone(),
                None => {
                    let c = client.capabilities().await?;
                    capabilities = Some(c.clone());
                    c
                }
            };
            if let Some(max) = offered.max_size.filter(|&max| total > max) {
                return Err(UploadError::TooLarge { size: total, max });
            }
            let checksum = offered.verifies_sha256();
            // Where the server stands: a fresh upload, or the one to resume.
            let known = match &resume {
                Some(url) => client.offset(url, total).await?,
                None => None,
            };
            let mut current = match known {
                Some(remote) => remote,
                None => {
                    // Sent before (this run or an earlier, killed one) and
                    // forgotten by the tus server: the gateway may hold it.
                    let sent_before = resume.is_some() || restarts > 0 || bytes_sent > 0;
                    if sent_before && holds(client, job).await? {
                        return Ok(Step::AlreadyHeld);
                    }
                    if sent_before {
                        if restarts >= policy.max_restarts {
                            return Err(gave_up(bytes_sent));
                        }
                        restarts += 1;
                    }
                    new_upload(client, job, total, &mut created).await?
                }
            };
            resume = Some(current.url.clone());
            progress.update(current.offset, total);
            while current.offset < total {
                if cancel.is_cancelled() {
                    return Err(UploadError::Cancelled);
                }
                let end = (current.offset + chunk_size).min(total);
                if bytes_sent + (end - current.offset) > byte_budget {
                    return Err(gave_up(bytes_sent));
                }
                let chunk = job.data[current.offset as usize..end as usize].to_vec();
                bytes_sent += chunk.len() as u64;
                let result = client
                    .patch(&current.url, current.offset, chunk, checksum)
                    .await;
                // After a failure the next round resumes from the server's count.
                let offset = result?;
                if offset <= current.offset || offset > total {
                    return Err(UploadError::incompatible(format!(
                        "offset went from {} to {offset}",
                        current.offset
                    )));
                }
                current.offset = offset;
                failures = 0;
                progress.update(offset, total);
            }
            match &job.receipt {
                None => Ok(Step::Done(current, checksum, false)),
                Some(_) if holds(client, job).await? => Ok(Step::Done(current, checksum, true)),
                // Every byte is at the tus server and the gateway does not
                // hold the photo: it refused the file; send it anew.
                Some(_) => {
                    resume = None;
                    Err(UploadError::NotConfirmed)
                }
            }
        };
        let outcome = tokio::select! {
            _ = cancel.cancelled() => Err(UploadError::Cancelled),
            outcome = step => outcome,
        };
        let sha256 = || hex(&Sha256::digest(&job.data));
        match outcome {
            Ok(Step::Done(done, checksum, confirmed)) => {
                tracing::info!(
                    bytes = job.data.len(),
                    bytes_sent,
                    rounds,
                    confirmed,
                    "upload finished"
                );
                return Ok(UploadReport {
                    url: done.url,
                    bytes_sent,
                    sha256: sha256(),
                    chunks_verified: checksum,
                    confirmed,
                });
            }
            Ok(Step::AlreadyHeld) => {
                tracing::info!("upload already held by the gateway; not sent again");
                return Ok(UploadReport {
                    url: resume.clone().unwrap_or_else(|| client.endpoint().clone()),
                    bytes_sent,
                    sha256: sha256(),
                    chunks_verified: false,
                    confirmed: true,
                });
            }
            Err(e @ UploadError::GaveUp { .. }) => return Err(e),
            Err(e)
                if e.is_transient() || matches!(e, UploadError::Rejected { status: 409, .. }) =>
            {
                // A 409 is an offset conflict: the next round asks the server.
                failures += 1;
                if failures >= policy.max_attempts {
                    return Err(e);
                }
                let wait = policy.delay(failures);
                tracing::info!(
                    code = e.code(),
                    failures,
                    rounds,
                    wait_ms = wait.as_millis() as u64,
                    "upload retry"
                );
                tokio::select! {
                    _ = cancel.cancelled() => return Err(UploadError::Cancelled),
                    _ = tokio::time::sleep(wait) => {}
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// How one round of [`upload`] ended well.
enum Step {
    /// Every byte at the server (and, with a receipt, the gateway holds it):
    /// the upload, whether chunks were checksummed, whether confirmed.
    Done(Remote, bool, bool),
    /// The server forgot the upload but the gateway already holds the photo.
    AlreadyHeld,
}

/// Whether the gateway holds the job's photo; without a receipt, unknown
/// (so: no). A gateway that verifies a moment after the last byte gets a
/// few short polls.
async fn holds(client: &TusClient, job: &UploadJob) -> Result<bool, UploadError> {
    let Some(receipt) = &job.receipt else {
        return Ok(false);
    };
    for wait_ms in [0u64, 100, 400] {
        tokio::time::sleep(Duration::from_millis(wait_ms)).await;
        if client.holds(receipt).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

async fn new_upload(
    client: &TusClient,
    job: &UploadJob,
    total: u64,
    created: &mut impl FnMut(&Url),
) -> Result<Remote, UploadError> {
    let remote = client.create(total, &job.metadata).await?;
    created(&remote.url);
    Ok(remote)
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let policy = RetryPolicy {
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        for (failures, full) in [
            (1, 100),
            (2, 200),
            (3, 400),
            (4, 800),
            (5, 1000),
            (30, 1000),
        ] {
            let d = policy.delay(failures).as_millis();
            assert!(d >= full / 2 && d <= full, "retry {failures}: {d} ms");
        }
        let waits: Vec<Duration> = (0..8).map(|_| policy.delay(3)).collect();
        assert!(waits.iter().any(|w| *w != waits[0]), "jittered: {waits:?}");
    }

    #[test]
    fn progress_is_throttled_but_the_end_always_reported() {
        let mut seen = Vec::new();
        {
            let mut throttle = Throttle::new(Duration::from_secs(3600), |s, t| seen.push((s, t)));
            for sent in (0..=1000).step_by(10) {
                throttle.update(sent, 1000);
            }
        }
        assert_eq!(seen, vec![(0, 1000), (1000, 1000)]);
    }
}
