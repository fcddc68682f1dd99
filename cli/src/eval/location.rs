//! `icp-companion location-eval`: verdicts on the labelled places, and the
//! shipped boundary measured against an OpenStreetMap-derived reference.

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use icp_companion_core::location::{
    assess, Area, Crs, LatLon, LocationFix, LocationPolicy, LocationPrecision, LocationProvider,
    Region, RegionStatus, SAME_BORDER_M,
};
use serde_json::{json, Value};

use crate::output::{Exit, Failure, Outcome, Output};

const PLACES: &str = include_str!("../../../rust-core/tests/data/shanghai-places.tsv");
const LAND_REFERENCE: &str = "jinke_shanghai_land_clipped.geojson";
const ADMIN_REFERENCE: &str = "osm_shanghai_r913067_v155.geojson";
/// A reference land-border point lies on the administrative line too; a
/// coastline point does not.
const SAME_LINE_M: f64 = 20.0;

#[derive(Args)]
pub struct LocationEvalArgs {
    /// Folder with the OpenStreetMap-derived reference polygons (read only
    /// to measure; never shipped).
    #[arg(long, default_value = "../shared/reference/geo")]
    reference: PathBuf,
    /// Border sampling step, metres.
    #[arg(long, default_value_t = 50.0)]
    step: f64,
}

/// Runs the evaluation: the places table (with --json one object per place)
/// and the boundary's distance from the reference.
pub fn run(args: LocationEvalArgs, out: &Output) -> Outcome {
    let started = Instant::now();
    let shipped = Area::parse_shanghai()?;
    out.say(format!(
        "shipped area {} ({} administrative segments, {} land-border segments), parsed in {:.2} ms",
        shipped.version(),
        shipped.administrative().segment_count(),
        shipped.land().segment_count(),
        started.elapsed().as_secs_f64() * 1e3
    ));
    let reference = load_reference(&args.reference);
    if let Err(why) = &reference {
        out.say(format!("reference not used: {why}"));
    }

    out.say(
        "\n| place | expected | verdict (10 m fix) | border m | reference |\n|---|---|---|---|---|",
    );
    let (mut agree, mut total) = (0, 0);
    let policy = LocationPolicy::default();
    for line in PLACES.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || Failure::could_not_judge(format!("bad places line: {line}"));
        let [name, lat, lon, expected] = f[..] else {
            return Err(bad());
        };
        let p = LatLon {
            lat: lat.parse().map_err(|_| bad())?,
            lon: lon.parse().map_err(|_| bad())?,
        };
        let v = assess(&shipped, &fix_at(p), 0, &policy)?;
        let status = status_name(v.status);
        total += 1;
        agree += (status == expected) as usize;
        let by_reference = match &reference {
            Ok((land, _)) => if land.contains(p) {
                "inside"
            } else {
                "outside"
            }
            .to_string(),
            Err(_) => "-".into(),
        };
        if out.json {
            out.emit(&json!({
                "place": name, "expected": expected, "verdict": status,
                "border_m": v.distance_to_border_m, "reference": by_reference,
            }));
        } else {
            println!(
                "| {name} | {expected} | {status} | {:.0} | {by_reference} |",
                v.distance_to_border_m
            );
        }
    }
    out.say(format!(
        "\n{agree}/{total} places get their expected verdict."
    ));

    let Ok((land, admin)) = reference else {
        return Ok(if agree == total {
            Exit::Ok
        } else {
            Exit::Refused
        });
    };
    let (shipped_admin, shipped_land) = Area::shanghai_boundaries()?;
    // Each sample of the shipped land boundary: its distance to the
    // reference land line, and to the shipped administrative line (which
    // decides whether the area counts it as land border or coastline).
    let (mut all, mut land_border) = (Vec::new(), Vec::new());
    let (mut to_admin_border, mut to_admin_coast) = (Vec::new(), Vec::new());
    for p in shipped_land.border_samples(args.step) {
        let d = land.distance_to_border_m(p);
        let d_admin = shipped_admin.distance_to_border_m(p);
        all.push(d);
        if admin.distance_to_border_m(land.nearest_border_point(p)) < SAME_LINE_M {
            land_border.push(d);
            to_admin_border.push(d_admin);
        } else {
            to_admin_coast.push(d_admin);
        }
    }
    let within = |d: &[f64]| d.iter().filter(|&&x| x <= SAME_BORDER_M).count();
    out.say(format!(
        "\nShipped land boundary vs the shipped administrative line: {} of {} land-border samples and {} of {} coastline samples lie within {SAME_BORDER_M} m (counted as land border); farthest land-border sample {:.0} m.",
        within(&to_admin_border),
        to_admin_border.len(),
        within(&to_admin_coast),
        to_admin_coast.len(),
        to_admin_border.iter().copied().fold(0.0, f64::max),
    ));
    out.say(format!(
        "\nShipped land border vs OpenStreetMap r913067 clipped to land (sampled every {} m):\n\n| part of the border | samples | median m | 90th percentile m | within 100 m |\n|---|---|---|---|---|",
        args.step
    ));
    for (label, mut d) in [
        ("land border (Jiangsu, Zhejiang)", land_border),
        ("whole border incl. coastline", all),
        (
            "land border to the shipped administrative line",
            to_admin_border.clone(),
        ),
    ] {
        d.sort_by(f64::total_cmp);
        let q = |f: f64| d[((d.len() - 1) as f64 * f) as usize];
        let within = d.iter().filter(|&&x| x <= 100.0).count() as f64 / d.len() as f64 * 100.0;
        if out.json {
            out.emit(&json!({
                "border": label, "samples": d.len(), "median_m": q(0.5),
                "p90_m": q(0.9), "within_100_m": within / 100.0,
            }));
        } else {
            println!(
                "| {label} | {} | {:.0} | {:.0} | {within:.1} % |",
                d.len(),
                q(0.5),
                q(0.9)
            );
        }
    }
    border_offsets(&shipped, &land, &admin, out)?;
    Ok(if agree == total {
        Exit::Ok
    } else {
        Exit::Refused
    })
}

