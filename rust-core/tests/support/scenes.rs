//! Pictures for the capture tests and benchmarks: the administrator on the
//! blue backdrop (a real face from the registry photos, on a drawn backdrop
//! with light characters and a drawn body), a document sheet on a table,
//! and an order QR code on a screen.

#![allow(dead_code)] // each test binary uses its own share

use icp_companion::inspect::find_faces;
use image::{imageops, DynamicImage, GrayImage, Rgb, RgbImage, Rgba, RgbaImage};

/// The backdrop blue.
const BLUE: Rgb<u8> = Rgb([22, 96, 190]);

/// A real face photo with its face box: the astronaut of scikit-image
/// (fetched into `$ICP_FACE_PHOTOS` by tests/setup-deps.sh).
pub struct Face {
    photo: RgbImage,
    face: (f64, f64, f64, f64),
}

impl Face {
    /// The astronaut, or `None` when the photos were not fetched.
    pub fn astronaut() -> Option<Face> {
        let dir = std::env::var_os("ICP_FACE_PHOTOS")?;
        let photo = image::open(std::path::Path::new(&dir).join("astronaut.png"))
            .ok()?
            .to_rgb8();
        let b = find_faces(&DynamicImage::ImageRgb8(photo.clone()))
            .into_iter()
            .next()?;
        Some(Face {
            photo,
            face: (b.x as f64, b.y as f64, b.width as f64, b.height as f64),
        })
    }
}

/// Where the administrator stands and what they wear.
#[derive(Debug, Clone, Copy)]
pub struct Pose {
    /// Horizontal centre of the face, fraction of the width.
    pub centre: f64,
    /// Face width, fraction of the picture width.
    pub face_width: f64,
    /// Clothing colour.
    pub clothing: Rgb<u8>,
}

impl Pose {
    /// Centred, a face a quarter of the width, dark grey clothes.
    pub fn good() -> Pose {
        Pose {
            centre: 0.5,
            face_width: 0.25,
            clothing: Rgb([48, 48, 52]),
        }
    }
}

/// A `w`×`h` blue backdrop with rows of light character-like strokes.
pub fn backdrop(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let (cx, cy) = (x % 90, y % 120);
        let stroke = (20..70).contains(&cx) && (30..80).contains(&cy) && {
            let (u, v) = (cx - 20, cy - 30);
            v % 16 < 5 || (u % 25 < 5 && (y / 120 + x / 90) % 2 == 0)
        };
        if stroke && (y / 120) % 2 == 0 {
            Rgb([236, 240, 248])
        } else {
            BLUE
        }
    })
}

/// The administrator on the backdrop in `pose`, `w`×`h` (portrait).
pub fn admin_scene(face: &Face, pose: Pose, w: u32, h: u32) -> RgbImage {
    let mut canvas = backdrop(w, h);
    let (fx, fy, fw, fh) = face.face;
    let target_fw = pose.face_width * w as f64;
    let s = target_fw / fw;
    // The head: face box plus hair and neck, feathered ellipse.
    let (left, top) = ((fx - 0.5 * fw).max(0.0), (fy - 0.75 * fh).max(0.0));
    let (right, bottom) = (
        (fx + 1.5 * fw).min(face.photo.width() as f64),
        (fy + 1.35 * fh).min(face.photo.height() as f64),
    );
    let crop = imageops::crop_imm(
        &face.photo,
        left as u32,
        top as u32,
        (right - left) as u32,
        (bottom - top) as u32,
    )
    .to_image();
    let (cw, ch) = (((right - left) * s) as u32, ((bottom - top) * s) as u32);
    let crop = imageops::resize(&crop, cw, ch, imageops::FilterType::CatmullRom);
    let (ffx, ffy, ffw, ffh) = ((fx - left) * s, (fy - top) * s, fw * s, fh * s);
    let (ecx, ecy, rx, ry) = (ffx + ffw / 2.0, ffy + 0.22 * ffh, 0.62 * ffw, 0.80 * ffh);
    let face_x = pose.centre * w as f64 - (ffx + ffw / 2.0);
    let face_y = 0.22 * h as f64 - ffy;
    // The body: shoulders from under the chin to the bottom edge.
    let chin = face_y + ffy + ffh * 1.05;
    let (bcx, half) = (pose.centre * w as f64, ffw * 1.25);
    for y in (chin.max(0.0) as u32)..h {
        let t = ((y as f64 - chin) / (0.3 * h as f64)).min(1.0);
        let reach = half * (0.55 + 0.45 * t);
        for x in ((bcx - reach).max(0.0) as u32)..((bcx + reach).min(w as f64) as u32) {
            canvas.put_pixel(x, y, pose.clothing);
        }
    }
    let mut head = RgbaImage::new(cw, ch);
    for (x, y, p) in crop.enumerate_pixels() {
        let (dx, dy) = ((x as f64 - ecx) / rx, (y as f64 - ecy) / ry);
        let ellipse = dx * dx + dy * dy;
        let neck = (x as f64 - ecx).abs() < 0.2 * ffw && y as f64 > ffy + 0.8 * ffh;
        let alpha = if neck {
            1.0
        } else {
            ((1.0 - ellipse) * 8.0).clamp(0.0, 1.0)
        };
        head.put_pixel(x, y, Rgba([p[0], p[1], p[2], (alpha * 255.0) as u8]));
    }
    let mut rgba = DynamicImage::ImageRgb8(canvas).to_rgba8();
    imageops::overlay(&mut rgba, &head, face_x as i64, face_y as i64);
    DynamicImage::ImageRgba8(rgba).to_rgb8()
}

/// A `w`×`h` photo of an A4 sheet on a wooden table, the sheet's top-left
/// corner at (`x`, `y`) and `sheet_w` wide, with a coloured header and
/// lines of print.
pub fn document_scene(w: u32, h: u32, x: i64, y: i64, sheet_w: i64) -> RgbImage {
    let sheet_h = sheet_w * 210 / 297;
    RgbImage::from_fn(w, h, |px, py| {
        let (dx, dy) = (px as i64 - x, py as i64 - y);
        if dx < 0 || dy < 0 || dx >= sheet_w || dy >= sheet_h {
            let grain = ((px / 7 + py / 3) % 11) as u8;
            return Rgb([88 + grain, 58 + grain / 2, 36]);
        }
        let line = sheet_w / 120;
        if dy < sheet_h / 9 {
            Rgb([30, 110, 200])
        } else if (dy / line.max(1)) % 4 == 0
            && dx > sheet_w / 15
            && dx < sheet_w * 2 / 3
            && (dx / 10) % 3 != 0
        {
            Rgb([35, 35, 40])
        } else {
            Rgb([236, 232, 222])
        }
    })
}

/// `code` (a QR code picture) shown on a `w`×`h` screen, `side` pixels
/// wide, at brightness `level` (0–255 white).
pub fn qr_scene(code: &GrayImage, w: u32, h: u32, side: u32, level: u8) -> RgbImage {
    let code = imageops::resize(code, side, side, imageops::FilterType::Nearest);
    let scale = |v: u8| (v as u32 * level as u32 / 255) as u8;
    let mut canvas = RgbImage::from_pixel(w, h, Rgb([scale(235), scale(235), scale(235)]));
    let (ox, oy) = ((w - side) / 2, (h - side) / 2);
    for (x, y, p) in code.enumerate_pixels() {
        let v = scale(p[0]);
        canvas.put_pixel(ox + x, oy + y, Rgb([v, v, v]));
    }
    canvas
}
