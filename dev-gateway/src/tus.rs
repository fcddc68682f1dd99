//! tus 1.0.0 on the gateway: core, creation, checksum (sha256),
//! termination, expiration. Each upload is tied to the claiming phone's
//! order and a slot; when its last byte arrives the whole file's sha256
//! must match the one the phone declared, or the upload is discarded.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use data_encoding::{BASE64, HEXLOWER};
use futures_util::StreamExt;
use icp_companion::session::Slot;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::state::{random_id, Received, Upload};
use crate::{bearer, http_date, now_unix, App};

const EXTENSIONS: &str = "creation,checksum,termination,expiration";

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
    let mut store = app.store.lock().expect("store lock");
    let Some(order) = store.order_for_token(&token) else {
        return reply(StatusCode::UNAUTHORIZED, &[]);
    };
    if !order.accepts_photos(now_unix()) {
        return reply(StatusCode::GONE, &[]);
    }
    let slot = meta.get("slot").and_then(|s| Slot::from_wire(s));
    let sha_ok = meta
        .get("sha256")
        .is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()));
    let (Some(slot), true) = (slot, sha_ok) else {
        return reply(StatusCode::BAD_REQUEST, &[]);
    };
    if meta.get("order") != Some(&order.payload.order_id) || !order.slots().contains(&slot) {
        return reply(StatusCode::BAD_REQUEST, &[]);
    }
    // In-region orders: each photo carries location evidence judged inside.
    let inside = meta
        .get("location")
        .and_then(|json| serde_json::from_str::<serde_json::Value>(json).ok())
        .is_some_and(|evidence| evidence["status"] == "inside");
    if order.payload.requirements.in_region_verification && !inside {
        return reply(StatusCode::BAD_REQUEST, &[]);
    }
    let expires = http_date::format(order.payload.expires_at);
    let id = random_id(16);
    let upload = Upload {
        order_id: order.payload.order_id.clone(),
        slot,
        length,
        offset: 0,
        sha256: meta["sha256"].to_ascii_lowercase(),
        path: app.config.dir.join("uploads").join(&id),
        metadata: meta,
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

/// The upload `id` when the caller's token owns its order and the order
/// still takes photos; else the answer to give.
fn owned(
    app: &App,
    id: &str,
    headers: &HeaderMap,
) -> Result<(u64, u64, std::path::PathBuf), StatusCode> {
    let store = app.store.lock().expect("store lock");
    let upload = store.uploads.get(id).ok_or(StatusCode::NOT_FOUND)?;
    let order = &store.orders[&upload.order_id];
    let token = bearer(headers);
    if token.is_none() || order.session_token != token {
        return Err(StatusCode::UNAUTHORIZED);
    }
    if !order.accepts_photos(now_unix()) {
        return Err(StatusCode::GONE);
    }
    Ok((upload.offset, upload.length, upload.path.clone()))
}

/// `HEAD /files/{id}`: how much the gateway holds.
pub async fn head(State(app): State<App>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match owned(&app, &id, &headers) {
        Ok((offset, length, _)) => reply(
            StatusCode::OK,
            &[
                ("Upload-Offset", offset.to_string()),
                ("Upload-Length", length.to_string()),
            ],
        ),
        Err(status) => reply(status, &[]),
    }
}

/// `PATCH /files/{id}`: bytes at `Upload-Offset`. With `Upload-Checksum`
/// the chunk is kept only if its sha256 matches (else 460); without, every
/// byte that arrives is kept, so a cut loses nothing already received.
pub async fn patch(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let (offset, length, path) = match owned(&app, &id, &headers) {
        Ok(found) => found,
        Err(status) => return reply(status, &[]),
    };
    if header(&headers, "Content-Type").as_deref() != Some("application/offset+octet-stream") {
        return reply(StatusCode::UNSUPPORTED_MEDIA_TYPE, &[]);
    }
    if header(&headers, "Upload-Offset").and_then(|v| v.parse::<u64>().ok()) != Some(offset) {
        return reply(StatusCode::CONFLICT, &[]);
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
    let Ok(mut file) = tokio::fs::OpenOptions::new().append(true).open(&path).await else {
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
        received += bytes.len() as u64;
        if offset + received > length {
            return reply(StatusCode::PAYLOAD_TOO_LARGE, &[]);
        }
        if checksum.is_some() {
            held.extend_from_slice(&bytes);
        } else if file.write_all(&bytes).await.is_err() {
            return reply(StatusCode::INTERNAL_SERVER_ERROR, &[]);
        } else {
            let _ = file.flush().await;
            set_offset(&app, &id, offset + received);
        }
    }
    if let Some(expected) = checksum {
        if cut || Sha256::digest(&held).as_slice() != expected.as_slice() {
            return reply(StatusCode::from_u16(460).expect("valid status"), &[]);
        }
        if file.write_all(&held).await.is_err() || file.flush().await.is_err() {
            return reply(StatusCode::INTERNAL_SERVER_ERROR, &[]);
        }
        set_offset(&app, &id, offset + received);
    }
    if cut {
        return reply(StatusCode::BAD_REQUEST, &[]);
    }
    let now = offset + received;
    if now == length {
        if let Err(response) = finish(&app, &id).await {
            return response;
        }
    }
    reply(
        StatusCode::NO_CONTENT,
        &[("Upload-Offset", now.to_string())],
    )
}

fn set_offset(app: &App, id: &str, offset: u64) {
    if let Some(upload) = app.store.lock().expect("store lock").uploads.get_mut(id) {
        upload.offset = offset;
    }
}

/// The last byte arrived: the file counts for its slot only if its sha256
/// is the declared one; otherwise it is discarded (460).
async fn finish(app: &App, id: &str) -> Result<(), Response> {
    let path = {
        let store = app.store.lock().expect("store lock");
        store.uploads[id].path.clone()
    };
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| reply(StatusCode::INTERNAL_SERVER_ERROR, &[]))?;
    let actual = HEXLOWER.encode(&Sha256::digest(&bytes));
    let mut store = app.store.lock().expect("store lock");
    let upload = store.uploads.remove(id).expect("the upload exists");
    if actual != upload.sha256 {
        let _ = std::fs::remove_file(&path);
        tracing::warn!(order = %upload.order_id, "upload discarded: sha256 differs");
        return Err(reply(StatusCode::from_u16(460).expect("valid status"), &[]));
    }
    let folder = app.config.dir.join(&upload.order_id);
    let kept = folder.join(format!("{}.bin", upload.slot.wire_name()));
    std::fs::create_dir_all(&folder)
        .and_then(|_| std::fs::rename(&path, &kept))
        .map_err(|_| reply(StatusCode::INTERNAL_SERVER_ERROR, &[]))?;
    if let Some(order) = store.orders.get_mut(&upload.order_id) {
        order.received.insert(
            upload.slot,
            Received {
                sha256: actual,
                size: upload.length,
                path: kept,
                metadata: upload.metadata,
            },
        );
    }
    tracing::info!(order = %upload.order_id, slot = upload.slot.wire_name(), "photo received");
    Ok(())
}

/// `DELETE /files/{id}`: the upload and its bytes go.
pub async fn terminate(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(status) = owned(&app, &id, &headers) {
        return reply(status, &[]);
    }
    if let Some(upload) = app.store.lock().expect("store lock").uploads.remove(&id) {
        let _ = std::fs::remove_file(upload.path);
    }
    reply(StatusCode::NO_CONTENT, &[])
}
