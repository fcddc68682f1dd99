//! Location rule costs: loading the shipped area (both boundaries parsed,
//! the land one's GCJ-02 vertices converted to WGS-84, both indexed, the
//! land border told from the coastline) and one verdict. Targets: load
//! ≤ 10 ms once per process (≤ 5 ms when there was one boundary), verdict
//! ≤ 5 µs.

#![allow(missing_docs)] // criterion_group! generates undocumented functions

use criterion::{criterion_group, criterion_main, Criterion};
use icp_location::{
    assess, from_wgs84, Area, Crs, LatLon, LocationFix, LocationPolicy, LocationPrecision,
    LocationProvider,
};
use std::hint::black_box;

fn fix(lat: f64, lon: f64, crs: Crs) -> LocationFix {
    let p = from_wgs84(LatLon { lat, lon }, crs);
    LocationFix {
        latitude: p.lat,
        longitude: p.lon,
        crs,
        horizontal_accuracy_m: 10.0,
        fix_time_unix_ms: 0,
        is_mock: false,
        provider: LocationProvider::Gps,
        precision: LocationPrecision::Precise,
    }
}

fn bench(c: &mut Criterion) {
    c.bench_function("location/load shanghai boundary", |b| {
        b.iter(|| Area::parse_shanghai().unwrap())
    });
    let region = Area::shanghai().unwrap();
    let policy = LocationPolicy::default();
    let mut group = c.benchmark_group("location/verdict");
    for (name, lat, lon, crs) in [
        ("city centre wgs84", 31.2304, 121.4737, Crs::Wgs84),
        ("near border wgs84", 31.2950, 121.0940, Crs::Wgs84),
        ("chongming gcj02", 31.6225, 121.3972, Crs::Gcj02),
        ("near border bd09", 30.8870, 121.0150, Crs::Bd09),
        ("far away wgs84", 39.9042, 116.4074, Crs::Wgs84),
    ] {
        let f = fix(lat, lon, crs);
        group.bench_function(name, |b| {
            b.iter(|| assess(region, black_box(&f), 0, &policy).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
