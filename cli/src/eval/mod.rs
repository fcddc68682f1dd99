//! Evaluation: a labelled corpus of photograph-like QR images and the
//! decode-rate table of raw `rqrr` against our pipeline.

mod corpus;
mod photo;
mod qr_rate;

pub use corpus::{make_corpus, MakeCorpusArgs};
pub use photo::{photograph, Distortion};
pub use qr_rate::{evaluate, EvalArgs};
