//! One photo's whole upload: create (or resume) the tus upload, send its
//! chunks, and after a cut ask the server how much it holds and go on from
//! there, retrying transient failures with exponential backoff and jitter.

use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use url::Url;

use super::tus::{Capabilities, Remote, TusClient};
use super::UploadError;

/// How failures are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Consecutive failed attempts (without progress in between) after
    /// which the upload stops; it stays queued for later.
    pub max_attempts: u32,
    /// Wait before the first retry; doubles with each further failure.
    pub first_delay: Duration,
    /// Longest wait between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
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
/// holds every byte.
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
    let mut failures = 0u32;
    let mut bytes_sent = 0u64;
    let mut resume = job.resume.clone();
    loop {
        if cancel.is_cancelled() {
            return Err(UploadError::Cancelled);
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
                Some(url) => client.offset(url).await?,
                None => None,
            };
            let mut current = match known {
                Some(r) => r,
                None => new_upload(client, job, total, &mut created).await?,
            };
            resume = Some(current.url.clone());
            progress.update(current.offset, total);
            while current.offset < total {
                if cancel.is_cancelled() {
                    return Err(UploadError::Cancelled);
                }
                let end = (current.offset + chunk_size).min(total);
                let chunk = job.data[current.offset as usize..end as usize].to_vec();
                bytes_sent += chunk.len() as u64;
                let result = client
                    .patch(&current.url, current.offset, chunk, checksum)
                    .await;
                // After a failure the next round resumes from the server's count.
                let offset = result?;
                if offset <= current.offset || offset > total {
                    return Err(UploadError::Incompatible(format!(
                        "offset went from {} to {offset}",
                        current.offset
                    )));
                }
                current.offset = offset;
                failures = 0;
                progress.update(offset, total);
            }
            Ok((current, checksum))
        };
        let outcome = tokio::select! {
            _ = cancel.cancelled() => Err(UploadError::Cancelled),
            outcome = step => outcome,
        };
        match outcome {
            Ok((done, checksum)) => {
                return Ok(UploadReport {
                    url: done.url,
                    bytes_sent,
                    sha256: hex(&Sha256::digest(&job.data)),
                    chunks_verified: checksum,
                })
            }
            Err(e) if e.is_transient() => {
                failures += 1;
                if failures >= policy.max_attempts {
                    return Err(e);
                }
                tracing::info!(code = %crate::user_facing::UserFacing::code(&e), failures, "upload retry");
                tokio::select! {
                    _ = cancel.cancelled() => return Err(UploadError::Cancelled),
                    _ = tokio::time::sleep(policy.delay(failures)) => {}
                }
            }
            Err(UploadError::Rejected { status: 409, .. }) if failures < policy.max_attempts => {
                // Offset conflict: the next round asks the server.
                failures += 1;
            }
            Err(e) => return Err(e),
        }
    }
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
            max_attempts: 10,
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
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
