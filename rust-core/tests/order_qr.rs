//! The order code: encode → text → parse_and_verify, and every refusal.

use icp_companion_core::order::*;
use proptest::prelude::*;

mod common;
use common::{sample_payload as payload, NOW};

fn key() -> IssuerSigningKey {
    IssuerSigningKey::from_seed(&[7u8; 32]).unwrap()
}

fn policy() -> TrustPolicy {
    TrustPolicy {
        issuers: vec![key().public_key()],
        allowed_gateway_hosts: vec!["*.example.cn".into(), "127.0.0.1".into()],
    }
}

#[test]
fn round_trip_is_a_valid_https_url_and_verifies() {
    let text = encode(&payload(), &key()).unwrap();
    assert!(text.starts_with("https://gw.beian.example.cn/q#"), "{text}");
    let url = url::Url::parse(&text).expect("a valid URL");
    assert_eq!(url.scheme(), "https");
    let order = parse_and_verify(&text, &policy(), NOW).unwrap();
    assert_eq!(order.payload, payload());
    assert_eq!(order.issuer_key_id, key().public_key().key_id().to_string());
}

#[test]
fn largest_payload_fits_version_10_at_level_m() {
    let mut p = payload();
    p.order_id = "X".repeat(32);
    p.gateway = Gateway::parse(&format!("https://{}.example.cn", "g".repeat(45))).unwrap();
    assert_eq!(p.gateway.as_str().len(), 64);
    let text = encode(&p, &key()).unwrap();
    let matrix = QrMatrix::new(&text).unwrap();
    assert!(
        matrix.version() <= MAX_QR_VERSION,
        "version {}",
        matrix.version()
    );
    // A typical code is much smaller.
    let typical = QrMatrix::new(&encode(&payload(), &key()).unwrap()).unwrap();
    assert!(
        typical.version() <= 9,
        "typical version {}",
        typical.version()
    );
}

#[test]
fn refusals_are_distinct() {
    let text = encode(&payload(), &key()).unwrap();
    let check = |t: &str, p: &TrustPolicy, now| parse_and_verify(t, p, now).unwrap_err();

    assert_eq!(
        check("https://example.com/hello", &policy(), NOW),
        OrderError::NotAnOrderCode
    );
    assert_eq!(
        check("WIFI:S:cafe;T:WPA;P:secret;;", &policy(), NOW),
        OrderError::NotAnOrderCode
    );
    assert_eq!(check("", &policy(), NOW), OrderError::NotAnOrderCode);
    assert_eq!(
        check("https://gw.example.cn/q#not*base32", &policy(), NOW),
        OrderError::NotAnOrderCode
    );

    // Version byte 2: base32 of [2, ...].
    let v2 = format!(
        "https://gw.example.cn/q#{}",
        data_encoding::BASE32_NOPAD.encode(&[2u8; 120])
    );
    assert_eq!(
        check(&v2, &policy(), NOW),
        OrderError::UnsupportedVersion { version: 2 }
    );

    // Truncated body.
    for cut in [1, 8, 20] {
        let cut = &text[..text.len() - cut];
        assert!(
            matches!(check(cut, &policy(), NOW), OrderError::Malformed { .. }),
            "{cut}"
        );
    }

    let stranger = IssuerSigningKey::from_seed(&[9u8; 32]).unwrap();
    let forged = encode(&payload(), &stranger).unwrap();
    assert!(matches!(
        check(&forged, &policy(), NOW),
        OrderError::UnknownIssuer { .. }
    ));

    // Same key id, altered content: swap the gateway for an attacker's.
    let altered = text.replace("gw.beian.example.cn", "evil.example.cn");
    assert_eq!(check(&altered, &policy(), NOW), OrderError::BadSignature);

    assert_eq!(
        check(&text, &policy(), NOW + 600),
        OrderError::Expired {
            expired_at: NOW + 600
        }
    );

    let mut http = payload();
    http.gateway = Gateway::parse("http://gw.beian.example.cn").unwrap();
    let http = encode(&http, &key()).unwrap();
    assert!(matches!(
        check(&http, &policy(), NOW),
        OrderError::InsecureGateway { .. }
    ));

    let mut loopback = payload();
    loopback.gateway = Gateway::parse("http://127.0.0.1:8765").unwrap();
    let loopback = encode(&loopback, &key()).unwrap();
    assert!(parse_and_verify(&loopback, &policy(), NOW).is_ok());

    let strict = TrustPolicy {
        allowed_gateway_hosts: vec!["gw.other.cn".into()],
        ..policy()
    };
    assert_eq!(
        check(&text, &strict, NOW),
        OrderError::GatewayNotAllowed {
            host: "gw.beian.example.cn".into()
        }
    );
}

