//! What a photo check reports: findings the app can show as guidance.

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum Outcome {
    /// Meets the rule.
    Pass,
    /// Likely acceptable, but close to the limit: the app may suggest a retake.
    Warn,
    /// A reviewer would reject it.
    Fail,
}

/// A rectangle of the image, pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct PixelRect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// One check's result.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct Finding {
    /// Stable code, e.g. `photo.off_centre`.
    pub code: String,
    /// Pass, warn or fail.
    pub outcome: Outcome,
    /// What was measured (unit per code, documented in the profile).
    pub measured: f64,
    /// The limit it was held against.
    pub threshold: f64,
    /// Where in the image, when the check concerns a region.
    pub region: Option<PixelRect>,
    /// Guidance in English.
    pub message_en: String,
    /// Guidance in Simplified Chinese.
    pub message_zh: String,
}

/// Outcome of a value that must stay at or below `fail` (warning above `warn`).
pub fn at_most(value: f64, warn: f64, fail: f64) -> Outcome {
    if value > fail {
        Outcome::Fail
    } else if value > warn {
        Outcome::Warn
    } else {
        Outcome::Pass
    }
}

/// Outcome of a value that must stay at or above `fail` (warning below `warn`).
pub fn at_least(value: f64, warn: f64, fail: f64) -> Outcome {
    if value < fail {
        Outcome::Fail
    } else if value < warn {
        Outcome::Warn
    } else {
        Outcome::Pass
    }
}

/// A finding with its texts.
pub fn finding(
    code: &str,
    outcome: Outcome,
    measured: f64,
    threshold: f64,
    region: Option<PixelRect>,
    en: &str,
    zh: &str,
) -> Finding {
    Finding {
        code: code.to_string(),
        outcome,
        measured,
        threshold,
        region,
        message_en: en.to_string(),
        message_zh: zh.to_string(),
    }
}
