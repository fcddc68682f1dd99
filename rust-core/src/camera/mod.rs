//! Camera capture: frames in their native layouts (pushed by the app, read
//! from a camera through `nokhwa`, or replayed from a folder), converted
//! once into what the analysers need, and the capture session that guides
//! the user and takes the still.

mod convert;
#[cfg(feature = "camera")]
mod device;
mod error;
mod frame;
mod guidance;
mod live;
mod motion;
mod native;
mod pool;
mod provenance;
mod replay;
mod session;

pub use convert::{convert_luma, convert_rgb, step_for};
#[cfg(feature = "camera")]
pub use device::{list_cameras, CameraInfo, CameraStream, StreamPurpose};
pub use error::CameraError;
pub use frame::{Frame, FrameError, PixelFormat, Plane, Rotation, MAX_FRAME_SIDE};
pub use guidance::Hint;
pub use live::{LiveCapture, Offer};
pub use motion::{MotionMeter, MotionSample};
pub use native::{NativeFrame, NativeLayout, NativePlane};
pub use pool::BufferPool;
pub use provenance::{live_capture_times, LiveStill, REMEMBERED_STILLS};
pub use replay::ReplaySource;
pub use session::{CaptureEvent, CaptureMode, CaptureSession, CaptureSettings, FieldCheck, Still};
