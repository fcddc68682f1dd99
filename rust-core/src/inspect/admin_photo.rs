//! The administrator photo's rules, as the filing provider states them: one person, centred,
//! the whole head in the frame at a sensible size, sharp and well exposed;
//! the backdrop (blue with its characters visible, or white in the app flow)
//! is the entire background; no red or blue clothing.

use image::{DynamicImage, GenericImageView, Rgb};

use super::backdrop::{measure_backdrop, PhotoFlow};
use super::blur::{blur_spread, BlurSpread};
use super::clothing::{measure_clothing, skin_colour};
use super::colour::{is_blue, is_white};
use super::face::{FaceBox, FaceDetector, FaceDetectorSettings};
use super::face_quality::{measure_face, FaceQuality};
use super::finding::{
    at_least, at_most, finding, Finding, Limit, Measure, MeasureUnit, Outcome, PixelRect,
};
use super::silhouette::{Silhouette, HEAD_ABOVE_BOX};
use super::working::Working;

/// Every threshold of the administrator-photo checks, with documented
/// defaults; fractions are of the image's width or height as named.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AdminPhotoProfile {
    /// Faces narrower than this fraction of the image width are background
    /// people and ignored. Default 0.0625 (the detector's smallest face, 40
    /// of 640 working pixels).
    pub min_subject_face_width: f64,
    /// Horizontal offset of the face centre from the image centre, as a
    /// fraction of the width: warn above 0.08, fail above 0.15.
    pub centre_warn: f64,
    /// See `centre_warn`.
    pub centre_fail: f64,
    /// Room above the head, fraction of the height: warn below 0.04, fail
    /// below 0 (head cut off).
    pub top_margin_warn: f64,
    /// Estimated head height (box height × 1.55) as a fraction of the image
    /// height: fail outside 0.15–0.75, warn outside 0.22–0.65.
    pub head_height_min_fail: f64,
    /// See `head_height_min_fail`.
    pub head_height_min_warn: f64,
    /// See `head_height_min_fail`.
    pub head_height_max_warn: f64,
    /// See `head_height_min_fail`.
    pub head_height_max_fail: f64,
    /// Brightness of the face's lit parts: the 95th percentile of the luma
    /// (0–255) in the middle of the face. Fail below 85, warn below 100.
    /// A percentile of the highlights, not the mean, so that dark skin
    /// correctly exposed (about 110 in the test photos) passes while
    /// underexposed faces (55–70) fail.
    pub dark_fail: f64,
    /// See `dark_fail`.
    pub dark_warn: f64,
    /// Share of the middle of the face at luma 240 or more (skin detail
    /// lost): warn above 0.04 (a shiny forehead), fail above 0.10.
    pub clipped_warn: f64,
    /// See `clipped_warn`.
    pub clipped_fail: f64,
    /// Blur of the face: the spread of its strongest edges in the most
    /// blurred direction ([`blur_spread`]), as a share of the face width.
    /// Warn above 0.040, fail above 0.046. In the blur sweep (real faces,
    /// sensor noise, 1080 × 1440) faces barely blurred measure 0.012–0.033;
    /// all fail from a defocus disc of radius 4 % of the face width, 81 %
    /// at a motion of 8 % (docs/photo-checks.md).
    pub blur_warn: f64,
    /// See `blur_warn`.
    pub blur_fail: f64,
    /// Share of the background (outside a generous outline of the person)
    /// that must be backdrop: warn below 0.93, fail below 0.85.
    pub backdrop_warn: f64,
    /// See `backdrop_warn`.
    pub backdrop_fail: f64,
    /// Share of the image showing the blue backdrop's characters clearly
    /// (white strokes ≥ 40 luma brighter than the blue around them): warn
    /// below 0.01, fail below 0.004. A backdrop whose characters cover a
    /// tenth of it, half hidden behind the person, shows about 0.03.
    pub backdrop_text_warn: f64,
    /// See `backdrop_text_warn`.
    pub backdrop_text_fail: f64,
    /// Share of the visible clothing that is red, or blue: warn above 0.08
    /// (a logo or stripes), fail above 0.20 (a red or blue garment).
    pub clothing_warn: f64,
    /// See `clothing_warn`.
    pub clothing_fail: f64,
    /// Opening of the less open eye (lid gap over eye width, from the face's
    /// landmarks): warn below 0.17, fail below 0.12 (closed or half-closed).
    pub eyes_open_warn: f64,
    /// See `eyes_open_warn`.
    pub eyes_open_fail: f64,
    /// Head turned to a side (yaw), degrees: warn above 12, fail above 20.
    pub yaw_warn: f64,
    /// See `yaw_warn`.
    pub yaw_fail: f64,
    /// Head nodded up or down (pitch), degrees from level: warn above 18, fail
    /// above 25 (the model's pitch is the least precise of the three).
    pub pitch_warn: f64,
    /// See `pitch_warn`.
    pub pitch_fail: f64,
    /// Head tilted towards a shoulder (roll), degrees: warn above 10, fail
    /// above 15.
    pub roll_warn: f64,
    /// See `roll_warn`.
    pub roll_fail: f64,
    /// How much of the face is covered (sunglasses, a mask, hair): the share
    /// unlike the face's skin of the skin a cover hides on both sides (under
    /// both eyes; the nose and both cheeks), see `FaceQuality::occlusion`:
    /// warn above 0.20, fail above 0.30.
    pub covered_warn: f64,
    /// See `covered_warn`.
    pub covered_fail: f64,
    /// Brightness of the face's darker side over its brighter side (median
    /// luma of the cheeks' skin): warn below 0.65, fail below 0.50.
    pub light_balance_warn: f64,
    /// See `light_balance_warn`.
    pub light_balance_fail: f64,
}

