//! The upload client against a stock tus server (npm @tus/server with
//! @tus/file-store, unchanged) on loopback, through a fault-injecting proxy.

#[allow(dead_code)]
#[path = "support/net.rs"]
mod net;

use std::time::Duration;

use icp_companion_core::http::Timeouts;
use icp_companion_core::upload::{
    upload, RetryPolicy, Throttle, TusClient, UploadError, UploadJob,
};
use net::{photo_bytes, Fault, Proxy, TusServer};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use url::Url;

const CHUNK: usize = 256 * 1024;

fn endpoint(addr: std::net::SocketAddr) -> Url {
    Url::parse(&format!("http://{addr}/files")).unwrap()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        ..RetryPolicy::default()
    }
}

fn job(data: Vec<u8>) -> UploadJob {
    let sha = icp_companion_core::upload::hex(&Sha256::digest(&data));
    UploadJob {
        data,
        metadata: vec![
            ("order".into(), "ICP-2026-000123".into()),
            ("slot".into(), "administrator_photo".into()),
            ("sha256".into(), sha),
        ],
        resume: None,
        chunk_size: CHUNK,
        receipt: None,
    }
}

async fn run(
    client: &TusClient,
    job: &UploadJob,
    cancel: &CancellationToken,
) -> (
    Result<icp_companion_core::upload::UploadReport, UploadError>,
    Vec<(u64, u64)>,
    Option<Url>,
) {
    let mut seen = Vec::new();
    let mut created = None;
    let result = {
        let mut progress = Throttle::new(Duration::ZERO, |sent, total| seen.push((sent, total)));
        upload(
            client,
            job,
            &quick_retries(),
            &mut progress,
            cancel,
            |url| created = Some(url.clone()),
        )
        .await
    };
    (result, seen, created)
}

#[tokio::test]
#[ignore = "needs the tus server installed by tests/setup-deps.sh; tests/run-all.sh runs it"]
async fn a_photo_arrives_whole_with_its_metadata() {
    let server = TusServer::start().await;
    let client = TusClient::new(
        endpoint(server.addr),
        Some("secret-token"),
        Timeouts::default(),
    )
    .unwrap();
    let caps = client.capabilities().await.unwrap();
    // The stock server offers no checksum extension: integrity rests on the
    // sha256 in the metadata.
    assert!(
        caps.offers("creation") && caps.offers("termination"),
        "{caps:?}"
    );
    assert!(!caps.verifies_sha256());
    let data = photo_bytes(1_000_000, 1);
    let job = job(data.clone());
    let (report, progress, created) = run(&client, &job, &CancellationToken::new()).await;
    let report = report.unwrap();
    assert_eq!(Some(&report.url), created.as_ref());
    assert_eq!(report.bytes_sent, data.len() as u64, "nothing sent twice");
    assert!(!report.chunks_verified);
    assert_eq!(progress.last(), Some(&(1_000_000, 1_000_000)));
    assert!(
        progress.windows(2).all(|w| w[0].0 <= w[1].0),
        "{progress:?}"
    );
    let (stored, info) = server.stored(&report.url);
    assert_eq!(stored, data);
    assert_eq!(info["metadata"]["slot"], "administrator_photo");
    assert_eq!(info["metadata"]["sha256"], report.sha256.as_str());
    // Termination removes it.
    client.terminate(&report.url).await.unwrap();
    assert_eq!(
        client.offset(&report.url, data.len() as u64).await.unwrap(),
        None
    );
}

#[tokio::test]
#[ignore = "needs the tus server installed by tests/setup-deps.sh; tests/run-all.sh runs it"]
async fn a_cut_mid_upload_resends_less_than_one_chunk() {
    let server = TusServer::start().await;
    // The first connection is cut 2.5 chunks into the photo.
    let proxy = Proxy::start(server.addr, &[Fault::CutAfter((CHUNK * 5 / 2) as u64)]).await;
    let client = TusClient::new(endpoint(proxy.addr), None, Timeouts::default()).unwrap();
    let data = photo_bytes(4_000_000, 2);
    let job = job(data.clone());
    let (report, _, _) = run(&client, &job, &CancellationToken::new()).await;
    let report = report.unwrap();
    let resent = report.bytes_sent - data.len() as u64;
    assert!(resent < CHUNK as u64, "resent {resent} bytes");
    // On the wire too (request heads add a few hundred bytes each).
    let wire = proxy.upstream_bytes() - data.len() as u64;
    assert!(
        wire < CHUNK as u64 + 40 * 1024,
        "{wire} extra bytes on the wire"
    );
    assert_eq!(server.stored(&report.url).0, data);
}

