//! The protocol crate's types as the FFI carries them. They are defined in
//! `icp-companion-protocol`, which knows nothing of UniFFI (the gateway
//! builds it); UniFFI's remote derives need each definition restated here.
//! The compiler checks every restatement against the real type: a field or
//! variant that differs does not build.

use icp_companion_core::order::{
    AdminPhotoFlow, ClaimToken, DocumentKind, Gateway, OrderPayload, Province, Requirements,
    SubjectType, VerifiedOrder,
};
use icp_companion_core::rules::{DomainListing, FilingRules, PhoneSteps, RuleNote, StatementMark};
use icp_companion_core::session::{OrderStatus, OrderView, Slot, SlotView};

/// Who applies for the filing; decides the seal/signature rules later on.
#[uniffi::remote(Enum)]
pub enum SubjectType {
    /// A natural person (个人).
    Individual,
    /// A company or other organisation (单位).
    Organisation,
}

/// A document photo the order needs (seed: "Document upload requirements").
#[uniffi::remote(Enum)]
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

/// How the website administrator's photo is taken.
#[uniffi::remote(Enum)]
pub enum AdminPhotoFlow {
    /// The order needs no administrator photo.
    None,
    /// In front of the blue photo backdrop mailed by the provider.
    Backdrop,
    /// Face verification in the app, on a white backdrop.
    App,
}

/// The verification an order needs.
#[uniffi::remote(Record)]
pub struct Requirements {
    /// Document photos to upload, without duplicates, in [`DocumentKind::ALL`] order.
    pub documents: Vec<DocumentKind>,
    /// The administrator photo flow.
    pub admin_photo: AdminPhotoFlow,
    /// Photos must be taken inside the province (Shanghai's rule).
    pub in_region_verification: bool,
}

/// Everything an order QR code carries besides the signature.
#[uniffi::remote(Record)]
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

/// A provincial-level division where ICP Filing applies, identified on the
/// wire by its two-digit GB/T 2260 code (Shanghai is 31).
#[uniffi::remote(Enum)]
pub enum Province {
    /// 北京 Beijing (11).
    Beijing,
    /// 天津 Tianjin (12).
    Tianjin,
    /// 河北 Hebei (13).
    Hebei,
    /// 山西 Shanxi (14).
    Shanxi,
    /// 内蒙古 Inner Mongolia (15).
    InnerMongolia,
    /// 辽宁 Liaoning (21).
    Liaoning,
    /// 吉林 Jilin (22).
    Jilin,
    /// 黑龙江 Heilongjiang (23).
    Heilongjiang,
    /// 上海 Shanghai (31).
    Shanghai,
    /// 江苏 Jiangsu (32).
    Jiangsu,
    /// 浙江 Zhejiang (33).
    Zhejiang,
    /// 安徽 Anhui (34).
    Anhui,
    /// 福建 Fujian (35).
    Fujian,
    /// 江西 Jiangxi (36).
    Jiangxi,
    /// 山东 Shandong (37).
    Shandong,
    /// 河南 Henan (41).
    Henan,
    /// 湖北 Hubei (42).
    Hubei,
    /// 湖南 Hunan (43).
    Hunan,
    /// 广东 Guangdong (44).
    Guangdong,
    /// 广西 Guangxi (45).
    Guangxi,
    /// 海南 Hainan (46).
    Hainan,
    /// 重庆 Chongqing (50).
    Chongqing,
    /// 四川 Sichuan (51).
    Sichuan,
    /// 贵州 Guizhou (52).
    Guizhou,
    /// 云南 Yunnan (53).
    Yunnan,
    /// 西藏 Tibet (54).
    Tibet,
    /// 陕西 Shaanxi (61).
    Shaanxi,
    /// 甘肃 Gansu (62).
    Gansu,
    /// 青海 Qinghai (63).
    Qinghai,
    /// 宁夏 Ningxia (64).
    Ningxia,
    /// 新疆 Xinjiang (65).
    Xinjiang,
}

/// An order code that passed every check.
#[uniffi::remote(Record)]
pub struct VerifiedOrder {
    /// The signed content.
    pub payload: OrderPayload,
    /// Id of the key that signed it (8 hex digits).
    pub issuer_key_id: String,
}

