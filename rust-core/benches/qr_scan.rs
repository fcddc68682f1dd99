//! Live scanning cost per 1280×720 frame, with and without an order code in
//! view (targets: ≤ 10 ms with a code, ≤ 3 ms without, one core), the frame
//! conversion alone, a 12 MP still, and hostile pictures against the still
//! budget (150 ms plus one step).

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{criterion_group, criterion_main, Criterion};
use icp_companion_core::camera::{convert_luma, Frame, PixelFormat, Plane, Rotation};
use icp_companion_core::order::*;
use icp_companion_core::scan::{Effort, OrderScanner, QrDecoder};
use image::GrayImage;

#[path = "../tests/common/mod.rs"]
mod common;
use common::{hostile, sample_payload, NOW};

const W: u32 = 1280;
const H: u32 = 720;

/// A grey page with text-like bars and sensor noise; with the code when given.
fn frame_bytes(code: Option<&QrMatrix>) -> Vec<u8> {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut noise = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % 13) as i32 - 6
    };
    let mut px = vec![0u8; (W * H) as usize];
    for y in 0..H {
        for x in 0..W {
            let mut v = 170 + (x as i32 * 40 / W as i32);
            if y % 40 < 6 && x % 300 < 220 {
                v = 90;
            }
            if let Some(code) = code {
                let module = 6;
                let (x0, y0) = (460, 180);
                let side = (code.width() as u32 + 8) * module;
                if (x0..x0 + side).contains(&x) && (y0..y0 + side).contains(&y) {
                    let (mx, my) = (
                        ((x - x0) / module) as i64 - 4,
                        ((y - y0) / module) as i64 - 4,
                    );
                    let w = code.width() as i64;
                    let dark = (0..w).contains(&mx)
                        && (0..w).contains(&my)
                        && code.is_dark(mx as usize, my as usize);
                    v = if dark { 40 } else { 215 };
                }
            }
            px[(y * W + x) as usize] = (v + noise()).clamp(0, 255) as u8;
        }
    }
    px
}

/// The one plane of a grey frame over `data`.
fn plane(data: &[u8]) -> [Plane<'_>; 1] {
    [Plane {
        data,
        row_stride: W,
        pixel_stride: 1,
    }]
}

fn frame<'a>(planes: &'a [Plane<'a>]) -> Frame<'a> {
    Frame {
        format: PixelFormat::Luma8,
        width: W,
        height: H,
        planes,
        rotation: Rotation::R0,
        mirrored: false,
    }
}

fn to_luma(data: &[u8]) -> image::GrayImage {
    convert_luma(&frame(&plane(data)), 1, Vec::new()).unwrap()
}

fn bench(c: &mut Criterion) {
    let key = IssuerSigningKey::from_seed(&[3; 32]).unwrap();
    let payload = sample_payload();
    let text = encode(&payload, &key).unwrap();
    let matrix = QrMatrix::new(&text).unwrap();
    let policy = TrustPolicy {
        issuers: vec![key.public_key()],
        allowed_gateway_hosts: vec!["*.example.cn".into()],
    };
    let scanner = OrderScanner::new(policy, QrDecoder::new());
    let with_code = frame_bytes(Some(&matrix));
    let without = frame_bytes(None);
    // The live attempts must find the code (the inverted one is for
    // light-on-dark codes and may not).
    let luma = to_luma(&with_code);
    let missed: Vec<&str> = (0..6)
        .flat_map(|i| QrDecoder::attempts(Effort::Live { frame_index: i }))
        .filter(|a| QrDecoder::new().decode_with(&luma, &[*a]).is_empty())
        .map(|a| a.name)
        .collect();
    assert!(
        missed.len() <= 1,
        "live attempts that miss the code: {missed:?}"
    );

    let mut group = c.benchmark_group("live 1280x720");
    group.bench_function("frame with order code", |b| {
        b.iter(|| scanner.scan_frame(&frame(&plane(&with_code)), NOW))
    });
    group.bench_function("frame without code", |b| {
        b.iter(|| scanner.scan_frame(&frame(&plane(&without)), NOW))
    });
    group.bench_function("luma conversion only", |b| b.iter(|| to_luma(&without)));
    group.finish();

    // What each live attempt costs, without and with a code in view.
    let decoder = QrDecoder::new();
    for (name, bytes) in [("no code", &without), ("with code", &with_code)] {
        let luma = to_luma(bytes);
        let mut group = c.benchmark_group(format!("live attempt, {name}"));
        for attempt in (0..6).flat_map(|i| QrDecoder::attempts(Effort::Live { frame_index: i })) {
            group.bench_function(attempt.name, |b| {
                b.iter(|| decoder.decode_with(&luma, &[attempt]))
            });
        }
        group.finish();
    }
}

/// Whole decodes of stills: a 12 MP photo of a page with the order code, and
/// pictures made to defeat decoders (nothing to find; each must end within
/// the budget).
fn stills(c: &mut Criterion) {
    let key = IssuerSigningKey::from_seed(&[3; 32]).unwrap();
    let text = encode(&sample_payload(), &key).unwrap();
    let (side, pixels) = QrMatrix::new(&text).unwrap().to_luma(12).unwrap();
    let code = GrayImage::from_raw(side, side, pixels).unwrap();
    let mut photo = GrayImage::from_pixel(4000, 3000, image::Luma([180]));
    image::imageops::replace(&mut photo, &code, 1700, 1100);
    let decoder = QrDecoder::new();
    let mut group = c.benchmark_group("still");
    group.sample_size(10);
    group.bench_function("12 MP photo with the order code", |b| {
        b.iter(|| decoder.decode(&photo, Effort::Thorough))
    });
    for (name, img) in [
        ("finder tiling 4096x4096", hostile::finder_tiling(4096, 4)),
        (
            "finder tiling 1024x1024, 2 px",
            hostile::finder_tiling(1024, 2),
        ),
        ("binary noise 2048x2048", hostile::binary_noise(2048, 7)),
        ("flat 8000x6000", hostile::flat(8000, 6000)),
    ] {
        group.bench_function(name, |b| b.iter(|| decoder.decode(&img, Effort::Thorough)));
    }
    group.finish();
}

criterion_group!(benches, bench, stills);
criterion_main!(benches);
