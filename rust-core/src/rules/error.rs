//! Why province rules cannot be given.

use crate::user_facing::UserFacing;

/// A refused rules query. Each variant has a stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not the GB/T 2260 code of a provincial-level division.
    #[error("{0} is not a known province code.")]
    UnknownProvince(u32),
    /// The embedded rules table does not load (a build defect).
    #[error("The province rules table is invalid: {0}.")]
    TableInvalid(String),
}

impl UserFacing for RulesError {
    fn code(&self) -> &'static str {
        match self {
            RulesError::UnknownProvince(_) => "rules.unknown_province",
            RulesError::TableInvalid(_) => "rules.table_invalid",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            RulesError::UnknownProvince(code) => format!("{code} 不是已知的省级行政区代码。"),
            RulesError::TableInvalid(why) => format!("省份规则表无效：{why}。"),
        }
    }
}
