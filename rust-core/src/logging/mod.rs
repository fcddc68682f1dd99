//! Logging through `tracing`, forwarded to a sink the app installs
//! (logcat, os_log). The core never logs tokens, photos or coordinates:
//! events carry only codes, counts and timings.

use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// Where log lines go; implemented by the app (through the FFI) or by tests.
pub trait LogSink: Send + Sync {
    /// One event: its level, the module it came from, and its text.
    fn log(&self, level: Level, target: &str, message: &str);
}

struct Installed {
    sink: Arc<dyn LogSink>,
    max_level: Level,
}

static SINK: RwLock<Option<Installed>> = RwLock::new(None);
static SUBSCRIBER: OnceLock<bool> = OnceLock::new();

/// Sends the core's events at `max_level` and above to `sink`, replacing
/// any earlier sink. Returns false if another global `tracing` subscriber
/// was installed first by the host program (then that one gets the events).
pub fn install(sink: Arc<dyn LogSink>, max_level: Level) -> bool {
    *SINK.write().unwrap_or_else(|e| e.into_inner()) = Some(Installed { sink, max_level });
    *SUBSCRIBER.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(ForwardLayer);
        tracing::subscriber::set_global_default(subscriber).is_ok()
    })
}

/// Stops forwarding events.
pub fn uninstall() {
    *SINK.write().unwrap_or_else(|e| e.into_inner()) = None;
}

/// Forwards events to the installed sink.
struct ForwardLayer;

impl<S: Subscriber> Layer<S> for ForwardLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let guard = SINK.read().unwrap_or_else(|e| e.into_inner());
        let Some(installed) = guard.as_ref() else {
            return;
        };
        let level = *event.metadata().level();
        if level > installed.max_level {
            return;
        }
        let mut text = MessageText::default();
        event.record(&mut text);
        installed
            .sink
            .log(level, event.metadata().target(), &text.0);
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
