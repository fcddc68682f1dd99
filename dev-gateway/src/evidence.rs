//! What the gateway checks of a photo's evidence before it takes the
//! upload: the capture record (live capture, this photo, this order, this
//! session), and for in-region orders the location judged again from the
//! raw fix with the core's own code and policy. The phone's verdict is
//! never trusted.

use std::collections::BTreeMap;

use icp_location::{Area, LocationError, LocationEvidence, LocationPolicy};
use icp_protocol::user_facing::UserFacing;
use icp_protocol::wire::capture::{sha256_hex, CaptureRecord, ProvenanceProblem, METADATA_KEY};
use icp_protocol::wire::Slot;

use crate::state::{Order, Store};

/// The upload `meta` for `slot` of `order`, declaring a photo of hex
/// `sha256`, checked at `now_unix_ms`; the refusal's stable code otherwise.
pub fn check(
    store: &Store,
    order: &Order,
    slot: Slot,
    sha256: &str,
    meta: &BTreeMap<String, String>,
    now_unix_ms: i64,
) -> Result<(), &'static str> {
    let captured_at = meta.get("captured_at").and_then(|t| t.parse::<i64>().ok());
    let location = meta.get("location");
    match meta.get(METADATA_KEY) {
        Some(text) => check_record(store, order, slot, sha256, captured_at, location, text)
            .map_err(ProvenanceProblem::code)?,
        None if order.live_capture => return Err(ProvenanceProblem::NotLive.code()),
        None => {}
    }
    if order.payload.requirements.in_region_verification {
        judge_location(location, captured_at, now_unix_ms).map_err(|e| e.code())?;
    }
    Ok(())
}

/// The record in `text` vouches for this upload: granted session, intact
/// MAC, this order and its session, captured before the session expired,
/// and the same photo, slot, capture time and location evidence.
fn check_record(
    store: &Store,
    order: &Order,
    slot: Slot,
    sha256: &str,
    captured_at: Option<i64>,
    location: Option<&String>,
    text: &str,
) -> Result<(), ProvenanceProblem> {
    let record = CaptureRecord::from_json(text)?;
    let claim = &record.claim;
    let session = store
        .capture_sessions
        .get(&claim.session)
        .ok_or(ProvenanceProblem::UnknownSession)?;
    if !record.verify(&session.key) {
        return Err(ProvenanceProblem::Tampered);
    }
    if claim.order != order.payload.order_id {
        return Err(ProvenanceProblem::WrongOrder);
    }
    if session.order_id != order.payload.order_id {
        return Err(ProvenanceProblem::WrongSession);
    }
    let expires_ms = i64::try_from(session.expires_at.saturating_mul(1000)).unwrap_or(i64::MAX);
    if claim.captured_at_unix_ms >= expires_ms {
        return Err(ProvenanceProblem::SessionExpired);
    }
    let same = claim.photo_sha256 == sha256
        && claim.slot == slot
        && Some(claim.captured_at_unix_ms) == captured_at
        && claim.location_sha256 == location.map(|l| sha256_hex(l.as_bytes()));
    if !same {
        return Err(ProvenanceProblem::WrongPhoto);
    }
    Ok(())
}

/// The location evidence judged again from its raw fix as of the upload's
/// capture time, with the core's Shanghai area and default policy.
fn judge_location(
    location: Option<&String>,
    captured_at: Option<i64>,
    now_unix_ms: i64,
) -> Result<(), LocationError> {
    let malformed = |detail: &str| LocationError::MalformedEvidence {
        detail: detail.into(),
    };
    let evidence = LocationEvidence::from_json(location.ok_or(malformed("no location evidence"))?)?;
    let captured_at = captured_at.ok_or(malformed("no capture time"))?;
    let judged = evidence.judge_again(
        Area::shanghai()?,
        &LocationPolicy::default(),
        captured_at,
        now_unix_ms,
    )?;
    tracing::info!(
        distance_m = judged.distance_to_border_m as i64,
        "location judged again: inside"
    );
    Ok(())
}
