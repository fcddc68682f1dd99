//! The contract every user-causable failure follows: a stable code and a
//! message in Simplified Chinese and English, in our own words, that an app
//! can show as is; the technical cause, when there is one, kept apart for
//! logs and machine output; whether trying again may help; and whether it is
//! a defect of the build rather than anything the user did.

/// A failure or verdict that an app shows to the applicant.
///
/// `code` never changes once released (apps branch on it); `Display` is the
/// English message and [`UserFacing::message_zh`] the Simplified Chinese one.
/// Neither message contains text from a library or a server, nor a Rust
/// name: such causes go to [`UserFacing::detail`].
pub trait UserFacing: std::fmt::Display {
    /// Stable machine-readable code, e.g. `qr.expired`.
    fn code(&self) -> &'static str;
    /// Message in Simplified Chinese (zh-Hans).
    fn message_zh(&self) -> String;
    /// Message in English; the `Display` text.
    fn message_en(&self) -> String {
        self.to_string()
    }
    /// The technical cause (a decoder's or a server's words, an OS error),
    /// for logs and machine-readable output; never shown as the message.
    fn detail(&self) -> Option<String> {
        None
    }
    /// Whether the same step may succeed if tried again later (a network
    /// cut, a busy server), so an app may retry it on its own.
    fn is_transient(&self) -> bool {
        false
    }
    /// Whether this is a defect of the build (damaged embedded data), not
    /// something the user caused: apps report it and show a generic message.
    fn is_internal(&self) -> bool {
        false
    }
}

/// The message shown for an internal defect, in English and Simplified
/// Chinese: the user cannot act on its details.
pub const INTERNAL_EN: &str =
    "Something went wrong inside the app. Please update the app or contact support.";
/// See [`INTERNAL_EN`].
pub const INTERNAL_ZH: &str = "应用内部出错。请更新应用或联系客服。";

/// `2026-12-01 21:30` for Unix seconds `t`, in Beijing time (UTC+8, no
/// daylight saving): the time every filing deadline is given in.
pub fn beijing_time(t: u64) -> String {
    let t = t + BEIJING_OFFSET_SECONDS;
    let (days, secs) = ((t / 86_400) as i64, t % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

/// Beijing time's offset from UTC (no daylight saving).
pub const BEIJING_OFFSET_SECONDS: u64 = 8 * 3600;

/// The civil date (year, month, day) `days` after 1970-01-01 (Howard
/// Hinnant's algorithm), shared with the documents' validity dates.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_given_in_beijing_time() {
        assert_eq!(super::beijing_time(0), "1970-01-01 08:00");
        // 2026-12-01 13:30 UTC.
        assert_eq!(super::beijing_time(1_796_131_800), "2026-12-01 21:30");
        assert_eq!(super::beijing_time(951_782_400), "2000-02-29 08:00");
    }
}
