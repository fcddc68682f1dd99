//! `icp-companion rules`: what a province requires, from the rules table,
//! in plain words: which steps are done on a phone and with which app, and
//! every rule that asks something of the applicant.

use clap::{Args, ValueEnum};
use icp_companion_core::order::SubjectType;
use icp_companion_core::rules::{
    requirements_for, DomainListing, FilingRules, PhoneSteps, StatementMark,
};
use serde_json::json;

use crate::output::{Exit, Failure, Outcome, Output};

/// Subject types on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum SubjectArg {
    Individual,
    Organisation,
}

#[derive(Args)]
pub struct RulesArgs {
    /// Province, by GB/T 2260 code (Shanghai 31, Guangdong 44, Jiangxi 36, …).
    province: u32,
    /// Who applies.
    #[arg(long, value_enum, default_value = "organisation")]
    subject: SubjectArg,
}

/// The statement mark in words.
pub fn mark_words(mark: StatementMark) -> (&'static str, &'static str) {
    match mark {
        StatementMark::OfficialSeal => ("the organisation's official seal", "单位公章"),
        StatementMark::Signature => ("a clear signature in black ink", "黑色墨水笔清晰签字"),
        StatementMark::Fingerprint => ("a signature and a fingerprint", "签字并按手印"),
    }
}

fn listing_words(listing: DomainListing) -> (&'static str, &'static str) {
    match listing {
        DomainListing::OneFormFreeSpace => (
            "all on one form, in its free space if needed",
            "全部填写在同一张核验单上，必要时写在空白处",
        ),
        DomainListing::WidenedDomainArea => (
            "all in the domain name area (the widened form if needed)",
            "全部填写在域名栏内（必要时使用加宽域名栏的核验单）",
        ),
        DomainListing::AttachedList => ("on a list attached to the form", "另附域名清单"),
    }
}

/// Prints the rules (or emits them as JSON).
pub fn show(rules: &FilingRules, out: &Output) {
    let (mark_en, mark_zh) = mark_words(rules.statement_mark);
    let (listing_en, listing_zh) = listing_words(rules.domain_listing);
    if out.json {
        out.emit(&json!({
            "province": { "code": rules.province.code(), "name_en": rules.province.name_en(), "name_zh": rules.province.name_zh() },
            "subject": rules.subject.name_en(),
            "phone_steps": rules.phone_steps,
            "phone_app": rules.phone_steps.app().map(|(en, _)| en),
            "in_region_verification": rules.in_region_verification,
            "admin_phone_must_match": rules.admin_phone_must_match,
            "statement_mark": mark_en,
            "statement_declaration": rules.statement_declaration,
            "domain_listing": listing_en,
            "notes": rules.notes.iter().map(|n| json!({ "code": n.code, "en": n.text_en, "zh": n.text_zh })).collect::<Vec<_>>(),
            "rules_version": rules.rules_version,
        }));
        return;
    }
    let yes_no = |b: bool| if b { "yes / 是" } else { "no / 否" };
    println!(
        "{} {} · {} {} (rules of {})",
        rules.province.name_zh(),
        rules.province.name_en(),
        rules.subject.name_zh(),
        rules.subject.name_en(),
        rules.rules_version
    );
    println!("  on a phone           {}", on_a_phone(rules.phone_steps));
    println!(
        "  photos in province   {}",
        yes_no(rules.in_region_verification)
    );
    println!(
        "  administrator's no.  must be the filed mobile number: {}",
        yes_no(rules.admin_phone_must_match)
    );
    println!("  statement            {mark_en} / {mark_zh}");
    println!(
        "  written declaration  {}",
        yes_no(rules.statement_declaration)
    );
    println!("  several domains      {listing_en} / {listing_zh}");
    for note in &rules.notes {
        println!("- [{}] {}\n  {}", note.code, note.text_en, note.text_zh);
    }
}

/// Runs the command.
pub fn run(args: RulesArgs, out: &Output) -> Outcome {
    let subject = match args.subject {
        SubjectArg::Individual => SubjectType::Individual,
        SubjectArg::Organisation => SubjectType::Organisation,
    };
    let rules = requirements_for(args.province, subject).map_err(|e| Failure::of(&e))?;
    show(&rules, out);
    Ok(Exit::Ok)
}

/// Which app does a province's phone steps, in both languages.
pub fn on_a_phone(steps: PhoneSteps) -> String {
    match steps.app() {
        Some((en, zh)) => format!("with {en} / 使用{zh}"),
        None => {
            "nothing yet: the filing website takes everything / 暂无，全部在备案网站办理".into()
        }
    }
}
