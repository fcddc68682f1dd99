//! A region's area as WGS-84 polygons, indexed for the two questions a
//! verdict asks: is this point inside, and how far is the border?
//!
//! The border is held in a local metric projection (equirectangular about
//! the region's centre; under 0.6 % scale error across a province the size
//! of Shanghai): its segments in an R-tree for the nearest one, and in
//! horizontal bands for an even-odd crossing test. The distance reported is
//! then measured on the WGS-84 ellipsoid to that nearest point.

use geo::{Coord, Distance, Geodesic, Point};
use rstar::{PointDistance, RTree, RTreeObject, AABB};
use serde::Deserialize;

use super::crs::{to_wgs84, Crs, LatLon};
use super::error::LocationError;

/// WGS-84 semi-major axis and first eccentricity squared, for the local
/// projection's metres per degree.
const WGS84_A: f64 = 6_378_137.0;
const WGS84_E2: f64 = 0.006_694_379_990_14;

/// Horizontal bands of the crossing-test index.
const BANDS: usize = 512;
/// Beyond this, distances use the full geodesic solution instead of the
/// local ellipsoidal approximation (under 0.5 m error up to here).
const LOCAL_DISTANCE_LIMIT_M: f64 = 50_000.0;

/// An area made of polygons (with holes), with its border indexed.
pub struct Region {
    version: String,
    projection: Projection,
    segments: RTree<Segment>,
    bands: Bands,
}

/// Equirectangular projection to metres about an origin.
#[derive(Debug, Clone, Copy)]
struct Projection {
    origin: LatLon,
    metres_per_deg: (f64, f64),
}

/// Border segments bucketed by the horizontal bands their y-range touches.
struct Bands {
    y0: f64,
    height: f64,
    edges: Vec<Segment>,
    members: Vec<Vec<u32>>,
}

/// The boundary file format written by `extract_shanghai_boundary.py`.
#[derive(Deserialize)]
struct BoundaryFile {
    version: String,
    datum: String,
    polygons: Vec<Vec<Vec<i64>>>,
}

