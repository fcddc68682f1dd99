//! The filing session: the phone claims the order named by a verified QR,
//! collects the photos its slots need, uploads them tied to the order and
//! submits it; the gateway's JSON API in `wire`.

mod error;
mod filing;
mod slot;
mod wire;

pub use error::{QueueError, SessionError};
pub use filing::{new_installation_id, FilingSession, LocalSlot, SessionState};
pub use slot::{Inspection, Slot, SlotCheck};
pub use wire::{ClaimRequest, ClaimResponse, ErrorBody, OrderStatus, OrderView, SlotView};
