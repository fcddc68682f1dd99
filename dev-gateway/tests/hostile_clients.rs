//! The development gateway against clients that misbehave or lose answers:
//! two `PATCH`es to one upload at once, a body longer than declared, the
//! answer to the last chunk or to the claim lost on the way back. Nothing
//! may be stored twice or wrong, and the gateway keeps answering.

#[allow(dead_code)]
#[path = "../../rust-core/tests/support/net.rs"]
mod net;

use std::time::Duration;

use futures_util::StreamExt;
use icp_companion_core::http::Timeouts;
use icp_companion_core::order::{
    parse_and_verify, Gateway, IssuerSigningKey, TrustPolicy, VerifiedOrder,
};
use icp_companion_core::session::{FilingSession, Slot};
use icp_companion_core::upload::{drain, DrainSettings, RetryPolicy, UploadQueue};
use icp_companion_dev_gateway::{Config, DevGateway, NewOrder};
use net::{photo_bytes, Fault, Proxy};
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

const INSTALLATION: &str = "hostile-client-test-01";

fn issuer() -> IssuerSigningKey {
    IssuerSigningKey::from_seed(&[9u8; 32]).unwrap()
}

async fn gateway(advertise: Option<Gateway>) -> DevGateway {
    DevGateway::start(
        "127.0.0.1:0".parse().unwrap(),
        Config {
            dir: net::temp_dir("gateway"),
            issuer: issuer(),
            max_photo_bytes: 4_000_000,
            advertise,
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

/// A Guangdong order (no location rule), verified as the phone would.
fn new_order(gw: &DevGateway) -> VerifiedOrder {
    let (_, text) = gw
        .create_order(NewOrder {
            province_code: 44,
            subject: "individual".into(),
            applicant: "李四".into(),
            domains: vec!["example.cn".into()],
            valid_seconds: 600,
            allow_stored_photos: true,
        })
        .unwrap();
    let trust = TrustPolicy {
        issuers: vec![issuer().public_key()],
        allowed_gateway_hosts: vec!["127.0.0.1".into()],
    };
    parse_and_verify(&text, &trust, now()).unwrap()
}

/// Creates an upload of `length` bytes for `slot` with raw HTTP; returns its URL.
async fn create(gw: &DevGateway, token: &str, order: &str, slot: Slot, data: &[u8]) -> String {
    use data_encoding::BASE64;
    let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(data));
    let meta = [
        ("order", order),
        ("slot", slot.wire_name()),
        ("sha256", &sha),
    ]
    .iter()
    .map(|(k, v)| format!("{k} {}", BASE64.encode(v.as_bytes())))
    .collect::<Vec<_>>()
    .join(",");
    let answer = reqwest::Client::new()
        .post(format!("http://{}/files", gw.addr))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", data.len())
        .header("Upload-Metadata", meta)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    format!(
        "http://{}{}",
        gw.addr,
        answer.headers()["location"].to_str().unwrap()
    )
}

fn patch(url: &str, token: &str, offset: u64, body: reqwest::Body) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .patch(url)
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", offset)
        .body(body)
}

async fn held_offset(url: &str, token: &str) -> u64 {
    let answer = reqwest::Client::new()
        .head(url)
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    answer.headers()["upload-offset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_second_patch_while_one_is_written_is_refused_and_the_file_stays_right() {
    let gw = gateway(None).await;
    let order = new_order(&gw);
    let id = order.payload.order_id.clone();
    let session = FilingSession::claim(order, INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    let token = session.token().to_string();
    let data = photo_bytes(2_000_000, 1);
    let url = create(&gw, &token, &id, Slot::AdminPhoto, &data).await;
    // The first PATCH sends half its body, pauses, then the rest.
    let (first_half, second_half) = (data[..1_000_000].to_vec(), data[1_000_000..].to_vec());
    let slow = futures_util::stream::iter([first_half, second_half]).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok::<_, std::io::Error>(chunk)
    });
    let first = tokio::spawn(patch(&url, &token, 0, reqwest::Body::wrap_stream(slow)).send());
    tokio::time::sleep(Duration::from_millis(450)).await;
    let second = patch(&url, &token, 0, data.clone().into())
        .send()
        .await
        .unwrap();
    assert_eq!(
        second.status(),
        StatusCode::CONFLICT,
        "a second writer is refused"
    );
    let first = first.await.unwrap().unwrap();
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    // The gateway still answers, and holds the photo once, whole.
    assert_eq!(held_offset(&url, &token).await, data.len() as u64);
    let listing = gw.listing(&id).unwrap();
    assert_eq!(
        listing["received"]["admin_photo"]["sha256"],
        data_encoding::HEXLOWER.encode(&Sha256::digest(&data))
    );
    assert_eq!(listing["completions"]["admin_photo"], 1);
    // A finished upload stays known: a late client is told it is whole.
    let late = patch(&url, &token, 0, data.into()).send().await.unwrap();
    assert_eq!(late.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_body_longer_than_declared_is_refused_whole() {
    let gw = gateway(None).await;
    let order = new_order(&gw);
    let id = order.payload.order_id.clone();
    let session = FilingSession::claim(order, INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    let token = session.token().to_string();
    let data = photo_bytes(100_000, 2);
    let url = create(&gw, &token, &id, Slot::SubjectId, &data).await;
    let mut longer = data.clone();
    longer.extend_from_slice(&[0u8; 65_259]);
    let answer = patch(&url, &token, 0, longer.into()).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(held_offset(&url, &token).await, 0, "nothing of it is kept");
    // The right body is then taken.
    let answer = patch(&url, &token, 0, data.into()).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    assert_eq!(gw.listing(&id).unwrap()["completions"]["subject_id"], 1);
}

#[tokio::test]
async fn a_lost_answer_to_the_last_chunk_does_not_send_the_photo_twice() {
    // Phones reach the gateway through a proxy that will lose one answer.
    let front = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let advertised = Gateway::parse(&format!("http://{}", front.local_addr().unwrap())).unwrap();
    let gw = gateway(Some(advertised)).await;
    // The connection's answers are lost once ~550 kB went up: inside the
    // last of three 256 KiB chunks, so the gateway completes the upload and
    // the phone never hears it.
    let proxy = Proxy::listen_with(front, gw.addr, &[Fault::LoseAnswerAfter(550_000)]);
    let order = new_order(&gw);
    let id = order.payload.order_id.clone();
    let mut session = FilingSession::claim(order, INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    let queue = UploadQueue::open(&net::temp_dir("queue"), &[6u8; 32]).unwrap();
    let data = photo_bytes(600_000, 3);
    session
        .queue_photo(
            &queue,
            Slot::AdminPhoto,
            &data,
            now() as i64 * 1000,
            "pass",
            None,
        )
        .unwrap();
    let settings = DrainSettings {
        chunk_size: 256 * 1024,
        retry: RetryPolicy {
            first_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        },
        ..DrainSettings::default()
    };
    let drained = drain(&queue, &settings, &CancellationToken::new(), |_, _, _| {})
        .await
        .unwrap();
    assert_eq!(drained.uploaded.len(), 1, "{drained:?}");
    assert!(drained.uploaded[0].1.confirmed);
    assert_eq!(
        gw.listing(&id).unwrap()["completions"]["admin_photo"],
        1,
        "sent once"
    );
    assert!(queue.pending().unwrap().entries.is_empty());
    drop(proxy);
}

#[tokio::test]
async fn a_lost_claim_answer_is_claimed_again_by_the_same_installation() {
    let front = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let advertised = Gateway::parse(&format!("http://{}", front.local_addr().unwrap())).unwrap();
    let gw = gateway(Some(advertised)).await;
    let proxy = Proxy::listen_with(front, gw.addr, &[Fault::LoseAnswerAfter(0)]);
    let order = new_order(&gw);
    // The gateway claimed it for this installation; the answer was lost;
    // the client's retry gets the same session.
    let session = FilingSession::claim(order.clone(), INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    let again = FilingSession::claim(order, INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    assert_eq!(session.token(), again.token());
    drop(proxy);
}

#[tokio::test]
async fn a_damaged_queue_entry_is_set_aside_and_the_others_are_sent() {
    let gw = gateway(None).await;
    let order = new_order(&gw);
    let id = order.payload.order_id.clone();
    let mut session = FilingSession::claim(order, INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    let folder = net::temp_dir("damaged-queue");
    let queue = UploadQueue::open(&folder, &[2u8; 32]).unwrap();
    let slots = [
        Slot::SubjectId,
        Slot::AuthenticityStatement,
        Slot::AdminPhoto,
    ];
    let mut entries = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let data = photo_bytes(50_000 + i, i as u64 + 30);
        entries.push(
            session
                .queue_photo(&queue, *slot, &data, now() as i64 * 1000, "pass", None)
                .unwrap(),
        );
    }
    // One flipped byte in the middle entry's photo.
    let photo = folder.join(format!("{}.photo", entries[1].id));
    let mut bytes = std::fs::read(&photo).unwrap();
    bytes[40] ^= 1;
    std::fs::write(&photo, bytes).unwrap();
    let drained = drain(
        &queue,
        &DrainSettings::default(),
        &CancellationToken::new(),
        |_, _, _| {},
    )
    .await
    .unwrap();
    assert_eq!(drained.uploaded.len(), 2, "{drained:?}");
    assert_eq!(drained.quarantined.len(), 1);
    assert_eq!(
        drained.quarantined[0].slot.as_deref(),
        Some("authenticity_statement")
    );
    let listing = gw.listing(&id).unwrap();
    assert_eq!(listing["completions"]["subject_id"], 1);
    assert_eq!(listing["completions"]["admin_photo"], 1);
    assert!(queue.pending().unwrap().entries.is_empty());
}