impl Default for AdminPhotoProfile {
    fn default() -> Self {
        AdminPhotoProfile {
            min_subject_face_width: 0.0625,
            centre_warn: 0.08,
            centre_fail: 0.15,
            top_margin_warn: 0.04,
            head_height_min_fail: 0.15,
            head_height_min_warn: 0.22,
            head_height_max_warn: 0.65,
            head_height_max_fail: 0.75,
            dark_fail: 85.0,
            dark_warn: 100.0,
            clipped_warn: 0.04,
            clipped_fail: 0.10,
            blur_warn: BLUR_WARN_DEFAULT,
            blur_fail: BLUR_FAIL_DEFAULT,
            backdrop_warn: 0.93,
            backdrop_fail: 0.85,
            backdrop_text_warn: 0.01,
            backdrop_text_fail: 0.004,
            clothing_warn: 0.08,
            clothing_fail: 0.20,
            eyes_open_warn: 0.17,
            eyes_open_fail: 0.12,
            yaw_warn: 12.0,
            yaw_fail: 20.0,
            pitch_warn: 18.0,
            pitch_fail: 25.0,
            roll_warn: 10.0,
            roll_fail: 15.0,
            covered_warn: 0.20,
            covered_fail: 0.30,
            light_balance_warn: 0.65,
            light_balance_fail: 0.50,
        }
    }
}

/// Head height over detector box height.
const HEAD_OVER_BOX: f64 = 1.0 + HEAD_ABOVE_BOX;
/// Default `blur_warn` (share of the face width).
const BLUR_WARN_DEFAULT: f64 = 0.040;
/// Default `blur_fail` (share of the face width).
const BLUR_FAIL_DEFAULT: f64 = 0.046;
/// Width the face is reduced to before its blur is measured (a larger face
/// is reduced, averaging its sensor noise away; a smaller one is measured as
/// it is): the eyes are still 25 px wide.
const BLUR_FACE_WIDTH: u32 = 128;

/// Long side of the reduced copy the detector and the colour checks use.
const WORKING_SIDE: u32 = 640;