#[test]
fn every_byte_flip_is_refused() {
    let text = encode(&payload(), &key()).unwrap();
    let (head, body) = text.rsplit_once('#').unwrap();
    let bytes = data_encoding::BASE32_NOPAD.decode(body.as_bytes()).unwrap();
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        let t = format!("{head}#{}", data_encoding::BASE32_NOPAD.encode(&b));
        assert!(
            parse_and_verify(&t, &policy(), NOW).is_err(),
            "flip at byte {i} accepted"
        );
    }
}

#[test]
fn encode_refuses_invalid_input() {
    let mut p = payload();
    p.order_id = String::new();
    assert!(matches!(
        encode(&p, &key()),
        Err(OrderError::InvalidInput { .. })
    ));
    p.order_id = "has space".into();
    assert!(matches!(
        encode(&p, &key()),
        Err(OrderError::InvalidInput { .. })
    ));
    p.order_id = "X".repeat(33);
    assert!(matches!(
        encode(&p, &key()),
        Err(OrderError::InvalidInput { .. })
    ));
    let mut p = payload();
    p.expires_at = u64::MAX;
    assert!(matches!(
        encode(&p, &key()),
        Err(OrderError::InvalidInput { .. })
    ));
}

#[test]
fn claim_token_never_shows_in_debug_output() {
    let text = encode(&payload(), &key()).unwrap();
    let order = parse_and_verify(&text, &policy(), NOW).unwrap();
    let debug = format!("{order:?}");
    assert!(debug.contains("<redacted>"));
    assert!(!debug.to_lowercase().contains("abab"), "{debug}");
}

#[test]
fn renders_png_and_svg() {
    let text = encode(&payload(), &key()).unwrap();
    let png = render_png(&text, 4).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = render_svg(&text).unwrap();
    assert!(svg.contains("<svg"));
    assert!(render_png(&text, 0).is_err());
}

fn any_requirements() -> impl Strategy<Value = Requirements> {
    (0u8..32, 0u8..3, any::<bool>()).prop_map(|(bits, flow, in_region)| Requirements {
        documents: DocumentKind::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, k)| *k)
            .collect(),
        admin_photo: [
            AdminPhotoFlow::None,
            AdminPhotoFlow::Backdrop,
            AdminPhotoFlow::App,
        ][flow as usize],
        in_region_verification: in_region,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_valid_payload_round_trips(
        id in "[A-Za-z0-9_-]{1,32}",
        token in any::<[u8; 16]>(),
        expires in (NOW + 1)..(u32::MAX as u64),
        province in 0usize..31,
        organisation in any::<bool>(),
        requirements in any_requirements(),
        port in 1u16..,
    ) {
        let p = OrderPayload {
            order_id: id,
            gateway: Gateway::parse(&format!("https://gw.example.cn:{port}/icp")).unwrap(),
            claim_token: ClaimToken(token),
            expires_at: expires,
            province: Province::all().nth(province).unwrap(),
            subject: if organisation { SubjectType::Organisation } else { SubjectType::Individual },
            requirements,
        };
        let text = encode(&p, &key()).unwrap();
        let order = parse_and_verify(&text, &policy(), NOW).unwrap();
        prop_assert_eq!(order.payload, p);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,300}") {
        let _ = parse_and_verify(&text, &policy(), NOW);
    }
}
