//! Hostile and damaged image files for the decoding budget, shared by the
//! test that asserts their refusal (`tests/bombs.rs`) and the benchmark that
//! measures their peak memory and time (`benches/bombs.rs`). Each header
//! declares what it claims; where the decoder must refuse from the header
//! alone, the pixel data behind it is a stub.

use rusty_jpeg::{ColorType, Encoder};

/// What decoding a file must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Refused as too large (`image.too_large`).
    TooLarge,
    /// Refused as damaged (`image.corrupt`).
    Corrupt,
    /// Refused, as too large or damaged.
    Refused,
    /// Decoded, in RGB and in grey, at (DCT scale denominator, width,
    /// height): grey takes a third of the memory, so it may keep more.
    Decoded {
        /// RGB, for the checks.
        rgb: (u32, u32, u32),
        /// Grey, for the QR scanner.
        luma: (u32, u32, u32),
    },
}

/// One file and what must become of it.
pub struct Bomb {
    /// What it is.
    pub name: &'static str,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The expected outcome.
    pub expect: Expect,
}

fn jpeg(width: u16, height: u16, colour: ColorType, progressive: bool, quality: u8) -> Vec<u8> {
    let channels = match colour {
        ColorType::Luma => 1,
        _ => 3,
    };
    let pixels: Vec<u8> = (0..usize::from(width) * usize::from(height) * channels)
        .map(|i| ((i / channels) % usize::from(width) * 255 / usize::from(width).max(1)) as u8)
        .collect();
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, quality);
    encoder.set_progressive(progressive);
    encoder
        .encode(&pixels, width, height, colour)
        .expect("a small JPEG encodes");
    out
}

/// `bytes` (a JPEG) with its frame header declaring `width` × `height`.
fn declare_jpeg(mut bytes: Vec<u8>, width: u16, height: u16) -> Vec<u8> {
    let sof = bytes
        .windows(2)
        .position(|w| w[0] == 0xFF && (w[1] == 0xC0 || w[1] == 0xC2))
        .expect("a frame header");
    bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    bytes
}

/// The classic 43-byte 1 × 1 GIF with its logical screen (and, when
/// `frame`, its one frame) declaring `width` × `height`.
fn gif(width: u16, height: u16, frame: bool) -> Vec<u8> {
    let mut bytes = b"GIF89a".to_vec();
    let (screen_w, screen_h) = if frame { (100, 100) } else { (width, height) };
    bytes.extend_from_slice(&screen_w.to_le_bytes());
    bytes.extend_from_slice(&screen_h.to_le_bytes());
    bytes.extend_from_slice(&[0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0, b',', 0, 0, 0, 0]);
    let (frame_w, frame_h) = if frame { (width, height) } else { (1, 1) };
    bytes.extend_from_slice(&frame_w.to_le_bytes());
    bytes.extend_from_slice(&frame_h.to_le_bytes());
    bytes.extend_from_slice(&[0, 2, 2, b'D', 1, 0, b';']);
    bytes
}

/// A PNG whose header declares `width` × `height` RGB pixels (8 bits),
/// with one stub data chunk.
fn png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A real 1200 × 900 photo-like PNG, to be cut short.
fn real_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1200, 900, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x * y) % 239) as u8])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encodes");
    out
}

/// Every case, in a stable order.
pub fn all() -> Vec<Bomb> {
    let photo = jpeg(1200, 900, ColorType::Rgb, false, 90);
    let cut = |bytes: &[u8], share: f64| bytes[..(bytes.len() as f64 * share) as usize].to_vec();
    let png_photo = real_png();
    vec![
        Bomb {
            name: "GIF of 35 bytes, screen 16384 × 16384",
            bytes: gif(16_384, 16_384, false),
            expect: Expect::TooLarge,
        },
        Bomb {
            name: "GIF, small screen, one frame 16000 × 16000",
            bytes: gif(16_000, 16_000, true),
            expect: Expect::TooLarge,
        },
        Bomb {
            name: "PNG declaring 16384 × 16384 RGB",
            bytes: png(16_384, 16_384),
            expect: Expect::TooLarge,
        },
        Bomb {
            name: "JPEG, 2 KB, declaring 16000 × 16000",
            bytes: declare_jpeg(jpeg(64, 64, ColorType::Rgb, false, 80), 16_000, 16_000),
            expect: Expect::Refused,
        },
        Bomb {
            name: "progressive grey JPEG declaring 16384 × 16384",
            bytes: declare_jpeg(jpeg(64, 64, ColorType::Luma, true, 80), 16_384, 16_384),
            expect: Expect::TooLarge,
        },
        Bomb {
            name: "JPEG 1200 × 900 cut to 10 %",
            bytes: cut(&photo, 0.1),
            expect: Expect::Corrupt,
        },
        Bomb {
            name: "JPEG 1200 × 900 cut to 50 %",
            bytes: cut(&photo, 0.5),
            expect: Expect::Corrupt,
        },
        Bomb {
            name: "JPEG 1200 × 900 cut to 90 %",
            bytes: cut(&photo, 0.9),
            expect: Expect::Corrupt,
        },
        Bomb {
            name: "PNG 1200 × 900 cut to 50 %",
            bytes: cut(&png_photo, 0.5),
            expect: Expect::Corrupt,
        },
        Bomb {
            name: "JPEG 4000 × 3000 (12 MP), a phone photo",
            bytes: jpeg(4000, 3000, ColorType::Rgb, false, 90),
            expect: Expect::Decoded {
                rgb: (1, 4000, 3000),
                luma: (1, 4000, 3000),
            },
        },
        Bomb {
            name: "JPEG 8000 × 6000 (48 MP), a real photo's size",
            bytes: jpeg(8000, 6000, ColorType::Rgb, false, 85),
            expect: Expect::Decoded {
                rgb: (2, 4000, 3000),
                luma: (1, 8000, 6000),
            },
        },
    ]
}
