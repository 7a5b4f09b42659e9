//! The vault end to end, through the `sesame` CLI and the library, against real files, the
//! real Secret Service (run these through `scripts/with-secret-service`, as `make test`
//! does) and real processes killed with SIGKILL.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

#[path = "support/home.rs"]
mod home;

use home::{Home, link};

#[test]
fn the_os_keystore_holds_the_device_key() {
    let home = Home::with_os_keystore();
    home.init(Some("correct horse"));
    let pw = "correct horse\n";
    home.ok(
        &["add", "--password-stdin", &link("GitHub", "alice", 1)],
        pw,
    );
    home.ok(
        &[
            "add",
            "--password-stdin",
            "--secret",
            "JBSW Y3DP EHPK 3PXP",
            "--issuer",
            "AWS",
            "--account",
            "root",
        ],
        pw,
    );
    let listed = home.list(pw);
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["issuer"], "AWS");
    assert!(
        !serde_json::to_string(&listed).unwrap().contains("JBSW"),
        "no secrets in list"
    );

    // The code shown for the account equals `sesame code --secret` at the same time.
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let codes = home.ok(
        &["codes", "--json", "--password-stdin", "--filter", "aws"],
        pw,
    );
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let shown: Value = serde_json::from_str(codes.trim()).unwrap();
    let expected: Vec<String> = [before, after]
        .iter()
        .map(|t| {
            home.ok(
                &[
                    "code",
                    "--secret",
                    "JBSWY3DPEHPK3PXP",
                    "--time",
                    &t.to_string(),
                ],
                "",
            )
            .trim()
            .to_owned()
        })
        .collect();
    assert!(
        expected.contains(&shown["code"].as_str().unwrap().to_owned()),
        "{shown}"
    );

    // The device key is really in the Secret Service: with it gone, the vault is useless.
    let secret_tool = StdCommand::new("secret-tool")
        .args(["search", "--all", "service", "sesame"])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by make test");
    let found = String::from_utf8_lossy(&secret_tool.stdout).to_string()
        + &String::from_utf8_lossy(&secret_tool.stderr);
    assert!(
        found.contains("sesame"),
        "no Sesame entry in the Secret Service: {found}"
    );
}

#[test]
fn without_a_vault_the_error_says_where_and_the_hint_how_to_make_one() {
    let home = Home::with_file_keystore();
    let err = home.fail(&["list"], "");
    let vault = home.vault_dir().join("vault");
    assert_eq!(
        err,
        format!(
            "sesame: there is no vault at {}\nhint: create one with `sesame init`\n",
            vault.display()
        )
    );
}

#[test]
fn wrong_password_is_refused_and_the_right_one_still_opens() {
    let home = Home::with_file_keystore();
    home.init(Some("right"));
    home.ok(&["add", "--password-stdin", &link("A", "a", 1)], "right\n");
    let err = home.fail(&["list", "--password-stdin"], "wrong\n");
    assert_eq!(err.trim(), "sesame: wrong password");
    let err = home.fail(&["list"], "");
    assert_eq!(
        err,
        "sesame: the vault password is needed but there is no terminal to ask on\nhint: pass --password-stdin and write it to standard input\n"
    );
    assert_eq!(home.list("right\n").len(), 1);
}

