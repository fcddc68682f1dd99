//! Native frames to the upright RGB or luma image the analysers need, in
//! one pass: colour conversion, optional reduction by an integer step
//! (block averages), rotation and mirroring together, written straight
//! into a caller's (pooled) buffer.

use image::{GrayImage, RgbImage};

use super::frame::{Checked, Frame, FrameError, PixelFormat, Rotation};

/// Converts `frame` to upright RGB reduced by `step` (1 = full size; `n`
/// averages n×n blocks), reusing `buffer`'s allocation.
pub fn convert_rgb(frame: &Frame<'_>, step: u32, buffer: Vec<u8>) -> Result<RgbImage, FrameError> {
    let planes = frame.checked()?;
    let (place, (w, h)) = Placement::of(frame, step);
    let mut out = sized(buffer, w as usize * h as usize * 3);
    match frame.format {
        PixelFormat::Luma8 => place.fill(&mut out, |x, y| {
            let v = Packed::<1>::new(planes[0], [0, 0, 0]).luma(x, y, place.step);
            [v, v, v]
        }),
        PixelFormat::Rgb8 => {
            let src = Packed::<3>::new(planes[0], [0, 1, 2]);
            place.fill(&mut out, |x, y| src.rgb(x, y, place.step))
        }
        PixelFormat::Rgba8 => {
            let src = Packed::<4>::new(planes[0], [0, 1, 2]);
            place.fill(&mut out, |x, y| src.rgb(x, y, place.step))
        }
        PixelFormat::Bgra8 => {
            let src = Packed::<4>::new(planes[0], [2, 1, 0]);
            place.fill(&mut out, |x, y| src.rgb(x, y, place.step))
        }
        _ => {
            let src = Yuv::new(frame.format, planes);
            place.fill(&mut out, |x, y| src.rgb(x, y, place.step))
        }
    }
    Ok(RgbImage::from_raw(w, h, out).expect("buffer sized to the image"))
}

/// Converts `frame` to upright luma reduced by `step`, reusing `buffer`.
/// YUV formats copy their Y plane; RGB formats weigh the channels BT.601.
pub fn convert_luma(
    frame: &Frame<'_>,
    step: u32,
    buffer: Vec<u8>,
) -> Result<GrayImage, FrameError> {
    let planes = frame.checked()?;
    let (place, (w, h)) = Placement::of(frame, step);
    let mut out = sized(buffer, w as usize * h as usize);
    let s = place.step;
    match frame.format {
        PixelFormat::Luma8 => {
            let src = Packed::<1>::new(planes[0], [0, 0, 0]);
            place.fill(&mut out, |x, y| [src.luma(x, y, s)])
        }
        PixelFormat::Rgb8 => {
            let src = Packed::<3>::new(planes[0], [0, 1, 2]);
            place.fill(&mut out, |x, y| [luma_of(src.rgb(x, y, s))])
        }
        PixelFormat::Rgba8 => {
            let src = Packed::<4>::new(planes[0], [0, 1, 2]);
            place.fill(&mut out, |x, y| [luma_of(src.rgb(x, y, s))])
        }
        PixelFormat::Bgra8 => {
            let src = Packed::<4>::new(planes[0], [2, 1, 0]);
            place.fill(&mut out, |x, y| [luma_of(src.rgb(x, y, s))])
        }
        _ => {
            let src = Yuv::new(frame.format, planes);
            place.fill(&mut out, |x, y| [src.luma(x, y, s)])
        }
    }
    Ok(GrayImage::from_raw(w, h, out).expect("buffer sized to the image"))
}

/// The reduction step that brings the frame's long side closest to, and
/// not below, `side` pixels (1 when it already is at most `side`).
pub fn step_for(frame: &Frame<'_>, side: u32) -> u32 {
    (frame.width.max(frame.height) / side.max(1)).max(1)
}

/// `buffer` resized to `len` bytes without shrinking its allocation.
fn sized(mut buffer: Vec<u8>, len: usize) -> Vec<u8> {
    buffer.clear();
    buffer.resize(len, 0);
    buffer
}

/// ITU-R BT.601 luma from 8-bit RGB, in fixed point.
pub(crate) fn luma_of([r, g, b]: [u8; 3]) -> u8 {
    ((77 * r as u32 + 150 * g as u32 + 29 * b as u32 + 128) >> 8) as u8
}

