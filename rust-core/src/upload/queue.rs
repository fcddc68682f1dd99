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

use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use url::Url;

use super::UploadError;

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

fn storage(e: impl std::fmt::Display) -> UploadError {
    UploadError::Storage(e.to_string())
}

impl UploadQueue {
    /// Opens (or creates) the queue in `dir` with the app's 32-byte `key`.
    pub fn open(dir: &Path, key: &[u8]) -> Result<UploadQueue, UploadError> {
        if key.len() != 32 {
            return Err(UploadError::Storage(
                "the queue key must be 32 bytes".into(),
            ));
        }
        std::fs::create_dir_all(dir).map_err(storage)?;
        Ok(UploadQueue {
            dir: dir.to_path_buf(),
            cipher: XChaCha20Poly1305::new_from_slice(key).map_err(storage)?,
        })
    }

    /// Queues `data` for `endpoint` with `metadata`; returns its entry.
    pub fn enqueue(
        &self,
        endpoint: Url,
        token: Option<String>,
        metadata: Vec<(String, String)>,
        data: &[u8],
    ) -> Result<Entry, UploadError> {
        let id = super::hex(&random::<12>()?);
        let entry = Entry {
            id: id.clone(),
            endpoint,
            token,
            metadata,
            resume: None,
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

    /// Every waiting entry, oldest first. Entries that cannot be read
    /// (another key, damaged) are an error, never silently dropped.
    pub fn pending(&self) -> Result<Vec<Entry>, UploadError> {
        let mut entries = Vec::new();
        for file in std::fs::read_dir(&self.dir).map_err(storage)? {
            let path = file.map_err(storage)?.path();
            if path.extension().and_then(|e| e.to_str()) != Some(STATE) {
                continue;
            }
            let Some(id) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let json = self.read(id, STATE)?;
            entries.push(serde_json::from_slice::<Entry>(&json).map_err(storage)?);
        }
        entries.sort_by(|a, b| (a.queued_at, &a.id).cmp(&(b.queued_at, &b.id)));
        Ok(entries)
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
            .map_err(|_| UploadError::Storage("encryption failed".into()))?;
        let tmp = self.path(id, &format!("{kind}.tmp"));
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        std::fs::write(&tmp, &bytes).map_err(storage)?;
        std::fs::rename(&tmp, self.path(id, kind)).map_err(storage)
    }

    fn read(&self, id: &str, kind: &str) -> Result<Vec<u8>, UploadError> {
        let bytes = std::fs::read(self.path(id, kind)).map_err(storage)?;
        if bytes.len() < 24 {
            return Err(UploadError::Storage(format!("{id}.{kind} is damaged")));
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
                UploadError::Storage(format!(
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
            .enqueue(endpoint.clone(), Some("tok".into()), meta, &photo)
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
        assert_eq!(again.pending().unwrap(), vec![entry.clone()]);
        assert_eq!(again.photo(&entry.id).unwrap(), photo);
        // Another key cannot read it, and says so.
        let stranger = UploadQueue::open(&d, &[1u8; 32]).unwrap();
        assert!(matches!(stranger.pending(), Err(UploadError::Storage(_))));
        assert!(UploadQueue::open(&d, &[1u8; 16]).is_err());
        again.remove(&entry.id).unwrap();
        assert!(again.pending().unwrap().is_empty());
        assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
    }

    #[test]
    fn tampered_or_swapped_files_are_refused() {
        let d = dir("tamper");
        let q = UploadQueue::open(&d, &[3u8; 32]).unwrap();
        let endpoint = Url::parse("https://gw.example.cn/files").unwrap();
        let a = q
            .enqueue(endpoint.clone(), None, vec![], b"first photo")
            .unwrap();
        let b = q.enqueue(endpoint, None, vec![], b"second photo").unwrap();
        // Swapping two photos is detected (each is bound to its id).
        std::fs::copy(q.path(&a.id, PHOTO), q.path(&b.id, PHOTO)).unwrap();
        assert!(matches!(q.photo(&b.id), Err(UploadError::Storage(_))));
        // A flipped bit too.
        let path = q.path(&a.id, PHOTO);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert!(matches!(q.photo(&a.id), Err(UploadError::Storage(_))));
        std::fs::write(&path, b"short").unwrap();
        assert!(matches!(q.photo(&a.id), Err(UploadError::Storage(_))));
    }
}
