//! The uploader (`icp-companion upload`) killed with SIGKILL at random
//! points, again and again, through a slow uplink to the development
//! gateway, then run to its end: every photo is at the gateway exactly once
//! with its sha256, and the queue is empty.

#[allow(dead_code)]
#[path = "../../rust-core/tests/support/net.rs"]
mod net;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use icp_companion_core::imaging::{decode_image, encode_for_upload};
use icp_companion_core::order::{Gateway, IssuerSigningKey};
use icp_companion_core::upload::UploadQueue;
use icp_companion_dev_gateway::{Config, DevGateway, NewOrder};
use rand::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// Kills at least this many uploads midway.
const KILLS: usize = 50;
/// The uplink: bytes per second towards the gateway.
const UPLINK: u64 = 6_000_000;

/// A photo-sized JPEG of noise (so the upload takes a while), 1200 × 900.
fn noisy_jpeg(seed: u64) -> Vec<u8> {
    let noise = net::photo_bytes(1200 * 900 * 3, seed);
    let img = image::RgbImage::from_raw(1200, 900, noise).unwrap();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap();
    out
}

/// Whether a run ended having delivered its photos: exit 0, or 1 because
/// the (noise) photos fail their checks — they are uploaded all the same.
fn delivered(status: std::process::ExitStatus) -> bool {
    matches!(status.code(), Some(0 | 1))
}

#[test]
#[ignore = "a soak of 50 kills (about a minute); tests/run-all.sh runs it"]
fn an_uploader_killed_at_random_points_sends_every_photo_exactly_once() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let _inside = runtime.enter();
    let dir = net::temp_dir("soak");
    let front = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let advertised = Gateway::parse(&format!("http://{}", front.local_addr().unwrap())).unwrap();
    let issuer = IssuerSigningKey::from_seed(&[21u8; 32]).unwrap();
    let gateway = runtime
        .block_on(DevGateway::start(
            "127.0.0.1:0".parse().unwrap(),
            Config {
                dir: dir.join("gateway"),
                issuer: IssuerSigningKey::from_seed(&[21u8; 32]).unwrap(),
                max_photo_bytes: 4_000_000,
                advertise: Some(advertised),
                capture_session_seconds: icp_companion_dev_gateway::CAPTURE_SESSION_SECONDS,
            },
        ))
        .unwrap();
    let _uplink = net::Proxy::throttled(front, gateway.addr, UPLINK);
    let slots = ["subject_id", "authenticity_statement", "admin_photo"];
    let files: Vec<(String, Vec<u8>)> = slots
        .iter()
        .enumerate()
        .map(|(i, slot)| {
            let path = dir.join(format!("{slot}.jpg"));
            let bytes = noisy_jpeg(i as u64 + 1);
            std::fs::write(&path, &bytes).unwrap();
            (format!("{slot}={}", path.display()), bytes)
        })
        .collect();
    let expected: Vec<String> = files
        .iter()
        .map(|(_, bytes)| {
            data_encoding::HEXLOWER
                // The still the capture session takes of the file's picture.
                .encode(&Sha256::digest(
                    encode_for_upload(decode_image(bytes).unwrap().to_rgb8())
                        .unwrap()
                        .bytes,
                ))
        })
        .collect();
    let queue = dir.join("queue");
    let upload = |qr: &str| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_icp-companion"));
        command
            .args(["upload", qr, "--queue"])
            .arg(&queue)
            .args([
                "--trust-key",
                &issuer.public_key().to_hex(),
                "--allow-host",
                "127.0.0.1",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (spec, _) in &files {
            command.args(["--photo", spec]);
        }
        command
    };
    let new_order = || {
        gateway
            .create_order(NewOrder {
                province_code: 44,
                subject: "individual".into(),
                applicant: "王五".into(),
                domains: vec!["example.cn".into()],
                valid_seconds: 3600,
                allow_stored_photos: false,
            })
            .unwrap()
    };

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let mut orders = vec![new_order()];
    let (mut kills, mut finished_early) = (0, 0);
    let started = Instant::now();
    while kills < KILLS {
        let (_, qr) = orders.last().unwrap().clone();
        let mut child = upload(&qr).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(rng.random_range(30..1500)));
        match child.try_wait().unwrap() {
            // It finished before the kill: this order is done; the next
            // kills go to a new one.
            Some(status) => {
                assert!(
                    delivered(status),
                    "an uninterrupted upload delivers: {status}"
                );
                finished_early += 1;
                orders.push(new_order());
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                child.wait().unwrap();
                kills += 1;
            }
        }
    }
    // Every order's run, uninterrupted, finishes what the killed ones began.
    for (_, qr) in &orders {
        let done = upload(qr)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert!(
            delivered(done.status),
            "the final run finishes the order: {} {}",
            String::from_utf8_lossy(&done.stdout),
            String::from_utf8_lossy(&done.stderr)
        );
    }
    let mut uploads_created = 0;
    for (id, _) in &orders {
        let listing = gateway.listing(id).unwrap();
        uploads_created += listing["uploads_created"].as_u64().unwrap();
        for (slot, sha) in slots.iter().zip(&expected) {
            assert_eq!(
                listing["completions"][slot], 1,
                "{id} {slot}: sent exactly once"
            );
            assert_eq!(
                &listing["received"][slot]["sha256"],
                sha.as_str(),
                "{id} {slot}"
            );
        }
    }
    let key = Sha256::digest(b"icp-companion development queue key");
    let left = UploadQueue::open(&queue, &key).unwrap().pending().unwrap();
    assert!(
        left.entries.is_empty() && left.quarantined.is_empty(),
        "{left:?}"
    );
    eprintln!(
        "soak: {kills} kills, {finished_early} runs finished before their kill, {} orders, \
         {uploads_created} uploads created for {} photos, {:.0} s",
        orders.len(),
        orders.len() * slots.len(),
        started.elapsed().as_secs_f64()
    );
}