/// A precise 10 m GPS fix at `p`, taken at time 0.
fn fix_at(p: LatLon) -> LocationFix {
    LocationFix {
        latitude: p.lat,
        longitude: p.lon,
        crs: Crs::Wgs84,
        horizontal_accuracy_m: 10.0,
        fix_time_unix_ms: 0,
        is_mock: false,
        provider: LocationProvider::Gps,
        precision: LocationPrecision::Precise,
    }
}

fn status_name(status: RegionStatus) -> &'static str {
    match status {
        RegionStatus::Inside => "inside",
        RegionStatus::Outside => "outside",
        RegionStatus::Uncertain => "uncertain",
    }
}

/// Points 250 m and 1.5 km either side of the land border (found around
/// samples of the shipped land border every 1 km, kept where both
/// references agree on the side), judged by each shipped boundary alone and
/// by their combination: how often each is right, honestly uncertain, or
/// wrong.
fn border_offsets(shipped: &Area, land: &Region, admin: &Region, out: &Output) -> Outcome {
    let (amap_a, amap_b) = (
        Area::shanghai_boundaries()?.1,
        Area::shanghai_boundaries()?.1,
    );
    let (osm_a, osm_b) = (
        Area::shanghai_boundaries()?.0,
        Area::shanghai_boundaries()?.0,
    );
    let judges = [
        ("AMap land boundary alone", Area::combine(amap_a, amap_b)),
        (
            "OpenStreetMap administrative alone",
            Area::combine(osm_a, osm_b),
        ),
    ];
    let policy = LocationPolicy::default();
    out.say(
        "\nPoints either side of the land border, labelled where both references agree:\n\n| judge | offset | points | right | uncertain | wrong |\n|---|---|---|---|---|---|",
    );
    for offset in [250.0, 1_500.0] {
        let mut points = Vec::new();
        for p in shipped.land().border_samples(1_000.0) {
            let (kx, ky) = (111_320.0 * p.lat.to_radians().cos(), 110_574.0);
            let mut sides = [false; 2];
            for k in 0..8 {
                let a = k as f64 * std::f64::consts::FRAC_PI_4;
                let q = LatLon {
                    lat: p.lat + offset * a.sin() / ky,
                    lon: p.lon + offset * a.cos() / kx,
                };
                let d = shipped.land().distance_to_border_m(q);
                let inside = land.contains(q);
                if (d - offset).abs() < 0.2 * offset
                    && inside == admin.contains(q)
                    && !sides[inside as usize]
                {
                    sides[inside as usize] = true;
                    points.push((q, inside));
                }
            }
        }
        for (name, area) in judges
            .iter()
            .map(|(n, a)| (*n, a))
            .chain([("shipped combination", shipped)])
        {
            let (mut right, mut unsure, mut wrong) = (0, 0, 0);
            for &(q, inside) in &points {
                match assess(area, &fix_at(q), 0, &policy)?.status {
                    RegionStatus::Uncertain => unsure += 1,
                    RegionStatus::Inside if inside => right += 1,
                    RegionStatus::Outside if !inside => right += 1,
                    _ => wrong += 1,
                }
            }
            if out.json {
                out.emit(&json!({
                    "judge": name, "offset_m": offset, "points": points.len(),
                    "right": right, "uncertain": unsure, "wrong": wrong,
                }));
            } else {
                println!(
                    "| {name} | {offset} m | {} | {right} | {unsure} | {wrong} |",
                    points.len()
                );
            }
        }
    }
    Ok(Exit::Ok)
}

