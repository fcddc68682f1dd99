//! Shanghai in-region verdicts on labelled real places, coordinate round
//! trips, and every refusal.

use icp_companion::location::{
    assess, from_wgs84, to_wgs84, Crs, LatLon, LocationError, LocationEvidence, LocationFix,
    LocationPolicy, LocationPrecision, LocationProvider, Region, RegionStatus, VerdictReason,
};
use proptest::prelude::*;

const NOW: i64 = 1_795_000_000_000;

/// Places near and far from the border, WGS-84 (Wikipedia / GeoNames
/// coordinates of town centres, airports and landmarks).
const PLACES: &[(&str, f64, f64, RegionStatus)] = &[
    ("People's Square", 31.2304, 121.4737, RegionStatus::Inside),
    (
        "Pudong International Airport",
        31.1443,
        121.8083,
        RegionStatus::Inside,
    ),
    ("Hongqiao Airport", 31.1979, 121.3363, RegionStatus::Inside),
    ("Anting, Jiading", 31.2900, 121.1600, RegionStatus::Inside),
    (
        "Zhujiajiao, Qingpu",
        31.1076,
        121.0555,
        RegionStatus::Inside,
    ),
    ("Dianshan Lake", 31.1170, 120.9670, RegionStatus::Inside),
    ("Fengjing, Jinshan", 30.8870, 121.0150, RegionStatus::Inside),
    (
        "Chengqiao, Chongming Island",
        31.6225,
        121.3972,
        RegionStatus::Inside,
    ),
    ("Changxing Island", 31.3800, 121.7000, RegionStatus::Inside),
    ("Hengsha Island", 31.3415, 121.8417, RegionStatus::Inside),
    ("Kunshan, Jiangsu", 31.3856, 120.9807, RegionStatus::Outside),
    ("Huaqiao, Kunshan", 31.2950, 121.0940, RegionStatus::Outside),
    ("Taicang, Jiangsu", 31.4577, 121.1302, RegionStatus::Outside),
    (
        "Weitang, Jiashan, Zhejiang",
        30.8309,
        120.9261,
        RegionStatus::Outside,
    ),
    ("Pinghu, Zhejiang", 30.6760, 121.0150, RegionStatus::Outside),
    ("Qidong, Jiangsu", 31.8083, 121.6575, RegionStatus::Outside),
    ("Haimen, Jiangsu", 31.8714, 121.1810, RegionStatus::Outside),
    (
        "Haiyong (Jiangsu, on Chongming Island)",
        31.78889,
        121.42639,
        RegionStatus::Outside,
    ),
    (
        "Qilong (Jiangsu, on Chongming Island)",
        31.7741,
        121.4563,
        RegionStatus::Outside,
    ),
    (
        "Yangshan deep-water port (Zhejiang)",
        30.6250,
        122.0650,
        RegionStatus::Outside,
    ),
    (
        "East China Sea, 60 km offshore",
        31.0000,
        122.5000,
        RegionStatus::Outside,
    ),
    ("Beijing", 39.9042, 116.4074, RegionStatus::Outside),
];

fn fix(p: LatLon, crs: Crs, accuracy: f64) -> LocationFix {
    let q = from_wgs84(p, crs);
    LocationFix {
        latitude: q.lat,
        longitude: q.lon,
        crs,
        horizontal_accuracy_m: accuracy,
        fix_time_unix_ms: NOW - 2_000,
        is_mock: false,
        provider: LocationProvider::Fused,
        precision: LocationPrecision::Precise,
    }
}

fn shanghai() -> &'static Region {
    Region::shanghai().unwrap()
}

#[test]
fn labelled_places_get_their_verdict_in_every_coordinate_system() {
    let policy = LocationPolicy::default();
    for &(name, lat, lon, expected) in PLACES {
        let p = LatLon { lat, lon };
        let wgs = assess(shanghai(), &fix(p, Crs::Wgs84, 10.0), NOW, &policy).unwrap();
        assert_eq!(wgs.status, expected, "{name}: {wgs:?}");
        for crs in [Crs::Gcj02, Crs::Bd09] {
            let v = assess(shanghai(), &fix(p, crs, 10.0), NOW, &policy).unwrap();
            assert_eq!(v.status, expected, "{name} in {crs:?}");
            assert!(
                (v.distance_to_border_m - wgs.distance_to_border_m).abs() < 0.01,
                "{name} {crs:?}"
            );
        }
    }
}

