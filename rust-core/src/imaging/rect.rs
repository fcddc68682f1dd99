//! The one rectangle type of the core: a part of an image in pixels (a
//! region to resample, a QR code's candidate area, a finding's box).

/// A rectangle of an image, pixels: its top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PixelRect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl PixelRect {
    /// The rectangle from `(x0, y0)` to `(x1, y1)`, the far edges
    /// exclusive (empty when they do not lie beyond the near ones).
    pub fn from_edges(x0: u32, y0: u32, x1: u32, y1: u32) -> PixelRect {
        PixelRect {
            x: x0,
            y: y0,
            width: x1.saturating_sub(x0),
            height: y1.saturating_sub(y0),
        }
    }

    /// The right edge, exclusive.
    pub fn right(&self) -> u32 {
        self.x.saturating_add(self.width)
    }

    /// The bottom edge, exclusive.
    pub fn bottom(&self) -> u32 {
        self.y.saturating_add(self.height)
    }

    /// The part of this rectangle inside a `width` × `height` image.
    pub fn within(&self, width: u32, height: u32) -> PixelRect {
        PixelRect::from_edges(
            self.x.min(width),
            self.y.min(height),
            self.right().min(width),
            self.bottom().min(height),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_and_clipping() {
        let r = PixelRect::from_edges(3, 4, 10, 20);
        assert_eq!((r.width, r.height, r.right(), r.bottom()), (7, 16, 10, 20));
        assert_eq!(PixelRect::from_edges(5, 5, 2, 9).width, 0);
        assert_eq!(r.within(8, 100), PixelRect::from_edges(3, 4, 8, 20));
        assert_eq!(r.within(2, 2).width, 0);
        let huge = PixelRect {
            x: u32::MAX - 1,
            y: 0,
            width: 10,
            height: 1,
        };
        assert_eq!(huge.right(), u32::MAX);
    }
}