impl Region {
    /// Parses a boundary file (`datum` GCJ-02 or WGS-84, rings of
    /// micro-degree `lon, lat` pairs) and converts it to WGS-84.
    pub fn from_boundary_json(text: &str) -> Result<Region, LocationError> {
        let bad = |detail: String| LocationError::BoundaryData { detail };
        let file: BoundaryFile = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        let crs = match file.datum.as_str() {
            "GCJ-02" => Crs::Gcj02,
            "WGS-84" => Crs::Wgs84,
            other => return Err(bad(format!("unknown datum {other}"))),
        };
        let polygons = file
            .polygons
            .iter()
            .map(|rings| {
                rings
                    .iter()
                    .map(|flat| {
                        if flat.len() < 6 || flat.len() % 2 != 0 {
                            return Err(bad(format!("a ring of {} numbers", flat.len())));
                        }
                        Ok(flat
                            .chunks_exact(2)
                            .map(|pair| {
                                let p = LatLon {
                                    lon: pair[0] as f64 * 1e-6,
                                    lat: pair[1] as f64 * 1e-6,
                                };
                                to_wgs84(p, crs)
                            })
                            .collect())
                    })
                    .collect::<Result<Vec<Vec<LatLon>>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        Region::from_rings(file.version, &polygons)
    }

    /// Builds a region from WGS-84 polygons, each a list of rings (the
    /// first its exterior, the others holes; closing point optional).
    pub fn from_rings(
        version: String,
        polygons: &[Vec<Vec<LatLon>>],
    ) -> Result<Region, LocationError> {
        let all = polygons.iter().flatten().flatten();
        let (mut lo, mut hi) = (
            LatLon {
                lat: f64::MAX,
                lon: f64::MAX,
            },
            LatLon {
                lat: f64::MIN,
                lon: f64::MIN,
            },
        );
        for p in all {
            if !(p.lat.is_finite() && p.lon.is_finite()) {
                return Err(LocationError::BoundaryData {
                    detail: "a vertex is not a number".into(),
                });
            }
            lo = LatLon {
                lat: lo.lat.min(p.lat),
                lon: lo.lon.min(p.lon),
            };
            hi = LatLon {
                lat: hi.lat.max(p.lat),
                lon: hi.lon.max(p.lon),
            };
        }
        if polygons.is_empty() || lo.lat > hi.lat {
            return Err(LocationError::BoundaryData {
                detail: "no polygons".into(),
            });
        }
        let origin = LatLon {
            lat: (lo.lat + hi.lat) / 2.0,
            lon: (lo.lon + hi.lon) / 2.0,
        };
        let projection = Projection {
            origin,
            metres_per_deg: metres_per_degree(origin.lat),
        };
        let mut edges = Vec::new();
        for ring in polygons.iter().flatten() {
            if ring.len() < 3 {
                return Err(LocationError::BoundaryData {
                    detail: "a ring of fewer than three points".into(),
                });
            }
            let coords: Vec<[f64; 2]> = ring
                .iter()
                .map(|&p| {
                    let c = projection.project(p);
                    [c.x, c.y]
                })
                .collect();
            for (i, &a) in coords.iter().enumerate() {
                let b = coords[(i + 1) % coords.len()];
                if a != b {
                    edges.push(Segment(a, b));
                }
            }
        }
        let (lo_y, hi_y) = (projection.project(lo).y, projection.project(hi).y);
        let height = ((hi_y - lo_y) / BANDS as f64).max(f64::MIN_POSITIVE);
        let band = |y: f64| (((y - lo_y) / height) as usize).min(BANDS - 1);
        let mut members = vec![Vec::new(); BANDS];
        for (i, e) in edges.iter().enumerate() {
            let (a, b) = (e.0[1].min(e.1[1]), e.0[1].max(e.1[1]));
            for m in &mut members[band(a)..=band(b)] {
                m.push(i as u32);
            }
        }
        Ok(Region {
            version,
            projection,
            segments: RTree::bulk_load(edges.clone()),
            bands: Bands {
                y0: lo_y,
                height,
                edges,
                members,
            },
        })
    }

    /// Keeps in the border index (what distances measure to) only the
    /// segments `keep` accepts, given their WGS-84 ends; the inside test
    /// still uses every ring. For a boundary trusted only along part of its
    /// line (see [`super::Area`]).
    pub fn retain_border(&mut self, keep: impl Fn(LatLon, LatLon) -> bool) {
        let kept: Vec<Segment> = self
            .bands
            .edges
            .iter()
            .filter(|s| keep(self.unproject(s.0), self.unproject(s.1)))
            .copied()
            .collect();
        self.segments = RTree::bulk_load(kept);
    }

    fn unproject(&self, c: [f64; 2]) -> LatLon {
        self.projection.unproject(Coord { x: c[0], y: c[1] })
    }

    /// Identifies the boundary data, for evidence records.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Number of border segments (vertices), for reports.
    pub fn segment_count(&self) -> usize {
        self.segments.size()
    }

    /// Whether the WGS-84 point lies inside (points on the border count as
    /// outside; a verdict never relies on that distinction).
    pub fn contains(&self, p: LatLon) -> bool {
        let c = self.projection.project(p);
        let band = (c.y - self.bands.y0) / self.bands.height;
        if !(0.0..BANDS as f64).contains(&band) {
            return false;
        }
        // Even-odd rule over every ring: holes and islands need no special case.
        let mut inside = false;
        for &i in &self.bands.members[band as usize] {
            let Segment(a, b) = self.bands.edges[i as usize];
            if (a[1] > c.y) != (b[1] > c.y)
                && c.x < a[0] + (c.y - a[1]) * (b[0] - a[0]) / (b[1] - a[1])
            {
                inside = !inside;
            }
        }
        inside
    }

    /// The point of the border nearest to the WGS-84 point `p`.
    pub fn nearest_border_point(&self, p: LatLon) -> LatLon {
        let c = self.projection.project(p);
        let nearest = self
            .segments
            .nearest_neighbor(&[c.x, c.y])
            .map(|s| s.closest(c))
            .unwrap_or(c);
        self.projection.unproject(nearest)
    }

    /// Distance in metres on the WGS-84 ellipsoid from the point to the border.
    pub fn distance_to_border_m(&self, p: LatLon) -> f64 {
        let q = self.nearest_border_point(p);
        let (kx, ky) = metres_per_degree(0.5 * (p.lat + q.lat));
        let local = ((p.lon - q.lon) * kx).hypot((p.lat - q.lat) * ky);
        if local < LOCAL_DISTANCE_LIMIT_M {
            local
        } else {
            Geodesic.distance(Point::new(p.lon, p.lat), Point::new(q.lon, q.lat))
        }
    }

    /// Points along the border every `step_m` metres (at least each segment's
    /// start), for measuring the border against a reference.
    pub fn border_samples(&self, step_m: f64) -> Vec<LatLon> {
        let mut out = Vec::new();
        for s in self.segments.iter() {
            let (dx, dy) = (s.1[0] - s.0[0], s.1[1] - s.0[1]);
            let n = ((dx * dx + dy * dy).sqrt() / step_m).ceil().max(1.0) as usize;
            for i in 0..n {
                let t = i as f64 / n as f64;
                out.push(self.projection.unproject(Coord {
                    x: s.0[0] + t * dx,
                    y: s.0[1] + t * dy,
                }));
            }
        }
        out
    }
}

impl Projection {
    fn project(&self, p: LatLon) -> Coord<f64> {
        Coord {
            x: (p.lon - self.origin.lon) * self.metres_per_deg.0,
            y: (p.lat - self.origin.lat) * self.metres_per_deg.1,
        }
    }

    fn unproject(&self, c: Coord<f64>) -> LatLon {
        LatLon {
            lon: c.x / self.metres_per_deg.0 + self.origin.lon,
            lat: c.y / self.metres_per_deg.1 + self.origin.lat,
        }
    }
}

/// Metres per degree of longitude and of latitude at `lat` on the WGS-84
/// ellipsoid (prime-vertical and meridional radii of curvature).
fn metres_per_degree(lat: f64) -> (f64, f64) {
    let phi = lat.to_radians();
    let w = (1.0 - WGS84_E2 * phi.sin().powi(2)).sqrt();
    let rad = std::f64::consts::PI / 180.0;
    (
        WGS84_A / w * phi.cos() * rad,
        WGS84_A * (1.0 - WGS84_E2) / (w * w * w) * rad,
    )
}

/// One border segment in projected metres, as an R-tree entry.
#[derive(Debug, Clone, Copy)]
struct Segment([f64; 2], [f64; 2]);

impl Segment {
    fn closest(&self, c: Coord<f64>) -> Coord<f64> {
        let (ax, ay, bx, by) = (self.0[0], self.0[1], self.1[0], self.1[1]);
        let (dx, dy) = (bx - ax, by - ay);
        let len2 = dx * dx + dy * dy;
        let t = if len2 == 0.0 {
            0.0
        } else {
            (((c.x - ax) * dx + (c.y - ay) * dy) / len2).clamp(0.0, 1.0)
        };
        Coord {
            x: ax + t * dx,
            y: ay + t * dy,
        }
    }
}

impl RTreeObject for Segment {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_corners(self.0, self.1)
    }
}

impl PointDistance for Segment {
    fn distance_2(&self, point: &[f64; 2]) -> f64 {
        let c = self.closest(Coord {
            x: point[0],
            y: point[1],
        });
        (c.x - point[0]).powi(2) + (c.y - point[1]).powi(2)
    }
}

#[cfg(test)]
mod tests {
    use super::super::area::{ADMIN_JSON, LAND_JSON};
    use super::*;

