//! Face detection on the device: SeetaFace's frontal cascade (through
//! `rustface`, its model embedded in the library), thorough down to small
//! faces; and MediaPipe's BlazeFace CNN (run by `cnn`), about eight times
//! faster, for faces that fill a good part of the photo.

use std::sync::OnceLock;

use image::{DynamicImage, GrayImage, RgbImage};

use super::cnn;
use crate::imaging::{resize_luma, resize_rgb, PixelRect, Resample};
use rustface::{ImageData, Model};

/// The SeetaFace frontal model (BSD-2, see `rust-core/data/LICENSE-seetaface-model.txt`),
/// copied from the `rustface` crate by `rust-core/data/extract_seetaface_model.sh`.
const MODEL_BYTES: &[u8] = include_bytes!("../../data/seeta_fd_frontal_v1.0.bin");

/// The cascade's window: the smallest face it finds at the scale it is given.
const WINDOW_PX: f64 = 40.0;

/// A detected face, in the pixel coordinates of the image given.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FaceBox {
    /// Left edge, pixels.
    pub x: u32,
    /// Top edge, pixels.
    pub y: u32,
    /// Width, pixels.
    pub width: u32,
    /// Height, pixels.
    pub height: u32,
    /// Detector confidence: BlazeFace's probability (0.3–1) for faces it
    /// found, SeetaFace's cascade score (4 and up) for faces only SeetaFace's
    /// full search found; platform boxes carry the platform's own.
    pub score: f64,
}

/// How the detector searches; the defaults suit phone photos of one person.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

/// BlazeFace's probability at or above which a face is taken even when
/// SeetaFace does not confirm it (faces score 0.9 and up when sharp and
/// frontal, and still over 0.8 blurred; a cat's face scored 0.52).
const BLAZEFACE_SURE: f32 = 0.75;
/// BlazeFace's probability at or above which a face is taken when SeetaFace
/// confirms it (small faces score 0.3–0.5).
const BLAZEFACE_HINT: f32 = 0.3;
/// SeetaFace's box (brows to chin), which the photo rules are written for,
/// from BlazeFace's: moved by this share of its width (right, up) and this
/// many times smaller. The mean over the 62 faces of the development corpus
/// (seed 1) that both detectors found.
const BLAZEFACE_TO_SEETA: (f32, f32, f32) = (0.019, -0.064, 1.012);

/// Where SeetaFace confirms a BlazeFace box: a square crop this many box
/// widths wide around it, scaled so the box is this many pixels wide. First
/// tightly (the box fits the face, which then just exceeds the cascade's
/// 40 px window: quick), then widely for a face half the box's size
/// (BlazeFace boxes faces under about 60 px up to twice too large).
const REFINE: [(f32, f32); 2] = [(1.6, 46.0), (2.2, 98.0)];

/// A face detector; cheap to create (the model is parsed once per process).
pub struct FaceDetector {
    settings: FaceDetectorSettings,
}

impl FaceDetector {
    /// A detector with `settings`.
    pub fn new(settings: FaceDetectorSettings) -> FaceDetector {
        FaceDetector { settings }
    }

    /// Faces in `rgb`, largest first, several times faster than
    /// [`FaceDetector::detect`] for a photo of one person close to the
    /// camera: BlazeFace finds the faces, then SeetaFace measures each one
    /// within a small crop around it (BlazeFace's boxes are coarse on small
    /// faces). A sure BlazeFace face the cascade does not confirm keeps
    /// BlazeFace's box adjusted to SeetaFace's geometry; an unsure one is
    /// dropped. When no face is left, SeetaFace searches the whole image.
    pub fn detect_fast(&self, rgb: &RgbImage) -> Vec<FaceBox> {
        let found = match cnn::detect(rgb, BLAZEFACE_HINT) {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!("BlazeFace unavailable, using SeetaFace: {e}");
                Vec::new()
            }
        };
        let mut boxes: Vec<FaceBox> = found
            .iter()
            .filter_map(|d| {
                REFINE
                    .iter()
                    .find_map(|&crop| self.confirm(rgb, d, crop))
                    .or_else(|| (d.score >= BLAZEFACE_SURE).then(|| adjusted(rgb, d)))
            })
            .collect();
        if boxes.is_empty() {
            return self.detect(&DynamicImage::ImageRgb8(rgb.clone()).into_luma8());
        }
        boxes.sort_by_key(|b| std::cmp::Reverse(b.width * b.height));
        boxes
    }

    /// SeetaFace's box for a BlazeFace detection, searched in a crop of
    /// `share` box widths scaled so the box is `box_px` wide: the strongest
    /// face centred inside BlazeFace's box.
    fn confirm(
        &self,
        rgb: &RgbImage,
        d: &cnn::Detection,
        (share, box_px): (f32, f32),
    ) -> Option<FaceBox> {
        let (w, h) = rgb.dimensions();
        let (x, y, bw, bh) = d.rect;
        let (cx, cy, half) = (x + bw / 2.0, y + bh / 2.0, share / 2.0 * bw.max(bh));
        let (x0, y0) = ((cx - half).max(0.0) as u32, (cy - half).max(0.0) as u32);
        let (x1, y1) = (((cx + half) as u32).min(w), ((cy + half) as u32).min(h));
        if x1 <= x0 + 8 || y1 <= y0 + 8 || bw < 1.0 {
            return None;
        }
        let k = box_px / bw;
        let size = (
            (((x1 - x0) as f32 * k) as u32).max(1),
            (((y1 - y0) as f32 * k) as u32).max(1),
        );
        let crop = resize_rgb(
            rgb,
            Some(PixelRect::from_edges(x0, y0, x1, y1)),
            size,
            Resample::Linear,
        );
        self.detect(&DynamicImage::ImageRgb8(crop).into_luma8())
            .into_iter()
            .map(|f| FaceBox {
                x: x0 + (f.x as f32 / k) as u32,
                y: y0 + (f.y as f32 / k) as u32,
                width: (f.width as f32 / k) as u32,
                height: (f.height as f32 / k) as u32,
                score: f.score,
            })
            .filter(|f| {
                let (fx, fy) = (
                    f.x as f32 + f.width as f32 / 2.0,
                    f.y as f32 + f.height as f32 / 2.0,
                );
                (x..x + bw).contains(&fx) && (y..y + bh).contains(&fy)
            })
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .map(|f| FaceBox {
                score: d.score as f64,
                ..f
            })
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
            working = resize_luma(gray, (sw, sh), Resample::Linear);
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

/// BlazeFace's box moved and scaled to SeetaFace's geometry.
fn adjusted(rgb: &RgbImage, d: &cnn::Detection) -> FaceBox {
    let (w, h) = rgb.dimensions();
    let (x, y, bw, bh) = d.rect;
    let (dx, dy, shrink) = BLAZEFACE_TO_SEETA;
    let left = (x + dx * bw).clamp(0.0, w as f32) as u32;
    let top = (y + dy * bw).clamp(0.0, h as f32) as u32;
    FaceBox {
        x: left,
        y: top,
        width: ((bw / shrink) as u32).min(w - left),
        height: ((bh / shrink) as u32).min(h - top),
        score: d.score as f64,
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
