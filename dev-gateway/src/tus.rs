//! tus 1.0.0 on the gateway: core, creation, checksum (sha256),
//! termination, expiration. Each upload is tied to the claiming phone's
//! order and a slot; when its last byte arrives the whole file's sha256
//! must match the one the phone declared, or the upload is discarded.
//!
//! Writes to one upload are serialised: a `PATCH` arriving while another is
//! being written to the same upload gets `409 Conflict` (as does one at the
//! wrong offset), so a killed client's late request and its restart's cannot
//! both be taken. A finished upload stays known (`HEAD` answers its full
//! length), so a phone whose last answer was lost does not send it again.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use data_encoding::{BASE64, HEXLOWER};
use futures_util::StreamExt;
use icp_protocol::wire::Slot;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::state::{random_id, Received, Upload};
use crate::{bearer, now_unix, now_unix_ms, App};

const EXTENSIONS: &str = "creation,checksum,termination,expiration";
/// tus's status for a chunk whose checksum does not match.
const CHECKSUM_MISMATCH: u16 = 460;

/// A tus answer: `status`, the protocol headers and `extra` headers.
fn reply(status: StatusCode, extra: &[(&'static str, String)]) -> Response {
    let mut response = status.into_response();
    let headers = response.headers_mut();
    headers.insert("Tus-Resumable", HeaderValue::from_static("1.0.0"));
    headers.insert("Cache-Control", HeaderValue::from_static("no-store"));
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(*name, v);
        }
    }
    response
}

fn checksum_mismatch() -> Response {
    reply(
        StatusCode::from_u16(CHECKSUM_MISMATCH).unwrap_or(StatusCode::BAD_REQUEST),
        &[],
    )
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)?
        .to_str()
        .ok()
        .map(|s| s.trim().to_string())
}

/// `OPTIONS`: what this server offers.
pub async fn options(State(app): State<App>) -> Response {
    reply(
        StatusCode::NO_CONTENT,
        &[
            ("Tus-Version", "1.0.0".into()),
            ("Tus-Extension", EXTENSIONS.into()),
            ("Tus-Checksum-Algorithm", "sha256".into()),
            ("Tus-Max-Size", app.config.max_photo_bytes.to_string()),
        ],
    )
}

/// `Upload-Metadata` as key → value.
fn metadata(text: &str) -> Option<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut parts = pair.splitn(2, ' ');
        let key = parts.next()?.to_string();
        let value = match parts.next() {
            Some(v) => String::from_utf8(BASE64.decode(v.trim().as_bytes()).ok()?).ok()?,
            None => String::new(),
        };
        out.insert(key, value);
    }
    Some(out)
}

/// `POST /files`: a new upload for a slot of the caller's order.
pub async fn create(State(app): State<App>, headers: HeaderMap) -> Response {
    let Some(token) = bearer(&headers) else {
        return reply(StatusCode::UNAUTHORIZED, &[]);
    };
    let Some(length) = header(&headers, "Upload-Length").and_then(|v| v.parse::<u64>().ok()) else {
        return reply(StatusCode::BAD_REQUEST, &[]);
    };
    if length > app.config.max_photo_bytes {
        return reply(StatusCode::PAYLOAD_TOO_LARGE, &[]);
    }
    let Some(meta) = metadata(&header(&headers, "Upload-Metadata").unwrap_or_default()) else {
        return reply(StatusCode::BAD_REQUEST, &[]);
    };
    let mut store = app.store();
    let store = &mut *store;
    let Some(order) = store.order_for_token_mut(&token) else {
        return reply(StatusCode::UNAUTHORIZED, &[]);
    };
    if !order.accepts_photos(now_unix()) {
        return reply(StatusCode::GONE, &[]);
    }
    let slot = meta.get("slot").and_then(|s| Slot::from_wire(s));
    let sha256 = meta
        .get("sha256")
        .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|s| s.to_ascii_lowercase());
    let (Some(slot), Some(sha256)) = (slot, sha256) else {
        return reply(StatusCode::BAD_REQUEST, &[]);
    };
    if meta.get("order") != Some(&order.payload.order_id) || !order.slots().contains(&slot) {
        return reply(StatusCode::BAD_REQUEST, &[]);
    }
    // The capture record and the location, judged here again.
    let order_id = order.payload.order_id.clone();
    let order = &store.orders[&order_id];
    if let Err(code) = crate::evidence::check(store, order, slot, &sha256, &meta, now_unix_ms()) {
        tracing::info!(order = %order_id, code, "upload refused: evidence");
        return crate::api::error(StatusCode::UNPROCESSABLE_ENTITY, code, vec![]);
    }
    let Some(order) = store.orders.get_mut(&order_id) else {
        return reply(StatusCode::NOT_FOUND, &[]);
    };
    let expires =
        httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(order.payload.expires_at));
    order.uploads_created += 1;
    let id = random_id(16);
    let upload = Upload {
        order_id: order.payload.order_id.clone(),
        slot,
        length,
        offset: 0,
        sha256,
        path: app.config.dir.join("uploads").join(&id),
        metadata: meta,
        writing: false,
        finished: false,
    };
    if std::fs::write(&upload.path, b"").is_err() {
        return reply(StatusCode::INTERNAL_SERVER_ERROR, &[]);
    }
    store.uploads.insert(id.clone(), upload);
    reply(
        StatusCode::CREATED,
        &[
            // Relative: resolved against the address the phone used.
            ("Location", format!("/files/{id}")),
            ("Upload-Expires", expires),
        ],
    )
}

