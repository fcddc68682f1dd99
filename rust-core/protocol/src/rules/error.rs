//! Why province rules cannot be given.

use crate::user_facing::UserFacing;

/// A refused rules query. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not the GB/T 2260 code of a provincial-level division.
    #[error("{province_code} is not a known province code.")]
    UnknownProvince {
        /// The GB/T 2260 code asked for.
        province_code: u32,
    },
    /// The embedded rules table does not load (a build defect).
    #[error("{}", crate::user_facing::INTERNAL_EN)]
    TableInvalid {
        /// What is wrong with it (for the report).
        detail: String,
    },
}

impl UserFacing for RulesError {
    fn code(&self) -> &'static str {
        match self {
            RulesError::UnknownProvince { .. } => "rules.unknown_province",
            RulesError::TableInvalid { .. } => "rules.table_invalid",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            RulesError::UnknownProvince { province_code } => {
                format!("{province_code} 不是已知的省级行政区代码。")
            }
            RulesError::TableInvalid { .. } => crate::user_facing::INTERNAL_ZH.into(),
        }
    }

    fn detail(&self) -> Option<String> {
        match self {
            RulesError::TableInvalid { detail } => Some(format!("province rules table: {detail}")),
            _ => None,
        }
    }

    fn is_internal(&self) -> bool {
        matches!(self, RulesError::TableInvalid { .. })
    }
}
