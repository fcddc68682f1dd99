//! The document straightened before it is read: the quadrilateral the photo
//! checks found is mapped onto an upright rectangle (a perspective warp), so
//! that a card photographed at an angle has level lines of even height. The
//! text detector then sees each line on its own (tilted neighbours no longer
//! touch) and the machine-readable zone has the fixed pitch its layout
//! assumes.

use image::{DynamicImage, Rgb, RgbImage};
use imageproc::geometric_transformations::{warp_into, Border, Interpolation, Projection};

use crate::imaging::{resize_rgb, PixelRect, Resample};

/// Share of the document's width and height kept around it: the corners
/// found on a reduced copy are a few pixels off, and print may reach the rim.
const MARGIN: f32 = 0.03;

/// The straightened document and the way back to the photo's pixels.
pub struct Rectified {
    /// The document, upright.
    pub image: RgbImage,
    /// Maps a point of `image` to the photo.
    to_photo: Projection,
}

impl Rectified {
    /// Straightens the document whose `corners` (top-left, top-right,
    /// bottom-right, bottom-left, in `photo`'s pixels) were found, at most
    /// `max_width` pixels wide (never enlarged). `None` when the corners do
    /// not make a usable quadrilateral.
    pub fn new(photo: &DynamicImage, corners: [(f32, f32); 4], max_width: u32) -> Option<Self> {
        let dist = |a: (f32, f32), b: (f32, f32)| (a.0 - b.0).hypot(a.1 - b.1);
        let [tl, tr, br, bl] = corners;
        let width = (dist(tl, tr) + dist(bl, br)) / 2.0;
        let height = (dist(tl, bl) + dist(tr, br)) / 2.0;
        if width < 16.0 || height < 16.0 {
            return None;
        }
        // The corners pushed out by the margin, and the box around them.
        let centre = corners
            .iter()
            .fold((0.0, 0.0), |c, p| (c.0 + p.0 / 4.0, c.1 + p.1 / 4.0));
        let grow = 1.0 + 2.0 * MARGIN;
        let outer = corners.map(|p| {
            (
                centre.0 + (p.0 - centre.0) * grow,
                centre.1 + (p.1 - centre.1) * grow,
            )
        });
        let (pw, ph) = (photo.width() as f32, photo.height() as f32);
        let (x0, y0, x1, y1) = extent(&outer);
        let (x0, y0) = (x0.clamp(0.0, pw).floor(), y0.clamp(0.0, ph).floor());
        let (x1, y1) = (x1.clamp(0.0, pw).ceil(), y1.clamp(0.0, ph).ceil());
        let crop = PixelRect::from_edges(x0 as u32, y0 as u32, x1 as u32, y1 as u32);
        if crop.width < 16 || crop.height < 16 {
            return None;
        }
        // Reduced first (area averaging keeps fine print), then warped at
        // about one to one.
        let scale = (max_width as f32 / (width * grow)).min(1.0);
        let reduced_size = (
            ((crop.width as f32 * scale).round() as u32).max(1),
            ((crop.height as f32 * scale).round() as u32).max(1),
        );
        let reduced = match photo {
            DynamicImage::ImageRgb8(rgb) => {
                resize_rgb(rgb, Some(crop), reduced_size, Resample::Area)
            }
            other => {
                let rgb = other
                    .crop_imm(crop.x, crop.y, crop.width, crop.height)
                    .to_rgb8();
                resize_rgb(&rgb, None, reduced_size, Resample::Area)
            }
        };
        let (sx, sy) = (
            reduced_size.0 as f32 / crop.width as f32,
            reduced_size.1 as f32 / crop.height as f32,
        );
        let from = corners.map(|p| ((p.0 - x0) * sx, (p.1 - y0) * sy));
        let (w, h) = (width * scale, height * scale);
        let (mx, my) = (MARGIN * w, MARGIN * h);
        let to = [(mx, my), (mx + w, my), (mx + w, my + h), (mx, my + h)];
        let projection = Projection::from_control_points(from, to)?;
        let size = ((w + 2.0 * mx).round() as u32, (h + 2.0 * my).round() as u32);
        let mut image = RgbImage::new(size.0.max(1), size.1.max(1));
        warp_into(
            &reduced,
            projection,
            Interpolation::Bilinear,
            Border::Constant(Rgb([255, 255, 255])),
            &mut image,
        );
        let to_photo = Projection::translate(x0, y0)
            * Projection::scale(1.0 / sx, 1.0 / sy)
            * projection.invert();
        Some(Rectified { image, to_photo })
    }

