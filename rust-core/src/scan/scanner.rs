//! The order scanner: camera frames or image files in, a verified order out.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use image::GrayImage;

use super::{DecodedCode, Effort, QrDecoder, ScanError};
use crate::camera::{convert_luma, Frame};
use crate::imaging::read_luma_file;
use crate::order::{parse_and_verify, OrderError, TrustPolicy, VerifiedOrder};
use crate::user_facing::UserFacing;

/// Finds the order QR code in frames or files and verifies it against the
/// app's trust policy. Safe to share between threads.
#[derive(Debug)]
pub struct OrderScanner {
    decoder: QrDecoder,
    policy: TrustPolicy,
    frames_seen: AtomicU64,
}

impl OrderScanner {
    /// A scanner trusting `policy`'s issuers and gateways.
    pub fn new(policy: TrustPolicy, decoder: QrDecoder) -> OrderScanner {
        OrderScanner {
            decoder,
            policy,
            frames_seen: AtomicU64::new(0),
        }
    }

    /// One camera frame: `Ok(None)` when no QR code is in view, the order
    /// when a valid one is, and the refusal when a code is found but refused.
    pub fn scan_frame(
        &self,
        frame: &Frame<'_>,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        let luma = convert_luma(frame, 1, Vec::new())?;
        self.scan_live(&luma, now_unix)
    }

    /// One upright luma preview frame, with the live (cheap, rotating)
    /// decoding effort.
    pub fn scan_live(
        &self,
        luma: &GrayImage,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        let frame_index = self.frames_seen.fetch_add(1, Ordering::Relaxed);
        self.verify_first(luma, Effort::Live { frame_index }, now_unix)
    }

    /// A still image, with every pre-processing attempt.
    pub fn scan_image(
        &self,
        luma: &GrayImage,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        self.verify_first(luma, Effort::Thorough, now_unix)
    }

    /// An image file (JPEG, PNG, GIF or WebP by content).
    pub fn scan_file(
        &self,
        path: &Path,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        let luma = read_luma_file(path)?;
        self.scan_image(&luma, now_unix)
    }

    /// The first code in view that verifies (decoding stops there; other
    /// codes beside it do not matter); otherwise the most telling refusal
    /// (a refused order code beats "not an order code").
    fn verify_first(
        &self,
        luma: &GrayImage,
        effort: Effort,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        let mut refusal: Option<OrderError> = None;
        let mut order = None;
        let mut seen = 0;
        self.decoder.find(luma, effort, |code: &DecodedCode| {
            seen += 1;
            match parse_and_verify(&code.text, &self.policy, now_unix) {
                Ok(verified) => {
                    order = Some(verified);
                    true
                }
                Err(e) => {
                    if refusal.is_none() || refusal == Some(OrderError::NotAnOrderCode) {
                        refusal = Some(e);
                    }
                    false
                }
            }
        });
        tracing::debug!(codes = seen, "QR codes decoded");
        if order.is_some() {
            return Ok(order);
        }
        match refusal {
            Some(e) => {
                tracing::info!(code = e.code(), "order code refused");
                Err(e.into())
            }
            None => Ok(None),
        }
    }
}