    fn square(lat: f64, lon: f64, half: f64) -> Vec<LatLon> {
        vec![
            LatLon {
                lat: lat - half,
                lon: lon - half,
            },
            LatLon {
                lat: lat - half,
                lon: lon + half,
            },
            LatLon {
                lat: lat + half,
                lon: lon + half,
            },
            LatLon {
                lat: lat + half,
                lon: lon - half,
            },
        ]
    }

    #[test]
    fn holes_and_islands_are_respected() {
        let region = Region::from_rings(
            "test".into(),
            &[
                vec![square(31.0, 121.0, 0.1), square(31.0, 121.0, 0.02)],
                vec![square(31.5, 121.5, 0.01)],
            ],
        )
        .unwrap();
        assert!(region.contains(LatLon {
            lat: 31.05,
            lon: 121.05
        }));
        assert!(
            !region.contains(LatLon {
                lat: 31.0,
                lon: 121.0
            }),
            "in the hole"
        );
        assert!(
            region.contains(LatLon {
                lat: 31.5,
                lon: 121.5
            }),
            "on the island"
        );
        assert!(!region.contains(LatLon {
            lat: 31.3,
            lon: 121.3
        }));
        // The hole's nearest edges are 0.02° of longitude (1.91 km at 31° N)
        // from its centre; geodesic distance agrees within a metre.
        let d = region.distance_to_border_m(LatLon {
            lat: 31.0,
            lon: 121.0,
        });
        assert!((d - 1_909.9).abs() < 1.0, "{d}");
        assert_eq!(region.segment_count(), 12);
    }

