//! The device keystore against a real Secret Service (GNOME Keyring in a private D-Bus
//! session). Run through `scripts/with-secret-service cargo test --test keystore` (or
//! `make test`); without a session bus these tests fail rather than pass unchecked.
//!
//! Tests that need a Secret Service in a particular state (unreachable, missing, locked)
//! run this test binary again as a child process with the environment they need: the
//! `child_*` tests are those children and do nothing when run directly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sesame::keystore::{
    DEVICE_SECRET_LEN, DeviceSecret, Keystore, KeystoreChoice, KeystoreError, OsKeystore, open,
};

const HOW_TO_RUN: &str = "these tests need a D-Bus session with an unlocked Secret Service: run them as `scripts/with-secret-service cargo test --test keystore` or `make test`";
/// Set for a child process; names the child test's scenario.
const CHILD_ENV: &str = "SESAME_KEYSTORE_TEST_CHILD";
/// What a child prints for its parent to check.
const RESULT_MARK: &str = "KEYSTORE-RESULT:";

/// The Secret Service of the session these tests run in; fails the test without one.
fn secret_service() -> Box<dyn Keystore> {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|a| a.is_empty()) {
        panic!("DBUS_SESSION_BUS_ADDRESS is not set: {HOW_TO_RUN}");
    }
    match open(&KeystoreChoice::Os) {
        Ok(keystore) => keystore,
        Err(e) => panic!("{e}\n{HOW_TO_RUN}"),
    }
}

/// A fresh random vault id, and its entry removed when the test ends.
struct VaultId(String);

