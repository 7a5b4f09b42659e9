//! Files written by earlier Sesames must keep opening: the vault and backup files in
//! `tests/data/files/` (see its README) were written once and are never regenerated.

use std::path::{Path, PathBuf};

use sesame::account::StoredAccount;
use sesame::backup::open_backup;
use sesame::keystore::{DeviceSecret, FileKeystore, Keystore};
use sesame::vault::{Vault, VaultError, VaultPaths};

const VAULT_PASSWORD: &str = "vector password";
const BACKUP_PASSWORD: &str = "vector backup password";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/files")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The accounts both files hold, as the writing Sesame serialized them.
fn expected_accounts() -> Vec<StoredAccount> {
    serde_json::from_slice(&read("vault-v1.json")).unwrap()
}

/// The version-1 vault copied into a fresh folder, with its device secret in a file keystore.
fn vault_v1() -> (tempfile::TempDir, VaultPaths, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::in_dir(dir.path().join("vault"));
    paths.create_dir().unwrap();
    std::fs::write(&paths.vault, read("vault-v1.sesame")).unwrap();
    let hex = String::from_utf8(read("vault-v1.device-secret.hex")).unwrap();
    let bytes = data_encoding::HEXLOWER
        .decode(hex.trim().as_bytes())
        .unwrap();
    let keystore = dir.path().join("keys");
    let info = Vault::info(&paths).unwrap();
    FileKeystore::new(keystore.clone())
        .store(&info.id, &DeviceSecret::from_slice(&bytes).unwrap())
        .unwrap();
    (dir, paths, keystore)
}

#[test]
fn the_version_1_vault_still_opens_with_its_contents() {
    let (_dir, paths, keystore) = vault_v1();
    let info = Vault::info(&paths).unwrap();
    assert!(info.has_password);
    assert_eq!(info.generation, 2);
    let vault = Vault::open(
        paths.clone(),
        Box::new(FileKeystore::new(keystore.clone())),
        Some(VAULT_PASSWORD),
    )
    .unwrap();
    assert_eq!(vault.data().accounts, expected_accounts());
    assert_eq!(vault.data().settings.theme, "dark");
    assert_eq!(vault.data().settings.auto_lock_secs, 120);
    let code = vault.data().accounts[0].account.otp().unwrap().code_at(59);
    assert_eq!(code.as_str(), "287082");
    assert!(matches!(
        Vault::open(paths, Box::new(FileKeystore::new(keystore)), Some("nope")),
        Err(VaultError::WrongPassword)
    ));
}

#[test]
fn the_version_1_backup_still_opens_with_its_contents() {
    let bytes = read("backup-v1.sesame-backup");
    assert_eq!(
        open_backup(&bytes, BACKUP_PASSWORD).unwrap(),
        expected_accounts()
    );
    assert!(open_backup(&bytes, VAULT_PASSWORD).is_err());
}
