//! `icp-companion gateway`: the development filing gateway on loopback, for
//! app teams (orders and their QR, claim, tus uploads, submit).

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use icp_companion_dev_gateway::{Config, DevGateway};

use crate::dev;

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
pub fn run(args: GatewayArgs) -> Result<(), String> {
    if !args.listen.ip().is_loopback() {
        return Err("the development gateway listens on loopback only".into());
    }
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let gateway = DevGateway::start(
            args.listen,
            Config {
                dir: args.dir.clone(),
                issuer: dev::dev_issuer(),
                max_photo_bytes: icp_companion::imaging::MAX_UPLOAD_BYTES as u64,
                advertise: None,
            },
        )
        .await
        .map_err(|e| format!("{}: {e}", args.listen))?;
        println!("development gateway at {} (photos in {})", gateway.base, args.dir.display());
        println!("  create an order:  curl -X POST {}/dev/orders -H 'content-type: application/json' \\", gateway.base);
        println!("                      -d '{{\"province_code\":31,\"subject\":\"organisation\",\"applicant\":\"张晓明\",\"domains\":[\"example.cn\"]}}'");
        println!("  orders and QR codes: {}/", gateway.base);
        gateway.wait().await;
        Ok(())
    })
}
