//! A borrowed camera frame in its native pixel format, with its row stride
//! and the rotation that makes it upright.

use image::GrayImage;

use crate::user_facing::UserFacing;

/// Largest accepted frame side, in pixels.
pub const MAX_FRAME_SIDE: u32 = 16_384;

/// Pixel layouts native cameras deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum PixelFormat {
    /// One byte of luma per pixel (the Y plane of any YUV frame).
    Luma8,
    /// R, G, B, A bytes per pixel.
    Rgba8,
    /// B, G, R, A bytes per pixel (iOS `kCVPixelFormatType_32BGRA`).
    Bgra8,
    /// Android NV21: a Y plane, then an interleaved V/U plane at half resolution,
    /// both with the same row stride.
    Nv21,
}

impl PixelFormat {
    fn bytes_per_pixel(self) -> u32 {
        match self {
            PixelFormat::Luma8 | PixelFormat::Nv21 => 1,
            PixelFormat::Rgba8 | PixelFormat::Bgra8 => 4,
        }
    }
}

/// Clockwise rotation that turns the sensor image upright (Android's
/// `rotationDegrees`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// Already upright.
    R0,
    /// Rotate 90° clockwise.
    R90,
    /// Rotate 180°.
    R180,
    /// Rotate 270° clockwise.
    R270,
}

impl Rotation {
    /// From degrees; only multiples of 90 in 0..360 are valid.
    pub fn from_degrees(degrees: u32) -> Result<Rotation, FrameError> {
        match degrees {
            0 => Ok(Rotation::R0),
            90 => Ok(Rotation::R90),
            180 => Ok(Rotation::R180),
            270 => Ok(Rotation::R270),
            other => Err(FrameError::BadRotation(other)),
        }
    }
}

/// A frame that does not describe its buffer correctly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Zero or oversized width/height.
    #[error("Invalid frame size {0}×{1}.")]
    BadDimensions(u32, u32),
    /// The row stride is shorter than a row of pixels.
    #[error("Row stride {stride} is shorter than a row ({row} bytes).")]
    BadStride {
        /// Given stride, bytes.
        stride: u32,
        /// Bytes one row of pixels needs.
        row: u32,
    },
    /// The buffer ends before the last row.
    #[error("Frame buffer holds {got} bytes but {need} are needed.")]
    BufferTooSmall {
        /// Bytes needed.
        need: u64,
        /// Bytes given.
        got: u64,
    },
    /// Rotation is not 0, 90, 180 or 270 degrees.
    #[error("Rotation {0}° is not 0, 90, 180 or 270.")]
    BadRotation(u32),
}

impl UserFacing for FrameError {
    fn code(&self) -> &'static str {
        match self {
            FrameError::BadDimensions(..) => "frame.bad_dimensions",
            FrameError::BadStride { .. } => "frame.bad_stride",
            FrameError::BufferTooSmall { .. } => "frame.buffer_too_small",
            FrameError::BadRotation(_) => "frame.bad_rotation",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            FrameError::BadDimensions(w, h) => format!("相机画面尺寸无效：{w}×{h}。"),
            FrameError::BadStride { stride, row } => {
                format!("行跨度 {stride} 小于一行像素所需的 {row} 字节。")
            }
            FrameError::BufferTooSmall { need, got } => {
                format!("画面缓冲区只有 {got} 字节，需要 {need} 字节。")
            }
            FrameError::BadRotation(d) => format!("旋转角度 {d}° 无效，只能是 0、90、180 或 270。"),
        }
    }
}

/// A camera frame borrowed from the platform's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The pixel bytes, starting at the first row.
    pub data: &'a [u8],
    /// Width of the sensor image, pixels.
    pub width: u32,
    /// Height of the sensor image, pixels.
    pub height: u32,
    /// Bytes from one row to the next (≥ width × bytes per pixel).
    pub row_stride: u32,
    /// Pixel layout.
    pub format: PixelFormat,
    /// Rotation that makes the image upright.
    pub rotation: Rotation,
}