#[test]
fn gcj02_read_as_wgs84_would_mislead_near_the_border() {
    // Half a kilometre matters: Huaqiao is 0.6 km outside the border.
    let p = LatLon {
        lat: 31.2950,
        lon: 121.0940,
    };
    let gcj = from_wgs84(p, Crs::Gcj02);
    let moved = LatLon {
        lat: gcj.lat,
        lon: gcj.lon,
    };
    let d_true = shanghai().distance_to_border_m(p);
    let d_wrong = shanghai().distance_to_border_m(moved);
    assert!((d_true - d_wrong).abs() > 100.0, "{d_true} vs {d_wrong}");
}

#[test]
fn a_coarse_fix_or_a_border_position_is_uncertain_with_the_right_guidance() {
    let policy = LocationPolicy::default();
    // Huaqiao is about 0.6 km from the border: a 400 m fix cannot tell.
    let huaqiao = LatLon {
        lat: 31.2950,
        lon: 121.0940,
    };
    let v = assess(shanghai(), &fix(huaqiao, Crs::Wgs84, 400.0), NOW, &policy).unwrap();
    assert_eq!(
        (v.status, v.reason),
        (RegionStatus::Uncertain, VerdictReason::AccuracyTooCoarse)
    );

    // 40 m from the border nothing can decide: move away.
    let anting = LatLon {
        lat: 31.2900,
        lon: 121.1600,
    };
    let edge = shanghai().nearest_border_point(anting);
    let near = LatLon {
        lat: edge.lat + (anting.lat - edge.lat) * 40.0 / shanghai().distance_to_border_m(anting),
        lon: edge.lon + (anting.lon - edge.lon) * 40.0 / shanghai().distance_to_border_m(anting),
    };
    let v = assess(shanghai(), &fix(near, Crs::Wgs84, 5.0), NOW, &policy).unwrap();
    assert_eq!(
        (v.status, v.reason),
        (RegionStatus::Uncertain, VerdictReason::NearBorder)
    );
    assert!(
        (v.distance_to_border_m - 40.0).abs() < 2.0,
        "{}",
        v.distance_to_border_m
    );

    // The same spot with a 10 m fix in the city centre is clearly inside.
    let square = LatLon {
        lat: 31.2304,
        lon: 121.4737,
    };
    let v = assess(shanghai(), &fix(square, Crs::Wgs84, 10.0), NOW, &policy).unwrap();
    assert_eq!(v.reason, VerdictReason::InsideClear);
    assert!(v.distance_to_border_m > 10_000.0);
}

#[test]
fn untrustworthy_fixes_are_refused() {
    let policy = LocationPolicy::default();
    let square = LatLon {
        lat: 31.2304,
        lon: 121.4737,
    };
    let good = fix(square, Crs::Wgs84, 10.0);
    let refused = |f: LocationFix| assess(shanghai(), &f, NOW, &policy).unwrap_err();

    assert_eq!(
        refused(LocationFix {
            is_mock: true,
            ..good.clone()
        }),
        LocationError::MockFix
    );
    assert_eq!(
        refused(LocationFix {
            precision: LocationPrecision::Approximate,
            ..good.clone()
        }),
        LocationError::CoarseOnly
    );
    assert_eq!(
        refused(LocationFix {
            fix_time_unix_ms: NOW - 61_000,
            ..good.clone()
        }),
        LocationError::StaleFix {
            age_s: 61,
            max_s: 60
        }
    );
    assert_eq!(
        refused(LocationFix {
            fix_time_unix_ms: NOW + 6_000,
            ..good.clone()
        }),
        LocationError::FutureFix { ahead_s: 6 }
    );
    // Within the clock-skew tolerance a future-dated fix is fine.
    let skewed = LocationFix {
        fix_time_unix_ms: NOW + 4_000,
        ..good.clone()
    };
    assert!(assess(shanghai(), &skewed, NOW, &policy).is_ok());
    for accuracy in [0.0, -5.0, f64::NAN, f64::INFINITY] {
        let e = refused(LocationFix {
            horizontal_accuracy_m: accuracy,
            ..good.clone()
        });
        assert!(
            matches!(e, LocationError::InvalidAccuracy(_)),
            "{accuracy}: {e:?}"
        );
    }
    for (lat, lon) in [
        (f64::NAN, 121.0),
        (91.0, 121.0),
        (31.0, 181.0),
        (31.0, f64::NEG_INFINITY),
    ] {
        let e = refused(LocationFix {
            latitude: lat,
            longitude: lon,
            ..good.clone()
        });
        assert!(
            matches!(e, LocationError::InvalidCoordinates(_)),
            "{lat},{lon}: {e:?}"
        );
    }
}

