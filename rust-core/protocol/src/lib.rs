//! What the phone and the filing gateway agree on, without the phone's
//! vision stack: the order QR code (payload, signature, verification,
//! rendering), the gateway's JSON API (claim, order view, slots), the
//! province rules, and the user-facing error trait. The development
//! gateway builds on this alone; the core re-exports it.

pub mod order;
pub mod rules;
pub mod user_facing;
pub mod wire;

// The bindings of this crate's records and enums (namespace of the crate's
// lib name), for the FFI crate; the gateway builds without.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
