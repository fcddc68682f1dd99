//! Pictures the demo photographs, and the capture tests and benchmarks
//! use: the administrator on the blue backdrop or a white one (a real face
//! — the demo's shipped portrait or the registry photos — on a drawn
//! backdrop with light characters, above drawn clothes), document photos on
//! a table (an ID card, a business licence, an authenticity statement, a
//! plain sheet), and an order QR code on a screen. The CLI owns this file;
//! the core's tests and benches include it by path.

#![allow(dead_code)] // each test binary uses its own share

use icp_companion_core::inspect::find_faces;
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
        Face::in_photo(photo)
    }

    /// The demo's administrator: the shipped portrait (public domain; see
    /// `cli/data/README.md`).
    pub fn demo_portrait() -> Face {
        let photo = image::load_from_memory(include_bytes!("../data/demo-portrait.jpg"))
            .expect("the shipped portrait decodes")
            .to_rgb8();
        Face::in_photo(photo).expect("the shipped portrait shows a face")
    }

    /// The first face the detector finds in `photo`.
    pub fn in_photo(photo: RgbImage) -> Option<Face> {
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

/// The administrator on the blue backdrop in `pose`, `w`×`h` (portrait).
pub fn admin_scene(face: &Face, pose: Pose, w: u32, h: u32) -> RgbImage {
    person(backdrop(w, h), face, pose)
}

/// The administrator in front of a white wall (the app flow), `w`×`h`.
pub fn app_scene(face: &Face, pose: Pose, w: u32, h: u32) -> RgbImage {
    let wall = RgbImage::from_fn(w, h, |x, y| {
        let shade = 238 - ((x + 2 * y) * 10 / (w + 2 * h)) as u8;
        Rgb([shade, shade, shade.saturating_sub(2)])
    });
    person(wall, face, pose)
}

/// `face` on `canvas` in `pose`, above drawn clothes.
fn person(mut canvas: RgbImage, face: &Face, pose: Pose) -> RgbImage {
    let (w, h) = canvas.dimensions();
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
        let line = (sheet_w / 120).max(1);
        if dy < sheet_h / 9 {
            Rgb([30, 110, 200])
        } else if (dy / line) % 4 == 0
            && dx > sheet_w / 15
            && dx < sheet_w * 2 / 3
            && !word_gap(dx / 10, dy / line)
        {
            Rgb([35, 35, 40])
        } else {
            Rgb([236, 232, 222])
        }
    })
}

/// Whether the 10 px cell `cell` of print line `row` is a gap between words:
/// one cell in four, at places a hash picks, as words of a real page vary in
/// length (evenly spaced dashes would be a lattice, which only a screen is).
fn word_gap(cell: i64, row: i64) -> bool {
    let h = (cell.wrapping_mul(73_856_093) ^ row.wrapping_mul(19_349_663)) as u64;
    h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 62 == 0
}

/// Paints a filled rectangle.
fn fill(img: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, colour: Rgb<u8>) {
    for py in y.max(0)..(y + h).min(img.height() as i64) {
        for px in x.max(0)..(x + w).min(img.width() as i64) {
            img.put_pixel(px as u32, py as u32, colour);
        }
    }
}

/// Paints `lines` lines of print from (`x`, `y`), each `width` long, `pitch`
/// apart, broken into words.
fn print_lines(img: &mut RgbImage, x: i64, y: i64, width: i64, pitch: i64, lines: i64, seed: i64) {
    let ink = Rgb([38, 38, 44]);
    for line in 0..lines {
        let mut px = x;
        let end = x + width - ((line * 37 + seed * 11) % (width / 3).max(1));
        let mut word = 0;
        while px < end {
            let len = 14 + ((line * 7 + word * 13 + seed) % 5) * 9;
            fill(img, px, y + line * pitch, len.min(end - px), pitch / 3, ink);
            px += len + 9;
            word += 1;
        }
    }
}

/// Paints a red seal: a ring with a star, `r` pixels in radius.
fn seal(img: &mut RgbImage, cx: i64, cy: i64, r: i64) {
    let red = Rgb([212, 36, 44]);
    for py in (cy - r).max(0)..(cy + r).min(img.height() as i64) {
        for px in (cx - r).max(0)..(cx + r).min(img.width() as i64) {
            let (dx, dy) = (px - cx, py - cy);
            let d2 = dx * dx + dy * dy;
            let ring = (r * r * 81 / 100..r * r).contains(&d2);
            let star = dx.abs() + dy.abs() < r / 4 || (dy.abs() < r / 16 && dx.abs() < r * 5 / 8);
            if ring || (star && d2 < r * r / 4) {
                img.put_pixel(px as u32, py as u32, red);
            }
        }
    }
}

