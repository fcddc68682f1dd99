//! Face detection on the device: SeetaFace's frontal cascade (through
//! `rustface`, its model embedded in the library), thorough down to small
//! faces; and MediaPipe's BlazeFace CNN (run by `cnn`), about eight times
//! faster, for faces that fill a good part of the photo.

use std::sync::OnceLock;

use image::imageops::{self, FilterType};
use image::{DynamicImage, GrayImage, RgbImage};

use super::cnn;
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
    /// Detector confidence: SeetaFace's cascade score (4 and up kept), or
    /// BlazeFace's probability (0.5–1).
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

/// BlazeFace's probability at or above which a face is taken.
const BLAZEFACE_MIN_PROBABILITY: f32 = 0.5;
/// SeetaFace's box (brows to chin), which the photo rules are written for,
/// from BlazeFace's: moved by this share of its width (right, up) and this
/// many times smaller. The mean over the 62 faces of the development corpus
/// (seed 1) that both detectors found.
const BLAZEFACE_TO_SEETA: (f32, f32, f32) = (0.019, -0.064, 1.012);

/// The size BlazeFace's box is scaled to before SeetaFace measures the face
/// in it, pixels: 52 when the box is large (it then fits the face, which
/// still meets the cascade's 40 px window), 80 when it is small (BlazeFace
/// boxes small faces up to twice too large).
const REFINE_FACE_PX: (f32, f32) = (52.0, 80.0);
/// Below this width (pixels of the image searched) a BlazeFace box is small.
const SMALL_BOX_PX: f32 = 64.0;

/// Intersection over union of two boxes.
fn overlap(a: &FaceBox, b: &FaceBox) -> f64 {
    let ix = ((a.x + a.width).min(b.x + b.width) as f64 - a.x.max(b.x) as f64).max(0.0);
    let iy = ((a.y + a.height).min(b.y + b.height) as f64 - a.y.max(b.y) as f64).max(0.0);
    let inter = ix * iy;
    let union = (a.width * a.height + b.width * b.height) as f64 - inter;
    if union <= 0.0 {
        0.0
    } else {
        inter / union
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

    /// Faces in `rgb`, largest first, about eight times faster than
    /// [`FaceDetector::detect`] for a photo of one person close to the
    /// camera: BlazeFace finds the faces, then SeetaFace measures each one
    /// within a small crop around it (BlazeFace's boxes are coarse on small
    /// faces), BlazeFace's box adjusted to SeetaFace's geometry when the
    /// cascade does not confirm it. When BlazeFace finds nothing (faces small
    /// in the photo, which it misses), SeetaFace searches the whole image.
    pub fn detect_fast(&self, rgb: &RgbImage) -> Vec<FaceBox> {
        let found = match cnn::detect(rgb, BLAZEFACE_MIN_PROBABILITY) {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!("BlazeFace unavailable, using SeetaFace: {e}");
                Vec::new()
            }
        };
        if found.is_empty() {
            return self.detect(&DynamicImage::ImageRgb8(rgb.clone()).into_luma8());
        }
        let mut boxes: Vec<FaceBox> = found.iter().map(|d| self.refine(rgb, d)).collect();
        boxes.sort_by_key(|b| std::cmp::Reverse(b.width * b.height));
        boxes
    }

    /// SeetaFace's box for a BlazeFace detection: searched in a crop of 2.2
    /// box widths around it, scaled by [`REFINE_FACE_PX`].
    fn refine(&self, rgb: &RgbImage, d: &cnn::Detection) -> FaceBox {
        let (w, h) = rgb.dimensions();
        let (x, y, bw, bh) = d.rect;
        let (dx, dy, shrink) = BLAZEFACE_TO_SEETA;
        let left = (x + dx * bw).clamp(0.0, w as f32) as u32;
        let top = (y + dy * bw).clamp(0.0, h as f32) as u32;
        let adjusted = FaceBox {
            x: left,
            y: top,
            width: ((bw / shrink) as u32).min(w - left),
            height: ((bh / shrink) as u32).min(h - top),
            score: d.score as f64,
        };
        let (cx, cy, half) = (x + bw / 2.0, y + bh / 2.0, 1.1 * bw.max(bh));
        let (x0, y0) = ((cx - half).max(0.0) as u32, (cy - half).max(0.0) as u32);
        let (x1, y1) = (((cx + half) as u32).min(w), ((cy + half) as u32).min(h));
        if x1 <= x0 + 8 || y1 <= y0 + 8 || bw < 1.0 {
            return adjusted;
        }
        let target = if bw < SMALL_BOX_PX {
            REFINE_FACE_PX.1
        } else {
            REFINE_FACE_PX.0
        };
        let k = target / bw;
        let (cw, ch) = (
            (((x1 - x0) as f32 * k) as u32).max(1),
            (((y1 - y0) as f32 * k) as u32).max(1),
        );
        let crop = imageops::crop_imm(rgb, x0, y0, x1 - x0, y1 - y0).to_image();
        let gray = DynamicImage::ImageRgb8(imageops::resize(&crop, cw, ch, FilterType::Triangle))
            .into_luma8();
        let back = |f: &FaceBox| FaceBox {
            x: x0 + (f.x as f32 / k) as u32,
            y: y0 + (f.y as f32 / k) as u32,
            width: (f.width as f32 / k) as u32,
            height: (f.height as f32 / k) as u32,
            score: d.score as f64,
        };
        self.detect(&gray)
            .iter()
            .map(back)
            .filter(|f| overlap(f, &adjusted) > 0.2)
            .max_by(|a, b| overlap(a, &adjusted).total_cmp(&overlap(b, &adjusted)))
            .unwrap_or(adjusted)
    }

    /// Every face SeetaFace finds in `gray`, largest first.
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
