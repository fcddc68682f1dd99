//! A small filing gateway for app teams and tests, on loopback: it creates
//! orders and shows their QR codes, and accepts what the phone does —
//! claim, tus 1.0.0 uploads (with the checksum extension), submit — storing
//! the photos on disk. The API is documented in `docs/gateway-api.md`.

mod admin;
mod api;
mod evidence;
mod state;
mod tus;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::routing::{get, post};
use axum::Router;
use icp_protocol::order::{Gateway, IssuerSigningKey};

pub use admin::NewOrder;
pub use state::mask;

/// How the gateway runs.
pub struct Config {
    /// Where photos are stored.
    pub dir: PathBuf,
    /// The key order codes are signed with.
    pub issuer: IssuerSigningKey,
    /// Largest photo accepted, bytes.
    pub max_photo_bytes: u64,
    /// The base URL order codes name, when phones reach the gateway through
    /// something in front of it (a proxy in tests); by default where it
    /// listens.
    pub advertise: Option<Gateway>,
    /// How long a capture session granted at claim lasts, seconds (never
    /// beyond the order's deadline); [`CAPTURE_SESSION_SECONDS`] by default.
    pub capture_session_seconds: u64,
}

/// Default lifetime of a capture session: 6 hours, a working day's
/// photographing; the same installation claiming again afterwards gets a
/// new one.
pub const CAPTURE_SESSION_SECONDS: u64 = 6 * 3600;

/// The shared state of the handlers.
struct Shared {
    config: Config,
    base: Gateway,
    store: Mutex<state::Store>,
}

impl Shared {
    /// The store, locked. A handler that panicked while holding the lock
    /// leaves the store as it was at its last complete step (every handler
    /// checks before it changes anything), so the lock is taken back rather
    /// than failing every later request.
    fn store(&self) -> MutexGuard<'_, state::Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

type App = Arc<Shared>;

/// A running gateway.
pub struct DevGateway {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its base URL (what order codes name).
    pub base: Gateway,
    shared: App,
    task: tokio::task::JoinHandle<()>,
}

impl DevGateway {
    /// Starts the gateway on `addr` (port 0: any free port).
    pub async fn start(addr: SocketAddr, config: Config) -> std::io::Result<DevGateway> {
        std::fs::create_dir_all(config.dir.join("uploads"))?;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let base = match &config.advertise {
            Some(base) => base.clone(),
            None => Gateway::parse(&format!("http://{addr}"))
                .map_err(|e| std::io::Error::other(e.to_string()))?,
        };
        let shared = Arc::new(Shared {
            config,
            base: base.clone(),
            store: Mutex::new(state::Store::default()),
        });
        let router = router(shared.clone());
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, router).await {
                tracing::error!("gateway stopped: {e}");
            }
        });
        Ok(DevGateway {
            addr,
            base,
            shared,
            task,
        })
    }

    /// Creates an order as the filing website would: (order id, QR text).
    pub fn create_order(&self, new: NewOrder) -> Result<(String, String), String> {
        admin::create_order(&self.shared, new)
    }

    /// What order `id` received, as `GET /dev/orders/{id}` shows it.
    pub fn listing(&self, id: &str) -> Option<serde_json::Value> {
        let store = self.shared.store();
        store.orders.get(id).map(admin::listing)
    }

    /// Waits until the gateway stops (it runs until the process ends).
    pub async fn wait(mut self) {
        let task = std::mem::replace(&mut self.task, tokio::spawn(async {}));
        let _ = task.await;
    }
}

impl Drop for DevGateway {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn router(app: App) -> Router {
    Router::new()
        .route("/", get(admin::page))
        .route("/api/orders/{id}", get(api::status))
        .route("/api/orders/{id}/claim", post(api::claim))
        .route("/api/orders/{id}/submit", post(api::submit))
        .route("/files", post(tus::create).options(tus::options))
        .route(
            "/files/{upload}",
            axum::routing::head(tus::head)
                .patch(tus::patch)
                .delete(tus::terminate)
                .options(tus::options),
        )
        .route("/dev/orders", post(admin::create).get(admin::list))
        .route("/dev/orders/{id}", get(admin::show))
        .route("/dev/orders/{id}/qr.png", get(admin::qr_png))
        .route("/dev/orders/{id}/qr.svg", get(admin::qr_svg))
        .route("/dev/orders/{id}/return", post(admin::return_to_draft))
        .route("/dev/orders/{id}/revoke", post(admin::revoke))
        .route("/dev/orders/{id}/expire", post(admin::expire))
        .with_state(app)
}

/// Unix seconds now.
fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Unix milliseconds now.
fn now_unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The bearer token of a request, if any.
fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::to_string)
}
