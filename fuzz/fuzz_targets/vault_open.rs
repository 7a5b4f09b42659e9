//! Arbitrary bytes as a vault file: `Vault::info` and `Vault::open` must return a typed
//! error or an unlocked vault, never panic.
//!
//! The vault is opened with a real `FileKeystore` that holds the device secret of one
//! fixed vault id ([`VAULT_ID`]), so inputs carrying that id get past the keystore lookup
//! into the device check, the header MAC, the KDF, the key unwrap and the decryption.
//!
//! The first input byte picks a mode (`byte % 3`); the rest is:
//! - `0`: a vault file, opened without a password (no Argon2: fast);
//! - `1`: a vault file, opened with [`PASSWORD`] when its header asks for no more than
//!   `KdfCost::MIN` (one 8 MiB pass), else without (so the fuzzer stays fast);
//! - `2`: the decrypted payload (JSON): sealed into a valid vault for the fixed id, then
//!   opened, so the payload decoding behind the MAC and the AEAD is fuzzed too.
//!
//! Seed corpus (`fuzz/corpus/` is git-ignored), from the repository root:
//!
//! ```text
//! SESAME_FUZZ_SEEDS=$PWD/fuzz/corpus/vault_open cargo +nightly fuzz run vault_open -- -runs=0
//! ```
//!
//! writes real vaults for the fixed id (no password; a `KdfCost::MIN` password; empty),
//! one bound to another device, and two payloads. The seeds are saved by `Vault::update`
//! and `Vault::set_password`; only the first, empty generation is put together here.
//!
//! Each fuzzing process leaves a small folder `sesame-fuzz-vault-<pid>` in the temp folder.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sesame::account::Account;
use sesame::keystore::{DeviceSecret, FileKeystore, Keystore};
use sesame::vault::{KdfCost, Vault, VaultPaths, fuzzing};
use sesame::{Algorithm, Params, Secret};

/// The vault id the keystore knows.
const VAULT_ID: &str = "5e5a3e0f0dd5eed05e5a3e0f0dd5eed0";
/// Its device secret.
const DEVICE: [u8; 32] = *b"sesame fuzzing device secret ..!";
/// The password of password-protected seeds.
const PASSWORD: &str = "fuzz";

/// The folder the input is written to, and the keystore.
struct Setup {
    paths: VaultPaths,
    keystore: PathBuf,
}

/// A vault file for [`VAULT_ID`] whose payload is `payload` (built by the library).
fn seal(payload: &[u8]) -> Vec<u8> {
    fuzzing::seal(&DEVICE, VAULT_ID, payload)
}

fn keystore(path: &Path) -> Box<dyn Keystore> {
    Box::new(FileKeystore::new(path.to_owned()))
}

fn setup() -> Setup {
    let dir = std::env::temp_dir().join(format!("sesame-fuzz-vault-{}", std::process::id()));
    let paths = VaultPaths::in_dir(dir.join("vault"));
    let keystore_path = dir.join("keys");
    paths.create_dir().expect("create the fuzzing folder");
    keystore(&keystore_path)
        .store(VAULT_ID, &DeviceSecret::from_bytes(DEVICE))
        .expect("store the fixed device secret");
    // Mode 2 would only ever see "tampered" if the sealed vault did not open.
    std::fs::write(&paths.vault, seal(b"{}")).expect("write the vault");
    Vault::open(paths.clone(), keystore(&keystore_path), None)
        .expect("sesame::vault::fuzzing::seal no longer builds a vault that opens");
    let setup = Setup {
        paths,
        keystore: keystore_path,
    };
    if let Some(out) = std::env::var_os("SESAME_FUZZ_SEEDS") {
        write_seeds(&setup, Path::new(&out));
    }
    setup
}

