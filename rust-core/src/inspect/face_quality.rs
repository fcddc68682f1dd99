//! Face quality from the face's landmarks, after ISO/IEC 29794-5 (the
//! components OFIQ computes that filing reviewers reject for): eyes open,
//! head pose (yaw, pitch, roll), nothing over the face (sunglasses, a mask,
//! hair over the eyes), even light across it; and the head's extent (crown
//! and chin) that the framing rules need.

use image::{Rgb, RgbImage};

use super::cnn::{mesh_around, Mesh};
use super::colour::luma;

/// Below this presence the model does not recognise a face in its crop
/// (where the detector found one: it is covered, or not a face at all), and
/// its points are not measured.
pub const MIN_PRESENCE: f64 = 0.5;
/// The crown (top of the skull) above the eye line, in eye-to-chin
/// distances: a head is about as tall above the eyes as below them.
const CROWN_OVER_EYES: f32 = 1.0;

/// The six points of each eye's outline (outer corner, two upper lid
/// points, inner corner, two lower lid points), MediaPipe's indices: the
/// subject's right eye, then the left.
const EYES: [[usize; 6]; 2] = [
    [33, 160, 158, 133, 153, 144],
    [263, 387, 385, 362, 380, 373],
];
/// The face's outline at the ears' height, the subject's right then left.
const CHEEK_EDGES: (usize, usize) = (234, 454);
/// Top of the forehead and the chin.
const FOREHEAD_CHIN: (usize, usize) = (10, 152);
/// Middle of the forehead.
const FOREHEAD: usize = 151;
/// The nose's tip.
const NOSE_TIP: usize = 4;
/// Cheeks beside the nose, right then left (a mask covers them).
const CHEEKS: (usize, usize) = (205, 425);
/// Cheeks below the eyes, right then left (sunglasses cover their top).
const UNDER_EYES: (usize, usize) = (50, 280);

/// What the landmarks say about a face.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceQuality {
    /// The model's confidence that a face filled its crop, 0–1; below
    /// [`MIN_PRESENCE`] only `occlusion` is measured.
    pub presence: f64,
    /// Eye opening (lid gap over eye width) of the less open eye; open eyes
    /// measure 0.2–0.35, closed ones under 0.1.
    pub eye_openness: f64,
    /// Head turned left or right, degrees (absolute).
    pub yaw: f64,
    /// Head nodded up or down, degrees (absolute), from the face's own
    /// upright pose.
    pub pitch: f64,
    /// Head tilted towards a shoulder, degrees (absolute).
    pub roll: f64,
    /// How much of the face is covered: of the two groups of skin a cover
    /// hides (both cheekbones under the eyes; the nose's tip and both
    /// cheeks), the share unlike the face's skin (its forehead and
    /// cheekbones) in the group's least covered disc, for the more covered
    /// group; when the model does not recognise the face, at least
    /// 1 − its presence.
    pub occlusion: f64,
    /// Median luma of the face's darker side over its brighter side (1 is
    /// even light).
    pub light_balance: f64,
    /// Top of the skull and the chin, rows of the image given.
    pub crown_y: f64,
    /// See `crown_y`.
    pub chin_y: f64,
}

impl FaceQuality {
    /// Whether the model recognised the face, so that its points (eyes,
    /// pose, the head's extent) can be trusted.
    pub fn recognised(&self) -> bool {
        self.presence >= MIN_PRESENCE
    }

    /// The same measures with the rows in an image `scale` times larger.
    pub fn rows_scaled(self, scale: f64) -> FaceQuality {
        FaceQuality {
            crown_y: self.crown_y * scale,
            chin_y: self.chin_y * scale,
            ..self
        }
    }
}

/// The model's points put the chin forward of the forehead's top when a
/// face looks straight at the camera: the pitch this measures then, degrees
/// (the mode over the development corpus' faces, 12–18), taken as level.
const LEVEL_PITCH: f64 = 15.0;

