//! Drawing an order code as PNG or SVG (level M, 4-module quiet zone).

use qrcode::{Color, EcLevel, QrCode};

use super::OrderError;

/// Width of the light border around the code, in modules (ISO/IEC 18004).
const QUIET_ZONE: u32 = 4;
/// Largest module size accepted for PNG rendering, in pixels.
const MAX_MODULE_PX: u32 = 64;

/// The dark/light modules of a QR code at error-correction level M.
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
    version: i16,
}

impl QrMatrix {
    /// Encodes `text` at level M with the smallest version that fits.
    pub fn new(text: &str) -> Result<QrMatrix, OrderError> {
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
            .map_err(|_| OrderError::TooLarge { bytes: text.len() })?;
        let version = match code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        };
        Ok(QrMatrix {
            width: code.width(),
            dark: code
                .to_colors()
                .into_iter()
                .map(|c| c == Color::Dark)
                .collect(),
            version,
        })
    }

    /// Modules per side, without the quiet zone.
    pub fn width(&self) -> usize {
        self.width
    }

    /// QR version (1–40).
    pub fn version(&self) -> i16 {
        self.version
    }

    /// Whether the module at (x, y) is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.width + x]
    }

    /// The code as grey pixels (0 dark, 255 light), `module_px` pixels per
    /// module, with the quiet zone: (side in pixels, row-major pixels).
    pub fn to_luma(&self, module_px: u32) -> Result<(u32, Vec<u8>), OrderError> {
        if module_px == 0 || module_px > MAX_MODULE_PX {
            return Err(OrderError::invalid(
                format!("the module size must be 1–{MAX_MODULE_PX} pixels"),
                format!("模块大小应为 1–{MAX_MODULE_PX} 像素"),
            ));
        }
        let side = (self.width as u32 + 2 * QUIET_ZONE) * module_px;
        let modules = QUIET_ZONE..QUIET_ZONE + self.width as u32;
        let mut pixels = Vec::with_capacity((side * side) as usize);
        for y in 0..side {
            for x in 0..side {
                let (mx, my) = (x / module_px, y / module_px);
                let dark = modules.contains(&mx)
                    && modules.contains(&my)
                    && self.is_dark((mx - QUIET_ZONE) as usize, (my - QUIET_ZONE) as usize);
                pixels.push(if dark { 0 } else { 255 });
            }
        }
        Ok((side, pixels))
    }
}

/// PNG bytes of `text` as a QR code, `module_px` pixels per module.
pub fn render_png(text: &str, module_px: u32) -> Result<Vec<u8>, OrderError> {
    let (side, pixels) = QrMatrix::new(text)?.to_luma(module_px)?;
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut writer| writer.write_image_data(&pixels))
        .map_err(|e| OrderError::malformed(format!("PNG encoding failed: {e}")))?;
    Ok(png)
}

/// SVG text of `text` as a QR code; scales without loss on any screen.
pub fn render_svg(text: &str) -> Result<String, OrderError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| OrderError::TooLarge { bytes: text.len() })?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}