/// The land-clipped and the administrative reference regions.
fn load_reference(dir: &std::path::Path) -> Result<(Region, Region), String> {
    let load = |name: &str| -> Result<Region, String> {
        let path = dir.join(name);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: Value = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
        let mut polygons = Vec::new();
        collect_polygons(&json, &mut polygons)?;
        Region::from_rings(name.to_string(), &polygons).map_err(|e| e.to_string())
    };
    Ok((load(LAND_REFERENCE)?, load(ADMIN_REFERENCE)?))
}

/// Appends the polygons of any GeoJSON object (collections, features,
/// polygons, multi-polygons) as rings of WGS-84 points.
fn collect_polygons(json: &Value, out: &mut Vec<Vec<Vec<LatLon>>>) -> Result<(), String> {
    let rings = |v: &Value| -> Result<Vec<Vec<LatLon>>, String> {
        v.as_array()
            .ok_or("polygon is not an array")?
            .iter()
            .map(|ring| {
                ring.as_array()
                    .ok_or("ring is not an array")?
                    .iter()
                    .map(|pt| {
                        match (
                            pt.get(0).and_then(Value::as_f64),
                            pt.get(1).and_then(Value::as_f64),
                        ) {
                            (Some(lon), Some(lat)) => Ok(LatLon { lat, lon }),
                            _ => Err("bad position".to_string()),
                        }
                    })
                    .collect()
            })
            .collect()
    };
    match json.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => {
            for f in json["features"]
                .as_array()
                .ok_or("features is not an array")?
            {
                collect_polygons(f, out)?;
            }
        }
        Some("Feature") => collect_polygons(&json["geometry"], out)?,
        Some("Polygon") => out.push(rings(&json["coordinates"])?),
        Some("MultiPolygon") => {
            for p in json["coordinates"]
                .as_array()
                .ok_or("coordinates is not an array")?
            {
                out.push(rings(p)?);
            }
        }
        Some("GeometryCollection") => {
            for g in json["geometries"]
                .as_array()
                .ok_or("geometries is not an array")?
            {
                collect_polygons(g, out)?;
            }
        }
        other => return Err(format!("unsupported GeoJSON type {other:?}")),
    }
    Ok(())
}
