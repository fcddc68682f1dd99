//! What the phone calls: claim the order, read its status, submit it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use data_encoding::BASE32_NOPAD;
use icp_companion::session::{ClaimRequest, ClaimResponse, ErrorBody, OrderStatus, Slot};

use crate::state::{random_id, Order};
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

/// `POST /api/orders/{id}/claim`: the one-time QR token buys this phone's
/// session token; a second claim is refused.
pub async fn claim(
    State(app): State<App>,
    Path(id): Path<String>,
    Json(request): Json<ClaimRequest>,
) -> Response {
    let mut store = app.store.lock().expect("store lock");
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
    if order.session_token.is_some() {
        return error(StatusCode::CONFLICT, "already_claimed", vec![]);
    }
    let token = random_id(32);
    order.session_token = Some(token.clone());
    tracing::info!(order = %id, "order claimed");
    Json(ClaimResponse {
        session_token: token,
        order: order.view(),
    })
    .into_response()
}

/// The order `id` when `headers` carry its session token.
fn authorised<'a>(
    store: &'a mut crate::state::Store,
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
    let mut store = app.store.lock().expect("store lock");
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
    let mut store = app.store.lock().expect("store lock");
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
