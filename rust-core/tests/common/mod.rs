//! Fixtures shared by the integration tests and the benchmarks (benches
//! include this file with `#[path]`).

use icp_companion::order::{
    AdminPhotoFlow, ClaimToken, DocumentKind, Gateway, OrderPayload, Province, Requirements,
    SubjectType,
};

/// The "current time" of the fixtures, Unix seconds.
pub const NOW: u64 = 1_795_000_000;

/// A typical Shanghai organisation order needing every document, the
/// backdrop photo and in-region verification; expires 10 minutes after [`NOW`].
pub fn sample_payload() -> OrderPayload {
    OrderPayload {
        order_id: "ICP20261122000123".into(),
        gateway: Gateway::parse("https://gw.beian.example.cn").unwrap(),
        claim_token: ClaimToken([0xAB; 16]),
        expires_at: NOW + 600,
        province: Province::Shanghai,
        subject: SubjectType::Organisation,
        requirements: Requirements {
            documents: DocumentKind::ALL.to_vec(),
            admin_photo: AdminPhotoFlow::Backdrop,
            in_region_verification: true,
        },
    }
}