/// A `w`×`h` wooden table.
fn table(w: u32, h: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |px, py| {
        let grain = ((px / 7 + py / 3) % 11) as u8;
        Rgb([88 + grain, 58 + grain / 2, 36])
    })
}

/// A photo (2000 × 1500) of a resident ID card on a table: a pale blue
/// card (85.6 × 54 mm) with the holder's photo, the printed fields and the
/// number line.
pub fn id_card_scene(holder: &Face) -> RgbImage {
    let mut img = table(2000, 1500);
    let (x, y, w) = (260i64, 230i64, 1480i64);
    let h = w * 54 / 86;
    fill(&mut img, x, y, w, h, Rgb([214, 230, 240]));
    fill(&mut img, x, y + h * 3 / 4, w, h / 4, Rgb([196, 218, 236]));
    // The holder's colour photo on white, on the right.
    let (pw, ph) = ((w * 29 / 100) as u32, (h * 55 / 100) as u32);
    let photo = person(
        RgbImage::from_pixel(pw, ph, Rgb([238, 240, 242])),
        holder,
        Pose {
            centre: 0.5,
            face_width: 0.5,
            clothing: Rgb([34, 44, 78]),
        },
    );
    imageops::replace(&mut img, &photo, x + w * 64 / 100, y + h / 9);
    print_lines(&mut img, x + w / 12, y + h / 8, w / 2, h / 11, 6, 1);
    // The 18-digit number, long and alone.
    fill(
        &mut img,
        x + w * 30 / 100,
        y + h * 84 / 100,
        w * 60 / 100,
        h / 25,
        Rgb([30, 30, 36]),
    );
    img
}

/// A photo (2000 × 1500) of a business licence on a table: a landscape
/// certificate with a red-and-gold border, the title, the fields and the
/// registrar's red seal.
pub fn licence_scene() -> RgbImage {
    let mut img = table(2000, 1500);
    let (x, y, w) = (140i64, 120i64, 1720i64);
    let h = w * 210 / 297;
    fill(&mut img, x, y, w, h, Rgb([178, 42, 38]));
    fill(
        &mut img,
        x + 26,
        y + 26,
        w - 52,
        h - 52,
        Rgb([214, 176, 90]),
    );
    fill(
        &mut img,
        x + 40,
        y + 40,
        w - 80,
        h - 80,
        Rgb([244, 238, 222]),
    );
    fill(
        &mut img,
        x + w * 35 / 100,
        y + h / 10,
        w * 30 / 100,
        h / 14,
        Rgb([40, 36, 34]),
    );
    print_lines(
        &mut img,
        x + w / 10,
        y + h * 3 / 10,
        w * 45 / 100,
        h / 16,
        9,
        2,
    );
    print_lines(
        &mut img,
        x + w * 58 / 100,
        y + h * 3 / 10,
        w * 30 / 100,
        h / 16,
        4,
        3,
    );
    seal(&mut img, x + w * 74 / 100, y + h * 70 / 100, h * 16 / 100);
    img
}

/// A photo (1500 × 2000) of a signed authenticity statement on a table: an
/// A4 form with its table of fields, the signature and, when `sealed`, the
/// organisation's red seal.
pub fn statement_scene(sealed: bool) -> RgbImage {
    let mut img = table(1500, 2000);
    let (x, y, w) = (150i64, 130i64, 1200i64);
    let h = w * 297 / 210;
    fill(&mut img, x, y, w, h, Rgb([246, 245, 240]));
    fill(
        &mut img,
        x + w * 30 / 100,
        y + h / 18,
        w * 40 / 100,
        h / 40,
        Rgb([34, 34, 38]),
    );
    // The form's grid.
    for row in 0..12 {
        fill(
            &mut img,
            x + w / 12,
            y + h / 8 + row * h / 18,
            w * 10 / 12,
            3,
            Rgb([60, 60, 66]),
        );
    }
    print_lines(
        &mut img,
        x + w / 10,
        y + h / 8 + 18,
        w * 75 / 100,
        h / 18,
        11,
        4,
    );
    // The signature, in black ink.
    for i in 0..260i64 {
        let sx = x + w * 55 / 100 + i;
        let sy = y + h * 86 / 100 + ((i as f64 / 18.0).sin() * 22.0) as i64;
        fill(&mut img, sx, sy, 4, 4, Rgb([20, 20, 28]));
    }
    if sealed {
        seal(&mut img, x + w * 74 / 100, y + h * 84 / 100, w * 15 / 100);
    }
    img
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

/// `image` as a PNG file's bytes.
pub fn png(image: &DynamicImage) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("encoding a PNG in memory");
    bytes.into_inner()
}
