//! The photos an order collects: one slot per document kind, plus the
//! administrator photo, each with the kind of check its photo goes through.

use serde::{Deserialize, Serialize};

use crate::order::{AdminPhotoFlow, DocumentKind, Requirements};

/// A photo the order collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Slot {
    /// ID document of the subject's contact person.
    SubjectId,
    /// ID document of the website owner.
    OwnerId,
    /// Business licence or similar of the applying entity.
    SubjectLicence,
    /// The signed (and sealed) authenticity statement.
    AuthenticityStatement,
    /// Domain name certificate.
    DomainCertificate,
    /// The website administrator's verification photo.
    AdminPhoto,
}

/// Which check a slot's photo goes through before upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotCheck {
    /// `check_document` for this kind.
    Document(DocumentKind),
    /// `check_admin_photo` in this flow.
    AdminPhoto(AdminPhotoFlow),
}

impl Slot {
    /// The name used on the wire and in upload metadata.
    pub fn wire_name(self) -> &'static str {
        match self {
            Slot::SubjectId => "subject_id",
            Slot::OwnerId => "owner_id",
            Slot::SubjectLicence => "subject_licence",
            Slot::AuthenticityStatement => "authenticity_statement",
            Slot::DomainCertificate => "domain_certificate",
            Slot::AdminPhoto => "admin_photo",
        }
    }

    /// The document kind the slot holds (none for the administrator photo).
    pub fn document(self) -> Option<DocumentKind> {
        DocumentKind::ALL
            .into_iter()
            .find(|&kind| Slot::of_document(kind) == self)
    }

    /// The slot's name as the applicant reads it, in English.
    pub fn name_en(self) -> &'static str {
        self.document()
            .map_or("administrator photo", DocumentKind::name_en)
    }

    /// The slot's name as the applicant reads it, in Simplified Chinese.
    pub fn name_zh(self) -> &'static str {
        self.document()
            .map_or("网站负责人核验照片", DocumentKind::name_zh)
    }

    /// The slot named `name` on the wire.
    pub fn from_wire(name: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|s| s.wire_name() == name)
    }

    /// Every slot, in the order the app shows them.
    pub const ALL: [Slot; 6] = [
        Slot::SubjectId,
        Slot::OwnerId,
        Slot::SubjectLicence,
        Slot::AuthenticityStatement,
        Slot::DomainCertificate,
        Slot::AdminPhoto,
    ];

    /// The slot of a document kind.
    pub fn of_document(kind: DocumentKind) -> Slot {
        match kind {
            DocumentKind::SubjectId => Slot::SubjectId,
            DocumentKind::OwnerId => Slot::OwnerId,
            DocumentKind::SubjectLicence => Slot::SubjectLicence,
            DocumentKind::AuthenticityStatement => Slot::AuthenticityStatement,
            DocumentKind::DomainCertificate => Slot::DomainCertificate,
        }
    }

    /// The slots `requirements` ask for, each with its check, in show order.
    pub fn required_by(requirements: &Requirements) -> Vec<(Slot, SlotCheck)> {
        let mut slots: Vec<(Slot, SlotCheck)> = requirements
            .documents
            .iter()
            .map(|&kind| (Slot::of_document(kind), SlotCheck::Document(kind)))
            .collect();
        if requirements.admin_photo != AdminPhotoFlow::None {
            slots.push((
                Slot::AdminPhoto,
                SlotCheck::AdminPhoto(requirements.admin_photo),
            ));
        }
        slots.sort_by_key(|(slot, _)| *slot);
        slots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_requirements_map_to_slots() {
        for slot in Slot::ALL {
            assert_eq!(Slot::from_wire(slot.wire_name()), Some(slot));
            let json = serde_json::to_string(&slot).unwrap();
            assert_eq!(json, format!("\"{}\"", slot.wire_name()));
        }
        assert_eq!(Slot::from_wire("selfie"), None);
        let needs = Requirements {
            documents: vec![DocumentKind::SubjectLicence, DocumentKind::OwnerId],
            admin_photo: AdminPhotoFlow::Backdrop,
            in_region_verification: true,
        };
        assert_eq!(
            Slot::required_by(&needs),
            vec![
                (Slot::OwnerId, SlotCheck::Document(DocumentKind::OwnerId)),
                (
                    Slot::SubjectLicence,
                    SlotCheck::Document(DocumentKind::SubjectLicence)
                ),
                (
                    Slot::AdminPhoto,
                    SlotCheck::AdminPhoto(AdminPhotoFlow::Backdrop)
                ),
            ]
        );
    }
}
