//! Loopback upload of six 4 MB photos to the development gateway: the
//! core's tus client against `curl` sending the same files to the same
//! server in the same run. Prints a table: throughput, and the client's CPU
//! time per MB (the client runs alone on this thread; the gateway on others).
//!
//! `cargo bench -p icp-companion-dev-gateway --bench upload`

#[allow(dead_code)]
#[path = "../../rust-core/tests/support/net.rs"]
mod net;

use std::process::Command;
use std::time::{Duration, Instant};

use icp_companion_core::http::Timeouts;
use icp_companion_core::order::{parse_and_verify, IssuerSigningKey, TrustPolicy};
use icp_companion_core::session::FilingSession;
use icp_companion_core::upload::{hex, upload, RetryPolicy, Throttle, TusClient, UploadJob};
use icp_companion_dev_gateway::{Config, DevGateway, NewOrder};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

/// The app installation the tests claim as.
const INSTALLATION: &str = "test-installation-0001";

const PHOTOS: usize = 6;
const SIZE: usize = 4_000_000;
const ROUNDS: usize = 3;

/// CPU time of the calling thread.
fn thread_cpu() -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

fn photos() -> Vec<Vec<u8>> {
    (0..PHOTOS)
        .map(|i| net::photo_bytes(SIZE, i as u64 + 1))
        .collect()
}

fn main() {
    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("icp-upload-bench-{}", std::process::id()));
    let issuer = IssuerSigningKey::from_seed(&[5u8; 32]).unwrap();
    let gateway = server
        .block_on(DevGateway::start(
            "127.0.0.1:0".parse().unwrap(),
            Config {
                dir: dir.clone(),
                issuer: IssuerSigningKey::from_seed(&[5u8; 32]).unwrap(),
                max_photo_bytes: SIZE as u64,
                advertise: None,
                capture_session_seconds: icp_companion_dev_gateway::CAPTURE_SESSION_SECONDS,
            },
        ))
        .unwrap();
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let trust = TrustPolicy {
        issuers: vec![issuer.public_key()],
        allowed_gateway_hosts: vec!["127.0.0.1".into()],
    };
    let photos = photos();
    let total_mb = (PHOTOS * SIZE) as f64 / 1e6;
    let mut rows = Vec::new();
    for round in 0..ROUNDS {
        for (name, chunk) in [
            ("core client, 512 KiB chunks", 512 * 1024),
            ("core client, one 4 MB chunk", SIZE),
            ("curl", 0),
        ] {
            // A fresh order for each run: every slot can be filled again.
            let (_, text) = gateway
                .create_order(NewOrder {
                    province_code: 11,
                    subject: "organisation".into(),
                    applicant: "Bench".into(),
                    domains: vec!["example.cn".into()],
                    valid_seconds: 600,
                    allow_stored_photos: true,
                })
                .unwrap();
            let order = parse_and_verify(&text, &trust, now()).unwrap();
            let id = order.payload.order_id.clone();
            let slots = icp_companion_core::session::Slot::required_by(&order.payload.requirements);
            let session = client_rt
                .block_on(FilingSession::claim(
                    order,
                    INSTALLATION,
                    Timeouts::default(),
                ))
                .unwrap();
            let endpoint = session.upload_endpoint().unwrap();
            let jobs: Vec<UploadJob> = photos
                .iter()
                .zip(slots.iter().cycle())
                .map(|(data, (slot, _))| UploadJob {
                    data: data.clone(),
                    metadata: vec![
                        ("order".into(), id.clone()),
                        ("slot".into(), slot.wire_name().into()),
                        ("sha256".into(), hex(&Sha256::digest(data))),
                    ],
                    resume: None,
                    chunk_size: chunk.max(1),
                    receipt: None,
                })
                .collect();
            let (cpu0, wall0) = (thread_cpu(), Instant::now());
            if chunk > 0 {
                let client =
                    TusClient::new(endpoint, Some(session.token()), Timeouts::default()).unwrap();
                client_rt.block_on(async {
                    for job in &jobs {
                        let mut progress = Throttle::new(Duration::from_millis(100), |_, _| {});
                        upload(
                            &client,
                            job,
                            &RetryPolicy::default(),
                            &mut progress,
                            &CancellationToken::new(),
                            |_| {},
                        )
                        .await
                        .unwrap();
                    }
                });
            } else {
                for (i, job) in jobs.iter().enumerate() {
                    let file = dir.join(format!("bench-{i}.bin"));
                    std::fs::write(&file, &job.data).unwrap();
                    let meta: Vec<String> = job
                        .metadata
                        .iter()
                        .map(|(k, v)| format!("{k} {}", data_encoding::BASE64.encode(v.as_bytes())))
                        .collect();
                    let auth = format!("Authorization: Bearer {}", session.token());
                    let created = Command::new("curl")
                        .args([
                            "-s",
                            "-i",
                            "-X",
                            "POST",
                            endpoint.as_str(),
                            "-H",
                            "Tus-Resumable: 1.0.0",
                            "-H",
                            &auth,
                        ])
                        .args([
                            "-H",
                            &format!("Upload-Length: {}", job.data.len()),
                            "-H",
                            &format!("Upload-Metadata: {}", meta.join(",")),
                        ])
                        .output()
                        .unwrap();
                    let head = String::from_utf8_lossy(&created.stdout);
                    let location = head
                        .lines()
                        .find_map(|l| {
                            l.strip_prefix("location: ")
                                .or_else(|| l.strip_prefix("Location: "))
                        })
                        .unwrap()
                        .trim()
                        .to_string();
                    let url = endpoint.join(&location).unwrap();
                    let status = Command::new("curl")
                        .args([
                            "-s",
                            "-o",
                            "/dev/null",
                            "-w",
                            "%{http_code}",
                            "-X",
                            "PATCH",
                            url.as_str(),
                        ])
                        .args([
                            "-H",
                            "Tus-Resumable: 1.0.0",
                            "-H",
                            &auth,
                            "-H",
                            "Upload-Offset: 0",
                        ])
                        .args([
                            "-H",
                            "Content-Type: application/offset+octet-stream",
                            "--data-binary",
                        ])
                        .arg(format!("@{}", file.display()))
                        .output()
                        .unwrap();
                    assert_eq!(String::from_utf8_lossy(&status.stdout), "204");
                }
            }
            let (wall, cpu) = (wall0.elapsed(), thread_cpu() - cpu0);
            if round > 0 {
                // The first round warms up caches and connections.
                rows.push((name, wall, cpu));
            }
        }
    }
    println!("| uploader (6 × 4 MB, loopback) | MB/s (median) | client CPU ms per MB |");
    println!("|---|---|---|");
    for name in [
        "core client, 512 KiB chunks",
        "core client, one 4 MB chunk",
        "curl",
    ] {
        let mut runs: Vec<&(&str, Duration, Duration)> =
            rows.iter().filter(|r| r.0 == name).collect();
        runs.sort_by_key(|r| r.1);
        let median = runs[runs.len() / 2];
        let cpu = if name == "curl" {
            "(separate processes)".to_string()
        } else {
            format!("{:.2}", median.2.as_secs_f64() * 1e3 / total_mb)
        };
        println!(
            "| {name} | {:.0} | {cpu} |",
            total_mb / median.1.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