/// Checks an administrator photo taken in `flow`: faces from the platform's
/// detector when the app passes them (ML Kit, Apple Vision; pixel
/// coordinates of `image`), else from the core's own.
pub fn check_admin_photo(
    image: &DynamicImage,
    platform_faces: Option<&[FaceBox]>,
    flow: PhotoFlow,
    profile: &AdminPhotoProfile,
) -> Vec<Finding> {
    let working = Working::new(image, WORKING_SIDE);
    let detected;
    let faces = match platform_faces {
        Some(faces) => faces,
        None => {
            detected = detect_scaled(&working, image.dimensions());
            &detected
        }
    };
    let subjects: Vec<&FaceBox> = subjects(faces, image.width(), profile).collect();
    let quality = match subjects[..] {
        [face] => {
            let s = working.scale;
            let rect = (
                face.x as f64 / s,
                face.y as f64 / s,
                face.width as f64 / s,
                face.height as f64 / s,
            );
            measure_face(&working.rgb, rect).map(|q| q.rows_scaled(s))
        }
        _ => None,
    };
    let mut findings = check_framing_and_quality(image, faces, quality.as_ref(), profile);
    let people: Vec<Silhouette> = subjects
        .iter()
        .map(|face| Silhouette::around(face, working.scale))
        .collect();
    if !people.is_empty() {
        findings.extend(check_surroundings(
            &working,
            &people,
            subjects[0],
            flow,
            profile,
        ));
    }
    findings
}

/// The faces in `image` as the administrator-photo check finds them
/// (BlazeFace with SeetaFace's measure, on the 640 px working copy), in
/// `image`'s pixel coordinates, largest first.
pub fn find_faces(image: &DynamicImage) -> Vec<FaceBox> {
    detect_scaled(&Working::new(image, WORKING_SIDE), image.dimensions())
}

/// Faces in the working copy, in the original's pixel coordinates.
fn detect_scaled(working: &Working, (w, h): (u32, u32)) -> Vec<FaceBox> {
    let s = working.scale;
    FaceDetector::new(FaceDetectorSettings::default())
        .detect_fast(&working.rgb)
        .into_iter()
        .map(|f| {
            let x = ((f.x as f64 * s).round() as u32).min(w.saturating_sub(1));
            let y = ((f.y as f64 * s).round() as u32).min(h.saturating_sub(1));
            FaceBox {
                x,
                y,
                width: ((f.width as f64 * s).round() as u32).min(w - x),
                height: ((f.height as f64 * s).round() as u32).min(h - y),
                score: f.score,
            }
        })
        .collect()
}

/// The faces of people in the photo: narrower ones are background people.
fn subjects<'a>(
    faces: &'a [FaceBox],
    width: u32,
    profile: &AdminPhotoProfile,
) -> impl Iterator<Item = &'a FaceBox> {
    let min_width = profile.min_subject_face_width * width as f64;
    faces.iter().filter(move |f| f.width as f64 >= min_width)
}

