//! Finding and decoding QR codes in photos and camera frames: `rqrr` with
//! our own pre-processing in front of it, and the order scanner on top.

mod decoder;
mod error;
mod finder;
mod grid;
mod guard;
mod preprocess;
mod scanner;

pub use decoder::{Attempt, Binarizer, DecodedCode, Effort, QrDecoder, RelativeRect};
pub use error::ScanError;
pub use guard::decode_raw_rqrr;
pub use scanner::OrderScanner;
