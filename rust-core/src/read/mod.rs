//! Reading documents on the device: the ID card's, permits', passports' and
//! business licences' fields from recognised text (the core's recogniser or
//! the platform's), verified by their check characters, and judged against
//! the filing rules (valid long enough, the law's validity span, the
//! applicant's name). The fields are personal data: never logged.

mod credit_code;
mod date;
mod error;
mod fields;
mod id_number;
mod judge;
mod layout;
mod mrz;
#[cfg(feature = "ocr")]
pub mod ocr;

pub use date::CalendarDate;
pub use error::ReadError;
pub use fields::{
    read_fields, DocumentReading, DocumentSide, FieldKind, ReadField, ValidUntil, ValidityPeriod,
};
pub use id_number::masked as masked_id_number;
pub use judge::{
    has_validity, judge, masked_matches, validity_verdict, Expectations, ValidityVerdict,
};
pub use layout::TextLine;
pub use mrz::{Mrz, MrzFormat};

/// Where a document's recognised text comes from: the core's recogniser
/// (feature `ocr`) or the platform's (ML Kit, Apple Vision) through the
/// app; the capture session reads the fields of its still through it.
pub trait TextSource: Send + Sync + std::fmt::Debug {
    /// Every line of text on the `doc_type` document in `image`, boxes in
    /// its pixels.
    fn document_lines(
        &self,
        image: &image::DynamicImage,
        doc_type: crate::inspect::DocumentType,
    ) -> Result<Vec<TextLine>, ReadError>;
}

#[cfg(feature = "ocr")]
impl TextSource for ocr::TextRecogniser {
    fn document_lines(
        &self,
        image: &image::DynamicImage,
        doc_type: crate::inspect::DocumentType,
    ) -> Result<Vec<TextLine>, ReadError> {
        self.read_document(image, doc_type)
    }
}

/// Reads the fields of the `doc_type` document in `image` with the core's
/// recogniser: the text of the document found on its surface, straightened
/// (the whole photo when none stands out), then its fields.
#[cfg(feature = "ocr")]
pub fn read_photo(
    image: &image::DynamicImage,
    doc_type: crate::inspect::DocumentType,
    recogniser: &ocr::TextRecogniser,
) -> Result<DocumentReading, ReadError> {
    let lines = recogniser.read_document(image, doc_type)?;
    Ok(read_fields(doc_type, &lines))
}
