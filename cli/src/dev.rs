//! The embedded development issuer: lets the demo and QA tools work with
//! no external service. Its seed is public, so production apps must never
//! trust its key.

use icp_companion_core::order::{IssuerSigningKey, TrustPolicy};
use icp_companion_core::user_facing::UserFacing;

use crate::output::Failure;
use sha2::{Digest, Sha256};

/// Label the development seed is derived from (SHA-256 of it).
const DEV_SEED_LABEL: &[u8] =
    b"icp-companion development issuer - public, never trust in production";

/// The development issuer's signing key.
pub fn dev_issuer() -> IssuerSigningKey {
    let seed = Sha256::digest(DEV_SEED_LABEL);
    IssuerSigningKey::from_seed(&seed).expect("a SHA-256 digest is 32 bytes")
}

/// Trust for the CLI: the given keys (or the development key when none) and
/// the given hosts (or loopback when none).
pub fn trust(keys_hex: &[String], hosts: &[String]) -> Result<TrustPolicy, Failure> {
    let issuers = if keys_hex.is_empty() {
        vec![dev_issuer().public_key()]
    } else {
        keys_hex
            .iter()
            .map(|k| {
                icp_companion_core::order::IssuerPublicKey::from_hex(k)
                    .map_err(|e| Failure::usage(format!("--trust-key {k}: {}", e.message_en())))
            })
            .collect::<Result<_, _>>()?
    };
    let allowed_gateway_hosts = if hosts.is_empty() {
        vec!["127.0.0.1".into(), "localhost".into(), "[::1]".into()]
    } else {
        hosts.to_vec()
    };
    Ok(TrustPolicy {
        issuers,
        allowed_gateway_hosts,
    })
}

/// Current time, Unix seconds.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
