//! One phone's work on one order: claim it with the QR's token, collect and
//! upload the photos its slots need, submit. The gateway is the source of
//! truth for what it holds; the session adds what the phone is doing.

use std::collections::BTreeMap;

use data_encoding::BASE32_NOPAD;
use reqwest::{Method, StatusCode};
use url::Url;

use super::{QueueError, SessionError, Slot};
use crate::http::{is_secure, read_capped, BodyError, Timeouts, MAX_ANSWER_BYTES};
use crate::location::LocationEvidence;
use crate::order::VerifiedOrder;
use crate::upload::{Entry, Receipt, UploadQueue};
use crate::user_facing::UserFacing;
use icp_protocol::wire::capture::{sha256_hex, KEY_BYTES, METADATA_KEY};
use icp_protocol::wire::{
    CaptureClaim, CaptureGrant, ClaimRequest, ClaimResponse, ErrorBody, OrderStatus, OrderView,
};

/// Claim attempts when the answer is lost (the claim is idempotent for the
/// same installation), and the wait before the first retry (doubling).
const CLAIM_ATTEMPTS: u32 = 4;
const CLAIM_FIRST_RETRY: std::time::Duration = std::time::Duration::from_millis(500);

/// A new random installation id (32 hex digits) for
/// [`FilingSession::claim`]: made once, kept in the app's private storage.
pub fn new_installation_id() -> Result<String, SessionError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| SessionError::BadInstallationId)?;
    Ok(crate::upload::hex(&bytes))
}

/// Where the session stands, as the app shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SessionState {
    /// Claimed; no photo taken yet.
    Claimed,
    /// Photos are being taken and checked.
    Collecting,
    /// Photos are on their way.
    Uploading,
    /// Every required photo is at the gateway: ready to submit.
    Uploaded,
    /// Submitted for review.
    Submitted,
}

/// What the phone is doing with a slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalSlot {
    /// Checked and queued, with its sha256.
    Ready(String),
    /// Upload running.
    Uploading(String),
    /// Sent; the gateway has yet to confirm it holds the photo.
    Sent(String),
}

/// A claimed order.
pub struct FilingSession {
    order: VerifiedOrder,
    token: String,
    capture: CaptureGrant,
    capture_key: [u8; KEY_BYTES],
    view: OrderView,
    local: BTreeMap<Slot, LocalSlot>,
    http: reqwest::Client,
}

impl std::fmt::Debug for FilingSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilingSession")
            .field("order_id", &self.view.order_id)
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

