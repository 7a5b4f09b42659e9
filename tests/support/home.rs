//! A user's environment for CLI tests: a vault folder and a keystore, and the `sesame`
//! binary run against them (tests/vault.rs, tests/soak.rs, tests/sync.rs, tests/cognito.rs).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command as StdCommand;

use assert_cmd::Command;
use serde_json::Value;
use sesame::keystore::{self, KeystoreChoice};
use sesame::vault::{Vault, VaultPaths};

/// A user's environment: a vault folder and a keystore.
pub struct Home {
    pub dir: tempfile::TempDir,
    pub keystore: String,
}

impl Home {
    /// A home whose device key lives in a private file keystore.
    pub fn with_file_keystore() -> Home {
        let dir = tempfile::tempdir().unwrap();
        let keystore = format!("file:{}", dir.path().join("device-keys").display());
        Home { dir, keystore }
    }

    /// A home with a private file keystore and a new vault without a password.
    pub fn with_vault() -> Home {
        let home = Home::with_file_keystore();
        home.init(None);
        home
    }

    /// A home whose device key lives in the session's Secret Service.
    pub fn with_os_keystore() -> Home {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "these tests need a Secret Service: run them with `make test` or `scripts/with-secret-service cargo test`"
        );
        Home {
            dir: tempfile::tempdir().unwrap(),
            keystore: "os".into(),
        }
    }

    pub fn vault_dir(&self) -> PathBuf {
        self.dir.path().join("sesame")
    }

    pub fn sesame(&self) -> Command {
        let mut cmd = Command::cargo_bin("sesame").unwrap();
        cmd.env("SESAME_HOME", self.vault_dir())
            .env("SESAME_KEYSTORE", &self.keystore);
        cmd
    }

    pub fn std_sesame(&self) -> StdCommand {
        let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("sesame"));
        cmd.env("SESAME_HOME", self.vault_dir())
            .env("SESAME_KEYSTORE", &self.keystore);
        cmd
    }

    /// `sesame init` with a cheap KDF (the default is calibrated to ~0.5 s per unlock).
    pub fn init(&self, password: Option<&str>) {
        let mut cmd = self.sesame();
        cmd.arg("init");
        match password {
            Some(pw) => cmd
                .args([
                    "--password-stdin",
                    "--kdf-memory-mib",
                    "8",
                    "--kdf-passes",
                    "1",
                ])
                .write_stdin(format!("{pw}\n")),
            None => cmd.arg("--no-password"),
        };
        cmd.assert().success();
    }

    /// Runs `sesame args` with `stdin`, whatever its exit code.
    pub fn run(&self, args: &[&str], stdin: &str) -> std::process::Output {
        self.sesame()
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap()
    }

    /// Runs `sesame args`, which must succeed; its stdout.
    pub fn ok(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "sesame {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `sesame args`, which must fail with exit code 2 and print nothing; its stderr.
    pub fn fail(&self, args: &[&str], stdin: &str) -> String {
        let out = self.run(args, stdin);
        assert_eq!(out.status.code(), Some(2), "sesame {args:?} should fail");
        assert!(out.stdout.is_empty());
        String::from_utf8(out.stderr).unwrap()
    }

    /// `sesame codes --json`, one object per account (a vault without a password).
    pub fn codes(&self) -> Vec<Value> {
        self.ok(&["codes", "--json"], "")
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// The vault itself, opened with this home's keystore (a vault without a password).
    pub fn vault(&self) -> Vault {
        let keystore: KeystoreChoice = self.keystore.parse().unwrap();
        Vault::open(
            VaultPaths::in_dir(self.vault_dir()),
            keystore::open(&keystore).unwrap(),
            None,
        )
        .unwrap()
    }

    pub fn list(&self, stdin: &str) -> Vec<Value> {
        let mut args = vec!["list", "--json"];
        if !stdin.is_empty() {
            args.push("--password-stdin");
        }
        self.ok(&args, stdin)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

pub fn link(issuer: &str, name: &str, seed: u64) -> String {
    let secret = data_encoding::BASE32_NOPAD.encode(&seed.to_be_bytes().repeat(3));
    format!("otpauth://totp/{issuer}:{name}?secret={secret}&issuer={issuer}")
}