/// Measures the face whose box (left, top, width, height, pixels of `rgb`)
/// is given; `None` only when the model cannot run.
pub fn measure_face(rgb: &RgbImage, face: (f64, f64, f64, f64)) -> Option<FaceQuality> {
    let (x, y, w, h) = face;
    let mesh = mesh_around(rgb, (x as f32, y as f32, w as f32, h as f32)).ok()?;
    let p = |i: usize| mesh.upright[i];
    let eye_openness = EYES
        .iter()
        .map(|e| {
            let d = |a: usize, b: usize| {
                let (pa, pb) = (p(a), p(b));
                ((pa[0] - pb[0]).powi(2) + (pa[1] - pb[1]).powi(2)).sqrt()
            };
            (d(e[1], e[5]) + d(e[2], e[4])) / (2.0 * d(e[0], e[3]).max(1e-3))
        })
        .fold(f32::MAX, f32::min) as f64;
    let (r, l) = (p(CHEEK_EDGES.0), p(CHEEK_EDGES.1));
    let yaw = ((l[2] - r[2]).atan2(l[0] - r[0]) as f64).to_degrees().abs();
    let (top, chin) = (p(FOREHEAD_CHIN.0), p(FOREHEAD_CHIN.1));
    let pitch =
        (((chin[2] - top[2]).atan2(chin[1] - top[1]) as f64).to_degrees() - LEVEL_PITCH).abs();
    let roll = (mesh.roll() as f64).to_degrees();
    // Roll within ±180°: a face upside down is as tilted as can be.
    let roll = ((roll + 180.0).rem_euclid(360.0) - 180.0).abs();
    let eye_line = EYES
        .iter()
        .flat_map(|e| [p(e[0])[1], p(e[3])[1]])
        .sum::<f32>()
        / 4.0;
    let crown_v = eye_line - CROWN_OVER_EYES * (chin[1] - eye_line);
    let image_row = |v: f32| mesh.crop.to_image(0.0, v).1 as f64;
    let skin = Skin::sample(rgb, &mesh);
    let presence = mesh.presence as f64;
    Some(FaceQuality {
        presence,
        eye_openness,
        yaw,
        pitch,
        roll,
        occlusion: if presence < MIN_PRESENCE {
            skin.occlusion.max(1.0 - presence)
        } else {
            skin.occlusion
        },
        light_balance: skin.balance,
        crown_y: image_row(crown_v),
        chin_y: mesh.image_point(FOREHEAD_CHIN.1).1 as f64,
    })
}

/// The colours sampled on the face's skin.
struct Skin {
    occlusion: f64,
    balance: f64,
}

impl Skin {
    /// Samples discs around the landmarks (radii in eye distances).
    fn sample(rgb: &RgbImage, mesh: &Mesh) -> Skin {
        let centre = |e: &[usize; 6]| {
            let (a, b) = (mesh.upright[e[0]], mesh.upright[e[3]]);
            ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0)
        };
        let (re, le) = (centre(&EYES[0]), centre(&EYES[1]));
        let eyes = ((le.0 - re.0).powi(2) + (le.1 - re.1).powi(2))
            .sqrt()
            .max(1.0);
        let at = |i: usize| (mesh.upright[i][0], mesh.upright[i][1]);
        let disc = |(u, v): (f32, f32), radius: f32| -> Vec<Rgb<u8>> {
            let r = radius * eyes;
            let step = (r / 4.0).max(0.5);
            let mut out = Vec::new();
            let mut dv = -r;
            while dv <= r {
                let mut du = -r;
                while du <= r {
                    if du * du + dv * dv <= r * r {
                        let (x, y) = mesh.crop.to_image(u + du, v + dv);
                        if x >= 0.0
                            && y >= 0.0
                            && (x as u32) < rgb.width()
                            && (y as u32) < rgb.height()
                        {
                            out.push(*rgb.get_pixel(x as u32, y as u32));
                        }
                    }
                    du += step;
                }
                dv += step;
            }
            out
        };
        let below = |(u, v): (f32, f32)| (u, v + 0.25 * eyes);
        let reference: Vec<Rgb<u8>> = [at(FOREHEAD), at(UNDER_EYES.0), at(UNDER_EYES.1)]
            .into_iter()
            .flat_map(|c| disc(c, 0.15))
            .collect();
        let reference = Chroma::median(&reference);
        // The share of a disc unlike the skin.
        let unlike = |(c, r): ((f32, f32), f32)| {
            let px = disc(c, r);
            px.iter().filter(|&&p| !reference.alike(p)).count() as f64 / px.len().max(1) as f64
        };
        // What covers a face covers both sides of it: sunglasses both
        // cheekbones under the eyes, a mask the nose and both cheeks. Each
        // group counts as covered as far as its least covered disc is (light
        // of another colour on one side is no cover).
        let least =
            |discs: &[((f32, f32), f32)]| discs.iter().map(|&d| unlike(d)).fold(1.0, f64::min);
        let eyes_covered = least(&[(below(re), 0.1), (below(le), 0.1)]);
        let mouth_covered = least(&[
            (at(NOSE_TIP), 0.1),
            (at(CHEEKS.0), 0.15),
            (at(CHEEKS.1), 0.15),
        ]);
        let occlusion = eyes_covered.max(mouth_covered);
        // The luma of each side's skin (hair or background in a disc, on a
        // turned face, left out by its colour).
        let side = |points: [usize; 2]| {
            let px: Vec<Rgb<u8>> = points.into_iter().flat_map(|i| disc(at(i), 0.2)).collect();
            let mut skin: Vec<f32> = px
                .iter()
                .filter(|&&p| reference.hue_alike(p))
                .map(|&p| luma(p))
                .collect();
            if skin.is_empty() {
                skin = px.into_iter().map(luma).collect();
            }
            median(&mut skin)
        };
        let (right, left) = (
            side([UNDER_EYES.0, CHEEKS.0]),
            side([UNDER_EYES.1, CHEEKS.1]),
        );
        let balance = (right.min(left) / right.max(left).max(1.0)) as f64;
        Skin { occlusion, balance }
    }
}

