//! Upload normalisation of a 12 MP camera photo (decode, orientation,
//! metadata stripped, re-encoded to fit 4 MB). Target ≤ 500 ms.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use std::io::Cursor;

use criterion::{criterion_group, criterion_main, Criterion};
use icp_companion_core::imaging::normalise_for_upload;
use image::{DynamicImage, RgbImage};

/// A camera-like 4000 × 3000 frame: gradients, edges and sensor noise,
/// saved as a high-quality JPEG (about what a phone writes).
fn camera_jpeg(noise: u32) -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let mut state = 0x2468_ace1u32;
    let img = RgbImage::from_fn(w, h, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = (state % (2 * noise + 1)) as i32 - noise as i32;
        let edge = if (x / 150 + y / 90) % 3 == 0 { 50 } else { 0 };
        let c = |v: u32| (v as i32 + edge + n).clamp(0, 255) as u8;
        image::Rgb([c(x * 200 / w), c(y * 220 / h), c((x + y) % 256)])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut Cursor::new(&mut out),
            95,
        ))
        .unwrap();
    out
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("normalise 12 MP");
    group.sample_size(10);
    for (name, noise) in [("typical photo", 6), ("noisy photo", 40)] {
        let input = camera_jpeg(noise);
        let out = normalise_for_upload(&input).unwrap();
        eprintln!(
            "{name}: input {:.1} MB → {:.1} MB, {}×{}, quality {:?}, downscaled {}",
            input.len() as f64 / 1e6,
            out.bytes.len() as f64 / 1e6,
            out.width,
            out.height,
            out.jpeg_quality,
            out.downscaled
        );
        group.bench_function(name, |b| b.iter(|| normalise_for_upload(&input).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
