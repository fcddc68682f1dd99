//! The gateway's development side (what the filing website would do):
//! create orders and show their QR codes, list what an order received, and
//! act as the reviewer (return to draft, revoke the phone, expire).

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use icp_protocol::order::{
    encode, render_png, render_svg, AdminPhotoFlow, ClaimToken, DocumentKind, OrderPayload,
    Province, Requirements, SubjectType,
};
use icp_protocol::rules::PhoneSteps;
use icp_protocol::wire::OrderStatus;
use serde::{Deserialize, Serialize};

use crate::api::error;
use crate::state::{random_id, Order};
use crate::{now_unix, App};

/// `POST /dev/orders` body: the order the filing website created.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NewOrder {
    /// GB/T 2260 province code (31 = Shanghai).
    pub province_code: u8,
    /// `individual` or `organisation`.
    pub subject: String,
    /// The applicant's name.
    pub applicant: String,
    /// Domain names filed.
    pub domains: Vec<String>,
    /// Seconds the QR code stays valid.
    #[serde(default = "default_validity")]
    pub valid_seconds: u64,
    /// Accept photos without a capture record even where the province's
    /// rules need live capture: for app teams testing uploads of stored
    /// files (and transport tests). Off by default; a production gateway
    /// has no such switch.
    #[serde(default)]
    pub allow_stored_photos: bool,
}

fn default_validity() -> u64 {
    900
}

/// What the phone collects for an order of this province and subject, as
/// the province rules' phone steps say: documents and the owner's face
/// photo (app flow) where the provider's app takes them; the
/// administrator's backdrop photo, taken inside the region, in Shanghai;
/// nothing (`None`: the website takes everything) elsewhere. Returned with
/// the phone steps, which the order view carries.
fn requirements(province: Province, subject: SubjectType) -> Option<(PhoneSteps, Requirements)> {
    let rules = icp_protocol::rules::requirements_for(u32::from(province.code()), subject).ok()?;
    let requirements = match rules.phone_steps {
        PhoneSteps::DocumentsAndOwner => {
            let mut documents = vec![DocumentKind::SubjectId, DocumentKind::AuthenticityStatement];
            if subject == SubjectType::Organisation {
                documents.push(DocumentKind::SubjectLicence);
            }
            documents.sort();
            Requirements {
                documents,
                admin_photo: AdminPhotoFlow::App,
                in_region_verification: rules.in_region_verification,
            }
        }
        PhoneSteps::AdministratorInRegion => Requirements {
            documents: vec![],
            admin_photo: AdminPhotoFlow::Backdrop,
            in_region_verification: rules.in_region_verification,
        },
        PhoneSteps::WebsiteOnly => return None,
    };
    Some((rules.phone_steps, requirements))
}

/// Creates an order and its signed QR code; returns (order id, QR text)
/// or the error code of a bad request.
pub(crate) fn create_order(app: &App, new: NewOrder) -> Result<(String, String), String> {
    let province = Province::from_code(new.province_code).ok_or("unknown_province")?;
    let subject = match new.subject.as_str() {
        "individual" => SubjectType::Individual,
        "organisation" => SubjectType::Organisation,
        _ => return Err("unknown_subject".into()),
    };
    let (phone_steps, requirements) = requirements(province, subject).ok_or("no_phone_steps")?;
    let order_id = format!("ICP-{}", random_id(5).to_ascii_uppercase());
    let payload = OrderPayload {
        order_id: order_id.clone(),
        gateway: app.base.clone(),
        claim_token: ClaimToken::generate(),
        expires_at: now_unix() + new.valid_seconds.max(1),
        province,
        subject,
        requirements,
    };
    let qr_text = encode(&payload, &app.config.issuer).map_err(|e| e.to_string())?;
    let order = Order {
        payload,
        qr_text: qr_text.clone(),
        phone_steps,
        applicant: new.applicant,
        domains: new.domains,
        session_token: None,
        claimed_by: None,
        capture_session: None,
        live_capture: phone_steps.live_capture_required() && !new.allow_stored_photos,
        status: OrderStatus::Open,
        received: Default::default(),
        completions: Default::default(),
        uploads_created: 0,
    };
    app.store().orders.insert(order_id.clone(), order);
    Ok((order_id, qr_text))
}