/// A colour as luma and the two colour-difference axes (BT.601).
#[derive(Debug, Clone, Copy)]
struct Chroma {
    y: f32,
    cb: f32,
    cr: f32,
}

impl Chroma {
    fn of(p: Rgb<u8>) -> Chroma {
        let [r, _, b] = p.0.map(|v| v as f32);
        let y = luma(p);
        Chroma {
            y,
            cb: 0.564 * (b - y),
            cr: 0.713 * (r - y),
        }
    }

    /// The channel-wise median of `pixels`.
    fn median(pixels: &[Rgb<u8>]) -> Chroma {
        let all: Vec<Chroma> = pixels.iter().map(|&p| Chroma::of(p)).collect();
        let pick = |f: fn(&Chroma) -> f32| median(&mut all.iter().map(f).collect::<Vec<_>>());
        Chroma {
            y: pick(|c| c.y),
            cb: pick(|c| c.cb),
            cr: pick(|c| c.cr),
        }
    }

    /// Whether `p` could be this skin in light or shade: its colour within
    /// 25 levels (skin's own colour varies across a face by about 20), its
    /// luma 0.4–1.6 times as bright.
    fn alike(&self, p: Rgb<u8>) -> bool {
        let ratio = luma(p) / self.y.max(1.0);
        self.hue_alike(p) && (0.4..=1.6).contains(&ratio)
    }

    /// Whether `p`'s colour, whatever its brightness, is within 25 levels
    /// of this one's.
    fn hue_alike(&self, p: Rgb<u8>) -> bool {
        let c = Chroma::of(p);
        (c.cb - self.cb).hypot(c.cr - self.cr) <= 25.0
    }
}

