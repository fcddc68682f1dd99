//! Face detection cost on a 640 × 480 frame and a 12 MP still, using the
//! astronaut photo fetched by tests/setup-deps.sh (ICP_FACE_PHOTOS).

use criterion::{criterion_group, criterion_main, Criterion};
use icp_companion::imaging::read_image_file;
use icp_companion::inspect::{FaceDetector, FaceDetectorSettings};
use image::imageops::{resize, FilterType};

fn bench(c: &mut Criterion) {
    let dir = std::env::var_os("ICP_FACE_PHOTOS")
        .expect("set ICP_FACE_PHOTOS (eval \"$(bash tests/setup-deps.sh)\")");
    let photo = read_image_file(&std::path::Path::new(&dir).join("astronaut.png"))
        .unwrap()
        .to_luma8();
    let detector = FaceDetector::new(FaceDetectorSettings::default());
    let mut group = c.benchmark_group("faces");
    group.sample_size(20);
    for (name, w, h) in [("640x480 frame", 640, 480), ("12 MP still", 4000, 3000)] {
        let img = resize(&photo, w, h, FilterType::Triangle);
        assert_eq!(detector.detect(&img).len(), 1, "{name}");
        group.bench_function(name, |b| b.iter(|| detector.detect(&img)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
