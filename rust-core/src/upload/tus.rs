//! The tus 1.0.0 resumable-upload protocol (core, creation, checksum,
//! termination, expiration), one request per method, over `reqwest` with
//! rustls. The resume loop and retries live in `transfer`.

use data_encoding::BASE64;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{Method, Response, StatusCode};
use sha2::{Digest, Sha256};
use url::Url;

use super::{Receipt, UploadError};
use crate::http::{is_secure, read_capped, BodyError, Timeouts, MAX_ANSWER_BYTES, MAX_ERROR_BYTES};
use crate::session::OrderView;

const TUS_VERSION: &str = "1.0.0";

/// What the server offers, from its `OPTIONS` answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// `Tus-Extension`, e.g. `creation`, `checksum`, `termination`.
    pub extensions: Vec<String>,
    /// `Tus-Checksum-Algorithm`, lower case.
    pub checksum_algorithms: Vec<String>,
    /// `Tus-Max-Size`, when the server states one.
    pub max_size: Option<u64>,
}

impl Capabilities {
    /// Whether every chunk can carry a sha256 checksum the server verifies.
    pub fn verifies_sha256(&self) -> bool {
        self.extensions.iter().any(|e| e == "checksum")
            && self.checksum_algorithms.iter().any(|a| a == "sha256")
    }

    /// Whether the server offers `extension`.
    pub fn offers(&self, extension: &str) -> bool {
        self.extensions.iter().any(|e| e == extension)
    }
}

/// An upload the server created: where it lives and its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// The upload's URL (on the gateway's origin).
    pub url: Url,
    /// Bytes the server holds.
    pub offset: u64,
    /// `Upload-Expires`, as the server wrote it, when it states one.
    pub expires: Option<String>,
}

/// A tus endpoint on one gateway, with the phone's bearer token.
#[derive(Clone)]
pub struct TusClient {
    http: reqwest::Client,
    endpoint: Url,
    token: Option<HeaderValue>,
}

impl std::fmt::Debug for TusClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is never printed.
        f.debug_struct("TusClient")
            .field("endpoint", &self.endpoint.as_str())
            .finish_non_exhaustive()
    }
}

impl TusClient {
    /// A client for the tus `endpoint` (e.g. `https://gw.example.cn/files/`),
    /// refused unless it is secure. `token` goes in `Authorization: Bearer`.
    pub fn new(
        endpoint: Url,
        token: Option<&str>,
        timeouts: Timeouts,
    ) -> Result<TusClient, UploadError> {
        if !is_secure(&endpoint) {
            return Err(UploadError::InsecureEndpoint {
                url: endpoint.to_string(),
            });
        }
        let token = token
            .map(|t| {
                let mut v = HeaderValue::from_str(&format!("Bearer {t}"))
                    .map_err(|_| UploadError::Unauthorized)?;
                v.set_sensitive(true);
                Ok::<_, UploadError>(v)
            })
            .transpose()?;
        let http = crate::http::client(&timeouts, endpoint.scheme() == "https")
            .map_err(|e| UploadError::network(e.to_string()))?;
        Ok(TusClient {
            http,
            endpoint,
            token,
        })
    }

    /// The endpoint uploads are created at.
    pub fn endpoint(&self) -> &Url {
        &self.endpoint
    }

    fn request(&self, method: Method, url: &Url) -> reqwest::RequestBuilder {
        let mut headers = HeaderMap::new();
        headers.insert("Tus-Resumable", HeaderValue::from_static(TUS_VERSION));
        if let Some(token) = &self.token {
            headers.insert(AUTHORIZATION, token.clone());
        }
        self.http.request(method, url.clone()).headers(headers)
    }

    /// What the server offers (`OPTIONS`).
    pub async fn capabilities(&self) -> Result<Capabilities, UploadError> {
        let response = send(self.request(Method::OPTIONS, &self.endpoint)).await?;
        let response = expect(response, &[StatusCode::OK, StatusCode::NO_CONTENT]).await?;
        let list = |name: &str| -> Vec<String> {
            header(&response, name)
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_ascii_lowercase())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let versions = list("Tus-Version");
        if !versions.is_empty() && !versions.iter().any(|v| v == TUS_VERSION) {
            return Err(UploadError::incompatible(format!(
                "tus versions {}",
                versions.join(", ")
            )));
        }
        Ok(Capabilities {
            extensions: list("Tus-Extension"),
            checksum_algorithms: list("Tus-Checksum-Algorithm"),
            max_size: header(&response, "Tus-Max-Size").and_then(|v| v.parse().ok()),
        })
    }

