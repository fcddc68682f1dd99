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
mod qr;
mod rules;
mod sample_photos;
mod upload;

use clap::{Parser, Subcommand};

/// ICP Filing companion: order QR codes, scanning, the Shanghai location rule, province rules, evaluation.
#[derive(Parser)]
#[command(name = "icp-companion", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Order QR codes: encode, render, scan, verify, evaluate.
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// End-to-end demo on the embedded development gateway: create an order,
    /// scan its QR off a simulated monitor, claim, check photos, location
    /// verdict, encrypted queue, resumable upload, submit.
    Demo(demo::DemoArgs),
    /// The Shanghai in-region verdict for one location fix.
    Locate(locate::LocateArgs),
    /// Location verdicts on labelled places and the shipped boundary's
    /// distance from an OpenStreetMap-derived reference.
    LocationEval(eval::LocationEvalArgs),
    /// What a province requires of an applicant (from the rules table).
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
    /// Cameras the core can open directly (desktop builds).
    #[command(subcommand)]
    Camera(capture::CameraCommand),
    /// Guided capture of the order QR, the administrator photo or a
    /// document, from a camera or a replayed folder of frames.
    Capture(capture::CaptureArgs),
    /// The development filing gateway on loopback: orders and their QR,
    /// claim, tus uploads, submit.
    Gateway(gateway::GatewayArgs),
    /// The phone's part for one order: verify its code, claim it, check and
    /// queue photos (encrypted), upload them resumably, optionally submit.
    Upload(upload::UploadArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Qr(cmd) => qr::run(cmd),
        Command::Demo(args) => demo::run(args),
        Command::Locate(args) => locate::run(args),
        Command::LocationEval(args) => eval::location_eval(args),
        Command::Rules(args) => rules::run(args),
        Command::Normalise(args) => normalise::run(args),
        Command::Compose(args) => normalise::compose(args),
        Command::Faces(args) => faces::run(args),
        Command::CheckPhoto(args) => check_photo::run(args),
        Command::CheckDocument(args) => check_document::run(args),
        Command::CheckEval(args) => eval::check_eval(args),
        Command::Camera(cmd) => capture::camera(cmd),
        Command::Capture(args) => capture::run(args),
        Command::Gateway(args) => gateway::run(args),
        Command::Upload(args) => upload::run(args),
    };
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}