/// Writes the seed corpus into `out` (see the module documentation).
fn write_seeds(setup: &Setup, out: &Path) {
    std::fs::create_dir_all(out).expect("create the corpus folder");
    let save = |name: &str, mode: u8, bytes: &[u8]| {
        let mut seed = vec![mode];
        seed.extend_from_slice(bytes);
        std::fs::write(out.join(name), seed).expect("write a seed");
    };
    let read = || std::fs::read(&setup.paths.vault).expect("read the vault");
    let open = |password| {
        Vault::open(setup.paths.clone(), keystore(&setup.keystore), password).expect("open")
    };

    std::fs::write(&setup.paths.vault, seal(b"{}")).expect("write the vault");
    save("empty", 0, &read());
    save("payload-empty", 2, b"{}");

    let mut vault = open(None);
    vault
        .update(|d| {
            for account in seed_accounts() {
                d.add(account, 1_700_000_000_000);
            }
            let id = d.accounts[0].id.clone();
            d.touch(&id, 1_700_000_100_000)?;
            d.accounts[1].tags = vec!["work".into(), "vpn".into()];
            d.accounts[1].note = Some("recovery codes in the safe".into());
            d.accounts[2].icon = Some("steam".into());
            Ok(())
        })
        .expect("add the seed accounts");
    let bytes = read();
    save("accounts", 0, &bytes);
    // The same contents, decrypted: a real payload for mode 2.
    let payload = fuzzing::open(&DEVICE, VAULT_ID, &bytes)
        .expect("the seed decrypts with the fixed master key");
    save("payload-accounts", 2, &payload);

    vault
        .set_password(Some(PASSWORD), KdfCost::MIN)
        .expect("set the seed password");
    drop(vault);
    open(Some(PASSWORD));
    save("password", 1, &read());
    save("password-missing", 0, &read());

    // A vault whose device secret this keystore does not hold.
    let elsewhere = setup.paths.dir.join("elsewhere");
    let other = VaultPaths::in_dir(elsewhere.join("vault"));
    Vault::create(
        other.clone(),
        keystore(&elsewhere.join("keys")),
        None,
        KdfCost::MIN,
    )
    .expect("create a vault bound elsewhere");
    save(
        "other-device",
        0,
        &std::fs::read(&other.vault).expect("read"),
    );
    eprintln!("wrote the vault_open seeds to {}", out.display());
}

fn seed_accounts() -> Vec<Account> {
    let secret = |n: u8| Secret::from_bytes((0..20).map(|b| b * 11 + n).collect());
    vec![
        Account {
            issuer: Some("Example".into()),
            name: "alice@example.com".into(),
            secret: secret(1),
            params: Params::default(),
        },
        Account {
            issuer: None,
            name: "vpn".into(),
            secret: secret(2),
            params: Params::hotp(Algorithm::SHA256, 8, 42),
        },
        Account {
            issuer: Some("Steam".into()),
            name: "gamer".into(),
            secret: secret(3),
            params: Params::steam(),
        },
        Account {
            issuer: Some("Bank".into()),
            name: "".into(),
            secret: secret(4),
            params: Params::totp(Algorithm::SHA512, 7, 60),
        },
    ]
}

/// Whether unlocking `file` with a password costs at most one `KdfCost::MIN` derivation.
fn cheap_kdf(file: &[u8]) -> bool {
    fuzzing::password_cost(file).is_none_or(|cost| {
        cost.memory_kib <= KdfCost::MIN.memory_kib && cost.iterations <= KdfCost::MIN.iterations
    })
}

fuzz_target!(|data: &[u8]| {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    let setup = SETUP.get_or_init(setup);
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (file, password) = match mode % 3 {
        0 => (rest.to_vec(), None),
        1 => (rest.to_vec(), cheap_kdf(rest).then_some(PASSWORD)),
        _ => (seal(rest), None),
    };
    std::fs::write(&setup.paths.vault, &file).expect("write the vault");
    let _ = Vault::info(&setup.paths);
    if let Ok(vault) = Vault::open(setup.paths.clone(), keystore(&setup.keystore), password) {
        // What listing the vault does with what came out.
        for stored in &vault.data().accounts {
            let _ = stored.account.label();
            if let Ok(otp) = stored.account.otp() {
                let _ = otp.code_at(1_700_000_000);
            }
        }
    }
});