/// The median of `values` (0 for none).
fn median(values: &mut [f32]) -> f32 {
    if values.is_empty() {
        return 0.0;
    }
    let mid = values.len() / 2;
    *values.select_nth_unstable_by(mid, f32::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::find_faces;
    use image::DynamicImage;

    /// The demo's portrait (a real face, looking at the camera) and its
    /// face box.
    fn portrait() -> (RgbImage, (f64, f64, f64, f64)) {
        let rgb = image::load_from_memory(include_bytes!("../../../cli/data/demo-portrait.jpg"))
            .unwrap()
            .to_rgb8();
        let face = find_faces(&DynamicImage::ImageRgb8(rgb.clone()))[0];
        let rect = (
            face.x as f64,
            face.y as f64,
            face.width as f64,
            face.height as f64,
        );
        (rgb, rect)
    }

    /// Paints `colour` over the discs (centres and radii as shares of the
    /// face box) of `rgb`.
    fn paint(
        rgb: &mut RgbImage,
        face: (f64, f64, f64, f64),
        discs: &[(f64, f64, f64)],
        colour: [u8; 3],
    ) {
        let (x, y, w, h) = face;
        for &(cx, cy, r) in discs {
            let (cx, cy, r) = (x + cx * w, y + cy * h, r * w);
            for py in (cy - r).max(0.0) as u32..((cy + r) as u32).min(rgb.height()) {
                for px in (cx - r).max(0.0) as u32..((cx + r) as u32).min(rgb.width()) {
                    if (px as f64 - cx).hypot(py as f64 - cy) <= r {
                        rgb.put_pixel(px, py, Rgb(colour));
                    }
                }
            }
        }
    }

    #[test]
    fn a_frontal_face_in_even_light_measures_clear() {
        super::super::cnn::install_for_tests();
        let (rgb, face) = portrait();
        let q = measure_face(&rgb, face).unwrap();
        assert!(q.presence > 0.9, "{q:?}");
        assert!(q.eye_openness > 0.2, "{q:?}");
        assert!(q.yaw < 10.0 && q.pitch < 12.0 && q.roll < 6.0, "{q:?}");
        assert!(q.occlusion < 0.2, "{q:?}");
        assert!(q.light_balance > 0.7, "{q:?}");
        // The chin at or below the box's bottom (the box may stop at the
        // mouth), the crown above its top but not above the hair.
        assert!(
            q.chin_y > face.1 + 0.9 * face.3 && q.chin_y < face.1 + 1.3 * face.3,
            "{q:?}"
        );
        assert!(q.crown_y < face.1 && q.crown_y > 16.0, "{q:?} {face:?}");
    }

    #[test]
    fn a_tilted_head_measures_its_tilt() {
        super::super::cnn::install_for_tests();
        use imageproc::geometric_transformations::{rotate_about_center, Border, Interpolation};
        let (rgb, _) = portrait();
        let black = Border::Constant(Rgb([0, 0, 0]));
        let tilted = rotate_about_center(&rgb, 18f32.to_radians(), Interpolation::Bilinear, black);
        let (straight, tilted_face) = (measure_face(&rgb, portrait().1).unwrap(), {
            let f = find_faces(&DynamicImage::ImageRgb8(tilted.clone()))[0];
            (f.x as f64, f.y as f64, f.width as f64, f.height as f64)
        });
        let q = measure_face(&tilted, tilted_face).unwrap();
        assert!((q.roll - 18.0).abs() < straight.roll + 3.0, "{q:?}");
    }

    #[test]
    fn sunglasses_and_masks_cover_the_face() {
        super::super::cnn::install_for_tests();
        let (rgb, face) = portrait();
        let mut sunglasses = rgb.clone();
        let lenses = [(0.3, 0.38, 0.2), (0.72, 0.38, 0.2), (0.51, 0.37, 0.06)];
        paint(&mut sunglasses, face, &lenses, [20, 22, 25]);
        let q = measure_face(&sunglasses, face).unwrap();
        assert!(q.occlusion > 0.25, "sunglasses: {q:?}");
        let mut mask = rgb.clone();
        paint(
            &mut mask,
            face,
            &[(0.5, 0.72, 0.36), (0.5, 0.55, 0.3)],
            [150, 200, 225],
        );
        let q = measure_face(&mask, face).unwrap();
        assert!(q.occlusion > 0.25, "mask: {q:?}");
    }

    #[test]
    fn light_from_one_side_is_uneven() {
        super::super::cnn::install_for_tests();
        let (mut rgb, face) = portrait();
        let middle = face.0 + face.2 / 2.0;
        for (x, _, p) in rgb.enumerate_pixels_mut() {
            // The subject's right (the image's left) in shadow.
            if (x as f64) < middle {
                p.0 = p.0.map(|v| (v as f64 * 0.4) as u8);
            }
        }
        let q = measure_face(&rgb, face).unwrap();
        assert!(q.light_balance < 0.55, "{q:?}");
    }

    #[test]
    fn a_box_without_a_face_counts_as_covered() {
        super::super::cnn::install_for_tests();
        let blank = RgbImage::from_pixel(300, 300, Rgb([200, 160, 140]));
        let q = measure_face(&blank, (100.0, 100.0, 100.0, 100.0)).unwrap();
        assert!(!q.recognised(), "{q:?}");
        assert!(q.occlusion > 0.5, "{q:?}");
    }
}
