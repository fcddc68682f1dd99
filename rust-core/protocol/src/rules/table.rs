//! Loading, validating and querying the province rules table.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::error::RulesError;
use crate::order::{Province, SubjectType};

const TABLE_TOML: &str = include_str!("../../data/province-rules.toml");

/// How the authenticity statement is authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum StatementMark {
    /// The organisation's official seal (organisations, everywhere).
    OfficialSeal,
    /// The individual's clear signature in black ink.
    Signature,
    /// Signature and fingerprint (individuals in Jiangxi and Xinjiang).
    Fingerprint,
}

/// How several domain names go on the authenticity statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DomainListing {
    /// All on one form, overflowing into its free space.
    OneFormFreeSpace,
    /// All in the domain area, on the widened form if needed.
    WidenedDomainArea,
    /// A separate list attached to the form, sealed or signed.
    AttachedList,
}

/// What an applicant in a province does on a phone, and with which app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PhoneSteps {
    /// Upload the documents and verify the website owner with the filing
    /// provider's app (Guangdong, Chongqing, Liaoning, Anhui, Fujian).
    DocumentsAndOwner,
    /// Verify the website administrator with the Shanghai Communications
    /// Administration app, inside Shanghai; documents on the website.
    AdministratorInRegion,
    /// Nothing yet: everything on the filing website.
    WebsiteOnly,
}

impl PhoneSteps {
    /// Which app does the phone steps, in English and Chinese (`None` when
    /// there are none).
    pub fn app(self) -> Option<(&'static str, &'static str)> {
        match self {
            PhoneSteps::DocumentsAndOwner => {
                Some(("the filing provider's app", "备案服务商的应用"))
            }
            PhoneSteps::AdministratorInRegion => Some((
                "the Shanghai Communications Administration app",
                "上海市通信管理局 App",
            )),
            PhoneSteps::WebsiteOnly => None,
        }
    }

    /// Whether the phone's photos must come from a live camera capture:
    /// the provider's app (the Alibaba Cloud app) takes camera photos only,
    /// and Shanghai's in-region photos mean nothing unless taken at the fix.
    pub fn live_capture_required(self) -> bool {
        match self {
            PhoneSteps::DocumentsAndOwner | PhoneSteps::AdministratorInRegion => true,
            PhoneSteps::WebsiteOnly => false,
        }
    }
}

/// One rule that applies, as guidance the app can show.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RuleNote {
    /// Stable code, e.g. `rules.fingerprint`.
    pub code: String,
    /// English text.
    pub text_en: String,
    /// Simplified Chinese text.
    pub text_zh: String,
}

/// What a filing in a province, for a subject type, requires of the applicant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FilingRules {
    /// The province.
    pub province: Province,
    /// Individual or organisation.
    pub subject: SubjectType,
    /// What the applicant does on a phone, and with which app.
    pub phone_steps: PhoneSteps,
    /// Verification photos must be taken inside the province (Shanghai).
    pub in_region_verification: bool,
    /// The verifying phone number must be the administrator's filed number.
    pub admin_phone_must_match: bool,
    /// Seal, signature or fingerprint on the authenticity statement.
    pub statement_mark: StatementMark,
    /// The individual's written declaration is required (Guangdong).
    pub statement_declaration: bool,
    /// How several domain names are listed.
    pub domain_listing: DomainListing,
    /// Photo backdrops go to mainland China addresses only.
    pub backdrop_mailing_mainland_only: bool,
    /// Days an ID document or licence must still be valid for on the day it
    /// is photographed, so that it outlasts the review.
    pub min_document_validity_days: u32,
    /// Every rule above that asks something of the applicant, as text.
    pub notes: Vec<RuleNote>,
    /// Revision of the rules table these come from.
    pub rules_version: String,
}

/// The rules that apply in `province` (GB/T 2260 code) for `subject`.
/// Unknown province codes are an error, never a default.
pub fn requirements_for(province: u32, subject: SubjectType) -> Result<FilingRules, RulesError> {
    let code = u8::try_from(province).map_err(|_| RulesError::UnknownProvince {
        province_code: province,
    })?;
    let province = Province::from_code(code).ok_or(RulesError::UnknownProvince {
        province_code: province,
    })?;
    let table = table()?;
    let rule = table.rules[&province.code()];
    let statement_mark = match subject {
        SubjectType::Organisation => rule.organisation_statement_mark,
        SubjectType::Individual => rule.individual_statement_mark,
    };
    let statement_declaration = subject == SubjectType::Individual && rule.individual_declaration;
    let mut keys = vec![match rule.phone_steps {
        PhoneSteps::DocumentsAndOwner => "documents_and_owner",
        PhoneSteps::AdministratorInRegion => "administrator_in_region",
        PhoneSteps::WebsiteOnly => "website_only",
    }];
    if rule.in_region_verification {
        keys.push("in_region_verification");
    }
    if rule.admin_phone_must_match {
        keys.push("admin_phone_must_match");
    }
    keys.push(mark_key(statement_mark));
    if statement_declaration {
        keys.push("individual_declaration");
    }
    keys.push(match (rule.domain_listing, subject) {
        (DomainListing::OneFormFreeSpace, _) => "one_form_free_space",
        (DomainListing::WidenedDomainArea, _) => "widened_domain_area",
        (DomainListing::AttachedList, SubjectType::Organisation) => "attached_list_organisation",
        (DomainListing::AttachedList, SubjectType::Individual) => "attached_list_individual",
    });
    if rule.backdrop_mailing_mainland_only {
        keys.push("backdrop_mailing_mainland_only");
    }
    let notes = keys
        .into_iter()
        .map(|key| {
            let text = &table.texts[key];
            RuleNote {
                code: format!("rules.{key}"),
                text_en: text.en.clone(),
                text_zh: text.zh.clone(),
            }
        })
        .collect();
    Ok(FilingRules {
        province,
        subject,
        phone_steps: rule.phone_steps,
        in_region_verification: rule.in_region_verification,
        admin_phone_must_match: rule.admin_phone_must_match,
        statement_mark,
        statement_declaration,
        domain_listing: rule.domain_listing,
        backdrop_mailing_mainland_only: rule.backdrop_mailing_mainland_only,
        min_document_validity_days: rule.min_document_validity_days,
        notes,
        rules_version: table.version.clone(),
    })
}

