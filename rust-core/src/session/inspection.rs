//! Which on-device check a slot's photo goes through, with everything the
//! check needs (the document type, the marks the province requires).

use crate::inspect::{DocumentType, PhotoFlow, RequiredMarks};
use crate::order::{AdminPhotoFlow, DocumentKind};
use crate::rules::StatementMark;
use crate::session::SlotCheck;

/// What a slot's photo is checked as, with everything the checks need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inspection {
    /// `check_document` for this type, requiring these marks.
    Document {
        /// The document's type (ID documents are checked as ID cards).
        kind: DocumentType,
        /// The seal or fingerprint it must carry.
        marks: RequiredMarks,
    },
    /// `check_admin_photo` in this flow.
    AdminPhoto(PhotoFlow),
}

/// The inspection of `check`; the authenticity statement needs the
/// province's `mark` (official seal or fingerprint).
pub fn inspection(check: SlotCheck, mark: StatementMark) -> Inspection {
    let none = RequiredMarks {
        seal: false,
        fingerprint: false,
    };
    match check {
        SlotCheck::Document(kind) => {
            let (kind, marks) = match kind {
                DocumentKind::SubjectId | DocumentKind::OwnerId => (DocumentType::IdCard, none),
                DocumentKind::SubjectLicence => (DocumentType::BusinessLicence, none),
                DocumentKind::DomainCertificate => (DocumentType::DomainCertificate, none),
                DocumentKind::AuthenticityStatement => (
                    DocumentType::AuthenticityStatement,
                    RequiredMarks {
                        seal: mark == StatementMark::OfficialSeal,
                        fingerprint: mark == StatementMark::Fingerprint,
                    },
                ),
            };
            Inspection::Document { kind, marks }
        }
        SlotCheck::AdminPhoto(AdminPhotoFlow::App) => Inspection::AdminPhoto(PhotoFlow::App),
        SlotCheck::AdminPhoto(AdminPhotoFlow::Backdrop | AdminPhotoFlow::None) => {
            Inspection::AdminPhoto(PhotoFlow::Backdrop)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_need_the_provinces_mark_and_the_app_flow_is_kept() {
        let statement = SlotCheck::Document(DocumentKind::AuthenticityStatement);
        assert_eq!(
            inspection(statement, StatementMark::Fingerprint),
            Inspection::Document {
                kind: DocumentType::AuthenticityStatement,
                marks: RequiredMarks {
                    seal: false,
                    fingerprint: true
                }
            }
        );
        assert_eq!(
            inspection(
                SlotCheck::AdminPhoto(AdminPhotoFlow::App),
                StatementMark::Signature
            ),
            Inspection::AdminPhoto(PhotoFlow::App)
        );
    }
}
