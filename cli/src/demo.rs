//! `icp-companion demo`: the end-to-end flow on the embedded development
//! issuer, with no external service.

use std::path::PathBuf;

use clap::Args;
use icp_companion::order::{
    encode, AdminPhotoFlow, ClaimToken, DocumentKind, Gateway, OrderPayload, Province, QrMatrix,
    Requirements, SubjectType,
};
use icp_companion::scan::{OrderScanner, QrDecoder};
use rand::SeedableRng;

use crate::dev;
use crate::eval::{photograph, Distortion};
use crate::qr::{print_order, user_error};

/// `demo` options.
#[derive(Args)]
pub struct DemoArgs {
    /// Folder for the demo's files (the rendered code and the simulated photo).
    #[arg(long, default_value = "target/demo")]
    out: PathBuf,
}

/// Runs the demo.
pub fn run(args: DemoArgs) -> Result<(), String> {
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let now = dev::now_unix();
    println!(
        "1. The filing website creates a Shanghai order and its QR code (development issuer)."
    );
    let payload = OrderPayload {
        order_id: "ICP-DEMO-0001".into(),
        gateway: Gateway::parse("http://127.0.0.1:8765").map_err(|e| user_error(&e))?,
        claim_token: ClaimToken::generate(),
        expires_at: now + 900,
        province: Province::Shanghai,
        subject: SubjectType::Organisation,
        requirements: Requirements {
            documents: vec![
                DocumentKind::OwnerId,
                DocumentKind::SubjectLicence,
                DocumentKind::AuthenticityStatement,
            ],
            admin_photo: AdminPhotoFlow::Backdrop,
            in_region_verification: true,
        },
    };
    let text = encode(&payload, &dev::dev_issuer()).map_err(|e| user_error(&e))?;
    let matrix = QrMatrix::new(&text).map_err(|e| user_error(&e))?;
    let png = args.out.join("order-qr.png");
    std::fs::write(
        &png,
        icp_companion::order::render_png(&text, 8).map_err(|e| user_error(&e))?,
    )
    .map_err(|e| e.to_string())?;
    println!(
        "   {} characters, QR version {} at level M → {}",
        text.len(),
        matrix.version(),
        png.display()
    );

    println!(
        "2. The phone photographs the monitor (simulated: perspective, moiré, glare, blur, noise)."
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let photo = photograph(&matrix, Distortion::Monitor, 2, 1280, 960, &mut rng);
    let photo_path = args.out.join("monitor-photo.jpg");
    photo.save(&photo_path).map_err(|e| e.to_string())?;
    println!("   → {}", photo_path.display());

    println!(
        "3. The core scans the photo and verifies the code (issuer, signature, gateway, expiry)."
    );
    let scanner = OrderScanner::new(dev::trust(&[], &[])?, QrDecoder::new());
    let started = std::time::Instant::now();
    match scanner.scan_file(&photo_path, now) {
        Ok(Some(order)) => {
            println!(
                "   verified in {:.1} ms — order information verified on this mobile phone:",
                started.elapsed().as_secs_f64() * 1e3
            );
            print_order(&order);
        }
        Ok(None) => return Err("no QR code found in the simulated photo".into()),
        Err(e) => return Err(user_error(&e)),
    }

    println!(
        "4. A forged code (same order, attacker's gateway, re-signed by another key) is refused:"
    );
    let mut forged = payload.clone();
    forged.gateway =
        Gateway::parse("https://photos.attacker.example").map_err(|e| user_error(&e))?;
    let forged = encode(&forged, &icp_companion::order::IssuerSigningKey::generate())
        .map_err(|e| user_error(&e))?;
    match icp_companion::order::parse_and_verify(&forged, &dev::trust(&[], &[])?, now) {
        Ok(_) => return Err("a forged code was accepted".into()),
        Err(e) => println!("   {}", user_error(&e)),
    }
    println!("Demo finished.");
    Ok(())
}