impl FilingSession {
    /// Claims `order` (a verified QR) at its gateway with the QR's one-time
    /// token, for the app installation `installation` (a random id the app
    /// keeps in private storage); the gateway answers with the order as the
    /// phone shows it. The claim is idempotent for one installation, so a
    /// lost answer is retried (a few times, with backoff) and a killed app
    /// that claims again gets its session back.
    pub async fn claim(
        order: VerifiedOrder,
        installation: &str,
        timeouts: Timeouts,
    ) -> Result<FilingSession, SessionError> {
        if installation.len() < 8
            || installation.len() > 128
            || !installation.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(SessionError::BadInstallationId);
        }
        let base = api_base(&order)?;
        let http = crate::http::client(&timeouts, base.scheme() == "https").map_err(|e| {
            SessionError::Gateway {
                detail: format!("no HTTP client: {e}"),
            }
        })?;
        let url = join(
            &base,
            &format!("api/orders/{}/claim", order.payload.order_id),
        )?;
        let body = ClaimRequest {
            claim_token: BASE32_NOPAD.encode(&order.payload.claim_token.0),
            installation: installation.to_string(),
        };
        let mut attempt = 0;
        let claimed: ClaimResponse = loop {
            attempt += 1;
            let answer = match http.post(url.clone()).json(&body).send().await {
                Ok(response) => parse(response).await,
                Err(e) => Err(network(e)),
            };
            match answer {
                Err(e) if e.is_transient() && attempt < CLAIM_ATTEMPTS => {
                    let wait = CLAIM_FIRST_RETRY * (1 << (attempt - 1));
                    tracing::info!(attempt, wait_ms = wait.as_millis() as u64, "claim retry");
                    tokio::time::sleep(wait).await;
                }
                other => break other?,
            }
        };
        if claimed.order.order_id != order.payload.order_id {
            return Err(SessionError::Gateway {
                detail: "answer for another order".into(),
            });
        }
        let capture_key = claimed
            .capture
            .key_bytes()
            .ok_or_else(|| SessionError::Gateway {
                detail: "the capture key is not 32 bytes of base64".into(),
            })?;
        tracing::info!("order claimed");
        Ok(FilingSession {
            order,
            token: claimed.session_token,
            capture: claimed.capture,
            capture_key,
            view: claimed.order,
            local: BTreeMap::new(),
            http,
        })
    }

    /// The order as the gateway last described it.
    pub fn view(&self) -> &OrderView {
        &self.view
    }

    /// The verified QR the session started from.
    pub fn order(&self) -> &VerifiedOrder {
        &self.order
    }

    /// The bearer token for this phone's requests (never log it).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The gateway's tus endpoint.
    pub fn upload_endpoint(&self) -> Result<Url, SessionError> {
        join(&api_base(&self.order)?, "files")
    }

    /// Required slots the gateway does not hold yet.
    pub fn missing(&self) -> Vec<Slot> {
        self.view
            .slots
            .iter()
            .filter(|s| s.required && s.received_sha256.is_none())
            .map(|s| s.slot)
            .collect()
    }

    /// Required slots still to photograph: neither held by the gateway nor
    /// queued on this phone.
    pub fn to_take(&self) -> Vec<Slot> {
        self.missing()
            .into_iter()
            .filter(|slot| !self.local.contains_key(slot))
            .collect()
    }

    /// Where the session stands.
    pub fn state(&self) -> SessionState {
        if self.view.status == OrderStatus::Submitted {
            SessionState::Submitted
        } else if self.missing().is_empty() {
            SessionState::Uploaded
        } else if self
            .local
            .values()
            .any(|s| matches!(s, LocalSlot::Uploading(_)))
        {
            SessionState::Uploading
        } else if !self.local.is_empty()
            || self.view.slots.iter().any(|s| s.received_sha256.is_some())
        {
            SessionState::Collecting
        } else {
            SessionState::Claimed
        }
    }

    /// Checks `photo` for `slot` (in-region evidence where the order needs
    /// it), queues it in `queue` encrypted with its upload metadata and the
    /// receipt that lets the drain confirm it arrived, and records the slot
    /// as ready. The one way apps and the CLI queue a photo.
    pub fn queue_photo(
        &mut self,
        queue: &UploadQueue,
        slot: Slot,
        photo: &[u8],
        captured_at_unix_ms: i64,
        checks: &str,
        location: Option<&LocationEvidence>,
    ) -> Result<Entry, QueueError> {
        self.ensure_open()?;
        let metadata = self.upload_metadata(slot, photo, captured_at_unix_ms, checks, location)?;
        let sha256 = metadata
            .iter()
            .find(|(k, _)| k == "sha256")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        let receipt = Receipt {
            status_url: self.order_url("")?,
            slot: slot.wire_name().to_string(),
            sha256: sha256.clone(),
        };
        let entry = queue.enqueue(
            self.upload_endpoint()?,
            Some(self.token.clone()),
            metadata,
            Some(receipt),
            photo,
        )?;
        self.local.insert(slot, LocalSlot::Ready(sha256));
        Ok(entry)
    }

    /// The order's API URL followed by `tail` (`""`: its status).
    fn order_url(&self, tail: &str) -> Result<Url, SessionError> {
        join(
            &api_base(&self.order)?,
            &format!("api/orders/{}{tail}", self.view.order_id),
        )
    }

    /// The upload metadata of `photo` for `slot`: the order, the slot, the
    /// photo's sha256 (the gateway checks it), when it was taken, the
    /// checks' summary, the location evidence, and for a photo the core's
    /// capture took (unchanged bytes, its recorded time) the capture record
    /// under the session's key. A slot of an in-region order needs evidence
    /// judged inside, bound to this capture; a slot that needs live capture
    /// refuses any other photo.
    pub fn upload_metadata(
        &self,
        slot: Slot,
        photo: &[u8],
        captured_at_unix_ms: i64,
        checks: &str,
        location: Option<&LocationEvidence>,
    ) -> Result<Vec<(String, String)>, SessionError> {
        let needs_location = self
            .view
            .slots
            .iter()
            .any(|s| s.slot == slot && s.needs_location);
        if needs_location {
            match location {
                None => return Err(SessionError::LocationRequired { slot }),
                Some(evidence) => {
                    if evidence.ensure_inside().is_err()
                        || evidence.capture_time_unix_ms != captured_at_unix_ms
                    {
                        return Err(SessionError::LocationRequired { slot });
                    }
                }
            }
        }
        let sha256 = sha256_hex(photo);
        let mut metadata = vec![
            ("order".to_string(), self.view.order_id.clone()),
            ("slot".to_string(), slot.wire_name().to_string()),
            ("sha256".to_string(), sha256.clone()),
            ("captured_at".to_string(), captured_at_unix_ms.to_string()),
            ("checks".to_string(), checks.to_string()),
        ];
        let location = location.map(LocationEvidence::to_json);
        let recorded = crate::camera::live_capture_times(photo);
        match recorded.last() {
            Some(&latest) if !recorded.contains(&captured_at_unix_ms) => {
                return Err(SessionError::CaptureTimeMismatch {
                    recorded_unix_ms: latest,
                    given_unix_ms: captured_at_unix_ms,
                })
            }
            Some(_) => {
                let record = CaptureClaim {
                    session: self.capture.session.clone(),
                    order: self.view.order_id.clone(),
                    slot,
                    photo_sha256: sha256,
                    captured_at_unix_ms,
                    location_sha256: location.as_deref().map(|l| sha256_hex(l.as_bytes())),
                }
                .sign(&self.capture_key);
                metadata.push((METADATA_KEY.to_string(), record.to_json()));
            }
            None if self
                .view
                .slots
                .iter()
                .any(|s| s.slot == slot && s.live_capture) =>
            {
                return Err(SessionError::LiveCaptureRequired { slot })
            }
            None => {}
        }
        if let Some(location) = location {
            metadata.push(("location".to_string(), location));
        }
        Ok(metadata)
    }

    /// Records that `slot`'s upload started.
    pub fn upload_started(&mut self, slot: Slot) {
        if let Some(LocalSlot::Ready(sha)) = self.local.get(&slot).cloned() {
            self.local.insert(slot, LocalSlot::Uploading(sha));
        }
    }

    /// Records a finished upload of `slot` (the gateway verifies the sha256
    /// before it counts; [`FilingSession::refresh`] tells).
    pub fn upload_finished(&mut self, slot: Slot) {
        if let Some(LocalSlot::Uploading(sha)) = self.local.get(&slot).cloned() {
            self.local.insert(slot, LocalSlot::Sent(sha));
        }
    }

    /// Asks the gateway where the order stands; slots it now holds are no
    /// longer tracked on the phone.
    pub async fn refresh(&mut self) -> Result<&OrderView, SessionError> {
        self.view = self.call(Method::GET, "").await?;
        let held: Vec<Slot> = self
            .view
            .slots
            .iter()
            .filter(|s| s.received_sha256.is_some())
            .map(|s| s.slot)
            .collect();
        self.local.retain(|slot, _| !held.contains(slot));
        Ok(&self.view)
    }

    /// Submits the order for review once every required photo is at the
    /// gateway. An order returned to draft can be uploaded to and submitted
    /// again.
    pub async fn submit(&mut self) -> Result<&OrderView, SessionError> {
        self.ensure_open()?;
        let missing = self.missing();
        if !missing.is_empty() {
            return Err(SessionError::Incomplete { missing });
        }
        self.view = self.call(Method::POST, "/submit").await?;
        tracing::info!("order submitted");
        Ok(&self.view)
    }

    fn ensure_open(&self) -> Result<(), SessionError> {
        match self.view.status {
            OrderStatus::Open | OrderStatus::ReturnedToDraft => Ok(()),
            OrderStatus::Submitted | OrderStatus::Expired => Err(SessionError::OrderClosed),
        }
    }

    async fn call(&self, method: Method, tail: &str) -> Result<OrderView, SessionError> {
        let url = self.order_url(tail)?;
        let response = self
            .http
            .request(method, url)
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(network)?;
        parse(response).await
    }
}