/// Where block (bx, by) of the sensor image lands in the upright output:
/// index `origin + bx·dx + by·dy` (rotation and mirroring are affine).
struct Placement {
    step: usize,
    blocks: (usize, usize),
    origin: isize,
    dx: isize,
    dy: isize,
}

impl Placement {
    /// The placement for `frame` reduced by `step`, and the output size.
    fn of(frame: &Frame<'_>, step: u32) -> (Placement, (u32, u32)) {
        let step = step.clamp(1, frame.width.min(frame.height));
        let (bw, bh) = ((frame.width / step) as isize, (frame.height / step) as isize);
        let (ow, oh) = if frame.rotation.swaps_sides() {
            (bh, bw)
        } else {
            (bw, bh)
        };
        let at = |bx: isize, by: isize| {
            let (ox, oy) = match frame.rotation {
                Rotation::R0 => (bx, by),
                Rotation::R90 => (bh - 1 - by, bx),
                Rotation::R180 => (bw - 1 - bx, bh - 1 - by),
                Rotation::R270 => (by, bw - 1 - bx),
            };
            let ox = if frame.mirrored { ow - 1 - ox } else { ox };
            oy * ow + ox
        };
        let origin = at(0, 0);
        let placement = Placement {
            step: step as usize,
            blocks: (bw as usize, bh as usize),
            origin,
            dx: at(1, 0) - origin,
            dy: at(0, 1) - origin,
        };
        (placement, (ow as u32, oh as u32))
    }

    /// Writes `pixel(x, y)` (sensor coordinates of the block's top-left
    /// corner) for every block to its upright place in `out`.
    fn fill<const C: usize>(&self, out: &mut [u8], pixel: impl Fn(usize, usize) -> [u8; C]) {
        let (bw, bh) = self.blocks;
        if self.dx == 1 {
            // Rows stay rows: write each output row as a slice.
            for by in 0..bh {
                let start = (self.origin + by as isize * self.dy) as usize * C;
                let row = &mut out[start..start + bw * C];
                for (bx, px) in row.chunks_exact_mut(C).enumerate() {
                    px.copy_from_slice(&pixel(bx * self.step, by * self.step));
                }
            }
            return;
        }
        for by in 0..bh {
            let base = self.origin + by as isize * self.dy;
            for bx in 0..bw {
                let i = (base + bx as isize * self.dx) as usize * C;
                out[i..i + C].copy_from_slice(&pixel(bx * self.step, by * self.step));
            }
        }
    }
}

/// A packed format of `C` bytes per pixel, with the R, G, B byte offsets.
struct Packed<'a, const C: usize> {
    plane: Checked<'a>,
    rgb: [usize; 3],
}

impl<'a, const C: usize> Packed<'a, C> {
    fn new(plane: Checked<'a>, rgb: [usize; 3]) -> Self {
        Packed { plane, rgb }
    }

    /// The mean colour of the `s`×`s` block at (x, y).
    #[inline(always)]
    fn rgb(&self, x: usize, y: usize, s: usize) -> [u8; 3] {
        let p = &self.plane;
        let [r, g, b] = self.rgb;
        if s == 1 {
            let i = y * p.row + x * p.px;
            return [p.data[i + r], p.data[i + g], p.data[i + b]];
        }
        let mut sum = [0u32; 3];
        for row in y..y + s {
            let start = row * p.row + x * p.px;
            for px in p.data[start..start + (s - 1) * p.px + C]
                .chunks(p.px)
                .take(s)
            {
                sum[0] += px[r] as u32;
                sum[1] += px[g] as u32;
                sum[2] += px[b] as u32;
            }
        }
        let n = (s * s) as u32;
        sum.map(|v| ((v + n / 2) / n) as u8)
    }

    /// The mean of the single channel of a one-byte format.
    #[inline(always)]
    fn luma(&self, x: usize, y: usize, s: usize) -> u8 {
        block_mean(&self.plane, x, y, s)
    }
}

/// The mean of the `s`×`s` block of one-byte samples at (x, y).
#[inline(always)]
fn block_mean(p: &Checked<'_>, x: usize, y: usize, s: usize) -> u8 {
    if s == 1 {
        return p.data[y * p.row + x * p.px];
    }
    let mut sum = 0u32;
    for row in y..y + s {
        let start = row * p.row + x * p.px;
        if p.px == 1 {
            sum += p.data[start..start + s].iter().map(|&v| v as u32).sum::<u32>();
        } else {
            sum += (0..s).map(|i| p.data[start + i * p.px] as u32).sum::<u32>();
        }
    }
    let n = (s * s) as u32;
    ((sum + n / 2) / n) as u8
}

