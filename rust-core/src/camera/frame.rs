//! A borrowed camera frame in its native pixel format: one to three planes,
//! each with its own row and pixel stride, plus the rotation and mirroring
//! that make it the upright, true view.

use crate::user_facing::UserFacing;

/// Largest accepted frame side, in pixels.
pub const MAX_FRAME_SIDE: u32 = 16_384;

/// Pixel layouts native cameras deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PixelFormat {
    /// One byte of luma per pixel (the Y plane of any YUV frame).
    Luma8,
    /// R, G, B bytes per pixel (desktop webcams' decoded frames).
    Rgb8,
    /// R, G, B, A bytes per pixel.
    Rgba8,
    /// B, G, R, A bytes per pixel (iOS `kCVPixelFormatType_32BGRA`).
    Bgra8,
    /// Android NV21: a Y plane and an interleaved V/U plane at half
    /// resolution; one plane (V/U right after `row_stride × height` bytes
    /// of Y) or two.
    Nv21,
    /// 4:2:0 bi-planar, full range: a Y plane and an interleaved U/V plane
    /// (iOS `kCVPixelFormatType_420YpCbCr8BiPlanarFullRange`, NV12); one
    /// plane or two, as for [`PixelFormat::Nv21`].
    Nv12,
    /// As [`PixelFormat::Nv12`] with video-range levels (Y 16–235, chroma
    /// 16–240): iOS `kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange`, the
    /// default of `AVCaptureVideoDataOutput`.
    Nv12VideoRange,
    /// Android `YUV_420_888` (CameraX `ImageProxy`): three planes Y, U, V,
    /// each with its own row stride and pixel stride (1 when planar, 2 when
    /// the chroma planes interleave).
    Yuv420,
    /// Packed 4:2:2 Y0 U Y1 V (USB webcams): two pixels in four bytes.
    Yuyv,
}

/// What each plane of a format holds.
#[derive(Debug, Clone, Copy)]
struct PlaneShape {
    /// Columns and rows are the frame's divided by this (rounded up).
    subsampling: (u32, u32),
    /// Bytes one sample (pixel, chroma pair, or YUYV pixel pair) occupies.
    sample_bytes: u32,
}

impl PixelFormat {
    /// The format's name as the platforms call it, for messages.
    pub fn name(self) -> &'static str {
        match self {
            PixelFormat::Luma8 => "grey (8-bit)",
            PixelFormat::Rgb8 => "RGB",
            PixelFormat::Rgba8 => "RGBA",
            PixelFormat::Bgra8 => "BGRA",
            PixelFormat::Nv21 => "NV21",
            PixelFormat::Nv12 => "NV12",
            PixelFormat::Nv12VideoRange => "NV12 (video range)",
            PixelFormat::Yuv420 => "YUV_420_888",
            PixelFormat::Yuyv => "YUYV",
        }
    }

    /// The planes the format has when each is passed separately.
    fn planes(self) -> &'static [PlaneShape] {
        const Y: PlaneShape = PlaneShape {
            subsampling: (1, 1),
            sample_bytes: 1,
        };
        const PAIRS: PlaneShape = PlaneShape {
            subsampling: (2, 2),
            sample_bytes: 2,
        };
        const CHROMA: PlaneShape = PlaneShape {
            subsampling: (2, 2),
            sample_bytes: 1,
        };
        match self {
            PixelFormat::Luma8 => &[Y],
            PixelFormat::Rgb8 => &[PlaneShape {
                subsampling: (1, 1),
                sample_bytes: 3,
            }],
            PixelFormat::Rgba8 | PixelFormat::Bgra8 => &[PlaneShape {
                subsampling: (1, 1),
                sample_bytes: 4,
            }],
            PixelFormat::Nv21 | PixelFormat::Nv12 | PixelFormat::Nv12VideoRange => &[Y, PAIRS],
            PixelFormat::Yuv420 => &[Y, CHROMA, CHROMA],
            PixelFormat::Yuyv => &[PlaneShape {
                subsampling: (2, 1),
                sample_bytes: 4,
            }],
        }
    }

    /// Whether the two planes may also arrive as one buffer.
    fn bi_planar(self) -> bool {
        matches!(
            self,
            PixelFormat::Nv21 | PixelFormat::Nv12 | PixelFormat::Nv12VideoRange
        )
    }

    /// The pixel stride of each plane of a tightly packed frame.
    pub fn packed_pixel_stride(self, plane: usize) -> u32 {
        match (self, plane) {
            (PixelFormat::Yuyv, _) => 2,
            (PixelFormat::Yuv420, _) => 1,
            _ => self.planes()[plane].sample_bytes,
        }
    }

    /// Planes the format has when each is passed separately.
    pub fn plane_count(self) -> usize {
        self.planes().len()
    }
}

