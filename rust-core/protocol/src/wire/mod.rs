//! The gateway's JSON API as the phone sees it (documented in
//! `docs/gateway-api.md`): claiming an order, its status, submitting it.

use serde::{Deserialize, Serialize};

use crate::rules::PhoneSteps;

pub mod capture;
mod slot;

pub use capture::{CaptureClaim, CaptureGrant, CaptureRecord, ProvenanceProblem};
pub use slot::{Slot, SlotCheck};

/// `POST {gateway}/api/orders/{id}/claim` body.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRequest {
    /// The QR's one-time claim token, base32 without padding.
    pub claim_token: String,
    /// The claiming app installation's id: the same installation claiming
    /// again while the code is valid (its first answer was lost) gets the
    /// same session; any other is refused.
    pub installation: String,
}

impl std::fmt::Debug for ClaimRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimRequest").finish_non_exhaustive()
    }
}

/// The answer to a claim: the phone's bearer token and the order.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimResponse {
    /// Bearer token for this phone's requests on the order.
    pub session_token: String,
    /// The capture session: the key live photos' records are authenticated
    /// with.
    pub capture: CaptureGrant,
    /// The order as the phone shows it.
    pub order: OrderView,
}

impl std::fmt::Debug for ClaimResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimResponse")
            .field("session_token", &"<redacted>")
            .field("capture", &self.capture)
            .field("order", &self.order)
            .finish()
    }
}

/// Where the order stands at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum OrderStatus {
    /// Accepting photos.
    Open,
    /// Submitted for review; no more photos.
    Submitted,
    /// The reviewer returned it to draft: photos may be uploaded again.
    ReturnedToDraft,
    /// Past its deadline.
    Expired,
}

/// One slot as the gateway sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SlotView {
    /// Which photo.
    pub slot: Slot,
    /// Whether the order needs it.
    pub required: bool,
    /// Whether it must carry location evidence (in-region orders).
    pub needs_location: bool,
    /// Whether it must come from the core's live capture, with its capture
    /// record (the province's phone app accepts camera photos only).
    #[serde(default)]
    pub live_capture: bool,
    /// The sha256 of the photo the gateway holds and verified, if any.
    pub received_sha256: Option<String>,
}

/// "The order information verified on this mobile phone": what the app
/// shows the applicant after claiming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OrderView {
    /// The order's id.
    pub order_id: String,
    /// The applicant's name, masked by the gateway (e.g. `张*明`).
    pub applicant_masked: String,
    /// The domain names filed.
    pub domains: Vec<String>,
    /// GB/T 2260 code of the province.
    pub province_code: u8,
    /// `individual` or `organisation`.
    pub subject: String,
    /// Where the order stands.
    pub status: OrderStatus,
    /// Which steps this province does on a phone, and with which app (the
    /// province rules' phone steps the order was filed under).
    pub phone_steps: PhoneSteps,
    /// The photos it collects.
    pub slots: Vec<SlotView>,
}

/// An error answer: a stable code and, for `incomplete`, the missing slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// E.g. `already_claimed`, `order_expired`, `incomplete`.
    pub code: String,
    /// Slots still missing (for `incomplete`).
    #[serde(default)]
    pub missing: Vec<Slot>,
}
