//! Province rules for apps.

use icp_companion_core::order::SubjectType;
use icp_companion_core::rules::FilingRules;

use super::RulesError;

/// What a filing in `province` (GB/T 2260 code) requires for `subject`,
/// with bilingual guidance; unknown codes are an error.
#[uniffi::export]
pub fn requirements_for(province: u32, subject: SubjectType) -> Result<FilingRules, RulesError> {
    Ok(icp_companion_core::rules::requirements_for(
        province, subject,
    )?)
}
