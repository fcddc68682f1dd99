//! Which photos came from the core's live capture: a still is encoded for
//! upload here, and the sha256 of the bytes is remembered with the moment
//! it was taken. The filing session asks this ledger when a photo is
//! queued; a photo picked from storage is not in it, so it gets no capture
//! record and the gateway can tell.

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use super::session::Still;
use crate::imaging::{encode_for_upload, ImageInputError, NormalisedImage};

/// How many recent stills the ledger remembers; a still queued after this
/// many later captures (or after the app restarted) counts as not live.
pub const REMEMBERED_STILLS: usize = 64;

/// The remembered stills: sha256 of the upload bytes and capture time.
static LEDGER: Mutex<VecDeque<([u8; 32], i64)>> = Mutex::new(VecDeque::new());

/// A still encoded for upload, known to the ledger as live.
#[derive(Debug, Clone)]
pub struct LiveStill {
    /// The upright JPEG within the upload limit.
    pub photo: NormalisedImage,
    /// When the capture session took it, Unix milliseconds: the capture
    /// time to queue it with.
    pub captured_at_unix_ms: i64,
}

impl Still {
    /// Encodes the still for upload (as [`encode_for_upload`]) and records
    /// it as taken live at its capture time.
    pub fn encode_live(self) -> Result<LiveStill, ImageInputError> {
        let photo = encode_for_upload(self.image)?;
        let digest: [u8; 32] = Sha256::digest(&photo.bytes).into();
        let mut ledger = LEDGER.lock().unwrap_or_else(PoisonError::into_inner);
        if ledger.len() == REMEMBERED_STILLS {
            ledger.pop_front();
        }
        ledger.push_back((digest, self.captured_at_unix_ms));
        Ok(LiveStill {
            photo,
            captured_at_unix_ms: self.captured_at_unix_ms,
        })
    }
}

/// Every moment the core's capture took `photo` (its upload bytes,
/// unchanged; the same picture may be taken twice), oldest first; empty
/// when it did not (in this app run).
pub fn live_capture_times(photo: &[u8]) -> Vec<i64> {
    let digest: [u8; 32] = Sha256::digest(photo).into();
    let ledger = LEDGER.lock().unwrap_or_else(PoisonError::into_inner);
    ledger
        .iter()
        .filter(|(d, _)| *d == digest)
        .map(|&(_, at)| at)
        .collect()
}
