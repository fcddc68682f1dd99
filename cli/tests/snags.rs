//! The CLI as a new user meets it, one test per snag found when it was
//! tried: wrong `upload` arguments never burn the one-time order, `--submit`
//! does not submit failing photos, every command is scriptable (JSON, exit
//! codes, a closed pipe, no `\r` in logs), messages are plain words, the
//! rules say what is done on a phone, and the demo's inputs are checked
//! first.

#[path = "../src/scenes.rs"]
mod scenes;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use icp_companion_core::order::IssuerSigningKey;
use icp_companion_dev_gateway::{Config, DevGateway, NewOrder};
use serde_json::Value;

fn cli() -> Command {
    Command::new(env!("CARGO_BIN_EXE_icp-companion"))
}

fn run(args: &[&str]) -> Output {
    cli().args(args).output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("icp-snags-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A development gateway in this process, with its own issuer.
struct Gw {
    _runtime: tokio::runtime::Runtime,
    gateway: DevGateway,
    key_hex: String,
}

impl Gw {
    fn start(dir: &Path) -> Gw {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let seed = [41u8; 32];
        let gateway = runtime
            .block_on(DevGateway::start(
                "127.0.0.1:0".parse().unwrap(),
                Config {
                    dir: dir.join("gateway"),
                    issuer: IssuerSigningKey::from_seed(&seed).unwrap(),
                    max_photo_bytes: 4_000_000,
                    advertise: None,
                    capture_session_seconds: icp_companion_dev_gateway::CAPTURE_SESSION_SECONDS,
                },
            ))
            .unwrap();
        let key_hex = IssuerSigningKey::from_seed(&seed)
            .unwrap()
            .public_key()
            .to_hex();
        Gw {
            _runtime: runtime,
            gateway,
            key_hex,
        }
    }

    /// A new Shanghai organisation order: (id, QR text).
    fn shanghai_order(&self) -> (String, String) {
        self.gateway
            .create_order(NewOrder {
                province_code: 31,
                subject: "organisation".into(),
                applicant: "张晓明".into(),
                domains: vec!["example.cn".into()],
                valid_seconds: 900,
                allow_stored_photos: false,
            })
            .unwrap()
    }

    fn claimed(&self, id: &str) -> bool {
        self.gateway.listing(id).unwrap()["claimed"]
            .as_bool()
            .unwrap()
    }

    fn status(&self, id: &str) -> String {
        self.gateway.listing(id).unwrap()["order"]["status"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// `upload QR --trust-key K --allow-host 127.0.0.1 --queue DIR ARGS…`.
    fn upload(&self, qr: &str, queue: &Path, args: &[&str]) -> Output {
        cli()
            .args(["upload", qr, "--trust-key", &self.key_hex])
            .args(["--allow-host", "127.0.0.1", "--queue"])
            .arg(queue)
            .args(args)
            .output()
            .unwrap()
    }
}

/// A passing administrator photo (the demo's portrait on the backdrop) and
/// a failing one (the backdrop alone), as JPEG files.
fn admin_photos(dir: &Path) -> (String, String) {
    let face = scenes::Face::demo_portrait();
    let good = dir.join("admin.jpg");
    scenes::admin_scene(&face, scenes::Pose::good(), 960, 1280)
        .save(&good)
        .unwrap();
    let empty = dir.join("empty.jpg");
    scenes::backdrop(960, 1280).save(&empty).unwrap();
    (good.display().to_string(), empty.display().to_string())
}

#[test]
fn snag_1_wrong_upload_arguments_are_refused_before_the_order_is_claimed() {
    let dir = scratch("claim");
    let gw = Gw::start(&dir);
    let (good, _) = admin_photos(&dir);
    let notes = dir.join("notes.txt");
    std::fs::write(&notes, "not a photo").unwrap();
    let notes = notes.display().to_string();
    let missing = dir.join("missing.jpg").display().to_string();
    let (id, qr) = gw.shanghai_order();
    let queue = dir.join("queue");
    let photo = format!("admin_photo={good}");
    let cases: Vec<(Vec<String>, i32, &str)> = vec![
        (vec!["--photo".into(), photo.clone()], 2, "--at"),
        (
            vec![
                "--photo".into(),
                photo.clone(),
                "--at".into(),
                "31.23".into(),
            ],
            2,
            "LAT,LON",
        ),
        (
            vec![
                "--photo".into(),
                good.clone(),
                "--at".into(),
                "31.2304,121.4737".into(),
            ],
            2,
            "SLOT=FILE",
        ),
        (
            vec![
                "--photo".into(),
                format!("selfie={good}"),
                "--at".into(),
                "31.2304,121.4737".into(),
            ],
            2,
            "unknown slot selfie",
        ),
        (
            vec![
                "--photo".into(),
                format!("subject_id={good}"),
                "--at".into(),
                "31.2304,121.4737".into(),
            ],
            2,
            "does not collect subject_id",
        ),
        (
            vec![
                "--photo".into(),
                format!("admin_photo={missing}"),
                "--at".into(),
                "31.2304,121.4737".into(),
            ],
            3,
            "does not exist",
        ),
        (
            vec![
                "--photo".into(),
                format!("admin_photo={notes}"),
                "--at".into(),
                "31.2304,121.4737".into(),
            ],
            3,
            "not an image",
        ),
        (
            vec![
                "--photo".into(),
                photo.clone(),
                "--at".into(),
                "95,121".into(),
            ],
            2,
            "95",
        ),
        (
            vec![
                "--photo".into(),
                photo.clone(),
                "--at".into(),
                "31.3856,120.9807".into(),
            ],
            1,
            "not inside Shanghai",
        ),
    ];
    for (args, exit, says) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = gw.upload(&qr, &queue, &args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(*exit), "{args:?}: {said}");
        assert!(said.contains(says), "{args:?} should say {says:?}: {said}");
        assert!(!said.contains("claimed"), "{args:?}: {said}");
        assert!(!gw.claimed(&id), "{args:?} claimed the order");
    }
    // The order is still the applicant's: the right arguments claim it now.
    let out = gw.upload(
        &qr,
        &queue,
        &["--photo", &photo, "--at", "31.2304,121.4737"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(gw.claimed(&id));
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\r'),
        "no \\r into a pipe"
    );
    assert!(!text(&out).contains("already claimed"));
}

#[test]
fn snag_2_submit_refuses_failing_photos_unless_forced() {
    let dir = scratch("submit");
    let gw = Gw::start(&dir);
    let (_, empty) = admin_photos(&dir);
    let (id, qr) = gw.shanghai_order();
    let queue = dir.join("queue");
    let photo = format!("admin_photo={empty}");
    let args = [
        "--photo",
        photo.as_str(),
        "--at",
        "31.2304,121.4737",
        "--submit",
    ];
    let refused = gw.upload(&qr, &queue, &args);
    let said = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains("photo.face_count"),
        "names the failing check: {said}"
    );
    assert!(said.contains("not submitting: admin_photo"), "{said}");
    assert!(said.contains("--force"), "says how to go on: {said}");
    assert!(!gw.claimed(&id), "refused before the claim");
    assert_eq!(gw.status(&id), "open");
    // The same in JSON, for scripts.
    let json = cli()
        .args(["--json", "upload", &qr, "--trust-key", &gw.key_hex])
        .args(["--allow-host", "127.0.0.1", "--queue"])
        .arg(&queue)
        .args(args)
        .output()
        .unwrap();
    let last = json_lines(&json).pop().unwrap();
    assert_eq!(last["error"]["code"], "cli.checks_failed", "{last}");
    assert_eq!(last["error"]["failed"][0], "admin_photo", "{last}");
    // --force submits, still reporting the failure in the exit code.
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = gw.upload(&qr, &queue, &forced);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(gw.status(&id), "submitted", "{}", text(&out));
}

#[test]
fn snag_3_results_are_json_and_exit_codes_tell_refused_from_could_not_judge() {
    let dir = scratch("json");
    let code = dir.join("code.png");
    let qr = String::from_utf8(
        run(&[
            "qr",
            "encode",
            "--order-id",
            "ICP-J1",
            "--gateway",
            "http://127.0.0.1:9",
            "--province",
            "31",
        ])
        .stdout,
    )
    .unwrap();
    let qr = qr.trim();
    assert!(run(&["qr", "render", qr, "--out", code.to_str().unwrap()])
        .status
        .success());
    let fake = dir.join("fake.jpg");
    std::fs::write(&fake, "hello").unwrap();
    let missing = dir.join("missing.png");
    // Several files: one JSON object each; the worst outcome is the exit code.
    let out = cli()
        .args(["--json", "qr", "scan"])
        .args([&code, &missing, &fake])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["order"]["order_id"], "ICP-J1");
    assert_eq!(lines[1]["error"]["code"], "image.io");
    assert_eq!(lines[2]["error"]["code"], "image.unsupported_format");
    // Judged and refused (exit 1) versus could not judge (3) versus usage (2).
    let expired = String::from_utf8(
        run(&[
            "qr",
            "encode",
            "--order-id",
            "ICP-J2",
            "--gateway",
            "http://127.0.0.1:9",
            "--province",
            "31",
            "--expires-in",
            "-5",
        ])
        .stdout,
    )
    .unwrap();
    let out = run(&["--json", "qr", "verify", expired.trim()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json_lines(&out)[0]["error"]["code"], "qr.expired");
    let stranger = "11".repeat(32);
    let out = run(&["qr", "verify", qr, "--trust-key", &stranger]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        run(&["qr", "scan", missing.to_str().unwrap()])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        run(&["qr", "scan", "--no-such-option"]).status.code(),
        Some(2)
    );
    // locate: inside 0; outside and uncertain 1, told apart in JSON.
    for (lat, lon, accuracy, exit, status) in [
        ("31.2304", "121.4737", "10", 0, "inside"),
        ("31.3856", "120.9807", "10", 1, "outside"),
        ("31.2950", "121.0940", "400", 1, "uncertain"),
    ] {
        let out = run(&["--json", "locate", lat, lon, "--accuracy", accuracy]);
        assert_eq!(out.status.code(), Some(exit), "{lat},{lon}");
        assert_eq!(json_lines(&out)[0]["status"], status);
    }
    // Photo checks: a failing photo is 1, with every finding's facts.
    let (_, empty) = admin_photos(&dir);
    let out = run(&["--json", "check-photo", &empty, "--flow", "backdrop"]);
    assert_eq!(out.status.code(), Some(1));
    let report = &json_lines(&out)[0];
    assert_eq!(report["verdict"], "fail");
    let finding = &report["findings"][0];
    for field in [
        "code",
        "outcome",
        "measured",
        "threshold",
        "unit",
        "limit",
        "message_en",
        "message_zh",
    ] {
        assert!(!finding[field].is_null(), "{field} in {finding}");
    }
    // Every command's --help lists the exit codes.
    for command in [
        vec!["qr", "scan"],
        vec!["qr", "verify"],
        vec!["qr", "encode"],
        vec!["locate"],
        vec!["rules"],
        vec!["normalise"],
        vec!["compose"],
        vec!["faces"],
        vec!["check-photo"],
        vec!["check-document"],
        vec!["upload"],
        vec!["demo"],
        vec!["gateway"],
        vec!["capture"],
    ] {
        let mut args = command.clone();
        args.push("--help");
        let help = String::from_utf8(run(&args).stdout).unwrap();
        assert!(
            help.contains("Exit codes:") && help.contains("could not judge"),
            "{command:?}"
        );
        assert!(
            help.contains("--json"),
            "{command:?} --help mentions --json"
        );
    }
}

#[test]
fn snag_3_a_closed_pipe_ends_quietly() {
    let dir = scratch("pipe");
    let qr = String::from_utf8(
        run(&[
            "qr",
            "encode",
            "--order-id",
            "ICP-P1",
            "--gateway",
            "http://127.0.0.1:9",
            "--province",
            "44",
        ])
        .stdout,
    )
    .unwrap();
    let code = dir.join("code.png");
    assert!(
        run(&["qr", "render", qr.trim(), "--out", code.to_str().unwrap()])
            .status
            .success()
    );
    // Like `… | head -1`: the reader goes away after one line.
    let mut child = cli()
        .args(["qr", "scan", "--raw"])
        .args(std::iter::repeat_n(&code, 40))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains("ICP-P1") || first.contains("/q#"), "{first}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    use std::os::unix::process::ExitStatusExt;
    assert!(
        out.status.success() || out.status.signal() == Some(libc_sigpipe()),
        "{:?}",
        out.status
    );
}

/// SIGPIPE's number on Linux.
fn libc_sigpipe() -> i32 {
    13
}

#[test]
fn snag_4_and_5_messages_are_plain_words_with_units_dates_and_keys() {
    let dir = scratch("words");
    // The key `qr verify` prints is the public key the gateway prints.
    let gw = Gw::start(&dir);
    let (_, qr) = gw.shanghai_order();
    let out = run(&["qr", "verify", &qr, "--trust-key", &gw.key_hex]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(&format!("issuer key   {}", gw.key_hex)),
        "{said}"
    );
    assert!(said.contains("Beijing time"), "{said}");
    assert!(
        !said
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect::<String>()
            .contains("17961"),
        "a Unix time: {said}"
    );
    // Rules in both languages, no Rust names.
    let rules = text(&run(&["rules", "36", "--subject", "individual"]));
    assert!(rules.contains("江西 Jiangxi"), "{rules}");
    for rust in [
        "Jiangxi (Jiangxi)",
        "WidenedDomainArea",
        "Fingerprint,",
        "OfficialSeal",
        "seed",
    ] {
        assert!(!rules.contains(rust), "{rust}: {rules}");
    }
    // Findings with units and the direction of the limit.
    let (good, _) = admin_photos(&dir);
    let checked = text(&run(&["check-photo", &good, "--flow", "backdrop"]));
    assert!(
        checked.contains("photo.head_size") && checked.contains("% (passes "),
        "{checked}"
    );
    assert!(
        checked.contains("passes exactly 1)"),
        "a count, not 1.000: {checked}"
    );
    assert!(!checked.contains(".000"), "{checked}");
    // A damaged file: our words, in both languages; the cause only as detail.
    let cut = dir.join("cut.png");
    let png = std::fs::read(dir.join("admin.jpg")).unwrap();
    std::fs::write(&cut, &png[..png.len() / 3]).unwrap();
    let out = run(&["--json", "check-photo", cut.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    let error = &json_lines(&out)[0]["error"];
    assert_eq!(error["code"], "image.corrupt");
    let zh = error["message_zh"].as_str().unwrap();
    assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
    // --expires-in: negative makes an expired code (for tests), too short is refused clearly.
    let short = run(&[
        "qr",
        "encode",
        "--order-id",
        "ICP-E",
        "--gateway",
        "http://127.0.0.1:9",
        "--province",
        "31",
        "--expires-in",
        "0",
    ]);
    assert_eq!(short.status.code(), Some(2));
    assert!(
        text(&short).contains("at least 60 seconds"),
        "{}",
        text(&short)
    );
    // README's order: a code for a real host scans once that host is allowed.
    let code = dir.join("code.png");
    let text_ = String::from_utf8(
        run(&[
            "qr",
            "encode",
            "--order-id",
            "ICP-0001",
            "--gateway",
            "https://gw.example.cn",
            "--province",
            "31",
            "--in-region",
        ])
        .stdout,
    )
    .unwrap();
    assert!(run(&[
        "qr",
        "render",
        text_.trim(),
        "--out",
        code.to_str().unwrap()
    ])
    .status
    .success());
    let refused = run(&["qr", "scan", code.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused).contains("--allow-host"),
        "says what to do: {}",
        text(&refused)
    );
    let allowed = run(&[
        "qr",
        "scan",
        code.to_str().unwrap(),
        "--allow-host",
        "gw.example.cn",
    ]);
    assert!(allowed.status.success(), "{}", text(&allowed));
}

#[test]
fn snag_6_rules_say_which_steps_are_done_on_a_phone_and_with_which_app() {
    let shanghai = text(&run(&["rules", "31"]));
    assert!(
        shanghai.contains("Shanghai Communications Administration app"),
        "{shanghai}"
    );
    assert!(shanghai.contains("上海市通信管理局 App"), "{shanghai}");
    assert!(!shanghai.contains("not yet available"), "{shanghai}");
    let guangdong = text(&run(&["rules", "44"]));
    assert!(
        guangdong.contains("the filing provider's app"),
        "{guangdong}"
    );
    let beijing = text(&run(&["rules", "11"]));
    assert!(
        beijing.contains("filing website takes everything"),
        "{beijing}"
    );
    let json = json_lines(&run(&["--json", "rules", "31"]));
    assert_eq!(
        json[0]["phone_steps"], "administrator_in_region",
        "{}",
        json[0]
    );
}

#[test]
fn snag_7_the_demo_checks_its_inputs_first_and_outputs_match_their_names() {
    let dir = scratch("demo");
    let missing = dir.join("me.jpg");
    let out = cli()
        .args(["demo", "--out"])
        .arg(dir.join("out"))
        .arg("--admin-photo")
        .arg(&missing)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        !text(&out).contains("gateway at"),
        "failed before the gateway: {}",
        text(&out)
    );
    // compose writes JPEG: a .png name is refused before any work.
    let sheet = dir.join("sheet.png");
    let out = run(&[
        "compose",
        "a.jpg",
        "b.jpg",
        "--out",
        sheet.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!sheet.exists());
    // The demo passes every photo and names every file it wrote.
    let out = cli()
        .args(["--json", "demo", "--out"])
        .arg(dir.join("out"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let summary = json_lines(&out).pop().unwrap();
    for order in summary["orders"].as_array().unwrap() {
        assert_eq!(order["status"], "submitted", "{order}");
        for photo in order["photos"].as_array().unwrap() {
            assert_eq!(photo["passed"], true, "{photo}");
        }
        for file in order["received"].as_array().unwrap() {
            let path = file["path"].as_str().unwrap();
            let bytes = std::fs::read(path).unwrap();
            let png = bytes.starts_with(b"\x89PNG");
            assert_eq!(path.ends_with(".png"), png, "{path}: named as what it is");
        }
    }
    for file in summary["files"].as_array().unwrap() {
        let path = Path::new(file["path"].as_str().unwrap());
        assert!(path.exists(), "{}", path.display());
        assert!(!file["what"].as_str().unwrap().is_empty());
    }
}
