//! The upload client against a server that lies: offsets beyond the file in
//! a creation or `HEAD` answer, uploads forgotten after every chunk, answers
//! that trickle. None may make the client count a photo as sent that is
//! not, nor send it without end.

#[allow(dead_code)]
#[path = "support/hostile.rs"]
mod hostile;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hostile::{Answer, HostileServer, Request};
use icp_companion_core::http::Timeouts;
use icp_companion_core::upload::{
    hex, upload, Receipt, RetryPolicy, Throttle, TusClient, UploadError, UploadJob, UploadReport,
};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use url::Url;

const SIZE: usize = 300_000;
const CHUNK: usize = 64 * 1024;

fn photo() -> Vec<u8> {
    (0..SIZE).map(|i| (i * 31 % 251) as u8).collect()
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn job(receipt: Option<Receipt>) -> UploadJob {
    UploadJob {
        data: photo(),
        metadata: vec![("slot".into(), "admin_photo".into())],
        resume: None,
        chunk_size: CHUNK,
        receipt,
    }
}

async fn send(
    server: &HostileServer,
    job: &UploadJob,
    timeouts: Timeouts,
) -> Result<UploadReport, UploadError> {
    let endpoint = Url::parse(&format!("http://{}/files", server.addr)).unwrap();
    let client = TusClient::new(endpoint, Some("token"), timeouts).unwrap();
    let mut progress = Throttle::new(Duration::ZERO, |_, _| {});
    tokio::time::timeout(
        Duration::from_secs(30),
        upload(
            &client,
            job,
            &policy(),
            &mut progress,
            &CancellationToken::new(),
            |_| {},
        ),
    )
    .await
    .expect("the upload ends")
}

/// What a tus server says to `OPTIONS`.
fn options() -> Answer {
    Answer::status(
        204,
        &[
            ("tus-resumable", "1.0.0"),
            ("tus-version", "1.0.0"),
            ("tus-extension", "creation,termination"),
        ],
    )
}

/// A `PATCH` answer that accepts the whole body.
fn accept(request: &Request) -> Answer {
    let offset: u64 = request.header("upload-offset").unwrap().parse().unwrap();
    let now = (offset + request.body.len() as u64).to_string();
    Answer::status(204, &[("tus-resumable", "1.0.0"), ("upload-offset", &now)])
}

#[tokio::test]
async fn a_creation_answer_claiming_more_than_the_file_is_not_a_finished_upload() {
    let server = HostileServer::start(|r| match r.method.as_str() {
        "OPTIONS" => options(),
        "POST" => Answer::status(
            201,
            &[
                ("tus-resumable", "1.0.0"),
                ("location", "/files/1"),
                ("upload-offset", "999999999"),
            ],
        ),
        _ => accept(r),
    })
    .await;
    let result = send(&server, &job(None), Timeouts::default()).await;
    assert!(
        matches!(result, Err(UploadError::Incompatible { .. })),
        "{result:?}"
    );
    assert_eq!(server.count("PATCH"), 0);
}

#[tokio::test]
async fn a_head_claiming_more_than_the_file_after_a_failed_patch_is_not_a_finished_upload() {
    let server = HostileServer::start(|r| match r.method.as_str() {
        "OPTIONS" => options(),
        "POST" => Answer::status(201, &[("tus-resumable", "1.0.0"), ("location", "/files/1")]),
        "PATCH" => Answer::HangUp,
        "HEAD" => Answer::status(
            200,
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-offset", "999999999"),
                ("upload-length", "300000"),
            ],
        ),
        _ => Answer::status(404, &[]),
    })
    .await;
    let result = send(&server, &job(None), Timeouts::default()).await;
    assert!(
        matches!(result, Err(UploadError::Incompatible { .. })),
        "{result:?}"
    );
    // A HEAD naming another length is refused too.
    let other = HostileServer::start(|r| match r.method.as_str() {
        "OPTIONS" => options(),
        "POST" => Answer::status(201, &[("tus-resumable", "1.0.0"), ("location", "/files/1")]),
        "PATCH" => Answer::HangUp,
        _ => Answer::status(
            200,
            &[
                ("tus-resumable", "1.0.0"),
                ("upload-offset", "300000"),
                ("upload-length", "300001"),
            ],
        ),
    })
    .await;
    let result = send(&other, &job(None), Timeouts::default()).await;
    assert!(
        matches!(result, Err(UploadError::Incompatible { .. })),
        "{result:?}"
    );
}