/// Clockwise rotation that turns the sensor image upright (Android's
/// `rotationDegrees`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
            other => Err(FrameError::BadRotation { degrees: other }),
        }
    }

    /// The rotation in clockwise degrees.
    pub fn degrees(self) -> u32 {
        match self {
            Rotation::R0 => 0,
            Rotation::R90 => 90,
            Rotation::R180 => 180,
            Rotation::R270 => 270,
        }
    }

    /// Whether width and height trade places.
    pub fn swaps_sides(self) -> bool {
        matches!(self, Rotation::R90 | Rotation::R270)
    }
}

/// A frame that does not describe its buffers correctly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Zero or oversized width/height.
    #[error("Invalid frame size {width}×{height}.")]
    BadDimensions {
        /// Width given, pixels.
        width: u32,
        /// Height given, pixels.
        height: u32,
    },
    /// The format needs another number of planes.
    #[error("{} frames have {expected} planes, not {got}.", .format.name())]
    PlaneCount {
        /// The frame's format.
        format: PixelFormat,
        /// Planes the format has.
        expected: usize,
        /// Planes given.
        got: usize,
    },
    /// A pixel stride smaller than one sample.
    #[error("Plane {plane}: pixel stride {stride} is smaller than a sample ({min} bytes).")]
    BadPixelStride {
        /// Plane index.
        plane: usize,
        /// Given pixel stride, bytes.
        stride: u32,
        /// Bytes one sample needs.
        min: u32,
    },
    /// The row stride is shorter than a row of pixels.
    #[error("Plane {plane}: row stride {stride} is shorter than a row ({row} bytes).")]
    BadStride {
        /// Plane index.
        plane: usize,
        /// Given stride, bytes.
        stride: u32,
        /// Bytes one row of pixels needs.
        row: u32,
    },
    /// A plane's buffer ends before its last row.
    #[error("Plane {plane} holds {got} bytes but {need} are needed.")]
    BufferTooSmall {
        /// Plane index.
        plane: usize,
        /// Bytes needed.
        need: u64,
        /// Bytes given.
        got: u64,
    },
    /// Rotation is not 0, 90, 180 or 270 degrees.
    #[error("Rotation {degrees}° is not 0, 90, 180 or 270.")]
    BadRotation {
        /// The rotation given.
        degrees: u32,
    },
}

impl UserFacing for FrameError {
    fn code(&self) -> &'static str {
        match self {
            FrameError::BadDimensions { .. } => "frame.bad_dimensions",
            FrameError::PlaneCount { .. } => "frame.plane_count",
            FrameError::BadPixelStride { .. } => "frame.bad_pixel_stride",
            FrameError::BadStride { .. } => "frame.bad_stride",
            FrameError::BufferTooSmall { .. } => "frame.buffer_too_small",
            FrameError::BadRotation { .. } => "frame.bad_rotation",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            FrameError::BadDimensions { width, height } => {
                format!("相机画面尺寸无效：{width}×{height}。")
            }
            FrameError::PlaneCount {
                format,
                expected,
                got,
            } => format!(
                "{} 格式的画面应有 {expected} 个平面，实际为 {got} 个。",
                format.name()
            ),
            FrameError::BadPixelStride { plane, stride, min } => {
                format!("第 {plane} 个平面的像素跨度 {stride} 小于一个采样所需的 {min} 字节。")
            }
            FrameError::BadStride { plane, stride, row } => {
                format!("第 {plane} 个平面的行跨度 {stride} 小于一行所需的 {row} 字节。")
            }
            FrameError::BufferTooSmall { plane, need, got } => {
                format!("第 {plane} 个平面的缓冲区只有 {got} 字节，需要 {need} 字节。")
            }
            FrameError::BadRotation { degrees } => {
                format!("旋转角度 {degrees}° 无效，只能是 0、90、180 或 270。")
            }
        }
    }
}

