//! FFI error enums, one per area. Every variant carries the stable code and
//! both messages, so Kotlin/Swift get a typed exception per cause plus
//! `code`, `messageEn` and `messageZh` to show.

use crate::user_facing::UserFacing;

/// Declares an FFI error enum mirroring the variants of a domain error; the
/// `From` match is exhaustive, so a new domain variant cannot be forgotten.
macro_rules! ffi_error {
    ($(#[$meta:meta])* $name:ident from $domain:path { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
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
                },
            )+
        }

        impl From<$domain> for $name {
            fn from(error: $domain) -> Self {
                let code = error.code().to_string();
                let message_en = error.message_en();
                let message_zh = error.message_zh();
                use $domain as D;
                match error {
                    $( D::$variant { .. } => $name::$variant { code, message_en, message_zh }, )+
                }
            }
        }
    };
}

ffi_error! {
    /// A refused or unbuildable order QR code.
    OrderQrError from crate::order::OrderError {
        /// Not an ICP Filing order code (`qr.not_order_code`).
        NotAnOrderCode,
        /// Damaged content (`qr.malformed`).
        Malformed,
        /// Newer format than this app (`qr.unsupported_version`).
        UnsupportedVersion,
        /// Signed by an untrusted key (`qr.unknown_issuer`).
        UnknownIssuer,
        /// Forged or altered (`qr.bad_signature`).
        BadSignature,
        /// Past its expiry (`qr.expired`).
        Expired,
        /// Gateway is not HTTPS (`qr.insecure_gateway`).
        InsecureGateway,
        /// Gateway host not allow-listed (`qr.gateway_not_allowed`).
        GatewayNotAllowed,
        /// Invalid input to encode or configuration (`qr.invalid_input`).
        InvalidInput,
        /// Too long for a version-10 QR code (`qr.too_large`).
        TooLarge,
    }
}

ffi_error! {
    /// A camera, replay or frame failure.
    CameraError from crate::camera::CameraError {
        /// No camera connected (`camera.none`).
        NoCamera,
        /// No camera with that index (`camera.not_found`).
        NotFound,
        /// Camera permission refused (`camera.permission_denied`).
        PermissionDenied,
        /// The camera could not be opened (`camera.open_failed`).
        OpenFailed,
        /// The camera stopped delivering frames (`camera.stream_failed`).
        StreamFailed,
        /// Built without a camera backend (`camera.unavailable`).
        Unavailable,
        /// Nothing to replay in the folder (`replay.empty`).
        ReplayEmpty,
        /// A replayed image could not be read (`replay.unreadable`).
        ReplayUnreadable,
        /// The still could not be encoded (`camera.still_encoding`).
        StillEncoding,
        /// A frame that does not describe its buffers (`frame.*`).
        Frame,
    }
}

ffi_error! {
    /// A scanning failure: bad frame, unreadable file, or a refused code
    /// (the code then tells which refusal, e.g. `qr.expired`).
    ScanError from crate::scan::ScanError {
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
    LocationError from crate::location::LocationError {
        /// Coordinates missing or out of range (`location.invalid_coordinates`).
        InvalidCoordinates,
        /// No valid accuracy (`location.invalid_accuracy`).
        InvalidAccuracy,
        /// Mock or simulated fix (`location.mock_fix`).
        MockFix,
        /// Only approximate location granted (`location.coarse_only`).
        CoarseOnly,
        /// Fix too old (`location.stale_fix`).
        StaleFix,
        /// Fix dated in the future (`location.future_fix`).
        FutureFix,
        /// Fix not taken at the photo's moment (`location.fix_not_at_capture`).
        FixNotAtCapture,
        /// Judged outside Shanghai (`location.outside_region`).
        OutsideRegion,
        /// Not certainly inside Shanghai (`location.uncertain`).
        Uncertain,
        /// Boundary data damaged, a build defect (`location.boundary_data`).
        BoundaryData,
    }
}

ffi_error! {
    /// A refused province rules query.
    RulesError from crate::rules::RulesError {
        /// Not a province code (`rules.unknown_province`).
        UnknownProvince,
        /// Rules table damaged, a build defect (`rules.table_invalid`).
        TableInvalid,
    }
}

ffi_error! {
    /// An image file refused for upload or inspection.
    ImageError from crate::imaging::ImageInputError {
        /// Not JPEG, PNG or GIF by content (`image.unsupported_format`).
        UnsupportedFormat,
        /// Damaged or truncated (`image.corrupt`).
        Corrupt,
        /// Dimensions or memory beyond the limits (`image.too_large`).
        TooLarge,
        /// Could not be read (`image.io`).
        Io,
        /// Fewer than two documents to compose (`image.nothing_to_compose`).
        NothingToCompose,
    }
}

ffi_error! {
    /// A failed step of the filing session.
    SessionError from crate::session::SessionError {
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
        Incomplete,
        /// In-region photo without inside evidence (`session.location_required`).
        LocationRequired,
        /// Gateway unreachable (`session.network`).
        Network,
        /// Gateway answered a server error (`session.unavailable`).
        Unavailable,
        /// Gateway failed (`session.gateway_error`).
        Gateway,
    }
}

ffi_error! {
    /// A stopped upload or an unusable queue; the photos stay queued.
    UploadError from crate::upload::UploadError {
        /// Network failed on every retry (`upload.network`).
        Network,
        /// No answer in time (`upload.timeout`).
        Timeout,
        /// Server failed (`upload.server_error`).
        Server,
        /// Token refused (`upload.unauthorized`).
        Unauthorized,
        /// Order closed (`upload.order_closed`).
        OrderClosed,
        /// Refused for another reason (`upload.rejected`).
        Rejected,
        /// Not a compatible tus server (`upload.incompatible_server`).
        Incompatible,
        /// Not the order's secure gateway (`upload.insecure_endpoint`).
        InsecureEndpoint,
        /// The server's copy differs (`upload.checksum_mismatch`).
        ChecksumMismatch,
        /// Too large for the server (`upload.too_large`).
        TooLarge,
        /// Cancelled (`upload.cancelled`).
        Cancelled,
        /// Attempts or bytes for this photo used up for now (`upload.gave_up`).
        GaveUp,
        /// The gateway did not confirm the photo (`upload.not_confirmed`).
        NotConfirmed,
        /// The queue on the phone is unusable (`upload.storage`).
        Storage,
    }
}
