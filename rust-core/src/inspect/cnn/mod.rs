//! A small CNN face detector run on the device: a TensorFlow Lite reader
//! and runtime written here, and MediaPipe's BlazeFace model.

mod blazeface;
mod flatbuf;
mod graph;
mod schema;

pub use blazeface::{detect, Detection};
