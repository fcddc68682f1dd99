//! The gateway's orders and uploads, in memory, with the files on disk.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use icp_protocol::order::{OrderPayload, SubjectType};
use icp_protocol::rules::PhoneSteps;
use icp_protocol::wire::{OrderStatus, OrderView, Slot, SlotView};
use serde::Serialize;

/// A photo the gateway holds for a slot, its sha256 verified.
#[derive(Debug, Clone, Serialize)]
pub struct Received {
    /// Hex sha256 of the bytes, checked against the upload's metadata.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Where it is stored.
    pub path: PathBuf,
    /// The upload's metadata (capture time, checks, location evidence...).
    pub metadata: BTreeMap<String, String>,
}

/// One order.
#[derive(Debug)]
pub struct Order {
    /// What its QR code says.
    pub payload: OrderPayload,
    /// The QR text (to show it again).
    pub qr_text: String,
    /// What the province does on a phone, and with which app.
    pub phone_steps: PhoneSteps,
    /// The applicant's full name (shown masked to the phone).
    pub applicant: String,
    /// Domain names filed.
    pub domains: Vec<String>,
    /// The bearer token of the phone that claimed it.
    pub session_token: Option<String>,
    /// The app installation that claimed it (its retries get the same token).
    pub claimed_by: Option<String>,
    /// Whether its photos must carry a capture record (the province's rules,
    /// unless the order was created allowing stored photos).
    pub live_capture: bool,
    /// The capture session granted at the latest claim (an id in
    /// [`Store::capture_sessions`]).
    pub capture_session: Option<String>,
    /// Whether the reviewer submitted, returned or expired it.
    pub status: OrderStatus,
    /// Verified photos, by slot.
    pub received: BTreeMap<Slot, Received>,
    /// How many uploads completed and verified for each slot (a photo sent
    /// twice shows here).
    pub completions: BTreeMap<Slot, u32>,
    /// How many uploads phones created for the order (resumed ones count once).
    pub uploads_created: u32,
}

impl Order {
    /// The slots the order collects.
    pub fn slots(&self) -> Vec<Slot> {
        Slot::required_by(&self.payload.requirements)
            .into_iter()
            .map(|(slot, _)| slot)
            .collect()
    }

    /// The order as the phone shows it.
    pub fn view(&self) -> OrderView {
        let in_region = self.payload.requirements.in_region_verification;
        OrderView {
            order_id: self.payload.order_id.clone(),
            applicant_masked: mask(&self.applicant),
            domains: self.domains.clone(),
            province_code: self.payload.province.code(),
            subject: match self.payload.subject {
                SubjectType::Individual => "individual".into(),
                SubjectType::Organisation => "organisation".into(),
            },
            status: self.status,
            phone_steps: self.phone_steps,
            slots: self
                .slots()
                .into_iter()
                .map(|slot| SlotView {
                    slot,
                    required: true,
                    needs_location: in_region,
                    live_capture: self.live_capture,
                    received_sha256: self.received.get(&slot).map(|r| r.sha256.clone()),
                })
                .collect(),
        }
    }

    /// Whether photos may be uploaded now.
    pub fn accepts_photos(&self, now_unix: u64) -> bool {
        now_unix < self.payload.expires_at
            && matches!(
                self.status,
                OrderStatus::Open | OrderStatus::ReturnedToDraft
            )
    }
}

/// A name with every character but the first and last masked (`张*明`,
/// `L*****i`); one- and two-character names keep only the first.
pub fn mask(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// An upload in progress, or finished (then kept so that `HEAD` still
/// answers).
#[derive(Debug)]
pub struct Upload {
    /// The order it belongs to.
    pub order_id: String,
    /// The slot it fills.
    pub slot: Slot,
    /// Declared length.
    pub length: u64,
    /// Bytes stored.
    pub offset: u64,
    /// The sha256 the phone declared.
    pub sha256: String,
    /// Where the bytes go.
    pub path: PathBuf,
    /// All metadata.
    pub metadata: BTreeMap<String, String>,
    /// A `PATCH` is writing to it now.
    pub writing: bool,
    /// Every byte arrived and the file counted for its slot.
    pub finished: bool,
}

/// A capture session granted at a claim: its key authenticates the
/// capture records of the photos taken under it.
pub struct CaptureSession {
    /// The order whose claim it was granted to.
    pub order_id: String,
    /// The HMAC-SHA256 key.
    pub key: [u8; icp_protocol::wire::capture::KEY_BYTES],
    /// Photos captured after this Unix second do not count.
    pub expires_at: u64,
}

impl std::fmt::Debug for CaptureSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureSession")
            .field("order_id", &self.order_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Everything the gateway holds.
#[derive(Debug, Default)]
pub struct Store {
    /// Orders by id.
    pub orders: BTreeMap<String, Order>,
    /// Uploads by id.
    pub uploads: HashMap<String, Upload>,
    /// Every capture session granted, expired ones too (photos captured
    /// before the expiry still count), by id.
    pub capture_sessions: HashMap<String, CaptureSession>,
}

impl Store {
    /// The order a bearer token may act on.
    pub fn order_for_token_mut(&mut self, token: &str) -> Option<&mut Order> {
        self.orders
            .values_mut()
            .find(|o| o.session_token.as_deref() == Some(token))
    }
}

/// A random id of `bytes` bytes, base32 lower case.
pub fn random_id(bytes: usize) -> String {
    data_encoding::BASE32_NOPAD
        .encode(&random_bytes(vec![0u8; bytes]))
        .to_ascii_lowercase()
}

/// `buffer` filled from the OS random source.
pub fn random_bytes<B: AsMut<[u8]>>(mut buffer: B) -> B {
    getrandom::fill(buffer.as_mut()).expect("the OS random source is available");
    buffer
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_masked() {
        assert_eq!(super::mask("张晓明"), "张*明");
        assert_eq!(super::mask("李四"), "李*");
        assert_eq!(super::mask("Li Wei"), "L****i");
        assert_eq!(super::mask(""), "");
    }
}
