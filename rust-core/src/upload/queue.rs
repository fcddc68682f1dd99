//! The persistent, private upload queue: each photo waits on disk until the
//! gateway confirms it, so uploads survive the app being killed or the
//! phone rebooting. A folder of small files rather than a database: one
//! photo is one file, deleted outright once confirmed (no pages of a
//! database file left holding it), and every update is an atomic rename.
//!
//! Everything is encrypted at rest with XChaCha20-Poly1305 under a key the
//! app keeps in the Android Keystore / iOS Keychain: the photo
//! (`ID.photo`, written once) and its state (`ID.state`: where it goes, the
//! bearer token, the metadata with any location evidence, the tus URL once
//! created). Each file is bound to its id and kind, so files cannot be
//! swapped between entries unnoticed.
//!
//! A damaged entry never blocks the others: it is moved, still encrypted,
//! into `quarantine/` and reported (with its slot where its state can still
//! be read). Files a kill left half-written are removed when the queue is
//! opened. One `UploadQueue` per folder at a time.

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use url::Url;

use super::{Receipt, UploadError};

/// A photo waiting for upload, and where it goes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The queue's id of the entry.
    pub id: String,
    /// The tus endpoint (the order's gateway).
    pub endpoint: Url,
    /// The phone's bearer token for the order.
    pub token: Option<String>,
    /// `Upload-Metadata` (order, slot, sha256, capture time, evidence).
    pub metadata: Vec<(String, String)>,
    /// The upload created at the server, once it exists.
    pub resume: Option<Url>,
    /// Unix seconds when it was queued.
    pub queued_at: u64,
    /// How to ask the gateway whether it holds the photo (absent for plain
    /// tus servers).
    #[serde(default)]
    pub receipt: Option<Receipt>,
}

impl Entry {
    /// The slot the photo fills, from its metadata.
    pub fn slot(&self) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(k, _)| k == "slot")
            .map(|(_, v)| v.as_str())
    }
}

/// An entry set aside because its files cannot be read (damaged, or written
/// with another key); its files are kept, encrypted, in `quarantine/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// The entry's id.
    pub id: String,
    /// The slot it was for, when its state could still be read.
    pub slot: Option<String>,
    /// What was wrong.
    pub reason: String,
}

/// What the queue holds.
#[derive(Debug, Default)]
pub struct Listing {
    /// Readable entries, oldest first.
    pub entries: Vec<Entry>,
    /// Entries set aside as damaged by this listing.
    pub quarantined: Vec<Quarantined>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the token nor the metadata (location evidence) is shown.
        f.debug_struct("Entry")
            .field("id", &self.id)
            .field("endpoint", &self.endpoint.as_str())
            .field("resumable", &self.resume.is_some())
            .finish_non_exhaustive()
    }
}

/// The queue in a folder, with its key.
pub struct UploadQueue {
    dir: PathBuf,
    cipher: XChaCha20Poly1305,
}

const PHOTO: &str = "photo";
const STATE: &str = "state";
const TMP: &str = "tmp";
const QUARANTINE: &str = "quarantine";
/// A small file sealed with the queue's key when the queue is made: opening
/// with another key fails at once instead of quarantining every entry.
const KEY_CHECK: (&str, &str) = ("queue", "key");
const KEY_CHECK_TEXT: &[u8] = b"icp-companion upload queue";

fn storage(e: impl std::fmt::Display) -> UploadError {
    UploadError::storage(e)
}

impl UploadQueue {
    /// Opens (or creates) the queue in `dir` with the app's 32-byte `key`,
    /// removing what a kill left half-written: temporary files, and photos
    /// whose state was never written (their enqueue did not finish).
    pub fn open(dir: &Path, key: &[u8]) -> Result<UploadQueue, UploadError> {
        if key.len() != 32 {
            return Err(UploadError::storage("the queue key must be 32 bytes"));
        }
        std::fs::create_dir_all(dir).map_err(storage)?;
        let queue = UploadQueue {
            dir: dir.to_path_buf(),
            cipher: XChaCha20Poly1305::new_from_slice(key).map_err(storage)?,
        };
        queue.check_key()?;
        queue.remove_leftovers()?;
        Ok(queue)
    }

