//! Reading image files safely: format by content, not by name; bounded
//! dimensions and memory so a crafted file cannot exhaust the phone;
//! normalising photos for upload and composing several onto one sheet.

mod budget;
mod compose;
mod encode;
mod error;
mod jpeg;
mod load;
mod normalise;
mod rect;
mod resize;

pub use budget::{Channels, DECODE_BUDGET_BYTES};
pub use compose::compose_documents;
pub use error::{ImageInputError, ReadProblem};
pub use load::{
    decode_image, decode_upright, read_file_bytes, read_image_file, read_luma_file, sniff_format,
    AcceptedFormat, Decoded, MAX_FILE_BYTES, MAX_SIDE_PX,
};
pub use normalise::{
    encode_for_upload, normalise_for_upload, NormalisedImage, UploadFormat, MAX_UPLOAD_BYTES,
};
pub use rect::PixelRect;
pub use resize::{resize_luma, resize_rgb, Resample};
