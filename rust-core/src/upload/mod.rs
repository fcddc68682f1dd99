//! Uploading photos tied to an order: the tus 1.0.0 protocol, resumed after
//! any cut, retried with backoff, cancellable, with throttled progress,
//! from an encrypted queue on disk that survives the app being killed.

mod drain;
mod error;
mod queue;
mod receipt;
mod transfer;
mod tus;

pub use drain::{drain, DrainSettings, Drained};
pub use error::UploadError;
pub use queue::{Entry, Listing, Quarantined, UploadQueue};
pub use receipt::Receipt;
pub use transfer::{hex, upload, RetryPolicy, Throttle, UploadJob, UploadReport};
pub use tus::{Capabilities, Remote, TusClient};
