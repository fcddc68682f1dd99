//! JPEG encoding for uploads — baseline, 4:2:0 like camera output, no
//! metadata — on several cores at once: the image is cut into horizontal
//! strips of whole MCU rows, each strip is encoded on its own thread, and
//! the strips' entropy-coded data are joined with restart markers (a
//! restart resets the DC prediction, which is exactly how each strip was
//! encoded alone). The result is one ordinary JPEG that decodes to the same
//! pixels as the one-piece encoding.

use image::RgbImage;
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

use super::jpeg;
use super::ImageInputError;

/// Height of one MCU row at 4:2:0, pixels.
const MCU_ROWS: u32 = 16;
/// Strips are not cut smaller than this many MCU rows (below, threads cost
/// more than they save).
const MIN_STRIP_MCU_ROWS: u32 = 16;
/// Encoding threads at most.
const MAX_THREADS: usize = 4;
/// A restart interval is a 16-bit count of MCUs.
const MAX_INTERVAL_MCUS: u32 = 65_535;

/// `rgb` as a baseline 4:2:0 JPEG at `quality`, encoded in strips on up to
/// [`MAX_THREADS`] cores.
pub(crate) fn encode_jpeg(rgb: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageInputError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_THREADS) as u32;
    encode_in_strips(rgb, quality, threads)
}

/// `rgb` encoded as `strips` pieces joined into one JPEG (one piece: a plain
/// encoding).
pub(crate) fn encode_in_strips(
    rgb: &RgbImage,
    quality: u8,
    strips: u32,
) -> Result<Vec<u8>, ImageInputError> {
    let (width, height) = rgb.dimensions();
    let mcu_rows = height.div_ceil(MCU_ROWS);
    let mcus_across = width.div_ceil(MCU_ROWS).max(1);
    let strip_mcu_rows = mcu_rows
        .div_ceil(strips.max(1))
        .max(MIN_STRIP_MCU_ROWS)
        .min(MAX_INTERVAL_MCUS / mcus_across)
        .max(1);
    if strip_mcu_rows >= mcu_rows {
        return encode_piece(rgb.as_raw(), width, height, quality);
    }
    let row_bytes = width as usize * 3;
    let strip_rows = (strip_mcu_rows * MCU_ROWS) as usize;
    let pieces: Vec<Result<Vec<u8>, ImageInputError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = rgb
            .as_raw()
            .chunks(strip_rows * row_bytes)
            .map(|chunk| {
                let rows = (chunk.len() / row_bytes) as u32;
                scope.spawn(move || encode_piece(chunk, width, rows, quality))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let pieces = pieces.into_iter().collect::<Result<Vec<_>, _>>()?;
    join(&pieces, height, (mcus_across * strip_mcu_rows) as u16)
}

/// One plain JPEG of `rows` rows of RGB `pixels`.
fn encode_piece(
    pixels: &[u8],
    width: u32,
    rows: u32,
    quality: u8,
) -> Result<Vec<u8>, ImageInputError> {
    let mut out = Vec::with_capacity(pixels.len() / 8);
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(SamplingFactor::F_2_2);
    let too_large = || ImageInputError::too_large(width, rows, 3.0);
    let (w, h) = (
        u16::try_from(width).map_err(|_| too_large())?,
        u16::try_from(rows).map_err(|_| too_large())?,
    );
    encoder
        .encode(pixels, w, h, ColorType::Rgb)
        .map_err(ImageInputError::corrupt)?;
    Ok(out)
}

/// The pieces (same width, tables and sampling) as one JPEG of `height`
/// rows: the first piece's headers with the full height and a restart
/// interval of one piece, then each piece's entropy-coded data, a restart
/// marker between two.
fn join(pieces: &[Vec<u8>], height: u32, interval: u16) -> Result<Vec<u8>, ImageInputError> {
    let damaged = || ImageInputError::corrupt("a JPEG strip could not be joined");
    let first = jpeg::layout(&pieces[0]).ok_or_else(damaged)?;
    let mut out = Vec::with_capacity(pieces.iter().map(Vec::len).sum::<usize>() + 64);
    out.extend_from_slice(&[0xFF, 0xD8]);
    for segment in &first.segments {
        let start = out.len();
        out.extend_from_slice(&pieces[0][segment.span.clone()]);
        if is_baseline_frame(segment.marker) {
            let h = u16::try_from(height).map_err(|_| damaged())?;
            out[start + 5..start + 7].copy_from_slice(&h.to_be_bytes());
        }
    }
    out.extend_from_slice(&[0xFF, 0xDD, 0x00, 0x04]);
    out.extend_from_slice(&interval.to_be_bytes());
    for (i, piece) in pieces.iter().enumerate() {
        let layout = jpeg::layout(piece).ok_or_else(damaged)?;
        let scan = layout.first_scan;
        let header = 2 + usize::from(u16::from_be_bytes([piece[scan + 2], piece[scan + 3]]));
        if !piece.ends_with(&[0xFF, 0xD9]) || piece.len() < scan + header + 2 {
            return Err(damaged());
        }
        if i == 0 {
            out.extend_from_slice(&piece[scan..scan + header]);
        } else {
            out.extend_from_slice(&[0xFF, 0xD0 + ((i - 1) % 8) as u8]);
        }
        out.extend_from_slice(&piece[scan + header..piece.len() - 2]);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    Ok(out)
}

fn is_baseline_frame(marker: u8) -> bool {
    marker == 0xC0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(width: u32, height: u32) -> RgbImage {
        let mut state = 0x1234_5678u32;
        RgbImage::from_fn(width, height, |x, y| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let n = (state % 21) as i32 - 10;
            let c = |v: u32| (v as i32 + n).clamp(0, 255) as u8;
            image::Rgb([c(x * 255 / width), c(y * 255 / height), c((x + y) % 256)])
        })
    }

    #[test]
    fn strips_decode_to_exactly_the_pixels_of_the_one_piece_encoding() {
        // Heights that end mid-MCU and widths that are not multiples of 16.
        for (w, h) in [(1003, 1210), (640, 512), (97, 1601)] {
            let img = photo(w, h);
            let whole = encode_in_strips(&img, 88, 1).unwrap();
            let decoded = |bytes: &[u8]| image::load_from_memory(bytes).unwrap().to_rgb8();
            let reference = decoded(&whole);
            for strips in [2, 3, 4] {
                let joined = encode_in_strips(&img, 88, strips).unwrap();
                assert_eq!(decoded(&joined), reference, "{w}×{h} in {strips} strips");
                // Another decoder reads it too.
                let mut other = jpeg_decoder::Decoder::new(joined.as_slice());
                assert_eq!(other.decode().unwrap().len(), (w * h * 3) as usize);
            }
        }
    }

    #[test]
    fn small_images_are_one_piece() {
        let img = photo(64, 64);
        assert_eq!(
            encode_in_strips(&img, 90, 4).unwrap(),
            encode_in_strips(&img, 90, 1).unwrap()
        );
    }
}
