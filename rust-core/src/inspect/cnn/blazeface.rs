//! BlazeFace (MediaPipe's short-range face detector, Apache-2.0; model file
//! in `rust-core/data/`, its notice beside it): a 128 × 128 CNN run by the
//! graph runtime here, its 896 anchor boxes decoded and merged.

use std::sync::OnceLock;

use image::{Rgb, RgbImage};

use crate::imaging::{resize_rgb, Resample};

use super::graph::{Graph, ModelError};

/// The model file, from the PyPI wheel `mediapipe` 0.10.14.
const MODEL: &[u8] = include_bytes!("../../../data/face_detection_short_range.tflite");
/// Input side, pixels.
const SIDE: u32 = 128;
/// Boxes overlapping more than this (intersection over union) are one face.
const MERGE_IOU: f32 = 0.3;

/// A face found by BlazeFace, in the pixel coordinates of the image given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    /// Left, top, width, height.
    pub rect: (f32, f32, f32, f32),
    /// Confidence, 0–1.
    pub score: f32,
}

/// The parsed model, once per process.
fn graph() -> Result<&'static Graph, ModelError> {
    static GRAPH: OnceLock<Result<Graph, ModelError>> = OnceLock::new();
    Graph::load_once(&GRAPH, MODEL)
}

/// Anchor centres (0–1) in the model's output order: a 16 × 16 grid with 2
/// anchors per cell, then an 8 × 8 grid with 6.
fn anchors() -> &'static [(f32, f32)] {
    static ANCHORS: OnceLock<Vec<(f32, f32)>> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let mut out = Vec::with_capacity(896);
        for (grid, per_cell) in [(16usize, 2usize), (8, 6)] {
            for y in 0..grid {
                for x in 0..grid {
                    let centre = (
                        (x as f32 + 0.5) / grid as f32,
                        (y as f32 + 0.5) / grid as f32,
                    );
                    out.extend(std::iter::repeat_n(centre, per_cell));
                }
            }
        }
        out
    })
}

/// Faces in `rgb` scoring at least `min_score`, strongest first.
pub fn detect(rgb: &RgbImage, min_score: f32) -> Result<Vec<Detection>, ModelError> {
    let graph = graph()?;
    let (w, h) = rgb.dimensions();
    if w == 0 || h == 0 {
        return Ok(Vec::new());
    }
    // Letterbox: the long side to 128, centred, the rest black.
    let scale = SIDE as f32 / w.max(h) as f32;
    let (sw, sh) = (
        ((w as f32 * scale).round() as u32).clamp(1, SIDE),
        ((h as f32 * scale).round() as u32).clamp(1, SIDE),
    );
    let small = resize_rgb(rgb, None, (sw, sh), Resample::Area);
    let (ox, oy) = ((SIDE - sw) / 2, (SIDE - sh) / 2);
    let mut input = vec![-1.0f32; (SIDE * SIDE * 3) as usize];
    for (x, y, Rgb(p)) in small.enumerate_pixels() {
        let at = (((y + oy) * SIDE + x + ox) * 3) as usize;
        for c in 0..3 {
            input[at + c] = p[c] as f32 / 127.5 - 1.0;
        }
    }
    let outputs = graph.run(input);
    let [boxes, scores] = &outputs[..] else {
        return Err(ModelError::Unsupported("expected two outputs".into()));
    };
    let side = SIDE as f32;
    let mut found: Vec<Detection> = anchors()
        .iter()
        .enumerate()
        .filter_map(|(i, &(ax, ay))| {
            let score = 1.0 / (1.0 + (-scores.data[i].clamp(-100.0, 100.0)).exp());
            if score < min_score {
                return None;
            }
            let r = &boxes.data[i * 16..i * 16 + 4];
            let (cx, cy) = (ax * side + r[0], ay * side + r[1]);
            let (bw, bh) = (r[2], r[3]);
            // Back from the letterboxed input to the image's pixels.
            let to_image = |v: f32, offset: u32| (v - offset as f32) / scale;
            Some(Detection {
                rect: (
                    to_image(cx - bw / 2.0, ox),
                    to_image(cy - bh / 2.0, oy),
                    bw / scale,
                    bh / scale,
                ),
                score,
            })
        })
        .collect();
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok(merge(found))
}

/// Weighted non-maximum suppression: overlapping boxes become their
/// score-weighted mean, with the best score.
fn merge(sorted: Vec<Detection>) -> Vec<Detection> {
    let mut left = sorted;
    let mut out = Vec::new();
    while let Some(best) = left.first().copied() {
        let (same, rest): (Vec<Detection>, Vec<Detection>) = left
            .into_iter()
            .partition(|d| iou(d.rect, best.rect) > MERGE_IOU);
        let total: f32 = same.iter().map(|d| d.score).sum();
        let mean =
            |f: fn(&Detection) -> f32| same.iter().map(|d| f(d) * d.score).sum::<f32>() / total;
        out.push(Detection {
            rect: (
                mean(|d| d.rect.0),
                mean(|d| d.rect.1),
                mean(|d| d.rect.2),
                mean(|d| d.rect.3),
            ),
            score: best.score,
        });
        left = rest;
    }
    out
}

fn iou(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> f32 {
    let ix = ((a.0 + a.2).min(b.0 + b.2) - a.0.max(b.0)).max(0.0);
    let iy = ((a.1 + a.3).min(b.1 + b.3) - a.1.max(b.1)).max(0.0);
    let inter = ix * iy;
    inter / (a.2 * a.3 + b.2 * b.3 - inter).max(f32::EPSILON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_loads_and_a_blank_image_has_no_face() {
        let g = graph().expect("the shipped model loads");
        assert_eq!(g.input_shape(), &[1, 128, 128, 3]);
        assert_eq!(anchors().len(), 896);
        assert!(
            detect(&RgbImage::from_pixel(320, 240, Rgb([128, 128, 128])), 0.5)
                .unwrap()
                .is_empty()
        );
        assert!(detect(&RgbImage::new(0, 0), 0.5).unwrap().is_empty());
    }

    #[test]
    fn overlapping_boxes_merge() {
        let d = |x: f32, s: f32| Detection {
            rect: (x, 0.0, 10.0, 10.0),
            score: s,
        };
        let merged = merge(vec![d(0.0, 0.9), d(1.0, 0.9), d(50.0, 0.8)]);
        assert_eq!(merged.len(), 2);
        assert!((merged[0].rect.0 - 0.5).abs() < 1e-6);
    }
}
