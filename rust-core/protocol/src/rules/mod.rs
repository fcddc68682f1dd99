//! Province-specific filing rules, as the filing provider publishes them, held in one data table
//! (`rust-core/protocol/data/province-rules.toml`) instead of scattered `if`s.

mod error;
mod table;

pub use error::RulesError;
pub use table::{
    requirements_for, DomainListing, FilingRules, PhoneSteps, RuleNote, StatementMark,
};
