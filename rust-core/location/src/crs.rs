//! Coordinate systems Chinese location SDKs report, and exact-enough
//! conversion to WGS-84, the datum of GPS and of the shipped boundary.
//!
//! GCJ-02 ("Mars coordinates", AMap/Tencent) shifts WGS-84 by a published
//! obfuscation polynomial, about 0.5 km in Shanghai; BD-09 (Baidu) rotates
//! and shifts GCJ-02 again, about 1.1 km from WGS-84. Only the forward
//! directions have closed forms: the inverses here iterate the forward
//! function to a fixed point (well below a millimetre), where the common
//! one-step inverses are off by up to 2 m.

use std::f64::consts::PI;

/// A position in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
}

/// The coordinate system a position is expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Crs {
    /// WGS-84, what GPS receivers and the platform location APIs report.
    Wgs84,
    /// GCJ-02, reported by AMap, Tencent and Apple maps inside China.
    Gcj02,
    /// BD-09, reported by Baidu's location SDK.
    Bd09,
}

impl Crs {
    /// The lowercase name used by the CLI and in messages.
    pub fn name(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        }
    }

    /// Parses `wgs84`, `gcj02` or `bd09` (case-insensitive).
    pub fn from_name(name: &str) -> Option<Crs> {
        [Crs::Wgs84, Crs::Gcj02, Crs::Bd09]
            .into_iter()
            .find(|crs| crs.name().eq_ignore_ascii_case(name))
    }
}

/// Krasovsky 1940 ellipsoid, which the GCJ-02 polynomial is defined on.
const KRASOVSKY_A: f64 = 6_378_245.0;
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;
/// BD-09's rotation constant.
const BD_X_PI: f64 = PI * 3000.0 / 180.0;
/// Iterations stop once a step moves the estimate less than this (degrees,
/// about 0.01 mm); a handful of iterations reach it.
const CONVERGED_DEG: f64 = 1e-10;
const MAX_ITERATIONS: usize = 30;

/// Whether GCJ-02 applies at `p`: the rough mainland rectangle the standard
/// implementations use; outside it GCJ-02 equals WGS-84.
pub fn in_gcj02_area(p: LatLon) -> bool {
    (72.004..=137.8347).contains(&p.lon) && (0.8293..=55.8271).contains(&p.lat)
}

/// Converts `p` in `from` to WGS-84.
pub fn to_wgs84(p: LatLon, from: Crs) -> LatLon {
    match from {
        Crs::Wgs84 => p,
        Crs::Gcj02 => gcj02_to_wgs84(p),
        Crs::Bd09 => gcj02_to_wgs84(bd09_to_gcj02(p)),
    }
}

/// Converts a WGS-84 position to `to`.
pub fn from_wgs84(p: LatLon, to: Crs) -> LatLon {
    match to {
        Crs::Wgs84 => p,
        Crs::Gcj02 => wgs84_to_gcj02(p),
        Crs::Bd09 => gcj02_to_bd09(wgs84_to_gcj02(p)),
    }
}

/// The published forward GCJ-02 transform.
pub fn wgs84_to_gcj02(p: LatLon) -> LatLon {
    if !in_gcj02_area(p) {
        return p;
    }
    let (x, y) = (p.lon - 105.0, p.lat - 35.0);
    let rad_lat = p.lat.to_radians();
    let magic = 1.0 - KRASOVSKY_EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    let d_lat = offset_lat(x, y) * 180.0
        / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * PI);
    let d_lon = offset_lon(x, y) * 180.0 / (KRASOVSKY_A / sqrt_magic * rad_lat.cos() * PI);
    LatLon {
        lat: p.lat + d_lat,
        lon: p.lon + d_lon,
    }
}

/// Inverse of [`wgs84_to_gcj02`] by fixed-point iteration.
pub fn gcj02_to_wgs84(p: LatLon) -> LatLon {
    invert(p, wgs84_to_gcj02)
}

/// The published forward BD-09 transform from GCJ-02.
pub fn gcj02_to_bd09(p: LatLon) -> LatLon {
    let (x, y) = (p.lon, p.lat);
    let z = (x * x + y * y).sqrt() + 0.00002 * (y * BD_X_PI).sin();
    let theta = y.atan2(x) + 0.000003 * (x * BD_X_PI).cos();
    LatLon {
        lat: z * theta.sin() + 0.006,
        lon: z * theta.cos() + 0.0065,
    }
}

/// Inverse of [`gcj02_to_bd09`] by fixed-point iteration on the forward
/// transform, like [`gcj02_to_wgs84`].
pub fn bd09_to_gcj02(p: LatLon) -> LatLon {
    invert(p, gcj02_to_bd09)
}

/// Solves `forward(q) = target` for `q`, starting from `target` itself:
/// the offsets vary slowly, so each step shrinks the error by orders of
/// magnitude.
fn invert(target: LatLon, forward: fn(LatLon) -> LatLon) -> LatLon {
    let mut q = target;
    for _ in 0..MAX_ITERATIONS {
        let image = forward(q);
        let (d_lat, d_lon) = (target.lat - image.lat, target.lon - image.lon);
        q.lat += d_lat;
        q.lon += d_lon;
        if d_lat.abs() < CONVERGED_DEG && d_lon.abs() < CONVERGED_DEG {
            break;
        }
    }
    q
}

fn offset_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn offset_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metres between two nearby positions (equirectangular, fine at < 10 km).
    fn metres(a: LatLon, b: LatLon) -> f64 {
        let k = 111_320.0;
        let dx = (a.lon - b.lon) * k * a.lat.to_radians().cos();
        let dy = (a.lat - b.lat) * k;
        (dx * dx + dy * dy).sqrt()
    }

    #[test]
    fn offsets_in_shanghai_have_the_known_size() {
        let people_square = LatLon {
            lat: 31.2304,
            lon: 121.4737,
        };
        let gcj = wgs84_to_gcj02(people_square);
        let bd = from_wgs84(people_square, Crs::Bd09);
        let (g, b) = (metres(people_square, gcj), metres(people_square, bd));
        assert!((400.0..700.0).contains(&g), "GCJ-02 offset {g} m");
        assert!((900.0..1400.0).contains(&b), "BD-09 offset {b} m");
    }

    #[test]
    fn inverses_are_exact_where_one_step_ones_are_not() {
        let p = LatLon {
            lat: 31.1443,
            lon: 121.8083,
        };
        for crs in [Crs::Gcj02, Crs::Bd09] {
            let back = to_wgs84(from_wgs84(p, crs), crs);
            assert!(metres(p, back) < 1e-4, "{crs:?}: {} m", metres(p, back));
        }
        // The naive inverse (subtract the offset computed at the GCJ point).
        let gcj = wgs84_to_gcj02(p);
        let shifted = wgs84_to_gcj02(gcj);
        let naive = LatLon {
            lat: gcj.lat - (shifted.lat - gcj.lat),
            lon: gcj.lon - (shifted.lon - gcj.lon),
        };
        assert!(metres(p, naive) > 0.01);
    }

    #[test]
    fn outside_china_gcj02_is_wgs84() {
        let tokyo = LatLon {
            lat: 35.68,
            lon: 139.76,
        };
        assert_eq!(wgs84_to_gcj02(tokyo), tokyo);
        assert_eq!(gcj02_to_wgs84(tokyo), tokyo);
    }

    #[test]
    fn names_round_trip() {
        for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
            assert_eq!(Crs::from_name(crs.name()), Some(crs));
        }
        assert_eq!(Crs::from_name("GCJ02"), Some(Crs::Gcj02));
        assert_eq!(Crs::from_name("utm"), None);
    }
}
