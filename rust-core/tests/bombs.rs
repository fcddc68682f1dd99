//! Decompression bombs and damaged files for each accepted format, through
//! every way a file enters the core (decoding for the checks, normalising
//! for upload, grey for the QR scanner): each is refused (or, a legitimate
//! large photo, decoded at a reduced scale) within the memory budget. One
//! test in this binary, so that the counting allocator sees only it.

#[path = "../benches/support/bombs.rs"]
mod bombs;
#[path = "../benches/support/counting.rs"]
mod counting;

use counting::{peak_mb, Counting};
use icp_companion_core::imaging::{
    decode_upright, normalise_for_upload, Channels, ImageInputError, DECODE_BUDGET_BYTES,
};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn bombs_are_refused_and_large_photos_reduced_within_the_budget() {
    let budget_mb = DECODE_BUDGET_BYTES as f64 / 1e6;
    for bomb in bombs::all() {
        for (way, channels) in [("checks", Channels::Rgb), ("QR scanner", Channels::Luma)] {
            let mut outcome = None;
            let peak = peak_mb(|| {
                outcome = Some(
                    decode_upright(&bomb.bytes, channels)
                        .map(|d| (d.scale, d.image.width(), d.image.height())),
                )
            });
            let outcome = outcome.unwrap();
            assert!(peak <= budget_mb, "{} ({way}): {peak:.0} MB", bomb.name);
            match bomb.expect {
                bombs::Expect::TooLarge => assert!(
                    matches!(outcome, Err(ImageInputError::TooLarge { .. })),
                    "{} ({way}): {outcome:?}",
                    bomb.name
                ),
                bombs::Expect::Corrupt => assert!(
                    matches!(outcome, Err(ImageInputError::Corrupt { .. })),
                    "{} ({way}): {outcome:?}",
                    bomb.name
                ),
                bombs::Expect::Refused => {
                    assert!(outcome.is_err(), "{} ({way}): {outcome:?}", bomb.name)
                }
                bombs::Expect::Decoded { rgb, luma } => {
                    let wanted = if channels == Channels::Rgb { rgb } else { luma };
                    assert_eq!(outcome.unwrap(), wanted, "{} ({way})", bomb.name)
                }
            }
        }
        let mut normalised = None;
        let peak = peak_mb(|| normalised = Some(normalise_for_upload(&bomb.bytes)));
        assert!(peak <= budget_mb, "{} (normalise): {peak:.0} MB", bomb.name);
        let normalised = normalised.unwrap();
        match bomb.expect {
            bombs::Expect::Decoded { .. } => {
                let upload = normalised.unwrap();
                assert!(upload.bytes.len() <= icp_companion_core::imaging::MAX_UPLOAD_BYTES);
            }
            _ => assert!(normalised.is_err(), "{}: {normalised:?}", bomb.name),
        }
    }
}
