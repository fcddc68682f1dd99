//! `icp-companion qr …`

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use icp_companion::imaging::read_luma_file;
use icp_companion::order::{
    encode, parse_and_verify, render_png, render_svg, AdminPhotoFlow, ClaimToken, DocumentKind,
    Gateway, OrderPayload, Province, Requirements, SubjectType, VerifiedOrder,
};
use icp_companion::scan::{Effort, OrderScanner, QrDecoder};
use icp_companion::user_facing::UserFacing;

use crate::dev;

/// `qr` subcommands.
#[derive(Subcommand)]
pub enum QrCommand {
    /// Build and sign an order code; prints its text.
    Encode(EncodeArgs),
    /// Draw a code as PNG or SVG.
    Render(RenderArgs),
    /// Find codes in image files; verifies them unless --raw.
    Scan(ScanArgs),
    /// Verify order code text.
    Verify(VerifyArgs),
    /// Write the labelled evaluation corpus (rendered codes with photograph-like distortions).
    MakeCorpus(eval::MakeCorpusArgs),
    /// Decode rate of raw rqrr against our pipeline over a labelled corpus.
    Eval(eval::EvalArgs),
}

use crate::eval;

/// Trust options shared by `scan` and `verify`.
#[derive(Args)]
pub struct TrustArgs {
    /// Trusted issuer public key, 64 hex digits (repeatable; default: the development issuer).
    #[arg(long = "trust-key")]
    pub keys: Vec<String>,
    /// Allowed gateway host, exact or `*.domain` (repeatable; default: loopback only).
    #[arg(long = "allow-host")]
    pub hosts: Vec<String>,
    /// Check expiry at this Unix time instead of now.
    #[arg(long)]
    pub now: Option<u64>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SubjectArg {
    Individual,
    Organisation,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FlowArg {
    None,
    Backdrop,
    App,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum DocArg {
    SubjectId,
    OwnerId,
    SubjectLicence,
    AuthenticityStatement,
    DomainCertificate,
}

/// `qr encode` options.
#[derive(Args)]
pub struct EncodeArgs {
    /// Order id (1–32 of A–Z a–z 0–9 - _).
    #[arg(long)]
    order_id: String,
    /// Gateway base URL.
    #[arg(long, default_value = "http://127.0.0.1:8765")]
    gateway: String,
    /// Province GB/T 2260 code (31 = Shanghai).
    #[arg(long, default_value_t = 31)]
    province: u8,
    #[arg(long, value_enum, default_value = "individual")]
    subject: SubjectArg,
    /// Documents the order needs (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',', default_values = ["owner-id", "authenticity-statement"])]
    documents: Vec<DocArg>,
    #[arg(long, value_enum, default_value = "backdrop")]
    admin_photo: FlowArg,
    /// The photos must be taken inside the province.
    #[arg(long)]
    in_region: bool,
    /// Seconds until the code expires.
    #[arg(long, default_value_t = 900)]
    expires_in: u64,
    /// Issuer seed, 64 hex digits (default: the development issuer).
    #[arg(long)]
    key_seed: Option<String>,
}

/// `qr render` options.
#[derive(Args)]
pub struct RenderArgs {
    /// The code's text.
    text: String,
    /// Output file; `.svg` writes SVG, anything else PNG.
    #[arg(long, short)]
    out: PathBuf,
    /// Pixels per module (PNG).
    #[arg(long, default_value_t = 8)]
    module_px: u32,
}

/// `qr scan` options.
#[derive(Args)]
pub struct ScanArgs {
    /// Image files (JPEG, PNG, GIF).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print every decoded text without order verification.
    #[arg(long)]
    raw: bool,
    #[command(flatten)]
    trust: TrustArgs,
}

/// `qr verify` options.
#[derive(Args)]
pub struct VerifyArgs {
    /// The scanned text.
    text: String,
    #[command(flatten)]
    trust: TrustArgs,
}

/// Runs a `qr` subcommand.
pub fn run(cmd: QrCommand) -> Result<(), String> {
    match cmd {
        QrCommand::Encode(args) => {
            println!("{}", encode_order(&args)?);
            Ok(())
        }
        QrCommand::Render(args) => {
            let bytes = if args
                .out
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
            {
                render_svg(&args.text)
                    .map_err(|e| user_error(&e))?
                    .into_bytes()
            } else {
                render_png(&args.text, args.module_px).map_err(|e| user_error(&e))?
            };
            std::fs::write(&args.out, bytes).map_err(|e| format!("{}: {e}", args.out.display()))?;
            println!("wrote {}", args.out.display());
            Ok(())
        }
        QrCommand::Scan(args) => scan(args),
        QrCommand::Verify(args) => {
            let policy = dev::trust(&args.trust.keys, &args.trust.hosts)?;
            let now = args.trust.now.unwrap_or_else(dev::now_unix);
            let order = parse_and_verify(&args.text, &policy, now).map_err(|e| user_error(&e))?;
            print_order(&order);
            Ok(())
        }
        QrCommand::MakeCorpus(args) => eval::make_corpus(args),
        QrCommand::Eval(args) => eval::evaluate(args),
    }
}

/// `[code] English / 中文`, the CLI's form of a user-facing error.
pub fn user_error(e: &dyn UserFacing) -> String {
    format!("[{}] {} / {}", e.code(), e.message_en(), e.message_zh())
}

fn encode_order(args: &EncodeArgs) -> Result<String, String> {
    let key = match &args.key_seed {
        Some(hex) => {
            let seed = data_encoding::HEXLOWER_PERMISSIVE
                .decode(hex.as_bytes())
                .map_err(|_| "--key-seed must be 64 hex digits".to_string())?;
            icp_companion::order::IssuerSigningKey::from_seed(&seed).map_err(|e| user_error(&e))?
        }
        None => dev::dev_issuer(),
    };
    let documents = DocumentKind::ALL
        .into_iter()
        .zip([
            DocArg::SubjectId,
            DocArg::OwnerId,
            DocArg::SubjectLicence,
            DocArg::AuthenticityStatement,
            DocArg::DomainCertificate,
        ])
        .filter(|(_, arg)| args.documents.contains(arg))
        .map(|(kind, _)| kind)
        .collect();
    let payload = OrderPayload {
        order_id: args.order_id.clone(),
        gateway: Gateway::parse(&args.gateway).map_err(|e| user_error(&e))?,
        claim_token: ClaimToken::generate(),
        expires_at: dev::now_unix() + args.expires_in,
        province: Province::from_code(args.province)
            .ok_or_else(|| format!("unknown province code {}", args.province))?,
        subject: match args.subject {
            SubjectArg::Individual => SubjectType::Individual,
            SubjectArg::Organisation => SubjectType::Organisation,
        },
        requirements: Requirements {
            documents,
            admin_photo: match args.admin_photo {
                FlowArg::None => AdminPhotoFlow::None,
                FlowArg::Backdrop => AdminPhotoFlow::Backdrop,
                FlowArg::App => AdminPhotoFlow::App,
            },
            in_region_verification: args.in_region,
        },
    };
    encode(&payload, &key).map_err(|e| user_error(&e))
}

fn scan(args: ScanArgs) -> Result<(), String> {
    let decoder = QrDecoder::new();
    let scanner = if args.raw {
        None
    } else {
        Some(OrderScanner::new(
            dev::trust(&args.trust.keys, &args.trust.hosts)?,
            QrDecoder::new(),
        ))
    };
    let now = args.trust.now.unwrap_or_else(dev::now_unix);
    let mut failures = 0;
    for file in &args.files {
        let name = file.display();
        let luma = match read_luma_file(file) {
            Ok(luma) => luma,
            Err(e) => {
                failures += 1;
                println!("{name}\terror\t{}", user_error(&e));
                continue;
            }
        };
        match &scanner {
            None => {
                let codes = decoder.decode(&luma, Effort::Thorough);
                if codes.is_empty() {
                    failures += 1;
                    println!("{name}\tno QR code found");
                }
                for code in codes {
                    println!("{name}\t{}", code.text.escape_debug());
                }
            }
            Some(scanner) => match scanner.scan_image(&luma, now) {
                Ok(Some(order)) => {
                    println!("{name}\tverified order");
                    print_order(&order);
                }
                Ok(None) => {
                    failures += 1;
                    println!("{name}\tno QR code found");
                }
                Err(e) => {
                    failures += 1;
                    println!("{name}\trefused\t{}", user_error(&e));
                }
            },
        }
    }
    if failures > 0 && args.files.len() == 1 {
        return Err("nothing usable found".into());
    }
    Ok(())
}

/// Prints what the phone shows once an order code is verified.
pub fn print_order(order: &VerifiedOrder) {
    let p = &order.payload;
    println!("  order        {}", p.order_id);
    println!("  gateway      {}", p.gateway);
    println!(
        "  province     {} {} ({})",
        p.province.code(),
        p.province.name_en(),
        p.province.name_zh()
    );
    println!("  subject      {:?}", p.subject);
    println!("  documents    {:?}", p.requirements.documents);
    println!("  admin photo  {:?}", p.requirements.admin_photo);
    println!("  in-region    {}", p.requirements.in_region_verification);
    println!("  expires at   {} (Unix)", p.expires_at);
    println!("  issuer key   {}", order.issuer_key_id);
}
