//! Native frames to the upright RGB or luma image the analysers need, in
//! one pass: colour conversion, optional reduction by an integer step
//! (block averages), rotation and mirroring together, written straight
//! into a caller's (pooled) buffer. Each sensor row of blocks is converted
//! by a tight loop, then placed (copied, or scattered for quarter turns
//! and mirroring).

use std::cell::RefCell;

use image::{GrayImage, RgbImage};

use super::frame::{Checked, Frame, FrameError, PixelFormat, Rotation};

/// Converts `frame` to upright RGB reduced by `step` (1 = full size; `n`
/// averages n×n blocks), reusing `buffer`'s allocation.
pub fn convert_rgb(frame: &Frame<'_>, step: u32, buffer: Vec<u8>) -> Result<RgbImage, FrameError> {
    let planes = frame.checked()?;
    let (place, (w, h)) = Placement::of(frame, step);
    let mut out = sized(buffer, w as usize * h as usize * 3);
    let source = Source::of(frame.format, planes);
    place.emit::<3>(&mut out, |by, row| source.rgb_row(by, place.step, row));
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
    let source = Source::of(frame.format, planes);
    place.emit::<1>(&mut out, |by, row| source.luma_row(by, place.step, row));
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

thread_local! {
    /// One converted row before it is scattered; grows to the widest frame
    /// a thread sees, then is reused.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
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
        let (bw, bh) = (
            (frame.width / step) as isize,
            (frame.height / step) as isize,
        );
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

    /// Has `row(by, pixels)` convert each sensor row of blocks (`C` bytes
    /// per block) and puts it in its upright place in `out`.
    fn emit<const C: usize>(&self, out: &mut [u8], row: impl Fn(usize, &mut [u8])) {
        let (bw, bh) = self.blocks;
        if self.dx == 1 {
            // Rows stay rows: convert straight into the output.
            for by in 0..bh {
                let start = (self.origin + by as isize * self.dy) as usize * C;
                row(by, &mut out[start..start + bw * C]);
            }
            return;
        }
        if self.dx == -1 {
            // Mirrored rows: each written backwards.
            return SCRATCH.with(|scratch| {
                let mut scratch = scratch.borrow_mut();
                scratch.clear();
                scratch.resize(bw * C, 0);
                for by in 0..bh {
                    row(by, &mut scratch);
                    let start = ((self.origin + by as isize * self.dy) as usize + 1 - bw) * C;
                    let dst = out[start..start + bw * C].chunks_exact_mut(C).rev();
                    dst.zip(scratch.chunks_exact(C))
                        .for_each(|(o, p)| o.copy_from_slice(p));
                }
            });
        }
        // Quarter turns: sensor rows become output columns, and consecutive
        // sensor rows adjacent pixels of an output row (dy = ±1). Convert a
        // band of rows, then write each output row's run of pixels at once.
        const BAND: usize = 16;
        let row_bytes = bw * C;
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.clear();
            scratch.resize(BAND * row_bytes, 0);
            for by0 in (0..bh).step_by(BAND) {
                let n = BAND.min(bh - by0);
                for (r, band_row) in scratch.chunks_exact_mut(row_bytes).take(n).enumerate() {
                    row(by0 + r, band_row);
                }
                for bx in 0..bw {
                    // Output index of block (bx, by0); the band runs from it
                    // rightwards (dy = 1) or leftwards (dy = −1).
                    let first =
                        (self.origin + bx as isize * self.dx + by0 as isize * self.dy) as usize;
                    let start = if self.dy > 0 { first } else { first + 1 - n };
                    let run = &mut out[start * C..(start + n) * C];
                    let band = scratch.chunks_exact(row_bytes).take(n);
                    let source = band.map(|r| &r[bx * C..bx * C + C]);
                    if self.dy > 0 {
                        run.chunks_exact_mut(C)
                            .zip(source)
                            .for_each(|(o, p)| o.copy_from_slice(p));
                    } else {
                        let run = run.chunks_exact_mut(C).rev();
                        run.zip(source).for_each(|(o, p)| o.copy_from_slice(p));
                    }
                }
            }
        })
    }
}

/// Writes one RGB triple (a plain store: `copy_from_slice` on a chunk of
/// unknown length becomes a `memcpy` call per pixel).
#[inline(always)]
fn put(o: &mut [u8], [r, g, b]: [u8; 3]) {
    o[0] = r;
    o[1] = g;
    o[2] = b;
}

/// Divides sums of `n` samples by `n`, rounded, with a multiplication
/// (a division per pixel would cost more than the rest of the conversion).
#[derive(Clone, Copy)]
struct Mean(u32);

impl Mean {
    fn of(n: usize) -> Mean {
        let n = n.max(1) as u32;
        Mean(((1 << 16) + n / 2) / n)
    }