/// A server that completes every upload's last chunk but loses the answer,
/// then forgets the upload (`HEAD` 404); it answers the order status as
/// `status_json` says.
async fn forgetful(status_json: Option<String>) -> HostileServer {
    let next = Arc::new(AtomicU32::new(0));
    HostileServer::start(move |r| match r.method.as_str() {
        "OPTIONS" => options(),
        "POST" => {
            let id = next.fetch_add(1, Ordering::SeqCst);
            Answer::status(
                201,
                &[
                    ("tus-resumable", "1.0.0"),
                    ("location", &format!("/files/{id}")),
                ],
            )
        }
        "PATCH" => {
            let offset: usize = r.header("upload-offset").unwrap().parse().unwrap();
            if offset + r.body.len() == SIZE {
                Answer::HangUp
            } else {
                accept(r)
            }
        }
        "HEAD" => Answer::status(404, &[("tus-resumable", "1.0.0")]),
        "GET" => match &status_json {
            Some(json) => Answer::Reply {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: json.clone().into_bytes(),
            },
            None => Answer::status(404, &[]),
        },
        _ => Answer::status(405, &[]),
    })
    .await
}

#[tokio::test]
async fn an_upload_forgotten_after_every_last_chunk_is_sent_a_bounded_number_of_times() {
    let server = forgetful(None).await;
    let result = send(&server, &job(None), Timeouts::default()).await;
    assert!(
        matches!(result, Err(UploadError::GaveUp { .. })),
        "{result:?}"
    );
    // The first upload and at most `max_restarts` more; bytes within the budget.
    let limits = RetryPolicy::default();
    assert!(
        server.count("POST") as u32 <= 1 + limits.max_restarts,
        "{} POSTs",
        server.count("POST")
    );
    assert!(
        server.body_bytes("PATCH") as u64 <= SIZE as u64 * limits.max_resend_factor + CHUNK as u64,
        "{} bytes sent",
        server.body_bytes("PATCH")
    );
}

#[tokio::test]
async fn a_forgotten_upload_the_gateway_already_holds_is_not_sent_again() {
    let sha = hex(&Sha256::digest(photo()));
    let status = format!(
        r#"{{"order_id":"ICP-1","applicant_masked":"张*明","domains":[],"province_code":44,"subject":"individual","status":"open","phone_steps":"documents_and_owner","slots":[{{"slot":"admin_photo","required":true,"needs_location":false,"received_sha256":"{sha}"}}]}}"#
    );
    let server = forgetful(Some(status)).await;
    let receipt = Receipt {
        status_url: Url::parse(&format!("http://{}/api/orders/ICP-1", server.addr)).unwrap(),
        slot: "admin_photo".into(),
        sha256: sha,
    };
    let report = send(&server, &job(Some(receipt.clone())), Timeouts::default())
        .await
        .unwrap();
    assert!(report.confirmed);
    assert_eq!(server.count("POST"), 1, "sent once");
    assert_eq!(server.body_bytes("PATCH"), SIZE);
    // A gateway that does not hold it: the photo is sent again, boundedly.
    let denying = forgetful(Some(
        r#"{"order_id":"ICP-1","applicant_masked":"x","domains":[],"province_code":44,"subject":"individual","status":"open","phone_steps":"documents_and_owner","slots":[]}"#.into(),
    ))
    .await;
    let receipt = Receipt {
        status_url: Url::parse(&format!("http://{}/api/orders/ICP-1", denying.addr)).unwrap(),
        ..receipt
    };
    let result = send(&denying, &job(Some(receipt)), Timeouts::default()).await;
    assert!(
        matches!(result, Err(UploadError::GaveUp { .. })),
        "{result:?}"
    );
    assert!(denying.count("POST") as u32 <= 1 + RetryPolicy::default().max_restarts);
}

#[tokio::test]
async fn a_trickling_answer_ends_at_the_read_timeout() {
    let server = HostileServer::start(|_| Answer::Trickle(Duration::from_secs(2))).await;
    let timeouts = Timeouts {
        read: Duration::from_millis(300),
        ..Timeouts::default()
    };
    let result = send(&server, &job(None), timeouts).await;
    assert!(
        matches!(
            result,
            Err(UploadError::Timeout | UploadError::Network { .. })
        ),
        "{result:?}"
    );
}
