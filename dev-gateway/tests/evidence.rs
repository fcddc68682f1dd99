//! The gateway checks each photo's evidence itself: the capture record
//! (from the core's live capture, for this photo, order and session, under
//! a session that had not expired) and, for Shanghai, the location judged
//! again from the raw fix. Each forgery is refused with its own code.

#[allow(dead_code)]
#[path = "../../rust-core/tests/support/net.rs"]
mod net;

use std::time::Duration;

use data_encoding::BASE32_NOPAD;
use icp_companion_core::camera::{
    CaptureMode, CaptureSession, CaptureSettings, Frame, LiveStill, PixelFormat, Plane, Rotation,
};
use icp_companion_core::http::Timeouts;
use icp_companion_core::inspect::{AdminPhotoProfile, PhotoFlow};
use icp_companion_core::location::{
    assess, Area, Crs, LocationEvidence, LocationFix, LocationPolicy, LocationPrecision,
    LocationProvider, RegionStatus,
};
use icp_companion_core::order::{parse_and_verify, IssuerSigningKey, TrustPolicy, VerifiedOrder};
use icp_companion_core::session::{FilingSession, SessionError, Slot};
use icp_companion_core::upload::{
    upload, RetryPolicy, Throttle, TusClient, UploadError, UploadJob,
};
use icp_companion_dev_gateway::{Config, DevGateway, NewOrder, CAPTURE_SESSION_SECONDS};
use icp_protocol::wire::capture::{sha256_hex, METADATA_KEY};
use icp_protocol::wire::{CaptureClaim, CaptureGrant, CaptureRecord, ClaimResponse};
use tokio_util::sync::CancellationToken;

const INSTALLATION: &str = "evidence-test-install";

fn issuer() -> IssuerSigningKey {
    IssuerSigningKey::from_seed(&[11u8; 32]).unwrap()
}