#[test]
fn evidence_binds_only_to_a_photo_taken_at_the_fix() {
    let policy = LocationPolicy::default();
    let square = LatLon {
        lat: 31.2304,
        lon: 121.4737,
    };
    let v = assess(shanghai(), &fix(square, Crs::Gcj02, 10.0), NOW, &policy).unwrap();
    let evidence = LocationEvidence::bind(&v, v.fix_time_unix_ms + 12_000, &policy).unwrap();
    assert_eq!(evidence.status, RegionStatus::Inside);
    assert!(
        (evidence.latitude - square.lat).abs() < 1e-9,
        "stored in WGS-84"
    );
    assert_eq!(evidence.boundary_version, shanghai().version());
    evidence.ensure_inside().unwrap();
    let json = evidence.to_json();
    for field in [
        "\"latitude\"",
        "\"status\":\"inside\"",
        "\"boundary_version\"",
        "\"capture_time_unix_ms\"",
    ] {
        assert!(json.contains(field), "{json}");
    }

    assert_eq!(
        LocationEvidence::bind(&v, v.fix_time_unix_ms - 31_000, &policy),
        Err(LocationError::FixNotAtCapture {
            gap_s: 31,
            max_s: 30
        })
    );

    let kunshan = LatLon {
        lat: 31.3856,
        lon: 120.9807,
    };
    let out = assess(shanghai(), &fix(kunshan, Crs::Wgs84, 10.0), NOW, &policy).unwrap();
    let evidence = LocationEvidence::bind(&out, out.fix_time_unix_ms, &policy).unwrap();
    assert_eq!(evidence.ensure_inside(), Err(LocationError::OutsideRegion));

    let huaqiao = LatLon {
        lat: 31.2950,
        lon: 121.0940,
    };
    let unsure = assess(shanghai(), &fix(huaqiao, Crs::Wgs84, 400.0), NOW, &policy).unwrap();
    let evidence = LocationEvidence::bind(&unsure, unsure.fix_time_unix_ms, &policy).unwrap();
    assert_eq!(evidence.ensure_inside(), Err(LocationError::Uncertain));
}

/// Metres between two nearby positions.
fn metres(a: LatLon, b: LatLon) -> f64 {
    let dx = (a.lon - b.lon) * 111_320.0 * a.lat.to_radians().cos();
    let dy = (a.lat - b.lat) * 110_574.0;
    (dx * dx + dy * dy).sqrt()
}

proptest! {
    #[test]
    fn conversions_round_trip_within_a_millimetre(lat in 18.0f64..53.0, lon in 74.0f64..134.0) {
        let p = LatLon { lat, lon };
        for crs in [Crs::Wgs84, Crs::Gcj02, Crs::Bd09] {
            let there = from_wgs84(p, crs);
            let back = to_wgs84(there, crs);
            prop_assert!(metres(p, back) < 1e-3, "{:?} {:?}: {} m", crs, p, metres(p, back));
            let again = from_wgs84(back, crs);
            prop_assert!(metres(there, again) < 1e-3);
        }
    }

    #[test]
    fn verdicts_never_panic_on_any_input(
        lat in proptest::num::f64::ANY,
        lon in proptest::num::f64::ANY,
        accuracy in proptest::num::f64::ANY,
        age in proptest::num::i64::ANY,
    ) {
        let f = LocationFix {
            latitude: lat,
            longitude: lon,
            crs: Crs::Bd09,
            horizontal_accuracy_m: accuracy,
            fix_time_unix_ms: age,
            is_mock: false,
            provider: LocationProvider::Gps,
            precision: LocationPrecision::Precise,
        };
        let _ = assess(shanghai(), &f, NOW, &LocationPolicy::default());
    }
}
