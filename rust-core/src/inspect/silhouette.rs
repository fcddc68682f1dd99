//! Where the person is, estimated from the face box alone: the head with
//! its hair, then neck, shoulders and arms widening below the chin. It is
//! deliberately generous, so that whatever lies outside it is background.

use super::face::FaceBox;

/// Generous outline of a person standing upright facing the camera, in the
/// pixel coordinates of the image the face box belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Silhouette {
    cx: f64,
    head_cy: f64,
    head_rx: f64,
    head_ry: f64,
    chin: f64,
    face_w: f64,
    face_h: f64,
}

/// The head's top lies this many face-box heights above the box (the
/// detector's box spans brows to chin).
pub const HEAD_ABOVE_BOX: f64 = 0.55;

impl Silhouette {
    /// The outline around `face`, scaled by `1 / scale` (the working copy's
    /// reduction).
    pub fn around(face: &FaceBox, scale: f64) -> Silhouette {
        let (x, y, w, h) = (
            face.x as f64 / scale,
            face.y as f64 / scale,
            face.width as f64 / scale,
            face.height as f64 / scale,
        );
        let top = y - HEAD_ABOVE_BOX * h;
        let chin = y + h;
        Silhouette {
            cx: x + w / 2.0,
            head_cy: (top + chin) / 2.0,
            // Hair widens the head by about a third of the face on each side.
            head_rx: 0.85 * w,
            head_ry: 0.62 * (chin - top),
            chin,
            face_w: w,
            face_h: h,
        }
    }

    /// Whether (x, y) may belong to the person.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        let (dx, dy) = (
            (x - self.cx) / self.head_rx,
            (y - self.head_cy) / self.head_ry,
        );
        if dx * dx + dy * dy <= 1.0 {
            return true;
        }
        if y < self.chin - 0.2 * self.face_h {
            return false;
        }
        // Neck (0.45 face widths either side) widening to the shoulders
        // (2.1 face widths either side) over 0.9 face heights, then the arms.
        let below = ((y - self.chin) / (0.9 * self.face_h)).clamp(0.0, 1.0);
        let half = self.face_w * (0.45 + 1.65 * below);
        (x - self.cx).abs() <= half
    }

    /// Whether column `x` lies over the chest, below the neck: in an
    /// upright, centred photo that part of the clothing area is always
    /// clothing, whatever its colour.
    pub fn is_chest(&self, x: f64) -> bool {
        (x - self.cx).abs() <= 0.45 * self.face_w
    }

    /// Where clothing is looked for, as (left, top, right, bottom): 1.2 face
    /// widths either side of the face's centre, from below the neck to 1.8
    /// face heights under the chin.
    pub fn clothing_area(&self) -> (f64, f64, f64, f64) {
        (
            self.cx - 1.2 * self.face_w,
            self.chin + 0.35 * self.face_h,
            self.cx + 1.2 * self.face_w,
            self.chin + 1.8 * self.face_h,
        )
    }
}