async fn gateway(capture_session_seconds: u64) -> DevGateway {
    DevGateway::start(
        "127.0.0.1:0".parse().unwrap(),
        Config {
            dir: net::temp_dir("evidence-gw"),
            issuer: issuer(),
            max_photo_bytes: 4_000_000,
            advertise: None,
            capture_session_seconds,
        },
    )
    .await
    .unwrap()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// A claimed order of `province_code` whose rules need live photos: the
/// phone's session and the capture grant (what a client holding the key
/// could sign with, fetched by claiming again as the same installation).
async fn claimed(gw: &DevGateway, province_code: u8) -> (FilingSession, CaptureGrant) {
    let created: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{}/dev/orders", gw.addr))
        .json(&NewOrder {
            province_code,
            subject: "individual".into(),
            applicant: "张晓明".into(),
            domains: vec!["example.cn".into()],
            valid_seconds: 600,
            allow_stored_photos: false,
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
    let now = (now_ms() / 1000) as u64;
    let order: VerifiedOrder =
        parse_and_verify(created["qr_text"].as_str().unwrap(), &trust, now).unwrap();
    let session = FilingSession::claim(order.clone(), INSTALLATION, Timeouts::default())
        .await
        .unwrap();
    assert!(session.view().slots.iter().all(|s| s.live_capture));
    let again: ClaimResponse = reqwest::Client::new()
        .post(format!(
            "http://{}/api/orders/{}/claim",
            gw.addr, order.payload.order_id
        ))
        .json(&serde_json::json!({
            "claim_token": BASE32_NOPAD.encode(&order.payload.claim_token.0),
            "installation": INSTALLATION,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (session, again.capture)
}

/// A still taken by the core's capture session (a seeded picture as the
/// frame), encoded and remembered as live.
fn live_still(seed: u8) -> LiveStill {
    let (w, h) = (320u32, 240u32);
    let pixels: Vec<u8> = (0..w * h * 3)
        .map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed))
        .collect();
    let planes = [Plane {
        data: &pixels,
        row_stride: w * 3,
        pixel_stride: 3,
    }];
    let frame = Frame {
        format: PixelFormat::Rgb8,
        width: w,
        height: h,
        planes: &planes,
        rotation: Rotation::R0,
        mirrored: false,
    };
    let mode = CaptureMode::AdminPhoto {
        flow: PhotoFlow::Backdrop,
        profile: AdminPhotoProfile::default(),
    };
    let mut session = CaptureSession::new(mode, CaptureSettings::default());
    session.capture(&frame).unwrap().encode_live().unwrap()
}

/// Evidence of a fix at (lat, lon) WGS-84 taken 2 s before `captured_ms`,
/// bound to that capture, with the phone's verdict as judged.
fn evidence(lat: f64, lon: f64, captured_ms: i64) -> LocationEvidence {
    let fix = LocationFix {
        latitude: lat,
        longitude: lon,
        crs: Crs::Wgs84,
        horizontal_accuracy_m: 8.0,
        fix_time_unix_ms: captured_ms - 2_000,
        is_mock: false,
        provider: LocationProvider::Fused,
        precision: LocationPrecision::Precise,
    };
    let policy = LocationPolicy::default();
    let verdict = assess(Area::shanghai().unwrap(), &fix, captured_ms, &policy).unwrap();
    LocationEvidence::bind(&verdict, captured_ms, &policy).unwrap()
}

const PEOPLES_SQUARE: (f64, f64) = (31.2304, 121.4737);
const BEIJING: (f64, f64) = (39.9042, 116.4074);

/// Upload metadata as a client holding `grant`'s key writes it: the
/// capture record signed over exactly this photo, time and evidence.
fn signed_metadata(
    grant: &CaptureGrant,
    order: &str,
    photo: &[u8],
    captured_ms: i64,
    evidence: &LocationEvidence,
) -> Vec<(String, String)> {
    let location = evidence.to_json();
    let record = CaptureClaim {
        session: grant.session.clone(),
        order: order.into(),
        slot: Slot::AdminPhoto,
        photo_sha256: sha256_hex(photo),
        captured_at_unix_ms: captured_ms,
        location_sha256: Some(sha256_hex(location.as_bytes())),
    }
    .sign(&grant.key_bytes().unwrap());
    vec![
        ("order".into(), order.into()),
        ("slot".into(), "admin_photo".into()),
        ("sha256".into(), sha256_hex(photo)),
        ("captured_at".into(), captured_ms.to_string()),
        ("checks".into(), "pass".into()),
        (METADATA_KEY.into(), record.to_json()),
        ("location".into(), location),
    ]
}

/// Replaces (or removes, with `None`) the metadata value under `key`.
fn with(
    mut metadata: Vec<(String, String)>,
    key: &str,
    value: Option<String>,
) -> Vec<(String, String)> {
    metadata.retain(|(k, _)| k != key);
    if let Some(value) = value {
        metadata.push((key.into(), value));
    }
    metadata
}

/// The metadata's capture record, changed by `change` (not signed again).
fn edit_record(metadata: &[(String, String)], change: impl FnOnce(&mut CaptureRecord)) -> String {
    let text = &metadata.iter().find(|(k, _)| k == METADATA_KEY).unwrap().1;
    let mut record = CaptureRecord::from_json(text).unwrap();
    change(&mut record);
    record.to_json()
}

/// Uploads `data` with `metadata` to the session's gateway.
async fn send(
    session: &FilingSession,
    data: &[u8],
    metadata: Vec<(String, String)>,
) -> Result<(), UploadError> {
    let client = TusClient::new(
        session.upload_endpoint().unwrap(),
        Some(session.token()),
        Timeouts::default(),
    )
    .unwrap();
    let job = UploadJob {
        data: data.to_vec(),
        metadata,
        resume: None,
        chunk_size: 256 * 1024,
        receipt: None,
    };
    let retry = RetryPolicy {
        max_attempts: 2,
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    };
    let mut progress = Throttle::new(Duration::from_secs(1), |_, _| {});
    upload(
        &client,
        &job,
        &retry,
        &mut progress,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .map(|_| ())
}

fn refused(code: &str) -> Result<(), UploadError> {
    Err(UploadError::EvidenceRefused {
        reason: code.into(),
    })
}

#[tokio::test]
async fn a_live_still_with_its_record_is_taken_and_a_stored_photo_is_not() {
    let gw = gateway(CAPTURE_SESSION_SECONDS).await;
    let (session, _) = claimed(&gw, 31).await;
    let still = live_still(3);
    let at = still.captured_at_unix_ms;
    let photo = &still.photo.bytes;
    let inside = evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, at);
    // A live still queued with another time than the capture's is refused.
    assert_eq!(
        session
            .upload_metadata(Slot::AdminPhoto, photo, at + 1, "pass", Some(&inside))
            .unwrap_err(),
        SessionError::LocationRequired {
            slot: Slot::AdminPhoto
        }
    );
    let moved = evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, at + 1);
    assert_eq!(
        session
            .upload_metadata(Slot::AdminPhoto, photo, at + 1, "pass", Some(&moved))
            .unwrap_err(),
        SessionError::CaptureTimeMismatch {
            recorded_unix_ms: at,
            given_unix_ms: at + 1
        }
    );
    let metadata = session
        .upload_metadata(Slot::AdminPhoto, photo, at, "pass", Some(&inside))
        .unwrap();
    assert!(metadata.iter().any(|(k, _)| k == METADATA_KEY));
    send(&session, photo, metadata).await.unwrap();

    // A photo from storage: the phone will not queue it, and the gateway
    // refuses it sent without a record.
    let stored = net::photo_bytes(20_000, 5);
    let stored_at = now_ms();
    let here = evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, stored_at);
    assert_eq!(
        session
            .upload_metadata(Slot::AdminPhoto, &stored, stored_at, "pass", Some(&here))
            .unwrap_err(),
        SessionError::LiveCaptureRequired {
            slot: Slot::AdminPhoto
        }
    );
    let bare = vec![
        ("order".into(), session.view().order_id.clone()),
        ("slot".into(), "admin_photo".into()),
        ("sha256".into(), sha256_hex(&stored)),
        ("captured_at".into(), stored_at.to_string()),
        ("location".into(), here.to_json()),
    ];
    assert_eq!(
        send(&session, &stored, bare).await,
        refused("provenance.not_live")
    );
}

#[tokio::test]
async fn forged_tampered_and_mismatched_records_are_each_refused_with_their_code() {
    let gw = gateway(CAPTURE_SESSION_SECONDS).await;
    let (session, grant) = claimed(&gw, 31).await;
    let (other, other_grant) = claimed(&gw, 31).await;
    let order = session.view().order_id.clone();
    let still = live_still(7);
    let (photo, at) = (&still.photo.bytes, still.captured_at_unix_ms);
    let inside = evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, at);
    let good = signed_metadata(&grant, &order, photo, at, &inside);

    let tampered = edit_record(&good, |r| r.claim.captured_at_unix_ms += 1);
    let bad_mac = edit_record(&good, |r| r.mac = "00".repeat(32));
    let unknown = edit_record(&good, |r| r.claim.session = "nosuchsession".into());
    let cases = [
        (
            with(good.clone(), METADATA_KEY, Some(tampered)),
            "provenance.tampered",
        ),
        (
            with(good.clone(), METADATA_KEY, Some(bad_mac)),
            "provenance.tampered",
        ),
        (
            with(good.clone(), METADATA_KEY, Some(unknown)),
            "provenance.unknown_session",
        ),
        (
            with(good.clone(), METADATA_KEY, Some("{".into())),
            "provenance.malformed",
        ),
        // The other order's record (its own key, its own order) sent here.
        (
            with(
                signed_metadata(&other_grant, &other.view().order_id, photo, at, &inside),
                "order",
                Some(order.clone()),
            ),
            "provenance.wrong_order",
        ),
        // This order's id, signed under the other order's session.
        (
            signed_metadata(&other_grant, &order, photo, at, &inside),
            "provenance.wrong_session",
        ),
        // Another photo's bytes under this record.
        (
            with(good.clone(), "sha256", Some(sha256_hex(b"another photo"))),
            "provenance.wrong_photo",
        ),
        // Other location evidence than the record vouches for.
        (
            with(
                good.clone(),
                "location",
                Some(evidence(31.2, 121.5, at).to_json()),
            ),
            "provenance.wrong_photo",
        ),
    ];
    for (metadata, code) in cases {
        let data = if code == "provenance.wrong_photo"
            && metadata
                .iter()
                .any(|(k, v)| k == "sha256" && *v != sha256_hex(photo))
        {
            b"another photo".to_vec()
        } else {
            photo.clone()
        };
        assert_eq!(
            send(&session, &data, metadata).await,
            refused(code),
            "{code}"
        );
    }
    // The untouched record is taken.
    send(&session, photo, good).await.unwrap();
    let listing: serde_json::Value = reqwest::Client::new()
        .get(format!("http://{}/dev/orders/{order}", gw.addr))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(listing["received"]["admin_photo"]["metadata"][METADATA_KEY].is_string());
}

#[tokio::test]
async fn a_photo_captured_after_its_session_expired_does_not_count() {
    let gw = gateway(1).await;
    let (session, grant) = claimed(&gw, 31).await;
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let still = live_still(9);
    let (photo, at) = (&still.photo.bytes, still.captured_at_unix_ms);
    assert!(at >= grant.expires_at as i64 * 1000);
    let inside = evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, at);
    let metadata = session
        .upload_metadata(Slot::AdminPhoto, photo, at, "pass", Some(&inside))
        .unwrap();
    assert_eq!(
        send(&session, photo, metadata).await,
        refused("provenance.session_expired")
    );
}

