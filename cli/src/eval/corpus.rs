//! `qr make-corpus`: writes the labelled evaluation corpus.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use icp_companion_core::order::{
    encode, AdminPhotoFlow, ClaimToken, DocumentKind, Gateway, OrderPayload, Province, QrMatrix,
    Requirements, SubjectType,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{photograph, Distortion};
use crate::dev;
use crate::output::{Exit, Failure, Outcome, Output};

/// `qr make-corpus` options.
#[derive(Args)]
pub struct MakeCorpusArgs {
    /// Output folder (created); gets the JPEGs and `labels.tsv`.
    dir: PathBuf,
    /// Images per distortion and severity.
    #[arg(long, default_value_t = 5)]
    per_case: u32,
    /// Random seed; the same seed writes the same corpus.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
}

/// A random but valid order code text, signed by the development issuer.
pub fn random_order_code(rng: &mut ChaCha8Rng) -> String {
    let payload = OrderPayload {
        order_id: format!("ICP{:014}", rng.random_range(0..100_000_000_000_000u64)),
        gateway: Gateway::parse("https://gw.beian.example.cn").expect("valid"),
        claim_token: ClaimToken(rng.random()),
        expires_at: 4_000_000_000,
        province: Province::all()
            .nth(rng.random_range(0..31))
            .expect("31 provinces"),
        subject: if rng.random() {
            SubjectType::Individual
        } else {
            SubjectType::Organisation
        },
        requirements: Requirements {
            documents: DocumentKind::ALL
                .iter()
                .copied()
                .filter(|_| rng.random())
                .collect(),
            admin_photo: AdminPhotoFlow::Backdrop,
            in_region_verification: rng.random(),
        },
    };
    encode(&payload, &dev::dev_issuer()).expect("a valid payload encodes")
}

/// Writes `per_case` images for every distortion and severity.
pub fn make_corpus(args: MakeCorpusArgs, out: &Output) -> Outcome {
    let io = |path: &std::path::Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| Failure::io(&path, &e)
    };
    std::fs::create_dir_all(&args.dir).map_err(io(&args.dir))?;
    let labels_path = args.dir.join("labels.tsv");
    let mut labels = std::fs::File::create(&labels_path).map_err(io(&labels_path))?;
    writeln!(labels, "file\tdistortion\tseverity\ttext").map_err(io(&labels_path))?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let mut count = 0;
    for kind in Distortion::ALL {
        for severity in 1..=3u8 {
            for i in 0..args.per_case {
                let text = random_order_code(&mut rng);
                let code = QrMatrix::new(&text)?;
                let (w, h) = if kind == Distortion::Small {
                    (1920, 1440)
                } else {
                    (1280, 960)
                };
                let photo = photograph(&code, kind, severity, w, h, &mut rng);
                let file = format!("{}-{severity}-{i:02}.jpg", kind.name());
                let path = args.dir.join(&file);
                let mut writer =
                    std::io::BufWriter::new(std::fs::File::create(&path).map_err(io(&path))?);
                image::codecs::jpeg::JpegEncoder::new_with_quality(&mut writer, 88)
                    .encode_image(&photo)
                    .map_err(|e| Failure::could_not_judge(format!("{}: {e}", path.display())))?;
                writeln!(labels, "{file}\t{}\t{severity}\t{text}", kind.name())
                    .map_err(io(&labels_path))?;
                count += 1;
            }
        }
    }
    if out.json {
        out.emit(&serde_json::json!({ "dir": args.dir, "images": count, "labels": labels_path }));
    } else {
        println!(
            "wrote {count} images and labels.tsv to {}",
            args.dir.display()
        );
    }
    Ok(Exit::Ok)
}
