//! Simulated phone photos of a QR code shown on a computer monitor: the
//! page, the screen's pixel grid (the source of moiré), perspective, glare,
//! blur, sensor noise and low contrast, each with a severity 1–3.

use icp_companion_core::order::QrMatrix;
use image::{Rgb, RgbImage};
use imageproc::geometric_transformations::{warp_into, Border, Interpolation, Projection};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// One kind of degradation (plus `Clean` and `Monitor`, all of them at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Distortion {
    Clean,
    Perspective,
    Blur,
    Noise,
    LowContrast,
    Moire,
    Glare,
    Small,
    Inverted,
    Monitor,
}

impl Distortion {
    /// Every kind, in table order.
    pub const ALL: [Distortion; 10] = [
        Distortion::Clean,
        Distortion::Perspective,
        Distortion::Blur,
        Distortion::Noise,
        Distortion::LowContrast,
        Distortion::Moire,
        Distortion::Glare,
        Distortion::Small,
        Distortion::Inverted,
        Distortion::Monitor,
    ];

    /// Name used in labels and tables.
    pub fn name(self) -> &'static str {
        match self {
            Distortion::Clean => "clean",
            Distortion::Perspective => "perspective",
            Distortion::Blur => "blur",
            Distortion::Noise => "noise",
            Distortion::LowContrast => "low-contrast",
            Distortion::Moire => "moire",
            Distortion::Glare => "glare",
            Distortion::Small => "small",
            Distortion::Inverted => "inverted",
            Distortion::Monitor => "monitor",
        }
    }
}

/// How the photo is degraded; `Scene::for_kind` fills it from a kind and severity.
struct Scene {
    /// Side of the code with its quiet zone, as a fraction of the page width.
    code_fraction: f32,
    corner_jitter: f32,
    blur_sigma: f32,
    noise_sigma: f32,
    contrast: f32,
    pixel_grid: f32,
    glare: f32,
    inverted: bool,
}

impl Scene {
    fn for_kind(kind: Distortion, severity: u8, rng: &mut ChaCha8Rng) -> Scene {
        let s = severity.clamp(1, 3) as f32;
        let mut scene = Scene {
            code_fraction: rng.random_range(0.25..0.5),
            corner_jitter: 0.02,
            blur_sigma: 0.7,
            noise_sigma: 3.0,
            contrast: 0.9,
            pixel_grid: 0.0,
            glare: 0.0,
            inverted: false,
        };
        match kind {
            Distortion::Clean => {}
            Distortion::Perspective => scene.corner_jitter = 0.04 + 0.06 * s,
            Distortion::Blur => scene.blur_sigma = 0.5 + 1.0 * s,
            Distortion::Noise => scene.noise_sigma = 15.0 * s,
            Distortion::LowContrast => scene.contrast = [0.35, 0.2, 0.12][s as usize - 1],
            Distortion::Moire => {
                scene.pixel_grid = 0.2 + 0.2 * s;
            }
            Distortion::Glare => scene.glare = 0.4 + 0.3 * s,
            Distortion::Small => scene.code_fraction = [0.12, 0.09, 0.07][s as usize - 1],
            Distortion::Inverted => scene.inverted = true,
            Distortion::Monitor => {
                scene.corner_jitter = 0.03 + 0.03 * s;
                scene.blur_sigma = 0.8 + 0.3 * s;
                scene.noise_sigma = 4.0 + 3.0 * s;
                scene.contrast = 0.8 - 0.1 * s;
                scene.pixel_grid = 0.15 + 0.1 * s;
                scene.glare = 0.2 + 0.15 * s;
                scene.code_fraction = rng.random_range(0.2..0.35);
            }
        }
        scene
    }
}

/// A simulated photo (`width`×`height`) of `code` on a monitor.
pub fn photograph(
    code: &QrMatrix,
    kind: Distortion,
    severity: u8,
    width: u32,
    height: u32,
    rng: &mut ChaCha8Rng,
) -> RgbImage {
    let scene = Scene::for_kind(kind, severity, rng);
    let screen = draw_screen(code, &scene, width, height, rng);
    let mut photo = RgbImage::from_pixel(width, height, Rgb([28, 28, 32]));
    let (w, h) = (width as f32, height as f32);
    let inset = rng.random_range(0.04..0.1);
    let mut jitter = |x: f32, y: f32| {
        let j = scene.corner_jitter;
        (
            x + rng.random_range(-j..=j) * w,
            y + rng.random_range(-j..=j) * h,
        )
    };
    let quad = [
        jitter(inset * w, inset * h),
        jitter((1.0 - inset) * w, inset * h),
        jitter((1.0 - inset) * w, (1.0 - inset) * h),
        jitter(inset * w, (1.0 - inset) * h),
    ];
    let screen_corners = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)];
    if let Some(projection) = Projection::from_control_points(screen_corners, quad) {
        warp_into(
            &screen,
            projection,
            Interpolation::Bilinear,
            Border::Constant(Rgb([28, 28, 32])),
            &mut photo,
        );
    }
    if scene.glare > 0.0 {
        add_glare(&mut photo, scene.glare, rng);
    }
    if scene.blur_sigma > 0.0 {
        photo = image::imageops::blur(&photo, scene.blur_sigma);
    }
    add_noise(&mut photo, scene.noise_sigma, rng);
    photo
}

