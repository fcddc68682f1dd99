//! `icp-companion capture --replay` and `camera list` as a user runs them.

use std::process::Command;

#[path = "../src/scenes.rs"]
mod scenes;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_icp-companion"))
}

#[test]
fn a_replayed_document_sequence_is_guided_and_captured() {
    let dir = std::env::temp_dir().join(format!("icp-cli-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let frames = [
        (900, 150),
        (60, 100),
        (200, 150),
        (200, 150),
        (200, 150),
        (200, 150),
    ];
    for (i, (x, y)) in frames.into_iter().enumerate() {
        scenes::document_scene(2000, 1500, x, y, 1700)
            .save(dir.join(format!("f{i}.png")))
            .unwrap();
    }
    let still = dir.join("still.jpg");
    let out = cli()
        .args([
            "capture",
            "--mode",
            "document",
            "--kind",
            "authenticity-statement",
        ])
        .arg("--replay")
        .arg(&dir)
        .args(["--format", "nv21", "--rotation", "90", "--out"])
        .arg(&still)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("frame    0: guide.document_edge_cut"),
        "{stdout}"
    );
    assert!(stdout.contains("frame    1: guide.hold_still"), "{stdout}");
    assert!(
        stdout.contains("frame    5: captured automatically, 2000×1500"),
        "{stdout}"
    );
    assert!(stdout.contains("still: PASS"), "{stdout}");
    let jpeg = std::fs::read(&still).unwrap();
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);

    // Too few frames to capture: a clear failure naming the last guidance;
    // the shutter captures anyway, with the failing verdict.
    let first = dir.join("first");
    std::fs::create_dir_all(&first).unwrap();
    std::fs::copy(dir.join("f0.png"), first.join("f0.png")).unwrap();
    let args = [
        "capture", "--mode", "document", "--kind", "passport", "--replay",
    ];
    let out = cli().args(args).arg(&first).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("nothing captured after 1 frames")
            && stderr.contains("guide.document_edge_cut"),
        "{stderr}"
    );
    let out = cli()
        .args(args)
        .arg(&first)
        .args(["--shutter-at", "0"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("captured on the shutter") && stdout.contains("still: FAIL"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "camera")]
#[test]
fn without_a_camera_the_commands_fail_clearly_and_at_once() {
    if std::path::Path::new("/dev/video0").exists() {
        return; // a real camera: nothing to show here
    }
    let out = cli().args(["camera", "list"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[camera.none]"));
    let out = cli().args(["capture", "--mode", "qr"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("[camera.none]"));
}

#[cfg(not(feature = "camera"))]
#[test]
fn without_the_camera_feature_the_commands_say_how_to_get_it() {
    for args in [&["camera", "list"][..], &["capture", "--mode", "qr"]] {
        let out = cli().args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("[camera.unavailable]") && stderr.contains("--features camera"),
            "{args:?}: {stderr}"
        );
    }
}
