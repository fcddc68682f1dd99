//! The contract every user-causable failure follows: a stable code and a
//! message in Simplified Chinese and English that an app can show as is.

/// A failure or verdict that an app shows to the applicant.
///
/// `code` never changes once released (apps branch on it); `Display` is the
/// English message and [`UserFacing::message_zh`] the Simplified Chinese one.
pub trait UserFacing: std::fmt::Display {
    /// Stable machine-readable code, e.g. `qr.expired`.
    fn code(&self) -> &'static str;
    /// Message in Simplified Chinese (zh-Hans).
    fn message_zh(&self) -> String;
    /// Message in English; the `Display` text.
    fn message_en(&self) -> String {
        self.to_string()
    }
}
