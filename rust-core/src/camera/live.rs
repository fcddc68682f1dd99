//! Back-pressure for frames that arrive faster than they are analysed: a
//! frame offered while the previous one is still being analysed is dropped
//! at once (never queued), as CameraX's "keep only latest" and
//! AVFoundation's `alwaysDiscardsLateVideoFrames` expect.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, TryLockError};

use super::frame::{Frame, FrameError};
use super::session::{CaptureEvent, CaptureSession};

/// What became of an offered frame.
#[derive(Debug)]
pub enum Offer {
    /// Analysed; these events followed.
    Analysed(Vec<CaptureEvent>),
    /// Dropped: the session was busy with an earlier frame.
    Dropped,
    /// Ignored: the session already has its order or still.
    Finished,
}

/// A capture session shared by the threads that deliver frames.
#[derive(Debug)]
pub struct LiveCapture {
    session: Mutex<CaptureSession>,
    analysed: AtomicU64,
    dropped: AtomicU64,
}

impl LiveCapture {
    /// Shares `session`.
    pub fn new(session: CaptureSession) -> LiveCapture {
        LiveCapture {
            session: Mutex::new(session),
            analysed: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        }
    }

    /// Analyses `frame` unless another frame is being analysed (dropped,
    /// without waiting) or the session is finished.
    pub fn offer(&self, frame: &Frame<'_>, now_unix: u64) -> Result<Offer, FrameError> {
        let mut session = match self.session.try_lock() {
            Ok(session) => session,
            Err(TryLockError::WouldBlock) => {
                let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                tracing::trace!(
                    dropped,
                    "frame dropped: the previous one is still being analysed"
                );
                if dropped.is_multiple_of(100) {
                    tracing::debug!(dropped, "frames dropped while busy");
                }
                return Ok(Offer::Dropped);
            }
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        };
        if session.is_finished() {
            return Ok(Offer::Finished);
        }
        let events = session.analyse(frame, now_unix)?;
        self.analysed.fetch_add(1, Ordering::Relaxed);
        Ok(Offer::Analysed(events))
    }

    /// Runs `f` on the session, waiting for the frame being analysed.
    pub fn with_session<R>(&self, f: impl FnOnce(&mut CaptureSession) -> R) -> R {
        f(&mut self.session.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// (frames analysed, frames dropped) so far.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.analysed.load(Ordering::Relaxed),
            self.dropped.load(Ordering::Relaxed),
        )
    }
}
