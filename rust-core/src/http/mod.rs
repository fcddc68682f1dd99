//! How the core talks to a gateway over HTTP, for the filing session and the
//! uploads alike: rustls (no OpenSSL), never a redirect, HTTPS only (plain
//! HTTP to loopback for development), a stated time limit on every wait, and
//! every answer read with a bound so that a hostile or broken server cannot
//! exhaust the phone's memory.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use url::Url;

mod tls;
#[cfg(target_os = "android")]
pub use tls::android;
pub use tls::{client_config, device_trust, Trust};

/// Time limits of every request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timeouts {
    /// Connecting (TCP and TLS).
    pub connect: Duration,
    /// The longest silence while reading an answer (a stalled or trickling
    /// server ends here).
    pub read: Duration,
    /// A whole request, body included, answer read.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(20),
            request: Duration::from_secs(60),
        }
    }
}

/// The largest JSON answer read from a gateway (an order view is ~1 KB).
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// The largest error body read (only its first 200 characters are kept).
pub const MAX_ERROR_BYTES: usize = 16 * 1024;

/// Whether `url` may receive photos and tokens: HTTPS, or plain HTTP to
/// loopback.
pub fn is_secure(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => match url.host() {
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            None => false,
        },
        _ => false,
    }
}

/// Why the HTTP client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The TLS configuration was refused (no usable protocol version, or the
    /// platform verifier could not start).
    #[error("TLS configuration: {0}")]
    Tls(#[from] rustls::Error),
    /// reqwest refused the client's settings.
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

/// The client with the core's rules — `timeouts`, no redirects, HTTPS only
/// when `https_only`, certificates checked against [`device_trust`] — shared
/// by the filing session and the uploads: one connection pool (and one TLS
/// configuration) per set of rules for the whole process, so the claim, the
/// status checks and the uploads to a gateway reuse their connections.
pub fn client(timeouts: &Timeouts, https_only: bool) -> Result<reqwest::Client, ClientError> {
    client_trusting(timeouts, https_only, device_trust())
}

/// [`client`] with the certificates checked against `trust` (tests choose
/// it; the core uses the device's).
pub fn client_trusting(
    timeouts: &Timeouts,
    https_only: bool,
    trust: Trust,
) -> Result<reqwest::Client, ClientError> {
    type Rules = (Timeouts, bool, Trust);
    static CLIENTS: OnceLock<Mutex<HashMap<Rules, reqwest::Client>>> = OnceLock::new();
    let mut clients = CLIENTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let rules = (*timeouts, https_only, trust);
    if let Some(client) = clients.get(&rules) {
        return Ok(client.clone());
    }
    if cfg!(target_os = "android") && trust == Trust::BundledRoots {
        tracing::warn!(
            "the platform certificate verifier is not initialised \
             (PlatformTls.init(context) not called): trusting the bundled roots only"
        );
    }
    let client = reqwest::Client::builder()
        .use_preconfigured_tls(client_config(trust)?)
        .connect_timeout(timeouts.connect)
        .read_timeout(timeouts.read)
        .timeout(timeouts.request)
        .https_only(https_only)
        // Photos and tokens never follow a redirect to another server.
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    clients.insert(rules, client.clone());
    Ok(client)
}

/// Why an answer's body could not be read.
#[derive(Debug)]
pub enum BodyError {
    /// The body is longer than the bound (the server is broken or hostile).
    TooLong(usize),
    /// The connection failed or timed out while reading.
    Transport(reqwest::Error),
}

/// The body of `response`, at most `max` bytes; a longer one is refused as
/// soon as the bound is passed (nothing more is read).
pub async fn read_capped(
    mut response: reqwest::Response,
    max: usize,
) -> Result<Vec<u8>, BodyError> {
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Err(BodyError::TooLong(max));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > max {
            return Err(BodyError::TooLong(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