/// The backdrop findings around the `people`, and the clothing findings of
/// the only one (`face`, the largest, when there are several).
fn check_surroundings(
    working: &Working,
    people: &[Silhouette],
    face: &FaceBox,
    flow: PhotoFlow,
    profile: &AdminPhotoProfile,
) -> Vec<Finding> {
    let s = working.scale;
    let backdrop = measure_backdrop(&working.rgb, people, flow);
    let to_original = |(l, t, r, b): (u32, u32, u32, u32)| PixelRect {
        x: (l as f64 * s) as u32,
        y: (t as f64 * s) as u32,
        width: ((r.saturating_sub(l) + 1) as f64 * s) as u32,
        height: ((b.saturating_sub(t) + 1) as f64 * s) as u32,
    };
    let mut findings = Vec::new();
    let (en, zh) = match flow {
        PhotoFlow::Backdrop => (
            "The blue backdrop must fill the whole background. Stand in front of it and move closer until nothing else shows.",
            "蓝色幕布须占满整个背景。请站在幕布前，靠近拍摄，使背景中没有其他物体。",
        ),
        PhotoFlow::App => (
            "Use a plain white background (a white wall or sheet) filling the whole background.",
            "请使用纯白色背景（白墙或白布），并占满整个背景。",
        ),
    };
    findings.push(finding(
        "photo.backdrop",
        at_least(
            backdrop.coverage,
            profile.backdrop_warn,
            profile.backdrop_fail,
        ),
        Measure::at_least(backdrop.coverage, MeasureUnit::Share, profile.backdrop_fail),
        None,
        en,
        zh,
    ));
    if flow == PhotoFlow::Backdrop {
        findings.push(finding(
            "photo.backdrop_text",
            at_least(
                backdrop.text_share,
                profile.backdrop_text_warn,
                profile.backdrop_text_fail,
            ),
            Measure::at_least(backdrop.text_share, MeasureUnit::Share, profile.backdrop_text_fail),
            backdrop.text_box.map(to_original),
            "The characters on the backdrop must be clearly visible: do not cover them, avoid glare, and keep the backdrop in focus (no portrait mode).",
            "幕布上的文字须清晰可见：不要遮挡，避免反光，并保持幕布清晰（不要使用人像模式）。",
        ));
    }
    let [person] = people else {
        return findings;
    };
    let face_rect = (
        face.x as f64 / s,
        face.y as f64 / s,
        face.width as f64 / s,
        face.height as f64 / s,
    );
    let is_backdrop: fn(Rgb<u8>) -> bool = match flow {
        PhotoFlow::Backdrop => is_blue,
        PhotoFlow::App => is_white,
    };
    let clothing = measure_clothing(
        &working.rgb,
        person,
        skin_colour(&working.rgb, face_rect),
        backdrop.typical,
        is_backdrop,
    );
    if clothing.pixels > 0 {
        let area = Some(to_original(clothing.area));
        findings.push(finding(
            "photo.clothing_red",
            at_most(
                clothing.red_share,
                profile.clothing_warn,
                profile.clothing_fail,
            ),
            Measure::at_most(
                clothing.red_share,
                MeasureUnit::Share,
                profile.clothing_fail,
            ),
            area,
            "Do not wear red: change into dark or neutral clothes (black, grey, white).",
            "请勿穿红色衣服：请换深色或中性色衣服（黑、灰、白）。",
        ));
        findings.push(finding(
            "photo.clothing_blue",
            at_most(clothing.blue_share, profile.clothing_warn, profile.clothing_fail),
            Measure::at_most(clothing.blue_share, MeasureUnit::Share, profile.clothing_fail),
            area,
            "Do not wear blue (navy included): change into dark or neutral clothes (black, grey, white).",
            "请勿穿蓝色衣服（包括藏青色）：请换深色或中性色衣服（黑、灰、白）。",
        ));
    }
    findings
}

