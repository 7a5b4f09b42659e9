//! The vault on real files with a real file keystore: unlocking (Argon2id at the default
//! and at the calibrated cost), opening and listing 1,000 accounts, and saving them.
//!
//! Targets from the issue: open + list under 5 ms, save under 20 ms before fsync. A save
//! through [`Vault::update`] always fsyncs, so the in-memory half of a save (what `write`
//! does before touching the disk) is measured on its own as well.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use sesame::account::Account;
use sesame::keystore::FileKeystore;
use sesame::vault::{self, KdfCost, Vault, VaultPaths};
use sesame::{Algorithm, Params, Secret};

const PASSWORD: &str = "correct horse battery staple";
const ACCOUNTS: usize = 1000;

/// A vault folder and its file keystore, removed when dropped.
struct Fixture {
    _dir: tempfile::TempDir,
    paths: VaultPaths,
    keystore: PathBuf,
}

impl Fixture {
    /// An empty vault with `password` at `cost`. Lives under Cargo's target folder, so on
    /// a real disk (fsync is nearly free on a tmpfs).
    fn new(password: Option<&str>, cost: KdfCost) -> Fixture {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let paths = VaultPaths::in_dir(dir.path().join("vault"));
        let keystore = dir.path().join("keys");
        Vault::create(paths.clone(), keystore_at(&keystore), password, cost).unwrap();
        Fixture {
            _dir: dir,
            paths,
            keystore,
        }
    }

    fn open(&self, password: Option<&str>) -> Vault {
        Vault::open(self.paths.clone(), keystore_at(&self.keystore), password).unwrap()
    }
}

fn keystore_at(path: &Path) -> Box<FileKeystore> {
    Box::new(FileKeystore::new(path.to_owned()))
}

/// `n` accounts with mixed algorithms and realistic labels.
fn accounts(n: usize) -> Vec<Account> {
    let algorithms = [Algorithm::SHA1, Algorithm::SHA256, Algorithm::SHA512];
    (0..n)
        .map(|i| Account {
            issuer: Some(format!("Issuer {}", i % 97)),
            name: format!("user{i}@example.com"),
            secret: Secret::from_bytes((0..20).map(|b| (b * 7 + i) as u8).collect()),
            params: Params::totp(algorithms[i % 3], 6 + (i % 3) as u8, 30),
        })
        .collect()
}

/// A password-less vault holding [`ACCOUNTS`] accounts.
fn full_vault() -> Fixture {
    let fixture = Fixture::new(None, KdfCost::DEFAULT);
    fixture
        .open(None)
        .update(|d| {
            for (i, account) in accounts(ACCOUNTS).into_iter().enumerate() {
                d.add(account, 1_700_000_000_000 + i as u64);
            }
            Ok(())
        })
        .unwrap();
    fixture
}

/// Unlocking a password-protected vault: dominated by one Argon2id derivation.
fn unlock(c: &mut Criterion) {
    let calibrated = vault::calibrate(Duration::from_millis(500));
    eprintln!(
        "calibrated cost for 500 ms: {} KiB, {} passes, {} lane(s)",
        calibrated.memory_kib, calibrated.iterations, calibrated.lanes
    );
    let mut group = c.benchmark_group("unlock");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(10));
    let default = Fixture::new(Some(PASSWORD), KdfCost::DEFAULT);
    group.bench_function("at the default cost (64 MiB, 3 passes)", |b| {
        b.iter(|| default.open(Some(PASSWORD)))
    });
    let tuned = Fixture::new(Some(PASSWORD), calibrated);
    group.bench_function("at the calibrated cost (500 ms target)", |b| {
        b.iter(|| tuned.open(Some(PASSWORD)))
    });
    group.finish();
}

/// Opening a password-less vault (no KDF) and listing its labels.
fn open_and_list(c: &mut Criterion) {
    let fixture = full_vault();
    c.bench_function("open + list, 1000 accounts, no password", |b| {
        b.iter(|| {
            let vault = fixture.open(None);
            for stored in &vault.data().accounts {
                black_box(stored.account.label());
            }
            vault
        })
    });
}

/// Saving: one change through `Vault::update` (lock, re-read, write, fsync, rename), and
/// the in-memory part of a save on its own.
fn save(c: &mut Criterion) {
    let fixture = full_vault();
    let mut vault = fixture.open(None);
    let id = vault.data().accounts[ACCOUNTS / 2].id.clone();
    let mut now = 1_800_000_000_000u64;
    c.bench_function(
        "save, 1000 accounts, no password (update, with fsync)",
        |b| {
            b.iter(|| {
                now += 1;
                vault.update(|d| d.touch(&id, now)).unwrap();
            })
        },
    );

    // What `write` does before the disk: header MAC, payload JSON, XChaCha20-Poly1305.
    c.bench_function(
        "save 1000 accounts, serialize + encrypt (before fsync)",
        |b| b.iter(|| black_box(&vault).encoded().unwrap()),
    );
}

criterion_group!(benches, open_and_list, save, unlock);
criterion_main!(benches);
