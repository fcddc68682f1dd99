//! Issuer keys: the gateway signs order codes with Ed25519; apps trust a
//! short list of public keys. A key's id is derived from the key itself, so
//! an id can never point at the wrong key.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use super::OrderError;

/// First four bytes of SHA-256 over the public key; shown as 8 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyId(pub [u8; 4]);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&data_encoding::HEXLOWER.encode(&self.0))
    }
}

/// An issuer's Ed25519 public key, as an app trusts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuerPublicKey(VerifyingKey);

impl IssuerPublicKey {
    /// From the 32 raw key bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, OrderError> {
        let raw: [u8; 32] = bytes.try_into().map_err(|_| {
            OrderError::invalid("an issuer public key is 32 bytes", "签发方公钥应为 32 字节")
        })?;
        VerifyingKey::from_bytes(&raw)
            .map(IssuerPublicKey)
            .map_err(|_| {
                OrderError::invalid(
                    "this is not a valid issuer public key",
                    "不是有效的签发方公钥",
                )
            })
    }

    /// From 64 hex digits, the form used in app configuration.
    pub fn from_hex(hex: &str) -> Result<Self, OrderError> {
        let bytes = data_encoding::HEXLOWER_PERMISSIVE
            .decode(hex.trim().as_bytes())
            .map_err(|_| {
                OrderError::invalid(
                    "an issuer public key is 64 hex digits",
                    "签发方公钥应为 64 位十六进制数",
                )
            })?;
        Self::from_bytes(&bytes)
    }

    /// The 32 raw key bytes.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The key as 64 lowercase hex digits.
    pub fn to_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(self.0.as_bytes())
    }

    /// The key's id as carried in order codes.
    pub fn key_id(&self) -> KeyId {
        let digest = Sha256::digest(self.0.as_bytes());
        KeyId([digest[0], digest[1], digest[2], digest[3]])
    }

    /// Whether `signature` is this key's signature over `message`.
    pub(super) fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        self.0
            .verify(message, &Signature::from_bytes(signature))
            .is_ok()
    }
}

/// The issuer's private key; lives on the gateway (and in tests/dev tools).
pub struct IssuerSigningKey(SigningKey);

impl IssuerSigningKey {
    /// From a 32-byte secret seed.
    pub fn from_seed(seed: &[u8]) -> Result<Self, OrderError> {
        let raw: [u8; 32] = seed.try_into().map_err(|_| {
            OrderError::invalid(
                "an issuer seed is 32 bytes (64 hex digits)",
                "签发方种子应为 32 字节（64 位十六进制数）",
            )
        })?;
        Ok(IssuerSigningKey(SigningKey::from_bytes(&raw)))
    }

    /// A new random key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).expect("the OS random source is available");
        IssuerSigningKey(SigningKey::from_bytes(&seed))
    }

    /// The 32-byte secret seed (to store the key).
    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The matching public key.
    pub fn public_key(&self) -> IssuerPublicKey {
        IssuerPublicKey(self.0.verifying_key())
    }

    pub(super) fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl std::fmt::Debug for IssuerSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuerSigningKey({})", self.public_key().key_id())
    }
}