/// How the authenticity statement is authenticated.
#[uniffi::remote(Enum)]
pub enum StatementMark {
    /// The organisation's official seal (organisations, everywhere).
    OfficialSeal,
    /// The individual's clear signature in black ink.
    Signature,
    /// Signature and fingerprint (individuals in Jiangxi and Xinjiang).
    Fingerprint,
}

/// How several domain names go on the authenticity statement.
#[uniffi::remote(Enum)]
pub enum DomainListing {
    /// All on one form, overflowing into its free space.
    OneFormFreeSpace,
    /// All in the domain area, on the widened form if needed.
    WidenedDomainArea,
    /// A separate list attached to the form, sealed or signed.
    AttachedList,
}

/// What an applicant in a province does on a phone, and with which app.
#[uniffi::remote(Enum)]
pub enum PhoneSteps {
    /// Upload the documents and verify the website owner with the filing
    /// provider's app (Guangdong, Chongqing, Liaoning, Anhui, Fujian).
    DocumentsAndOwner,
    /// Verify the website administrator with the Shanghai Communications
    /// Administration app, inside Shanghai; documents on the website.
    AdministratorInRegion,
    /// Nothing yet: everything on the filing website.
    WebsiteOnly,
}

/// One rule that applies, as guidance the app can show.
#[uniffi::remote(Record)]
pub struct RuleNote {
    /// Stable code, e.g. `rules.fingerprint`.
    pub code: String,
    /// English text.
    pub text_en: String,
    /// Simplified Chinese text.
    pub text_zh: String,
}

/// What a filing in a province, for a subject type, requires of the applicant.
#[uniffi::remote(Record)]
pub struct FilingRules {
    /// The province.
    pub province: Province,
    /// Individual or organisation.
    pub subject: SubjectType,
    /// What the applicant does on a phone, and with which app.
    pub phone_steps: PhoneSteps,
    /// Verification photos must be taken inside the province (Shanghai).
    pub in_region_verification: bool,
    /// The verifying phone number must be the administrator's filed number.
    pub admin_phone_must_match: bool,
    /// Seal, signature or fingerprint on the authenticity statement.
    pub statement_mark: StatementMark,
    /// The individual's written declaration is required (Guangdong).
    pub statement_declaration: bool,
    /// How several domain names are listed.
    pub domain_listing: DomainListing,
    /// Photo backdrops go to mainland China addresses only.
    pub backdrop_mailing_mainland_only: bool,
    /// Days an ID document or licence must still be valid for on the day it
    /// is photographed, so that it outlasts the review.
    pub min_document_validity_days: u32,
    /// Every rule above that asks something of the applicant, as text.
    pub notes: Vec<RuleNote>,
    /// Revision of the rules table these come from.
    pub rules_version: String,
}

/// Where the order stands at the gateway.
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Record)]
pub struct SlotView {
    /// Which photo.
    pub slot: Slot,
    /// Whether the order needs it.
    pub required: bool,
    /// Whether it must carry location evidence (in-region orders).
    pub needs_location: bool,
    /// Whether it must come from the core's live capture (queue the
    /// capture session's still unchanged).
    pub live_capture: bool,
    /// The sha256 of the photo the gateway holds and verified, if any.
    pub received_sha256: Option<String>,
}

/// "The order information verified on this mobile phone": what the app
/// shows the applicant after claiming.
#[uniffi::remote(Record)]
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

/// A photo the order collects.
#[uniffi::remote(Enum)]
pub enum Slot {
    /// ID document of the subject's contact person.
    SubjectId,
    /// ID document of the website owner.
    OwnerId,
    /// Business licence or similar of the applying entity.
    SubjectLicence,
    /// The signed (and sealed) authenticity statement.
    AuthenticityStatement,
    /// Domain name certificate.
    DomainCertificate,
    /// The website administrator's verification photo.
    AdminPhoto,
}

uniffi::custom_type!(Gateway, String, {
    remote,
    lower: |gateway| gateway.as_str().to_string(),
    try_lift: |text| Ok(Gateway::parse(&text)?),
});

uniffi::custom_type!(ClaimToken, Vec<u8>, {
    remote,
    lower: |token| token.0.to_vec(),
    try_lift: |bytes| Ok(ClaimToken(bytes.try_into().map_err(|_| {
        icp_companion_core::order::OrderError::invalid("a claim token is 16 bytes", "领取令牌应为 16 字节")
    })?)),
});
