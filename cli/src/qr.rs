//! `icp-companion qr …`

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use icp_companion_core::imaging::read_luma_file;
use icp_companion_core::order::TrustPolicy;
use icp_companion_core::order::{
    encode, parse_and_verify, render_png, render_svg, AdminPhotoFlow, ClaimToken, DocumentKind,
    Gateway, OrderPayload, Province, Requirements, SubjectType, VerifiedOrder,
};
use icp_companion_core::rules::requirements_for;
use icp_companion_core::scan::{Effort, OrderScanner, QrDecoder};
use icp_companion_core::user_facing::beijing_time;
use serde_json::{json, Value};

use crate::dev;
use crate::output::{error_json, exit_for, user_error, Exit, Failure, Outcome, Output};
use crate::rules::on_a_phone;

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
    /// Decode rate and time of raw rqrr, ours and (--compare) zxing-cpp over a labelled folder.
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
    /// Seconds until the code expires: at least 60, long enough to be
    /// scanned and claimed; or negative, for a code that expired that many
    /// seconds ago (to test refusals).
    #[arg(long, default_value_t = 900, allow_negative_numbers = true)]
    expires_in: i64,
    /// Issuer seed, 64 hex digits (default: the development issuer).
    #[arg(long)]
    key_seed: Option<String>,
}

