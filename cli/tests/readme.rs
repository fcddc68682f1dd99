//! The README's CLI section, run as written, top to bottom, in an empty
//! folder with the built `icp-companion` first on `PATH`.

use std::process::Command;

/// The first `sh` block under the README's `## CLI` heading.
fn readme_sequence() -> String {
    let readme = include_str!("../../README.md");
    let section = &readme[readme.find("\n## CLI\n").expect("a CLI section")..];
    let start = section
        .find("```sh\n")
        .expect("a sh block in the CLI section")
        + 6;
    let end = start + section[start..].find("```").expect("the block ends");
    section[start..end].to_string()
}

#[test]
fn the_readme_cli_section_runs_top_to_bottom() {
    for tool in ["curl", "jq"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .unwrap();
        assert!(
            found.status.success(),
            "{tool} is needed by the README's sequence (tests/setup-deps.sh installs it)"
        );
    }
    let dir = std::env::temp_dir().join(format!("icp-readme-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_icp-companion"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    // The background gateway is stopped however the sequence ends.
    let script = format!(
        "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n{}",
        readme_sequence()
    );
    let out = Command::new("timeout")
        .args(["600", "bash", "-euo", "pipefail", "-c", &script])
        .current_dir(&dir)
        .env("PATH", path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the README's sequence failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    // What the sequence is there to show.
    assert!(stdout.contains("Demo finished."), "{stdout}");
    assert!(
        stdout.contains("上海市通信管理局 App"),
        "rules 31 names the app: {stdout}"
    );
    assert!(
        stdout.contains("verified order"),
        "qr scan verifies: {stdout}"
    );
    assert!(stdout.contains("captured automatically"), "{stdout}");
    assert!(
        stdout.trim_end().ends_with("submitted"),
        "the order ends submitted: {stdout}"
    );
    assert!(!stdout.contains('\r'), "no carriage returns in a pipe");
    let _ = std::fs::remove_dir_all(&dir);
}
