//! Why scanning failed: a bad frame or file, or a code that was refused.

use crate::camera::FrameError;
use crate::imaging::ImageInputError;
use crate::order::OrderError;
use crate::user_facing::UserFacing;

/// A scanning failure; its code is the code of the underlying cause.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// The camera frame does not describe its buffer correctly.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// The image file could not be read.
    #[error(transparent)]
    Image(#[from] ImageInputError),
    /// A QR code was found but refused as an order code.
    #[error(transparent)]
    Order(#[from] OrderError),
}

impl UserFacing for ScanError {
    fn code(&self) -> &'static str {
        match self {
            ScanError::Frame(e) => e.code(),
            ScanError::Image(e) => e.code(),
            ScanError::Order(e) => e.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            ScanError::Frame(e) => e.message_zh(),
            ScanError::Image(e) => e.message_zh(),
            ScanError::Order(e) => e.message_zh(),
        }
    }
}
