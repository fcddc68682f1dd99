//! What a photo check reports: findings the app can show as guidance.

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Outcome {
    /// Meets the rule.
    Pass,
    /// Likely acceptable, but close to the limit: the app may suggest a retake.
    Warn,
    /// A reviewer would reject it.
    Fail,
}

pub use crate::imaging::PixelRect;

/// What a finding's number is measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MeasureUnit {
    /// A share from 0 to 1 (of the photo, the face, the document…), shown
    /// as a percentage.
    Share,
    /// A number of things (faces).
    Count,
    /// Pixels.
    Pixels,
    /// A brightness level from 0 (black) to 255 (white).
    Level,
    /// Days (a document's remaining validity).
    Days,
    /// Years (a document's validity span).
    Years,
    /// Degrees (a head's turn, nod or tilt).
    Degrees,
}

/// Which measured values pass.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Limit {
    /// At most the threshold.
    AtMost,
    /// At least the threshold.
    AtLeast,
    /// Exactly the threshold.
    Exactly,
    /// From `low` to `high` (the threshold is whichever end was nearer).
    Within {
        /// The smallest value that passes.
        low: f64,
        /// The largest value that passes.
        high: f64,
    },
}

/// One check's result.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Finding {
    /// Stable code, e.g. `photo.off_centre`.
    pub code: String,
    /// Pass, warn or fail.
    pub outcome: Outcome,
    /// What was measured, in `unit`.
    pub measured: f64,
    /// The limit it was held against (see `limit`).
    pub threshold: f64,
    /// What `measured` and `threshold` are in.
    pub unit: MeasureUnit,
    /// Which values pass.
    pub limit: Limit,
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

/// A measured value, its unit, and which values pass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measure {
    /// The value.
    pub value: f64,
    /// What it is in.
    pub unit: MeasureUnit,
    /// The limit it is held against.
    pub threshold: f64,
    /// Which values pass.
    pub limit: Limit,
}

impl Measure {
    /// `value` in `unit`, passing at most `threshold`.
    pub fn at_most(value: f64, unit: MeasureUnit, threshold: f64) -> Measure {
        Measure {
            value,
            unit,
            threshold,
            limit: Limit::AtMost,
        }
    }

    /// `value` in `unit`, passing at least `threshold`.
    pub fn at_least(value: f64, unit: MeasureUnit, threshold: f64) -> Measure {
        Measure {
            value,
            unit,
            threshold,
            limit: Limit::AtLeast,
        }
    }
}

/// A finding with its texts.
pub fn finding(
    code: &str,
    outcome: Outcome,
    measure: Measure,
    region: Option<PixelRect>,
    en: &str,
    zh: &str,
) -> Finding {
    Finding {
        code: code.to_string(),
        outcome,
        measured: measure.value,
        threshold: measure.threshold,
        unit: measure.unit,
        limit: measure.limit,
        region,
        message_en: en.to_string(),
        message_zh: zh.to_string(),
    }
}

/// `value` written in `unit`: `25 %`, `3`, `820 px`, `96`, `0.31`,
/// `45 days` (`45 天` when `zh`).
fn amount(value: f64, unit: MeasureUnit, zh: bool) -> String {
    match unit {
        MeasureUnit::Share => {
            let percent = value * 100.0;
            if percent != 0.0 && percent.abs() < 1.0 {
                format!("{percent:.1} %")
            } else {
                format!("{percent:.0} %")
            }
        }
        MeasureUnit::Count => format!("{value:.0}"),
        MeasureUnit::Pixels => format!("{value:.0} px"),
        MeasureUnit::Level => format!("{value:.0}"),
        MeasureUnit::Days | MeasureUnit::Years if value.is_infinite() => {
            (if zh { "长期" } else { "no end" }).to_string()
        }
        MeasureUnit::Days if zh => format!("{value:.0} 天"),
        MeasureUnit::Days => format!("{value:.0} days"),
        MeasureUnit::Years if zh => format!("{value:.0} 年"),
        MeasureUnit::Years => format!("{value:.0} years"),
        MeasureUnit::Degrees => format!("{value:.0}°"),
    }
}

impl Finding {
    /// What was measured against what passes, in English:
    /// `25 % (passes at most 15 %)`.
    pub fn measure_en(&self) -> String {
        let (v, t) = (
            amount(self.measured, self.unit, false),
            amount(self.threshold, self.unit, false),
        );
        let passes = match self.limit {
            Limit::AtMost => format!("at most {t}"),
            Limit::AtLeast => format!("at least {t}"),
            Limit::Exactly => format!("exactly {t}"),
            Limit::Within { low, high } => {
                format!(
                    "{}–{}",
                    amount(low, self.unit, false),
                    amount(high, self.unit, false)
                )
            }
        };
        format!("{v} (passes {passes})")
    }

    /// The same in Simplified Chinese: `25 %（合格：不超过 15 %）`.
    pub fn measure_zh(&self) -> String {
        let (v, t) = (
            amount(self.measured, self.unit, true),
            amount(self.threshold, self.unit, true),
        );
        let passes = match self.limit {
            Limit::AtMost => format!("不超过 {t}"),
            Limit::AtLeast => format!("不低于 {t}"),
            Limit::Exactly => format!("等于 {t}"),
            Limit::Within { low, high } => {
                format!(
                    "{}–{}",
                    amount(low, self.unit, true),
                    amount(high, self.unit, true)
                )
            }
        };
        format!("{v}（合格：{passes}）")
    }
}