    /// Seals the key check on a new queue; on an existing one, refuses a key
    /// that does not open it.
    fn check_key(&self) -> Result<(), UploadError> {
        let (id, kind) = KEY_CHECK;
        if !self.path(id, kind).exists() {
            return self.write(id, kind, KEY_CHECK_TEXT);
        }
        match self.read(id, kind) {
            Ok(text) if text == KEY_CHECK_TEXT => Ok(()),
            _ => Err(UploadError::storage(
                "this queue was made with another key (or its key check is damaged)",
            )),
        }
    }

    fn remove_leftovers(&self) -> Result<(), UploadError> {
        for file in std::fs::read_dir(&self.dir).map_err(storage)? {
            let path = file.map_err(storage)?.path();
            let ext = path.extension().and_then(|e| e.to_str());
            let orphan = ext == Some(PHOTO) && !path.with_extension(STATE).exists();
            if ext == Some(TMP) || orphan {
                tracing::info!("upload queue: removing a file left by an interrupted write");
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(storage(e)),
                }
            }
        }
        Ok(())
    }

    /// Queues `data` for `endpoint` with `metadata` (and how to confirm it
    /// arrived, where the gateway can say); returns its entry.
    pub fn enqueue(
        &self,
        endpoint: Url,
        token: Option<String>,
        metadata: Vec<(String, String)>,
        receipt: Option<Receipt>,
        data: &[u8],
    ) -> Result<Entry, UploadError> {
        let id = super::hex(&random::<12>()?);
        let entry = Entry {
            id: id.clone(),
            endpoint,
            token,
            metadata,
            resume: None,
            receipt,
            queued_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
        };
        // The photo first: a state file always has its photo.
        self.write(&id, PHOTO, data)?;
        self.save(&entry)?;
        Ok(entry)
    }

    /// Rewrites an entry's state (e.g. once its upload URL is known).
    pub fn save(&self, entry: &Entry) -> Result<(), UploadError> {
        let json = serde_json::to_vec(entry).map_err(storage)?;
        self.write(&entry.id, STATE, &json)
    }

    /// Every waiting entry, oldest first. An entry whose state cannot be
    /// read (damaged, or another key) is moved to quarantine and reported,
    /// never silently dropped, and never blocks the others.
    pub fn pending(&self) -> Result<Listing, UploadError> {
        let mut listing = Listing::default();
        for file in std::fs::read_dir(&self.dir).map_err(storage)? {
            let path = file.map_err(storage)?.path();
            if path.extension().and_then(|e| e.to_str()) != Some(STATE) {
                continue;
            }
            let Some(id) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let entry = self
                .read(id, STATE)
                .and_then(|json| serde_json::from_slice::<Entry>(&json).map_err(storage));
            match entry {
                Ok(entry) => listing.entries.push(entry),
                Err(e) => listing.quarantined.push(self.quarantine(id, None, &e)?),
            }
        }
        listing
            .entries
            .sort_by(|a, b| (a.queued_at, &a.id).cmp(&(b.queued_at, &b.id)));
        Ok(listing)
    }

    /// Moves entry `id`'s files (as they are, encrypted) into `quarantine/`
    /// and says why; the rest of the queue goes on.
    pub fn quarantine(
        &self,
        id: &str,
        slot: Option<&str>,
        why: &UploadError,
    ) -> Result<Quarantined, UploadError> {
        let folder = self.dir.join(QUARANTINE);
        std::fs::create_dir_all(&folder).map_err(storage)?;
        for kind in [STATE, PHOTO] {
            match std::fs::rename(self.path(id, kind), folder.join(format!("{id}.{kind}"))) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(storage(e)),
            }
        }
        let reason = match why {
            UploadError::Storage { detail } => detail.clone(),
            other => other.to_string(),
        };
        tracing::warn!(
            slot = slot.unwrap_or("unknown"),
            "upload queue: damaged entry quarantined"
        );
        Ok(Quarantined {
            id: id.to_string(),
            slot: slot.map(str::to_string),
            reason,
        })
    }

    /// The photo of entry `id`.
    pub fn photo(&self, id: &str) -> Result<Vec<u8>, UploadError> {
        self.read(id, PHOTO)
    }

    /// Deletes entry `id` once the server confirmed it (state first, so a
    /// crash in between leaves an orphan photo, which `open` does not show).
    pub fn remove(&self, id: &str) -> Result<(), UploadError> {
        for kind in [STATE, PHOTO] {
            match std::fs::remove_file(self.path(id, kind)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(storage(e)),
            }
        }
        Ok(())
    }

    fn path(&self, id: &str, kind: &str) -> PathBuf {
        self.dir.join(format!("{id}.{kind}"))
    }

    /// Encrypts `plain` into `ID.KIND`: nonce ‖ ciphertext, bound to the id
    /// and kind, written to a temporary file and renamed into place.
    fn write(&self, id: &str, kind: &str, plain: &[u8]) -> Result<(), UploadError> {
        let nonce = random::<24>()?;
        let aad = format!("{id}.{kind}");
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| UploadError::storage("encryption failed"))?;
        let tmp = self.path(id, &format!("{kind}.{TMP}"));
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        std::fs::write(&tmp, &bytes).map_err(storage)?;
        std::fs::rename(&tmp, self.path(id, kind)).map_err(storage)
    }

    fn read(&self, id: &str, kind: &str) -> Result<Vec<u8>, UploadError> {
        let bytes = std::fs::read(self.path(id, kind)).map_err(storage)?;
        if bytes.len() < 24 {
            return Err(UploadError::storage(format!("{id}.{kind} is damaged")));
        }
        let aad = format!("{id}.{kind}");
        self.cipher
            .decrypt(
                XNonce::from_slice(&bytes[..24]),
                Payload {
                    msg: &bytes[24..],
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| {
                UploadError::storage(format!(
                    "{id}.{kind} cannot be decrypted (another key, or damaged)"
                ))
            })
    }
}

