//! Text detection: PP-OCR's differentiable-binarisation model gives each
//! pixel a probability of lying in text; its connected regions, scored and
//! grown back by the shrink the model was trained with, are the lines.

use image::{GrayImage, Luma, RgbImage};
use imageproc::region_labelling::{connected_components, Connectivity};
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use crate::imaging::{resize_rgb, PixelRect, Resample};
use crate::read::ReadError;

/// Long side a photo is detected at (a multiple of 32): a card filling the
/// frame keeps 2 mm print about 14 px tall.
pub const DETECTION_SIDE: u32 = 960;
/// The same for the resident ID card, whose smallest field print is larger
/// (3 mm): as accurate in the evaluation and a third faster.
pub const ID_CARD_DETECTION_SIDE: u32 = 544;
/// The same for the passport's data page, larger than a card: as accurate
/// in the evaluation and a fifth faster (the permits' smaller zone is not).
pub const PASSPORT_DETECTION_SIDE: u32 = 736;
/// A pixel is text above this probability (PP-OCR's `thresh`).
const PIXEL_THRESHOLD: f32 = 0.3;
/// A region is a line when its mean probability reaches this (`box_thresh`).
const BOX_THRESHOLD: f32 = 0.5;
/// How far a region is grown back: area × ratio / perimeter (`unclip_ratio`).
const UNCLIP_RATIO: f32 = 1.6;
/// Regions with a side under this many detection pixels are noise.
const MIN_SIDE: u32 = 3;
/// At most this many lines are kept (the largest), bounding the
/// recognition time of a page of small print.
pub const MAX_LINES: usize = 120;

/// The photo as the model takes it (planes as `write_planes` writes them),
/// sides multiples of 32, and the factors back to the photo's pixels
/// (across and down: rounding to 32 changes them apart).
pub fn model_input(rgb: &RgbImage, side: u32) -> (NdTensor<f32, 4>, (f32, f32)) {
    let (w, h) = rgb.dimensions();
    let scale = (side as f32 / w.max(h) as f32).min(1.0);
    let round = |v: u32| ((v as f32 * scale / 32.0).round() as u32).max(1) * 32;
    let (dw, dh) = (round(w), round(h));
    let small = resize_rgb(rgb, None, (dw, dh), Resample::Linear);
    let mut data = vec![0f32; 3 * (dw * dh) as usize];
    super::write_planes(&mut data, dw, &small);
    let tensor = NdTensor::from_data([1, 3, dh as usize, dw as usize], data);
    (tensor, (w as f32 / dw as f32, h as f32 / dh as f32))
}

/// The boxes of the text lines in `rgb` (detected at `side` pixels along its
/// long side), in its pixels, top to bottom.
pub fn text_boxes(model: &Model, rgb: &RgbImage, side: u32) -> Result<Vec<PixelRect>, ReadError> {
    let (input, back) = model_input(rgb, side);
    let output = model
        .run_one(input.view().into(), None)
        .map_err(ReadError::run)?;
    let probs: NdTensor<f32, 4> = output.try_into().map_err(ReadError::run)?;
    let [_, _, h, w] = probs.shape();
    let probs = probs.to_vec();
    let mut mask = GrayImage::new(w as u32, h as u32);
    for (i, &p) in probs.iter().enumerate() {
        if p > PIXEL_THRESHOLD {
            mask.put_pixel((i % w) as u32, (i / w) as u32, Luma([255]));
        }
    }
    let mask = imageproc::morphology::dilate(&mask, imageproc::distance_transform::Norm::LInf, 1);
    let labels = connected_components(&mask, Connectivity::Eight, Luma([0]));
    let count = labels.pixels().map(|p| p[0]).max().unwrap_or(0) as usize;
    // Per region: bounds and the sum of probabilities.
    let mut regions = vec![(u32::MAX, u32::MAX, 0u32, 0u32, 0f32, 0u32); count + 1];
    for (x, y, label) in labels.enumerate_pixels() {
        let l = label[0] as usize;
        if l == 0 {
            continue;
        }
        let r = &mut regions[l];
        r.0 = r.0.min(x);
        r.1 = r.1.min(y);
        r.2 = r.2.max(x + 1);
        r.3 = r.3.max(y + 1);
        r.4 += probs[y as usize * w + x as usize];
        r.5 += 1;
    }
    let (iw, ih) = rgb.dimensions();
    let mut boxes: Vec<(f32, PixelRect)> = regions
        .into_iter()
        .skip(1)
        .filter(|r| r.5 > 0 && r.2 - r.0 >= MIN_SIDE && r.3 - r.1 >= MIN_SIDE)
        .filter(|r| r.4 / r.5 as f32 >= BOX_THRESHOLD)
        .map(|(x0, y0, x1, y1, _, _)| {
            let (bw, bh) = ((x1 - x0) as f32, (y1 - y0) as f32);
            let grow = bw * bh * UNCLIP_RATIO / (2.0 * (bw + bh));
            let to_image =
                |v: f32, back: f32, limit: u32| ((v * back).round().max(0.0) as u32).min(limit);
            let rect = PixelRect::from_edges(
                to_image(x0 as f32 - grow, back.0, iw),
                to_image(y0 as f32 - grow, back.1, ih),
                to_image(x1 as f32 + grow, back.0, iw),
                to_image(y1 as f32 + grow, back.1, ih),
            );
            (bw * bh, rect)
        })
        .collect();
    boxes.sort_by(|a, b| b.0.total_cmp(&a.0));
    boxes.truncate(MAX_LINES);
    let mut boxes: Vec<PixelRect> = boxes.into_iter().map(|b| b.1).collect();
    boxes.sort_by_key(|b| (b.y, b.x));
    Ok(boxes)
}
