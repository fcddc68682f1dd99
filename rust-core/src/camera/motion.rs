//! How much the picture moved since the previous analysed frame: the mean
//! change of a coarse grid of brightness averages, robust to sensor noise
//! (each cell averages hundreds of pixels) and independent of resolution.

use image::{GrayImage, RgbImage};

use super::convert::luma_of;

/// Cells across and down the motion grid.
const GRID: (usize, usize) = (32, 24);

/// Remembers the previous frame's grid to measure motion and brightness.
#[derive(Debug, Clone)]
pub struct MotionMeter {
    previous: [u8; GRID.0 * GRID.1],
    current: [u8; GRID.0 * GRID.1],
    primed: bool,
}

/// What the meter measured on one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MotionSample {
    /// Mean absolute change of the grid since the previous frame, 0–1
    /// (`None` on the first frame).
    pub motion: Option<f64>,
    /// Mean brightness of the frame, 0–255.
    pub brightness: f64,
}

impl Default for MotionMeter {
    fn default() -> Self {
        MotionMeter {
            previous: [0; GRID.0 * GRID.1],
            current: [0; GRID.0 * GRID.1],
            primed: false,
        }
    }
}

impl MotionMeter {
    /// Measures a luma frame against the previous frame and remembers it.
    pub fn measure_luma(&mut self, luma: &GrayImage) -> MotionSample {
        let (w, raw) = (luma.width() as usize, luma.as_raw());
        self.grid_of(luma.dimensions(), |x, y| raw[y * w + x]);
        self.compare()
    }

    /// Measures an RGB frame against the previous frame and remembers it.
    pub fn measure_rgb(&mut self, rgb: &RgbImage) -> MotionSample {
        let (w, raw) = (rgb.width() as usize, rgb.as_raw());
        self.grid_of(rgb.dimensions(), |x, y| {
            let i = (y * w + x) * 3;
            luma_of([raw[i], raw[i + 1], raw[i + 2]])
        });
        self.compare()
    }

    /// Motion and brightness of the grid just filled.
    fn compare(&mut self) -> MotionSample {
        let n = self.current.len() as f64;
        let brightness = self.current.iter().map(|&v| v as f64).sum::<f64>() / n;
        let motion = self.primed.then(|| {
            let diff: u32 = self
                .current
                .iter()
                .zip(&self.previous)
                .map(|(&a, &b)| a.abs_diff(b) as u32)
                .sum();
            diff as f64 / n / 255.0
        });
        self.previous = self.current;
        self.primed = true;
        MotionSample { motion, brightness }
    }

    /// Forgets the previous frame (after a capture or a change of scene).
    pub fn reset(&mut self) {
        self.primed = false;
    }

    /// Fills `current` with the cell means of a `w`×`h` image read through
    /// `luma_at(x, y)` (every other pixel of every other row: plenty for
    /// the mean of a cell).
    fn grid_of(&mut self, (w, h): (u32, u32), luma_at: impl Fn(usize, usize) -> u8) {
        let (w, h) = (w as usize, h as usize);
        for (i, cell) in self.current.iter_mut().enumerate() {
            let (cx, cy) = (i % GRID.0, i / GRID.0);
            let (x0, y0) = (cx * w / GRID.0, cy * h / GRID.1);
            let x1 = ((cx + 1) * w / GRID.0).max(x0 + 1).min(w);
            let y1 = ((cy + 1) * h / GRID.1).max(y0 + 1).min(h);
            let (mut sum, mut count) = (0u32, 0u32);
            for y in (y0..y1).step_by(2) {
                for x in (x0..x1).step_by(2) {
                    sum += luma_at(x, y) as u32;
                    count += 1;
                }
            }
            *cell = (sum / count.max(1)) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn textured(shift: u32, noise: u32) -> GrayImage {
        GrayImage::from_fn(640, 480, |x, y| {
            let v = (((x + shift) / 40 + y / 40) % 2) * 160 + 40;
            let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % (2 * noise + 1);
            image::Luma([(v + n).saturating_sub(noise).min(255) as u8])
        })
    }

    #[test]
    fn still_frames_measure_little_and_a_shift_measures_much() {
        let mut meter = MotionMeter::default();
        assert_eq!(meter.measure_luma(&textured(0, 0)).motion, None);
        let still = meter.measure_luma(&textured(0, 12)).motion.unwrap();
        assert!(still < 0.01, "noise alone: {still}");
        let moved = meter.measure_luma(&textured(25, 12)).motion.unwrap();
        assert!(moved > 0.05, "shifted by 25 px: {moved}");
        meter.reset();
        assert_eq!(meter.measure_luma(&textured(0, 0)).motion, None);
    }

    #[test]
    fn brightness_is_the_mean_and_tiny_frames_work() {
        let mut meter = MotionMeter::default();
        let grey = GrayImage::from_pixel(5, 3, image::Luma([30]));
        assert_eq!(meter.measure_luma(&grey).brightness, 30.0);
    }
}
