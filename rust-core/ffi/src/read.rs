//! Reading documents: fields from the platform's recognised text (ML Kit,
//! Apple Vision) or the core's own recogniser, and the findings on them.

use icp_companion_core::inspect::{DocumentType, Finding};
use icp_companion_core::read::{
    CalendarDate, DocumentReading, Expectations, TextLine, ValidityVerdict,
};

/// The fields of a `doc_type` document in recognised `lines` (the
/// platform's text recogniser's lines with their boxes), check characters
/// and digits verified.
#[uniffi::export]
pub fn read_document_text(doc_type: DocumentType, lines: Vec<TextLine>) -> DocumentReading {
    icp_companion_core::read::read_fields(doc_type, &lines)
}

/// The findings on a reading: valid long enough (`document.validity`,
/// `document.expired`, `document.validity_short`,
/// `document.validity_unreadable`), the law's validity span, ID numbers,
/// credit codes and zones that do not verify, the applicant's name.
#[uniffi::export]
pub fn judge_document_reading(
    reading: DocumentReading,
    expectations: Expectations,
) -> Vec<Finding> {
    icp_companion_core::read::judge(&reading, &expectations)
}

/// Whether the document is valid on `today` with `min_validity_days` to
/// spare, expiring before then, expired, or unreadable.
#[uniffi::export]
pub fn document_validity_verdict(
    reading: DocumentReading,
    today: CalendarDate,
    min_validity_days: u32,
) -> ValidityVerdict {
    icp_companion_core::read::validity_verdict(&reading, today, min_validity_days)
}

/// Today's date in China (UTC+8) by the device's clock.
#[uniffi::export]
pub fn today_in_china() -> CalendarDate {
    CalendarDate::today_in_china()
}

#[cfg(feature = "ocr")]
pub use recogniser::DocumentReader;

#[cfg(feature = "ocr")]
mod recogniser {
    use std::sync::Arc;

    use icp_companion_core::imaging::decode_image;
    use icp_companion_core::inspect::DocumentType;
    use icp_companion_core::read::ocr::TextRecogniser;
    use icp_companion_core::read::{DocumentReading, ReadError};

    use super::super::blocking::off_thread;
    use super::super::DocumentReadError;

    /// The core's own text recogniser, loaded from the PP-OCR model assets
    /// the app bundles (`ch_PP-OCRv4_det_infer.onnx`,
    /// `ch_PP-OCRv4_rec_infer.onnx`); load it once and keep it.
    #[derive(uniffi::Object)]
    pub struct DocumentReader {
        recogniser: TextRecogniser,
    }

    #[uniffi::export(async_runtime = "tokio")]
    impl DocumentReader {
        /// Loads the detection and recognition models from their bytes.
        #[uniffi::constructor]
        pub fn new(
            detection_model: Vec<u8>,
            recognition_model: Vec<u8>,
        ) -> Result<Arc<DocumentReader>, DocumentReadError> {
            let recogniser = TextRecogniser::load(detection_model, recognition_model)?;
            Ok(Arc::new(DocumentReader { recogniser }))
        }

        /// Reads the fields of the `doc_type` document in a photo (JPEG,
        /// PNG, GIF or WebP bytes), off the caller's thread.
        pub async fn read_photo(
            self: Arc<Self>,
            bytes: Vec<u8>,
            doc_type: DocumentType,
        ) -> Result<DocumentReading, DocumentReadError> {
            off_thread(move || -> Result<_, ReadError> {
                let image = decode_image(&bytes)?;
                icp_companion_core::read::read_photo(&image, doc_type, &self.recogniser)
            })
            .await
        }
    }
}