    /// Creates an upload of `length` bytes with `metadata` (`POST`).
    pub async fn create(
        &self,
        length: u64,
        metadata: &[(String, String)],
    ) -> Result<Remote, UploadError> {
        let encoded: Vec<String> = metadata
            .iter()
            .map(|(k, v)| format!("{k} {}", BASE64.encode(v.as_bytes())))
            .collect();
        let request = self
            .request(Method::POST, &self.endpoint)
            .header("Upload-Length", length)
            .header("Upload-Metadata", encoded.join(","));
        let response = expect(send(request).await?, &[StatusCode::CREATED]).await?;
        let location = header(&response, LOCATION.as_str())
            .ok_or_else(|| UploadError::incompatible("no Location for the new upload"))?;
        let url = self
            .endpoint
            .join(&location)
            .map_err(|_| UploadError::incompatible(format!("bad Location {location}")))?;
        self.check_same_origin(&url)?;
        let offset = match header(&response, "Upload-Offset") {
            None => 0,
            Some(v) => in_range(&v, length)?,
        };
        Ok(Remote {
            url,
            offset,
            expires: header(&response, "Upload-Expires"),
        })
    }

    /// How many bytes the server holds of the upload of `length` bytes at
    /// `url` (`HEAD`). `None` when the upload is gone (expired or
    /// terminated). An offset beyond the file, or another length, is a lie
    /// the client refuses (it would count a photo as sent that is not).
    pub async fn offset(&self, url: &Url, length: u64) -> Result<Option<Remote>, UploadError> {
        self.check_same_origin(url)?;
        let response = send(self.request(Method::HEAD, url)).await?;
        if matches!(response.status(), StatusCode::NOT_FOUND | StatusCode::GONE) {
            return Ok(None);
        }
        let response = expect(response, &[StatusCode::OK, StatusCode::NO_CONTENT]).await?;
        let offset = header(&response, "Upload-Offset")
            .ok_or_else(|| UploadError::incompatible("HEAD without Upload-Offset"))?;
        let offset = in_range(&offset, length)?;
        if let Some(declared) = header(&response, "Upload-Length") {
            if declared.parse::<u64>().ok() != Some(length) {
                return Err(UploadError::incompatible(format!(
                    "the server holds an upload of {declared} bytes, not {length}"
                )));
            }
        }
        Ok(Some(Remote {
            url: url.clone(),
            offset,
            expires: header(&response, "Upload-Expires"),
        }))
    }

    /// Sends `chunk` at `offset` (`PATCH`), with its sha256 when the server
    /// verifies checksums; returns the server's new offset.
    pub async fn patch(
        &self,
        url: &Url,
        offset: u64,
        chunk: Vec<u8>,
        checksum: bool,
    ) -> Result<u64, UploadError> {
        self.check_same_origin(url)?;
        let mut request = self
            .request(Method::PATCH, url)
            .header(CONTENT_TYPE, "application/offset+octet-stream")
            .header("Upload-Offset", offset);
        if checksum {
            let digest = Sha256::digest(&chunk);
            request = request.header(
                "Upload-Checksum",
                format!("sha256 {}", BASE64.encode(&digest)),
            );
        }
        let response = send(request.body(chunk)).await?;
        if response.status().as_u16() == 460 {
            return Err(UploadError::ChecksumMismatch);
        }
        let response = expect(response, &[StatusCode::NO_CONTENT, StatusCode::OK]).await?;
        header(&response, "Upload-Offset")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| UploadError::incompatible("PATCH without Upload-Offset"))
    }

    /// Whether the gateway holds and has verified the photo `receipt`
    /// names (its order status lists the slot with this sha256).
    pub async fn holds(&self, receipt: &Receipt) -> Result<bool, UploadError> {
        self.check_same_origin(&receipt.status_url)?;
        let response = send(self.request(Method::GET, &receipt.status_url)).await?;
        let response = expect(response, &[StatusCode::OK]).await?;
        let body = read_capped(response, MAX_ANSWER_BYTES)
            .await
            .map_err(body_error)?;
        let view: OrderView = serde_json::from_slice(&body)
            .map_err(|_| UploadError::incompatible("unreadable order status"))?;
        Ok(view.slots.iter().any(|s| {
            s.slot.wire_name() == receipt.slot
                && s.received_sha256.as_deref() == Some(receipt.sha256.as_str())
        }))
    }

    /// Deletes the upload at `url` (`DELETE`, termination extension).
    pub async fn terminate(&self, url: &Url) -> Result<(), UploadError> {
        self.check_same_origin(url)?;
        let response = send(self.request(Method::DELETE, url)).await?;
        if matches!(response.status(), StatusCode::NOT_FOUND | StatusCode::GONE) {
            return Ok(());
        }
        expect(response, &[StatusCode::NO_CONTENT, StatusCode::OK]).await?;
        Ok(())
    }

    /// Uploads live on the endpoint's origin only: a `Location` elsewhere
    /// would send the photo to another server.
    fn check_same_origin(&self, url: &Url) -> Result<(), UploadError> {
        if url.origin() == self.endpoint.origin() {
            Ok(())
        } else {
            Err(UploadError::InsecureEndpoint {
                url: url.to_string(),
            })
        }
    }
}

