//! The UniFFI façade of the ICP Filing companion core: the small, typed
//! surface Android and iOS apps see, and the one library they ship
//! (`libicp_companion`). It converts between FFI shapes and the domain crate
//! (`icp-companion-core`) and adds nothing else; the domain never imports it.

#[cfg(target_os = "android")]
mod android;
mod blocking;
mod camera;
mod errors;
mod imaging;
mod location;
mod logging;
mod order;
mod read;
mod rules;
mod scanner;
mod upload;

#[cfg(feature = "camera")]
pub use camera::list_cameras;
pub use camera::{
    CameraFrame, CaptureObserver, CaptureSession, CaptureStats, CaptureTarget, CapturedStill,
    FrameOutcome, FramePlane, GuidanceHint, ReplaySource,
};
pub use errors::{
    CameraError, DocumentReadError, FaceModelError, ImageError, LocationError, OrderQrError,
    RulesError, ScanError, SessionError, UploadError,
};
pub use imaging::{
    check_admin_photo, detect_faces, face_landmark_model_loaded, load_face_landmark_model,
    normalise_for_upload,
};
pub use location::{
    location_assess, location_bind_evidence, location_default_policy,
    location_evidence_ensure_inside, location_to_wgs84, Coordinates, LocationVerdict,
};
pub use logging::{install_logger, LogLevel, LogRecord, LogTarget, Logger};
pub use order::{
    generate_issuer_seed, issuer_public_key, order_qr_encode, order_qr_parse_and_verify,
    order_qr_render_png, order_qr_render_svg, TrustConfig,
};
#[cfg(feature = "ocr")]
pub use read::DocumentReader;
pub use read::{
    document_validity_verdict, judge_document_reading, read_document_text, today_in_china,
};
pub use rules::requirements_for;
pub use scanner::OrderScanner;
pub use upload::{
    claim_order, generate_installation_id, DrainSummary, FilingSession, QueueError, QueueFailure,
    QueueQuarantined, UploadProgress, UploadQueue,
};

uniffi::setup_scaffolding!("icp_companion");
