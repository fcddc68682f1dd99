//! Uploading photos tied to an order: the tus 1.0.0 protocol, resumed after
//! any cut, retried with backoff, cancellable, with throttled progress,
//! from an encrypted queue on disk that survives the app being killed.

mod drain;
mod error;
mod queue;
mod transfer;
mod tus;

pub use drain::{drain, DrainSettings, Drained};
pub use error::UploadError;
pub use queue::{Entry, UploadQueue};
pub use transfer::{hex, upload, RetryPolicy, Throttle, UploadJob, UploadReport};
pub use tus::{is_secure, Capabilities, Remote, Timeouts, TusClient};
