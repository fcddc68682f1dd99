//! MediaPipe's face landmark model (Apache-2.0; model file in
//! `rust-core/data/`, its notice beside it): 468 points of the face's
//! surface, in 3-D, from a 192 × 192 crop turned upright around the face.
//! The model (1.2 MB) is an asset the app loads once ([`install`]); the
//! shipped library leaves it out for its size budget.

use std::sync::OnceLock;

use image::RgbImage;

use super::graph::{Graph, ModelError};

/// Input side, pixels.
const SIDE: usize = 192;
/// Points the model gives.
pub const POINTS: usize = 468;
/// The crop around the face, over the extent of the face's landmarks (as
/// MediaPipe's own pipeline crops it).
const CROP_OVER_MESH: f32 = 1.5;

/// Where the model looks: a square of `side` pixels centred on `centre`,
/// turned by `angle` (radians, clockwise in image coordinates) so that the
/// face inside it is upright.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crop {
    /// Centre, image pixels.
    pub centre: (f32, f32),
    /// Side, image pixels.
    pub side: f32,
    /// Turn, radians.
    pub angle: f32,
}

/// The landmarks of one face.
#[derive(Debug, Clone, PartialEq)]
pub struct Mesh {
    /// Points in MediaPipe's order, in the upright frame of `crop` (x right,
    /// y down, z towards the back of the head; all in image pixels, origin
    /// at the crop's centre).
    pub upright: Vec<[f32; 3]>,
    /// The crop the points were found in.
    pub crop: Crop,
    /// The model's confidence that a face fills the crop, 0–1.
    pub presence: f32,
}

impl Mesh {
    /// The head's tilt in the image (radians, clockwise): the turn of the
    /// line through the outer eye corners.
    pub fn roll(&self) -> f32 {
        let (r, l) = (self.upright[33], self.upright[263]);
        self.crop.angle + (l[1] - r[1]).atan2(l[0] - r[0])
    }

    /// Point `i` in the image's pixel coordinates.
    pub fn image_point(&self, i: usize) -> (f32, f32) {
        self.crop.to_image(self.upright[i][0], self.upright[i][1])
    }
}

impl Crop {
    /// From the upright frame (pixels from the centre) to the image's pixels.
    pub fn to_image(self, u: f32, v: f32) -> (f32, f32) {
        let (s, c) = self.angle.sin_cos();
        (self.centre.0 + u * c - v * s, self.centre.1 + u * s + v * c)
    }
}

/// The model the app loaded, for the process.
static GRAPH: OnceLock<Graph> = OnceLock::new();

/// Parses `model` (the file `face_landmark.tflite` from the PyPI wheel
/// `mediapipe` 0.10.14) and keeps it for the process; a model already
/// loaded stays (a later call only checks its bytes). Refuses a file that
/// is not a TensorFlow Lite model or whose input is not a 192 × 192 colour
/// crop (another model, such as the face detector).
pub fn install(model: &[u8]) -> Result<(), ModelError> {
    let graph = Graph::load(model)?;
    if graph.input_shape() != [1, SIDE, SIDE, 3] {
        return Err(ModelError::WrongInput(graph.input_shape().to_vec()));
    }
    let _ = GRAPH.set(graph);
    Ok(())
}

/// Whether the app has loaded the model ([`install`]).
pub fn installed() -> bool {
    GRAPH.get().is_some()
}

/// The loaded model.
fn graph() -> Result<&'static Graph, ModelError> {
    GRAPH.get().ok_or(ModelError::NotLoaded)
}

/// Loads the model file from `rust-core/data/` for the core's own tests.
#[cfg(test)]
pub(crate) fn install_for_tests() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/face_landmark.tflite");
    install(&std::fs::read(path).expect("rust-core/data/face_landmark.tflite"))
        .expect("the landmark model loads");
}

/// The landmarks of the face in `crop` of `rgb`.
pub fn mesh_in(rgb: &RgbImage, crop: Crop) -> Result<Mesh, ModelError> {
    let graph = graph()?;
    let step = crop.side / SIDE as f32;
    let mut input = Vec::with_capacity(SIDE * SIDE * 3);
    for v in 0..SIDE {
        for u in 0..SIDE {
            let (x, y) = crop.to_image(
                (u as f32 + 0.5 - SIDE as f32 / 2.0) * step,
                (v as f32 + 0.5 - SIDE as f32 / 2.0) * step,
            );
            input.extend(bilinear(rgb, x - 0.5, y - 0.5).map(|c| c / 255.0));
        }
    }
    let outputs = graph.run(input);
    let points = outputs.iter().find(|t| t.data.len() == POINTS * 3);
    let presence = outputs.iter().find(|t| t.data.len() == 1);
    let (Some(points), Some(presence)) = (points, presence) else {
        return Err(ModelError::Unsupported(
            "expected landmarks and a presence score".into(),
        ));
    };
    let half = SIDE as f32 / 2.0;
    let upright = points
        .data
        .chunks_exact(3)
        .map(|p| [(p[0] - half) * step, (p[1] - half) * step, p[2] * step])
        .collect();
    Ok(Mesh {
        upright,
        crop,
        presence: 1.0 / (1.0 + (-presence.data[0].clamp(-100.0, 100.0)).exp()),
    })
}

/// The landmarks of the face whose box (left, top, width, height) is given:
/// found once in a square around the box, then again in the crop their own
/// extent and eye line give (upright, so that a tilted head is read as well
/// as a straight one).
pub fn mesh_around(rgb: &RgbImage, face: (f32, f32, f32, f32)) -> Result<Mesh, ModelError> {
    let (x, y, w, h) = face;
    let first = mesh_in(
        rgb,
        Crop {
            centre: (x + w / 2.0, y + h / 2.0),
            side: CROP_OVER_MESH * w.max(h),
            angle: 0.0,
        },
    )?;
    mesh_in(rgb, refined(&first))
}

