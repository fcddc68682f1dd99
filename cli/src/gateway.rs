//! `icp-companion gateway`: the development filing gateway on loopback, for
//! app teams (orders and their QR, claim, tus uploads, submit).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use icp_companion_dev_gateway::{Config, DevGateway};

use crate::dev;
use crate::output::{Exit, Failure, Outcome, Output};

/// `gateway` options.
#[derive(Args)]
pub struct GatewayArgs {
    /// Address to listen on (loopback: plain HTTP is accepted only there).
    #[arg(long, default_value = "127.0.0.1:8765")]
    listen: SocketAddr,
    /// Folder for received photos.
    #[arg(long, default_value = "target/gateway")]
    dir: PathBuf,
}

/// Runs the gateway until the process is stopped.
pub fn run(args: GatewayArgs, out: &Output) -> Outcome {
    if !args.listen.ip().is_loopback() {
        return Err(Failure::usage(
            "--listen: the development gateway listens on loopback only",
        ));
    }
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| Failure::could_not_judge(e.to_string()))?;
    runtime.block_on(async {
        let gateway = DevGateway::start(
            args.listen,
            Config {
                dir: args.dir.clone(),
                issuer: dev::dev_issuer(),
                max_photo_bytes: icp_companion_core::imaging::MAX_UPLOAD_BYTES as u64,
                advertise: None,
                capture_session_seconds: icp_companion_dev_gateway::CAPTURE_SESSION_SECONDS,
            },
        )
        .await
        .map_err(|e| Failure::could_not_judge(format!("{}: {e}", args.listen)))?;
        if out.json {
            out.emit(&serde_json::json!({
                "gateway": gateway.base.as_str(),
                "photos": args.dir,
                "issuer_public_key": dev::dev_issuer().public_key().to_hex(),
            }));
        } else {
            println!("development gateway at {} (photos in {})", gateway.base, args.dir.display());
            println!("  create an order:  curl -X POST {}/dev/orders -H 'content-type: application/json' \\", gateway.base);
            println!("                      -d '{{\"province_code\":31,\"subject\":\"organisation\",\"applicant\":\"张晓明\",\"domains\":[\"example.cn\"]}}'");
            println!("  orders and QR codes: {}/", gateway.base);
        }
        // Printed at once, even into a pipe (scripts wait for this line).
        let _ = std::io::Write::flush(&mut std::io::stdout());
        gateway.wait().await;
        Ok(Exit::Ok)
    })
}