    #[test]
    fn malformed_boundary_files_are_refused() {
        for text in [
            "",
            "{}",
            r#"{"version":"v","datum":"NAD27","polygons":[[[0,0,1,0,1,1]]]}"#,
            r#"{"version":"v","datum":"WGS-84","polygons":[[[0,0,1]]]}"#,
            r#"{"version":"v","datum":"WGS-84","polygons":[]}"#,
        ] {
            assert!(
                matches!(
                    Region::from_boundary_json(text),
                    Err(LocationError::BoundaryData { .. })
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn the_shipped_boundary_loads() {
        let land = Region::from_boundary_json(LAND_JSON).unwrap();
        assert!(land.segment_count() > 2000);
        assert!(land.version().starts_with("shanghai-land/"));
        let admin = Region::from_boundary_json(ADMIN_JSON).unwrap();
        assert!(admin.segment_count() > 5000);
        assert!(admin.version().starts_with("shanghai-admin/"));
    }

    #[test]
    fn banded_crossing_test_agrees_with_geo_on_the_shipped_boundary() {
        use geo::{Contains, LineString, MultiPolygon, Polygon};
        let file: BoundaryFile = serde_json::from_str(LAND_JSON).unwrap();
        let ring = |flat: &Vec<i64>| {
            LineString::from(
                flat.chunks_exact(2)
                    .map(|c| {
                        let p = to_wgs84(
                            LatLon {
                                lon: c[0] as f64 * 1e-6,
                                lat: c[1] as f64 * 1e-6,
                            },
                            Crs::Gcj02,
                        );
                        (p.lon, p.lat)
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let shape = MultiPolygon::new(
            file.polygons
                .iter()
                .map(|rings| Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect()))
                .collect(),
        );
        let region = Region::from_boundary_json(LAND_JSON).unwrap();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut inside = 0;
        for _ in 0..5_000 {
            let p = LatLon {
                lat: 30.6 + next() * 1.3,
                lon: 120.8 + next() * 1.3,
            };
            let expected = shape.contains(&geo::Point::new(p.lon, p.lat));
            assert_eq!(region.contains(p), expected, "{p:?}");
            inside += expected as usize;
        }
        assert!(inside > 1_000, "{inside} of 5000 samples inside");
    }
}