impl Frame<'_> {
    /// Checks sizes, stride and buffer length against the format.
    pub fn validate(&self) -> Result<(), FrameError> {
        let (w, h) = (self.width, self.height);
        if w == 0 || h == 0 || w > MAX_FRAME_SIDE || h > MAX_FRAME_SIDE {
            return Err(FrameError::BadDimensions(w, h));
        }
        let row = w * self.format.bytes_per_pixel();
        if self.row_stride < row {
            return Err(FrameError::BadStride {
                stride: self.row_stride,
                row,
            });
        }
        let stride = self.row_stride as u64;
        let plane = stride * (h as u64 - 1) + row as u64;
        let need = match self.format {
            // Y plane, then h/2 rows of interleaved V/U at the same stride.
            PixelFormat::Nv21 => {
                stride * h as u64
                    + stride * ((h as u64).div_ceil(2) - 1)
                    + (w as u64).div_ceil(2) * 2
            }
            _ => plane,
        };
        if (self.data.len() as u64) < need {
            return Err(FrameError::BufferTooSmall {
                need,
                got: self.data.len() as u64,
            });
        }
        Ok(())
    }

    /// The upright luma image, converted and rotated in one pass.
    pub fn to_luma(&self) -> Result<GrayImage, FrameError> {
        self.validate()?;
        Ok(match self.format {
            PixelFormat::Luma8 | PixelFormat::Nv21 => self.convert(|row, x| row[x]),
            PixelFormat::Rgba8 => {
                self.convert(|row, x| luma(row[4 * x], row[4 * x + 1], row[4 * x + 2]))
            }
            PixelFormat::Bgra8 => {
                self.convert(|row, x| luma(row[4 * x + 2], row[4 * x + 1], row[4 * x]))
            }
        })
    }

    /// Reads every pixel with `luma_of(row, x)` and writes it to its rotated
    /// place; generic so each format gets its own tight loop.
    fn convert(&self, luma_of: impl Fn(&[u8], usize) -> u8) -> GrayImage {
        let (w, h) = (self.width as usize, self.height as usize);
        let stride = self.row_stride as usize;
        let rows = (0..h).map(|y| {
            &self.data[y * stride..y * stride + w * self.format.bytes_per_pixel() as usize]
        });
        let (out_w, out_h) = match self.rotation {
            Rotation::R0 | Rotation::R180 => (w, h),
            Rotation::R90 | Rotation::R270 => (h, w),
        };
        let mut out = vec![0u8; out_w * out_h];
        for (y, row) in rows.enumerate() {
            match self.rotation {
                Rotation::R0 => {
                    for (x, o) in out[y * w..(y + 1) * w].iter_mut().enumerate() {
                        *o = luma_of(row, x);
                    }
                }
                Rotation::R180 => {
                    let dst = &mut out[(h - 1 - y) * w..(h - y) * w];
                    for (x, o) in dst.iter_mut().rev().enumerate() {
                        *o = luma_of(row, x);
                    }
                }
                Rotation::R90 => {
                    for x in 0..w {
                        out[x * out_w + (h - 1 - y)] = luma_of(row, x);
                    }
                }
                Rotation::R270 => {
                    for x in 0..w {
                        out[(w - 1 - x) * out_w + y] = luma_of(row, x);
                    }
                }
            }
        }
        GrayImage::from_raw(out_w as u32, out_h as u32, out).expect("buffer sized to the image")
    }
}