    #[inline(always)]
    fn apply(self, sum: u32) -> u8 {
        ((sum * self.0 + (1 << 15)) >> 16).min(255) as u8
    }
}

/// Calls `each(bx, mean)` with the mean of every `s`×`s` block of one-byte
/// samples in the block row starting at row `y0` (`blocks` of them): the
/// rows are summed column by column first (a loop the compiler vectorises),
/// then each block's columns.
#[inline(always)]
fn block_means(
    p: &Checked<'_>,
    y0: usize,
    s: usize,
    blocks: usize,
    sums: &mut Vec<u32>,
    mut each: impl FnMut(usize, u8),
) {
    if s == 1 {
        let row = &p.data[y0 * p.row_stride..];
        for (bx, &v) in row.iter().step_by(p.pixel_stride).take(blocks).enumerate() {
            each(bx, v);
        }
        return;
    }
    let width = blocks * s;
    let mean = Mean::of(s * s);
    {
        sums.clear();
        sums.resize(width, 0);
        for i in 0..s {
            let row = &p.data[(y0 + i) * p.row_stride..];
            if p.pixel_stride == 1 {
                for (a, &v) in sums.iter_mut().zip(&row[..width]) {
                    *a += v as u32;
                }
            } else {
                for (a, &v) in sums.iter_mut().zip(row.iter().step_by(p.pixel_stride)) {
                    *a += v as u32;
                }
            }
        }
        for (bx, columns) in sums.chunks_exact(s).enumerate() {
            each(bx, mean.apply(columns.iter().sum()));
        }
    }
}

/// Per-thread rows a conversion works in; they grow to the widest frame a
/// thread sees, then are reused (no allocation per frame).
#[derive(Default)]
struct Rows {
    /// Column sums of one block row.
    sums: Vec<u32>,
    /// Luma, U and V of one block row.
    luma: Vec<u8>,
    u: Vec<u8>,
    v: Vec<u8>,
    /// An RGB row of a packed frame on its way to luma.
    rgb: Vec<u8>,
}

