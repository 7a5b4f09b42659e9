//! Any bytes as a Sesame backup: `open_backup` must return a typed error or the accounts,
//! never panic. A header may ask for any Argon2id cost up to `KdfCost::BACKUP_MAX`; inputs
//! whose (valid) cost is above `KdfCost::MIN` are only checked up to the key derivation
//! (`kdf_cost`), so that one input cannot hold the fuzzer for seconds. Costs out of bounds
//! are refused before any derivation, so those still go through `open_backup`.
//!
//! Seed corpus (`fuzz/corpus/` is git-ignored), from the repository root:
//!
//! ```text
//! SESAME_FUZZ_SEEDS=$PWD/fuzz/corpus/backup_open cargo +nightly fuzz run backup_open -- -runs=0
//! ```
//!
//! writes backups sealed with [`PASSWORD`] at `KdfCost::MIN` (empty, and three accounts).
#![no_main]

use std::path::Path;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use sesame::account::{Account, StoredAccount};
use sesame::backup::{is_backup, kdf_cost, open_backup, seal_backup};
use sesame::vault::KdfCost;
use sesame::{Algorithm, Params, Secret};

/// The password every input is opened with.
const PASSWORD: &str = "pw";

/// Writes the seed corpus into `out`.
fn write_seeds(out: &Path) {
    std::fs::create_dir_all(out).expect("create the corpus folder");
    let account = |name: &str, params: Params| {
        let secret = Secret::from_bytes(name.bytes().cycle().take(20).collect());
        let account = Account {
            issuer: Some("Example".into()),
            name: name.into(),
            secret,
            params,
        };
        StoredAccount::new(account, 1_700_000_000_000)
    };
    let mut accounts = [
        account("alice", Params::default()),
        account("bob", Params::hotp(Algorithm::SHA256, 8, 7)),
        account("carol", Params::steam()),
    ];
    accounts[0].tags = vec!["work".into()];
    accounts[1].note = Some("a note".into());
    for (name, accounts) in [("empty", &[][..]), ("accounts", &accounts[..])] {
        let bytes = seal_backup(accounts, PASSWORD, KdfCost::MIN).expect("seal a seed");
        assert_eq!(
            open_backup(&bytes, PASSWORD).expect("open a seed"),
            accounts
        );
        std::fs::write(out.join(name), bytes).expect("write a seed");
    }
    eprintln!("wrote the backup_open seeds to {}", out.display());
}

fuzz_target!(|data: &[u8]| {
    static SEEDS: Once = Once::new();
    SEEDS.call_once(|| {
        if let Some(out) = std::env::var_os("SESAME_FUZZ_SEEDS") {
            write_seeds(Path::new(&out));
        }
    });
    let looks_like_one = is_backup(data);
    let costly = kdf_cost(data).is_some_and(|cost| {
        cost.check_backup().is_ok()
            && (cost.memory_kib > KdfCost::MIN.memory_kib
                || cost.iterations > KdfCost::MIN.iterations
                || cost.lanes > KdfCost::MIN.lanes)
    });
    if costly {
        return;
    }
    let opened = open_backup(data, PASSWORD);
    assert!(
        looks_like_one || opened.is_err(),
        "opened something without the magic"
    );
});
