//! Face detection cost on a 640 × 480 frame and a 12 MP still, using the
//! astronaut photo fetched by tests/setup-deps.sh (ICP_FACE_PHOTOS): the
//! thorough SeetaFace search and the fast path (BlazeFace, then SeetaFace
//! on a crop around each face).

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{criterion_group, criterion_main, Criterion};
use icp_companion_core::imaging::read_image_file;
use icp_companion_core::inspect::{FaceDetector, FaceDetectorSettings};
use image::imageops::{resize, FilterType};

fn bench(c: &mut Criterion) {
    let dir = std::env::var_os("ICP_FACE_PHOTOS")
        .expect("set ICP_FACE_PHOTOS (eval \"$(bash tests/setup-deps.sh)\")");
    let photo = read_image_file(&std::path::Path::new(&dir).join("astronaut.png"))
        .unwrap()
        .to_rgb8();
    let detector = FaceDetector::new(FaceDetectorSettings::default());
    let mut group = c.benchmark_group("faces");
    group.sample_size(20);
    for (name, w, h) in [("640x480 frame", 640, 480), ("12 MP still", 4000, 3000)] {
        let rgb = resize(&photo, w, h, FilterType::Triangle);
        let img = image::DynamicImage::ImageRgb8(rgb.clone()).into_luma8();
        assert_eq!(detector.detect(&img).len(), 1, "{name}");
        group.bench_function(format!("SeetaFace {name}"), |b| {
            b.iter(|| detector.detect(&img))
        });
        assert_eq!(detector.detect_fast(&rgb).len(), 1, "{name}");
        group.bench_function(format!("BlazeFace + SeetaFace crop {name}"), |b| {
            b.iter(|| detector.detect_fast(&rgb))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
