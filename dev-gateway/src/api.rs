//! What the phone calls: claim the order, read its status, submit it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_encoding::{BASE32_NOPAD, BASE64};
use icp_protocol::wire::{
    capture::KEY_BYTES, CaptureGrant, ClaimRequest, ClaimResponse, ErrorBody, OrderStatus, Slot,
};

use crate::state::{random_bytes, random_id, CaptureSession, Order, Store};
use crate::{bearer, now_unix, App};

/// An error answer with a stable code.
pub fn error(status: StatusCode, code: &str, missing: Vec<Slot>) -> Response {
    (
        status,
        Json(ErrorBody {
            code: code.into(),
            missing,
        }),
    )
        .into_response()
}

/// Marks an order past its deadline as expired.
fn settle(order: &mut Order) {
    if now_unix() >= order.payload.expires_at && order.status != OrderStatus::Submitted {
        order.status = OrderStatus::Expired;
    }
}

/// `POST /api/orders/{id}/claim`: the one-time QR token buys the claiming
/// installation's session token and a capture session. The same
/// installation claiming again while the code is valid (its answer was
/// lost) gets the same token, and the same capture session while it lasts;
/// any other claim is refused.
pub async fn claim(
    State(app): State<App>,
    Path(id): Path<String>,
    Json(request): Json<ClaimRequest>,
) -> Response {
    let mut store = app.store();
    let store = &mut *store;
    let Some(order) = store.orders.get_mut(&id) else {
        return error(StatusCode::NOT_FOUND, "unknown_order", vec![]);
    };
    settle(order);
    if order.status == OrderStatus::Expired {
        return error(StatusCode::GONE, "order_expired", vec![]);
    }
    let presented = BASE32_NOPAD.decode(request.claim_token.as_bytes()).ok();
    if presented.as_deref() != Some(&order.payload.claim_token.0[..]) {
        return error(StatusCode::FORBIDDEN, "claim_refused", vec![]);
    }
    let token = match (&order.claimed_by, &order.session_token) {
        (Some(by), Some(token)) if *by == request.installation => {
            tracing::info!(order = %id, "order claimed again by the same installation");
            token.clone()
        }
        (None, None) => {
            let token = random_id(32);
            order.session_token = Some(token.clone());
            order.claimed_by = Some(request.installation);
            tracing::info!(order = %id, "order claimed");
            token
        }
        _ => return error(StatusCode::CONFLICT, "already_claimed", vec![]),
    };
    let capture = capture_grant(
        order,
        &mut store.capture_sessions,
        app.config.capture_session_seconds,
    );
    Json(ClaimResponse {
        session_token: token,
        capture,
        order: order.view(),
    })
    .into_response()
}

/// The order's current capture session, or a new one when it has none or
/// it expired; at most `seconds` long and never past the order's deadline.
fn capture_grant(
    order: &mut Order,
    sessions: &mut std::collections::HashMap<String, CaptureSession>,
    seconds: u64,
) -> CaptureGrant {
    let now = now_unix();
    let current = order
        .capture_session
        .as_ref()
        .and_then(|id| Some((id.clone(), sessions.get(id)?)))
        .filter(|(_, s)| now < s.expires_at);
    let (id, session) = match current {
        Some(found) => found,
        None => {
            let id = random_id(10);
            let session = CaptureSession {
                order_id: order.payload.order_id.clone(),
                key: random_bytes([0u8; KEY_BYTES]),
                expires_at: (now + seconds).min(order.payload.expires_at),
            };
            order.capture_session = Some(id.clone());
            (id.clone(), &*sessions.entry(id).or_insert(session))
        }
    };
    CaptureGrant {
        session: id,
        key: BASE64.encode(&session.key),
        expires_at: session.expires_at,
    }
}

/// The order `id` when `headers` carry its session token.
fn authorised<'a>(
    store: &'a mut Store,
    id: &str,
    headers: &HeaderMap,
) -> Result<&'a mut Order, (StatusCode, &'static str)> {
    let token = bearer(headers);
    let order = store
        .orders
        .get_mut(id)
        .ok_or((StatusCode::NOT_FOUND, "unknown_order"))?;
    if token.is_none() || order.session_token != token {
        return Err((StatusCode::UNAUTHORIZED, "unauthorized"));
    }
    settle(order);
    Ok(order)
}

/// `GET /api/orders/{id}`: the order as the phone shows it.
pub async fn status(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut store = app.store();
    match authorised(&mut store, &id, &headers) {
        Ok(order) => Json(order.view()).into_response(),
        Err((status, code)) => error(status, code, vec![]),
    }
}

/// `POST /api/orders/{id}/submit`: for review, once every slot is filled.
pub async fn submit(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let mut store = app.store();
    let order = match authorised(&mut store, &id, &headers) {
        Ok(order) => order,
        Err((status, code)) => return error(status, code, vec![]),
    };
    if !order.accepts_photos(now_unix()) {
        return error(StatusCode::GONE, "order_closed", vec![]);
    }
    let missing: Vec<Slot> = order
        .slots()
        .into_iter()
        .filter(|s| !order.received.contains_key(s))
        .collect();
    if !missing.is_empty() {
        return error(StatusCode::CONFLICT, "incomplete", missing);
    }
    order.status = OrderStatus::Submitted;
    tracing::info!(order = %id, "order submitted");
    Json(order.view()).into_response()
}
