//! Wire format of the order code (version 1), see `docs/order-qr.md`:
//! `{gateway}/q#{BASE32(body)}` where body is
//!
//! | bytes | field |
//! |---|---|
//! | 1 | format version (1) |
//! | 4 | issuer key id |
//! | 4 | expiry, Unix seconds, big-endian |
//! | 1 | province, GB/T 2260 code |
//! | 1 | flags: bit 0 organisation, bits 1–2 admin photo flow, bit 3 in-region |
//! | 1 | documents bit set, bit i = `DocumentKind::ALL[i]` |
//! | 16 | claim token |
//! | 1 + n | order id length and ASCII text |
//! | 64 | Ed25519 signature over `DOMAIN ‖ len(gateway) ‖ gateway ‖ body-before-signature` |
//!
//! The fragment keeps the token out of server logs when a generic camera
//! app opens the URL; upper-case base32 lets the QR encoder use the dense
//! alphanumeric mode for the bulk of the code.

use data_encoding::BASE32_NOPAD;
use qrcode::{EcLevel, QrCode};

use super::keys::KeyId;
use super::{
    AdminPhotoFlow, ClaimToken, DocumentKind, Gateway, IssuerSigningKey, OrderError, OrderPayload,
    Province, Requirements, SubjectType,
};

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u8 = 1;
/// Largest QR version an order code may need at error-correction level M.
pub const MAX_QR_VERSION: i16 = 10;
/// Path segment between the gateway and the fragment.
const MARK: &str = "/q#";
/// Domain separation for the signature, so it can never be replayed elsewhere.
const DOMAIN: &[u8] = b"icp-companion/order-qr/v1\0";
const HEADER_LEN: usize = 28;
const SIGNATURE_LEN: usize = 64;
const MAX_ORDER_ID_LEN: usize = 32;

/// A decoded, not yet verified order code.
pub(super) struct Decoded {
    pub payload: OrderPayload,
    pub key_id: KeyId,
    pub signature: [u8; 64],
    pub signed_message: Vec<u8>,
}

/// Builds and signs the order code text; refuses invalid fields and payloads
/// that would need a QR code above version 10 at level M.
pub fn encode(payload: &OrderPayload, key: &IssuerSigningKey) -> Result<String, OrderError> {
    check_order_id(&payload.order_id).map_err(|(en, zh)| OrderError::invalid(en, zh))?;
    let expires = u32::try_from(payload.expires_at)
        .map_err(|_| OrderError::invalid("the expiry is after 2106", "有效期晚于 2106 年"))?;
    let mut body = Vec::with_capacity(HEADER_LEN + 1 + payload.order_id.len() + SIGNATURE_LEN);
    body.push(FORMAT_VERSION);
    body.extend_from_slice(&key.public_key().key_id().0);
    body.extend_from_slice(&expires.to_be_bytes());
    body.push(payload.province.code());
    body.push(flags(payload.subject, &payload.requirements));
    body.push(document_bits(&payload.requirements.documents));
    body.extend_from_slice(&payload.claim_token.0);
    body.push(payload.order_id.len() as u8);
    body.extend_from_slice(payload.order_id.as_bytes());
    let signature = key.sign(&signed_message(&payload.gateway, &body));
    body.extend_from_slice(&signature);

    let text = format!("{}{}{}", payload.gateway, MARK, BASE32_NOPAD.encode(&body));
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| OrderError::TooLarge { bytes: text.len() })?;
    match code.version() {
        qrcode::Version::Normal(v) if v <= MAX_QR_VERSION => Ok(text),
        _ => Err(OrderError::TooLarge { bytes: text.len() }),
    }
}

