//! The core's own text recogniser (feature `ocr`): PP-OCRv4 mobile text
//! detection and recognition (Apache-2.0, from the PyPI wheel
//! `rapidocr-onnxruntime` 1.4.4, extracted by `rust-core/data/extract_ppocr_models.sh`)
//! run by rten, a pure-Rust ONNX runtime. The models (15.6 MB) are assets the
//! app loads from its bundle: they are not inside the library.

mod detect;
mod period;
mod recognise;
mod rectify;
mod zone;

use std::path::Path;

use image::{DynamicImage, GenericImageView, RgbImage};
use rten::Model;

use super::ReadError;

use super::fields::holds_no_field;
use super::layout::TextLine;
use crate::imaging::PixelRect;
use crate::inspect::DocumentType;
use rectify::Rectified;

/// File names of the two models inside a models folder.
pub const DETECTION_MODEL: &str = "ch_PP-OCRv4_det_infer.onnx";
/// See [`DETECTION_MODEL`].
pub const RECOGNITION_MODEL: &str = "ch_PP-OCRv4_rec_infer.onnx";

/// Loaded detection and recognition models, with the recogniser's
/// character list (read from the recognition model's metadata).
pub struct TextRecogniser {
    detector: Model,
    recogniser: Model,
    charset: Vec<char>,
}

impl std::fmt::Debug for TextRecogniser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextRecogniser")
            .field("characters", &self.charset.len())
            .finish()
    }
}

impl TextRecogniser {
    /// Loads both models from `folder` (as extracted by the project's script).
    pub fn load_folder(folder: &Path) -> Result<TextRecogniser, ReadError> {
        let read = |name: &str| {
            let path = folder.join(name);
            std::fs::read(&path).map_err(|e| ReadError::ModelMissing {
                path: path.display().to_string(),
                detail: e.to_string(),
            })
        };
        TextRecogniser::load(read(DETECTION_MODEL)?, read(RECOGNITION_MODEL)?)
    }

    /// Loads the models from their bytes (an app's bundled assets).
    pub fn load(detection: Vec<u8>, recognition: Vec<u8>) -> Result<TextRecogniser, ReadError> {
        let invalid = |which: &str, e: rten::LoadError| ReadError::ModelInvalid {
            detail: format!("{which}: {e}"),
        };
        let detector = Model::load(detection).map_err(|e| invalid("detection", e))?;
        let recogniser = Model::load(recognition).map_err(|e| invalid("recognition", e))?;
        let charset = recognise::charset(&recogniser)?;
        Ok(TextRecogniser {
            detector,
            recogniser,
            charset,
        })
    }

    /// Every line of text in `image`, with its box (in `image`'s pixels)
    /// and the recogniser's confidence.
    pub fn read_lines(&self, image: &DynamicImage) -> Result<Vec<TextLine>, ReadError> {
        self.read_rgb(&image.to_rgb8(), detect::DETECTION_SIDE, None)
    }

    /// The lines of the `doc_type` document in `image`, boxes in `image`'s
    /// pixels: read off the document straightened when the photo checks
    /// find its corners (a card photographed at an angle), off the whole
    /// photo otherwise; a `doc_type` with large print is detected at a
    /// lower resolution.
    pub fn read_document(
        &self,
        image: &DynamicImage,
        doc_type: DocumentType,
    ) -> Result<Vec<TextLine>, ReadError> {
        let (side, max_width) = match doc_type {
            DocumentType::IdCard => (detect::ID_CARD_DETECTION_SIDE, ID_CARD_WIDTH),
            DocumentType::BusinessLicence => (detect::DETECTION_SIDE, SHEET_WIDTH),
            DocumentType::Passport => (detect::PASSPORT_DETECTION_SIDE, CARD_WIDTH),
            _ => (detect::DETECTION_SIDE, CARD_WIDTH),
        };
        let rectified = crate::inspect::document_corners(image)
            .and_then(|corners| Rectified::new(image, corners, max_width));
        let Some(rectified) = rectified else {
            return self.read_rgb(&image.to_rgb8(), side, Some(doc_type));
        };
        let mut lines = self.read_rgb(&rectified.image, side, Some(doc_type))?;
        for line in &mut lines {
            line.region = rectified.box_in_photo(line.region, image.dimensions());
        }
        Ok(lines)
    }

