//! Resampling of the typed pixel buffers every check works on, by the SIMD
//! kernels of `fast_image_resize` (AVX2 on desktops, NEON on phones): about
//! ten times faster than the `image` crate's filters, which matters for the
//! live frames the checks see. Only its typed entry point is used, for grey
//! and RGB pixels without alpha, so the shipped library links the kernels of
//! those two pixel types alone (not every type the crate supports).

use fast_image_resize::images::{TypedImage, TypedImageRef};
use fast_image_resize::pixels::{U8x3, U8};
use fast_image_resize::{FilterType, PixelTrait, ResizeAlg, ResizeOptions, Resizer};
use image::{GrayImage, ImageBuffer, Pixel, RgbImage};

use super::PixelRect;

/// How pixels are combined when an image is made smaller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resample {
    /// The plain mean of the pixels each output pixel covers (a thumbnail).
    Area,
    /// A tent filter as wide as the reduction (smoother edges; also enlarges).
    Linear,
}

/// `src` (or its `region`) resampled to `width` × `height`.
pub fn resize_rgb(
    src: &RgbImage,
    region: Option<PixelRect>,
    (width, height): (u32, u32),
    how: Resample,
) -> RgbImage {
    resize::<_, U8x3>(src, region, (width, height), how)
}

/// `src` resampled to `width` × `height`.
pub fn resize_luma(src: &GrayImage, (width, height): (u32, u32), how: Resample) -> GrayImage {
    resize::<_, U8>(src, None, (width, height), how)
}

/// `src` (or its `region`) resampled into a new buffer, `Q` being the
/// `fast_image_resize` pixel with the same layout as `P`.
fn resize<P: Pixel<Subpixel = u8>, Q: PixelTrait>(
    src: &ImageBuffer<P, Vec<u8>>,
    region: Option<PixelRect>,
    (width, height): (u32, u32),
    how: Resample,
) -> ImageBuffer<P, Vec<u8>> {
    let (sw, sh) = src.dimensions();
    let PixelRect {
        x: left,
        y: top,
        width: cw,
        height: ch,
    } = region
        .unwrap_or(PixelRect::from_edges(0, 0, sw, sh))
        .within(sw, sh);
    if width == 0 || height == 0 || cw == 0 || ch == 0 {
        return ImageBuffer::new(width, height);
    }
    let filter = match how {
        Resample::Area => FilterType::Box,
        Resample::Linear => FilterType::Bilinear,
    };
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(filter))
        .use_alpha(false)
        .crop(left as f64, top as f64, cw as f64, ch as f64);
    let from = TypedImageRef::<Q>::from_buffer(sw, sh, src.as_raw())
        .expect("an image buffer holds its width × height pixels");
    let mut out = vec![0u8; width as usize * height as usize * usize::from(P::CHANNEL_COUNT)];
    let mut to = TypedImage::<Q>::from_buffer(width, height, &mut out)
        .expect("the destination holds width × height pixels");
    Resizer::new()
        .resize_typed(&from, &mut to, &options)
        .expect("source and destination are not empty");
    ImageBuffer::from_raw(width, height, out).expect("the destination holds width × height pixels")
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Luma, Rgb};

    #[test]
    fn area_means_blocks_and_regions_are_cropped() {
        // Left half black, right half white: halving keeps the edge sharp.
        let img = RgbImage::from_fn(8, 4, |x, _| Rgb([if x < 4 { 0 } else { 200 }; 3]));
        let half = resize_rgb(&img, None, (4, 2), Resample::Area);
        assert_eq!(half.get_pixel(0, 0), &Rgb([0; 3]));
        assert_eq!(half.get_pixel(3, 1), &Rgb([200; 3]));
        // The right half alone is uniformly white.
        let right = resize_rgb(
            &img,
            Some(PixelRect::from_edges(4, 0, 8, 4)),
            (2, 2),
            Resample::Area,
        );
        assert!(right.pixels().all(|p| p == &Rgb([200; 3])), "{right:?}");
        let grey = RgbImage::from_pixel(30, 20, Rgb([90, 100, 110]));
        let smooth = resize_rgb(
            &grey,
            Some(PixelRect {
                x: 3,
                y: 2,
                width: 20,
                height: 15,
            }),
            (7, 5),
            Resample::Linear,
        );
        assert!(smooth.pixels().all(|p| p == &Rgb([90, 100, 110])));
        // A 2 × 2 checkerboard of 0 and 100 averages to 50.
        let board = GrayImage::from_fn(2, 2, |x, y| Luma([if (x + y) % 2 == 0 { 0 } else { 100 }]));
        assert_eq!(
            resize_luma(&board, (1, 1), Resample::Area).get_pixel(0, 0),
            &Luma([50])
        );
    }

    #[test]
    fn empty_sizes_and_regions_outside_give_empty_or_blank_images() {
        let img = RgbImage::new(10, 10);
        assert_eq!(
            resize_rgb(&img, None, (0, 5), Resample::Area).dimensions(),
            (0, 5)
        );
        let outside = resize_rgb(
            &img,
            Some(PixelRect {
                x: 20,
                y: 20,
                width: 5,
                height: 5,
            }),
            (3, 3),
            Resample::Area,
        );
        assert_eq!(outside.dimensions(), (3, 3));
        assert_eq!(
            resize_luma(&GrayImage::new(0, 0), (4, 4), Resample::Linear).dimensions(),
            (4, 4)
        );
        // Enlarging works too.
        assert_eq!(
            resize_luma(&GrayImage::new(2, 2), (9, 7), Resample::Linear).dimensions(),
            (9, 7)
        );
    }
}