/// What a request may know of upload `id`: its offset, length, file and
/// whether it is finished.
struct Known {
    offset: u64,
    length: u64,
    path: PathBuf,
    finished: bool,
}

/// The upload `id` when the caller's token owns its order and the order
/// still takes photos; else the answer to give.
fn owned(app: &App, id: &str, headers: &HeaderMap) -> Result<Known, StatusCode> {
    let store = app.store();
    let upload = store.uploads.get(id).ok_or(StatusCode::NOT_FOUND)?;
    let order = store
        .orders
        .get(&upload.order_id)
        .ok_or(StatusCode::NOT_FOUND)?;
    let token = bearer(headers);
    if token.is_none() || order.session_token != token {
        return Err(StatusCode::UNAUTHORIZED);
    }
    if !order.accepts_photos(now_unix()) {
        return Err(StatusCode::GONE);
    }
    Ok(Known {
        offset: upload.offset,
        length: upload.length,
        path: upload.path.clone(),
        finished: upload.finished,
    })
}

/// `HEAD /files/{id}`: how much the gateway holds (a finished upload: all).
pub async fn head(State(app): State<App>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match owned(&app, &id, &headers) {
        Ok(known) => reply(
            StatusCode::OK,
            &[
                ("Upload-Offset", known.offset.to_string()),
                ("Upload-Length", known.length.to_string()),
            ],
        ),
        Err(status) => reply(status, &[]),
    }
}

/// The right to write to one upload, held for one `PATCH` and given back
/// however the request ends (answered, failed, or dropped with its
/// connection).
struct Writing {
    app: App,
    id: String,
}

impl Writing {
    /// Takes the right to write to `id`, unless another request holds it.
    fn take(app: &App, id: &str) -> Option<Writing> {
        let mut store = app.store();
        let upload = store.uploads.get_mut(id)?;
        if upload.writing {
            return None;
        }
        upload.writing = true;
        Some(Writing {
            app: app.clone(),
            id: id.to_string(),
        })
    }

    /// Records `offset` bytes as stored.
    fn set_offset(&self, offset: u64) {
        if let Some(upload) = self.app.store().uploads.get_mut(&self.id) {
            upload.offset = offset;
        }
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        if let Some(upload) = self.app.store().uploads.get_mut(&self.id) {
            upload.writing = false;
        }
    }
}