/// One plane of a frame, borrowed from the platform's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Plane<'a> {
    /// The plane's bytes, starting at its first sample.
    pub data: &'a [u8],
    /// Bytes from one row to the next.
    pub row_stride: u32,
    /// Bytes from one sample to the next within a row (Android's
    /// `PixelStride`; for packed formats the bytes per pixel).
    pub pixel_stride: u32,
}

/// A camera frame borrowed from the platform's buffers.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// Pixel layout.
    pub format: PixelFormat,
    /// Width of the sensor image, pixels.
    pub width: u32,
    /// Height of the sensor image, pixels.
    pub height: u32,
    /// The planes, in the format's order.
    pub planes: &'a [Plane<'a>],
    /// Clockwise rotation that makes the image upright.
    pub rotation: Rotation,
    /// The buffer is a mirror image (a front camera's preview): the upright
    /// image is flipped left to right to show the scene as it is.
    pub mirrored: bool,
}

/// A validated plane: its bytes and strides as `usize`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Checked<'a> {
    /// The plane's bytes, long enough for every pixel its strides address.
    pub data: &'a [u8],
    /// Bytes from one row's start to the next.
    pub row_stride: usize,
    /// Bytes from one pixel's sample to the next pixel's in a row.
    pub pixel_stride: usize,
}

impl<'a> Frame<'a> {
    /// Checks sizes, plane count, strides and buffer lengths against the
    /// format, and returns the planes ready to read (a one-buffer NV21/NV12
    /// frame split into its two planes).
    pub(super) fn checked(&self) -> Result<[Checked<'a>; 3], FrameError> {
        let (w, h) = (self.width, self.height);
        if w == 0 || h == 0 || w > MAX_FRAME_SIDE || h > MAX_FRAME_SIDE {
            return Err(FrameError::BadDimensions {
                width: w,
                height: h,
            });
        }
        let shapes = self.format.planes();
        let empty = Plane {
            data: &[],
            row_stride: 0,
            pixel_stride: 0,
        };
        let mut planes = [empty; 3];
        let given = self.planes.len();
        let count = if self.format.bi_planar() && given == 1 {
            // One buffer: the chroma pairs follow the Y plane's last row.
            let y = self.planes[0];
            let split = (y.row_stride as usize).saturating_mul(h as usize);
            planes[0] = y;
            planes[1] = Plane {
                data: y.data.get(split..).unwrap_or(&[]),
                row_stride: y.row_stride,
                pixel_stride: 2,
            };
            2
        } else {
            planes
                .iter_mut()
                .zip(self.planes)
                .for_each(|(slot, plane)| *slot = *plane);
            given
        };
        if count != shapes.len() {
            return Err(FrameError::PlaneCount {
                format: self.format,
                expected: shapes.len(),
                got: given,
            });
        }
        let mut out = [Checked {
            data: &[],
            row_stride: 0,
            pixel_stride: 0,
        }; 3];
        for (i, (plane, shape)) in planes.iter().zip(shapes).enumerate() {
            let cols = w.div_ceil(shape.subsampling.0) as u64;
            let rows = h.div_ceil(shape.subsampling.1) as u64;
            // Sample size and step: a YUYV "sample" is a pixel pair whose
            // pixel stride counts per pixel.
            let (min_px, step) = match self.format {
                PixelFormat::Yuyv => (2, plane.pixel_stride as u64 * 2),
                _ => (shape.sample_bytes, plane.pixel_stride as u64),
            };
            if plane.pixel_stride < min_px {
                return Err(FrameError::BadPixelStride {
                    plane: i,
                    stride: plane.pixel_stride,
                    min: min_px,
                });
            }
            let row = (cols - 1) * step + shape.sample_bytes as u64;
            if (plane.row_stride as u64) < row {
                return Err(FrameError::BadStride {
                    plane: i,
                    stride: plane.row_stride,
                    row: row as u32,
                });
            }
            let need = (rows - 1) * plane.row_stride as u64 + row;
            if (plane.data.len() as u64) < need {
                return Err(FrameError::BufferTooSmall {
                    plane: i,
                    need,
                    got: plane.data.len() as u64,
                });
            }
            out[i] = Checked {
                data: plane.data,
                row_stride: plane.row_stride as usize,
                pixel_stride: plane.pixel_stride as usize,
            };
        }
        Ok(out)
    }

