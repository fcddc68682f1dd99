//! The filing session: the phone claims the order named by a verified QR,
//! collects the photos its slots need, uploads them tied to the order and
//! submits it; the gateway's JSON API is `icp_protocol::wire`.

mod error;
mod filing;
mod inspection;

pub use error::{QueueError, SessionError};
pub use filing::{new_installation_id, FilingSession, LocalSlot, SessionState};
pub use icp_protocol::wire::{
    ClaimRequest, ClaimResponse, ErrorBody, OrderStatus, OrderView, Slot, SlotCheck, SlotView,
};
pub use inspection::{inspection, Inspection};
