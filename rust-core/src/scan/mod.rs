//! Finding and decoding QR codes in photos and camera frames: `rxing`'s
//! fast reader first, `rqrr` behind our own pre-processing cascade for what
//! it misses, both within a time budget, and the order scanner on top.

mod budget;
mod decoder;
mod error;
mod fast;
mod finder;
mod grid;
mod guard;
mod hybrid;
mod preprocess;
mod scanner;
mod text;

pub use budget::{Deadline, LIVE_BUDGET, STILL_BUDGET};
pub use decoder::{Attempt, Binarizer, DecodedCode, Effort, QrDecoder, Reader, RelativeRect};
pub use error::ScanError;
pub use guard::decode_raw_rqrr;
pub use scanner::OrderScanner;