fn random<const N: usize>() -> Result<[u8; N], UploadError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(storage)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "icp-queue-{tag}-{}",
            super::super::hex(&random::<6>().unwrap())
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn entries_survive_reopening_encrypted_and_go_once_removed() {
        let d = dir("reopen");
        let key = [9u8; 32];
        let endpoint = Url::parse("https://gw.example.cn/files").unwrap();
        let q = UploadQueue::open(&d, &key).unwrap();
        let photo = b"JPEG bytes with a face and 31.2304,121.4737".to_vec();
        let meta = vec![("slot".to_string(), "admin_photo".to_string())];
        let mut entry = q
            .enqueue(endpoint.clone(), Some("tok".into()), meta, None, &photo)
            .unwrap();
        entry.resume = Some(Url::parse("https://gw.example.cn/files/abc").unwrap());
        q.save(&entry).unwrap();
        // Nothing readable on disk: neither the photo nor the token.
        for file in std::fs::read_dir(&d).unwrap() {
            let bytes = std::fs::read(file.unwrap().path()).unwrap();
            assert!(!bytes.windows(4).any(|w| w == b"JPEG" || w == b"tok\""));
            assert!(!bytes.windows(7).any(|w| w == b"31.2304"));
        }
        assert!(!format!("{entry:?}").contains("tok"));
        // Another process with the same key sees it as it was.
        let again = UploadQueue::open(&d, &key).unwrap();
        assert_eq!(again.pending().unwrap().entries, vec![entry.clone()]);
        assert_eq!(again.photo(&entry.id).unwrap(), photo);
        // Another key cannot open it, and says so (nothing is quarantined).
        assert!(matches!(
            UploadQueue::open(&d, &[1u8; 32]),
            Err(UploadError::Storage { .. })
        ));
        assert!(UploadQueue::open(&d, &[1u8; 16]).is_err());
        assert_eq!(again.pending().unwrap().entries, vec![entry.clone()]);
        again.remove(&entry.id).unwrap();
        assert!(again.pending().unwrap().entries.is_empty());
        // Only the key check is left.
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 1);
    }

    #[test]
    fn tampered_or_swapped_files_are_refused() {
        let d = dir("tamper");
        let q = UploadQueue::open(&d, &[3u8; 32]).unwrap();
        let endpoint = Url::parse("https://gw.example.cn/files").unwrap();
        let a = q
            .enqueue(endpoint.clone(), None, vec![], None, b"first photo")
            .unwrap();
        let b = q
            .enqueue(endpoint, None, vec![], None, b"second photo")
            .unwrap();
        // Swapping two photos is detected (each is bound to its id).
        std::fs::copy(q.path(&a.id, PHOTO), q.path(&b.id, PHOTO)).unwrap();
        assert!(matches!(q.photo(&b.id), Err(UploadError::Storage { .. })));
        // A flipped bit too.
        let path = q.path(&a.id, PHOTO);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(matches!(q.photo(&a.id), Err(UploadError::Storage { .. })));
        std::fs::write(&path, b"short").unwrap();
        assert!(matches!(q.photo(&a.id), Err(UploadError::Storage { .. })));
    }

    #[test]
    fn a_damaged_entry_is_quarantined_and_the_others_stay() {
        let d = dir("quarantine");
        let q = UploadQueue::open(&d, &[4u8; 32]).unwrap();
        let endpoint = Url::parse("https://gw.example.cn/files").unwrap();
        let slot = |s: &str| vec![("slot".to_string(), s.to_string())];
        let good = q
            .enqueue(endpoint.clone(), None, slot("owner_id"), None, b"a")
            .unwrap();
        let bad = q
            .enqueue(endpoint, None, slot("admin_photo"), None, b"b")
            .unwrap();
        let path = q.path(&bad.id, STATE);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[30] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        let listing = q.pending().unwrap();
        assert_eq!(listing.entries, vec![good.clone()]);
        assert_eq!(listing.quarantined.len(), 1);
        assert_eq!(listing.quarantined[0].id, bad.id);
        // Kept, encrypted, out of the way; the next listing is clean.
        assert!(d
            .join(QUARANTINE)
            .join(format!("{}.photo", bad.id))
            .exists());
        let again = q.pending().unwrap();
        assert_eq!(again.entries, vec![good.clone()]);
        assert!(again.quarantined.is_empty());
        // A damaged photo is set aside with its slot, which the state still knows.
        let set_aside = q
            .quarantine(&good.id, good.slot(), &UploadError::storage("damaged"))
            .unwrap();
        assert_eq!(set_aside.slot.as_deref(), Some("owner_id"));
        assert!(q.pending().unwrap().entries.is_empty());
    }

    #[test]
    fn leftovers_of_an_interrupted_enqueue_are_removed_at_open() {
        let d = dir("leftovers");
        let key = [5u8; 32];
        let q = UploadQueue::open(&d, &key).unwrap();
        let endpoint = Url::parse("https://gw.example.cn/files").unwrap();
        let kept = q.enqueue(endpoint, None, vec![], None, b"kept").unwrap();
        // A kill mid-write leaves a temporary file; one between the photo and
        // its state leaves a photo without state.
        std::fs::write(d.join("0123.photo.tmp"), b"half").unwrap();
        std::fs::write(d.join("4567.photo"), b"orphan").unwrap();
        let reopened = UploadQueue::open(&d, &key).unwrap();
        assert!(!d.join("0123.photo.tmp").exists() && !d.join("4567.photo").exists());
        assert_eq!(reopened.pending().unwrap().entries, vec![kept.clone()]);
        assert_eq!(reopened.photo(&kept.id).unwrap(), b"kept");
    }
}