/// The crop MediaPipe tracks a face with: centred on its points' extent,
/// 1.5 times its larger side, turned so the eye corners are level.
fn refined(mesh: &Mesh) -> Crop {
    let points: Vec<(f32, f32)> = (0..POINTS).map(|i| mesh.image_point(i)).collect();
    let angle = mesh.roll();
    // The extent in the frame turned by `angle`.
    let (s, c) = angle.sin_cos();
    let (mut lo, mut hi) = ((f32::MAX, f32::MAX), (f32::MIN, f32::MIN));
    for &(px, py) in &points {
        let (u, v) = (px * c + py * s, -px * s + py * c);
        lo = (lo.0.min(u), lo.1.min(v));
        hi = (hi.0.max(u), hi.1.max(v));
    }
    let (mu, mv) = ((lo.0 + hi.0) / 2.0, (lo.1 + hi.1) / 2.0);
    Crop {
        centre: (mu * c - mv * s, mu * s + mv * c),
        side: CROP_OVER_MESH * (hi.0 - lo.0).max(hi.1 - lo.1),
        angle,
    }
}

/// The colour at (`x`, `y`) (pixel centres at integers), black outside.
fn bilinear(rgb: &RgbImage, x: f32, y: f32) -> [f32; 3] {
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let mut out = [0.0f32; 3];
    for (dy, wy) in [(0, 1.0 - fy), (1, fy)] {
        for (dx, wx) in [(0, 1.0 - fx), (1, fx)] {
            let (px, py) = (x0 as i64 + dx, y0 as i64 + dy);
            if px < 0 || py < 0 || px >= rgb.width() as i64 || py >= rgb.height() as i64 {
                continue;
            }
            let p = rgb.get_pixel(px as u32, py as u32).0;
            for c in 0..3 {
                out[c] += wx * wy * p[c] as f32;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    fn portrait() -> RgbImage {
        image::load_from_memory(include_bytes!("../../../../cli/data/demo-portrait.jpg"))
            .unwrap()
            .to_rgb8()
    }

    fn face_box(rgb: &RgbImage) -> (f32, f32, f32, f32) {
        let found = super::super::detect(rgb, 0.5).unwrap();
        let r = found.first().expect("the portrait has a face").rect;
        (r.0, r.1, r.2, r.3)
    }

    #[test]
    fn only_the_landmark_model_is_taken() {
        assert_eq!(install(b"not a model"), Err(ModelError::Malformed));
        let detector = include_bytes!("../../../data/face_detection_short_range.tflite");
        assert_eq!(
            install(detector),
            Err(ModelError::WrongInput(vec![1, 128, 128, 3]))
        );
    }

    #[test]
    fn the_portrait_has_its_eyes_level_and_inside_its_face() {
        install_for_tests();
        let rgb = portrait();
        let mesh = mesh_around(&rgb, face_box(&rgb)).unwrap();
        assert!(mesh.presence > 0.9, "{}", mesh.presence);
        assert!(mesh.crop.angle.abs() < 0.1, "{}", mesh.crop.angle);
        let (right, left) = (mesh.image_point(33), mesh.image_point(263));
        let (chin, nose) = (mesh.image_point(152), mesh.image_point(1));
        // The subject's right eye is on the image's left; the nose between
        // them, the chin below.
        assert!(
            right.0 < nose.0 && nose.0 < left.0,
            "{right:?} {nose:?} {left:?}"
        );
        assert!(chin.1 > nose.1 && nose.1 > right.1);
    }

    #[test]
    fn a_tilted_head_is_found_turned() {
        install_for_tests();
        use imageproc::geometric_transformations::{rotate_about_center, Border, Interpolation};
        let rgb = portrait();
        let straight = mesh_around(&rgb, face_box(&rgb)).unwrap();
        // Turned 20° clockwise about the middle: the crop turns with it.
        let turn = 20f32.to_radians();
        let black = Border::Constant(image::Rgb([0, 0, 0]));
        let tilted = rotate_about_center(&rgb, turn, Interpolation::Bilinear, black);
        let mesh = mesh_around(&tilted, face_box(&tilted)).unwrap();
        let seen = mesh.roll() - straight.roll();
        assert!(
            (seen - turn).abs() < 3f32.to_radians(),
            "{}",
            seen.to_degrees()
        );
        // The nose tip, carried through the rotation.
        let (cx, cy) = (rgb.width() as f32 / 2.0, rgb.height() as f32 / 2.0);
        let (x, y) = straight.image_point(1);
        let (s, c) = turn.sin_cos();
        let expected = (
            cx + (x - cx) * c - (y - cy) * s,
            cy + (x - cx) * s + (y - cy) * c,
        );
        let got = mesh.image_point(1);
        let off = ((got.0 - expected.0).powi(2) + (got.1 - expected.1).powi(2)).sqrt();
        assert!(off < 0.03 * mesh.crop.side, "{got:?} against {expected:?}");
    }

    #[test]
    fn a_blank_image_has_no_face() {
        install_for_tests();
        let blank = RgbImage::from_pixel(300, 300, image::Rgb([120, 120, 120]));
        let mesh = mesh_around(&blank, (100.0, 100.0, 100.0, 100.0)).unwrap();
        assert!(mesh.presence < 0.5, "{}", mesh.presence);
    }
}
