//! The order QR code: a signed, expiring, versioned payload that tells the
//! phone which ICP Filing order it works on and which gateway receives the
//! photos. See `docs/order-qr.md` for the wire format.

mod codec;
mod error;
mod gateway;
mod keys;
mod model;
mod province;
mod render;
mod verify;

pub use codec::{encode, MAX_QR_VERSION};
pub use error::OrderError;
pub use gateway::Gateway;
pub use keys::{IssuerPublicKey, IssuerSigningKey, KeyId};
pub use model::{
    AdminPhotoFlow, ClaimToken, DocumentKind, OrderPayload, Requirements, SubjectType,
};
pub use province::Province;
pub use render::{render_png, render_svg, QrMatrix};
pub use verify::{parse_and_verify, TrustPolicy, VerifiedOrder};
