//! Logging through `tracing`, forwarded to a sink the app installs
//! (logcat, os_log). The core never logs tokens, photos or coordinates:
//! events carry only codes, counts and timings.

use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::{reload, Registry};

/// Where log lines go; implemented by the app (through the FFI) or by tests.
pub trait LogSink: Send + Sync {
    /// One event: its level, the module it came from, and its text.
    fn log(&self, level: Level, target: &str, message: &str);
}

/// Which events reach the sink: a default level and levels for modules
/// (e.g. everything at warn, `icp_companion_core::upload` at debug). Callsites
/// no filter enables are disabled, so they cost nothing.
#[derive(Debug, Clone)]
pub struct LogFilter {
    targets: Targets,
}

impl LogFilter {
    /// Events at `level` and above, from every module.
    pub fn at(level: Level) -> LogFilter {
        LogFilter {
            targets: Targets::new().with_default(level),
        }
    }

    /// The same, with `target` (a module path such as
    /// `icp_companion_core::upload`, and its submodules) at `level` instead.
    pub fn with_target(self, target: impl Into<String>, level: Level) -> LogFilter {
        LogFilter {
            targets: self.targets.with_target(target, level),
        }
    }

    /// Nothing at all (before a sink is installed).
    fn off() -> LogFilter {
        LogFilter {
            targets: Targets::new().with_default(LevelFilter::OFF),
        }
    }
}

static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
/// The filter in force; `None` when another subscriber owns the process.
static FILTER: OnceLock<Option<reload::Handle<Targets, Registry>>> = OnceLock::new();

/// Sends the core's events that `filter` lets through to `sink`, replacing
/// any earlier sink and filter. Returns false if the host program installed
/// another global `tracing` subscriber first: then that one gets the events
/// and `sink` gets none.
pub fn install(sink: Arc<dyn LogSink>, filter: LogFilter) -> bool {
    let handle = FILTER.get_or_init(|| {
        let (targets, handle) = reload::Layer::new(LogFilter::off().targets);
        let subscriber = tracing_subscriber::registry().with(ForwardLayer.with_filter(targets));
        tracing::subscriber::set_global_default(subscriber)
            .is_ok()
            .then_some(handle)
    });
    let Some(handle) = handle else {
        return false;
    };
    *SINK.write().unwrap_or_else(|e| e.into_inner()) = Some(sink);
    // Reloading rebuilds every callsite's interest: newly disabled ones stop
    // costing anything, newly enabled ones start reporting.
    handle.reload(filter.targets).is_ok()
}

/// Stops forwarding events.
pub fn uninstall() {
    *SINK.write().unwrap_or_else(|e| e.into_inner()) = None;
    if let Some(Some(handle)) = FILTER.get() {
        let _ = handle.reload(LogFilter::off().targets);
    }
}

/// Forwards events to the installed sink.
struct ForwardLayer;

impl<S: Subscriber> Layer<S> for ForwardLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let guard = SINK.read().unwrap_or_else(|e| e.into_inner());
        let Some(sink) = guard.as_ref() else {
            return;
        };
        let mut text = MessageText::default();
        event.record(&mut text);
        sink.log(
            *event.metadata().level(),
            event.metadata().target(),
            &text.0,
        );
    }
}

/// `message key=value …` from an event's fields.
#[derive(Default)]
struct MessageText(String);

impl Visit for MessageText {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, "{}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Collect(Mutex<Vec<String>>);

    impl LogSink for Collect {
        fn log(&self, _level: Level, target: &str, message: &str) {
            if target.starts_with("probe") {
                self.0.lock().unwrap().push(format!("{target}: {message}"));
            }
        }
    }

    #[test]
    fn targets_have_their_own_levels_and_reinstalling_replaces_the_filter() {
        let sink = Arc::new(Collect::default());
        let filter = LogFilter::at(Level::WARN).with_target("probe::upload", Level::DEBUG);
        assert!(install(sink.clone(), filter));
        tracing::debug!(target: "probe::upload", attempt = 2, "retry");
        tracing::debug!(target: "probe::scan", "decoded");
        tracing::warn!(target: "probe::scan", "slow");
        assert_eq!(
            *sink.0.lock().unwrap(),
            ["probe::upload: retry attempt=2", "probe::scan: slow"]
        );
        assert!(install(sink.clone(), LogFilter::at(Level::ERROR)));
        tracing::warn!(target: "probe::scan", "slow again");
        uninstall();
        tracing::error!(target: "probe::scan", "after uninstall");
        assert_eq!(sink.0.lock().unwrap().len(), 2);
    }
}
