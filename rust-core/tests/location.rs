//! Shanghai in-region verdicts on labelled real places, coordinate round
//! trips, and every refusal.

use icp_companion_core::location::{
    assess, from_wgs84, to_wgs84, Area, Crs, LatLon, LocationError, LocationEvidence, LocationFix,
    LocationPolicy, LocationPrecision, LocationProvider, RegionStatus, VerdictReason,
};
use proptest::prelude::*;

const NOW: i64 = 1_795_000_000_000;

/// Places the tests below reason about (WGS-84; also in the labelled table).
const ANTING: LatLon = LatLon {
    lat: 31.2900,
    lon: 121.1600,
};
const HUAQIAO: LatLon = LatLon {
    lat: 31.2950,
    lon: 121.0940,
};
const KUNSHAN: LatLon = LatLon {
    lat: 31.3856,
    lon: 120.9807,
};
const PEOPLES_SQUARE: LatLon = LatLon {
    lat: 31.2304,
    lon: 121.4737,
};

/// Labelled places: (name, WGS-84 position, expected verdict for a 10 m fix).
fn places() -> Vec<(String, LatLon, RegionStatus)> {
    include_str!("data/shanghai-places.tsv")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            let status = match f[3] {
                "inside" => RegionStatus::Inside,
                "outside" => RegionStatus::Outside,
                other => panic!("unknown label {other}"),
            };
            let p = LatLon {
                lat: f[1].parse().unwrap(),
                lon: f[2].parse().unwrap(),
            };
            (f[0].to_string(), p, status)
        })
        .collect()
}

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

fn shanghai() -> &'static Area {
    Area::shanghai().unwrap()
}

#[test]
fn labelled_places_get_their_verdict_in_every_coordinate_system() {
    let policy = LocationPolicy::default();
    let places = places();
    assert!(places.len() >= 20);
    for (name, p, expected) in places {
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
    let d_true = shanghai().place(p).distance_to_border_m;
    let d_wrong = shanghai().place(moved).distance_to_border_m;
    assert!((d_true - d_wrong).abs() > 100.0, "{d_true} vs {d_wrong}");
}

#[test]
fn a_coarse_fix_or_a_border_position_is_uncertain_with_the_right_guidance() {
    let policy = LocationPolicy::default();
    // Huaqiao is about 0.6 km from the border: a 400 m fix cannot tell.
    let v = assess(shanghai(), &fix(HUAQIAO, Crs::Wgs84, 400.0), NOW, &policy).unwrap();
    assert_eq!(
        (v.status, v.reason),
        (RegionStatus::Uncertain, VerdictReason::AccuracyTooCoarse)
    );

    // 40 m from the land border (closer still to the administrative line
    // there) nothing can decide: move away.
    let edge = shanghai().land().nearest_border_point(ANTING);
    let near = LatLon {
        lat: edge.lat
            + (ANTING.lat - edge.lat) * 40.0 / shanghai().place(ANTING).distance_to_border_m,
        lon: edge.lon
            + (ANTING.lon - edge.lon) * 40.0 / shanghai().place(ANTING).distance_to_border_m,
    };
    let v = assess(shanghai(), &fix(near, Crs::Wgs84, 5.0), NOW, &policy).unwrap();
    assert_eq!(
        (v.status, v.reason),
        (RegionStatus::Uncertain, VerdictReason::NearBorder)
    );
    assert!(v.distance_to_border_m <= 42.0, "{}", v.distance_to_border_m);

    // The same spot with a 10 m fix in the city centre is clearly inside.
    let v = assess(
        shanghai(),
        &fix(PEOPLES_SQUARE, Crs::Wgs84, 10.0),
        NOW,
        &policy,
    )
    .unwrap();
    assert_eq!(v.reason, VerdictReason::InsideClear);
    assert!(v.distance_to_border_m > 10_000.0);
}

#[test]
fn untrustworthy_fixes_are_refused() {
    let policy = LocationPolicy::default();
    let good = fix(PEOPLES_SQUARE, Crs::Wgs84, 10.0);
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
            matches!(e, LocationError::InvalidAccuracy { .. }),
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
            matches!(e, LocationError::InvalidCoordinates { .. }),
            "{lat},{lon}: {e:?}"
        );
    }
}

