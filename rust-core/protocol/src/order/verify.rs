//! Trust decisions on a scanned order code.

use super::codec::decode;
use super::{IssuerPublicKey, OrderError, OrderPayload};

/// What an app trusts: issuer keys and the gateway hosts photos may go to.
#[derive(Debug, Clone, Default)]
pub struct TrustPolicy {
    /// Public keys of the issuers whose codes are accepted.
    pub issuers: Vec<IssuerPublicKey>,
    /// Gateway hosts photos may be sent to: exact hosts or `*.domain`.
    pub allowed_gateway_hosts: Vec<String>,
}

/// An order code that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VerifiedOrder {
    /// The signed content.
    pub payload: OrderPayload,
    /// Id of the key that signed it (8 hex digits).
    pub issuer_key_id: String,
}

/// Parses an order code and verifies it, in this order: form, format
/// version, issuer, signature, gateway security and allow-list, expiry
/// (`now_unix` is Unix seconds). Nothing from the code is trusted before
/// its signature is checked.
pub fn parse_and_verify(
    text: &str,
    policy: &TrustPolicy,
    now_unix: u64,
) -> Result<VerifiedOrder, OrderError> {
    let decoded = decode(text)?;
    let issuer = policy
        .issuers
        .iter()
        .find(|key| key.key_id() == decoded.key_id)
        .ok_or_else(|| OrderError::UnknownIssuer {
            key_id: decoded.key_id.to_string(),
        })?;
    if !issuer.verifies(&decoded.signed_message, &decoded.signature) {
        return Err(OrderError::BadSignature);
    }
    let payload = decoded.payload;
    payload
        .gateway
        .check_policy(&policy.allowed_gateway_hosts)?;
    if now_unix >= payload.expires_at {
        return Err(OrderError::Expired {
            expired_at: payload.expires_at,
        });
    }
    tracing::info!(province = payload.province.code(), "order code verified");
    Ok(VerifiedOrder {
        payload,
        issuer_key_id: decoded.key_id.to_string(),
    })
}