impl VaultId {
    fn new() -> Self {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).unwrap();
        VaultId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl Drop for VaultId {
    fn drop(&mut self) {
        if let Ok(keystore) = OsKeystore::open() {
            let _ = keystore.delete(&self.0);
        }
    }
}

#[test]
fn store_then_load_round_trips() {
    let keystore = secret_service();
    let id = VaultId::new();
    let secret = DeviceSecret::generate().unwrap();
    keystore.store(&id.0, &secret).unwrap();
    assert_eq!(keystore.load(&id.0).unwrap(), Some(secret.clone()));

    // A second connection (another process, later) finds the same secret.
    let again = OsKeystore::open().unwrap();
    assert_eq!(again.load(&id.0).unwrap(), Some(secret));
}

#[test]
fn a_missing_vault_loads_as_none() {
    let keystore = secret_service();
    let id = VaultId::new();
    assert_eq!(keystore.load(&id.0).unwrap(), None);
}

#[test]
fn delete_removes_and_tolerates_absence() {
    let keystore = secret_service();
    let id = VaultId::new();
    keystore.delete(&id.0).unwrap();
    keystore
        .store(&id.0, &DeviceSecret::generate().unwrap())
        .unwrap();
    keystore.delete(&id.0).unwrap();
    assert_eq!(keystore.load(&id.0).unwrap(), None);
    keystore.delete(&id.0).unwrap();
    assert_eq!(secret_tool_search(&id.0), "", "nothing left behind");
}

#[test]
fn two_vaults_are_independent() {
    let keystore = secret_service();
    let (a, b) = (VaultId::new(), VaultId::new());
    let (secret_a, secret_b) = (
        DeviceSecret::generate().unwrap(),
        DeviceSecret::generate().unwrap(),
    );
    keystore.store(&a.0, &secret_a).unwrap();
    keystore.store(&b.0, &secret_b).unwrap();
    assert_eq!(keystore.load(&a.0).unwrap(), Some(secret_a));
    assert_eq!(keystore.load(&b.0).unwrap(), Some(secret_b.clone()));
    keystore.delete(&a.0).unwrap();
    assert_eq!(keystore.load(&a.0).unwrap(), None);
    assert_eq!(keystore.load(&b.0).unwrap(), Some(secret_b));
}

#[test]
fn store_overwrites_without_duplicating() {
    let keystore = secret_service();
    let id = VaultId::new();
    let first = DeviceSecret::from_bytes([1; DEVICE_SECRET_LEN]);
    let second = DeviceSecret::from_bytes([2; DEVICE_SECRET_LEN]);
    keystore.store(&id.0, &first).unwrap();
    keystore.store(&id.0, &second).unwrap();
    assert_eq!(keystore.load(&id.0).unwrap(), Some(second));
    let found = secret_tool_search(&id.0);
    assert_eq!(found.matches("[/").count(), 1, "one item:\n{found}");
}

#[test]
fn entries_are_labelled_for_people() {
    let keystore = secret_service();
    let id = VaultId::new();
    keystore
        .store(&id.0, &DeviceSecret::generate().unwrap())
        .unwrap();
    let found = secret_tool_search(&id.0);
    assert!(
        found.contains(&format!("label = Sesame vault device key ({})", id.0)),
        "{found}"
    );
    assert!(found.contains("attribute.service = sesame"), "{found}");
    assert!(
        found.contains(&format!("attribute.username = vault:{}", id.0)),
        "{found}"
    );
    assert!(
        keystore.describe().contains("Secret Service"),
        "{}",
        keystore.describe()
    );
}

#[test]
fn a_value_of_the_wrong_length_is_corrupt() {
    let keystore = secret_service();
    let id = VaultId::new();
    // Another program wrote something else under our entry.
    secret_tool(
        &[
            "store",
            "--label=not a device key",
            "service",
            "sesame",
            "username",
            &format!("vault:{}", id.0),
        ],
        b"short",
    );
    let err = keystore.load(&id.0).unwrap_err();
    assert!(matches!(err, KeystoreError::Corrupt { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("5 bytes instead of 32"), "{message}");
    assert!(
        message.contains("restore them from a backup export"),
        "{message}"
    );
    assert!(
        !message.contains("short"),
        "never shows the value: {message}"
    );
    // It can be replaced by a good one.
    let secret = DeviceSecret::generate().unwrap();
    keystore.store(&id.0, &secret).unwrap();
    assert_eq!(keystore.load(&id.0).unwrap(), Some(secret));
}

#[test]
fn invalid_vault_ids_never_reach_the_keyring() {
    let keystore = secret_service();
    for bad in ["", "ABC", "vault:1", "*"] {
        assert!(
            matches!(
                keystore.load(bad),
                Err(KeystoreError::InvalidVaultId { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn an_unreachable_session_bus_is_unavailable_with_advice() {
    let message = run_child(
        "open",
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")],
        None,
    );
    assert_unavailable(&message);
}

#[test]
fn a_session_bus_without_a_secret_service_is_unavailable_with_advice() {
    let bus = PrivateBus::start();
    let message = run_child("open", &[("DBUS_SESSION_BUS_ADDRESS", &bus.address)], None);
    assert_unavailable(&message);
}

#[test]
fn a_locked_keyring_says_it_is_locked() {
    // In a session of its own, since locking the login keyring would disturb other tests.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/with-secret-service");
    let message = run_child("locked", &[], Some(&script));
    assert!(message.starts_with("Locked:"), "{message}");
    assert!(message.contains("is locked"), "{message}");
    assert!(message.contains("unlock it"), "{message}");
}

fn assert_unavailable(message: &str) {
    assert!(message.starts_with("Unavailable:"), "{message}");
    for words in [
        "the Secret Service (GNOME Keyring, KWallet…) is not available",
        "start a Secret Service (e.g. GNOME Keyring or KeePassXC) in your session, or choose a file keystore (weaker: the binding is then only as strong as that file)",
    ] {
        assert!(message.contains(words), "{message}");
    }
    // The core names no command-line option; the CLI adds `--keystore` in its hint.
    assert!(!message.contains("--"), "{message}");
}

// --- children -----------------------------------------------------------------------

/// Runs `child_keystore` in a new process with `env`, optionally wrapped in `wrapper`, and
/// returns what it reported.
fn run_child(scenario: &str, env: &[(&str, &str)], wrapper: Option<&Path>) -> String {
    let test_binary = std::env::current_exe().unwrap();
    let mut command = match wrapper {
        Some(wrapper) => {
            let mut command = Command::new(wrapper);
            command.arg(&test_binary);
            command
        }
        None => Command::new(&test_binary),
    };
    command
        .args(["child_keystore", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_ENV, scenario);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("run the test binary again");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child {scenario} failed: {}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(RESULT_MARK))
        .unwrap_or_else(|| panic!("child {scenario} reported nothing:\n{stdout}"))
        .trim()
        .to_owned()
}

/// The child side of [`run_child`]; does nothing unless run by it.
#[test]
#[ignore = "run by other tests in a child process"]
fn child_keystore() {
    let Ok(scenario) = std::env::var(CHILD_ENV) else {
        return;
    };
    let result = match scenario.as_str() {
        "open" => OsKeystore::open().map(|_| ()),
        "locked" => locked_load(),
        other => panic!("unknown scenario {other}"),
    };
    let report = match result {
        Ok(()) => "Ok".to_owned(),
        Err(e) => format!("{}: {e}", variant(&e)),
    };
    println!("{RESULT_MARK} {}", report.replace('\n', " "));
}

/// Stores a secret, locks the login collection, and loads the secret again.
fn locked_load() -> Result<(), KeystoreError> {
    let keystore = secret_service();
    let id = VaultId::new();
    keystore.store(&id.0, &DeviceSecret::generate().unwrap())?;
    let status = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .stdout(std::process::Stdio::null())
        .status()
        .expect("dbus-send (Debian package dbus-bin) runs");
    assert!(status.success(), "locking the login collection failed");
    // No prompter can be shown here, so the unlock prompt is dismissed.
    let fresh = OsKeystore::open()?;
    fresh.load(&id.0).map(|_| ())
}

fn variant(error: &KeystoreError) -> &'static str {
    match error {
        KeystoreError::Unavailable { .. } => "Unavailable",
        KeystoreError::Locked { .. } => "Locked",
        KeystoreError::Access { .. } => "Access",
        KeystoreError::Corrupt { .. } => "Corrupt",
        _ => "Other",
    }
}

// --- helpers ------------------------------------------------------------------------

/// `secret-tool search --all service sesame username vault:<id>` (attributes and labels).
fn secret_tool_search(id: &str) -> String {
    let output = secret_tool(
        &[
            "search",
            "--all",
            "service",
            "sesame",
            "username",
            &format!("vault:{id}"),
        ],
        b"",
    );
    // secret-tool prints the item path, label and secret on stdout, the attributes on
    // stderr. The secret stays out of what we return.
    let mut found: String = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.starts_with("secret = "))
        .map(|line| format!("{line}\n"))
        .collect();
    found.push_str(&String::from_utf8_lossy(&output.stderr));
    found
}

fn secret_tool(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new("secret-tool")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("secret-tool (Debian package libsecret-tools) runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success() || args[0] == "search",
        "secret-tool {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A D-Bus session bus with no services at all (no activation directories), so nothing
/// provides `org.freedesktop.secrets` on it.
struct PrivateBus {
    address: String,
    daemon: std::process::Child,
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    fn start() -> Self {
        use std::io::{BufRead, BufReader};
        let dir = tempfile::tempdir().unwrap();
        let config: PathBuf = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("dbus-daemon (Debian package dbus-daemon) runs");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        assert!(address.starts_with("unix:"), "dbus-daemon said {address:?}");
        PrivateBus {
            address: address.trim().to_owned(),
            daemon,
            _dir: dir,
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}
