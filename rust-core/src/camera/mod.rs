//! Camera frames as native cameras deliver them, converted once into what
//! the analysers need.

mod frame;

pub use frame::{Frame, FrameError, PixelFormat, Rotation, MAX_FRAME_SIDE};
