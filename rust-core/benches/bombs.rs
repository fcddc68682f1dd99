//! Peak memory and time of every hostile or damaged file in
//! `support/bombs.rs`, through the three ways a file enters the core
//! (decoding in RGB for the checks, in grey for the QR scanner, normalising
//! for upload), against the stated budget. Prints a table:
//! `cargo bench -p icp-companion-core --bench bombs`.

#[path = "support/bombs.rs"]
mod bombs;
#[path = "support/counting.rs"]
mod counting;

use std::time::Instant;

use counting::{peak_mb, Counting};
use icp_companion_core::imaging::{
    decode_upright, normalise_for_upload, Channels, DECODE_BUDGET_BYTES,
};
use icp_companion_core::user_facing::UserFacing;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    println!(
        "| file | bytes | expected | checks (RGB) | QR (grey) | normalise | peak MB (worst) | ms (worst) |\n|---|---|---|---|---|---|---|---|"
    );
    for bomb in bombs::all() {
        let mut outcomes = Vec::new();
        let (mut worst_mb, mut worst_ms) = (0f64, 0f64);
        for channels in [Channels::Rgb, Channels::Luma] {
            let started = Instant::now();
            let mut outcome = String::new();
            let peak = peak_mb(|| {
                outcome = match decode_upright(&bomb.bytes, channels) {
                    Ok(d) => format!("{} × {} (1/{})", d.image.width(), d.image.height(), d.scale),
                    Err(e) => e.code().to_string(),
                }
            });
            worst_mb = worst_mb.max(peak);
            worst_ms = worst_ms.max(started.elapsed().as_secs_f64() * 1e3);
            outcomes.push(outcome);
        }
        let started = Instant::now();
        let mut outcome = String::new();
        let peak = peak_mb(|| {
            outcome = match normalise_for_upload(&bomb.bytes) {
                Ok(n) => format!("{} bytes", n.bytes.len()),
                Err(e) => e.code().to_string(),
            }
        });
        worst_mb = worst_mb.max(peak);
        worst_ms = worst_ms.max(started.elapsed().as_secs_f64() * 1e3);
        outcomes.push(outcome);
        println!(
            "| {} | {} | {:?} | {} | {} | {} | {:.1} | {:.0} |",
            bomb.name,
            bomb.bytes.len(),
            bomb.expect,
            outcomes[0],
            outcomes[1],
            outcomes[2],
            worst_mb,
            worst_ms
        );
    }
    println!(
        "budget: {} MiB peak for decoding and checking any file",
        DECODE_BUDGET_BYTES >> 20
    );
}
