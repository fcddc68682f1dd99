//! Owned frames in a camera's native layout, made from an upright image:
//! what the replay source feeds the session, so that replays go through
//! exactly the conversions live frames do.

use image::{imageops, RgbImage};

use super::frame::{Frame, PixelFormat, Plane, Rotation};

/// How to lay out the planes of a made-up frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NativeLayout {
    /// Pixel format.
    pub format: PixelFormat,
    /// Clockwise rotation the consumer must apply (the sensor image is the
    /// upright one turned back by this).
    pub rotation: Rotation,
    /// Store the image mirrored, as a front camera's preview is.
    pub mirrored: bool,
    /// Extra bytes at the end of every row (odd strides, as real buffers have).
    pub row_padding: u32,
    /// Pixel stride of the U and V planes of [`PixelFormat::Yuv420`]: 1
    /// (planar) or 2 (interleaved, as most Android devices deliver).
    pub chroma_pixel_stride: u32,
}

impl NativeLayout {
    /// Tightly packed, upright, not mirrored.
    pub fn packed(format: PixelFormat) -> NativeLayout {
        NativeLayout {
            format,
            rotation: Rotation::R0,
            mirrored: false,
            row_padding: 0,
            chroma_pixel_stride: 2,
        }
    }
}

/// One plane's bytes and strides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativePlane {
    /// The bytes.
    pub data: Vec<u8>,
    /// Bytes from one row to the next.
    pub row_stride: u32,
    /// Bytes from one sample to the next.
    pub pixel_stride: u32,
}

/// A frame that owns its planes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeFrame {
    /// Pixel format.
    pub format: PixelFormat,
    /// Sensor width, pixels.
    pub width: u32,
    /// Sensor height, pixels.
    pub height: u32,
    /// The planes in the format's order.
    pub planes: Vec<NativePlane>,
    /// Rotation that makes it upright.
    pub rotation: Rotation,
    /// Whether the buffer is mirrored.
    pub mirrored: bool,
}

impl NativeFrame {
    /// Lays out `upright` as a camera would deliver it in `layout`.
    pub fn from_upright(upright: &RgbImage, layout: NativeLayout) -> NativeFrame {
        let mut sensor = if layout.mirrored {
            imageops::flip_horizontal(upright)
        } else {
            upright.clone()
        };
        sensor = match layout.rotation {
            Rotation::R0 => sensor,
            Rotation::R90 => imageops::rotate270(&sensor),
            Rotation::R180 => imageops::rotate180(&sensor),
            Rotation::R270 => imageops::rotate90(&sensor),
        };
        let (width, height) = sensor.dimensions();
        let planes = encode(&sensor, layout);
        NativeFrame {
            format: layout.format,
            width,
            height,
            planes,
            rotation: layout.rotation,
            mirrored: layout.mirrored,
        }
    }

