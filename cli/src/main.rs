//! `icp-companion`: the desktop face of the ICP Filing companion core, for
//! app teams, QA and the demo.

mod annotate;
mod capture;
mod check_document;
mod check_photo;
mod demo;
mod dev;
mod eval;
mod faces;
mod filing;
mod gateway;
mod locate;
mod normalise;
mod output;
mod qr;
mod read_document;
mod rules;
mod scenes;
mod upload;

use clap::{CommandFactory, FromArgMatches, Subcommand};
use output::{Output, EXIT_CODES};

/// ICP Filing companion: order QR codes, scanning, photo checks, the
/// Shanghai location rule, province rules, uploads, evaluation.
#[derive(clap::Parser)]
#[command(name = "icp-companion", version, about)]
struct Cli {
    /// One JSON object per result (and per error) on standard output.
    #[arg(long, global = true)]
    json: bool,
    /// Log what the core does on standard error (-v info, -vv debug); or
    /// set RUST_LOG (e.g. `icp_companion_core::upload=debug`). Tokens, photos and
    /// coordinates are never logged.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Order QR codes: encode, render, scan, verify, evaluate.
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// End-to-end demo on the embedded development gateway: two orders
    /// (Guangdong: documents and the owner's photo; Shanghai: the
    /// administrator verified inside Shanghai), each scanned off a
    /// simulated monitor, claimed, checked, queued encrypted, uploaded
    /// resumably and submitted.
    Demo(demo::DemoArgs),
    /// The Shanghai in-region verdict for one location fix.
    Locate(locate::LocateArgs),
    /// Location verdicts on labelled places and the shipped boundary's
    /// distance from an OpenStreetMap-derived reference.
    LocationEval(eval::LocationEvalArgs),
    /// What a province requires of an applicant, and what is done on a phone.
    Rules(rules::RulesArgs),
    /// Make a photo ready for upload: upright, no metadata, within 4 MB.
    Normalise(normalise::NormaliseArgs),
    /// Several documents that must share one image, composed on one sheet.
    Compose(normalise::ComposeArgs),
    /// The faces the on-device detector finds in photos.
    Faces(faces::FacesArgs),
    /// Administrator-photo checks (framing, exposure, sharpness, backdrop,
    /// clothing) on files.
    CheckPhoto(check_photo::CheckPhotoArgs),
    /// Document-photo checks (framing, resolution, colour, sharpness, glare,
    /// seal, fingerprint) on files.
    CheckDocument(check_document::CheckDocumentArgs),
    /// Precision and recall of the photo checks on a labelled corpus.
    CheckEval(eval::CheckEvalArgs),
    /// Fields read on the device from document photos (validity period, ID
    /// number, credit code, machine-readable zone, name), and their verdicts.
    ReadDocument(read_document::ReadDocumentArgs),
    /// Field accuracy, validity verdicts and time of the document reading
    /// on a labelled corpus (tests/eval/make_reading_corpus.py).
    ReadEval(eval::ReadEvalArgs),
    /// Cameras the core can open directly (desktop builds).
    #[command(subcommand)]
    Camera(capture::CameraCommand),
    /// Guided capture of the order QR, the administrator photo or a
    /// document, from a camera or a replayed folder of frames.
    Capture(capture::CaptureArgs),
    /// The development filing gateway on loopback: orders and their QR,
    /// claim, tus uploads, submit.
    Gateway(gateway::GatewayArgs),
    /// The phone's part for one order: verify its code, check and queue the
    /// photos (encrypted), claim the order, upload them resumably,
    /// optionally submit. Run it again after an interruption to finish.
    Upload(upload::UploadArgs),
}

/// Logs of the core on standard error, filtered by `RUST_LOG` or `-v`.
fn install_logging(verbose: u8) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.is_empty() => spec.parse::<Targets>().unwrap_or_else(|e| {
            eprintln!("RUST_LOG={spec}: {e}; logging warnings only");
            Targets::new().with_default(LevelFilter::WARN)
        }),
        _ => Targets::new().with_default(match verbose {
            0 => LevelFilter::WARN,
            1 => LevelFilter::INFO,
            _ => LevelFilter::DEBUG,
        }),
    };
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .with_target(true),
        )
        .with(filter)
        .init();
}

/// `command` and every command under it, their `--help` ending with what
/// the exit codes mean.
fn with_exit_codes(command: clap::Command) -> clap::Command {
    command
        .after_help(EXIT_CODES)
        .mut_subcommands(with_exit_codes)
}

/// MediaPipe's face landmark model (`rust-core/data/face_landmark.tflite`).
const FACE_LANDMARK_MODEL: &[u8] = include_bytes!("../../rust-core/data/face_landmark.tflite");

fn main() {
    // A closed pipe (`… | head -1`) ends the program quietly, as for any
    // Unix tool, instead of a panic on the next write.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of SIGPIPE before any
    // thread starts; no handler runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let matches = with_exit_codes(Cli::command()).get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    install_logging(cli.verbose);
    // The face landmark model is an asset apps bundle; the CLI carries it
    // in its own binary, as an app does in its bundle.
    icp_companion_core::inspect::load_face_landmark_model(FACE_LANDMARK_MODEL)
        .expect("the face landmark model built into the CLI loads");
    let out = Output { json: cli.json };
    let outcome = match cli.command {
        Command::Qr(cmd) => qr::run(cmd, &out),
        Command::Demo(args) => demo::run(args, &out),
        Command::Locate(args) => locate::run(args, &out),
        Command::LocationEval(args) => eval::location_eval(args, &out),
        Command::Rules(args) => rules::run(args, &out),
        Command::Normalise(args) => normalise::run(args, &out),
        Command::Compose(args) => normalise::compose(args, &out),
        Command::Faces(args) => faces::run(args, &out),
        Command::CheckPhoto(args) => check_photo::run(args, &out),
        Command::CheckDocument(args) => check_document::run(args, &out),
        Command::CheckEval(args) => eval::check_eval(args, &out),
        Command::ReadDocument(args) => read_document::run(args, &out),
        Command::ReadEval(args) => eval::read_eval(args, &out),
        Command::Camera(cmd) => capture::camera(cmd, &out),
        Command::Capture(args) => capture::run(args, &out),
        Command::Gateway(args) => gateway::run(args, &out),
        Command::Upload(args) => upload::run(args, &out),
    };
    let exit = match outcome {
        Ok(exit) => exit,
        Err(failure) => {
            out.fail(&failure);
            failure.exit
        }
    };
    std::process::exit(exit as i32);
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// No subcommand defines an argument named like a global one: clap
    /// accepts the definition and then panics when that subcommand runs
    /// (`check-eval --verbose` did, against the global `-v/--verbose`).
    #[test]
    fn no_subcommand_argument_shadows_a_global_one() {
        let root = super::Cli::command();
        root.clone().debug_assert();
        let globals: Vec<String> = root
            .get_arguments()
            .filter(|a| a.is_global_set())
            .map(|a| a.get_id().to_string())
            .collect();
        assert!(globals.contains(&"verbose".to_string()), "{globals:?}");
        fn walk(cmd: &clap::Command, globals: &[String], path: &str) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().to_string();
                assert!(
                    !globals.contains(&id),
                    "`{path}` defines `{id}`, which is global"
                );
            }
            for sub in cmd.get_subcommands() {
                walk(sub, globals, &format!("{path} {}", sub.get_name()));
            }
        }
        for sub in root.get_subcommands() {
            walk(sub, &globals, sub.get_name());
        }
    }
}
