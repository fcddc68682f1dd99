//! Photo-check cost: the administrator-photo check on a 640 × 480 frame and
//! a 12 MP still (targets ≤ 15 ms and ≤ 150 ms, peak memory ≤ 250 MB), and
//! the document check on a 12 MP still (target ≤ 120 ms). Uses the
//! astronaut photo fetched by tests/setup-deps.sh (ICP_FACE_PHOTOS); prints
//! the peak heap the checks allocate, counted by a wrapping allocator.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{criterion_group, criterion_main, Criterion};
use icp_companion_core::imaging::read_image_file;
use icp_companion_core::inspect::{
    check_admin_photo, check_document, AdminPhotoProfile, DocumentProfile, DocumentType, PhotoFlow,
    RequiredMarks,
};
use image::imageops::{resize, FilterType};
use image::{DynamicImage, Rgb, RgbImage};

#[path = "support/counting.rs"]
mod counting;
use counting::{peak_mb, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A 4000 × 3000 photo of a sheet with print, a blue band and a red seal on
/// a table.
fn document_photo() -> DynamicImage {
    let (x0, y0, w, h) = (300i64, 250i64, 3400i64, 2400i64);
    DynamicImage::ImageRgb8(RgbImage::from_fn(4000, 3000, |x, y| {
        let (dx, dy) = (x as i64 - x0, y as i64 - y0);
        if dx < 0 || dy < 0 || dx >= w || dy >= h {
            return Rgb([92, 60, 38]);
        }
        let r2 = (dx - 2700).pow(2) + (dy - 1800).pow(2);
        if dy < 280 {
            Rgb([30, 110, 200])
        } else if (250 * 250..280 * 280).contains(&r2) {
            Rgb([215, 40, 45])
        } else if (dy / 14) % 4 == 0 && dx > 200 && dx < 2200 && (dx / 20) % 3 != 0 {
            Rgb([35, 35, 40])
        } else {
            Rgb([236, 232, 222])
        }
    }))
}

fn bench(c: &mut Criterion) {
    let dir = std::env::var_os("ICP_FACE_PHOTOS")
        .expect("set ICP_FACE_PHOTOS (eval \"$(bash tests/setup-deps.sh)\")");
    let photo = read_image_file(&std::path::Path::new(&dir).join("astronaut.png"))
        .unwrap()
        .to_rgb8();
    let profile = AdminPhotoProfile::default();
    let mut group = c.benchmark_group("checks");
    group.sample_size(20);
    for (name, w, h) in [
        ("admin photo 640x480 frame", 640, 480),
        ("admin photo 12 MP still", 4000, 3000),
    ] {
        let img = DynamicImage::ImageRgb8(resize(&photo, w, h, FilterType::Triangle));
        let findings = check_admin_photo(&img, None, PhotoFlow::Backdrop, &profile);
        assert!(findings.len() > 7, "{name}: {findings:?}");
        let peak = peak_mb(|| {
            check_admin_photo(&img, None, PhotoFlow::Backdrop, &profile);
        });
        println!("{name}: peak heap {peak:.1} MB");
        group.bench_function(name, |b| {
            b.iter(|| check_admin_photo(&img, None, PhotoFlow::Backdrop, &profile))
        });
    }
    let doc = document_photo();
    let marks = RequiredMarks {
        seal: true,
        fingerprint: false,
    };
    let doc_profile = DocumentProfile::default();
    let findings = check_document(&doc, DocumentType::BusinessLicence, marks, &doc_profile);
    assert!(
        findings
            .iter()
            .all(|f| f.outcome != icp_companion_core::inspect::Outcome::Fail),
        "{findings:?}"
    );
    let peak = peak_mb(|| {
        check_document(&doc, DocumentType::BusinessLicence, marks, &doc_profile);
    });
    println!("document 12 MP still: peak heap {peak:.1} MB");
    group.bench_function("document 12 MP still", |b| {
        b.iter(|| check_document(&doc, DocumentType::BusinessLicence, marks, &doc_profile))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
