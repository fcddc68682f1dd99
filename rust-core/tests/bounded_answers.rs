//! Answers without end — an error body, a claim answer — are read up to
//! their bound and no further: the client's memory stays small and the call
//! ends at once instead of at the request timeout. One test in this binary,
//! so that the counting allocator sees only it.

#[path = "../benches/support/counting.rs"]
mod counting;
#[allow(dead_code)]
#[path = "support/hostile.rs"]
mod hostile;

use std::time::{Duration, Instant};

use counting::{peak_mb, Counting};
use hostile::{Answer, HostileServer};
use icp_companion_core::http::Timeouts;
use icp_companion_core::order::{
    encode, parse_and_verify, AdminPhotoFlow, ClaimToken, Gateway, IssuerSigningKey, OrderPayload,
    Province, Requirements, SubjectType, TrustPolicy,
};
use icp_companion_core::session::{FilingSession, SessionError};
use icp_companion_core::upload::{
    upload, RetryPolicy, Throttle, TusClient, UploadError, UploadJob,
};
use tokio_util::sync::CancellationToken;
use url::Url;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The client's extra heap while reading an endless answer, at most.
const MAX_PEAK_MB: f64 = 16.0;

#[test]
fn endless_answers_are_cut_at_their_bound() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(HostileServer::start(|r| match r.method.as_str() {
        "OPTIONS" => Answer::Endless(500),
        _ => Answer::Endless(200),
    }));

    // The tus server's error answer never ends.
    let endpoint = Url::parse(&format!("http://{}/files", server.addr)).unwrap();
    let client = TusClient::new(endpoint, Some("token"), Timeouts::default()).unwrap();
    let job = UploadJob {
        data: vec![7u8; 1000],
        metadata: vec![],
        resume: None,
        chunk_size: 1000,
        receipt: None,
    };
    let policy = RetryPolicy {
        max_attempts: 2,
        first_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    };
    let started = Instant::now();
    let mut result = None;
    let peak = peak_mb(|| {
        let mut progress = Throttle::new(Duration::ZERO, |_, _| {});
        result = Some(runtime.block_on(upload(
            &client,
            &job,
            &policy,
            &mut progress,
            &CancellationToken::new(),
            |_| {},
        )));
    });
    assert_eq!(
        result.unwrap().unwrap_err(),
        UploadError::Server { status: 500 }
    );
    assert!(
        peak < MAX_PEAK_MB,
        "{peak:.1} MB while reading an endless error body"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "ends before the request timeout"
    );

    // The gateway's claim answer never ends.
    let issuer = IssuerSigningKey::from_seed(&[3u8; 32]).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let payload = OrderPayload {
        order_id: "ICP-ENDLESS".into(),
        gateway: Gateway::parse(&format!("http://{}", server.addr)).unwrap(),
        claim_token: ClaimToken([1; 16]),
        expires_at: now + 600,
        province: Province::Guangdong,
        subject: SubjectType::Individual,
        requirements: Requirements {
            documents: vec![],
            admin_photo: AdminPhotoFlow::App,
            in_region_verification: false,
        },
    };
    let trust = TrustPolicy {
        issuers: vec![issuer.public_key()],
        allowed_gateway_hosts: vec!["127.0.0.1".into()],
    };
    let order = parse_and_verify(&encode(&payload, &issuer).unwrap(), &trust, now).unwrap();
    let started = Instant::now();
    let mut claimed = None;
    let peak = peak_mb(|| {
        claimed = Some(runtime.block_on(FilingSession::claim(
            order,
            "endless-test-installation",
            Timeouts::default(),
        )));
    });
    assert!(
        matches!(claimed.unwrap(), Err(SessionError::Gateway { ref detail }) if detail.contains("longer than")),
        "an endless claim answer is refused"
    );
    assert!(
        peak < MAX_PEAK_MB,
        "{peak:.1} MB while reading an endless claim answer"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}
