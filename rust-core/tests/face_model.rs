//! The face landmark model is an asset the app loads: before it is loaded
//! the administrator photo check gives no face-quality findings (and says
//! so through `face_landmark_model_loaded`); after, it does. One test in
//! its own process, as the model is loaded once per process.

use icp_companion_core::inspect::{
    check_admin_photo, face_landmark_model_loaded, load_face_landmark_model, AdminPhotoProfile,
    PhotoFlow,
};
use image::DynamicImage;

#[path = "../../cli/src/scenes.rs"]
mod scenes;

/// Codes only the landmarks measure.
const LANDMARK_CODES: [&str; 6] = [
    "photo.eyes_closed",
    "photo.head_turned",
    "photo.head_nodded",
    "photo.head_tilted",
    "photo.face_covered",
    "photo.uneven_light",
];

#[test]
fn face_quality_is_measured_once_the_app_loads_the_model() {
    let face = scenes::Face::demo_portrait();
    let photo =
        DynamicImage::ImageRgb8(scenes::admin_scene(&face, scenes::Pose::good(), 960, 1280));
    let codes = || -> Vec<String> {
        check_admin_photo(
            &photo,
            None,
            PhotoFlow::Backdrop,
            &AdminPhotoProfile::default(),
        )
        .into_iter()
        .map(|f| f.code)
        .collect()
    };
    assert!(!face_landmark_model_loaded());
    let without = codes();
    assert!(
        without.contains(&"photo.face_count".to_string()),
        "{without:?}"
    );
    for code in LANDMARK_CODES {
        assert!(
            !without.contains(&code.to_string()),
            "{code} without the model"
        );
    }
    load_face_landmark_model(include_bytes!("../data/face_landmark.tflite")).unwrap();
    assert!(face_landmark_model_loaded());
    let with = codes();
    for code in LANDMARK_CODES {
        assert!(with.contains(&code.to_string()), "{code} missing: {with:?}");
    }
}