/// Checks framing (one person, centred, whole head, head size), exposure
/// and sharpness of an administrator photo, given the faces found in it;
/// with the only face's landmark measures (`quality`, rows of `image`), also
/// its eyes, pose, cover and light, and the head's extent from them.
pub fn check_framing_and_quality(
    image: &DynamicImage,
    faces: &[FaceBox],
    quality: Option<&FaceQuality>,
    profile: &AdminPhotoProfile,
) -> Vec<Finding> {
    let (w, h) = (image.width() as f64, image.height() as f64);
    let subjects: Vec<&FaceBox> = subjects(faces, image.width(), profile).collect();
    let mut findings = Vec::new();
    let count = subjects.len() as f64;
    let (outcome, en, zh) = match subjects.len() {
        0 => (
            Outcome::Fail,
            "No face found. Face the camera in good light.",
            "未检测到人脸。请正对镜头，光线充足。",
        ),
        1 => (Outcome::Pass, "One person in the photo.", "照片中有一人。"),
        _ => (
            Outcome::Fail,
            "More than one person is in the photo. Only the website administrator may appear.",
            "照片中不止一人。只能有网站负责人本人。",
        ),
    };
    findings.push(finding(
        "photo.face_count",
        outcome,
        Measure {
            value: count,
            unit: MeasureUnit::Count,
            threshold: 1.0,
            limit: Limit::Exactly,
        },
        None,
        en,
        zh,
    ));
    let [face] = subjects[..] else {
        return findings;
    };
    let region = PixelRect {
        x: face.x,
        y: face.y,
        width: face.width,
        height: face.height,
    };
    let (fx, fy, fw, fh) = (
        face.x as f64,
        face.y as f64,
        face.width as f64,
        face.height as f64,
    );

    let offset = ((fx + fw / 2.0) - w / 2.0).abs() / w;
    findings.push(finding(
        "photo.off_centre",
        at_most(offset, profile.centre_warn, profile.centre_fail),
        Measure::at_most(offset, MeasureUnit::Share, profile.centre_fail),
        Some(region),
        "Stand in the middle of the backdrop, facing the camera.",
        "请站在幕布正中间，面向镜头。",
    ));

    let (head_top, chin) = match quality.filter(|q| q.recognised()) {
        Some(q) => (q.crown_y, q.chin_y),
        None => (fy - HEAD_ABOVE_BOX * fh, fy + fh),
    };
    let chin_room = (h - chin) / fh;
    let top_margin = head_top / h;
    let cut = top_margin < 0.0 || chin_room < 0.25 || fx < 0.0 || fx + fw > w;
    let outcome = if cut {
        Outcome::Fail
    } else {
        at_least(top_margin, profile.top_margin_warn, 0.0)
    };
    findings.push(finding(
        "photo.head_cut",
        outcome,
        Measure::at_least(top_margin, MeasureUnit::Share, 0.0),
        Some(region),
        "Your whole head, with some space above it, and your shoulders must be in the photo.",
        "照片须包含完整的头部（上方留有空间）和肩部。",
    ));

    let head = HEAD_OVER_BOX * fh / h;
    let (outcome, threshold, en, zh) = if head < profile.head_height_min_warn {
        (
            at_least(
                head,
                profile.head_height_min_warn,
                profile.head_height_min_fail,
            ),
            profile.head_height_min_fail,
            "Your face is too small in the photo. Move closer to the camera.",
            "人脸在照片中太小。请靠近镜头。",
        )
    } else {
        (
            at_most(
                head,
                profile.head_height_max_warn,
                profile.head_height_max_fail,
            ),
            profile.head_height_max_fail,
            "Your face is too large in the photo. Move back from the camera.",
            "人脸在照片中太大。请离镜头远一些。",
        )
    };
    findings.push(finding(
        "photo.head_size",
        outcome,
        Measure {
            value: head,
            unit: MeasureUnit::Share,
            threshold,
            limit: Limit::Within {
                low: profile.head_height_min_fail,
                high: profile.head_height_max_fail,
            },
        },
        Some(region),
        en,
        zh,
    ));

    let crop = image
        .crop_imm(face.x, face.y, face.width.max(1), face.height.max(1))
        .into_luma8();
    // The middle of the face (cheeks, nose, forehead): the box's corners
    // hold hair and background.
    let (cw, ch) = crop.dimensions();
    let mut skin: Vec<u8> =
        image::imageops::crop_imm(&crop, cw / 5, ch / 5, cw * 3 / 5, ch * 7 / 10)
            .to_image()
            .into_raw();
    let n = skin.len().max(1) as f64;
    let clipped = skin.iter().filter(|&&v| v >= 240).count() as f64 / n;
    let lit = if skin.is_empty() {
        0.0
    } else {
        let at = (skin.len() - 1) * 95 / 100;
        *skin.select_nth_unstable(at).1 as f64
    };
    findings.push(finding(
        "photo.too_dark",
        at_least(lit, profile.dark_warn, profile.dark_fail),
        Measure::at_least(lit, MeasureUnit::Level, profile.dark_fail),
        Some(region),
        "Your face is too dark. Turn towards the light or add light.",
        "脸部太暗。请面向光源或增加照明。",
    ));
    findings.push(finding(
        "photo.overexposed",
        at_most(clipped, profile.clipped_warn, profile.clipped_fail),
        Measure::at_most(clipped, MeasureUnit::Share, profile.clipped_fail),
        Some(region),
        "Your face is overexposed. Avoid direct light or flash on the face.",
        "脸部过曝。请避免强光或闪光灯直射面部。",
    ));
    let spread = face_blur(image, face);
    let (en, zh) = if spread.is_motion() {
        (
            "The photo is smeared by movement. Hold the phone still, or rest it on something, and take it again.",
            "照片因晃动而模糊。请拿稳手机或将其靠在物体上，然后重拍。",
        )
    } else {
        (
            "The photo is out of focus. Tap the face on the screen to focus, then take it again.",
            "照片未对焦。请点击屏幕上的人脸对焦后重拍。",
        )
    };
    findings.push(finding(
        "photo.blurry",
        at_most(spread.worst, profile.blur_warn, profile.blur_fail),
        Measure::at_most(spread.worst, MeasureUnit::Share, profile.blur_fail),
        Some(region),
        en,
        zh,
    ));
    if let Some(q) = quality {
        findings.extend(landmark_findings(q, region, profile));
    }
    findings
}