#[test]
fn a_copied_vault_is_bound_to_its_device_and_a_backup_restores_it() {
    let laptop = Home::with_file_keystore();
    laptop.init(Some("pw"));
    for i in 0..3 {
        laptop.ok(
            &[
                "add",
                "--password-stdin",
                &link("Site", &format!("user{i}"), i),
            ],
            "pw\n",
        );
    }
    laptop.ok(
        &[
            "edit",
            "--password-stdin",
            "user1",
            "--tag",
            "work",
            "--note",
            "spare codes in the safe",
        ],
        "pw\n",
    );
    let backup = laptop.dir.path().join("backup.sesame");
    let backup_arg = backup.to_str().unwrap();
    laptop.ok(
        &["export", "--password-stdin", "--backup", backup_arg],
        "pw\nbackup pw\n",
    );
    let raw = std::fs::read(&backup).unwrap();
    assert!(
        !String::from_utf8_lossy(&raw).contains("user1"),
        "backups are encrypted"
    );

    // Copy the vault file to another home with its own device key.
    let desktop = Home::with_file_keystore();
    desktop.init(None);
    std::fs::copy(
        laptop.vault_dir().join("vault"),
        desktop.vault_dir().join("vault"),
    )
    .unwrap();
    let err = desktop.fail(&["list", "--password-stdin"], "pw\n");
    assert!(
        err.contains("bound to another device") && err.contains("restore from a backup export"),
        "{err}"
    );

    // Start a fresh vault there and restore the backup with its password.
    std::fs::remove_file(desktop.vault_dir().join("vault")).unwrap();
    desktop.init(None);
    let err = desktop.fail(&["import", "--password-stdin", backup_arg], "not it\n");
    assert!(err.contains("wrong backup password"), "{err}");
    let out = desktop.ok(&["import", "--password-stdin", backup_arg], "backup pw\n");
    assert!(out.contains("Imported 3 account(s)"), "{out}");
    let restored = desktop.list("");
    assert_eq!(restored.len(), 3);
    let user1 = restored.iter().find(|a| a["account"] == "user1").unwrap();
    assert_eq!(user1["tags"][0], "work");
    assert_eq!(user1["note"], "spare codes in the safe");
    // Importing again adds nothing.
    let out = desktop.ok(&["import", "--password-stdin", backup_arg], "backup pw\n");
    assert!(
        out.contains("Imported 0 account(s)") && out.contains("3 already present"),
        "{out}"
    );
}

/// Issue 12 finding 7: a backup whose account ids are `"x"` and `"é"` (ids no Sesame
/// generates; see `tests/data/files/README.md`) imports with fresh ids and everything else
/// kept; `sesame list` and name lookups work (importing it once made them panic).
#[test]
fn a_backup_with_malformed_account_ids_imports_with_fresh_ids_and_lists_without_a_panic() {
    let home = Home::with_file_keystore();
    home.init(None);
    home.ok(&["add", &link("Site", "kept", 1)], "");
    let backup = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/files/backup-v1-bad-ids.sesame-backup");
    let out = home.ok(
        &["import", "--password-stdin", backup.to_str().unwrap()],
        "vector backup password\n",
    );
    assert!(out.contains("Imported 2 account(s)"), "{out}");
    let listed = home.list("");
    assert_eq!(listed.len(), 3);
    let ids: Vec<&str> = listed.iter().map(|a| a["id"].as_str().unwrap()).collect();
    for id in &ids {
        assert!(
            id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "{id}"
        );
    }
    assert!(ids[1] != ids[2], "{ids:?}");
    let alice = listed
        .iter()
        .find(|a| a["account"] == "alice@example.com")
        .expect("alice imported");
    assert_eq!(alice["tags"][0], "work");
    assert_eq!(alice["note"], "recovery codes in the safe");
    assert!(listed.iter().any(|a| a["account"] == "vpn"));
    let plain = home.ok(&["list"], "");
    assert!(
        plain.contains("alice@example.com") && plain.contains("vpn"),
        "{plain}"
    );
    // Lookups by name and by the fresh id work.
    assert!(home.ok(&["code", "alice@example.com"], "").trim().len() >= 6);
    assert!(home.ok(&["code", "kept"], "").trim().len() >= 6);
    assert!(home.ok(&["code", &ids[1][..8]], "").trim().len() >= 6);
    // Importing again recognises them as already present.
    let out = home.ok(
        &["import", "--password-stdin", backup.to_str().unwrap()],
        "vector backup password\n",
    );
    assert!(out.contains("Imported 0 account(s)"), "{out}");
}

