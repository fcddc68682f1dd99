//! Capture provenance: the record a photo from the core's live capture
//! carries, authenticated with the capture session's key the gateway
//! handed out at claim (HMAC-SHA256). A photo picked from storage has no
//! record; the gateway can tell, and refuses it where the order needs live
//! photos.

use data_encoding::{BASE64, HEXLOWER};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::Slot;

/// The upload-metadata key the record travels under.
pub const METADATA_KEY: &str = "capture";
/// Bytes of a capture session key.
pub const KEY_BYTES: usize = 32;
/// What the MAC's message starts with: the record's format and version.
const DOMAIN: &str = "icp-capture-record/1";

/// The capture session a claim grants: its id, its key and until when
/// photos captured under it count.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureGrant {
    /// Names the session in records.
    pub session: String,
    /// The HMAC-SHA256 key, base64 (32 bytes).
    pub key: String,
    /// Photos captured after this Unix second no longer count.
    pub expires_at: u64,
}

impl std::fmt::Debug for CaptureGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureGrant")
            .field("session", &self.session)
            .field("key", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl CaptureGrant {
    /// The key's bytes, when it is 32 bytes of base64.
    pub fn key_bytes(&self) -> Option<[u8; KEY_BYTES]> {
        BASE64.decode(self.key.as_bytes()).ok()?.try_into().ok()
    }
}

/// What a record vouches for: this photo was produced by the core's live
/// capture at this moment, for this slot of this order, under this session,
/// with this location evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureClaim {
    /// The capture session's id.
    pub session: String,
    /// The order's id.
    pub order: String,
    /// The slot.
    pub slot: Slot,
    /// Hex sha256 of the uploaded photo's bytes.
    pub photo_sha256: String,
    /// When the photo was taken, Unix milliseconds.
    pub captured_at_unix_ms: i64,
    /// Hex sha256 of the location evidence JSON sent with it, if any.
    pub location_sha256: Option<String>,
}

/// A claim with its MAC, and room for a platform attestation token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureRecord {
    /// What is vouched for.
    #[serde(flatten)]
    pub claim: CaptureClaim,
    /// Hex HMAC-SHA256 of the claim under the session key.
    pub mac: String,
    /// A platform attestation token (Play Integrity, App Attest) binding
    /// the MAC as its nonce; none here (see `docs/gateway-api.md`).
    #[serde(default)]
    pub attestation: Option<String>,
}

/// Why a record does not vouch for an upload; each has a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProvenanceProblem {
    /// No record where the order needs live photos.
    NotLive,
    /// The record does not parse.
    Malformed,
    /// The record names a session the gateway never granted.
    UnknownSession,
    /// The MAC does not match the record under its session's key.
    Tampered,
    /// The record is for another order.
    WrongOrder,
    /// The record's session belongs to another order's claim.
    WrongSession,
    /// The photo was captured after its session expired.
    SessionExpired,
    /// The record is for another photo (sha256), slot, capture time or
    /// location evidence than the upload's.
    WrongPhoto,
}

impl ProvenanceProblem {
    /// The stable code the gateway answers with.
    pub fn code(self) -> &'static str {
        match self {
            ProvenanceProblem::NotLive => "provenance.not_live",
            ProvenanceProblem::Malformed => "provenance.malformed",
            ProvenanceProblem::UnknownSession => "provenance.unknown_session",
            ProvenanceProblem::Tampered => "provenance.tampered",
            ProvenanceProblem::WrongOrder => "provenance.wrong_order",
            ProvenanceProblem::WrongSession => "provenance.wrong_session",
            ProvenanceProblem::SessionExpired => "provenance.session_expired",
            ProvenanceProblem::WrongPhoto => "provenance.wrong_photo",
        }
    }

    /// Every problem, for documentation and tests.
    pub const ALL: [ProvenanceProblem; 8] = [
        ProvenanceProblem::NotLive,
        ProvenanceProblem::Malformed,
        ProvenanceProblem::UnknownSession,
        ProvenanceProblem::Tampered,
        ProvenanceProblem::WrongOrder,
        ProvenanceProblem::WrongSession,
        ProvenanceProblem::SessionExpired,
        ProvenanceProblem::WrongPhoto,
    ];
}

