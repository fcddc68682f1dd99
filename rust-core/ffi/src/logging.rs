//! The app's logger (logcat, os_log) as a foreign callback.

use std::sync::Arc;

use tracing::Level;

use icp_companion_core::logging::LogFilter;

/// Severity of a log record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Failures.
    Error,
    /// Recoverable problems.
    Warn,
    /// Milestones (code verified, upload done).
    Info,
    /// Diagnostics.
    Debug,
    /// Very detailed diagnostics.
    Trace,
}

/// One log line. Never contains tokens, photos or coordinates.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LogRecord {
    /// Severity.
    pub level: LogLevel,
    /// Core module that logged it.
    pub target: String,
    /// Text.
    pub message: String,
}

/// Implemented by the app to receive the core's log records.
#[uniffi::export(with_foreign)]
pub trait Logger: Send + Sync {
    /// Called for each record at or above the installed level, on any thread.
    fn log(&self, record: LogRecord);
}

struct Forward(Arc<dyn Logger>);

impl icp_companion_core::logging::LogSink for Forward {
    fn log(&self, level: Level, target: &str, message: &str) {
        let level = match level {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            Level::DEBUG => LogLevel::Debug,
            Level::TRACE => LogLevel::Trace,
        };
        self.0.log(LogRecord {
            level,
            target: target.to_string(),
            message: message.to_string(),
        });
    }
}

/// A module whose records are wanted at another level than the rest.
#[derive(Debug, Clone, uniffi::Record)]
pub struct LogTarget {
    /// A module path, e.g. `icp_companion_core::upload` (its submodules included).
    pub target: String,
    /// The lowest severity sent from it.
    pub level: LogLevel,
}

/// Sends the core's log records at `max_level` and above (and, for each of
/// `targets`, at its own level) to `logger`, replacing any earlier logger
/// and levels. Records nobody asked for cost nothing. Returns false when
/// the process already had another `tracing` subscriber, which then keeps
/// the records.
#[uniffi::export]
pub fn install_logger(
    logger: Arc<dyn Logger>,
    max_level: LogLevel,
    targets: Vec<LogTarget>,
) -> bool {
    let filter = targets
        .into_iter()
        .fold(LogFilter::at(level(max_level)), |filter, t| {
            filter.with_target(t.target, level(t.level))
        });
    icp_companion_core::logging::install(Arc::new(Forward(logger)), filter)
}

fn level(level: LogLevel) -> Level {
    match level {
        LogLevel::Error => Level::ERROR,
        LogLevel::Warn => Level::WARN,
        LogLevel::Info => Level::INFO,
        LogLevel::Debug => Level::DEBUG,
        LogLevel::Trace => Level::TRACE,
    }
}