/// The findings of the face's landmark measures (ISO/IEC 29794-5's eyes
/// open, pose, occlusion and illumination uniformity); only the cover when
/// the landmark model does not recognise the face.
fn landmark_findings(
    q: &FaceQuality,
    region: PixelRect,
    profile: &AdminPhotoProfile,
) -> Vec<Finding> {
    let p = profile;
    // A finding whose value passes at most (`upper`) or at least its limits.
    let judged = |code, value, (warn, fail), unit, upper: bool, (en, zh)| {
        let (outcome, measure) = if upper {
            (
                at_most(value, warn, fail),
                Measure::at_most(value, unit, fail),
            )
        } else {
            (
                at_least(value, warn, fail),
                Measure::at_least(value, unit, fail),
            )
        };
        finding(code, outcome, measure, Some(region), en, zh)
    };
    let covered = judged(
        "photo.face_covered",
        q.occlusion,
        (p.covered_warn, p.covered_fail),
        MeasureUnit::Share,
        true,
        (
            "Nothing may cover your face: take off sunglasses or a mask, and keep hair and hands away from your eyes.",
            "面部不得有遮挡：请摘下墨镜或口罩，头发和手不要遮住眼睛。",
        ),
    );
    if !q.recognised() {
        return vec![covered];
    }
    let degrees = MeasureUnit::Degrees;
    vec![
        judged(
            "photo.eyes_closed",
            q.eye_openness,
            (p.eyes_open_warn, p.eyes_open_fail),
            MeasureUnit::Share,
            false,
            ("Keep both eyes open and look at the camera.", "请睁开双眼，看向镜头。"),
        ),
        judged(
            "photo.head_turned",
            q.yaw,
            (p.yaw_warn, p.yaw_fail),
            degrees,
            true,
            (
                "Face the camera straight on: do not turn your head to the side.",
                "请正对镜头，不要侧脸。",
            ),
        ),
        judged(
            "photo.head_nodded",
            q.pitch,
            (p.pitch_warn, p.pitch_fail),
            degrees,
            true,
            ("Keep your chin level: do not look up or down.", "请保持下巴水平，不要抬头或低头。"),
        ),
        judged(
            "photo.head_tilted",
            q.roll,
            (p.roll_warn, p.roll_fail),
            degrees,
            true,
            (
                "Keep your head upright: do not tilt it towards a shoulder.",
                "请保持头部端正，不要歪头。",
            ),
        ),
        covered,
        judged(
            "photo.uneven_light",
            q.light_balance,
            (p.light_balance_warn, p.light_balance_fail),
            MeasureUnit::Share,
            false,
            (
                "The light on your face is uneven: face the light or a window so that both sides of your face are lit.",
                "面部光线不均匀：请面向光源或窗户，使脸部两侧都被照亮。",
            ),
        ),
    ]
}

