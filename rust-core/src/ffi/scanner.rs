//! The order scanner as an FFI object.

use std::sync::Arc;

use crate::camera::{Frame, PixelFormat, Rotation};
use crate::order::{TrustPolicy, VerifiedOrder};
use crate::scan::QrDecoder;

use super::blocking::off_thread;
use super::{OrderQrError, ScanError, TrustConfig};

/// A camera frame handed over by the app.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CameraFrame {
    /// Pixel bytes from the first row.
    pub data: Vec<u8>,
    /// Sensor width, pixels.
    pub width: u32,
    /// Sensor height, pixels.
    pub height: u32,
    /// Bytes from one row to the next.
    pub row_stride: u32,
    /// Pixel layout.
    pub format: PixelFormat,
    /// Clockwise degrees that make the frame upright: 0, 90, 180 or 270.
    pub rotation_degrees: u32,
}

/// Scans camera frames or image files for the order QR code.
#[derive(Debug, uniffi::Object)]
pub struct OrderScanner(crate::scan::OrderScanner);

#[uniffi::export(async_runtime = "tokio")]
impl OrderScanner {
    /// A scanner trusting `trust`'s issuers and gateway hosts.
    #[uniffi::constructor]
    pub fn new(trust: TrustConfig) -> Result<Arc<Self>, OrderQrError> {
        let policy = TrustPolicy::try_from(trust)?;
        Ok(Arc::new(OrderScanner(crate::scan::OrderScanner::new(
            policy,
            QrDecoder::new(),
        ))))
    }

    /// One preview frame: `null`/`nil` when no code is in view, the verified
    /// order when one is; throws when a code is found but refused.
    pub fn scan_frame(
        &self,
        frame: CameraFrame,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        let rotation =
            Rotation::from_degrees(frame.rotation_degrees).map_err(crate::scan::ScanError::from)?;
        let view = Frame {
            data: &frame.data,
            width: frame.width,
            height: frame.height,
            row_stride: frame.row_stride,
            format: frame.format,
            rotation,
        };
        Ok(self.0.scan_frame(&view, now_unix)?)
    }

    /// An image file (JPEG, PNG or GIF), decoded off the caller's thread.
    pub async fn scan_file(
        self: Arc<Self>,
        path: String,
        now_unix: u64,
    ) -> Result<Option<VerifiedOrder>, ScanError> {
        off_thread(move || self.0.scan_file(std::path::Path::new(&path), now_unix)).await
    }
}
