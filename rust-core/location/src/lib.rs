//! Shanghai's in-region verification: a GPS fix (WGS-84, GCJ-02 or BD-09,
//! with its accuracy, age and mock flag) judged against Shanghai's shipped
//! administrative area (land, sea area, exclaves), and the evidence bound to
//! the photo it vouches for, which the gateway judges again.

mod area;
mod crs;
mod error;
mod evidence;
mod fix;
mod region;
mod verdict;

pub use area::{Area, Placement, SAME_BORDER_M};
pub use crs::{from_wgs84, in_gcj02_area, to_wgs84, Crs, LatLon};
pub use error::LocationError;
pub use evidence::LocationEvidence;
pub use fix::{LocationFix, LocationPolicy, LocationPrecision, LocationProvider};
pub use region::Region;
pub use verdict::{assess, RegionStatus, Verdict, VerdictReason};

// The bindings of this crate's records and enums (namespace of the crate's
// lib name), for the FFI crate; the gateway builds without.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
