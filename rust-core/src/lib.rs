//! ICP Filing companion core: the phone side of a Chinese ICP Filing order.
//!
//! Each capability lives in its own module and is usable from plain Rust; the
//! `ffi` module (feature `ffi`, on by default) is the thin UniFFI façade that
//! Android and iOS apps see.

pub mod camera;
pub mod http;
pub mod imaging;
pub mod inspect;
pub mod logging;
pub mod read;
pub mod scan;
pub mod session;
pub mod upload;

/// The order QR code, the province rules and the user-facing error trait,
/// shared with the gateway (crate `icp-companion-protocol`).
pub use icp_protocol::{order, rules, user_facing};

/// Shanghai's in-region rule (crate `icp-companion-location`, shared with
/// the gateway, which judges the evidence again).
pub use icp_location as location;

#[cfg(feature = "ffi")]
pub mod ffi;

#[cfg(feature = "ffi")]
uniffi::setup_scaffolding!();
