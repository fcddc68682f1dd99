//! What an order QR code says about the order.

use super::{Gateway, Province};

/// Who applies for the filing; decides the seal/signature rules later on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SubjectType {
    /// A natural person (个人).
    Individual,
    /// A company or other organisation (单位).
    Organisation,
}

impl SubjectType {
    /// The subject type as the applicant reads it, in English.
    pub fn name_en(self) -> &'static str {
        match self {
            SubjectType::Individual => "individual",
            SubjectType::Organisation => "organisation",
        }
    }

    /// The same in Simplified Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            SubjectType::Individual => "个人",
            SubjectType::Organisation => "单位",
        }
    }
}

/// A document photo the order needs (seed: "Document upload requirements").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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

    /// The document as the applicant reads it, in English.
    pub fn name_en(self) -> &'static str {
        match self {
            DocumentKind::SubjectId => "contact person's ID document",
            DocumentKind::OwnerId => "website owner's ID document",
            DocumentKind::SubjectLicence => "applicant's licence",
            DocumentKind::AuthenticityStatement => "authenticity statement",
            DocumentKind::DomainCertificate => "domain name certificate",
        }
    }

    /// The same in Simplified Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            DocumentKind::SubjectId => "主体负责人证件",
            DocumentKind::OwnerId => "网站负责人证件",
            DocumentKind::SubjectLicence => "主体证件（营业执照等）",
            DocumentKind::AuthenticityStatement => "真实性核验单",
            DocumentKind::DomainCertificate => "域名证书",
        }
    }
}

/// How the website administrator's photo is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AdminPhotoFlow {
    /// The order needs no administrator photo.
    None,
    /// In front of the blue photo backdrop mailed by the provider.
    Backdrop,
    /// Face verification in the app, on a white backdrop.
    App,
}

impl AdminPhotoFlow {
    /// The flow as the applicant reads it, in English.
    pub fn name_en(self) -> &'static str {
        match self {
            AdminPhotoFlow::None => "no administrator photo",
            AdminPhotoFlow::Backdrop => "administrator photo in front of the blue photo backdrop",
            AdminPhotoFlow::App => "administrator face photo in the app, on a white background",
        }
    }

    /// The same in Simplified Chinese.
    pub fn name_zh(self) -> &'static str {
        match self {
            AdminPhotoFlow::None => "无需网站负责人照片",
            AdminPhotoFlow::Backdrop => "网站负责人在蓝色幕布前的照片",
            AdminPhotoFlow::App => "在应用中拍摄网站负责人人脸照片（白色背景）",
        }
    }
}

/// The verification an order needs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

// Apps hold a claim token as its 16 bytes.
#[cfg(feature = "uniffi")]
uniffi::custom_type!(ClaimToken, Vec<u8>, {
    lower: |token| token.0.to_vec(),
    try_lift: |bytes| Ok(ClaimToken(bytes.try_into().map_err(|_| {
        super::OrderError::invalid("a claim token is 16 bytes", "领取令牌应为 16 字节")
    })?)),
});
