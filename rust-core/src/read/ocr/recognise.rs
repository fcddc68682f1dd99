//! Line recognition: PP-OCR's CRNN reads a line scaled to 48 px high into
//! one distribution over its character list per 8 px column; the greedy
//! CTC path (repeats merged, blanks dropped) is the text.

use image::RgbImage;
use rten::Model;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

use crate::imaging::{resize_rgb, PixelRect, Resample};
use crate::read::ReadError;

/// Height the recogniser reads lines at.
pub const LINE_HEIGHT: u32 = 48;
/// Widest line read, pixels at `LINE_HEIGHT` (longer ones are squeezed).
const MAX_LINE_WIDTH: u32 = 48 * 30;

/// The character list from the recognition model's `character` metadata,
/// with the space PP-OCR appends; index 0 of the output is CTC's blank.
pub fn charset(model: &Model) -> Result<Vec<char>, ReadError> {
    let list = model
        .metadata()
        .get("character")
        .ok_or_else(|| ReadError::ModelInvalid {
            detail: "recognition model has no `character` metadata".into(),
        })?;
    let mut chars: Vec<char> = list
        .split('\n')
        .filter_map(|line| {
            let mut it = line.chars();
            let c = it.next()?;
            it.next().is_none().then_some(c)
        })
        .collect();
    chars.push(' ');
    Ok(chars)
}

/// Writes `region` of `rgb`, scaled to `width` × [`LINE_HEIGHT`], into one
/// image of a batch `padded` wide (planes as `write_planes` writes them).
pub fn fill(data: &mut [f32], padded: u32, rgb: &RgbImage, region: PixelRect, width: u32) {
    let line = resize_rgb(rgb, Some(region), (width, LINE_HEIGHT), Resample::Linear);
    super::write_planes(data, padded, &line);
}

/// Runs the recogniser on a batch of `count` images `padded` wide: the
/// probabilities per image, step and class, and their shape.
pub fn run(
    model: &Model,
    data: Vec<f32>,
    count: usize,
    padded: u32,
) -> Result<(Vec<f32>, [usize; 3]), ReadError> {
    let input = NdTensor::from_data([count, 3, LINE_HEIGHT as usize, padded as usize], data);
    let output = model
        .run_one(input.view().into(), None)
        .map_err(ReadError::run)?;
    let probs: NdTensor<f32, 3> = output.try_into().map_err(ReadError::run)?;
    let shape = probs.shape();
    Ok((probs.to_vec(), shape))
}

/// The text in `region` of `rgb` and the mean confidence of its characters.
pub fn read_box(
    model: &Model,
    charset: &[char],
    rgb: &RgbImage,
    region: PixelRect,
) -> Result<(String, f32), ReadError> {
    if region.width == 0 || region.height == 0 {
        return Ok((String::new(), 0.0));
    }
    let width = ((region.width as f32 * LINE_HEIGHT as f32 / region.height as f32).round() as u32)
        .clamp(LINE_HEIGHT / 2, MAX_LINE_WIDTH);
    let padded = width.div_ceil(8) * 8;
    let mut data = vec![0f32; 3 * (padded * LINE_HEIGHT) as usize];
    fill(&mut data, padded, rgb, region, width);
    let (probs, [_, steps, classes]) = run(model, data, 1, padded)?;
    let (mut text, mut sum, mut count, mut last) = (String::new(), 0f32, 0u32, 0usize);
    for t in 0..steps {
        let row = &probs[t * classes..(t + 1) * classes];
        let (best, p) =
            row.iter().enumerate().fold(
                (0, f32::MIN),
                |acc, (i, &p)| if p > acc.1 { (i, p) } else { acc },
            );
        if best != 0 && best != last {
            if let Some(&c) = charset.get(best - 1) {
                text.push(c);
                sum += p;
                count += 1;
            }
        }
        last = best;
    }
    Ok((text, if count == 0 { 0.0 } else { sum / count as f32 }))
}
