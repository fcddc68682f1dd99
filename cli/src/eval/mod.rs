//! Evaluation: a labelled corpus of photograph-like QR images and the
//! decode-rate table of raw `rqrr` against our pipeline; location verdicts
//! and boundary accuracy against a reference; photo-check verdicts on a
//! labelled photo corpus; document fields read on a labelled corpus.

mod checks;
mod corpus;
mod location;
mod photo;
mod qr_rate;
mod reading;

pub use checks::{run as check_eval, CheckEvalArgs};
pub use corpus::{make_corpus, MakeCorpusArgs};
pub use location::{run as location_eval, LocationEvalArgs};
pub use photo::{photograph, Distortion};
pub use qr_rate::{evaluate, EvalArgs};
pub use reading::{run as read_eval, ReadEvalArgs};
