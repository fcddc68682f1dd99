//! How every command reports: plain text for people, or one JSON object per
//! input with `--json` for scripts; and exit codes that tell apart a refusal
//! (the input was judged and did not pass) from a failure to judge at all
//! and from a mistake on the command line.

use icp_companion_core::user_facing::UserFacing;
use serde_json::{json, Value};

/// What the exit codes mean, for every command's `--help`.
pub const EXIT_CODES: &str = "\
Exit codes:
  0  done: every input was judged and passed (or the command simply ran)
  1  refused: an input was judged and did not pass (a check failed, outside
     Shanghai, an expired or forged code, an order already claimed)
  2  usage: the command line is wrong (unknown option, bad value, missing file
     argument)
  3  could not judge: a file could not be read or decoded, the network or the
     gateway failed
With --json every result (and every error) is one JSON object per line on
standard output; errors have an \"error\" member with \"code\", \"message_en\",
\"message_zh\" and, where known, \"detail\" and \"transient\".";

/// A process exit code; the worst outcome of a command's inputs wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Everything judged and passed.
    Ok = 0,
    /// Judged and refused.
    Refused = 1,
    /// The command line is wrong.
    Usage = 2,
    /// Could not judge (I/O, decoding, network).
    CouldNotJudge = 3,
}

/// Why a command stopped, with the exit code it means.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// The text shown on standard error.
    pub text: String,
    /// The same as a JSON `error` object.
    pub json: Value,
}

impl Failure {
    /// A mistake on the command line.
    pub fn usage(text: impl Into<String>) -> Failure {
        let text = text.into();
        Failure {
            exit: Exit::Usage,
            json: json!({ "code": "cli.usage", "message_en": text }),
            text,
        }
    }

    /// A file or folder that could not be read or written.
    pub fn io(what: &std::path::Path, e: &std::io::Error) -> Failure {
        let text = format!("{}: {e}", what.display());
        Failure {
            exit: Exit::CouldNotJudge,
            json: json!({ "code": "cli.io", "message_en": text, "detail": e.to_string() }),
            text,
        }
    }

    /// A failure that needs no code of its own (e.g. a corpus with no labels).
    pub fn could_not_judge(text: impl Into<String>) -> Failure {
        let text = text.into();
        Failure {
            exit: Exit::CouldNotJudge,
            json: json!({ "code": "cli.failed", "message_en": text }),
            text,
        }
    }

    /// The core's error `e`, with the exit code its kind means.
    pub fn of(e: &dyn UserFacing) -> Failure {
        Failure {
            exit: exit_for(e),
            text: user_error(e),
            json: error_json(e),
        }
    }

    /// The same failure, its text prefixed with what it concerns.
    pub fn about(mut self, what: impl std::fmt::Display) -> Failure {
        self.text = format!("{what}: {}", self.text);
        self
    }
}

impl<E: UserFacing> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::of(&e)
    }
}

/// `[code] English / 中文`, the CLI's text form of a user-facing error.
pub fn user_error(e: &dyn UserFacing) -> String {
    let text = format!("[{}] {} / {}", e.code(), e.message_en(), e.message_zh());
    match cli_hint(e.code()) {
        Some(hint) => format!("{text} ({hint})"),
        None => text,
    }
}

/// What to do about a refusal on this command line, where the CLI has an
/// option for it (the app's message cannot know the CLI's options).
fn cli_hint(code: &str) -> Option<&'static str> {
    match code {
        "qr.gateway_not_allowed" => Some("to trust that gateway here: --allow-host HOST"),
        "qr.unknown_issuer" => Some(
            "to trust that issuer here: --trust-key with its public key, as the gateway prints it",
        ),
        _ => None,
    }
}

/// The JSON `error` object of `e`.
pub fn error_json(e: &dyn UserFacing) -> Value {
    let mut error = json!({
        "code": e.code(),
        "message_en": e.message_en(),
        "message_zh": e.message_zh(),
        "transient": e.is_transient(),
    });
    if let Some(hint) = cli_hint(e.code()) {
        error["hint"] = Value::String(hint.into());
    }
    if let Some(detail) = e.detail() {
        error["detail"] = Value::String(detail);
    }
    error
}

/// Whether an error means the input was judged and refused, or could not
/// be judged, or the command line was wrong.
pub fn exit_for(e: &dyn UserFacing) -> Exit {
    let code = e.code();
    if e.is_internal() {
        return Exit::CouldNotJudge;
    }
    match code {
        "qr.invalid_input"
        | "rules.unknown_province"
        | "session.bad_installation_id"
        | "location.invalid_coordinates"
        | "location.invalid_accuracy" => Exit::Usage,
        c if c.starts_with("qr.") || c.starts_with("location.") => Exit::Refused,
        "session.already_claimed"
        | "session.claim_refused"
        | "session.unauthorized"
        | "session.order_closed"
        | "session.unknown_order"
        | "session.incomplete"
        | "session.location_required"
        | "upload.unauthorized"
        | "upload.order_closed"
        | "upload.too_large" => Exit::Refused,
        _ => Exit::CouldNotJudge,
    }
}

/// Where a command's results go.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    /// One JSON object per result on standard output.
    pub json: bool,
}

impl Output {
    /// Prints `value` as one line of JSON (in `--json` mode).
    pub fn emit(&self, value: &Value) {
        println!("{value}");
    }

    /// Prints `text` for people (not in `--json` mode).
    pub fn say(&self, text: impl std::fmt::Display) {
        if !self.json {
            println!("{text}");
        }
    }

    /// Reports `failure`: on standard error, or as a JSON error object.
    pub fn fail(&self, failure: &Failure) {
        if self.json {
            self.emit(&json!({ "error": failure.json }));
        } else {
            eprintln!("error: {}", failure.text);
        }
    }
}

/// What a command ended with.
pub type Outcome = Result<Exit, Failure>;