/// The gateway's base URL, refused unless secure (HTTPS, or loopback HTTP).
fn api_base(order: &VerifiedOrder) -> Result<Url, SessionError> {
    let base = Url::parse(&format!("{}/", order.payload.gateway.as_str())).map_err(|_| {
        SessionError::Gateway {
            detail: "bad gateway URL".into(),
        }
    })?;
    if !is_secure(&base) {
        return Err(SessionError::Gateway {
            detail: "insecure gateway".into(),
        });
    }
    Ok(base)
}

fn join(base: &Url, path: &str) -> Result<Url, SessionError> {
    base.join(path).map_err(|_| SessionError::Gateway {
        detail: format!("bad path {path}"),
    })
}

fn network(e: reqwest::Error) -> SessionError {
    SessionError::Network {
        timed_out: e.is_timeout(),
    }
}

/// The JSON body of a success, or the error the status and body mean; at
/// most [`MAX_ANSWER_BYTES`] are read.
async fn parse<T: serde::de::DeserializeOwned>(
    response: reqwest::Response,
) -> Result<T, SessionError> {
    let status = response.status();
    let bytes = read_capped(response, MAX_ANSWER_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLong(max) => SessionError::Gateway {
                detail: format!("an answer longer than {max} bytes"),
            },
            BodyError::Transport(e) => network(e),
        })?;
    if status.is_success() {
        return serde_json::from_slice(&bytes).map_err(|e| SessionError::Gateway {
            detail: format!("unreadable answer: {e}"),
        });
    }
    let body: Option<ErrorBody> = serde_json::from_slice(&bytes).ok();
    let code = body.as_ref().map(|b| b.code.as_str()).unwrap_or("");
    Err(match (status, code) {
        (StatusCode::CONFLICT, "already_claimed") => SessionError::AlreadyClaimed,
        (StatusCode::CONFLICT, "incomplete") => SessionError::Incomplete {
            missing: body.map(|b| b.missing).unwrap_or_default(),
        },
        (StatusCode::FORBIDDEN, "claim_refused") => SessionError::ClaimRefused,
        (StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN, _) => SessionError::Unauthorized,
        (StatusCode::GONE, _) => SessionError::OrderClosed,
        (StatusCode::NOT_FOUND, _) => SessionError::UnknownOrder,
        (s, _) if s.is_server_error() => SessionError::Unavailable { status: s.as_u16() },
        _ => SessionError::Gateway {
            detail: format!("HTTP {}", status.as_u16()),
        },
    })
}