#[tokio::test]
#[ignore = "needs the tus server installed by tests/setup-deps.sh; tests/run-all.sh runs it"]
async fn server_errors_and_stalls_are_retried() {
    let server = TusServer::start().await;
    let proxy = Proxy::start(
        server.addr,
        &[Fault::Unavailable, Fault::Stall, Fault::Unavailable],
    )
    .await;
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        read: Duration::from_millis(800),
        request: Duration::from_millis(800),
    };
    let client = TusClient::new(endpoint(proxy.addr), None, timeouts).unwrap();
    // OPTIONS meets the 503, then the stall, then the second 503.
    let data = photo_bytes(600_000, 3);
    let job = job(data.clone());
    let (report, _, _) = run(&client, &job, &CancellationToken::new()).await;
    assert_eq!(server.stored(&report.unwrap().url).0, data);
}

#[tokio::test]
#[ignore = "needs the tus server installed by tests/setup-deps.sh; tests/run-all.sh runs it"]
async fn a_restarted_upload_resumes_without_resending_confirmed_bytes() {
    let server = TusServer::start().await;
    let client = TusClient::new(endpoint(server.addr), None, Timeouts::default()).unwrap();
    let data = photo_bytes(2_000_000, 4);
    let first = job(data.clone());
    // The app is killed after two chunks: cancel once two are confirmed.
    let cancel = CancellationToken::new();
    let mut created = None;
    let stopped = {
        let stop = cancel.clone();
        let mut progress = Throttle::new(Duration::ZERO, move |sent, _| {
            if sent >= 2 * CHUNK as u64 {
                stop.cancel();
            }
        });
        upload(
            &client,
            &first,
            &quick_retries(),
            &mut progress,
            &cancel,
            |u| created = Some(u.clone()),
        )
        .await
    };
    assert_eq!(stopped, Err(UploadError::Cancelled));
    let url = created.expect("the upload was created");
    let held = client
        .offset(&url, first.data.len() as u64)
        .await
        .unwrap()
        .unwrap()
        .offset;
    assert!(held >= 2 * CHUNK as u64);
    // A new process resumes from the stored URL.
    let again = UploadJob {
        resume: Some(url.clone()),
        ..job(data.clone())
    };
    let (report, progress, created_again) = run(&client, &again, &CancellationToken::new()).await;
    let report = report.unwrap();
    assert_eq!(report.url, url);
    assert_eq!(created_again, None, "no second upload created");
    assert_eq!(report.bytes_sent, data.len() as u64 - held);
    assert_eq!(progress.first().unwrap().0, held);
    assert_eq!(server.stored(&url).0, data);
}

#[tokio::test]
#[ignore = "needs the tus server installed by tests/setup-deps.sh; tests/run-all.sh runs it"]
async fn retries_end_and_cancel_is_prompt() {
    let server = TusServer::start().await;
    // Every connection stalls: the retries run out with a timeout.
    let proxy = Proxy::start(server.addr, &[Fault::Stall; 8]).await;
    let timeouts = Timeouts {
        connect: Duration::from_secs(1),
        read: Duration::from_millis(200),
        request: Duration::from_millis(200),
    };
    let client = TusClient::new(endpoint(proxy.addr), None, timeouts).unwrap();
    let job = job(photo_bytes(100_000, 5));
    let cancel = CancellationToken::new();
    let (ended, _, _) = run(&client, &job, &cancel).await;
    assert_eq!(ended, Err(UploadError::Timeout));
    // A cancel during a stalled request returns at once.
    proxy.plan(&[Fault::Stall; 4]);
    let slow = TusClient::new(endpoint(proxy.addr), None, Timeouts::default()).unwrap();
    let stop = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        stop.cancel();
    });
    let started = std::time::Instant::now();
    let (ended, _, _) = run(&slow, &job, &cancel).await;
    assert_eq!(ended, Err(UploadError::Cancelled));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn photos_go_only_to_secure_endpoints() {
    for bad in ["http://gw.example.cn/files", "ftp://127.0.0.1/files"] {
        assert!(matches!(
            TusClient::new(Url::parse(bad).unwrap(), None, Timeouts::default()),
            Err(UploadError::InsecureEndpoint { .. })
        ));
    }
    for good in [
        "https://gw.example.cn/files",
        "http://127.0.0.1:9/files",
        "http://localhost/files",
    ] {
        assert!(TusClient::new(Url::parse(good).unwrap(), Some("t"), Timeouts::default()).is_ok());
    }
    let client = TusClient::new(
        Url::parse("https://gw.example.cn/files").unwrap(),
        Some("tok"),
        Timeouts::default(),
    )
    .unwrap();
    assert!(
        !format!("{client:?}").contains("tok"),
        "the token is never printed"
    );
}
