//! The `sesame` command as scripts use it: the contract forms, exit codes, and output that
//! goes to stdout only on success.

mod support;

use std::path::PathBuf;

use assert_cmd::Command;
use serde_json::Value;
use support::chrony::Chrony;

fn sesame() -> Command {
    Command::cargo_bin("sesame").unwrap()
}

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn vectors(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(corpus().join("vectors").join(name))
        .expect("the shared corpus sits beside the repository");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_corpus_vector_matches_through_the_cli() {
    let mut checked = 0;
    for v in vectors("totp.jsonl") {
        let out = stdout_of(sesame().args([
            "code",
            "--secret",
            v["secret_b32"].as_str().unwrap(),
            "--algorithm",
            &v["algorithm"].as_str().unwrap().to_lowercase(),
            "--digits",
            &v["digits"].to_string(),
            "--period",
            &v["period"].to_string(),
            "--time",
            &v["unix_time"].to_string(),
        ]));
        assert_eq!(out.trim(), v["code"].as_str().unwrap(), "{}", v["id"]);
        checked += 1;
    }
    for v in vectors("hotp.jsonl") {
        let out = stdout_of(sesame().args([
            "code",
            "--secret",
            v["secret_b32"].as_str().unwrap(),
            "--algorithm",
            &v["algorithm"].as_str().unwrap().to_lowercase(),
            "--digits",
            &v["digits"].to_string(),
            "--counter",
            &v["counter"].to_string(),
        ]));
        assert_eq!(out.trim(), v["code"].as_str().unwrap(), "{}", v["id"]);
        checked += 1;
    }
    assert_eq!(checked, 108);
}

#[test]
fn verify_exits_0_1_or_2() {
    let verify = |time: &str, window: &str, code: &str| {
        sesame()
            .args([
                "verify",
                "--secret",
                "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
                "--digits",
                "8",
            ])
            .args(["--time", time, "--window", window, code])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(verify("59", "1", "94287082"), Some(0));
    assert_eq!(verify("59", "1", "94287083"), Some(1));
    // One step late is inside the default window; two are not unless it is widened.
    assert_eq!(verify("89", "1", "94287082"), Some(0));
    assert_eq!(verify("119", "1", "94287082"), Some(1));
    assert_eq!(verify("119", "2", "94287082"), Some(0));
    // HOTP: the code for counter 3 is accepted at counter 2 with a look-ahead of 1.
    sesame()
        .args([
            "verify",
            "--secret",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
            "--counter",
            "2",
            "969429",
        ])
        .assert()
        .code(0);
    let bad = sesame()
        .args(["verify", "--secret", "not base32!", "123456"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(bad.stdout.is_empty());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Base32"));
}

#[test]
fn code_options_and_errors() {
    let secret = "JBSWY3DPEHPK3PXP";
    let steam = stdout_of(sesame().args(["code", "--secret", secret, "--steam", "--time", "0"]));
    assert_eq!(steam.trim().len(), 5);
    let from_stdin = stdout_of(
        sesame()
            .args(["code", "--secret-stdin", "--time", "59"])
            .write_stdin("jbsw y3dp ehpk 3pxp\n"),
    );
    let from_arg = stdout_of(sesame().args(["code", "--secret", secret, "--time", "59"]));
    assert_eq!(from_stdin, from_arg);
    let verbose =
        stdout_of(sesame().args(["code", "--secret", secret, "--time", "50", "--verbose"]));
    assert!(
        verbose.contains("next: ") && verbose.contains("valid for: 10 s"),
        "{verbose}"
    );

    let out = sesame()
        .args(["code", "--secret", secret, "--digits", "12"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("12 digits") && err.lines().count() == 1,
        "{err}"
    );
}

#[test]
fn parse_prints_the_documented_json() {
    let out = stdout_of(sesame().args([
        "parse",
        "otpauth://hotp/ACME%20Co:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co&counter=7&digits=8&algorithm=SHA256",
    ]));
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["type"], "hotp");
    assert_eq!(v["issuer"], "ACME Co");
    assert_eq!(v["account"], "alice@example.com");
    assert_eq!(v["secret_hex"], "3132333435363738393031323334353637383930");
    assert_eq!(v["secret_b32"], "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert_eq!(v["algorithm"], "SHA256");
    assert_eq!(v["digits"], 8);
    assert_eq!(v["period"], Value::Null);
    assert_eq!(v["counter"], 7);
    assert_eq!(v.as_object().unwrap().len(), 9);

    // Every payload in the QR corpus, including the migration batches.
    let manifest = std::fs::read_to_string(corpus().join("qr/manifest.jsonl")).unwrap();
    let mut payloads: Vec<(String, String)> = manifest
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v["category"] == "clean")
        .map(|v| {
            (
                v["payload_kind"].as_str().unwrap().to_owned(),
                v["expected_text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    payloads.sort();
    payloads.dedup();
    assert_eq!(payloads.len(), 12);
    let mut migration_counts = vec![];
    for (kind, text) in payloads {
        let out = stdout_of(sesame().args(["parse", &text]));
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(!lines.is_empty());
        for line in &lines {
            assert!(matches!(line["type"].as_str(), Some("totp" | "hotp")));
        }
        if kind == "otpauth-migration" {
            migration_counts.push(lines.len());
        }
    }
    migration_counts.sort();
    assert_eq!(migration_counts, [2, 6]);
}

#[test]
fn parse_refuses_bad_input_cleanly() {
    for bad in [
        "https://example.com",
        "otpauth://totp/x",
        "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=abc",
        "otpauth://foo/x?secret=JBSWY3DPEHPK3PXP",
        "otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP",
        "otpauth-migration://offline?data=%%%",
        "otpauth-migration://offline?data=CgY",
        "",
    ] {
        let out = sesame().args(["parse", bad]).output().unwrap();
        assert_ne!(out.status.code(), Some(0), "{bad}");
        assert!(out.stdout.is_empty(), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{bad}: {err}");
        assert!(err.starts_with("sesame: "), "{err}");
    }
}

#[test]
fn qr_png_and_svg_scan_back() {
    let dir = tempfile::tempdir().unwrap();
    let link = "otpauth://totp/Example:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example";
    let png = dir.path().join("code.png");
    sesame()
        .args(["qr", link, "--png"])
        .arg(&png)
        .assert()
        .success();
    let out = stdout_of(sesame().arg("scan").arg(&png));
    assert_eq!(out.trim(), link);

    let json = stdout_of(sesame().arg("scan").arg("--json").arg(&png));
    let v: Value = serde_json::from_str(json.trim()).unwrap();
    assert_eq!(v["text"], link);
    assert_eq!(v["kind"], "otpauth");
    assert_eq!(v["file"], png.display().to_string());

    let svg = dir.path().join("code.svg");
    sesame()
        .args(["qr", link, "--svg"])
        .arg(&svg)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));

    let terminal = stdout_of(sesame().args(["qr", link]));
    assert!(terminal.lines().count() > 10);
}

/// `good.png` in `dir`: a QR code of "hello", written by `sesame qr --png`.
fn png_of_hello(dir: &std::path::Path) -> std::path::PathBuf {
    let good = dir.join("good.png");
    sesame()
        .args(["qr", "hello", "--png"])
        .arg(&good)
        .assert()
        .success();
    good
}

#[test]
fn scan_reports_each_problem_file_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.png");
    image::GrayImage::from_pixel(64, 64, image::Luma([255]))
        .save(&blank)
        .unwrap();
    let broken = dir.path().join("broken.png");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let missing = dir.path().join("missing.png");
    let good = png_of_hello(dir.path());

    let out = sesame()
        .arg("scan")
        .arg(&blank)
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "no code in one file");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hello");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no QR code found in"));

    for bad in [&broken, &missing] {
        let out = sesame().arg("scan").arg(bad).arg(&good).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", bad.display());
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hello");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&bad.display().to_string()), "{err}");
    }
}

/// A 1×1 palette PNG, valid (CRCs included) but for its palette: 41 bytes, not a whole
/// number of 3-byte colours. png 0.18.1 panics expanding it (found by the `qr_image`
/// fuzz target; image-rs/image-png#694).
const PNG_WITH_A_41_BYTE_PALETTE: &str = "89504e470d0a1a0a0000000d494844520000000100000001080300000028cb34bb00000029504c54\
    45070707070707070707070707070707070707070707070707070707070707070707070707070707\
    0707991f0f590000000a49444154789c636000000002000148afa4710000000049454e44ae426082";

#[test]
fn scan_of_a_png_whose_palette_would_crash_the_decoder_is_an_error_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad-palette.png");
    let bytes: Vec<u8> = (0..PNG_WITH_A_41_BYTE_PALETTE.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&PNG_WITH_A_41_BYTE_PALETTE[i..i + 2], 16).unwrap())
        .collect();
    assert_eq!(bytes.len(), 120);
    std::fs::write(&bad, bytes).unwrap();
    let good = png_of_hello(dir.path());

    let out = sesame().arg("scan").arg(&bad).arg(&good).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("its palette (PLTE chunk) is 41 bytes long"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "hello",
        "the next file is still read"
    );
}

#[test]
fn scan_finds_both_codes_in_a_multi_image() {
    let manifest = std::fs::read_to_string(corpus().join("qr/manifest.jsonl")).unwrap();
    let multi: Value = manifest
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["category"] == "multi")
        .unwrap();
    let out = stdout_of(
        sesame()
            .arg("scan")
            .arg(corpus().join("qr").join(multi["file"].as_str().unwrap())),
    );
    for text in multi["expected_texts"].as_array().unwrap() {
        assert!(out.lines().any(|l| l == text.as_str().unwrap()), "{out}");
    }
}