    /// The lines of `rgb`, detected at `side` pixels along its long side,
    /// in reading order. A document with a machine-readable zone has its
    /// long lines (the zone's among them, and a printed period) read first:
    /// when the zone verifies, the rest (labels, names) holds nothing more
    /// and is not read. Otherwise lines are read from the shortest (labels,
    /// short values) to the longest, those that can hold no field of a
    /// known `doc_type` skipped (see [`holds_no_field`]).
    fn read_rgb(
        &self,
        rgb: &RgbImage,
        side: u32,
        doc_type: Option<DocumentType>,
    ) -> Result<Vec<TextLine>, ReadError> {
        let boxes = detect::text_boxes(&self.detector, rgb, side)?;
        let aspect = |i: usize| boxes[i].width * 16 / boxes[i].height.max(1);
        let mut order: Vec<usize> = (0..boxes.len()).collect();
        order.sort_by_key(|&i| aspect(i));
        let mut read: Vec<(usize, TextLine)> = Vec::with_capacity(boxes.len());
        let zoned = matches!(
            doc_type,
            Some(DocumentType::Passport | DocumentType::HkMacaoPermit | DocumentType::TaiwanPermit)
        );
        let mut zone_tried = false;
        if zoned {
            let long: Vec<usize> = order
                .iter()
                .copied()
                .filter(|&i| aspect(i) >= 16 * LONG_LINE)
                .collect();
            self.read_boxes(rgb, &boxes, &long, None, &mut read)?;
            let mut lines = in_reading_order(&read);
            if zone::reread(&self.recogniser, &self.charset, rgb, &mut lines)? {
                period::reread(&self.recogniser, &self.charset, rgb, &mut lines)?;
                return Ok(lines);
            }
            zone_tried = true;
            order.retain(|i| !long.contains(i));
        }
        self.read_boxes(rgb, &boxes, &order, doc_type, &mut read)?;
        let mut lines = in_reading_order(&read);
        // The zone's lines are long: already tried when read first.
        const { assert!(LONG_LINE <= zone::MIN_ASPECT) };
        if !zone_tried {
            zone::reread(&self.recogniser, &self.charset, rgb, &mut lines)?;
        }
        period::reread(&self.recogniser, &self.charset, rgb, &mut lines)?;
        Ok(lines)
    }

    /// Recognises `boxes[i]` for each `i` of `order` into `read` (with `i`),
    /// but those that can hold no field of `doc_type` given what is read.
    fn read_boxes(
        &self,
        rgb: &RgbImage,
        boxes: &[PixelRect],
        order: &[usize],
        doc_type: Option<DocumentType>,
        read: &mut Vec<(usize, TextLine)>,
    ) -> Result<(), ReadError> {
        for &i in order {
            let region = boxes[i];
            let so_far = read.iter().map(|r| &r.1);
            if doc_type.is_some_and(|kind| holds_no_field(kind, so_far, region)) {
                continue;
            }
            let (text, confidence) =
                recognise::read_box(&self.recogniser, &self.charset, rgb, region)?;
            if !text.trim().is_empty() && confidence >= MIN_LINE_CONFIDENCE {
                let line = TextLine {
                    text,
                    confidence,
                    region,
                };
                read.push((i, line));
            }
        }
        Ok(())
    }
}

/// Lines read first on a document with a zone are at least this many times
/// as wide as they are tall: the zone's (8 and more) and a printed period's.
const LONG_LINE: u32 = 5;

/// The lines of `read` in the detector's reading order (top to bottom).
fn in_reading_order(read: &[(usize, TextLine)]) -> Vec<TextLine> {
    let mut sorted: Vec<&(usize, TextLine)> = read.iter().collect();
    sorted.sort_by_key(|r| r.0);
    sorted.into_iter().map(|r| r.1.clone()).collect()
}

/// Widest a card (ID card, permit, passport page) is straightened to: its
/// smallest print stays well above the recogniser's 48-pixel line height
/// at the detection's scale, and larger costs time for nothing.
const CARD_WIDTH: u32 = 1600;
/// The same for the resident ID card, whose smallest print is larger.
const ID_CARD_WIDTH: u32 = 1200;
/// The same for a business licence (a sheet with smaller print).
const SHEET_WIDTH: u32 = 2400;

/// Writes `image` into planar model input `data` (three planes of `stride`
/// × image height values): BGR, as PaddleOCR's models were trained on
/// OpenCV's images, scaled from 0–255 to [-1, 1]; columns past the image's
/// width are left as they are (padding).
fn write_planes(data: &mut [f32], stride: u32, image: &image::RgbImage) {
    let plane = (stride * image.height()) as usize;
    for (x, y, p) in image.enumerate_pixels() {
        let i = (y * stride + x) as usize;
        for (c, channel) in [2usize, 1, 0].into_iter().enumerate() {
            data[c * plane + i] = f32::from(p[channel]) / 127.5 - 1.0;
        }
    }
}

/// Lines recognised with less confidence are dropped (PP-OCR's own
/// `text_score` default).
const MIN_LINE_CONFIDENCE: f32 = 0.5;