    /// Checks the frame describes its buffers correctly.
    pub fn validate(&self) -> Result<(), FrameError> {
        self.checked().map(|_| ())
    }

    /// Width and height of the upright image.
    pub fn upright_size(&self) -> (u32, u32) {
        if self.rotation.swaps_sides() {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane(data: &[u8], row_stride: u32, pixel_stride: u32) -> Plane<'_> {
        Plane {
            data,
            row_stride,
            pixel_stride,
        }
    }

    fn frame<'a>(format: PixelFormat, planes: &'a [Plane<'a>]) -> Frame<'a> {
        Frame {
            format,
            width: 4,
            height: 3,
            planes,
            rotation: Rotation::R0,
            mirrored: false,
        }
    }

    #[test]
    fn bad_frames_get_the_error_that_names_the_problem() {
        let data = vec![0u8; 64];
        let err = |f: Frame<'_>| f.validate().unwrap_err();
        assert_eq!(
            err(frame(PixelFormat::Rgba8, &[plane(&data, 15, 4)])),
            FrameError::BadStride {
                plane: 0,
                stride: 15,
                row: 16
            }
        );
        assert_eq!(
            err(frame(PixelFormat::Rgba8, &[plane(&data, 16, 3)])),
            FrameError::BadPixelStride {
                plane: 0,
                stride: 3,
                min: 4
            }
        );
        assert_eq!(
            err(frame(PixelFormat::Luma8, &[plane(&data[..11], 4, 1)])),
            FrameError::BufferTooSmall {
                plane: 0,
                need: 12,
                got: 11
            }
        );
        // YUV_420_888 needs three planes; its chroma rows use the pixel
        // stride (2 × 1 + 1 = 3 bytes for two interleaved samples).
        let y = plane(&data, 4, 1);
        assert_eq!(
            err(frame(PixelFormat::Yuv420, &[y, y])),
            FrameError::PlaneCount {
                format: PixelFormat::Yuv420,
                expected: 3,
                got: 2
            }
        );
        let short = plane(&data[..4], 2, 2);
        assert_eq!(
            err(frame(PixelFormat::Yuv420, &[y, short, short])),
            FrameError::BadStride {
                plane: 1,
                stride: 2,
                row: 3
            }
        );
        let chroma = plane(&data[..4], 3, 2);
        assert_eq!(
            err(frame(PixelFormat::Yuv420, &[y, chroma, plane(&data, 3, 2)])),
            FrameError::BufferTooSmall {
                plane: 1,
                need: 6,
                got: 4
            }
        );
        assert!(
            frame(PixelFormat::Yuv420, &[y, plane(&data[..6], 3, 2), chroma])
                .validate()
                .is_err()
        );
        // One-buffer NV21 must hold the V/U rows after the Y rows.
        assert_eq!(
            err(frame(PixelFormat::Nv21, &[plane(&data[..14], 4, 1)])),
            FrameError::BufferTooSmall {
                plane: 1,
                need: 4 + 4,
                got: 2
            }
        );
        assert!(frame(PixelFormat::Nv21, &[plane(&data[..20], 4, 1)])
            .validate()
            .is_ok());
        let one = [y];
        let zero = Frame {
            width: 0,
            ..frame(PixelFormat::Luma8, &one)
        };
        assert_eq!(
            err(zero),
            FrameError::BadDimensions {
                width: 0,
                height: 3
            }
        );
        let huge = Frame {
            height: MAX_FRAME_SIDE + 1,
            ..frame(PixelFormat::Luma8, &one)
        };
        assert!(matches!(err(huge), FrameError::BadDimensions { .. }));
        assert_eq!(
            Rotation::from_degrees(45),
            Err(FrameError::BadRotation { degrees: 45 })
        );
        for e in [err(zero), err(frame(PixelFormat::Yuv420, &one))] {
            assert!(e.code().starts_with("frame.") && !e.message_zh().is_empty());
        }
    }

    #[test]
    fn upright_size_swaps_sides_for_quarter_turns() {
        let data = [0u8; 12];
        let planes = [plane(&data, 4, 1)];
        let f = Frame {
            rotation: Rotation::R270,
            ..frame(PixelFormat::Luma8, &planes)
        };
        assert_eq!(f.upright_size(), (3, 4));
        assert_eq!(Rotation::from_degrees(90).unwrap().degrees(), 90);
    }
}
