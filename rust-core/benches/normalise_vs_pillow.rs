//! Upload normalisation against Pillow (libjpeg-turbo), on the same 12 MP
//! photos in the same run: decode, encode, and the whole step (ours: the
//! best quality that fits 4 MB; Pillow: open + save at the quality ours
//! chose, 4:2:0, so both write about the same bytes). Prints a table with
//! the ratios (target: ours ≤ 1.2 × Pillow's time). Our encoder uses up to
//! four cores (pieces of 128 rows); run under `taskset -c 0` for one core.
//!
//!     eval "$(bash tests/eval/setup-peers.sh)"
//!     cargo bench -p icp-companion-core --bench normalise_vs_pillow

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use icp_companion_core::imaging::{
    decode_upright, encode_for_upload, normalise_for_upload, Channels,
};
use image::RgbImage;

/// A camera-like 4000 × 3000 frame (gradients, edges, sensor noise `noise`)
/// as a phone writes it: JPEG at quality 95.
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
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&img)
        .unwrap();
    out
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn median_ms(runs: usize, mut work: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let started = Instant::now();
                work();
                started.elapsed().as_secs_f64() * 1e3
            })
            .collect(),
    )
}

/// Pillow's figures on `file` at `quality`: (decode, encode, total) ms and
/// its output bytes.
fn pillow(python: &str, file: &Path, runs: usize, quality: u8) -> Option<([f64; 3], usize)> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/eval/pillow_normalise.py"
    );
    let out = Command::new(python)
        .arg(script)
        .arg(file)
        .arg(runs.to_string())
        .arg(quality.to_string())
        .output()
        .ok()?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    Some((
        [
            json["decode_ms"].as_f64()?,
            json["encode_ms"].as_f64()?,
            json["total_ms"].as_f64()?,
        ],
        json["out_bytes"].as_u64()? as usize,
    ))
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not used. The two
    // sides alternate, a few runs each per round, so that a noisy spell on
    // this shared machine falls on both; the ratio is the median of the
    // rounds' ratios.
    let (rounds, runs) = (5, 3);
    let python = std::env::var("ICP_PEER_PYTHON").ok();
    println!("| photo | step | ours ms | Pillow ms | ours / Pillow | ours bytes | Pillow bytes |");
    println!("|---|---|---|---|---|---|---|");
    for (name, noise) in [("12 MP, typical", 6), ("12 MP, noisy", 40)] {
        let input = camera_jpeg(noise);
        let file = std::env::temp_dir().join(format!("icp-normalise-{noise}.jpg"));
        std::fs::write(&file, &input).unwrap();
        let rgb = decode_upright(&input, Channels::Rgb)
            .unwrap()
            .image
            .into_rgb8();
        let normalised = normalise_for_upload(&input).unwrap();
        let quality = normalised.jpeg_quality.unwrap_or(92);
        let encoded = encode_for_upload(rgb.clone()).unwrap().bytes.len();
        let (mut ours, mut theirs) = (vec![[0.0; 3]; 0], vec![[0.0; 3]; 0]);
        let mut their_bytes = None;
        for _ in 0..rounds {
            ours.push([
                median_ms(runs, || {
                    decode_upright(&input, Channels::Rgb).unwrap();
                }),
                {
                    // Copies made outside the timing: a fresh 36 MB copy
                    // costs tens of milliseconds in page faults here.
                    let mut copies = vec![rgb.clone(); runs];
                    median_ms(runs, || {
                        encode_for_upload(copies.pop().unwrap()).unwrap();
                    })
                },
                median_ms(runs, || {
                    normalise_for_upload(&input).unwrap();
                }),
            ]);
            if let Some((times, bytes)) = python
                .as_deref()
                .and_then(|p| pillow(p, &file, runs, quality))
            {
                theirs.push(times);
                their_bytes = Some(bytes);
            }
        }
        let steps = [
            "decode".to_string(),
            format!("encode (ours: choosing the quality, q{quality})"),
            "whole step".to_string(),
        ];
        for (step, label) in steps.iter().enumerate() {
            let mine = median(ours.iter().map(|r| r[step]).collect());
            let (peer, ratio) = if theirs.len() == ours.len() {
                (
                    format!("{:.0}", median(theirs.iter().map(|r| r[step]).collect())),
                    format!(
                        "{:.2}",
                        median(
                            ours.iter()
                                .zip(&theirs)
                                .map(|(o, t)| o[step] / t[step])
                                .collect()
                        )
                    ),
                )
            } else {
                ("—".into(), "—".into())
            };
            let bytes = if step == 0 {
                0
            } else if step == 1 {
                encoded
            } else {
                normalised.bytes.len()
            };
            println!(
                "| {name} ({:.1} MB) | {label} | {mine:.0} | {peer} | {ratio} | {bytes} | {} |",
                input.len() as f64 / 1e6,
                if step == 0 {
                    "—".to_string()
                } else {
                    their_bytes.map_or("—".into(), |b| b.to_string())
                },
            );
        }
    }
    if python.is_none() {
        println!("(Pillow not measured: eval \"$(bash tests/eval/setup-peers.sh)\" first)");
    }
}
