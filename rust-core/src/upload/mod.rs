//! Uploading photos tied to an order: the tus 1.0.0 protocol, resumed after
//! any cut, retried with backoff, cancellable, with throttled progress.

mod error;
mod transfer;
mod tus;

pub use error::UploadError;
pub use transfer::{hex, upload, RetryPolicy, Throttle, UploadJob, UploadReport};
pub use tus::{is_secure, Capabilities, Remote, Timeouts, TusClient};
