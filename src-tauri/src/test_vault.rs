//! Test fixture for the commands' unit tests: app state with an unlocked vault (file
//! keystore, in a temporary folder) holding one TOTP account.

use sesame::account::AccountId;
use sesame::keystore::{self, KeystoreChoice};
use sesame::vault::{Added, KdfCost, Vault, VaultPaths};

use crate::state::AppState;

/// The folder (kept alive by the caller), the unlocked state, and the account's id.
pub(crate) fn unlocked(password: Option<&str>) -> (tempfile::TempDir, AppState, AccountId) {
    unlocked_with_cost(password, KdfCost::DEFAULT)
}

/// Like [`unlocked`], with the password's key derived at `cost` (tests that unlock the
/// vault again pass [`KdfCost::MIN`]).
pub(crate) fn unlocked_with_cost(
    password: Option<&str>,
    cost: KdfCost,
) -> (tempfile::TempDir, AppState, AccountId) {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path().join("sesame"));
    let keys = KeystoreChoice::File(dir.path().join("keys"));
    paths.create_dir().unwrap();
    let mut vault = Vault::create(
        paths.clone(),
        keystore::open(&keys).unwrap(),
        password,
        cost,
    )
    .unwrap();
    let account = sesame::uri::parse("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP")
        .unwrap()
        .account
        .clone();
    let id = match vault.update(|d| Ok(d.add(account, 0))).unwrap() {
        Added::New(id) => id,
        other => panic!("{other:?}"),
    };
    let state = AppState::new(paths, keys);
    state.session().vault = Some(vault);
    (dir, state, id)
}
