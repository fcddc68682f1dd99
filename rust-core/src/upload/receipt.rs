//! How the phone learns that the gateway holds a photo, whatever its tus
//! server remembers: the order's status answer lists, per slot, the sha256
//! of the photo the gateway holds and verified. A photo is deleted from the
//! queue, or sent again after its upload was forgotten, only on that word.

use serde::{Deserialize, Serialize};
use url::Url;

/// Where to ask, and what the answer must say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The order's status (`GET`, with the phone's bearer token), on the
    /// upload endpoint's origin.
    pub status_url: Url,
    /// The slot's wire name, e.g. `admin_photo`.
    pub slot: String,
    /// The photo's sha256, lower-case hex.
    pub sha256: String,
}
