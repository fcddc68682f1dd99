//! `icp-companion check-document`: the document-photo findings for files.

use std::path::PathBuf;

use clap::Args;
use icp_companion_core::inspect::{check_document, DocumentProfile, DocumentType, RequiredMarks};

use crate::check_photo::check_files;
use crate::output::{Outcome, Output};
use crate::read_document::{read_and_judge, ReadOptions};

#[derive(Args)]
pub struct CheckDocumentArgs {
    /// Document photos (JPEG, PNG, GIF or WebP).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// id-card, hk-macao-permit, taiwan-permit, passport, business-licence,
    /// authenticity-statement or domain-certificate.
    #[arg(long, value_parser = parse_type)]
    kind: DocumentType,
    /// Marks the province requires: seal, fingerprint, or seal+fingerprint.
    #[arg(long, value_parser = parse_marks, default_value = "")]
    marks: RequiredMarks,
    /// Write each photo with the findings' regions outlined as
    /// FILE.check.png into this folder.
    #[arg(long)]
    annotate: Option<PathBuf>,
    /// Also read the document's fields on the device and add their findings
    /// (valid long enough, ID number, credit code, zone, name); see
    /// `read-document` for the fields themselves.
    #[arg(long)]
    read: bool,
    #[command(flatten)]
    reading: ReadOptions,
}

/// The document type named on the command line.
pub fn parse_type(name: &str) -> Result<DocumentType, String> {
    Ok(match name {
        "id-card" => DocumentType::IdCard,
        "hk-macao-permit" => DocumentType::HkMacaoPermit,
        "taiwan-permit" => DocumentType::TaiwanPermit,
        "passport" => DocumentType::Passport,
        "business-licence" => DocumentType::BusinessLicence,
        "authenticity-statement" => DocumentType::AuthenticityStatement,
        "domain-certificate" => DocumentType::DomainCertificate,
        other => return Err(format!("unknown document kind {other:?}")),
    })
}

/// The required marks named on the command line ("", "seal", "fingerprint",
/// "seal+fingerprint").
pub fn parse_marks(names: &str) -> Result<RequiredMarks, String> {
    let mut marks = RequiredMarks::default();
    for name in names.split('+').filter(|n| !n.is_empty()) {
        match name {
            "seal" => marks.seal = true,
            "fingerprint" => marks.fingerprint = true,
            other => return Err(format!("unknown mark {other:?}")),
        }
    }
    Ok(marks)
}

/// Runs the command.
pub fn run(args: CheckDocumentArgs, out: &Output) -> Outcome {
    let profile = DocumentProfile::default();
    let reader = if args.read && icp_companion_core::read::has_validity(args.kind) {
        Some(args.reading.load(args.kind)?)
    } else {
        None
    };
    check_files(&args.files, args.annotate.as_deref(), out, |image| {
        let mut findings = check_document(image, args.kind, args.marks, &profile);
        if let Some((recogniser, expect)) = &reader {
            match read_and_judge(image, args.kind, recogniser, expect) {
                Ok((_, read)) => findings.extend(read),
                Err(failure) => out.fail(&failure),
            }
        }
        findings
    })
}