#[test]
fn evidence_binds_only_to_a_photo_taken_at_the_fix() {
    let policy = LocationPolicy::default();
    let v = assess(
        shanghai(),
        &fix(PEOPLES_SQUARE, Crs::Gcj02, 10.0),
        NOW,
        &policy,
    )
    .unwrap();
    let evidence = LocationEvidence::bind(&v, v.fix_time_unix_ms + 12_000, &policy).unwrap();
    assert_eq!(evidence.status, RegionStatus::Inside);
    assert!(
        (evidence.latitude - PEOPLES_SQUARE.lat).abs() < 1e-9,
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

    let out = assess(shanghai(), &fix(KUNSHAN, Crs::Wgs84, 10.0), NOW, &policy).unwrap();
    let evidence = LocationEvidence::bind(&out, out.fix_time_unix_ms, &policy).unwrap();
    assert_eq!(evidence.ensure_inside(), Err(LocationError::OutsideRegion));

    let unsure = assess(shanghai(), &fix(HUAQIAO, Crs::Wgs84, 400.0), NOW, &policy).unwrap();
    let evidence = LocationEvidence::bind(&unsure, unsure.fix_time_unix_ms, &policy).unwrap();
    assert_eq!(evidence.ensure_inside(), Err(LocationError::Uncertain));
}

#[test]
fn evidence_carries_the_raw_fix_and_is_judged_again_from_it_alone() {
    let policy = LocationPolicy::default();
    let raw = fix(PEOPLES_SQUARE, Crs::Bd09, 10.0);
    let v = assess(shanghai(), &raw, NOW, &policy).unwrap();
    let captured = v.fix_time_unix_ms + 5_000;
    let evidence = LocationEvidence::bind(&v, captured, &policy).unwrap();
    let read = LocationEvidence::from_json(&evidence.to_json()).unwrap();
    assert_eq!(read, evidence);
    assert_eq!(read.fix, raw, "the fix as the platform reported it");
    let received = captured + 3_600_000;
    let again = read
        .judge_again(shanghai(), &policy, captured, received)
        .unwrap();
    assert_eq!(again.status, RegionStatus::Inside);

    // Whatever the phone wrote as its verdict, the fix decides.
    let beijing = fix(
        LatLon {
            lat: 39.9042,
            lon: 116.4074,
        },
        Crs::Wgs84,
        10.0,
    );
    let forged = LocationEvidence {
        fix: beijing,
        status: RegionStatus::Inside,
        ..read.clone()
    };
    assert_eq!(
        forged.judge_again(shanghai(), &policy, captured, received),
        Err(LocationError::OutsideRegion)
    );
    let judged = |e: &LocationEvidence, at: i64| e.judge_again(shanghai(), &policy, at, received);
    // The upload's capture time, not the evidence's copy, binds the fix.
    assert!(matches!(
        judged(&read, captured + 40_000),
        Err(LocationError::FixNotAtCapture { .. })
    ));
    assert!(matches!(
        read.judge_again(shanghai(), &policy, captured, captured - 60_000),
        Err(LocationError::FutureFix { ahead_s: 60 })
    ));
    let mock = LocationEvidence {
        fix: LocationFix {
            is_mock: true,
            ..read.fix.clone()
        },
        ..read.clone()
    };
    assert_eq!(judged(&mock, captured), Err(LocationError::MockFix));
    assert!(matches!(
        LocationEvidence::from_json(r#"{"status":"inside"}"#),
        Err(LocationError::MalformedEvidence { .. })
    ));
}

#[test]
fn where_the_two_boundaries_disagree_the_answer_is_uncertain() {
    // Walk from Anting (inside) to Huaqiao (outside) in 10 m steps: the
    // verdict never changes straight between inside and outside (the
    // border may be crossed more than once), and every point between the
    // two sources' lines is uncertain.
    let policy = LocationPolicy::default();
    let area = shanghai();
    let (mut seen, mut last) = (Vec::new(), None);
    for i in 0..=1_000 {
        let t = i as f64 / 1_000.0;
        let p = LatLon {
            lat: ANTING.lat + (HUAQIAO.lat - ANTING.lat) * t,
            lon: ANTING.lon + (HUAQIAO.lon - ANTING.lon) * t,
        };
        let v = assess(area, &fix(p, Crs::Wgs84, 5.0), NOW, &policy).unwrap();
        let land = area.land().contains(p);
        let admin = area.administrative().contains(p);
        if land != admin {
            assert_eq!(v.status, RegionStatus::Uncertain, "{p:?}");
        }
        if last != Some(v.status) {
            seen.push(v.status);
            last = Some(v.status);
        }
    }
    assert_eq!(seen.first(), Some(&RegionStatus::Inside));
    assert_eq!(seen.last(), Some(&RegionStatus::Outside));
    assert!(
        seen.windows(2)
            .all(|w| w.contains(&RegionStatus::Uncertain)),
        "{seen:?}"
    );
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
