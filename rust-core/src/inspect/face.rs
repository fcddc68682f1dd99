//! Face detection on the device with SeetaFace's frontal cascade (through
//! `rustface`), its model embedded in the library.

use std::sync::OnceLock;

use image::GrayImage;
use rustface::{ImageData, Model};

/// The SeetaFace frontal model (BSD-2, see `rust-core/data/LICENSE-seetaface-model.txt`),
/// copied from the `rustface` package by `build.rs`.
const MODEL_BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/seeta_fd_frontal_v1.0.bin"));

/// The cascade's window: the smallest face it finds at the scale it is given.
const WINDOW_PX: f64 = 40.0;

/// A detected face, in the pixel coordinates of the image given.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FaceBox {
    /// Left edge, pixels.
    pub x: u32,
    /// Top edge, pixels.
    pub y: u32,
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Detector confidence (SeetaFace score; higher is surer).
    pub score: f64,
}

/// How the detector searches; the defaults suit phone photos of one person.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct FaceDetectorSettings {
    /// Images are searched at most this many pixels on the long side
    /// (larger ones are scaled down first, boxes scaled back). Default 640.
    pub working_side_px: u32,
    /// Smallest face searched, in working pixels: the image is scaled so
    /// that this size meets the cascade's 40 px window, its smallest face
    /// (rustface always starts its pyramid at that window). Default 40
    /// (6.25 % of the working side): smaller faces are background people,
    /// not the subject, and searching for them costs most of the time. At
    /// least 20 (the image is then enlarged).
    pub min_face_px: u32,
    /// Detections below this score are dropped. Default 4.0: rustface's
    /// own default of 2.0 lets patterned clothing through as faces (scores
    /// 2–3 seen on the astronaut's suit), while frontal faces in the test
    /// photos score 4.8–33.
    pub min_score: f64,
}

impl Default for FaceDetectorSettings {
    fn default() -> Self {
        FaceDetectorSettings {
            working_side_px: 640,
            min_face_px: 40,
            min_score: 4.0,
        }
    }
}

/// A face detector; cheap to create (the model is parsed once per process).
pub struct FaceDetector {
    settings: FaceDetectorSettings,
}

impl FaceDetector {
    /// A detector with `settings`.
    pub fn new(settings: FaceDetectorSettings) -> FaceDetector {
        FaceDetector { settings }
    }

    /// Every face found in `gray`, largest first.
    pub fn detect(&self, gray: &GrayImage) -> Vec<FaceBox> {
        let (w, h) = gray.dimensions();
        if w == 0 || h == 0 {
            return Vec::new();
        }
        let long = w.max(h);
        let scale = (self.settings.working_side_px.max(64) as f64 / long as f64).min(1.0)
            * (WINDOW_PX / self.settings.min_face_px.max(20) as f64);
        let working;
        let img = if scale != 1.0 {
            let (sw, sh) = (
                ((w as f64 * scale).round() as u32).max(1),
                ((h as f64 * scale).round() as u32).max(1),
            );
            working = image::imageops::resize(gray, sw, sh, image::imageops::FilterType::Triangle);
            &working
        } else {
            gray
        };
        let mut detector = rustface::create_detector_with_model(model().clone());
        detector.set_score_thresh(self.settings.min_score);
        detector.set_pyramid_scale_factor(0.8);
        detector.set_slide_window_step(4, 4);
        let faces = detector.detect(&ImageData::new(img.as_raw(), img.width(), img.height()));
        let mut boxes: Vec<FaceBox> = faces
            .iter()
            .map(|f| {
                let b = f.bbox();
                let back = |v: f64| (v / scale).round().max(0.0);
                let (x, y) = (back(b.x() as f64), back(b.y() as f64));
                FaceBox {
                    x: x as u32,
                    y: y as u32,
                    width: (back(b.width() as f64) as u32).min(w.saturating_sub(x as u32)),
                    height: (back(b.height() as f64) as u32).min(h.saturating_sub(y as u32)),
                    score: f.score(),
                }
            })
            .collect();
        boxes.sort_by_key(|b| std::cmp::Reverse(b.width * b.height));
        boxes
    }
}

/// The embedded model, parsed on first use.
fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        rustface::read_model(MODEL_BYTES)
            .expect("the embedded SeetaFace model parses (checked by tests)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_model_parses_and_blank_images_have_no_faces() {
        let detector = FaceDetector::new(FaceDetectorSettings::default());
        assert!(detector
            .detect(&GrayImage::from_pixel(320, 240, image::Luma([128])))
            .is_empty());
        assert!(detector.detect(&GrayImage::new(0, 0)).is_empty());
        assert!(detector.detect(&GrayImage::new(5, 3)).is_empty());
    }
}
