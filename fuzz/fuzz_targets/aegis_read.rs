//! Any bytes as an Aegis vault: the reader must return a typed error or the entries, never
//! panic. An encrypted vault's slots may ask for scrypt work up to the import ceilings, so
//! some inputs are slow by design.
//!
//! Seed corpus (`fuzz/corpus/` is git-ignored), from the repository root:
//!
//! ```text
//! SESAME_FUZZ_SEEDS=$PWD/fuzz/corpus/aegis_read cargo +nightly fuzz run aegis_read -- -runs=0
//! ```
//!
//! writes Sesame's own Aegis exports of three accounts, plain and encrypted with
//! [`PASSWORD`].
#![no_main]

use std::path::Path;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use sesame::account::{Account, StoredAccount};
use sesame::import::{self, Format, Options};
use sesame::{Algorithm, Params, Secret};

/// The password every input is read with.
const PASSWORD: &str = "pw";

/// Writes the seed corpus into `out`.
fn write_seeds(out: &Path) {
    std::fs::create_dir_all(out).expect("create the corpus folder");
    let account = |name: &str, params: Params| {
        let secret = Secret::from_bytes(name.bytes().cycle().take(20).collect());
        let account = Account::new(Some("Example"), name, secret, params);
        StoredAccount::new(account, 1_700_000_000_000)
    };
    let mut accounts = [
        account("alice", Params::default()),
        account("bob", Params::hotp(Algorithm::SHA256, 8, 7)),
        account("carol", Params::steam()),
    ];
    accounts[0].tags = vec!["work".into()];
    accounts[1].note = Some("a note".into());
    for (name, password) in [("plain", None), ("encrypted", Some(PASSWORD))] {
        let export = import::aegis_json(&accounts, password);
        std::fs::write(out.join(name), &*export.bytes).expect("write a seed");
    }
    eprintln!("wrote the aegis_read seeds to {}", out.display());
}

fuzz_target!(|data: &[u8]| {
    static SEEDS: Once = Once::new();
    SEEDS.call_once(|| {
        if let Some(out) = std::env::var_os("SESAME_FUZZ_SEEDS") {
            write_seeds(Path::new(&out));
        }
    });
    let options = Options {
        format: Some(Format::Aegis),
        password: Some(PASSWORD),
    };
    let _ = import::read_bytes(data, "fuzz input", options);
});
