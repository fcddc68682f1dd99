//! What an order QR code says about the order.

use super::{Gateway, Province};

/// Who applies for the filing; decides the seal/signature rules later on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum SubjectType {
    /// A natural person (个人).
    Individual,
    /// A company or other organisation (单位).
    Organisation,
}

/// A document photo the order needs (seed: "Document upload requirements").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum DocumentKind {
    /// ID document of the subject's contact person.
    SubjectId,
    /// ID document of the website owner.
    OwnerId,
    /// Licence (business licence or similar) of the applying entity.
    SubjectLicence,
    /// The signed (and, for organisations, sealed) authenticity statement.
    AuthenticityStatement,
    /// Domain name certificate.
    DomainCertificate,
}

impl DocumentKind {
    /// Every kind, in wire-bit order (bit 0 first).
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::SubjectId,
        DocumentKind::OwnerId,
        DocumentKind::SubjectLicence,
        DocumentKind::AuthenticityStatement,
        DocumentKind::DomainCertificate,
    ];
}

/// How the website administrator's photo is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum AdminPhotoFlow {
    /// The order needs no administrator photo.
    None,
    /// In front of the blue photo backdrop mailed by the provider.
    Backdrop,
    /// Face verification in the app, on a white backdrop.
    App,
}

/// The verification an order needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Requirements {
    /// Document photos to upload, without duplicates, in [`DocumentKind::ALL`] order.
    pub documents: Vec<DocumentKind>,
    /// The administrator photo flow.
    pub admin_photo: AdminPhotoFlow,
    /// Photos must be taken inside the province (Shanghai's rule).
    pub in_region_verification: bool,
}

/// The one-time secret the phone presents to claim the order. Its `Debug`
/// never shows the bytes, so it cannot leak through logs.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimToken(pub [u8; 16]);

impl ClaimToken {
    /// A fresh random token from the operating system's CSPRNG.
    pub fn generate() -> ClaimToken {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the OS random source is available");
        ClaimToken(bytes)
    }
}

impl std::fmt::Debug for ClaimToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClaimToken(<redacted>)")
    }
}

/// Everything an order QR code carries besides the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct OrderPayload {
    /// The filing order's id: 1–32 characters of `A–Z a–z 0–9 - _`.
    pub order_id: String,
    /// Where the photos go; checked against the app's allow-list.
    pub gateway: Gateway,
    /// One-time claim token.
    pub claim_token: ClaimToken,
    /// Expiry, Unix seconds (UTC). The code is refused from this instant on.
    pub expires_at: u64,
    /// Province of the filing.
    pub province: Province,
    /// Individual or organisation.
    pub subject: SubjectType,
    /// What the order needs from the phone.
    pub requirements: Requirements,
}