impl CaptureClaim {
    /// The bytes the MAC covers: each field on its own line after the
    /// format's name (no field can contain a newline: ids, hex, numbers).
    fn message(&self) -> String {
        format!(
            "{DOMAIN}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.session,
            self.order,
            self.slot.wire_name(),
            self.photo_sha256,
            self.captured_at_unix_ms,
            self.location_sha256.as_deref().unwrap_or("-"),
        )
    }

    fn mac(&self, key: &[u8; KEY_BYTES]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(self.message().as_bytes());
        mac
    }

    /// The record of this claim under `key`.
    pub fn sign(self, key: &[u8; KEY_BYTES]) -> CaptureRecord {
        let mac = HEXLOWER.encode(&self.mac(key).finalize().into_bytes());
        CaptureRecord {
            claim: self,
            mac,
            attestation: None,
        }
    }
}

impl CaptureRecord {
    /// Whether the MAC is the claim's under `key` (compared in constant time).
    pub fn verify(&self, key: &[u8; KEY_BYTES]) -> bool {
        match HEXLOWER.decode(self.mac.as_bytes()) {
            Ok(tag) => self.claim.mac(key).verify_slice(&tag).is_ok(),
            Err(_) => false,
        }
    }

    /// The record as compact JSON, for upload metadata.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("strings and numbers serialise")
    }

    /// Reads a record from upload metadata.
    pub fn from_json(text: &str) -> Result<CaptureRecord, ProvenanceProblem> {
        serde_json::from_str(text).map_err(|_| ProvenanceProblem::Malformed)
    }
}

/// Hex sha256 of `bytes`: how photos and evidence are named in records.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    HEXLOWER.encode(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim() -> CaptureClaim {
        CaptureClaim {
            session: "s1".into(),
            order: "ICP-1".into(),
            slot: Slot::AdminPhoto,
            photo_sha256: sha256_hex(b"photo"),
            captured_at_unix_ms: 1_764_000_000_000,
            location_sha256: None,
        }
    }

    #[test]
    fn a_record_verifies_under_its_key_only_and_any_changed_field_breaks_it() {
        let key = [7u8; KEY_BYTES];
        let record = claim().sign(&key);
        assert!(record.verify(&key));
        assert!(!record.verify(&[8u8; KEY_BYTES]));
        let parsed = CaptureRecord::from_json(&record.to_json()).unwrap();
        assert_eq!(parsed, record);
        let changes: [fn(&mut CaptureClaim); 6] = [
            |c| c.session.push('x'),
            |c| c.order.push('x'),
            |c| c.slot = Slot::OwnerId,
            |c| c.photo_sha256 = sha256_hex(b"other"),
            |c| c.captured_at_unix_ms += 1,
            |c| c.location_sha256 = Some(sha256_hex(b"{}")),
        ];
        for change in changes {
            let mut forged = record.clone();
            change(&mut forged.claim);
            assert!(!forged.verify(&key), "{forged:?}");
        }
        let mut bad_hex = record.clone();
        bad_hex.mac = "zz".into();
        assert!(!bad_hex.verify(&key));
        assert_eq!(
            CaptureRecord::from_json("{"),
            Err(ProvenanceProblem::Malformed)
        );
    }

    #[test]
    fn a_grant_key_must_be_32_bytes() {
        let grant = |key: &str| CaptureGrant {
            session: "s".into(),
            key: key.into(),
            expires_at: 0,
        };
        assert!(grant(&BASE64.encode(&[1u8; 32])).key_bytes().is_some());
        assert!(grant(&BASE64.encode(&[1u8; 31])).key_bytes().is_none());
        assert!(grant("not base64!").key_bytes().is_none());
        assert!(!format!("{:?}", grant(&BASE64.encode(&[1u8; 32]))).contains("AQEB"));
    }
}
