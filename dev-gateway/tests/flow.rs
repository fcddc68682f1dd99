//! The phone's side (core: session and upload client) against the dev
//! gateway on loopback: claim, checksummed uploads, submit, return to
//! draft, revoked tokens, expired orders, a cut connection.

#[allow(dead_code)]
#[path = "../../rust-core/tests/support/net.rs"]
mod net;

use std::time::Duration;

use icp_companion_core::http::Timeouts;
use icp_companion_core::location::{
    assess, Area, Crs, LocationEvidence, LocationFix, LocationPolicy, LocationPrecision,
    LocationProvider,
};
use icp_companion_core::order::{parse_and_verify, IssuerSigningKey, TrustPolicy, VerifiedOrder};
use icp_companion_core::session::{
    FilingSession, OrderStatus, QueueError, SessionError, SessionState, Slot,
};
use icp_companion_core::upload::{
    drain, upload, DrainSettings, RetryPolicy, Throttle, TusClient, UploadError, UploadJob,
    UploadQueue, UploadReport,
};
use icp_companion_dev_gateway::{Config, DevGateway, NewOrder};
use net::{photo_bytes, Fault, Proxy};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

/// The app installation the tests claim as.
const INSTALLATION: &str = "test-installation-0001";

const CHUNK: usize = 256 * 1024;

fn issuer() -> IssuerSigningKey {
    IssuerSigningKey::from_seed(&[7u8; 32]).unwrap()
}