/// The blur of a face, measured on its box (eyes, brows, nostrils, mouth)
/// and given as a share of the face width. Not on the outline: against a
/// white or blurred backdrop a sharp face's outline is soft.
fn face_blur(image: &DynamicImage, face: &FaceBox) -> BlurSpread {
    let x = face.x.min(image.width());
    let y = face.y.min(image.height());
    let width = face.width.min(image.width() - x);
    let height = face.height.min(image.height() - y);
    let area = image.crop_imm(x, y, width, height).into_luma8();
    blur_spread(&area, BLUR_FACE_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::GrayImage;

    /// A textured 600 × 800 portrait-shaped image (sharp detail everywhere).
    fn portrait() -> GrayImage {
        GrayImage::from_fn(600, 800, |x, y| {
            image::Luma([if (x / 3 + y / 3) % 2 == 0 { 90 } else { 170 }])
        })
    }

    fn face(x: u32, y: u32, size: u32) -> FaceBox {
        FaceBox {
            x,
            y,
            width: size,
            height: size,
            score: 20.0,
        }
    }

    fn outcome(findings: &[Finding], code: &str) -> Outcome {
        findings
            .iter()
            .find(|f| f.code == code)
            .unwrap_or_else(|| panic!("{code} missing"))
            .outcome
    }

    #[test]
    fn a_well_framed_face_passes_everything() {
        let findings = check_framing_and_quality(
            &DynamicImage::ImageLuma8(portrait()),
            &[face(220, 200, 160)],
            None,
            &AdminPhotoProfile::default(),
        );
        assert_eq!(findings.len(), 7);
        for f in &findings {
            assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
            assert!(!f.message_en.is_empty() && !f.message_zh.is_empty());
        }
    }

    #[test]
    fn framing_faults_fail_with_their_codes() {
        let p = AdminPhotoProfile::default();
        let img = DynamicImage::ImageLuma8(portrait());
        let check = |faces: &[FaceBox]| check_framing_and_quality(&img, faces, None, &p);
        assert_eq!(outcome(&check(&[]), "photo.face_count"), Outcome::Fail);
        assert_eq!(
            check(&[]).len(),
            1,
            "nothing else can be judged without a face"
        );
        let two = check(&[face(100, 200, 150), face(360, 220, 140)]);
        assert_eq!(outcome(&two, "photo.face_count"), Outcome::Fail);
        // A tiny face in the background is ignored, not counted.
        let with_bystander = check(&[face(220, 200, 160), face(20, 30, 24)]);
        assert_eq!(outcome(&with_bystander, "photo.face_count"), Outcome::Pass);
        assert_eq!(
            outcome(&check(&[face(20, 200, 160)]), "photo.off_centre"),
            Outcome::Fail
        );
        assert_eq!(
            outcome(&check(&[face(280, 200, 160)]), "photo.off_centre"),
            Outcome::Warn
        );
        assert_eq!(
            outcome(&check(&[face(220, 40, 160)]), "photo.head_cut"),
            Outcome::Fail
        );
        assert_eq!(
            outcome(&check(&[face(220, 700, 160)]), "photo.head_cut"),
            Outcome::Fail,
            "chin at the bottom edge"
        );
        assert_eq!(
            outcome(&check(&[face(260, 300, 60)]), "photo.head_size"),
            Outcome::Fail
        );
        let huge = check(&[face(40, 330, 450)]);
        assert_eq!(outcome(&huge, "photo.head_size"), Outcome::Fail);
    }

    #[test]
    fn exposure_and_blur_are_measured_on_the_face() {
        let p = AdminPhotoProfile::default();
        let f = [face(220, 200, 160)];
        let mut dark = portrait();
        dark.pixels_mut().for_each(|v| v.0[0] /= 4);
        let findings = check_framing_and_quality(&DynamicImage::ImageLuma8(dark), &f, None, &p);
        assert_eq!(outcome(&findings, "photo.too_dark"), Outcome::Fail);
        let bright = GrayImage::from_pixel(600, 800, image::Luma([255]));
        assert_eq!(
            outcome(
                &check_framing_and_quality(&DynamicImage::ImageLuma8(bright), &f, None, &p),
                "photo.overexposed"
            ),
            Outcome::Fail
        );
        let blurred = image::imageops::blur(&portrait(), 4.0);
        let findings = check_framing_and_quality(&DynamicImage::ImageLuma8(blurred), &f, None, &p);
        assert_eq!(outcome(&findings, "photo.blurry"), Outcome::Fail);
        let findings =
            check_framing_and_quality(&DynamicImage::ImageLuma8(portrait()), &f, None, &p);
        assert_eq!(outcome(&findings, "photo.blurry"), Outcome::Pass);
        // Smeared by 8 % of the face width, upwards: told as movement.
        let smeared = super::super::blur::tests::motion(&portrait(), 13.0, 100.0);
        let findings = check_framing_and_quality(&DynamicImage::ImageLuma8(smeared), &f, None, &p);
        let blurry = findings.iter().find(|f| f.code == "photo.blurry").unwrap();
        assert_eq!(blurry.outcome, Outcome::Fail);
        assert!(blurry.message_en.contains("movement"), "{blurry:?}");
    }

    #[test]
    fn platform_boxes_drive_the_surroundings_and_wild_boxes_are_harmless() {
        // A 1200 × 1600 still: blue backdrop, a person in grey with a
        // skin-coloured head, its face box given by the platform at full
        // resolution.
        let face = FaceBox {
            x: 480,
            y: 400,
            width: 240,
            height: 240,
            score: 30.0,
        };
        let person = Silhouette::around(&face, 1.0);
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(1200, 1600, |x, y| {
            if person.contains(x as f64 + 0.5, y as f64 + 0.5) {
                if y < 640 {
                    Rgb([205, 160, 135])
                } else {
                    Rgb([60, 60, 62])
                }
            } else {
                Rgb([10, 90, 185])
            }
        }));
        let p = AdminPhotoProfile::default();
        let findings = check_admin_photo(&img, Some(&[face]), PhotoFlow::Backdrop, &p);
        assert_eq!(outcome(&findings, "photo.backdrop"), Outcome::Pass);
        assert_eq!(
            outcome(&findings, "photo.backdrop_text"),
            Outcome::Fail,
            "no characters"
        );
        assert_eq!(outcome(&findings, "photo.clothing_blue"), Outcome::Pass);
        let app = check_admin_photo(&img, Some(&[face]), PhotoFlow::App, &p);
        assert_eq!(
            outcome(&app, "photo.backdrop"),
            Outcome::Fail,
            "blue is not white"
        );
        for wild in [
            FaceBox {
                x: 5000,
                y: 9000,
                width: 400,
                height: 400,
                score: 1.0,
            },
            FaceBox {
                x: 1100,
                y: 1500,
                width: 4000,
                height: 4000,
                score: 1.0,
            },
            FaceBox {
                x: 0,
                y: 0,
                width: 0,
                height: 0,
                score: 0.0,
            },
        ] {
            let findings = check_admin_photo(&img, Some(&[wild]), PhotoFlow::Backdrop, &p);
            assert!(!findings.is_empty());
        }
    }
}
