//! The time budget of one decode: a file or still, or a live frame, ends
//! within a bound whatever its pixels. Every step checks the deadline
//! before it starts and each step's own cost is bounded (the size it works
//! at, the patterns and sets it tries), so a decode ends within its budget
//! plus one step.

use std::time::{Duration, Instant};

/// Unoptimised builds (the tests) run the same steps about ten times
/// slower; their budgets are ten times longer, so that they decode what an
/// optimised build decodes.
const BUILD_SLOWDOWN: u64 = if cfg!(debug_assertions) { 10 } else { 1 };

/// Time a file or still image may take before no further step starts
/// (optimised builds).
pub const STILL_BUDGET: Duration = Duration::from_millis(150 * BUILD_SLOWDOWN);
/// Time a live camera frame may take before no further step starts
/// (optimised builds).
pub const LIVE_BUDGET: Duration = Duration::from_millis(25 * BUILD_SLOWDOWN);

/// When a decode stops starting new steps.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Instant);

impl Deadline {
    /// `budget` from now.
    pub fn after(budget: Duration) -> Deadline {
        Deadline(Instant::now() + budget)
    }

    /// Whether the budget is spent.
    pub fn passed(&self) -> bool {
        Instant::now() >= self.0
    }
}