/// The page on the monitor: light background, grey text lines, the code,
/// and (for moiré) the dark gaps between the screen's pixels.
fn draw_screen(
    code: &QrMatrix,
    scene: &Scene,
    width: u32,
    height: u32,
    rng: &mut ChaCha8Rng,
) -> RgbImage {
    let (paper, ink) = if scene.inverted {
        ([30.0, 32.0, 38.0], [235.0, 235.0, 240.0])
    } else {
        ([242.0, 244.0, 250.0], [20.0, 20.0, 24.0])
    };
    let mid = [128.0, 130.0, 136.0];
    let squeeze = |c: [f32; 3]| -> Rgb<u8> {
        Rgb([0, 1, 2].map(|i| (mid[i] + (c[i] - mid[i]) * scene.contrast).clamp(0.0, 255.0) as u8))
    };
    let (paper_px, ink_px) = (squeeze(paper), squeeze(ink));
    let mut img = RgbImage::from_pixel(width, height, paper_px);
    // Text lines of the filing page.
    let grey = squeeze([150.0, 152.0, 160.0]);
    for _ in 0..rng.random_range(6..14) {
        let x = rng.random_range(0..width / 2);
        let y = rng.random_range(0..height - 8);
        let len = rng.random_range(width / 8..width / 2);
        for yy in y..y + 6 {
            for xx in x..(x + len).min(width) {
                img.put_pixel(xx, yy, grey);
            }
        }
    }
    // The code with its quiet zone, placed at random inside the page.
    let modules = code.width() as f32 + 8.0;
    let side = (scene.code_fraction * width as f32).min(height as f32 * 0.8) as u32;
    let module_px = side as f32 / modules;
    let x0 = rng.random_range(width / 10..(width - side).max(width / 10 + 1));
    let y0 = rng.random_range(height / 10..(height - side).max(height / 10 + 1));
    for y in y0..(y0 + side).min(height) {
        for x in x0..(x0 + side).min(width) {
            let mx = ((x - x0) as f32 / module_px) as isize - 4;
            let my = ((y - y0) as f32 / module_px) as isize - 4;
            let w = code.width() as isize;
            let dark = (0..w).contains(&mx)
                && (0..w).contains(&my)
                && code.is_dark(mx as usize, my as usize);
            img.put_pixel(x, y, if dark { ink_px } else { paper_px });
        }
    }
    if scene.pixel_grid > 0.0 {
        let period = rng.random_range(2..4);
        for (x, y, px) in img.enumerate_pixels_mut() {
            if x % period == 0 || y % period == 0 {
                px.0 = px.0.map(|c| (c as f32 * (1.0 - scene.pixel_grid)) as u8);
            }
        }
    }
    img
}

/// A reflection of a lamp or window: a bright soft disc.
fn add_glare(img: &mut RgbImage, strength: f32, rng: &mut ChaCha8Rng) {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (cx, cy) = (
        rng.random_range(0.25..0.75) * w,
        rng.random_range(0.25..0.75) * h,
    );
    let r = rng.random_range(0.08..0.18) * w.min(h) * 2.0;
    for (x, y, px) in img.enumerate_pixels_mut() {
        let d2 = (x as f32 - cx).powi(2) + (y as f32 - cy).powi(2);
        let add = strength * 255.0 * (-d2 / (2.0 * r * r)).exp();
        px.0 = px.0.map(|c| (c as f32 + add).min(255.0) as u8);
    }
}

/// Gaussian sensor noise (Box–Muller).
fn add_noise(img: &mut RgbImage, sigma: f32, rng: &mut ChaCha8Rng) {
    if sigma <= 0.0 {
        return;
    }
    for px in img.pixels_mut() {
        let u1: f32 = rng.random_range(f32::EPSILON..1.0);
        let u2: f32 = rng.random();
        let n = sigma * (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos();
        px.0 = px.0.map(|c| (c as f32 + n).clamp(0.0, 255.0) as u8);
    }
}