/// The text key of a statement mark.
fn mark_key(mark: StatementMark) -> &'static str {
    match mark {
        StatementMark::OfficialSeal => "official_seal",
        StatementMark::Signature => "signature",
        StatementMark::Fingerprint => "fingerprint",
    }
}

/// Every text key the rules can produce; the table must define each.
const TEXT_KEYS: [&str; 14] = [
    "documents_and_owner",
    "administrator_in_region",
    "website_only",
    "in_region_verification",
    "admin_phone_must_match",
    "official_seal",
    "signature",
    "fingerprint",
    "individual_declaration",
    "one_form_free_space",
    "widened_domain_area",
    "attached_list_organisation",
    "attached_list_individual",
    "backdrop_mailing_mainland_only",
];

/// The rules of one province after applying its overrides to the defaults.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    phone_steps: PhoneSteps,
    in_region_verification: bool,
    admin_phone_must_match: bool,
    organisation_statement_mark: StatementMark,
    individual_statement_mark: StatementMark,
    individual_declaration: bool,
    domain_listing: DomainListing,
    backdrop_mailing_mainland_only: bool,
    min_document_validity_days: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Text {
    en: String,
    zh: String,
}

/// The table as written: defaults, per-province overrides of any of their
/// keys, and the texts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    version: String,
    defaults: toml::Table,
    provinces: BTreeMap<String, toml::Table>,
    texts: BTreeMap<String, Text>,
}

/// The table resolved: every province's complete rule, by GB/T 2260 code.
#[derive(Debug)]
struct Table {
    version: String,
    rules: BTreeMap<u8, Rule>,
    texts: BTreeMap<String, Text>,
}

impl Table {
    /// Parses and validates the table, resolving each province's rule (its
    /// overrides laid over the defaults; unknown keys and values refused).
    fn parse(text: &str) -> Result<Table, RulesError> {
        let invalid = |detail: String| RulesError::TableInvalid { detail };
        let file: TableFile = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        for key in file.provinces.keys() {
            let known = key.parse::<u8>().ok().and_then(Province::from_code);
            if known.is_none() {
                return Err(invalid(format!("unknown province code {key}")));
            }
        }
        let mut rules = BTreeMap::new();
        for province in Province::all() {
            let mut merged = file.defaults.clone();
            if let Some(overrides) = file.provinces.get(&province.code().to_string()) {
                merged.extend(overrides.clone());
            }
            let rule: Rule = toml::Value::Table(merged)
                .try_into()
                .map_err(|e| invalid(format!("province {}: {e}", province.code())))?;
            rules.insert(province.code(), rule);
        }
        let table = Table {
            version: file.version,
            rules,
            texts: file.texts,
        };
        for key in TEXT_KEYS {
            match table.texts.get(key) {
                Some(t) if !t.en.trim().is_empty() && !t.zh.trim().is_empty() => {}
                _ => return Err(invalid(format!("text {key} missing or empty"))),
            }
        }
        if let Some(extra) = table
            .texts
            .keys()
            .find(|k| !TEXT_KEYS.contains(&k.as_str()))
        {
            return Err(invalid(format!("text {extra} is never used")));
        }
        Ok(table)
    }
}

/// The embedded table, parsed and validated once.
fn table() -> Result<&'static Table, RulesError> {
    static TABLE: OnceLock<Result<Table, RulesError>> = OnceLock::new();
    TABLE
        .get_or_init(|| Table::parse(TABLE_TOML))
        .as_ref()
        .map_err(Clone::clone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_is_valid() {
        table().unwrap();
    }

    #[test]
    fn broken_tables_are_refused() {
        let good = TABLE_TOML;
        for (from, to) in [
            (
                "[provinces]\n",
                "[provinces]\n99 = { phone_steps = \"documents_and_owner\" }\n",
            ),
            (
                "phone_steps = \"website_only\"",
                "phone_steps = \"carrier_pigeon\"",
            ),
            (
                "[texts.signature]",
                "[texts.unused]\nen = \"x\"\nzh = \"x\"\n[texts.signature]",
            ),
            (
                "domain_listing = \"attached_list\"",
                "domain_listing = \"scroll\"",
            ),
            ("[provinces]\n", "[provinces]\n11 = { colour = \"red\" }\n"),
        ] {
            let broken = good.replacen(from, to, 1);
            assert_ne!(broken, good, "{from}");
            assert!(
                matches!(Table::parse(&broken), Err(RulesError::TableInvalid { .. })),
                "{to}"
            );
        }
        let missing = good.replacen("[texts.fingerprint]", "[texts.fingerprint_gone]", 1);
        assert!(Table::parse(&missing).is_err());
    }
}
