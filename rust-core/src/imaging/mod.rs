//! Reading image files safely: format by content, not by name; bounded
//! dimensions and memory so a crafted file cannot exhaust the phone;
//! normalising photos for upload and composing several onto one sheet.

mod compose;
mod error;
mod load;
mod normalise;
mod resize;

pub use compose::compose_documents;
pub use error::ImageInputError;
pub use load::{
    decode_image, read_image_file, sniff_format, AcceptedFormat, MAX_FILE_BYTES, MAX_SIDE_PX,
};
pub use normalise::{
    encode_for_upload, normalise_for_upload, NormalisedImage, UploadFormat, MAX_UPLOAD_BYTES,
};
pub use resize::{resize_luma, resize_rgb, Region, Resample};