/// `POST /dev/orders`: creates an order and its signed QR code.
pub async fn create(State(app): State<App>, Json(new): Json<NewOrder>) -> Response {
    match create_order(&app, new) {
        Ok((order_id, qr_text)) => (
            StatusCode::CREATED,
            Json(serde_json::json!({
                "order_id": order_id,
                "qr_text": qr_text,
                "issuer_public_key": app.config.issuer.public_key().to_hex(),
            })),
        )
            .into_response(),
        Err(code) => error(StatusCode::BAD_REQUEST, &code, vec![]),
    }
}

/// What an order received, as the reviewer sees it.
pub(crate) fn listing(order: &Order) -> serde_json::Value {
    serde_json::json!({
        "order": order.view(),
        "applicant": order.applicant,
        "claimed": order.session_token.is_some(),
        "expires_at": order.payload.expires_at,
        "received": order.received,
        "completions": order.completions,
        "uploads_created": order.uploads_created,
    })
}

/// `GET /dev/orders`: every order.
pub async fn list(State(app): State<App>) -> Response {
    let store = app.store();
    Json(store.orders.values().map(listing).collect::<Vec<_>>()).into_response()
}

/// `GET /dev/orders/{id}`: one order and what it received.
pub async fn show(State(app): State<App>, Path(id): Path<String>) -> Response {
    with_order(&app, &id, |order| Json(listing(order)).into_response())
}

fn with_order(app: &App, id: &str, f: impl FnOnce(&mut Order) -> Response) -> Response {
    let mut store = app.store();
    match store.orders.get_mut(id) {
        Some(order) => f(order),
        None => error(StatusCode::NOT_FOUND, "unknown_order", vec![]),
    }
}

/// `GET /dev/orders/{id}/qr.png`.
pub async fn qr_png(State(app): State<App>, Path(id): Path<String>) -> Response {
    with_order(&app, &id, |order| match render_png(&order.qr_text, 8) {
        Ok(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), vec![]),
    })
}

/// `GET /dev/orders/{id}/qr.svg`.
pub async fn qr_svg(State(app): State<App>, Path(id): Path<String>) -> Response {
    with_order(&app, &id, |order| match render_svg(&order.qr_text) {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), vec![]),
    })
}

/// `POST /dev/orders/{id}/return`: the reviewer returns it to draft.
pub async fn return_to_draft(State(app): State<App>, Path(id): Path<String>) -> Response {
    with_order(&app, &id, |order| {
        order.status = OrderStatus::ReturnedToDraft;
        Json(listing(order)).into_response()
    })
}

/// `POST /dev/orders/{id}/revoke`: the phone's token stops working, and
/// claiming again does not bring it back.
pub async fn revoke(State(app): State<App>, Path(id): Path<String>) -> Response {
    with_order(&app, &id, |order| {
        order.session_token = Some(format!("revoked-{}", random_id(8)));
        order.claimed_by = None;
        Json(listing(order)).into_response()
    })
}

/// `POST /dev/orders/{id}/expire`: the order's deadline passes now.
pub async fn expire(State(app): State<App>, Path(id): Path<String>) -> Response {
    with_order(&app, &id, |order| {
        order.payload.expires_at = now_unix();
        Json(listing(order)).into_response()
    })
}

/// `GET /`: the orders with their QR codes, for scanning from a screen.
pub async fn page(State(app): State<App>) -> Html<String> {
    let store = app.store();
    let mut html = String::from(
        "<!doctype html><meta charset=utf-8><title>ICP Filing dev gateway</title>\
         <h1>ICP Filing dev gateway</h1>",
    );
    if store.orders.is_empty() {
        html.push_str("<p>No orders yet: <code>POST /dev/orders</code>.</p>");
    }
    for (id, order) in &store.orders {
        let view = order.view();
        html.push_str(&format!(
            "<section><h2>{id}</h2><p>{:?} · {} · {} of {} photos</p>\
             <img src=\"/dev/orders/{id}/qr.svg\" width=320 alt=\"order QR code\"></section>",
            view.status,
            view.domains.join(", "),
            order.received.len(),
            view.slots.len()
        ));
    }
    Html(html)
}
