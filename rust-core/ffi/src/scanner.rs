//! The order scanner as an FFI object.

use std::sync::Arc;

use icp_companion_core::order::{TrustPolicy, VerifiedOrder};
use icp_companion_core::scan::QrDecoder;

use super::blocking::off_thread;
use super::{CameraFrame, OrderQrError, ScanError, TrustConfig};

/// Scans camera frames or image files for the order QR code.
#[derive(Debug, uniffi::Object)]
pub struct OrderScanner(icp_companion_core::scan::OrderScanner);

#[uniffi::export(async_runtime = "tokio")]
impl OrderScanner {
    /// A scanner trusting `trust`'s issuers and gateway hosts.
    #[uniffi::constructor]
    pub fn new(trust: TrustConfig) -> Result<Arc<Self>, OrderQrError> {
        let policy = TrustPolicy::try_from(trust)?;
        Ok(Arc::new(OrderScanner(
            icp_companion_core::scan::OrderScanner::new(policy, QrDecoder::new()),
        )))
    }

    /// One preview frame: `null`/`nil` when no code is in view, the verified
    /// order when one is; throws when a code is found but refused.
    pub fn scan_frame(
        &self,
        frame: CameraFrame,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        let found = frame
            .view(|view| self.0.scan_frame(view, now_unix))
            .map_err(icp_companion_core::scan::ScanError::from)?;
        Ok(found?)
    }

    /// An image file (JPEG, PNG, GIF or WebP), decoded off the caller's thread.
    pub async fn scan_file(
        self: Arc<Self>,
        path: String,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        off_thread(move || self.0.scan_file(std::path::Path::new(&path), now_unix)).await
    }
}
