//! `icp-companion rules`: what a province requires, from the rules table.

use clap::{Args, ValueEnum};
use icp_companion::order::SubjectType;
use icp_companion::rules::requirements_for;

use crate::qr::user_error;

/// Subject types on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum SubjectArg {
    Individual,
    Organisation,
}

#[derive(Args)]
pub struct RulesArgs {
    /// Province, by GB/T 2260 code (Shanghai 31, Guangdong 44, …).
    province: u32,
    /// Who applies.
    #[arg(long, value_enum, default_value = "organisation")]
    subject: SubjectArg,
}

pub fn run(args: RulesArgs) -> Result<(), String> {
    let subject = match args.subject {
        SubjectArg::Individual => SubjectType::Individual,
        SubjectArg::Organisation => SubjectType::Organisation,
    };
    let rules = requirements_for(args.province, subject).map_err(|e| user_error(&e))?;
    println!(
        "{} ({:?}), {:?}, rules {}",
        rules.province.name_en(),
        rules.province,
        subject,
        rules.rules_version
    );
    println!("  app upload           {}", rules.app_upload);
    println!("  in-region photos     {}", rules.in_region_verification);
    println!("  admin phone matches  {}", rules.admin_phone_must_match);
    println!("  statement mark       {:?}", rules.statement_mark);
    println!("  declaration          {}", rules.statement_declaration);
    println!("  domain listing       {:?}", rules.domain_listing);
    for note in rules.notes {
        println!("- [{}] {}\n  {}", note.code, note.text_en, note.text_zh);
    }
    Ok(())
}
