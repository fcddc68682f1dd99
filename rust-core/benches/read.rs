//! Document reading cost: the fields of a 12 MP document photo read by the
//! core's recogniser (target ≤ 300 ms on one core: run with
//! `RTEN_NUM_THREADS=1 taskset -c 0`), and the fields found in the
//! platform's recognised text. Uses the drawn documents and the models of
//! tests/setup-deps.sh (ICP_READING_CORPUS, ICP_OCR_MODELS); prints the peak
//! heap the reading allocates, counted by a wrapping allocator.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use icp_companion_core::imaging::read_image_file;
use icp_companion_core::inspect::DocumentType;
use icp_companion_core::read::ocr::TextRecogniser;
use icp_companion_core::read::{read_fields, read_photo};
use image::imageops::{resize, FilterType};
use image::DynamicImage;

#[path = "support/counting.rs"]
mod counting;
use counting::{peak_mb, Counting};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn env_path(name: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(name).unwrap_or_else(|| {
        panic!("{name} is not set: source target/test-deps/env.sh (tests/setup-deps.sh)")
    }))
}

fn bench(c: &mut Criterion) {
    let recogniser = TextRecogniser::load_folder(&env_path("ICP_OCR_MODELS")).unwrap();
    let corpus = env_path("ICP_READING_CORPUS");
    let mut group = c.benchmark_group("read");
    group.sample_size(10);
    for (name, file, kind) in [
        (
            "ID card back, 12 MP",
            "1-001-id-card-back.jpg",
            DocumentType::IdCard,
        ),
        (
            "ID card front, 12 MP",
            "0-000-id-card-front.jpg",
            DocumentType::IdCard,
        ),
        (
            "passport, 12 MP",
            "2-001-passport-front.jpg",
            DocumentType::Passport,
        ),
        (
            "licence, 12 MP",
            "4-000-business-licence-front.jpg",
            DocumentType::BusinessLicence,
        ),
    ] {
        let photo = read_image_file(&corpus.join(file)).unwrap().to_rgb8();
        // The drawn photo enlarged to a phone camera's 4000 × 3000.
        let still = DynamicImage::ImageRgb8(resize(&photo, 4000, 3000, FilterType::Triangle));
        let reading = read_photo(&still, kind, &recogniser).unwrap();
        println!("{name}: {} fields read", reading.fields.len());
        let peak = peak_mb(|| {
            read_photo(&still, kind, &recogniser).unwrap();
        });
        println!("{name}: peak heap {peak:.1} MB");
        group.bench_function(name, |b| {
            b.iter(|| read_photo(&still, kind, &recogniser).unwrap())
        });
        if name.starts_with("ID card back") {
            let lines = recogniser.read_lines(&still).unwrap();
            group.bench_function("fields from the platform's text (ID card back)", |b| {
                b.iter(|| read_fields(kind, &lines))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
