//! The filing session, the encrypted upload queue and its progress, as FFI
//! objects with async methods (Kotlin `suspend`, Swift `async`).

use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use icp_companion_core::http::Timeouts;
use icp_companion_core::location::LocationEvidence;
use icp_companion_core::order::VerifiedOrder;
use icp_companion_core::session::{OrderView, SessionState, Slot};
use icp_companion_core::upload::DrainSettings;
use icp_companion_core::user_facing::UserFacing;

use super::errors::Common;
use super::{SessionError, UploadError};

/// A claimed order (see `claimOrder`).
#[derive(uniffi::Object)]
pub struct FilingSession(tokio::sync::Mutex<icp_companion_core::session::FilingSession>);

/// Claims the order of a verified QR code at its gateway with the code's
/// one-time token, for this app installation (`installation_id`: a random
/// id of 8–128 visible ASCII characters the app makes once and keeps in
/// private storage, e.g. from `generateInstallationId`). Claiming again from
/// the same installation while the code is valid returns the same session,
/// so a lost answer or a killed app loses nothing.
#[uniffi::export(async_runtime = "tokio")]
pub async fn claim_order(
    order: VerifiedOrder,
    installation_id: String,
) -> Result<Arc<FilingSession>, SessionError> {
    let session = icp_companion_core::session::FilingSession::claim(
        order,
        &installation_id,
        Timeouts::default(),
    )
    .await?;
    Ok(Arc::new(FilingSession(tokio::sync::Mutex::new(session))))
}

/// A new random installation id (32 hex digits) for `claimOrder`: make it
/// once, keep it in the app's private storage.
#[uniffi::export]
pub fn generate_installation_id() -> Result<String, SessionError> {
    Ok(icp_companion_core::session::new_installation_id()?)
}

#[uniffi::export(async_runtime = "tokio")]
impl FilingSession {
    /// The order as the gateway last described it.
    pub async fn view(&self) -> OrderView {
        self.0.lock().await.view().clone()
    }

    /// Where the session stands.
    pub async fn state(&self) -> SessionState {
        self.0.lock().await.state()
    }

    /// Required slots the gateway does not hold yet.
    pub async fn missing(&self) -> Vec<Slot> {
        self.0.lock().await.missing()
    }

    /// Required slots still to photograph (not at the gateway, not queued).
    pub async fn to_take(&self) -> Vec<Slot> {
        self.0.lock().await.to_take()
    }

    /// Asks the gateway where the order stands.
    pub async fn refresh(&self) -> Result<OrderView, SessionError> {
        Ok(self.0.lock().await.refresh().await?.clone())
    }

    /// Submits the order once every required photo is at the gateway.
    pub async fn submit(&self) -> Result<OrderView, SessionError> {
        Ok(self.0.lock().await.submit().await?.clone())
    }
}

/// Receives upload progress, at most every 100 ms per photo and at its end.
#[uniffi::export(with_foreign)]
pub trait UploadProgress: Send + Sync {
    /// `sent` of `total` bytes of queue entry `entry_id` are at the server.
    fn progress(&self, entry_id: String, sent: u64, total: u64);
}

/// An entry that stopped, and why; it stays queued.
#[derive(Debug, Clone, uniffi::Record)]
pub struct QueueFailure {
    /// The queue entry.
    pub entry_id: String,
    /// Stable code, e.g. `upload.unauthorized`.
    pub code: String,
    /// English message.
    pub message_en: String,
    /// Simplified Chinese message.
    pub message_zh: String,
    /// Whether the next drain may send it (a cut, a busy server).
    pub transient: bool,
}

/// An entry set aside because it cannot be read on the phone (damaged);
/// take that photo again.
#[derive(Debug, Clone, uniffi::Record)]
pub struct QueueQuarantined {
    /// The queue entry.
    pub entry_id: String,
    /// The slot's wire name, when it could still be read.
    pub slot: Option<String>,
}

/// What a pass over the queue did.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DrainSummary {
    /// Entries the server now holds (deleted from the phone).
    pub uploaded: Vec<String>,
    /// Entries that stopped with an error (still queued).
    pub failed: Vec<QueueFailure>,
    /// Entries set aside as damaged (their photos must be taken again).
    pub quarantined: Vec<QueueQuarantined>,
}