/// Fixed-point (16.16) YUV → RGB coefficients.
#[derive(Clone, Copy)]
struct Coefficients {
    y_scale: i32,
    y_offset: i32,
    rv: i32,
    gu: i32,
    gv: i32,
    bu: i32,
}

/// BT.601 full range (JFIF), as Android cameras and iOS `420f` deliver.
const FULL_RANGE: Coefficients = Coefficients {
    y_scale: 65_536,
    y_offset: 0,
    rv: 91_881,
    gu: 22_554,
    gv: 46_802,
    bu: 116_130,
};

/// BT.601 video range (Y 16–235, chroma 16–240), iOS `420v`.
const VIDEO_RANGE: Coefficients = Coefficients {
    y_scale: 76_309,
    y_offset: 16,
    rv: 104_597,
    gu: 25_675,
    gv: 53_279,
    bu: 132_201,
};

/// A YUV 4:2:0 or 4:2:2 frame: where Y, U and V samples are.
struct Yuv<'a> {
    format: PixelFormat,
    y: Checked<'a>,
    /// U and V planes with the byte offset of their sample within each
    /// step (interleaved planes share one buffer).
    u: (Checked<'a>, usize),
    v: (Checked<'a>, usize),
    k: Coefficients,
}

impl<'a> Yuv<'a> {
    fn new(format: PixelFormat, planes: [Checked<'a>; 3]) -> Self {
        let [y, a, b] = planes;
        let (u, v) = match format {
            PixelFormat::Nv21 => ((a, 1), (a, 0)),
            PixelFormat::Nv12 | PixelFormat::Nv12VideoRange => ((a, 0), (a, 1)),
            PixelFormat::Yuyv => ((y, 1), (y, 3)),
            _ => ((a, 0), (b, 0)),
        };
        let k = if format == PixelFormat::Nv12VideoRange {
            VIDEO_RANGE
        } else {
            FULL_RANGE
        };
        Yuv { format, y, u, v, k }
    }

    /// Mean luma of the `s`×`s` block at (x, y).
    #[inline(always)]
    fn luma(&self, x: usize, y: usize, s: usize) -> u8 {
        if self.format == PixelFormat::Yuyv {
            let p = &self.y;
            let at = |x: usize, y: usize| p.data[y * p.row + (x / 2) * 2 * p.px + (x % 2) * 2];
            if s == 1 {
                return at(x, y);
            }
            let sum: u32 = (y..y + s)
                .flat_map(|row| (x..x + s).map(move |col| (col, row)))
                .map(|(col, row)| at(col, row) as u32)
                .sum();
            let n = (s * s) as u32;
            return ((sum + n / 2) / n) as u8;
        }
        block_mean(&self.y, x, y, s)
    }

    /// The block's colour: its mean luma with the chroma sample at its
    /// centre.
    #[inline(always)]
    fn rgb(&self, x: usize, y: usize, s: usize) -> [u8; 3] {
        let luma = self.luma(x, y, s) as i32;
        let (cx, cy) = (x + s / 2, y + s / 2);
        let (u, v) = match self.format {
            PixelFormat::Yuyv => {
                let at = |(p, off): (Checked<'_>, usize)| {
                    p.data[cy * p.row + (cx / 2) * 2 * p.px + off] as i32
                };
                (at(self.u), at(self.v))
            }
            _ => {
                let at = |(p, off): (Checked<'_>, usize)| {
                    p.data[(cy / 2) * p.row + (cx / 2) * p.px + off] as i32
                };
                (at(self.u), at(self.v))
            }
        };
        let k = &self.k;
        let yy = (luma - k.y_offset) * k.y_scale + 32_768;
        let (u, v) = (u - 128, v - 128);
        let clamp = |x: i32| (x >> 16).clamp(0, 255) as u8;
        [
            clamp(yy + k.rv * v),
            clamp(yy - k.gu * u - k.gv * v),
            clamp(yy + k.bu * u),
        ]
    }
}

#[cfg(test)]
mod tests {
    use image::{imageops, Rgb};

    use super::*;
    use crate::camera::native::{yuv_of, NativeFrame, NativeLayout};

    const ALL: [PixelFormat; 9] = [
        PixelFormat::Luma8,
        PixelFormat::Rgb8,
        PixelFormat::Rgba8,
        PixelFormat::Bgra8,
        PixelFormat::Nv21,
        PixelFormat::Nv12,
        PixelFormat::Nv12VideoRange,
        PixelFormat::Yuv420,
        PixelFormat::Yuyv,
    ];
    const ROTATIONS: [Rotation; 4] = [Rotation::R0, Rotation::R90, Rotation::R180, Rotation::R270];

    /// A noisy test image: neighbouring pixels differ, so any misplaced
    /// pixel shows.
    fn pattern(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let v = x.wrapping_mul(73).wrapping_add(y.wrapping_mul(151));
            Rgb([(v % 251) as u8, (v * 7 % 241) as u8, (v * 13 % 239) as u8])
        })
    }

    /// Reads one plane sample the plain way.
    fn sample(p: &crate::camera::NativePlane, x: usize, y: usize, offset: usize) -> f64 {
        p.data[y * p.row_stride as usize + x * p.pixel_stride as usize + offset] as f64
    }

    /// The reference: each sensor pixel decoded with floating-point BT.601
    /// straight from the planes, then turned upright with `imageops`.
    fn reference(frame: &NativeFrame) -> RgbImage {
        let (w, h) = (frame.width, frame.height);
        let p = &frame.planes;
        let video = frame.format == PixelFormat::Nv12VideoRange;
        let sensor = RgbImage::from_fn(w, h, |x, y| {
            let (x, y) = (x as usize, y as usize);
            let yuv = |yy: f64, u: f64, v: f64| {
                let (yy, u, v) = if video {
                    ((yy - 16.0) * 255.0 / 219.0, (u - 128.0) * 255.0 / 224.0, (v - 128.0) * 255.0 / 224.0)
                } else {
                    (yy, u - 128.0, v - 128.0)
                };
                let c = |f: f64| f.round().clamp(0.0, 255.0) as u8;
                Rgb([
                    c(yy + 1.402 * v),
                    c(yy - 0.344_136 * u - 0.714_136 * v),
                    c(yy + 1.772 * u),
                ])
            };
            match frame.format {
                PixelFormat::Luma8 => {
                    let v = sample(&p[0], x, y, 0) as u8;
                    Rgb([v, v, v])
                }
                PixelFormat::Rgb8 | PixelFormat::Rgba8 => Rgb([0, 1, 2].map(|c| sample(&p[0], x, y, c) as u8)),
                PixelFormat::Bgra8 => Rgb([2, 1, 0].map(|c| sample(&p[0], x, y, c) as u8)),
                PixelFormat::Nv21 => yuv(sample(&p[0], x, y, 0), sample(&p[1], x / 2, y / 2, 1), sample(&p[1], x / 2, y / 2, 0)),
                PixelFormat::Nv12 | PixelFormat::Nv12VideoRange => {
                    yuv(sample(&p[0], x, y, 0), sample(&p[1], x / 2, y / 2, 0), sample(&p[1], x / 2, y / 2, 1))
                }
                PixelFormat::Yuv420 => yuv(sample(&p[0], x, y, 0), sample(&p[1], x / 2, y / 2, 0), sample(&p[2], x / 2, y / 2, 0)),
                PixelFormat::Yuyv => {
                    let pair = &p[0].data[y * p[0].row_stride as usize + (x / 2) * 4..];
                    yuv(pair[(x % 2) * 2] as f64, pair[1] as f64, pair[3] as f64)
                }
            }
        });
        let upright = match frame.rotation {
            Rotation::R0 => sensor,
            Rotation::R90 => imageops::rotate90(&sensor),
            Rotation::R180 => imageops::rotate180(&sensor),
            Rotation::R270 => imageops::rotate270(&sensor),
        };
        if frame.mirrored {
            imageops::flip_horizontal(&upright)
        } else {
            upright
        }
    }

    fn max_difference(a: &[u8], b: &[u8]) -> u8 {
        assert_eq!(a.len(), b.len());
        a.iter().zip(b).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0)
    }

    #[test]
    fn every_format_rotation_and_mirroring_matches_the_reference_with_odd_strides() {
        // Odd sizes: chroma planes round up, rows end mid-pair.
        let upright = pattern(13, 7);
        for format in ALL {
            for rotation in ROTATIONS {
                for mirrored in [false, true] {
                    for (row_padding, chroma_pixel_stride) in [(0, 1), (3, 2), (5, 1)] {
                        let layout = NativeLayout {
                            format,
                            rotation,
                            mirrored,
                            row_padding,
                            chroma_pixel_stride,
                        };
                        let native = NativeFrame::from_upright(&upright, layout);
                        let expected = reference(&native);
                        let rgb = native
                            .with_frame(|f| convert_rgb(f, 1, Vec::new()))
                            .unwrap();
                        assert_eq!(rgb.dimensions(), (13, 7), "{layout:?}");
                        let worst = max_difference(rgb.as_raw(), expected.as_raw());
                        assert!(worst <= 1, "{layout:?}: off by {worst}");
                        let luma = native
                            .with_frame(|f| convert_luma(f, 1, Vec::new()))
                            .unwrap();
                        let expected_luma: Vec<u8> = match format {
                            // YUV formats pass their Y plane through.
                            PixelFormat::Luma8 | PixelFormat::Rgb8 | PixelFormat::Rgba8 | PixelFormat::Bgra8 => {
                                expected.pixels().map(|p| luma_of(p.0)).collect()
                            }
                            _ => recorded_luma(&upright, format == PixelFormat::Nv12VideoRange),
                        };
                        let worst = max_difference(luma.as_raw(), &expected_luma);
                        assert!(worst <= 1, "{layout:?}: luma off by {worst}");
                    }
                }
            }
        }
    }

    /// The Y values a YUV camera would record for an upright image.
    fn recorded_luma(upright: &RgbImage, video: bool) -> Vec<u8> {
        upright
            .pixels()
            .map(|p| yuv_of(p.0, video)[0].round().clamp(0.0, 255.0) as u8)
            .collect()
    }

    #[test]
    fn conversions_recover_the_picture_within_chroma_subsampling_error() {
        // A smooth picture survives 4:2:0 with little loss.
        let upright = RgbImage::from_fn(64, 48, |x, y| Rgb([(x * 4) as u8, (y * 5) as u8, 200 - (x + y) as u8]));
        for format in ALL.into_iter().filter(|f| *f != PixelFormat::Luma8) {
            let native = NativeFrame::from_upright(&upright, NativeLayout::packed(format));
            let rgb = native.with_frame(|f| convert_rgb(f, 1, Vec::new())).unwrap();
            let worst = max_difference(rgb.as_raw(), upright.as_raw());
            assert!(worst <= 6, "{format:?}: off by {worst}");
        }
    }

    #[test]
    fn reduced_copies_average_blocks_in_every_orientation() {
        let upright = RgbImage::from_fn(60, 36, |x, y| Rgb([(x * 4) as u8, (y * 7) as u8, 90]));
        for format in ALL {
            for rotation in ROTATIONS {
                let layout = NativeLayout {
                    rotation,
                    mirrored: true,
                    row_padding: 3,
                    ..NativeLayout::packed(format)
                };
                let native = NativeFrame::from_upright(&upright, layout);
                let full = native.with_frame(|f| convert_rgb(f, 1, Vec::new())).unwrap();
                let reduced = native.with_frame(|f| convert_rgb(f, 3, Vec::new())).unwrap();
                assert_eq!(reduced.dimensions(), (20, 12), "{layout:?}");
                // Each output pixel is the mean of its 3×3 block of the
                // full conversion (chroma taken at the centre).
                let area = imageops::resize(&full, 20, 12, imageops::FilterType::Triangle);
                let worst = max_difference(reduced.as_raw(), area.as_raw());
                assert!(worst <= 6, "{layout:?}: off by {worst}");
            }
        }
    }

    #[test]
    fn buffers_are_reused_and_steps_are_chosen_for_the_analysis_size() {
        let native = NativeFrame::from_upright(&pattern(1920, 1080), NativeLayout::packed(PixelFormat::Yuv420));
        native.with_frame(|f| {
            assert_eq!(step_for(f, 640), 3);
            let first = convert_rgb(f, step_for(f, 640), Vec::new()).unwrap();
            assert_eq!(first.dimensions(), (640, 360));
            let buffer = first.into_raw();
            let ptr = buffer.as_ptr();
            let again = convert_rgb(f, 3, buffer).unwrap();
            assert_eq!(again.as_raw().as_ptr(), ptr);
        });
    }
}
