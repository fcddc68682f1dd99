//! JPEG encoding for uploads — baseline, 4:2:0 like camera output, no
//! metadata — on several cores at once: the image is cut into horizontal
//! pieces of whole MCU rows, each thread encodes a run of them, and the
//! pieces' entropy-coded data are joined with restart markers (a restart
//! resets the DC prediction, which is exactly how each piece was encoded
//! alone). The result is one ordinary JPEG that decodes to the same
//! pixels as the one-piece encoding.
//!
//! The encoder is `rusty_jpeg`'s (pure Rust, AVX2 on x86_64, NEON on
//! aarch64; why it, in `rust-core/Cargo.toml`). It is based in part on the
//! work of the Independent JPEG Group.

use image::RgbImage;
use rusty_jpeg::{ColorType, Encoder, SamplingFactor};

use super::jpeg;
use super::ImageInputError;

/// Height of one MCU row at 4:2:0, pixels.
const MCU_ROWS: u32 = 16;
/// Pieces are this many MCU rows (128 pixel rows): each piece's planes stay
/// in the cache between colour conversion and DCT, and the encoder's
/// buffers stay small (on one core, 12 MP in pieces of 128 rows took
/// 60–69 ms where one piece took 64–87 ms).
const PIECE_MCU_ROWS: u32 = 8;
/// Encoding threads at most.
const MAX_THREADS: usize = 4;
/// A restart interval is a 16-bit count of MCUs.
const MAX_INTERVAL_MCUS: u32 = 65_535;

/// `rgb` as a baseline 4:2:0 JPEG at `quality`, encoded in pieces on up to
/// [`MAX_THREADS`] cores.
pub(crate) fn encode_jpeg(rgb: &RgbImage, quality: u8) -> Result<Vec<u8>, ImageInputError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_THREADS);
    encode_in_pieces(rgb, quality, PIECE_MCU_ROWS, threads)
}

/// `rgb` encoded as pieces of `piece_mcu_rows` MCU rows (fewer where a
/// restart interval could not count them), consecutive runs of pieces on
/// each of `threads` threads, joined into one JPEG (one piece: a plain
/// encoding).
fn encode_in_pieces(
    rgb: &RgbImage,
    quality: u8,
    piece_mcu_rows: u32,
    threads: usize,
) -> Result<Vec<u8>, ImageInputError> {
    let (width, height) = rgb.dimensions();
    let mcu_rows = height.div_ceil(MCU_ROWS);
    let mcus_across = width.div_ceil(MCU_ROWS).max(1);
    let piece_mcu_rows = piece_mcu_rows.min(MAX_INTERVAL_MCUS / mcus_across).max(1);
    if piece_mcu_rows >= mcu_rows {
        return encode_piece(rgb.as_raw(), width, height, quality);
    }
    let row_bytes = width as usize * 3;
    let pieces: Vec<&[u8]> = rgb
        .as_raw()
        .chunks((piece_mcu_rows * MCU_ROWS) as usize * row_bytes)
        .collect();
    let per_thread = pieces.len().div_ceil(threads.max(1));
    let encoded: Vec<Result<Vec<u8>, ImageInputError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = pieces
            .chunks(per_thread)
            .map(|run| {
                scope.spawn(move || {
                    run.iter()
                        .map(|piece| {
                            let rows = (piece.len() / row_bytes) as u32;
                            encode_piece(piece, width, rows, quality)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let encoded = encoded.into_iter().collect::<Result<Vec<_>, _>>()?;
    join(&encoded, height, (mcus_across * piece_mcu_rows) as u16)
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
    let damaged = || ImageInputError::corrupt("a JPEG piece could not be joined");
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
    fn pieces_decode_to_exactly_the_pixels_of_the_one_piece_encoding() {
        // Heights that end mid-MCU and widths that are not multiples of 16.
        for (w, h) in [(1003, 1210), (640, 512), (97, 1601)] {
            let img = photo(w, h);
            let whole = encode_piece(img.as_raw(), w, h, 88).unwrap();
            let decoded = |bytes: &[u8]| image::load_from_memory(bytes).unwrap().to_rgb8();
            let reference = decoded(&whole);
            for (piece_mcu_rows, threads) in [(1, 1), (2, 3), (5, 2), (8, 4)] {
                let joined = encode_in_pieces(&img, 88, piece_mcu_rows, threads).unwrap();
                assert_eq!(
                    decoded(&joined),
                    reference,
                    "{w}×{h} in pieces of {piece_mcu_rows} MCU rows on {threads} threads"
                );
                // Another decoder reads it too.
                let mut other = jpeg_decoder::Decoder::new(joined.as_slice());
                assert_eq!(other.decode().unwrap().len(), (w * h * 3) as usize);
            }
        }
    }

    /// PSNR of `decoded` against `original`, dB.
    fn psnr(original: &RgbImage, decoded: &[u8]) -> f64 {
        let squared: f64 = original
            .as_raw()
            .iter()
            .zip(decoded)
            .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
            .sum();
        10.0 * (255.0f64.powi(2) * original.as_raw().len() as f64 / squared).log10()
    }

    #[test]
    fn quality_buys_fidelity_and_costs_bytes_as_two_decoders_read_it() {
        // A smooth camera-like scene with mild noise and one hard edge.
        let mut state = 0x9e37_79b9u32;
        let img = RgbImage::from_fn(800, 600, |x, y| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            let n = (state % 7) as i32 - 3;
            let edge = if x > 400 && y > 300 { 60 } else { 0 };
            let c = |v: u32| (v as i32 + n + edge).clamp(0, 255) as u8;
            image::Rgb([c(60 + x / 8), c(40 + y / 5), c(90 + (x + y) / 16)])
        });
        let mut last: Option<(usize, f64)> = None;
        for quality in [70, 85, 92] {
            let jpeg = encode_jpeg(&img, quality).unwrap();
            let ours = image::load_from_memory(&jpeg).unwrap().to_rgb8();
            let other = jpeg_decoder::Decoder::new(jpeg.as_slice())
                .decode()
                .unwrap();
            let (a, b) = (psnr(&img, ours.as_raw()), psnr(&img, &other));
            assert!(
                a > 34.0 && (a - b).abs() < 0.5,
                "q{quality}: {a:.2} / {b:.2} dB"
            );
            if let Some((bytes, db)) = last {
                assert!(
                    jpeg.len() > bytes && a > db,
                    "q{quality}: {} B, {a:.2} dB",
                    jpeg.len()
                );
            }
            last = Some((jpeg.len(), a));
        }
    }

    #[test]
    fn small_images_are_one_piece() {
        let img = photo(64, 64);
        assert_eq!(
            encode_in_pieces(&img, 90, PIECE_MCU_ROWS, 4).unwrap(),
            encode_piece(img.as_raw(), 64, 64, 90).unwrap()
        );
    }
}