thread_local! {
    static ROWS: RefCell<Rows> = RefCell::new(Rows::default());
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

impl Coefficients {
    /// RGB from luma and centred chroma (`u`, `v` minus 128).
    #[inline(always)]
    fn rgb(&self, luma: u8, u: u8, v: u8) -> [u8; 3] {
        let (u, v) = (u as i32 - 128, v as i32 - 128);
        let yy = (luma as i32 - self.y_offset) * self.y_scale + 32_768;
        let clamp = |x: i32| (x >> 16).clamp(0, 255) as u8;
        [
            clamp(yy + self.rv * v),
            clamp(yy - self.gu * u - self.gv * v),
            clamp(yy + self.bu * u),
        ]
    }
}

/// Where a frame's samples are, by kind of layout.
enum Source<'a> {
    /// One byte per pixel.
    Grey(Checked<'a>),
    /// RGB, RGBA or BGRA: the R, G, B byte offsets within a pixel.
    Packed(Checked<'a>, [usize; 3]),
    /// 4:2:0 (NV21, NV12, YUV_420_888): Y, then U and V each with its byte
    /// offset within the pixel stride (interleaved planes share a buffer).
    Planar420 {
        y: Checked<'a>,
        u: (Checked<'a>, usize),
        v: (Checked<'a>, usize),
        k: Coefficients,
    },
    /// Packed 4:2:2, Y0 U Y1 V per pixel pair.
    Yuyv(Checked<'a>),
}

impl<'a> Source<'a> {
    fn of(format: PixelFormat, [a, b, c]: [Checked<'a>; 3]) -> Source<'a> {
        match format {
            PixelFormat::Luma8 => Source::Grey(a),
            PixelFormat::Rgb8 | PixelFormat::Rgba8 => Source::Packed(a, [0, 1, 2]),
            PixelFormat::Bgra8 => Source::Packed(a, [2, 1, 0]),
            PixelFormat::Yuyv => Source::Yuyv(a),
            PixelFormat::Nv21 => Source::Planar420 {
                y: a,
                u: (b, 1),
                v: (b, 0),
                k: FULL_RANGE,
            },
            PixelFormat::Nv12 | PixelFormat::Nv12VideoRange => Source::Planar420 {
                y: a,
                u: (b, 0),
                v: (b, 1),
                k: if format == PixelFormat::Nv12VideoRange {
                    VIDEO_RANGE
                } else {
                    FULL_RANGE
                },
            },
            PixelFormat::Yuv420 => Source::Planar420 {
                y: a,
                u: (b, 0),
                v: (c, 0),
                k: FULL_RANGE,
            },
        }
    }

    /// Block row `by` (blocks of `s`×`s`) as RGB triples into `out`.
    fn rgb_row(&self, by: usize, s: usize, out: &mut [u8]) {
        let y0 = by * s;
        match self {
            Source::Grey(p) => ROWS.with(|rows| {
                let sums = &mut rows.borrow_mut().sums;
                block_means(p, y0, s, out.len() / 3, sums, |bx, v| {
                    put(&mut out[bx * 3..], [v, v, v])
                })
            }),
            Source::Packed(p, [r, g, b]) => {
                let base = y0 * p.row_stride;
                if s == 1 {
                    let row = &p.data[base..];
                    for (o, px) in out.chunks_exact_mut(3).zip(row.chunks(p.pixel_stride)) {
                        put(o, [px[*r], px[*g], px[*b]]);
                    }
                    return;
                }
                // Column sums per channel over the block row, then each
                // block's columns.
                let (rgb, width, mean) = ([*r, *g, *b], out.len() / 3 * s, Mean::of(s * s));
                ROWS.with(|rows| {
                    let sums = &mut rows.borrow_mut().sums;
                    sums.clear();
                    sums.resize(width * 3, 0);
                    for i in 0..s {
                        let row = &p.data[base + i * p.row_stride..];
                        for (a, px) in sums.chunks_exact_mut(3).zip(row.chunks(p.pixel_stride)) {
                            for c in 0..3 {
                                a[c] += px[rgb[c]] as u32;
                            }
                        }
                    }
                    for (o, cols) in out.chunks_exact_mut(3).zip(sums.chunks_exact(3 * s)) {
                        let mut sum = [0u32; 3];
                        for col in cols.chunks_exact(3) {
                            for c in 0..3 {
                                sum[c] += col[c];
                            }
                        }
                        put(o, sum.map(|v| mean.apply(v)));
                    }
                })
            }
            Source::Planar420 { y, u, v, k } => {
                let blocks = out.len() / 3;
                // The chroma row at the blocks' centre, and the luma row,
                // gathered first so the conversion loop reads three
                // contiguous rows.
                let cy = (y0 + s / 2) / 2;
                let (up, vp) = (&u.0, &v.0);
                let urow = &up.data[cy * up.row_stride + u.1..];
                let vrow = &vp.data[cy * vp.row_stride + v.1..];
                // A local copy: byte stores into `out` could alias `*k`,
                // which would reload the coefficients for every pixel.
                let k = *k;
                let (us, vs) = (
                    urow.iter().step_by(up.pixel_stride),
                    vrow.iter().step_by(vp.pixel_stride),
                );
                if s == 1 && y.pixel_stride == 1 {
                    // Full size: two pixels share each chroma sample.
                    let luma = &y.data[y0 * y.row_stride..y0 * y.row_stride + blocks];
                    let mut chroma = us.zip(vs);
                    let pairs = out.chunks_exact_mut(6).zip(luma.chunks_exact(2));
                    for ((o, l), (&cu, &cv)) in pairs.zip(chroma.by_ref()) {
                        let ([a, b, c], [d, e, f]) = (k.rgb(l[0], cu, cv), k.rgb(l[1], cu, cv));
                        o.copy_from_slice(&[a, b, c, d, e, f]);
                    }
                    // An odd width leaves one pixel.
                    if blocks % 2 == 1 {
                        if let Some((&cu, &cv)) = chroma.next() {
                            put(&mut out[3 * blocks - 3..], k.rgb(luma[blocks - 1], cu, cv));
                        }
                    }
                    return;
                }
                ROWS.with(|rows| {
                    let rows = &mut *rows.borrow_mut();
                    rows.luma.resize(blocks, 0);
                    let luma = &mut rows.luma[..blocks];
                    block_means(y, y0, s, blocks, &mut rows.sums, |bx, v| luma[bx] = v);
                    rows.u.resize(blocks, 0);
                    rows.v.resize(blocks, 0);
                    let (cus, cvs) = (&mut rows.u[..blocks], &mut rows.v[..blocks]);
                    for (bx, (cu, cv)) in cus.iter_mut().zip(cvs.iter_mut()).enumerate() {
                        let c = (bx * s + s / 2) / 2;
                        *cu = urow[c * up.pixel_stride];
                        *cv = vrow[c * vp.pixel_stride];
                    }
                    let pixels = out.chunks_exact_mut(3).zip(&*luma);
                    for (((o, &l), &cu), &cv) in pixels.zip(&*cus).zip(&*cvs) {
                        put(o, k.rgb(l, cu, cv));
                    }
                })
            }
            Source::Yuyv(p) => {
                for (bx, o) in out.chunks_exact_mut(3).enumerate() {
                    let (x0, luma) = (bx * s, self.yuyv_luma(p, bx, y0, s));
                    let pair = &p.data
                        [(y0 + s / 2) * p.row_stride + ((x0 + s / 2) / 2) * 2 * p.pixel_stride..];
                    put(o, FULL_RANGE.rgb(luma, pair[1], pair[3]));
                }
            }
        }
    }

    /// Block row `by` as luma into `out`.
    fn luma_row(&self, by: usize, s: usize, out: &mut [u8]) {
        let y0 = by * s;
        match self {
            Source::Grey(p) | Source::Planar420 { y: p, .. } => {
                let base = y0 * p.row_stride;
                if s == 1 && p.pixel_stride == 1 {
                    out.copy_from_slice(&p.data[base..base + out.len()]);
                    return;
                }
                ROWS.with(|rows| {
                    let sums = &mut rows.borrow_mut().sums;
                    block_means(p, y0, s, out.len(), sums, |bx, v| out[bx] = v)
                });
            }
            Source::Packed(..) => {
                // The packed path of `rgb_row` does not use `ROWS`.
                let mut rgb = ROWS.with(|rows| std::mem::take(&mut rows.borrow_mut().rgb));
                rgb.clear();
                rgb.resize(out.len() * 3, 0);
                self.rgb_row(by, s, &mut rgb);
                for (o, px) in out.iter_mut().zip(rgb.chunks_exact(3)) {
                    *o = luma_of([px[0], px[1], px[2]]);
                }
                ROWS.with(|rows| rows.borrow_mut().rgb = rgb);
            }
            Source::Yuyv(p) => {
                for (bx, o) in out.iter_mut().enumerate() {
                    *o = self.yuyv_luma(p, bx, y0, s);
                }
            }
        }
    }

    /// Mean luma of YUYV block `bx` of the block row starting at `y0`.
    #[inline(always)]
    fn yuyv_luma(&self, p: &Checked<'_>, bx: usize, y0: usize, s: usize) -> u8 {
        let mut sum = 0u32;
        for row in y0..y0 + s {
            for col in bx * s..(bx + 1) * s {
                sum += p.data[row * p.row_stride + (col / 2) * 2 * p.pixel_stride + (col % 2) * 2]
                    as u32;
            }
        }
        Mean::of(s * s).apply(sum)
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
                    (
                        (yy - 16.0) * 255.0 / 219.0,
                        (u - 128.0) * 255.0 / 224.0,
                        (v - 128.0) * 255.0 / 224.0,
                    )
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
                PixelFormat::Rgb8 | PixelFormat::Rgba8 => {
                    Rgb([0, 1, 2].map(|c| sample(&p[0], x, y, c) as u8))
                }
                PixelFormat::Bgra8 => Rgb([2, 1, 0].map(|c| sample(&p[0], x, y, c) as u8)),
                PixelFormat::Nv21 => yuv(
                    sample(&p[0], x, y, 0),
                    sample(&p[1], x / 2, y / 2, 1),
                    sample(&p[1], x / 2, y / 2, 0),
                ),
                PixelFormat::Nv12 | PixelFormat::Nv12VideoRange => yuv(
                    sample(&p[0], x, y, 0),
                    sample(&p[1], x / 2, y / 2, 0),
                    sample(&p[1], x / 2, y / 2, 1),
                ),
                PixelFormat::Yuv420 => yuv(
                    sample(&p[0], x, y, 0),
                    sample(&p[1], x / 2, y / 2, 0),
                    sample(&p[2], x / 2, y / 2, 0),
                ),
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
        a.iter()
            .zip(b)
            .map(|(x, y)| x.abs_diff(*y))
            .max()
            .unwrap_or(0)
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
                            PixelFormat::Luma8
                            | PixelFormat::Rgb8
                            | PixelFormat::Rgba8
                            | PixelFormat::Bgra8 => {
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
        let upright = RgbImage::from_fn(64, 48, |x, y| {
            Rgb([(x * 4) as u8, (y * 5) as u8, 200 - (x + y) as u8])
        });
        for format in ALL.into_iter().filter(|f| *f != PixelFormat::Luma8) {
            let native = NativeFrame::from_upright(&upright, NativeLayout::packed(format));
            let rgb = native
                .with_frame(|f| convert_rgb(f, 1, Vec::new()))
                .unwrap();
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
                let full = native
                    .with_frame(|f| convert_rgb(f, 1, Vec::new()))
                    .unwrap();
                let reduced = native
                    .with_frame(|f| convert_rgb(f, 3, Vec::new()))
                    .unwrap();
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
        let native = NativeFrame::from_upright(
            &pattern(1920, 1080),
            NativeLayout::packed(PixelFormat::Yuv420),
        );
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