/// `sesame export --aegis` writes an Aegis vault (encrypted with an export password, or
/// plain with --plaintext) that `sesame import` reads back account for account.
#[test]
fn aegis_exports_read_back_through_import() {
    let home = Home::with_file_keystore();
    home.init(Some("vault pw"));
    let pw = "vault pw\n";
    let links = [
        link("GitHub", "alice", 1),
        "otpauth://hotp/Bank:bob?secret=KUVJJOM753IHTNDSZVCNKL7GII&issuer=Bank&algorithm=SHA512&digits=8&counter=10300".to_owned(),
        "otpauth://totp/ACME:carol%40example.com?secret=5OM4WOOGPLQEF6UGN3CPEOOLWU&issuer=ACME&algorithm=SHA256&digits=7&period=20".to_owned(),
        "otpauth://steam/Steam:gabe?secret=JRZCL47CMXVOQMNPZR2F7J4RGI&issuer=Steam".to_owned(),
    ];
    for l in &links {
        home.ok(&["add", "--password-stdin", l], pw);
    }
    home.ok(
        &[
            "edit",
            "--password-stdin",
            "alice",
            "--tag",
            "work",
            "--note",
            "spare codes in the safe",
        ],
        pw,
    );
    // What `sesame parse` says of each link is what the import must say of each entry.
    let expected: Vec<Value> = links
        .iter()
        .flat_map(|l| {
            home.ok(&["parse", l], "")
                .lines()
                .map(|line| serde_json::from_str(line).unwrap())
                .collect::<Vec<Value>>()
        })
        .collect();
    assert_eq!(expected.len(), 4);
    let json_lines = |out: String| -> Vec<Value> {
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };

    let file = home.dir.path().join("aegis.json");
    let file_arg = file.to_str().unwrap();
    // The vault's password, then the new export password.
    let out = home.ok(
        &["export", "--password-stdin", "--aegis", file_arg],
        "vault pw\nexport pw\n",
    );
    assert!(out.contains("Exported 4 of 4 accounts"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let raw = std::fs::read_to_string(&file).unwrap();
    assert!(!raw.contains("JRZCL47CMXVOQMNPZR2F7J4RGI") && !raw.contains("alice"));
    let vault: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(vault["header"]["slots"][0]["type"], 1);
    assert!(vault["db"].is_string());
    let err = home.fail(
        &["export", "--password-stdin", "--aegis", file_arg],
        "vault pw\nx\n",
    );
    assert!(err.contains("--force"), "{err}");

    // Read back with no vault opened: the export password alone.
    let read = home.ok(
        &[
            "import",
            "--dry-run",
            "--json",
            "--password-stdin",
            file_arg,
        ],
        "export pw\n",
    );
    assert_eq!(json_lines(read), expected);
    let err = home.fail(
        &[
            "import",
            "--dry-run",
            "--json",
            "--password-stdin",
            file_arg,
        ],
        "vault pw\n",
    );
    assert!(
        err.contains("wrong password for this Aegis export"),
        "{err}"
    );

    // Plain only with --plaintext; it carries the note and the tag (as an Aegis group).
    let plain = home.dir.path().join("aegis-plain.json");
    let plain_arg = plain.to_str().unwrap();
    let out = home.ok(
        &[
            "export",
            "--password-stdin",
            "--aegis",
            plain_arg,
            "--plaintext",
        ],
        pw,
    );
    assert!(out.contains("plain text"), "{out}");
    let vault: Value = serde_json::from_slice(&std::fs::read(&plain).unwrap()).unwrap();
    assert!(vault["header"]["slots"].is_null() && vault["header"]["params"].is_null());
    let db = &vault["db"];
    assert_eq!(db["version"], 3);
    assert_eq!(db["groups"][0]["name"], "work");
    let alice = &db["entries"][0];
    assert_eq!(alice["note"], "spare codes in the safe");
    assert_eq!(alice["groups"][0], db["groups"][0]["uuid"]);
    let read = home.ok(&["import", "--dry-run", "--json", plain_arg], "");
    assert_eq!(json_lines(read), expected);

    // And into another vault, for real.
    let other = Home::with_file_keystore();
    other.init(None);
    let out = other.ok(&["import", "--password-stdin", file_arg], "export pw\n");
    assert!(out.starts_with("Imported 4 account(s)"), "{out}");
    assert_eq!(other.list("").len(), 4);
}

#[test]
fn plain_exports_need_consent_and_round_trip() {
    let home = Home::with_file_keystore();
    home.init(None);
    for i in 0..12 {
        home.ok(&["add", &link("Svc", &format!("n{i}"), i + 100)], "");
    }
    let list = home.dir.path().join("accounts.txt");
    let list_arg = list.to_str().unwrap();
    let err = home.fail(&["export", "--otpauth", list_arg], "");
    assert!(err.contains("--plaintext"), "{err}");
    assert!(!list.exists());
    home.ok(&["export", "--otpauth", list_arg, "--plaintext"], "");
    let err = home.fail(&["export", "--otpauth", list_arg, "--plaintext"], "");
    assert!(err.contains("--force"), "{err}");

    let qr_dir = home.dir.path().join("qr");
    home.ok(
        &[
            "export",
            "--migration-qr",
            qr_dir.to_str().unwrap(),
            "--plaintext",
        ],
        "",
    );
    let mut images: Vec<PathBuf> = std::fs::read_dir(&qr_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    images.sort();
    assert!(
        images.len() >= 2,
        "12 accounts need more than one transfer code"
    );

    let other = Home::with_file_keystore();
    other.init(None);
    other.ok(&["import", list_arg], "");
    assert_eq!(other.list("").len(), 12);
    let third = Home::with_file_keystore();
    third.init(None);
    for image in &images {
        third.ok(&["import", image.to_str().unwrap()], "");
    }
    let names: Vec<String> = third
        .list("")
        .iter()
        .map(|a| a["account"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names.len(), 12, "{names:?}");
    third.ok(&["add", "--qr", images[0].to_str().unwrap()], "");
    assert_eq!(third.list("").len(), 12, "duplicates are not stored twice");
}

#[test]
fn rename_move_remove_and_passwd() {
    let home = Home::with_file_keystore();
    home.init(Some("one"));
    for name in ["a", "b", "c"] {
        home.ok(
            &[
                "add",
                "--password-stdin",
                &link("X", name, name.len() as u64 + name.as_bytes()[0] as u64),
            ],
            "one\n",
        );
    }
    home.ok(
        &[
            "rename",
            "--password-stdin",
            "X: c",
            "--issuer",
            "Y",
            "--account",
            "carol",
        ],
        "one\n",
    );
    home.ok(&["move", "--password-stdin", "carol", "1"], "one\n");
    let names: Vec<String> = home
        .list("one\n")
        .iter()
        .map(|a| a["account"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["carol", "a", "b"]);
    let err = home.fail(&["remove", "--password-stdin", "carol"], "one\n");
    assert!(
        err.contains("needs a confirmation\nhint: confirm on a terminal, or pass --yes"),
        "{err}"
    );
    home.ok(&["remove", "--password-stdin", "carol", "--yes"], "one\n");
    assert_eq!(home.list("one\n").len(), 2);
    let err = home.fail(&["remove", "--password-stdin", "zzz", "--yes"], "one\n");
    assert_eq!(
        err,
        "sesame: no account matches \"zzz\"\nhint: `sesame list` shows the accounts\n"
    );

    home.ok(&["passwd", "--password-stdin"], "one\ntwo\n");
    home.fail(&["list", "--password-stdin"], "one\n");
    assert_eq!(home.list("two\n").len(), 2);
    let err = home.fail(&["passwd", "--password-stdin", "--remove"], "two\n");
    assert!(err.contains("anyone who can use this account"), "{err}");
    home.ok(
        &["passwd", "--password-stdin", "--remove", "--yes"],
        "two\n",
    );
    assert_eq!(home.list("").len(), 2);
}

/// Sequential `sesame add` runs from two processes at once lose nothing.
#[test]
fn two_processes_adding_100_accounts_each_end_with_200() {
    let home = Home::with_file_keystore();
    home.init(None);
    std::thread::scope(|scope| {
        for writer in 0..2u64 {
            let home = &home;
            scope.spawn(move || {
                for i in 0..100u64 {
                    let uri = link("Load", &format!("w{writer}-{i}"), writer * 1000 + i);
                    let out = home.std_sesame().args(["add", &uri]).output().unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            });
        }
    });
    assert_eq!(home.list("").len(), 200);
}

/// A tiny deterministic random source for kill timings (no extra dependency).
fn next_random(state: &AtomicU64) -> u64 {
    let mut x = state.load(Ordering::Relaxed);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    state.store(x, Ordering::Relaxed);
    x
}

fn count_accounts(home: &Home) -> usize {
    home.list("").len()
}

/// SIGKILL at random moments of hundreds of saves: the vault always opens and holds either
/// the old or the new content, never less.
#[test]
fn killing_a_saving_process_never_loses_data() {
    let home = Home::with_file_keystore();
    home.init(None);
    // A vault big enough that a save takes a while, so kills land inside it.
    let seed = home.dir.path().join("seed.txt");
    let lines: Vec<String> = (0..300)
        .map(|i| link("Seed", &format!("s{i}"), 50_000 + i))
        .collect();
    std::fs::write(&seed, lines.join("\n")).unwrap();
    home.ok(&["import", seed.to_str().unwrap()], "");
    let mut expected = count_accounts(&home);
    assert_eq!(expected, 300);

    // How long one add takes here, to spread the kills over it: the quickest of three, so
    // that a stall of a busy machine during one of them does not push most kills past
    // the end of the save.
    let full = (0..3u64)
        .map(|i| {
            let started = Instant::now();
            home.ok(&["add", &link("Crash", &format!("timing{i}"), 1 + i)], "");
            started.elapsed().as_micros() as u64
        })
        .min()
        .unwrap();
    expected += 3;

    let random = AtomicU64::new(0x9E37_79B9_7F4A_7C15);
    let (mut killed, mut finished) = (0, 0);
    for i in 0..250u64 {
        let uri = link("Crash", &format!("k{i}"), 1_000_000 + i);
        let mut child = home
            .std_sesame()
            .args(["add", &uri])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = next_random(&random) % (full + full / 5 + 1);
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        } else {
            killed += 1;
        }
        let now = count_accounts(&home);
        assert!(
            now == expected || now == expected + 1,
            "after kill {i}: {now} accounts, expected {expected} or {}",
            expected + 1
        );
        expected = now;
        assert!(
            !vault_dir_has_stray_vault(&home.vault_dir()),
            "a half-written vault was left as the vault"
        );
    }
    eprintln!("crash test: {killed} runs killed, {finished} finished; the vault opened every time");
    assert!(
        killed > 50,
        "too few kills landed ({killed}); the test would prove nothing"
    );
}

fn vault_dir_has_stray_vault(dir: &Path) -> bool {
    // Leftover temp files are fine (the next save replaces them); the vault itself must parse,
    // which count_accounts already proved. Here: no file other than the known ones.
    std::fs::read_dir(dir).unwrap().any(|e| {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        !matches!(
            name.as_str(),
            "vault" | "vault.bak" | "vault.tmp" | "vault.bak.tmp" | "vault.lock"
        )
    })
}

/// Every single-byte change and every truncation of a real vault file, opened with the
/// real file keystore: a typed error every time, never a panic or partial data.
#[test]
fn tampering_with_the_file_is_always_detected() {
    use sesame::keystore::{self, KeystoreChoice};
    use sesame::vault::{Vault, VaultError, VaultPaths};

    let home = Home::with_file_keystore();
    home.init(Some("pw"));
    home.ok(&["add", "--password-stdin", &link("T", "t", 7)], "pw\n");
    let choice: KeystoreChoice = home.keystore.parse().unwrap();
    let open = || {
        Vault::open(
            VaultPaths::in_dir(home.vault_dir()),
            keystore::open(&choice).unwrap(),
            Some("pw"),
        )
    };
    let path = home.vault_dir().join("vault");
    let original = std::fs::read(&path).unwrap();
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for i in 0..original.len() {
        for bit in [0x01u8, 0x80] {
            let mut bytes = original.clone();
            bytes[i] ^= bit;
            std::fs::write(&path, &bytes).unwrap();
            let err = open().expect_err("a changed byte must not open");
            let kind = format!("{err:?}")
                .split([' ', '{', '('])
                .next()
                .unwrap()
                .to_owned();
            *kinds.entry(kind).or_default() += 1;
            assert!(
                !matches!(err, VaultError::WrongPassword),
                "byte {i}: tampering reported as a wrong password"
            );
        }
    }
    for len in 0..original.len() {
        std::fs::write(&path, &original[..len]).unwrap();
        assert!(open().is_err(), "truncated to {len} bytes");
    }
    std::fs::write(&path, &original).unwrap();
    assert_eq!(open().unwrap().data().accounts.len(), 1);
    eprintln!(
        "tampering: {} bytes × 2 flips, errors by kind: {kinds:?}",
        original.len()
    );
}

#[test]
fn a_writer_waits_for_the_lock_holder() {
    use sesame::vault::{LockMode, VaultPaths, files};

    let home = Home::with_file_keystore();
    home.init(None);
    let paths = VaultPaths::in_dir(home.vault_dir());
    let held = files::lock(&paths, LockMode::Exclusive, Duration::ZERO).unwrap();
    let mut child = home
        .std_sesame()
        .args(["add", &link("L", "l", 1)])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the writer must wait while the lock is held"
    );
    drop(held);
    assert!(child.wait().unwrap().success());
    assert_eq!(home.list("").len(), 1);
}

/// `sesame import` of another app's export, as a script and a person use it: the summary
/// accounts for every entry (added, already present, skipped with why), a clash of name
/// with another secret is flagged, `--json` gives the same as data, and what it cannot
/// read fails with exit 2 and one line, adding nothing.
#[test]
fn an_import_accounts_for_every_entry_and_flags_conflicts() {
    let home = Home::with_file_keystore();
    home.init(Some("vault pw"));
    let pw = "vault pw\n";
    home.ok(
        &["add", "--password-stdin", &link("GitHub", "alice", 1)],
        pw,
    );
    home.ok(&["add", "--password-stdin", &link("Bank", "bob", 2)], pw);
    // An andOTP export: one already present, one clash (same name, another secret), one
    // new, and one mOTP entry Sesame cannot compute.
    let secret = |seed: u64| data_encoding::BASE32_NOPAD.encode(&seed.to_be_bytes().repeat(3));
    let entry = |issuer: &str, label: &str, secret: String, kind: &str| {
        serde_json::json!({
            "secret": secret, "issuer": issuer, "label": label, "digits": 6, "type": kind,
            "algorithm": "SHA1", "thumbnail": "Default", "last_used": 0, "used_frequency": 0,
            "period": 30, "tags": []
        })
    };
    let export = serde_json::json!([
        entry("GitHub", "alice", secret(1), "TOTP"),
        entry("Bank", "bob", secret(3), "TOTP"),
        entry("Mail", "carol", secret(4), "TOTP"),
        entry("Old", "dave", secret(5), "MOTP"),
    ]);
    let file = home.dir.path().join("otp_accounts.json");
    std::fs::write(&file, export.to_string()).unwrap();
    let file_arg = file.to_str().unwrap();

    let dry = home.ok(&["import", file_arg, "--dry-run", "--json"], "");
    let found: Vec<Value> = dry
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(found.len(), 3, "{dry}");
    assert_eq!(found[2]["issuer"], "Mail");
    assert_eq!(found[2]["secret_b32"], secret(4));
    assert_eq!(home.list(pw).len(), 2, "a dry run adds nothing");

    let out = home.ok(&["import", "--password-stdin", file_arg], pw);
    assert!(
        out.starts_with(&format!(
            "Imported 2 account(s) from {file_arg} (andOTP); 1 already present, 1 skipped; 4 of 4 entries accounted for."
        )),
        "{out}"
    );
    assert!(
        out.contains("conflict: Bank: bob was already in the vault with a different secret"),
        "{out}"
    );
    assert!(
        out.contains("skipped: Old: dave: mOTP codes are not supported"),
        "{out}"
    );
    assert_eq!(home.list(pw).len(), 4);

    let again = home.ok(&["import", "--password-stdin", "--json", file_arg], pw);
    let summary: Value = serde_json::from_str(again.trim()).unwrap();
    assert_eq!(summary["format"], "andotp");
    assert_eq!(summary["found"], 4);
    assert_eq!(summary["added"].as_array().unwrap().len(), 0);
    assert_eq!(summary["already_present"].as_array().unwrap().len(), 3);
    assert_eq!(summary["skipped"][0]["label"], "Old: dave");

    // What cannot be read: exit 2, one line, nothing added.
    let zip = home.dir.path().join("export.zip");
    std::fs::write(&zip, b"PK\x03\x04 not really").unwrap();
    let err = home.fail(&["import", "--password-stdin", zip.to_str().unwrap()], pw);
    assert!(
        err.contains("is a ZIP archive, not an export Sesame reads"),
        "{err}"
    );
    let err = home.fail(&["import", file_arg, "--format", "aegis", "--dry-run"], "");
    assert!(err.contains("this Aegis export is damaged"), "{err}");
    let err = home.fail(
        &["import", file_arg, "--format", "keepass", "--dry-run"],
        "",
    );
    assert!(err.contains("unknown format \"keepass\""), "{err}");
    assert_eq!(home.list(pw).len(), 4);
}

/// `add --secret-stdin` (issue 12 finding 13): the secret comes from the first line of
/// standard input, before the vault password, and never appears in the process's arguments.
#[test]
fn a_secret_read_from_stdin_is_added_like_a_typed_one() {
    let home = Home::with_file_keystore();
    home.init(Some("vault pw"));
    let out = home.ok(
        &[
            "add",
            "--password-stdin",
            "--secret-stdin",
            "--issuer",
            "AWS",
            "--account",
            "root",
        ],
        "jbsw y3dp ehpk 3pxp\nvault pw\n",
    );
    assert!(out.contains("AWS: root"), "{out}");
    let list = home.list("vault pw\n");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["issuer"], "AWS");
    let links = home.dir.path().join("links.txt");
    home.ok(
        &[
            "export",
            "--password-stdin",
            "--otpauth",
            links.to_str().unwrap(),
            "--plaintext",
        ],
        "vault pw\n",
    );
    let text = std::fs::read_to_string(&links).unwrap();
    assert!(text.contains("secret=JBSWY3DPEHPK3PXP"), "{text}");
    let err = home.fail(
        &["add", "--secret-stdin", "--issuer", "X", "--account", "y"],
        "",
    );
    assert!(
        err.contains("standard input ended before the secret was given"),
        "{err}"
    );
}

/// Issue 12 finding 3: an older vault file put back in place of the newest (here generation
/// 2 over 3, and `vault.bak`) is refused with a hint, changes nothing, and is opened only
/// with `--accept-rollback`; the newest file put back has everything.
#[test]
fn an_older_vault_file_put_back_is_refused_until_accept_rollback() {
    let home = Home::with_os_keystore();
    home.init(None);
    let file = home.vault_dir().join("vault");
    home.ok(&["add", &link("GitHub", "alice", 1)], "");
    let second = std::fs::read(&file).unwrap();
    home.ok(&["add", &link("GitLab", "bob", 2)], "");
    let third = std::fs::read(&file).unwrap();

    std::fs::write(&file, &second).unwrap();
    let err = home.fail(&["list"], "");
    assert!(
        err.contains("older copy (save 2; this device last saved 3)")
            && err.contains("--accept-rollback"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    let err = home.fail(&["add", &link("Site", "carol", 3)], "");
    assert!(err.contains("older copy"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), second, "nothing written");
    std::fs::copy(home.vault_dir().join("vault.bak"), &file).unwrap();
    assert!(home.fail(&["code", "alice"], "").contains("older copy"));

    // Nothing lost: the newest file put back lists both accounts.
    std::fs::write(&file, &third).unwrap();
    assert_eq!(home.list("").len(), 2);

    // Accepted deliberately, generation 2 opens, and is from then on the newest.
    std::fs::write(&file, &second).unwrap();
    let accepted: Vec<Value> = home
        .ok(&["list", "--json", "--accept-rollback"], "")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["account"], "alice");
    home.ok(&["add", &link("Site", "carol", 3)], "");
    assert_eq!(home.list("").len(), 2);
}
