//! `icp-companion`: the desktop face of the ICP Filing companion core, for
//! app teams, QA and the demo.

mod demo;
mod dev;
mod eval;
mod qr;

use clap::{Parser, Subcommand};

/// ICP Filing companion: order QR codes, scanning and evaluation.
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
    /// End-to-end demo on the embedded development issuer: create an order
    /// code, render it, photograph it off a simulated monitor, scan and verify it.
    Demo(demo::DemoArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Qr(cmd) => qr::run(cmd),
        Command::Demo(args) => demo::run(args),
    };
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}