/// An offset the server states for an upload of `length` bytes: a number
/// no larger than the upload.
fn in_range(value: &str, length: u64) -> Result<u64, UploadError> {
    match value.parse::<u64>() {
        Ok(offset) if offset <= length => Ok(offset),
        _ => Err(UploadError::incompatible(format!(
            "the server claims {value} bytes of a {length}-byte upload"
        ))),
    }
}

fn body_error(e: BodyError) -> UploadError {
    match e {
        BodyError::TooLong(max) => {
            UploadError::incompatible(format!("an answer longer than {max} bytes"))
        }
        BodyError::Transport(e) if e.is_timeout() => UploadError::Timeout,
        BodyError::Transport(e) => UploadError::network(short(&e)),
    }
}

/// The value of header `name`, as text.
fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
}

/// Sends a request; transport failures become transient errors.
async fn send(request: reqwest::RequestBuilder) -> Result<Response, UploadError> {
    request.send().await.map_err(|e| {
        if e.is_timeout() {
            UploadError::Timeout
        } else {
            UploadError::network(short(&e))
        }
    })
}

/// The response when its status is one of `ok`, else the error it means.
async fn expect(response: Response, ok: &[StatusCode]) -> Result<Response, UploadError> {
    let status = response.status();
    if ok.contains(&status) {
        return Ok(response);
    }
    let code = status.as_u16();
    // At most MAX_ERROR_BYTES are read: an endless error body ends there.
    let detail: String = match read_capped(response, MAX_ERROR_BYTES).await {
        Ok(body) => String::from_utf8_lossy(&body).chars().take(200).collect(),
        Err(_) => String::new(),
    };
    Err(match code {
        401 | 403 => UploadError::Unauthorized,
        410 | 423 => UploadError::OrderClosed,
        413 => UploadError::TooLarge { size: 0, max: 0 },
        408 | 429 => UploadError::Server { status: code },
        422 => match evidence_code(&detail) {
            Some(reason) => UploadError::EvidenceRefused { reason },
            None => UploadError::Rejected {
                status: code,
                detail: detail.trim().to_string(),
            },
        },
        500..=599 => UploadError::Server { status: code },
        _ => UploadError::Rejected {
            status: code,
            detail: detail.trim().to_string(),
        },
    })
}

/// The gateway's code in an error body refusing a photo's evidence
/// (`location.*` or `provenance.*`; anything else is not such a refusal).
fn evidence_code(body: &str) -> Option<String> {
    let body: icp_protocol::wire::ErrorBody = serde_json::from_str(body).ok()?;
    let known = body.code.starts_with("location.") || body.code.starts_with("provenance.");
    let plain = body.code.len() <= 64
        && body
            .code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_');
    (known && plain).then_some(body.code)
}

/// A transport error's kind without the URL (which may carry ids).
fn short(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "could not connect".into()
    } else if e.is_body() || e.is_request() {
        "connection lost while sending".into()
    } else if e.is_decode() {
        "bad response".into()
    } else {
        "connection failed".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_stay_on_the_endpoints_origin() {
        let endpoint = Url::parse("https://gw.example.cn/files").unwrap();
        let client = TusClient::new(endpoint, None, Timeouts::default()).unwrap();
        let here = Url::parse("https://gw.example.cn/files/abc").unwrap();
        assert!(client.check_same_origin(&here).is_ok());
        for elsewhere in [
            "https://evil.example.com/files/abc",
            "http://gw.example.cn/files/abc",
            "https://gw.example.cn:8443/files/abc",
        ] {
            assert!(matches!(
                client.check_same_origin(&Url::parse(elsewhere).unwrap()),
                Err(UploadError::InsecureEndpoint { .. })
            ));
        }
    }
}
