//! `icp-companion locate`: the Shanghai in-region verdict for one fix.

use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, ValueEnum};
use icp_companion_core::location::{
    assess, Area, Crs, LatLon, LocationEvidence, LocationFix, LocationPolicy, LocationPrecision,
    LocationProvider, RegionStatus,
};
use icp_companion_core::user_facing::UserFacing;
use serde_json::json;

use crate::output::{Exit, Failure, Outcome, Output};

/// Coordinate systems on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum CrsArg {
    Wgs84,
    Gcj02,
    Bd09,
}

/// Providers on the command line.
#[derive(Clone, Copy, ValueEnum)]
pub enum ProviderArg {
    Gps,
    Network,
    Fused,
    Unknown,
}

#[derive(Args)]
pub struct LocateArgs {
    /// Latitude, degrees north.
    #[arg(allow_negative_numbers = true)]
    lat: f64,
    /// Longitude, degrees east.
    #[arg(allow_negative_numbers = true)]
    lon: f64,
    /// Coordinate system of LAT LON (AMap/Tencent report gcj02, Baidu bd09).
    #[arg(long, value_enum, default_value = "wgs84")]
    crs: CrsArg,
    /// Horizontal accuracy, metres (radius of 68 % confidence).
    #[arg(long, default_value_t = 10.0, allow_negative_numbers = true)]
    accuracy: f64,
    /// How many seconds ago the fix was taken (negative: in the future).
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    age: i64,
    /// The platform flagged the fix as mock/simulated.
    #[arg(long)]
    mock: bool,
    /// Only approximate location was granted.
    #[arg(long)]
    approximate: bool,
    /// The provider that produced the fix.
    #[arg(long, value_enum, default_value = "fused")]
    provider: ProviderArg,
    /// Also bind evidence to a photo taken this many seconds after the fix
    /// and print it as the upload would carry it (JSON).
    #[arg(long, allow_negative_numbers = true)]
    capture_after: Option<i64>,
}

/// Runs the command: exit 0 inside, 1 outside or uncertain (or a refused
/// fix), 3 when the boundary data does not load.
pub fn run(args: LocateArgs, out: &Output) -> Outcome {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|e| Failure::could_not_judge(e.to_string()))?
        .as_millis() as i64;
    let crs = match args.crs {
        CrsArg::Wgs84 => Crs::Wgs84,
        CrsArg::Gcj02 => Crs::Gcj02,
        CrsArg::Bd09 => Crs::Bd09,
    };
    let fix = LocationFix {
        latitude: args.lat,
        longitude: args.lon,
        crs,
        horizontal_accuracy_m: args.accuracy,
        fix_time_unix_ms: now - args.age * 1000,
        is_mock: args.mock,
        provider: match args.provider {
            ProviderArg::Gps => LocationProvider::Gps,
            ProviderArg::Network => LocationProvider::Network,
            ProviderArg::Fused => LocationProvider::Fused,
            ProviderArg::Unknown => LocationProvider::Unknown,
        },
        precision: if args.approximate {
            LocationPrecision::Approximate
        } else {
            LocationPrecision::Precise
        },
    };
    let region = Area::shanghai().map_err(|e| Failure::of(&e))?;
    let policy = LocationPolicy::default();
    let verdict = assess(region, &fix, now, &policy).map_err(|e| Failure::of(&e))?;
    let evidence = match args.capture_after {
        None => None,
        Some(after) => {
            let capture = verdict.fix_time_unix_ms + after * 1000;
            Some(LocationEvidence::bind(&verdict, capture, &policy).map_err(|e| Failure::of(&e))?)
        }
    };
    let status = match verdict.status {
        RegionStatus::Inside => "inside",
        RegionStatus::Outside => "outside",
        RegionStatus::Uncertain => "uncertain",
    };
    let LatLon { lat, lon } = verdict.position;
    if out.json {
        out.emit(&json!({
            "status": status,
            "code": verdict.reason.code(),
            "message_en": verdict.reason.message_en(),
            "message_zh": verdict.reason.message_zh(),
            "wgs84": { "latitude": lat, "longitude": lon },
            "accuracy_m": verdict.accuracy_m,
            "distance_to_border_m": verdict.distance_to_border_m,
            "boundary": verdict.boundary_version,
            "evidence": evidence.as_ref().map(|e| serde_json::from_str::<serde_json::Value>(&e.to_json()).ok()),
        }));
    } else {
        println!("status      {status}");
        println!(
            "reason      [{}] {}",
            verdict.reason.code(),
            verdict.reason.message_en()
        );
        println!("            {}", verdict.reason.message_zh());
        println!("wgs84       {lat:.6}, {lon:.6} (±{} m)", verdict.accuracy_m);
        println!("border      {:.0} m away", verdict.distance_to_border_m);
        println!("boundary    {}", verdict.boundary_version);
        if let Some(evidence) = &evidence {
            println!("evidence    {}", evidence.to_json());
        }
    }
    Ok(match verdict.status {
        RegionStatus::Inside => Exit::Ok,
        RegionStatus::Outside | RegionStatus::Uncertain => Exit::Refused,
    })
}
