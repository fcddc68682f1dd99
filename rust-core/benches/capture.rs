//! Capture cost: converting a 1920×1080 YUV_420_888 frame (Android's
//! interleaved chroma, padded rows, rotated 90°) to what the analysers
//! need (target ≤ 2 ms) and to the full-size still; one guidance step on a
//! 640×480 frame for the administrator photo and a document (target
//! ≤ 15 ms); and the heap allocations per frame after warm-up (target 0
//! for the conversions), counted by a wrapping allocator. The
//! administrator scene uses the astronaut photo fetched by
//! tests/setup-deps.sh (ICP_FACE_PHOTOS).

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{criterion_group, criterion_main, Criterion};
use icp_companion_core::camera::*;
use icp_companion_core::inspect::*;
use image::imageops::{resize, FilterType};
use image::RgbImage;

#[path = "support/counting.rs"]
mod counting;
use counting::{allocations, Counting};

#[path = "../../cli/src/scenes.rs"]
mod scenes;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn android(upright: &RgbImage) -> NativeFrame {
    NativeFrame::from_upright(
        upright,
        NativeLayout {
            rotation: Rotation::R90,
            row_padding: 64,
            ..NativeLayout::packed(PixelFormat::Yuv420)
        },
    )
}

/// Allocations per call of `f` once warmed up, over 50 calls.
fn per_call(mut f: impl FnMut()) -> f64 {
    for _ in 0..5 {
        f();
    }
    allocations(|| (0..50).for_each(|_| f())) as f64 / 50.0
}

fn conversions(c: &mut Criterion) {
    let upright = scenes::document_scene(1080, 1920, 60, 200, 960);
    let frame = android(&upright);
    let pool = BufferPool::new(2);
    let mut group = c.benchmark_group("convert 1920x1080 YUV_420_888");
    for (name, step, luma) in [
        ("to analysis RGB (640 px)", 3, false),
        ("to full-size luma (QR)", 1, true),
        ("to full-size RGB (still)", 1, false),
    ] {
        let mut convert = || {
            frame.with_frame(|f| {
                let buffer = if luma {
                    convert_luma(f, step, pool.take()).unwrap().into_raw()
                } else {
                    convert_rgb(f, step, pool.take()).unwrap().into_raw()
                };
                pool.recycle(buffer);
            })
        };
        println!(
            "{name}: {:.1} allocations per frame after warm-up",
            per_call(&mut convert)
        );
        group.bench_function(name, |b| b.iter(&mut convert));
    }
    group.finish();
}

fn guidance(c: &mut Criterion) {
    let dir = std::env::var_os("ICP_FACE_PHOTOS")
        .expect("set ICP_FACE_PHOTOS (eval \"$(bash tests/setup-deps.sh)\")");
    std::env::set_var("ICP_FACE_PHOTOS", dir);
    let face = scenes::Face::astronaut().expect("astronaut.png in ICP_FACE_PHOTOS");
    let admin = resize(
        &scenes::admin_scene(&face, scenes::Pose::good(), 960, 1280),
        480,
        640,
        FilterType::Triangle,
    );
    let document = scenes::document_scene(480, 640, 20, 60, 440);
    let mut group = c.benchmark_group("guidance step 640x480");
    group.sample_size(30);
    let modes = [
        (
            "administrator photo",
            admin,
            CaptureMode::AdminPhoto {
                flow: PhotoFlow::Backdrop,
                profile: AdminPhotoProfile::default(),
            },
        ),
        (
            "document",
            document,
            CaptureMode::Document {
                kind: DocumentType::IdCard,
                marks: RequiredMarks::default(),
                profile: DocumentProfile::default(),
            },
        ),
    ];
    for (name, upright, mode) in modes {
        let frame = android(&upright);
        // Never finishes: a steady-frame count out of reach.
        let settings = CaptureSettings {
            steady_frames: u32::MAX,
            ..CaptureSettings::default()
        };
        let mut session = CaptureSession::new(mode, settings);
        let mut step = || {
            frame.with_frame(|f| {
                session.analyse(f, 0).unwrap();
            })
        };
        println!(
            "{name}: {:.0} allocations per guidance step (checks included)",
            per_call(&mut step)
        );
        group.bench_function(name, |b| b.iter(&mut step));
    }
    group.finish();
}

criterion_group!(benches, conversions, guidance);
criterion_main!(benches);