async fn gateway() -> DevGateway {
    DevGateway::start(
        "127.0.0.1:0".parse().unwrap(),
        Config {
            dir: net::temp_dir("gateway"),
            issuer: issuer(),
            max_photo_bytes: 4_000_000,
            advertise: None,
            capture_session_seconds: icp_companion_dev_gateway::CAPTURE_SESSION_SECONDS,
        },
    )
    .await
    .unwrap()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Creates an order the way the filing website would (allowing stored
/// photos: these tests are about the transport; `evidence.rs` tests live
/// capture); returns it verified as the phone's scanner would.
async fn new_order(gw: &DevGateway, province_code: u8, subject: &str) -> VerifiedOrder {
    let created: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{}/dev/orders", gw.addr))
        .json(&NewOrder {
            province_code,
            subject: subject.into(),
            applicant: "张晓明".into(),
            domains: vec!["example.cn".into(), "example.com.cn".into()],
            valid_seconds: 600,
            allow_stored_photos: true,
        })
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let trust = TrustPolicy {
        issuers: vec![issuer().public_key()],
        allowed_gateway_hosts: vec!["127.0.0.1".into()],
    };
    parse_and_verify(created["qr_text"].as_str().unwrap(), &trust, now()).unwrap()
}

async fn dev(gw: &DevGateway, order: &str, action: &str) -> serde_json::Value {
    let client = reqwest::Client::new();
    let url = format!("http://{}/dev/orders/{order}{action}", gw.addr);
    let request = if action.is_empty() {
        client.get(url)
    } else {
        client.post(url)
    };
    request.send().await.unwrap().json().await.unwrap()
}

fn quick() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn quick_drain() -> DrainSettings {
    DrainSettings {
        retry: quick(),
        chunk_size: CHUNK,
        ..DrainSettings::default()
    }
}

/// Evidence judged inside Shanghai (People's Square, ±8 m), bound to a
/// photo captured at `captured_ms`.
fn inside_evidence(captured_ms: i64) -> LocationEvidence {
    let fix = LocationFix {
        latitude: 31.2304,
        longitude: 121.4737,
        crs: Crs::Wgs84,
        horizontal_accuracy_m: 8.0,
        fix_time_unix_ms: captured_ms - 1000,
        is_mock: false,
        provider: LocationProvider::Fused,
        precision: LocationPrecision::Precise,
    };
    let policy = LocationPolicy::default();
    let verdict = assess(Area::shanghai().unwrap(), &fix, captured_ms, &policy).unwrap();
    LocationEvidence::bind(&verdict, captured_ms, &policy).unwrap()
}

fn job(order: &str, slot: Slot, data: Vec<u8>, declared_sha: Option<String>) -> UploadJob {
    let sha =
        declared_sha.unwrap_or_else(|| icp_companion_core::upload::hex(&Sha256::digest(&data)));
    let captured = now() as i64 * 1000;
    UploadJob {
        data,
        metadata: vec![
            ("order".into(), order.into()),
            ("slot".into(), slot.wire_name().into()),
            ("sha256".into(), sha),
            ("captured_at".into(), captured.to_string()),
            ("location".into(), inside_evidence(captured).to_json()),
        ],
        resume: None,
        chunk_size: CHUNK,
        receipt: None,
    }
}

/// A new order claimed by the phone: (order id, session).
async fn claimed(gw: &DevGateway, province_code: u8, subject: &str) -> (String, FilingSession) {
    let order = new_order(gw, province_code, subject).await;
    let id = order.payload.order_id.clone();
    let session = FilingSession::claim(order, INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    (id, session)
}

/// Queues `data` for `slot` of the session's order, as the app does (with
/// evidence judged inside where the order needs it).
fn enqueue(
    queue: &icp_companion_core::upload::UploadQueue,
    session: &mut FilingSession,
    slot: Slot,
    data: &[u8],
) -> String {
    let captured = now() as i64 * 1000;
    let evidence = inside_evidence(captured);
    session
        .queue_photo(queue, slot, data, captured, "pass", Some(&evidence))
        .unwrap()
        .id
}

async fn send(client: &TusClient, job: &UploadJob) -> Result<UploadReport, UploadError> {
    let mut progress = Throttle::new(Duration::from_millis(100), |_, _| {});
    upload(
        client,
        job,
        &quick(),
        &mut progress,
        &CancellationToken::new(),
        |_| {},
    )
    .await
}

fn client_for(session: &FilingSession) -> TusClient {
    TusClient::new(
        session.upload_endpoint().unwrap(),
        Some(session.token()),
        Timeouts::default(),
    )
    .unwrap()
}

#[tokio::test]
async fn claim_upload_every_slot_submit_and_again_after_return_to_draft() {
    let gw = gateway().await;
    // Guangdong: the documents and the owner's photo on the phone.
    let order = new_order(&gw, 44, "organisation").await;
    let id = order.payload.order_id.clone();
    let mut session = FilingSession::claim(order.clone(), INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    let view = session.view().clone();
    assert_eq!(view.applicant_masked, "张*明");
    assert_eq!(view.province_code, 44);
    assert!(view.slots.iter().all(|s| !s.needs_location));
    let slots: Vec<Slot> = view.slots.iter().map(|s| s.slot).collect();
    assert_eq!(
        slots,
        vec![
            Slot::SubjectId,
            Slot::SubjectLicence,
            Slot::AuthenticityStatement,
            Slot::AdminPhoto
        ]
    );
    assert_eq!(session.state(), SessionState::Claimed);
    // The one-time token cannot be used by another installation; the same
    // installation claiming again (its answer lost) gets the same session.
    assert_eq!(
        FilingSession::claim(order.clone(), "another-installation", Timeouts::default())
            .await
            .unwrap_err(),
        SessionError::AlreadyClaimed
    );
    let again = FilingSession::claim(order, INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    assert_eq!(again.token(), session.token());
    // Submitting early names what is missing.
    assert_eq!(
        session.submit().await.unwrap_err(),
        SessionError::Incomplete {
            missing: slots.clone()
        }
    );

    let client = client_for(&session);
    assert_eq!(session.to_take(), slots);
    let queue = UploadQueue::open(&net::temp_dir("queue"), &[8u8; 32]).unwrap();
    let captured = now() as i64 * 1000;
    for (i, &slot) in slots.iter().enumerate() {
        let data = photo_bytes(700_000 + i * 1000, i as u64 + 10);
        session
            .queue_photo(&queue, slot, &data, captured, "pass", None)
            .unwrap();
        // Queued: no longer to take, still missing until the gateway has it.
        assert_eq!(session.to_take(), slots[i + 1..]);
        assert!(session.missing().contains(&slot));
        session.upload_started(slot);
        assert_eq!(session.state(), SessionState::Uploading);
    }
    let drained = drain(
        &queue,
        &quick_drain(),
        &CancellationToken::new(),
        |_, _, _| {},
    )
    .await
    .unwrap();
    assert!(
        drained.failed.is_empty() && drained.quarantined.is_empty(),
        "{drained:?}"
    );
    assert_eq!(drained.uploaded.len(), slots.len());
    for (entry, report) in &drained.uploaded {
        let slot = Slot::from_wire(entry.slot().unwrap()).unwrap();
        let i = slots.iter().position(|s| *s == slot).unwrap();
        assert!(
            report.chunks_verified,
            "the dev gateway verifies every chunk"
        );
        assert!(report.confirmed, "and confirms it holds the photo");
        assert_eq!(
            report.bytes_sent,
            700_000 + i as u64 * 1000,
            "each byte sent once"
        );
        session.upload_finished(slot);
    }
    assert!(queue.pending().unwrap().entries.is_empty());
    session.refresh().await.unwrap();
    assert_eq!(session.state(), SessionState::Uploaded);
    assert_eq!(
        session.submit().await.unwrap().status,
        OrderStatus::Submitted
    );
    assert_eq!(session.state(), SessionState::Submitted);
    // A submitted order takes no more photos.
    let late = send(
        &client,
        &job(&id, Slot::AdminPhoto, photo_bytes(1000, 1), None),
    )
    .await;
    assert_eq!(late.unwrap_err(), UploadError::OrderClosed);
    // The reviewer returns it to draft: photos can be uploaded again.
    dev(&gw, &id, "/return").await;
    assert_eq!(
        session.refresh().await.unwrap().status,
        OrderStatus::ReturnedToDraft
    );
    let again = photo_bytes(300_000, 99);
    let sha = icp_companion_core::upload::hex(&Sha256::digest(&again));
    send(&client, &job(&id, Slot::AdminPhoto, again, None))
        .await
        .unwrap();
    session.refresh().await.unwrap();
    let admin = session
        .view()
        .slots
        .iter()
        .find(|s| s.slot == Slot::AdminPhoto)
        .unwrap();
    assert_eq!(admin.received_sha256.as_deref(), Some(sha.as_str()));
    session.submit().await.unwrap();
    // What the gateway holds matches, byte for byte.
    let listing = dev(&gw, &id, "").await;
    let stored = listing["received"]["admin_photo"]["path"].as_str().unwrap();
    assert_eq!(
        icp_companion_core::upload::hex(&Sha256::digest(std::fs::read(stored).unwrap())),
        sha
    );
    assert_eq!(
        listing["received"]["admin_photo"]["metadata"]["slot"],
        "admin_photo"
    );
}

#[tokio::test]
async fn revoked_tokens_expired_orders_and_wrong_files_stop_with_clear_errors() {
    let gw = gateway().await;
    let (id, mut session) = claimed(&gw, 44, "individual").await;
    let client = client_for(&session);
    // A file whose bytes differ from the declared sha256 never counts.
    let wrong = job(
        &id,
        Slot::SubjectId,
        photo_bytes(50_000, 3),
        Some("0".repeat(64)),
    );
    assert_eq!(
        send(&client, &wrong).await.unwrap_err(),
        UploadError::ChecksumMismatch
    );
    session.refresh().await.unwrap();
    assert!(session.missing().contains(&Slot::SubjectId));
    // A slot the order does not collect is refused.
    let foreign = job(&id, Slot::DomainCertificate, photo_bytes(1000, 4), None);
    assert!(matches!(
        send(&client, &foreign).await,
        Err(UploadError::Rejected { status: 400, .. })
    ));
    // Revoked: the phone is told to scan again.
    dev(&gw, &id, "/revoke").await;
    let photo = job(&id, Slot::SubjectId, photo_bytes(10_000, 5), None);
    assert_eq!(
        send(&client, &photo).await.unwrap_err(),
        UploadError::Unauthorized
    );
    assert_eq!(
        session.refresh().await.unwrap_err(),
        SessionError::Unauthorized
    );

    // Expired before and after the claim.
    let (id, session) = claimed(&gw, 44, "individual").await;
    let client = client_for(&session);
    dev(&gw, &id, "/expire").await;
    let photo = job(&id, Slot::SubjectId, photo_bytes(10_000, 6), None);
    assert_eq!(
        send(&client, &photo).await.unwrap_err(),
        UploadError::OrderClosed
    );
    let late = new_order(&gw, 44, "individual").await;
    dev(&gw, &late.payload.order_id, "/expire").await;
    assert_eq!(
        FilingSession::claim(late, INSTALLATION, Timeouts::default())
            .await
            .unwrap_err(),
        SessionError::OrderClosed
    );
}

#[tokio::test]
async fn a_cut_mid_upload_resends_at_most_the_chunk_in_flight() {
    let gw = gateway().await;
    let (id, session) = claimed(&gw, 50, "individual").await;
    // The proxy sits between the phone and the gateway's upload endpoint.
    let proxy = Proxy::start(gw.addr, &[Fault::CutAfter((CHUNK * 5 / 2) as u64)]).await;
    let endpoint = url::Url::parse(&format!("http://{}/files", proxy.addr)).unwrap();
    let client = TusClient::new(endpoint, Some(session.token()), Timeouts::default()).unwrap();
    let data = photo_bytes(1_500_000, 8);
    let report = send(&client, &job(&id, Slot::SubjectId, data.clone(), None))
        .await
        .unwrap();
    // With checksums the gateway keeps only whole verified chunks: the
    // chunk cut in flight is sent again, nothing more.
    let resent = report.bytes_sent - data.len() as u64;
    assert!(resent <= CHUNK as u64, "resent {resent}");
    assert!(proxy.upstream_bytes() - (data.len() as u64) < CHUNK as u64 + 40 * 1024);
    let listing = dev(&gw, &id, "").await;
    let stored = listing["received"]["subject_id"]["path"].as_str().unwrap();
    assert_eq!(std::fs::read(stored).unwrap(), data);
}

#[tokio::test]
async fn a_killed_queue_finishes_every_upload_after_restart() {
    use icp_companion_core::upload::{drain, DrainSettings, UploadQueue};
    let gw = gateway().await;
    let (id, mut session) = claimed(&gw, 44, "organisation").await;
    let slots: Vec<Slot> = session.view().slots.iter().map(|s| s.slot).collect();
    let dir = net::temp_dir("queue");
    let key = [42u8; 32];
    let settings = DrainSettings {
        retry: quick(),
        chunk_size: CHUNK,
        progress_every: Duration::ZERO,
        ..DrainSettings::default()
    };
    let mut photos = Vec::new();
    {
        let queue = UploadQueue::open(&dir, &key).unwrap();
        for (i, &slot) in slots.iter().enumerate() {
            let data = photo_bytes(900_000, 100 + i as u64);
            enqueue(&queue, &mut session, slot, &data);
            photos.push((slot, data));
        }
        // The app is killed while the second photo is half sent.
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        let mut started = Vec::new();
        let first = drain(&queue, &settings, &cancel, |entry, sent, _| {
            if !started.contains(&entry.to_string()) {
                started.push(entry.to_string());
            }
            if started.len() == 2 && sent >= 2 * CHUNK as u64 {
                stop.cancel();
            }
        })
        .await
        .unwrap();
        assert_eq!(first.uploaded.len(), 1);
        assert_eq!(first.failed.len(), 1);
        assert_eq!(first.failed[0].1, UploadError::Cancelled);
    }
    // A new process opens the queue with the key from the keystore.
    let queue = UploadQueue::open(&dir, &key).unwrap();
    let waiting = queue.pending().unwrap().entries;
    assert_eq!(waiting.len(), slots.len() - 1);
    assert!(waiting[0].resume.is_some(), "the half-sent photo resumes");
    let second = drain(&queue, &settings, &CancellationToken::new(), |_, _, _| {})
        .await
        .unwrap();
    assert!(second.failed.is_empty(), "{:?}", second.failed);
    let resumed = &second.uploaded[0].1;
    assert!(
        resumed.bytes_sent <= 900_000 - 2 * CHUNK as u64,
        "confirmed bytes not resent"
    );
    assert!(queue.pending().unwrap().entries.is_empty());
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| f.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        ["queue.key"],
        "nothing but the key check left on the phone"
    );
    let listing = dev(&gw, &id, "").await;
    for (slot, data) in photos {
        let held = &listing["received"][slot.wire_name()];
        assert_eq!(
            held["sha256"],
            icp_companion_core::upload::hex(&Sha256::digest(&data))
        );
        assert_eq!(std::fs::read(held["path"].as_str().unwrap()).unwrap(), data);
    }
}

#[tokio::test]
async fn in_region_photos_need_evidence_and_refused_uploads_stay_queued() {
    use icp_companion_core::upload::{drain, DrainSettings, UploadQueue};
    let gw = gateway().await;
    let (id, mut session) = claimed(&gw, 31, "individual").await;
    // The phone refuses to queue a Shanghai photo without evidence...
    assert_eq!(
        session
            .upload_metadata(Slot::AdminPhoto, b"photo", 1, "pass", None)
            .unwrap_err(),
        SessionError::LocationRequired {
            slot: Slot::AdminPhoto
        }
    );
    // ...and so does the gateway.
    let client = client_for(&session);
    let mut bare = job(&id, Slot::AdminPhoto, photo_bytes(5_000, 1), None);
    bare.metadata.retain(|(k, _)| k != "location");
    assert_eq!(
        send(&client, &bare).await.unwrap_err(),
        UploadError::EvidenceRefused {
            reason: "location.malformed_evidence".into()
        }
    );

    // A revoked phone: the drain stops with a clear error, the photo stays.
    let dir = net::temp_dir("kept");
    let queue = UploadQueue::open(&dir, &[1u8; 32]).unwrap();
    assert_eq!(
        session
            .queue_photo(&queue, Slot::AdminPhoto, b"photo", 1, "pass", None)
            .unwrap_err(),
        QueueError::Refused(SessionError::LocationRequired {
            slot: Slot::AdminPhoto
        })
    );
    let data = photo_bytes(80_000, 2);
    let entry = enqueue(&queue, &mut session, Slot::AdminPhoto, &data);
    dev(&gw, &id, "/revoke").await;
    let settings = DrainSettings {
        retry: quick(),
        ..DrainSettings::default()
    };
    let drained = drain(&queue, &settings, &CancellationToken::new(), |_, _, _| {})
        .await
        .unwrap();
    assert_eq!(drained.failed[0].1, UploadError::Unauthorized);
    assert_eq!(queue.pending().unwrap().entries.len(), 1);
    assert_eq!(queue.photo(&entry).unwrap(), data, "the photo is kept");
    // An expired order likewise.
    let (other, mut session) = claimed(&gw, 50, "individual").await;
    enqueue(
        &queue,
        &mut session,
        Slot::SubjectId,
        &photo_bytes(80_000, 3),
    );
    dev(&gw, &other, "/expire").await;
    let drained = drain(&queue, &settings, &CancellationToken::new(), |_, _, _| {})
        .await
        .unwrap();
    assert!(drained
        .failed
        .iter()
        .any(|(_, e)| *e == UploadError::OrderClosed));
    assert_eq!(queue.pending().unwrap().entries.len(), 2);
}