#[test]
fn time_measures_against_a_real_ntp_server() {
    let chrony = Chrony::start();
    let out = stdout_of(sesame().args(["time", "--server", &chrony.address, "--json"]));
    let v: Value = serde_json::from_str(out.trim()).unwrap();
    assert!(v["offset_ms"].as_i64().unwrap().abs() < 500, "{v}");
    assert_eq!(v["stratum"], 8);
    let human = stdout_of(sesame().args(["time", "--server", &chrony.address]));
    assert!(human.starts_with("offset: "), "{human}");

    // Codes at corrected time: same clock here, so the same code as without correction.
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let corrected =
        stdout_of(sesame().args(["code", "--secret", secret, "--ntp", &chrony.address]));
    assert_eq!(corrected.trim().len(), 6);

    let out = sesame()
        .args([
            "time",
            "--server",
            "127.0.0.1:9",
            "--timeout-ms",
            "200",
            "--samples",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("127.0.0.1:9"));
}

/// A running `sesame` (here `init`, waiting for its password on a pipe kept open) cannot
/// leave a core file and is not dumpable: `/proc/PID/limits` says core files are limited
/// to 0 (soft and hard), and its `/proc/PID/` files belong to root (not its user).
#[cfg(target_os = "linux")]
#[test]
fn a_running_sesame_leaves_no_core_file_and_is_not_dumpable() {
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::process::CommandExt;
    use std::process::{Command as Std, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let our_uid = std::fs::metadata("/proc/self/environ").unwrap().uid();
    let bin_dir = tempfile::tempdir().unwrap();
    let mut cmd = if our_uid == 0 {
        // As root every /proc file is root's: run it as nobody, whose dumpable process's
        // files would be nobody's. Nobody may not reach the build folder (CI builds under
        // /root), so it runs a copy from a folder of its own.
        use std::os::unix::fs::PermissionsExt;
        let bin = bin_dir.path().join("sesame");
        std::fs::copy(assert_cmd::cargo::cargo_bin("sesame"), &bin).unwrap();
        std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::os::unix::fs::chown(dir.path(), Some(65534), Some(65534)).unwrap();
        let mut cmd = Std::new(bin);
        cmd.uid(65534).gid(65534);
        cmd
    } else {
        Std::new(assert_cmd::cargo::cargo_bin("sesame"))
    };
    cmd.args(["init", "--password-stdin"])
        .env("SESAME_HOME", dir.path().join("sesame"))
        .env(
            "SESAME_KEYSTORE",
            format!("file:{}", dir.path().join("keys").display()),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // A test thread that forks while the copy above is still open for writing holds the
    // file open until its child execs: executing the copy then fails with "text file
    // busy" for that moment.
    let mut tries = 0;
    let mut child = loop {
        match cmd.spawn() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            spawned => break spawned.unwrap(),
        }
    };
    let pid = child.id();
    let core_line = |limits: &str| {
        limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    // Hardening is the first thing `main` does; wait for it (the child then blocks on stdin).
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut seen = None;
    while Instant::now() < deadline {
        let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
        seen = core_line(&limits);
        if seen.as_deref() == Some("Max core file size 0 0 bytes") {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let still_running = child.try_wait().unwrap().is_none();
    // Checked before the assertions, so a failure does not leave the child behind.
    let environ_uid = std::fs::metadata(format!("/proc/{pid}/environ")).map(|m| m.uid());
    child.kill().unwrap();
    child.wait().unwrap();

    assert!(still_running, "sesame init should wait for its password");
    assert_eq!(seen.as_deref(), Some("Max core file size 0 0 bytes"));
    // A non-dumpable process's /proc files belong to root, not to its user.
    assert_eq!(environ_uid.unwrap(), 0, "sesame is still dumpable");
}