/// `qr render` options.
#[derive(Args)]
pub struct RenderArgs {
    /// The code's text.
    text: String,
    /// Output file: `.png` or `.svg`.
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
pub fn run(cmd: QrCommand, out: &Output) -> Outcome {
    match cmd {
        QrCommand::Encode(args) => {
            let (text, payload) = encode_order(&args)?;
            if out.json {
                out.emit(&json!({
                    "qr_text": text,
                    "order_id": payload.order_id,
                    "expires_at": payload.expires_at,
                    "expires_at_beijing": beijing_time(payload.expires_at),
                }));
            } else {
                println!("{text}");
            }
            Ok(Exit::Ok)
        }
        QrCommand::Render(args) => {
            let svg = match args.out.extension().map(|e| e.to_ascii_lowercase()) {
                Some(e) if e == "svg" => true,
                Some(e) if e == "png" => false,
                _ => {
                    return Err(Failure::usage(format!(
                        "--out {}: name the file .png or .svg",
                        args.out.display()
                    )))
                }
            };
            let bytes = if svg {
                render_svg(&args.text)
                    .map_err(|e| Failure::of(&e))?
                    .into_bytes()
            } else {
                render_png(&args.text, args.module_px).map_err(|e| Failure::of(&e))?
            };
            std::fs::write(&args.out, &bytes).map_err(|e| Failure::io(&args.out, &e))?;
            if out.json {
                out.emit(&json!({ "file": args.out, "format": if svg { "svg" } else { "png" }, "bytes": bytes.len() }));
            } else {
                println!("wrote {}", args.out.display());
            }
            Ok(Exit::Ok)
        }
        QrCommand::Scan(args) => scan(args, out),
        QrCommand::Verify(args) => {
            let policy = dev::trust(&args.trust.keys, &args.trust.hosts)?;
            let now = args.trust.now.unwrap_or_else(dev::now_unix);
            let order = parse_and_verify(&args.text, &policy, now).map_err(|e| Failure::of(&e))?;
            if out.json {
                out.emit(&order_json(&order, &policy));
            } else {
                print_order(&order, &policy);
            }
            Ok(Exit::Ok)
        }
        QrCommand::MakeCorpus(args) => eval::make_corpus(args, out),
        QrCommand::Eval(args) => eval::evaluate(args, out),
    }
}

fn encode_order(args: &EncodeArgs) -> Result<(String, OrderPayload), Failure> {
    if (0..60).contains(&args.expires_in) {
        return Err(Failure::usage(format!(
            "--expires-in {}: a code must stay valid at least 60 seconds, long enough to be scanned and claimed (a negative value makes one that has already expired)",
            args.expires_in
        )));
    }
    let key = match &args.key_seed {
        Some(hex) => {
            let seed = data_encoding::HEXLOWER_PERMISSIVE
                .decode(hex.as_bytes())
                .map_err(|_| Failure::usage("--key-seed must be 64 hex digits"))?;
            icp_companion_core::order::IssuerSigningKey::from_seed(&seed)
                .map_err(|e| Failure::of(&e))?
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
        gateway: Gateway::parse(&args.gateway).map_err(|e| Failure::of(&e))?,
        claim_token: ClaimToken::generate(),
        expires_at: dev::now_unix().saturating_add_signed(args.expires_in),
        province: Province::from_code(args.province).ok_or_else(|| {
            Failure::usage(format!(
                "--province {}: not a province code (GB/T 2260: Shanghai 31, Guangdong 44, …)",
                args.province
            ))
        })?,
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
    let text = encode(&payload, &key).map_err(|e| Failure::of(&e))?;
    Ok((text, payload))
}

/// `qr scan`: for each file, the verified order (or the refusal), or with
/// `--raw` every decoded text with its centre in pixels; exit 1 when a file holds no usable code, 3
/// when one could not be read.
fn scan(args: ScanArgs, out: &Output) -> Outcome {
    let decoder = QrDecoder::new();
    let policy = dev::trust(&args.trust.keys, &args.trust.hosts)?;
    let scanner = (!args.raw).then(|| OrderScanner::new(policy.clone(), QrDecoder::new()));
    let now = args.trust.now.unwrap_or_else(dev::now_unix);
    let mut exit = Exit::Ok;
    for file in &args.files {
        let name = file.display();
        let luma = match read_luma_file(file) {
            Ok(luma) => luma,
            Err(e) => {
                exit = exit.max(exit_for(&e));
                if out.json {
                    out.emit(&json!({ "file": file, "error": error_json(&e) }));
                } else {
                    println!("{name}\terror\t{}", user_error(&e));
                }
                continue;
            }
        };
        match &scanner {
            None => {
                let codes = decoder.decode(&luma, Effort::Thorough);
                if codes.is_empty() {
                    exit = exit.max(Exit::Refused);
                }
                if out.json {
                    out.emit(&json!({
                        "file": file,
                        "codes": codes.iter().map(|c| json!({
                            "text": c.text,
                            "corners": c.corners.iter().map(|&(x, y)| [x.round(), y.round()]).collect::<Vec<_>>(),
                            "reader": c.reader.to_string(),
                        })).collect::<Vec<_>>(),
                    }));
                    continue;
                }
                if codes.is_empty() {
                    println!("{name}\tno QR code found");
                }
                for code in codes {
                    let (x, y) = code.centre();
                    println!("{name}\tat {:.0},{:.0}\t{}", x, y, code.text.escape_debug());
                }
            }
            Some(scanner) => match scanner.scan_image(&luma, now) {
                Ok(Some(order)) => {
                    if out.json {
                        out.emit(&json!({ "file": file, "order": order_json(&order, &policy) }));
                    } else {
                        println!("{name}\tverified order");
                        print_order(&order, &policy);
                    }
                }
                Ok(None) => {
                    exit = exit.max(Exit::Refused);
                    if out.json {
                        out.emit(&json!({ "file": file, "order": Value::Null }));
                    } else {
                        println!("{name}\tno QR code found");
                    }
                }
                Err(e) => {
                    exit = exit.max(exit_for(&e));
                    if out.json {
                        out.emit(&json!({ "file": file, "error": error_json(&e) }));
                    } else {
                        println!("{name}\trefused\t{}", user_error(&e));
                    }
                }
            },
        }
    }
    Ok(exit)
}

/// The full public key (hex) of the trusted issuer that signed `order`, as
/// the gateway prints it.
fn issuer_key(order: &VerifiedOrder, policy: &TrustPolicy) -> String {
    policy
        .issuers
        .iter()
        .find(|k| k.key_id().to_string() == order.issuer_key_id)
        .map(|k| k.to_hex())
        .unwrap_or_else(|| order.issuer_key_id.clone())
}

/// A verified order as JSON.
pub fn order_json(order: &VerifiedOrder, policy: &TrustPolicy) -> Value {
    let p = &order.payload;
    json!({
        "order_id": p.order_id,
        "gateway": p.gateway.as_str(),
        "province": { "code": p.province.code(), "name_en": p.province.name_en(), "name_zh": p.province.name_zh() },
        "subject": p.subject.name_en(),
        "documents": p.requirements.documents.iter().map(|d| d.name_en()).collect::<Vec<_>>(),
        "admin_photo": p.requirements.admin_photo.name_en(),
        "in_region_verification": p.requirements.in_region_verification,
        "phone_steps": requirements_for(u32::from(p.province.code()), p.subject).ok().map(|r| r.phone_steps),
        "expires_at": p.expires_at,
        "expires_at_beijing": beijing_time(p.expires_at),
        "issuer_public_key": issuer_key(order, policy),
    })
}

/// Prints what the phone shows once an order code is verified.
pub fn print_order(order: &VerifiedOrder, policy: &TrustPolicy) {
    let p = &order.payload;
    println!("  order        {}", p.order_id);
    println!("  gateway      {}", p.gateway);
    println!(
        "  province     {} {} ({})",
        p.province.name_zh(),
        p.province.name_en(),
        p.province.code()
    );
    println!(
        "  subject      {} / {}",
        p.subject.name_zh(),
        p.subject.name_en()
    );
    let documents: Vec<String> = p
        .requirements
        .documents
        .iter()
        .map(|d| format!("{} / {}", d.name_zh(), d.name_en()))
        .collect();
    println!(
        "  documents    {}",
        if documents.is_empty() {
            "none on the phone / 无需在手机上传".to_string()
        } else {
            documents.join("; ")
        }
    );
    println!(
        "  photo        {} / {}",
        p.requirements.admin_photo.name_zh(),
        p.requirements.admin_photo.name_en()
    );
    if let Ok(rules) = requirements_for(u32::from(p.province.code()), p.subject) {
        println!("  on a phone   {}", on_a_phone(rules.phone_steps));
    }
    if p.requirements.in_region_verification {
        println!(
            "  in region    photos must be taken inside {} / 照片须在{}境内拍摄",
            p.province.name_en(),
            p.province.name_zh()
        );
    }
    println!(
        "  expires      {} (Beijing time / 北京时间)",
        beijing_time(p.expires_at)
    );
    println!("  issuer key   {}", issuer_key(order, policy));
}