/// Splits an order code into its fields; checks form, not trust.
pub(super) fn decode(text: &str) -> Result<Decoded, OrderError> {
    let text = text.trim();
    let (prefix, fragment) = text.rsplit_once('#').ok_or(OrderError::NotAnOrderCode)?;
    let gateway_text = prefix
        .strip_suffix(&MARK[..MARK.len() - 1])
        .ok_or(OrderError::NotAnOrderCode)?;
    if !(gateway_text.starts_with("https://") || gateway_text.starts_with("http://")) {
        return Err(OrderError::NotAnOrderCode);
    }
    let fragment = fragment.to_ascii_uppercase();
    let body = BASE32_NOPAD.decode(fragment.as_bytes()).map_err(|_| {
        // Our alphabet but an impossible length: a damaged order code.
        let ours = fragment.len() >= 8
            && fragment
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
        if ours {
            OrderError::malformed("incomplete")
        } else {
            OrderError::NotAnOrderCode
        }
    })?;
    match body.first() {
        None => return Err(OrderError::NotAnOrderCode),
        Some(&FORMAT_VERSION) => {}
        Some(&other) => return Err(OrderError::UnsupportedVersion { version: other }),
    }
    let malformed = OrderError::malformed;
    if body.len() < HEADER_LEN + 1 + SIGNATURE_LEN {
        return Err(malformed("too short"));
    }
    let id_len = body[HEADER_LEN] as usize;
    let id_end = HEADER_LEN + 1 + id_len;
    if body.len() != id_end + SIGNATURE_LEN {
        return Err(malformed("length does not match its order id"));
    }
    let order_id = String::from_utf8(body[HEADER_LEN + 1..id_end].to_vec())
        .map_err(|_| malformed("order id is not text"))?;
    check_order_id(&order_id).map_err(|(en, _)| OrderError::malformed(en))?;
    let gateway = Gateway::parse(gateway_text).map_err(|_| malformed("gateway URL is invalid"))?;
    if gateway.as_str() != gateway_text {
        return Err(malformed("gateway URL is not in canonical form"));
    }
    let province =
        Province::from_code(body[9]).ok_or_else(|| malformed("unknown province code"))?;
    let (subject, admin_photo, in_region) =
        parse_flags(body[10]).ok_or_else(|| malformed("reserved flag bits set"))?;
    let documents =
        parse_document_bits(body[11]).ok_or_else(|| malformed("unknown document bits set"))?;

    let payload = OrderPayload {
        order_id,
        gateway,
        claim_token: ClaimToken(body[12..28].try_into().expect("16 bytes")),
        expires_at: u32::from_be_bytes(body[5..9].try_into().expect("4 bytes")) as u64,
        province,
        subject,
        requirements: Requirements {
            documents,
            admin_photo,
            in_region_verification: in_region,
        },
    };
    let signed_message = signed_message(&payload.gateway, &body[..id_end]);
    Ok(Decoded {
        key_id: KeyId(body[1..5].try_into().expect("4 bytes")),
        signature: body[id_end..].try_into().expect("64 bytes"),
        signed_message,
        payload,
    })
}

fn signed_message(gateway: &Gateway, body: &[u8]) -> Vec<u8> {
    let gw = gateway.as_str().as_bytes();
    let mut msg = Vec::with_capacity(DOMAIN.len() + 1 + gw.len() + body.len());
    msg.extend_from_slice(DOMAIN);
    msg.push(gw.len() as u8);
    msg.extend_from_slice(gw);
    msg.extend_from_slice(body);
    msg
}

/// Checks an order id's form; what is wrong, in English and Chinese.
fn check_order_id(id: &str) -> Result<(), (String, String)> {
    if id.is_empty() || id.len() > MAX_ORDER_ID_LEN {
        return Err((
            format!("the order id must be 1–{MAX_ORDER_ID_LEN} characters"),
            format!("订单号应为 1–{MAX_ORDER_ID_LEN} 个字符"),
        ));
    }
    if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err((
            "the order id may contain only A–Z, a–z, 0–9, - and _".into(),
            "订单号只能包含 A–Z、a–z、0–9、- 和 _".into(),
        ));
    }
    Ok(())
}

fn flags(subject: SubjectType, req: &Requirements) -> u8 {
    let subject_bit = match subject {
        SubjectType::Individual => 0,
        SubjectType::Organisation => 1,
    };
    let flow = match req.admin_photo {
        AdminPhotoFlow::None => 0,
        AdminPhotoFlow::Backdrop => 1,
        AdminPhotoFlow::App => 2,
    };
    subject_bit | (flow << 1) | (u8::from(req.in_region_verification) << 3)
}

fn parse_flags(bits: u8) -> Option<(SubjectType, AdminPhotoFlow, bool)> {
    if bits & 0xF0 != 0 {
        return None;
    }
    let subject = if bits & 1 == 0 {
        SubjectType::Individual
    } else {
        SubjectType::Organisation
    };
    let flow = match (bits >> 1) & 0b11 {
        0 => AdminPhotoFlow::None,
        1 => AdminPhotoFlow::Backdrop,
        2 => AdminPhotoFlow::App,
        _ => return None,
    };
    Some((subject, flow, bits & 0b1000 != 0))
}

fn document_bits(documents: &[DocumentKind]) -> u8 {
    DocumentKind::ALL
        .iter()
        .enumerate()
        .filter(|(_, kind)| documents.contains(kind))
        .fold(0, |acc, (i, _)| acc | (1 << i))
}

fn parse_document_bits(bits: u8) -> Option<Vec<DocumentKind>> {
    if bits >> DocumentKind::ALL.len() != 0 {
        return None;
    }
    Some(
        DocumentKind::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, kind)| *kind)
            .collect(),
    )
}