/// Why a photo could not be queued: the session refused it (e.g. in-region
/// evidence missing: `session.location_required`) or the queue could not
/// store it (`upload.storage`).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum QueueError {
    /// The session refused the photo (`session.*`).
    #[error("{message_en}")]
    Refused {
        /// Stable machine-readable code.
        code: String,
        /// English message.
        message_en: String,
        /// Simplified Chinese message.
        message_zh: String,
        /// Whether trying again later may succeed.
        transient: bool,
        /// The technical cause, for logs.
        detail: Option<String>,
    },
    /// The queue could not store it (`upload.*`).
    #[error("{message_en}")]
    Storage {
        /// Stable machine-readable code.
        code: String,
        /// English message.
        message_en: String,
        /// Simplified Chinese message.
        message_zh: String,
        /// Whether trying again later may succeed.
        transient: bool,
        /// The technical cause, for logs.
        detail: Option<String>,
    },
}

impl From<icp_companion_core::session::QueueError> for QueueError {
    fn from(e: icp_companion_core::session::QueueError) -> Self {
        let Common {
            code,
            message_en,
            message_zh,
            transient,
            detail,
        } = Common::of(&e);
        match e {
            icp_companion_core::session::QueueError::Refused(_) => QueueError::Refused {
                code,
                message_en,
                message_zh,
                transient,
                detail,
            },
            icp_companion_core::session::QueueError::Storage(_) => QueueError::Storage {
                code,
                message_en,
                message_zh,
                transient,
                detail,
            },
        }
    }
}

/// The persistent, encrypted upload queue in an app-private folder.
#[derive(uniffi::Object)]
pub struct UploadQueue {
    queue: icp_companion_core::upload::UploadQueue,
    cancel: Mutex<CancellationToken>,
}

#[uniffi::export(async_runtime = "tokio")]
impl UploadQueue {
    /// Opens (or creates) the queue in `dir` with the app's 32-byte `key`
    /// (kept in the Android Keystore / iOS Keychain).
    #[uniffi::constructor]
    pub fn new(dir: String, key: Vec<u8>) -> Result<Arc<Self>, UploadError> {
        Ok(Arc::new(UploadQueue {
            queue: icp_companion_core::upload::UploadQueue::open(std::path::Path::new(&dir), &key)?,
            cancel: Mutex::new(CancellationToken::new()),
        }))
    }

    /// Queues `photo` (already checked and normalised) for `slot` of the
    /// session's order, with its capture time, the checks' summary and the
    /// location evidence (required, judged inside, for in-region orders).
    /// Returns the entry id.
    pub async fn enqueue(
        &self,
        session: Arc<FilingSession>,
        slot: Slot,
        photo: Vec<u8>,
        captured_at_unix_ms: i64,
        checks: String,
        location: Option<LocationEvidence>,
    ) -> Result<String, QueueError> {
        let entry = session.0.lock().await.queue_photo(
            &self.queue,
            slot,
            &photo,
            captured_at_unix_ms,
            &checks,
            location.as_ref(),
        )?;
        Ok(entry.id)
    }

    /// Entries waiting.
    pub fn pending_count(&self) -> Result<u32, UploadError> {
        Ok(self.queue.pending()?.entries.len() as u32)
    }

    /// Sends every waiting entry (resuming where each stopped), reporting
    /// progress; `cancel` stops it promptly, keeping what is not done.
    pub async fn drain(
        &self,
        progress: Arc<dyn UploadProgress>,
    ) -> Result<DrainSummary, UploadError> {
        let cancel = {
            let mut current = self.cancel.lock().expect("cancel lock");
            if current.is_cancelled() {
                *current = CancellationToken::new();
            }
            current.clone()
        };
        let drained = icp_companion_core::upload::drain(
            &self.queue,
            &DrainSettings::default(),
            &cancel,
            |id, sent, total| progress.progress(id.to_string(), sent, total),
        )
        .await?;
        Ok(DrainSummary {
            uploaded: drained.uploaded.into_iter().map(|(e, _)| e.id).collect(),
            failed: drained
                .failed
                .into_iter()
                .map(|(e, error)| QueueFailure {
                    entry_id: e.id,
                    code: error.code().to_string(),
                    message_en: error.message_en(),
                    message_zh: error.message_zh(),
                    transient: error.is_transient(),
                })
                .collect(),
            quarantined: drained
                .quarantined
                .into_iter()
                .map(|q| QueueQuarantined {
                    entry_id: q.id,
                    slot: q.slot,
                })
                .collect(),
        })
    }

    /// Stops a running `drain` promptly.
    pub fn cancel(&self) {
        self.cancel.lock().expect("cancel lock").cancel();
    }
}
