//! How the core talks to a gateway over HTTP, for the filing session and the
//! uploads alike: rustls (no OpenSSL), never a redirect, HTTPS only (plain
//! HTTP to loopback for development), a stated time limit on every wait, and
//! every answer read with a bound so that a hostile or broken server cannot
//! exhaust the phone's memory.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use url::Url;

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

/// The client with the core's rules — `timeouts`, no redirects, HTTPS only
/// when `https_only` — shared by the filing session and the uploads: one
/// connection pool (and one TLS configuration) per set of rules for the
/// whole process, so the claim, the status checks and the uploads to a
/// gateway reuse their connections.
pub fn client(timeouts: &Timeouts, https_only: bool) -> Result<reqwest::Client, reqwest::Error> {
    static CLIENTS: OnceLock<Mutex<HashMap<(Timeouts, bool), reqwest::Client>>> = OnceLock::new();
    let mut clients = CLIENTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(client) = clients.get(&(*timeouts, https_only)) {
        return Ok(client.clone());
    }
    let client = reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .read_timeout(timeouts.read)
        .timeout(timeouts.request)
        .https_only(https_only)
        // Photos and tokens never follow a redirect to another server.
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    clients.insert((*timeouts, https_only), client.clone());
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