/// `PATCH /files/{id}`: bytes at `Upload-Offset`. With `Upload-Checksum`
/// the chunk is kept only if its sha256 matches (else 460); without, every
/// byte that arrives is kept, so a cut loses nothing already received. A
/// body running past the declared length is refused whole (413), nothing
/// of it kept.
pub async fn patch(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(status) = owned(&app, &id, &headers) {
        return reply(status, &[]);
    }
    if header(&headers, "Content-Type").as_deref() != Some("application/offset+octet-stream") {
        return reply(StatusCode::UNSUPPORTED_MEDIA_TYPE, &[]);
    }
    let Some(writing) = Writing::take(&app, &id) else {
        // Another request is writing to this upload.
        return reply(StatusCode::CONFLICT, &[]);
    };
    // Read again under the right to write: nothing moves it now.
    let known = match owned(&app, &id, &headers) {
        Ok(known) => known,
        Err(status) => return reply(status, &[]),
    };
    let offset = known.offset;
    if header(&headers, "Upload-Offset").and_then(|v| v.parse::<u64>().ok()) != Some(offset) {
        return reply(StatusCode::CONFLICT, &[]);
    }
    if known.finished {
        return reply(
            StatusCode::NO_CONTENT,
            &[("Upload-Offset", known.length.to_string())],
        );
    }
    let checksum = match header(&headers, "Upload-Checksum") {
        None => None,
        Some(value) => match value.split_once(' ') {
            Some(("sha256", digest)) => match BASE64.decode(digest.trim().as_bytes()) {
                Ok(d) => Some(d),
                Err(_) => return reply(StatusCode::BAD_REQUEST, &[]),
            },
            _ => return reply(StatusCode::BAD_REQUEST, &[]),
        },
    };
    let Ok(file) = tokio::fs::OpenOptions::new()
        .write(true)
        .open(&known.path)
        .await
    else {
        return reply(StatusCode::INTERNAL_SERVER_ERROR, &[]);
    };
    // Whatever an earlier, cut request left past the offset goes.
    if file.set_len(offset).await.is_err() {
        return reply(StatusCode::INTERNAL_SERVER_ERROR, &[]);
    }
    let Ok(mut file) = tokio::fs::OpenOptions::new()
        .append(true)
        .open(&known.path)
        .await
    else {
        return reply(StatusCode::INTERNAL_SERVER_ERROR, &[]);
    };
    let mut stream = body.into_data_stream();
    let mut held = Vec::new();
    let mut received = 0u64;
    let mut cut = false;
    while let Some(frame) = stream.next().await {
        let Ok(bytes) = frame else {
            cut = true;
            break;
        };
        if offset + received + bytes.len() as u64 > known.length {
            // Longer than declared: none of this request is kept.
            drop(file);
            if let Ok(f) = std::fs::OpenOptions::new().write(true).open(&known.path) {
                let _ = f.set_len(offset);
            }
            writing.set_offset(offset);
            return reply(StatusCode::PAYLOAD_TOO_LARGE, &[]);
        }
        received += bytes.len() as u64;
        if checksum.is_some() {
            held.extend_from_slice(&bytes);
        } else if file.write_all(&bytes).await.is_err() || file.flush().await.is_err() {
            return reply(StatusCode::INTERNAL_SERVER_ERROR, &[]);
        } else {
            writing.set_offset(offset + received);
        }
    }
    if let Some(expected) = checksum {
        if cut || Sha256::digest(&held).as_slice() != expected.as_slice() {
            return checksum_mismatch();
        }
        if file.write_all(&held).await.is_err() || file.flush().await.is_err() {
            return reply(StatusCode::INTERNAL_SERVER_ERROR, &[]);
        }
        writing.set_offset(offset + received);
    }
    if cut {
        return reply(StatusCode::BAD_REQUEST, &[]);
    }
    let now = offset + received;
    if now == known.length {
        if let Err(response) = finish(&app, &id, &known.path).await {
            return response;
        }
    }
    drop(writing);
    reply(
        StatusCode::NO_CONTENT,
        &[("Upload-Offset", now.to_string())],
    )
}

/// The last byte arrived: the file counts for its slot only if its sha256
/// is the declared one; otherwise it is discarded (460) and the upload
/// starts again from zero. A counted upload stays known as finished.
async fn finish(app: &App, id: &str, path: &std::path::Path) -> Result<(), Response> {
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|_| reply(StatusCode::INTERNAL_SERVER_ERROR, &[]))?;
    let actual = HEXLOWER.encode(&Sha256::digest(&bytes));
    let mut store = app.store();
    let Some(upload) = store.uploads.get_mut(id) else {
        return Err(reply(StatusCode::NOT_FOUND, &[]));
    };
    if actual != upload.sha256 {
        let _ = std::fs::write(path, b"");
        upload.offset = 0;
        tracing::warn!(order = %upload.order_id, "upload discarded: sha256 differs");
        return Err(checksum_mismatch());
    }
    let folder = app.config.dir.join(&upload.order_id);
    let kept = folder.join(format!(
        "{}.{}",
        upload.slot.wire_name(),
        extension_of(&bytes)
    ));
    std::fs::create_dir_all(&folder)
        .and_then(|_| std::fs::rename(path, &kept))
        .map_err(|_| reply(StatusCode::INTERNAL_SERVER_ERROR, &[]))?;
    upload.finished = true;
    upload.path = kept.clone();
    let (order_id, slot, length, metadata) = (
        upload.order_id.clone(),
        upload.slot,
        upload.length,
        upload.metadata.clone(),
    );
    if let Some(order) = store.orders.get_mut(&order_id) {
        *order.completions.entry(slot).or_default() += 1;
        order.received.insert(
            slot,
            Received {
                sha256: actual,
                size: length,
                path: kept,
                metadata,
            },
        );
    }
    tracing::info!(order = %order_id, slot = slot.wire_name(), "photo received");
    Ok(())
}

/// The file extension of a photo's content (`bin` for anything else).
fn extension_of(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "jpg"
    } else if bytes.starts_with(b"\x89PNG") {
        "png"
    } else if bytes.starts_with(b"GIF8") {
        "gif"
    } else {
        "bin"
    }
}

/// `DELETE /files/{id}`: the upload and its bytes go (a finished one's
/// photo stays with its slot).
pub async fn terminate(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(status) = owned(&app, &id, &headers) {
        return reply(status, &[]);
    }
    if let Some(upload) = app.store().uploads.remove(&id) {
        if !upload.finished {
            let _ = std::fs::remove_file(upload.path);
        }
    }
    reply(StatusCode::NO_CONTENT, &[])
}