    /// The box in the photo's pixels around `region` of the straightened
    /// image.
    pub fn box_in_photo(&self, region: PixelRect, photo: (u32, u32)) -> PixelRect {
        let (x0, y0) = (region.x as f32, region.y as f32);
        let (x1, y1) = (x0 + region.width as f32, y0 + region.height as f32);
        let points = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)].map(|p| self.to_photo * p);
        let (x0, y0, x1, y1) = extent(&points);
        let clamp = |v: f32, limit: u32| (v.max(0.0) as u32).min(limit);
        PixelRect::from_edges(
            clamp(x0, photo.0),
            clamp(y0, photo.1),
            clamp(x1.ceil(), photo.0),
            clamp(y1.ceil(), photo.1),
        )
    }
}

/// The box around `points`: (left, top, right, bottom).
fn extent(points: &[(f32, f32)]) -> (f32, f32, f32, f32) {
    points.iter().fold(
        (f32::MAX, f32::MAX, f32::MIN, f32::MIN),
        |(x0, y0, x1, y1), p| (x0.min(p.0), y0.min(p.1), x1.max(p.0), y1.max(p.1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dark square drawn inside a tilted card is upright and square after
    /// straightening, and its box maps back onto where it was drawn.
    #[test]
    fn straightens_a_tilted_card_and_maps_boxes_back() {
        // A card 400 × 250, turned by 10° about (300, 250), on grey.
        let (angle, centre) = (10f32.to_radians(), (300.0f32, 250.0f32));
        let turn = |x: f32, y: f32| {
            let (dx, dy) = (x - 200.0, y - 125.0);
            (
                centre.0 + dx * angle.cos() - dy * angle.sin(),
                centre.1 + dx * angle.sin() + dy * angle.cos(),
            )
        };
        let mut photo = RgbImage::from_pixel(600, 500, Rgb([90, 90, 90]));
        for y in 0..500 {
            for x in 0..600 {
                // Back to card coordinates.
                let (dx, dy) = (x as f32 - centre.0, y as f32 - centre.1);
                let cx = 200.0 + dx * angle.cos() + dy * angle.sin();
                let cy = 125.0 - dx * angle.sin() + dy * angle.cos();
                if (0.0..400.0).contains(&cx) && (0.0..250.0).contains(&cy) {
                    let ink = (100.0..160.0).contains(&cx) && (50.0..110.0).contains(&cy);
                    photo.put_pixel(x, y, if ink { Rgb([0, 0, 0]) } else { Rgb([250; 3]) });
                }
            }
        }
        let corners = [
            turn(0.0, 0.0),
            turn(400.0, 0.0),
            turn(400.0, 250.0),
            turn(0.0, 250.0),
        ];
        let photo = DynamicImage::ImageRgb8(photo);
        let r = Rectified::new(&photo, corners, 2000).unwrap();
        let (m_x, m_y) = (MARGIN * 400.0, MARGIN * 250.0);
        assert_eq!(r.image.dimensions(), (424, 265));
        // The ink square lies at (100..160, 50..110) of the card.
        let dark = |x: f32, y: f32| r.image.get_pixel((x + m_x) as u32, (y + m_y) as u32)[0] < 60;
        for (x, y) in [(104.0, 54.0), (156.0, 54.0), (104.0, 106.0), (156.0, 106.0)] {
            assert!(dark(x, y), "({x}, {y}) should be ink");
        }
        for (x, y) in [(95.0, 80.0), (165.0, 80.0), (130.0, 45.0), (130.0, 115.0)] {
            assert!(!dark(x, y), "({x}, {y}) should be card");
        }
        let back = r.box_in_photo(
            PixelRect::from_edges(
                (100.0 + m_x) as u32,
                (50.0 + m_y) as u32,
                (160.0 + m_x) as u32,
                (110.0 + m_y) as u32,
            ),
            (600, 500),
        );
        let drawn =
            [(100.0, 50.0), (160.0, 50.0), (160.0, 110.0), (100.0, 110.0)].map(|(x, y)| turn(x, y));
        let near = |a: u32, b: f32| (a as f32 - b).abs() <= 3.0;
        let (x0, y0, x1, y1) = extent(&drawn);
        assert!(near(back.x, x0) && near(back.y, y0));
        assert!(near(back.x + back.width, x1) && near(back.y + back.height, y1));
    }

    /// Corners that collapse to a sliver give no straightened image.
    #[test]
    fn refuses_a_degenerate_quadrilateral() {
        let photo = DynamicImage::ImageRgb8(RgbImage::new(100, 100));
        let line = [(10.0, 10.0), (90.0, 10.0), (90.0, 12.0), (10.0, 12.0)];
        assert!(Rectified::new(&photo, line, 1000).is_none());
    }
}
