//! FFI error enums, one per area. Every variant carries the stable code,
//! both messages, `transient` (whether the app may retry the same step on
//! its own) and the technical `detail` for the app's logs, plus the domain
//! error's own facts (numbers, slots, names), so Kotlin and Swift get a typed
//! exception per cause with fields to act on. A defect of the build (damaged
//! embedded data) becomes the area's `Internal` variant with the generic
//! message, and is reported through the logger.

use icp_companion_core::user_facing::UserFacing;

/// The common facts every FFI error variant carries, read off a domain error.
pub(crate) struct Common {
    pub code: String,
    pub message_en: String,
    pub message_zh: String,
    pub transient: bool,
    pub detail: Option<String>,
}

impl Common {
    /// What `error` says of itself; an internal defect is reported here.
    pub fn of(error: &dyn UserFacing) -> Common {
        if error.is_internal() {
            tracing::error!(code = error.code(), detail = ?error.detail(), "internal defect");
        }
        Common {
            code: error.code().to_string(),
            message_en: error.message_en(),
            message_zh: error.message_zh(),
            transient: error.is_transient(),
            detail: error.detail(),
        }
    }
}

/// A field's value as the FFI carries it.
macro_rules! ffi_field {
    ($value:ident) => {
        $value.into()
    };
    ($value:ident, $convert:expr) => {
        $convert($value)
    };
}

