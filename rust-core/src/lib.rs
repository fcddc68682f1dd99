//! ICP Filing companion core: the phone side of a Chinese ICP Filing order.
//!
//! Each capability lives in its own module and is plain Rust. The UniFFI
//! façade Android and iOS apps see is the crate `icp-companion-ffi`
//! (`rust-core/ffi`); feature `uniffi` adds the derives it needs to the
//! domain's own records and enums, whose bindings are the `icp_companion_core`
//! namespace.

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

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