/// ITU-R BT.601 luma from 8-bit RGB, in fixed point.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((77 * r as u32 + 150 * g as u32 + 29 * b as u32 + 128) >> 8) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3×2 test pattern with distinct luma values, as rows of Y.
    const Y: [[u8; 3]; 2] = [[10, 20, 30], [40, 50, 60]];

    fn with_stride(bpp: usize, stride: usize, px: impl Fn(u8) -> Vec<u8>) -> Vec<u8> {
        let mut data = vec![0xEE; stride * 2];
        for (y, row) in Y.iter().enumerate() {
            for (x, &v) in row.iter().enumerate() {
                data[y * stride + x * bpp..y * stride + (x + 1) * bpp].copy_from_slice(&px(v));
            }
        }
        data
    }

    fn frame(data: &[u8], stride: u32, format: PixelFormat, rotation: Rotation) -> Frame<'_> {
        Frame {
            data,
            width: 3,
            height: 2,
            row_stride: stride,
            format,
            rotation,
        }
    }

    #[test]
    fn every_format_gives_the_same_luma_with_odd_strides() {
        let luma8 = with_stride(1, 5, |v| vec![v]);
        let rgba = with_stride(4, 13, |v| vec![v, v, v, 255]);
        let bgra = with_stride(4, 15, |v| vec![v, v, v, 0]);
        let mut nv21 = with_stride(1, 7, |v| vec![v]);
        nv21.extend_from_slice(&[128u8; 7]);
        for (data, stride, format) in [
            (&luma8, 5, PixelFormat::Luma8),
            (&rgba, 13, PixelFormat::Rgba8),
            (&bgra, 15, PixelFormat::Bgra8),
            (&nv21, 7, PixelFormat::Nv21),
        ] {
            let img = frame(data, stride, format, Rotation::R0).to_luma().unwrap();
            assert_eq!(img.as_raw(), &vec![10, 20, 30, 40, 50, 60], "{format:?}");
        }
    }

    #[test]
    fn colour_weights_follow_bt601() {
        assert_eq!(luma(255, 0, 0), 77);
        assert_eq!(luma(0, 255, 0), 149);
        assert_eq!(luma(0, 0, 255), 29);
        assert_eq!(luma(255, 255, 255), 255);
        let rgba = [255u8, 0, 0, 255, 0, 0, 255, 255];
        let bgra = [0u8, 0, 255, 255, 255, 0, 0, 255];
        let f = |d: &'static [u8], fmt| Frame {
            data: d,
            width: 2,
            height: 1,
            row_stride: 8,
            format: fmt,
            rotation: Rotation::R0,
        };
        let a = f(Box::leak(Box::new(rgba)), PixelFormat::Rgba8)
            .to_luma()
            .unwrap();
        let b = f(Box::leak(Box::new(bgra)), PixelFormat::Bgra8)
            .to_luma()
            .unwrap();
        assert_eq!(a.as_raw(), &vec![77, 29]);
        assert_eq!(b.as_raw(), &vec![77, 29]);
    }

    #[test]
    fn rotations_match_reference() {
        let data = with_stride(1, 3, |v| vec![v]);
        let cases = [
            (Rotation::R0, (3, 2), vec![10, 20, 30, 40, 50, 60]),
            (Rotation::R90, (2, 3), vec![40, 10, 50, 20, 60, 30]),
            (Rotation::R180, (3, 2), vec![60, 50, 40, 30, 20, 10]),
            (Rotation::R270, (2, 3), vec![30, 60, 20, 50, 10, 40]),
        ];
        for (rotation, (w, h), expected) in cases {
            let img = frame(&data, 3, PixelFormat::Luma8, rotation)
                .to_luma()
                .unwrap();
            assert_eq!((img.width(), img.height()), (w, h), "{rotation:?}");
            assert_eq!(img.as_raw(), &expected, "{rotation:?}");
        }
    }

    #[test]
    fn bad_frames_are_refused() {
        let data = vec![0u8; 100];
        let err = |f: Frame<'_>| f.to_luma().unwrap_err();
        assert_eq!(
            err(frame(&data, 2, PixelFormat::Luma8, Rotation::R0)),
            FrameError::BadStride { stride: 2, row: 3 }
        );
        assert_eq!(
            err(frame(&data, 11, PixelFormat::Rgba8, Rotation::R0)),
            FrameError::BadStride {
                stride: 11,
                row: 12
            }
        );
        assert!(matches!(
            err(frame(&data[..5], 3, PixelFormat::Luma8, Rotation::R0)),
            FrameError::BufferTooSmall { need: 6, got: 5 }
        ));
        // NV21 needs its chroma plane too.
        assert!(matches!(
            err(frame(&data[..6], 3, PixelFormat::Nv21, Rotation::R0)),
            FrameError::BufferTooSmall { .. }
        ));
        let zero = Frame {
            data: &data,
            width: 0,
            height: 2,
            row_stride: 3,
            format: PixelFormat::Luma8,
            rotation: Rotation::R0,
        };
        assert_eq!(err(zero), FrameError::BadDimensions(0, 2));
        assert_eq!(Rotation::from_degrees(45), Err(FrameError::BadRotation(45)));
    }
}
