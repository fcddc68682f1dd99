//! Order QR code functions for apps, the gateway and tests.

use icp_companion_core::order::{
    encode, parse_and_verify, render_png, render_svg, IssuerPublicKey, IssuerSigningKey,
    OrderPayload, TrustPolicy, VerifiedOrder,
};

use super::OrderQrError;

/// What the app trusts, in configuration form.
#[derive(Debug, Clone, uniffi::Record)]
pub struct TrustConfig {
    /// Ed25519 public keys of accepted issuers, 64 hex digits each.
    pub trusted_issuer_keys: Vec<String>,
    /// Hosts photos may be sent to: exact hosts or `*.domain`.
    pub allowed_gateway_hosts: Vec<String>,
}

impl TryFrom<TrustConfig> for TrustPolicy {
    type Error = icp_companion_core::order::OrderError;

    fn try_from(config: TrustConfig) -> Result<Self, Self::Error> {
        Ok(TrustPolicy {
            issuers: config
                .trusted_issuer_keys
                .iter()
                .map(|hex| IssuerPublicKey::from_hex(hex))
                .collect::<Result<_, _>>()?,
            allowed_gateway_hosts: config.allowed_gateway_hosts,
        })
    }
}

/// Builds and signs an order code with the issuer's 32-byte seed.
#[uniffi::export]
pub fn order_qr_encode(
    payload: OrderPayload,
    issuer_seed: Vec<u8>,
) -> Result<String, OrderQrError> {
    Ok(encode(
        &payload,
        &IssuerSigningKey::from_seed(&issuer_seed)?,
    )?)
}

/// Verifies scanned text against `trust` at `now_unix` (Unix seconds).
#[uniffi::export]
pub fn order_qr_parse_and_verify(
    text: String,
    trust: TrustConfig,
    now_unix: u64,
) -> Result<VerifiedOrder, OrderQrError> {
    Ok(parse_and_verify(&text, &trust.try_into()?, now_unix)?)
}

/// PNG bytes of `text` as a QR code (level M), `module_px` pixels per module.
#[uniffi::export]
pub fn order_qr_render_png(text: String, module_px: u32) -> Result<Vec<u8>, OrderQrError> {
    Ok(render_png(&text, module_px)?)
}

/// SVG text of `text` as a QR code (level M).
#[uniffi::export]
pub fn order_qr_render_svg(text: String) -> Result<String, OrderQrError> {
    Ok(render_svg(&text)?)
}

/// A new random 32-byte issuer seed (for gateways and tests).
#[uniffi::export]
pub fn generate_issuer_seed() -> Vec<u8> {
    IssuerSigningKey::generate().seed().to_vec()
}

/// The public key (64 hex digits) matching an issuer seed.
#[uniffi::export]
pub fn issuer_public_key(issuer_seed: Vec<u8>) -> Result<String, OrderQrError> {
    Ok(IssuerSigningKey::from_seed(&issuer_seed)?
        .public_key()
        .to_hex())
}