    /// Runs `f` on a borrowed view of the frame.
    pub fn with_frame<R>(&self, f: impl FnOnce(&Frame<'_>) -> R) -> R {
        let mut planes = [Plane {
            data: &[],
            row_stride: 0,
            pixel_stride: 0,
        }; 3];
        for (slot, p) in planes.iter_mut().zip(&self.planes) {
            *slot = Plane {
                data: &p.data,
                row_stride: p.row_stride,
                pixel_stride: p.pixel_stride,
            };
        }
        f(&Frame {
            format: self.format,
            width: self.width,
            height: self.height,
            planes: &planes[..self.planes.len().min(3)],
            rotation: self.rotation,
            mirrored: self.mirrored,
        })
    }
}

/// BT.601 Y, U, V of an RGB pixel, full range (JFIF) or video range.
pub(crate) fn yuv_of([r, g, b]: [u8; 3], video_range: bool) -> [f64; 3] {
    let (r, g, b) = (r as f64, g as f64, b as f64);
    let y = 0.299 * r + 0.587 * g + 0.114 * b;
    let u = -0.168_736 * r - 0.331_264 * g + 0.5 * b;
    let v = 0.5 * r - 0.418_688 * g - 0.081_312 * b;
    if video_range {
        [
            16.0 + y * 219.0 / 255.0,
            128.0 + u * 224.0 / 255.0,
            128.0 + v * 224.0 / 255.0,
        ]
    } else {
        [y, 128.0 + u, 128.0 + v]
    }
}

fn byte(v: f64) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// The planes of `sensor` in `layout`'s format.
fn encode(sensor: &RgbImage, layout: NativeLayout) -> Vec<NativePlane> {
    let (w, h) = (sensor.width() as usize, sensor.height() as usize);
    let pad = layout.row_padding as usize;
    let packed = |bpp: usize, px: &dyn Fn([u8; 3]) -> Vec<u8>| {
        let stride = w * bpp + pad;
        let mut data = vec![0xA5; stride * h];
        for (x, y, p) in sensor.enumerate_pixels() {
            let at = y as usize * stride + x as usize * bpp;
            data[at..at + bpp].copy_from_slice(&px(p.0));
        }
        vec![NativePlane {
            data,
            row_stride: stride as u32,
            pixel_stride: bpp as u32,
        }]
    };
    let video = layout.format == PixelFormat::Nv12VideoRange;
    let yuv = |x: usize, y: usize| yuv_of(sensor.get_pixel(x as u32, y as u32).0, video);
    let y_plane = |stride: usize| {
        let mut data = vec![0xA5; stride * h];
        for y in 0..h {
            for x in 0..w {
                data[y * stride + x] = byte(yuv(x, y)[0]);
            }
        }
        data
    };
    // Mean U and V of each 2×2 block (cw × ch of them).
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let chroma = |cx: usize, cy: usize| {
        let mut sum = [0.0; 2];
        let mut n = 0.0;
        for (x, y) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
            let (x, y) = (2 * cx + x, 2 * cy + y);
            if x < w && y < h {
                let [_, u, v] = yuv(x, y);
                sum[0] += u;
                sum[1] += v;
                n += 1.0;
            }
        }
        [byte(sum[0] / n), byte(sum[1] / n)]
    };
    match layout.format {
        PixelFormat::Luma8 => packed(1, &|p| vec![byte(yuv_of(p, false)[0])]),
        PixelFormat::Rgb8 => packed(3, &|p| p.to_vec()),
        PixelFormat::Rgba8 => packed(4, &|[r, g, b]| vec![r, g, b, 255]),
        PixelFormat::Bgra8 => packed(4, &|[r, g, b]| vec![b, g, r, 255]),
        PixelFormat::Yuyv => {
            let stride = cw * 4 + pad;
            let mut data = vec![0xA5; stride * h];
            for y in 0..h {
                for cx in 0..cw {
                    let (a, b) = (yuv(2 * cx, y), yuv((2 * cx + 1).min(w - 1), y));
                    let at = y * stride + cx * 4;
                    data[at..at + 4].copy_from_slice(&[
                        byte(a[0]),
                        byte((a[1] + b[1]) / 2.0),
                        byte(b[0]),
                        byte((a[2] + b[2]) / 2.0),
                    ]);
                }
            }
            vec![NativePlane {
                data,
                row_stride: stride as u32,
                pixel_stride: 2,
            }]
        }
        PixelFormat::Nv21 | PixelFormat::Nv12 | PixelFormat::Nv12VideoRange => {
            let stride = w + pad;
            let vu_first = layout.format == PixelFormat::Nv21;
            // Chroma rows share the Y stride (one more byte for odd widths).
            let cstride = stride.max(cw * 2);
            let mut pairs = vec![0xA5; cstride * ch];
            for cy in 0..ch {
                for cx in 0..cw {
                    let [u, v] = chroma(cx, cy);
                    let at = cy * cstride + cx * 2;
                    let pair = if vu_first { [v, u] } else { [u, v] };
                    pairs[at..at + 2].copy_from_slice(&pair);
                }
            }
            vec![
                NativePlane {
                    data: y_plane(stride),
                    row_stride: stride as u32,
                    pixel_stride: 1,
                },
                NativePlane {
                    data: pairs,
                    row_stride: cstride as u32,
                    pixel_stride: 2,
                },
            ]
        }
        PixelFormat::Yuv420 => {
            let ps = layout.chroma_pixel_stride.clamp(1, 2) as usize;
            let stride = w + pad;
            let cstride = (cw - 1) * ps + 1 + pad;
            // With pixel stride 2 each plane also holds the other's samples
            // in between, as Android's overlapping U and V buffers do.
            let (mut u, mut v) = (vec![0xA5; cstride * ch], vec![0xA5; cstride * ch]);
            for cy in 0..ch {
                for cx in 0..cw {
                    let [cu, cv] = chroma(cx, cy);
                    let at = cy * cstride + cx * ps;
                    u[at] = cu;
                    v[at] = cv;
                    if ps == 2 && at + 1 < u.len() {
                        u[at + 1] = cv;
                        v[at + 1] = cu;
                    }
                }
            }
            let chroma_plane = |data| NativePlane {
                data,
                row_stride: cstride as u32,
                pixel_stride: ps as u32,
            };
            vec![
                NativePlane {
                    data: y_plane(stride),
                    row_stride: stride as u32,
                    pixel_stride: 1,
                },
                chroma_plane(u),
                chroma_plane(v),
            ]
        }
    }
}
