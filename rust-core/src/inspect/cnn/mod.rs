//! A small CNN face detector run on the device: a TensorFlow Lite reader
//! and runtime written here, and MediaPipe's BlazeFace and face landmark
//! models.

mod blazeface;
mod flatbuf;
mod graph;
mod landmarks;
mod schema;

pub use blazeface::{detect, Detection};
pub use graph::ModelError;
#[cfg(test)]
pub(crate) use landmarks::install_for_tests;
pub use landmarks::{
    install as install_landmarks, installed as landmarks_installed, mesh_around, Mesh,
};
