//! Fixtures shared by the integration tests and the benchmarks (benches
//! include this file with `#[path]`).

use icp_companion_core::order::{
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

/// Hostile pictures for the decoder's time budget: finder-pattern-like
/// squares tiled edge to edge (`module` px per module; thousands of
/// candidates), binary noise, and a flat grey field.
#[allow(dead_code)] // each test binary uses a part of the fixtures
pub mod hostile {
    use image::{GrayImage, Luma};

    /// `side`² of 7×7 finder patterns with one-module gaps.
    pub fn finder_tiling(side: u32, module: u32) -> GrayImage {
        GrayImage::from_fn(side, side, |x, y| {
            let (mx, my) = ((x / module) % 8, (y / module) % 8);
            let ring = mx < 7 && my < 7 && (mx == 0 || mx == 6 || my == 0 || my == 6);
            let core = (2..=4).contains(&mx) && (2..=4).contains(&my);
            Luma([if ring || core { 0 } else { 255 }])
        })
    }

    /// `side`² of black and white pixels at random (a fixed seed).
    pub fn binary_noise(side: u32, seed: u64) -> GrayImage {
        let mut state = seed | 1;
        GrayImage::from_fn(side, side, |_, _| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            Luma([if state & 1 == 0 { 0 } else { 255 }])
        })
    }

    /// A flat mid-grey `width` × `height`.
    pub fn flat(width: u32, height: u32) -> GrayImage {
        GrayImage::from_pixel(width, height, Luma([128]))
    }
}