/// Declares an FFI error enum mirroring the variants of a domain error,
/// each with the common facts and the listed fields (converted by `=> f`
/// where the FFI type differs). `internal` variants become `Internal`. The
/// `From` match is exhaustive, so a new domain variant cannot be forgotten.
macro_rules! ffi_error {
    (
        $(#[$meta:meta])* $name:ident from $domain:path {
            $( $(#[$vmeta:meta])* $variant:ident
               $({ $( $(#[$fmeta:meta])* $field:ident : $fty:ty $(=> $convert:expr)? ),* $(,)? })?
            ),+ $(,)?
        }
        $(internal { $($internal:ident),+ $(,)? })?
    ) => {
        $(#[$meta])*
        #[derive(Debug, thiserror::Error, uniffi::Error)]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[error("{message_en}")]
                $variant {
                    /// Stable machine-readable code.
                    code: String,
                    /// English message.
                    message_en: String,
                    /// Simplified Chinese message.
                    message_zh: String,
                    /// Whether the same step may succeed if tried again later.
                    transient: bool,
                    /// The technical cause, for logs (never shown as the message).
                    detail: Option<String>,
                    $($( $(#[$fmeta])* $field: $fty, )*)?
                },
            )+
            /// A defect of the build, not the user's doing: show the message
            /// (a generic one); it was reported through the logger.
            #[error("{message_en}")]
            Internal {
                /// Stable machine-readable code.
                code: String,
                /// English message.
                message_en: String,
                /// Simplified Chinese message.
                message_zh: String,
                /// Whether the same step may succeed if tried again later.
                transient: bool,
                /// The technical cause, for the report.
                detail: Option<String>,
            },
        }

        impl From<$domain> for $name {
            fn from(error: $domain) -> Self {
                let Common { code, message_en, message_zh, transient, detail } = Common::of(&error);
                use $domain as D;
                #[allow(unused_variables)]
                match error {
                    $(
                        D::$variant { $($($field,)*)? .. } => $name::$variant {
                            code, message_en, message_zh, transient, detail,
                            $($( $field: ffi_field!($field $(, $convert)?), )*)?
                        },
                    )+
                    $($( D::$internal { .. } => $name::Internal {
                        code, message_en, message_zh, transient, detail,
                    }, )+)?
                }
            }
        }
    };
}

fn path_text(path: std::path::PathBuf) -> String {
    path.display().to_string()
}

fn as_u64(n: usize) -> u64 {
    n as u64
}

ffi_error! {
    /// A refused or unbuildable order QR code.
    OrderQrError from icp_companion_core::order::OrderError {
        /// Not an ICP Filing order code (`qr.not_order_code`).
        NotAnOrderCode,
        /// Damaged content (`qr.malformed`).
        Malformed,
        /// Newer format than this app (`qr.unsupported_version`).
        UnsupportedVersion {
            /// The code's format version.
            version: u8,
        },
        /// Signed by an untrusted key (`qr.unknown_issuer`).
        UnknownIssuer {
            /// The first bytes of the issuer's key, hex.
            key_id: String,
        },
        /// Forged or altered (`qr.bad_signature`).
        BadSignature,
        /// Past its expiry (`qr.expired`).
        Expired {
            /// When it expired, Unix seconds.
            expired_at: u64,
        },
        /// Gateway is not HTTPS (`qr.insecure_gateway`).
        InsecureGateway {
            /// The gateway's address.
            url: String,
        },
        /// Gateway host not allow-listed (`qr.gateway_not_allowed`).
        GatewayNotAllowed {
            /// The gateway's host.
            host: String,
        },
        /// Invalid input to encode or configuration (`qr.invalid_input`).
        InvalidInput,
        /// Too long for a version-10 QR code (`qr.too_large`).
        TooLarge {
            /// The code text's length, bytes.
            bytes: u64 => as_u64,
        },
    }
}

ffi_error! {
    /// A camera, replay or frame failure.
    CameraError from icp_companion_core::camera::CameraError {
        /// No camera connected (`camera.none`).
        NoCamera,
        /// No camera with that index (`camera.not_found`).
        NotFound {
            /// The index asked for.
            index: u32,
        },
        /// Camera permission refused (`camera.permission_denied`).
        PermissionDenied,
        /// The camera could not be opened (`camera.open_failed`).
        OpenFailed,
        /// The camera stopped delivering frames (`camera.stream_failed`).
        StreamFailed,
        /// Built without a camera backend (`camera.unavailable`).
        Unavailable,
        /// Nothing to replay in the folder (`replay.empty`).
        ReplayEmpty {
            /// The folder.
            folder: String => path_text,
        },
        /// A replayed image could not be read (`replay.unreadable`).
        ReplayUnreadable {
            /// The file (or folder).
            file: String => path_text,
        },
        /// The still could not be encoded (`camera.still_encoding`).
        StillEncoding,
        /// A frame that does not describe its buffers (`frame.*`).
        Frame,
    }
}

ffi_error! {
    /// A scanning failure: bad frame, unreadable file, or a refused code
    /// (the code then tells which refusal, e.g. `qr.expired`).
    ScanError from icp_companion_core::scan::ScanError {
        /// The frame does not describe its buffer (`frame.*`).
        Frame,
        /// The image file cannot be read (`image.*`).
        Image,
        /// A code was found but refused (`qr.*`).
        Order,
    }
}

ffi_error! {
    /// A location fix refused, or evidence that does not satisfy the
    /// in-region rule.
    LocationError from icp_companion_core::location::LocationError {
        /// Coordinates missing or out of range (`location.invalid_coordinates`).
        InvalidCoordinates {
            /// The latitude given, degrees.
            latitude: f64,
            /// The longitude given, degrees.
            longitude: f64,
        },
        /// No valid accuracy (`location.invalid_accuracy`).
        InvalidAccuracy {
            /// The accuracy given, metres.
            accuracy_m: f64,
        },
        /// Mock or simulated fix (`location.mock_fix`).
        MockFix,
        /// Only approximate location granted (`location.coarse_only`).
        CoarseOnly,
        /// Fix too old (`location.stale_fix`).
        StaleFix {
            /// Age of the fix, seconds.
            age_s: i64,
            /// Largest accepted age, seconds.
            max_s: i64,
        },
        /// Fix dated in the future (`location.future_fix`).
        FutureFix {
            /// How far ahead of now, seconds.
            ahead_s: i64,
        },
        /// Fix not taken at the photo's moment (`location.fix_not_at_capture`).
        FixNotAtCapture {
            /// Time between fix and capture, seconds.
            gap_s: i64,
            /// Largest accepted gap, seconds.
            max_s: i64,
        },
        /// Judged outside Shanghai (`location.outside_region`).
        OutsideRegion,
        /// Not certainly inside Shanghai (`location.uncertain`).
        Uncertain,
        /// Evidence that does not parse (`location.malformed_evidence`).
        MalformedEvidence,
    }
    internal { BoundaryData }
}

ffi_error! {
    /// A refused province rules query.
    RulesError from icp_companion_core::rules::RulesError {
        /// Not a province code (`rules.unknown_province`).
        UnknownProvince {
            /// The GB/T 2260 code asked for.
            province_code: u32,
        },
    }
    internal { TableInvalid }
}

ffi_error! {
    /// An image file refused for upload or inspection.
    ImageError from icp_companion_core::imaging::ImageInputError {
        /// Not JPEG, PNG, GIF or WebP by content (`image.unsupported_format`).
        UnsupportedFormat {
            /// The image format it is in (`BMP`, …); none when not an image.
            format: Option<String>,
        },
        /// HEIC/HEIF or AVIF: ask the platform for a JPEG (`image.convert_on_device`).
        ConvertOnDevice {
            /// `HEIC` or `AVIF`.
            format: String,
        },
        /// A JPEG of a kind the decoders do not read (`image.unsupported_format`).
        UnsupportedJpeg,
        /// Damaged or truncated (`image.corrupt`).
        Corrupt,
        /// Beyond the memory budget even at a reduced scale (`image.too_large`).
        TooLarge {
            /// Declared width, pixels.
            width: u32,
            /// Declared height, pixels.
            height: u32,
            /// The largest picture accepted, megapixels.
            max_megapixels: u32,
        },
        /// A file larger than the core reads (`image.too_large`).
        FileTooLarge {
            /// The file's size, MB.
            size_mb: u64,
            /// The largest file read, MB.
            max_mb: u64,
        },
        /// Could not be read (`image.io`).
        Io {
            /// Why.
            problem: icp_companion_core::imaging::ReadProblem,
        },
        /// Fewer than two documents to compose (`image.nothing_to_compose`).
        NothingToCompose {
            /// Documents given.
            count: u64 => as_u64,
        },
    }
}

ffi_error! {
    /// A failed step of the filing session.
    SessionError from icp_companion_core::session::SessionError {
        /// Claimed by another phone (`session.already_claimed`).
        AlreadyClaimed,
        /// The QR's token was refused (`session.claim_refused`).
        ClaimRefused,
        /// The phone is no longer authorised (`session.unauthorized`).
        Unauthorized,
        /// Expired or submitted (`session.order_closed`).
        OrderClosed,
        /// Unknown to the gateway (`session.unknown_order`).
        UnknownOrder,
        /// Required photos missing (`session.incomplete`).
        Incomplete {
            /// The slots still missing.
            missing: Vec<icp_companion_core::session::Slot>,
        },
        /// In-region photo without inside evidence (`session.location_required`).
        LocationRequired {
            /// The photo's slot.
            slot: icp_companion_core::session::Slot,
        },
        /// Not from the live camera where the order needs it (`session.live_capture_required`).
        LiveCaptureRequired {
            /// The photo's slot.
            slot: icp_companion_core::session::Slot,
        },
        /// Queued with another time than the capture recorded (`session.capture_time_mismatch`).
        CaptureTimeMismatch {
            /// When the capture session took it, Unix milliseconds.
            recorded_unix_ms: i64,
            /// The time the app passed, Unix milliseconds.
            given_unix_ms: i64,
        },
        /// Gateway unreachable (`session.network`).
        Network {
            /// The wait ran out (rather than the connection failing).
            timed_out: bool,
        },
        /// Gateway answered a server error (`session.unavailable`).
        Unavailable {
            /// The HTTP status.
            status: u16,
        },
        /// The app's installation id is not usable (`session.bad_installation_id`).
        BadInstallationId,
        /// Gateway answered something unusable (`session.gateway_error`).
        Gateway,
    }
}

ffi_error! {
    /// A stopped upload or an unusable queue; the photos stay queued.
    UploadError from icp_companion_core::upload::UploadError {
        /// Network failed on every retry (`upload.network`).
        Network,
        /// No answer in time (`upload.timeout`).
        Timeout,
        /// Server failed (`upload.server_error`).
        Server {
            /// The HTTP status.
            status: u16,
        },
        /// Token refused (`upload.unauthorized`).
        Unauthorized,
        /// Order closed (`upload.order_closed`).
        OrderClosed,
        /// The gateway refused the photo's evidence (`upload.evidence_refused`).
        EvidenceRefused {
            /// The gateway's code (`location.*`, `provenance.*`).
            reason: String,
        },
        /// Refused for another reason (`upload.rejected`).
        Rejected {
            /// The HTTP status.
            status: u16,
        },
        /// Not a compatible tus server (`upload.incompatible_server`).
        Incompatible,
        /// Not the order's secure gateway (`upload.insecure_endpoint`).
        InsecureEndpoint {
            /// The refused address.
            url: String,
        },
        /// The server's copy differs (`upload.checksum_mismatch`).
        ChecksumMismatch,
        /// Too large for the server (`upload.too_large`).
        TooLarge {
            /// The photo's size, bytes.
            size: u64,
            /// The server's limit, bytes (0 when it did not say).
            max: u64,
        },
        /// Cancelled (`upload.cancelled`).
        Cancelled,
        /// Attempts or bytes for this photo used up for now (`upload.gave_up`).
        GaveUp {
            /// Attempts made.
            rounds: u32,
            /// Bytes sent in all.
            bytes_sent: u64,
        },
        /// The gateway did not confirm the photo (`upload.not_confirmed`).
        NotConfirmed,
        /// The queue on the phone is unusable (`upload.storage`).
        Storage,
    }
}

ffi_error! {
    /// A document photo that could not be read (a refusal is a finding).
    DocumentReadError from icp_companion_core::read::ReadError {
        /// A recognition model is not where the app said (`read.model_missing`).
        ModelMissing {
            /// Where it was looked for.
            path: String,
        },
        /// The photo could not be decoded (the image error's own code,
        /// e.g. `image.unsupported_format`).
        Image,
    }
    internal { ModelInvalid, RunFailed }
}

ffi_error! {
    /// A face landmark model asset that could not be loaded.
    FaceModelError from icp_companion_core::inspect::FaceModelError {
        /// Another model was passed (`face_model.wrong_model`).
        WrongModel {
            /// The given model's input shape.
            input: String,
        },
    }
    internal { Invalid }
}