#[tokio::test]
async fn the_gateway_judges_the_location_again_and_never_trusts_the_phones_status() {
    let gw = gateway(CAPTURE_SESSION_SECONDS).await;
    let (session, grant) = claimed(&gw, 31).await;
    let order = session.view().order_id.clone();
    let still = live_still(13);
    let (photo, at) = (&still.photo.bytes, still.captured_at_unix_ms);
    let forge = |mut e: LocationEvidence, change: fn(&mut LocationEvidence)| {
        change(&mut e);
        e.status = RegionStatus::Inside;
        e
    };
    let cases = [
        // Beijing's coordinates claimed inside.
        (
            forge(evidence(BEIJING.0, BEIJING.1, at), |_| {}),
            at,
            "location.outside_region",
        ),
        // A mock fix, a coarse-only grant, a fix 40 s before the photo.
        (
            forge(evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, at), |e| {
                e.fix.is_mock = true
            }),
            at,
            "location.mock_fix",
        ),
        (
            forge(evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, at), |e| {
                e.fix.precision = LocationPrecision::Approximate
            }),
            at,
            "location.coarse_only",
        ),
        (
            forge(evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, at), |e| {
                e.fix.fix_time_unix_ms -= 38_000
            }),
            at,
            "location.fix_not_at_capture",
        ),
        // A position on the border line, claimed inside.
        (
            forge(evidence(31.2950, 121.0940, at), |e| {
                e.fix.horizontal_accuracy_m = 800.0
            }),
            at,
            "location.uncertain",
        ),
    ];
    for (evidence, captured, code) in cases {
        let metadata = signed_metadata(&grant, &order, photo, captured, &evidence);
        assert_eq!(
            send(&session, photo, metadata).await,
            refused(code),
            "{code}"
        );
    }
    // A capture dated a minute ahead of the gateway's clock.
    let ahead = at + 60_000;
    let future = evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, ahead);
    let metadata = signed_metadata(&grant, &order, photo, ahead, &future);
    assert_eq!(
        send(&session, photo, metadata).await,
        refused("location.future_fix")
    );
    // GCJ-02 and BD-09 fixes are judged in their own datum; the phone's
    // status, even a wrong "outside", is ignored.
    for crs in [Crs::Gcj02, Crs::Bd09] {
        let mut e = evidence(PEOPLES_SQUARE.0, PEOPLES_SQUARE.1, at);
        let p = icp_companion_core::location::from_wgs84(
            icp_companion_core::location::LatLon {
                lat: PEOPLES_SQUARE.0,
                lon: PEOPLES_SQUARE.1,
            },
            crs,
        );
        (e.fix.latitude, e.fix.longitude, e.fix.crs) = (p.lat, p.lon, crs);
        e.status = RegionStatus::Outside;
        let metadata = signed_metadata(&grant, &order, photo, at, &e);
        send(&session, photo, metadata).await.unwrap();
    }
}
