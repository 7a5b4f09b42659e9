//! Vault unit tests with an in-memory keystore (the real ones are in tests/vault.rs).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::*;
use crate::account::Account;
use crate::keystore::{DeviceSecret, Keystore, KeystoreEntry, KeystoreError};
use crate::otp::Params;
use crate::secret::Secret;

#[derive(Debug, Clone, Default)]
struct MemoryKeystore(Arc<Mutex<HashMap<String, KeystoreEntry>>>);

impl Keystore for MemoryKeystore {
    fn describe(&self) -> String {
        "the test keystore".into()
    }
    fn load_entry(&self, vault_id: &str) -> Result<Option<KeystoreEntry>, KeystoreError> {
        Ok(self.0.lock().unwrap().get(vault_id).cloned())
    }
    fn store_entry(&self, vault_id: &str, entry: &KeystoreEntry) -> Result<(), KeystoreError> {
        self.0
            .lock()
            .unwrap()
            .insert(vault_id.into(), entry.clone());
        Ok(())
    }
    fn delete(&self, vault_id: &str) -> Result<(), KeystoreError> {
        self.0.lock().unwrap().remove(vault_id);
        Ok(())
    }
}

fn account(name: &str) -> Account {
    Account {
        issuer: Some("Example".into()),
        name: name.into(),
        secret: Secret::from_bytes(name.as_bytes().repeat(4)),
        params: Params::default(),
    }
}

fn setup(password: Option<&str>) -> (tempfile::TempDir, MemoryKeystore, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let keystore = MemoryKeystore::default();
    let vault = Vault::create(
        VaultPaths::in_dir(dir.path()),
        Box::new(keystore.clone()),
        password,
        KdfCost::MIN,
    )
    .unwrap();
    (dir, keystore, vault)
}

#[test]
fn create_add_reopen() {
    let (dir, keystore, mut vault) = setup(Some("pw"));
    vault
        .update(|d| {
            d.add(account("alice"), 1);
            Ok(())
        })
        .unwrap();
    let again = Vault::open(
        VaultPaths::in_dir(dir.path()),
        Box::new(keystore),
        Some("pw"),
    )
    .unwrap();
    assert_eq!(again.data().accounts.len(), 1);
    assert_eq!(again.data().accounts[0].account, account("alice"));
    assert_eq!(again.generation(), 2);
    assert!(again.has_password());
}

#[test]
fn nothing_readable_at_rest() {
    let (dir, _ks, mut vault) = setup(None);
    vault
        .update(|d| {
            d.add(account("visible-name"), 1);
            Ok(())
        })
        .unwrap();
    let bytes = std::fs::read(dir.path().join("vault")).unwrap();
    let secret_b32 = account("visible-name").secret.to_base32();
    for needle in [
        b"visible-name".as_slice(),
        secret_b32.as_bytes(),
        b"Example",
    ] {
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }
}

#[test]
fn wrong_password_missing_password_and_wrong_device() {
    let (dir, keystore, _vault) = setup(Some("right"));
    let paths = || VaultPaths::in_dir(dir.path());
    assert!(matches!(
        Vault::open(paths(), Box::new(keystore.clone()), Some("wrong")),
        Err(VaultError::WrongPassword)
    ));
    assert!(matches!(
        Vault::open(paths(), Box::new(keystore.clone()), None),
        Err(VaultError::PasswordRequired)
    ));
    let elsewhere = MemoryKeystore::default();
    let err = Vault::open(paths(), Box::new(elsewhere.clone()), Some("right")).unwrap_err();
    assert!(matches!(err, VaultError::BoundToAnotherDevice { .. }));
    assert!(err.to_string().contains("backup export"), "{err}");
    // Another device that happens to hold a key under the same id.
    let id = Vault::info(&paths()).unwrap().id;
    elsewhere
        .store(&id, &DeviceSecret::generate().unwrap())
        .unwrap();
    assert!(matches!(
        Vault::open(paths(), Box::new(elsewhere), Some("right")),
        Err(VaultError::BoundToAnotherDevice { .. })
    ));
    Vault::open(paths(), Box::new(keystore), Some("right")).unwrap();
}

#[test]
fn create_refuses_to_overwrite() {
    let (dir, keystore, _vault) = setup(None);
    let err = Vault::create(
        VaultPaths::in_dir(dir.path()),
        Box::new(keystore.clone()),
        None,
        KdfCost::MIN,
    )
    .unwrap_err();
    assert!(matches!(err, VaultError::AlreadyExists { .. }));
    assert_eq!(keystore.0.lock().unwrap().len(), 1, "no orphan device key");
}

#[test]
fn password_change_rekeys_and_removal_works() {
    let (dir, keystore, mut vault) = setup(Some("old"));
    vault
        .update(|d| {
            d.add(account("a"), 1);
            Ok(())
        })
        .unwrap();
    let before = Vault::info(vault.paths()).unwrap();
    let wrapped_before = vault.header.master_key.clone();
    vault.set_password(Some("new"), KdfCost::MIN).unwrap();
    assert_ne!(vault.header.master_key, wrapped_before);
    assert!(Vault::info(vault.paths()).unwrap().generation > before.generation);
    let paths = || VaultPaths::in_dir(dir.path());
    assert!(matches!(
        Vault::open(paths(), Box::new(keystore.clone()), Some("old")),
        Err(VaultError::WrongPassword)
    ));
    let mut reopened = Vault::open(paths(), Box::new(keystore.clone()), Some("new")).unwrap();
    assert_eq!(reopened.data().accounts.len(), 1);
    reopened.set_password(None, KdfCost::MIN).unwrap();
    let open = Vault::open(paths(), Box::new(keystore), None).unwrap();
    assert!(!open.has_password());
    assert_eq!(open.data().accounts.len(), 1);
}

#[test]
fn two_handles_see_each_others_saves() {
    let (dir, keystore, mut first) = setup(None);
    let mut second = Vault::open(VaultPaths::in_dir(dir.path()), Box::new(keystore), None).unwrap();
    first.update(|d| Ok(d.add(account("one"), 1))).unwrap();
    second.update(|d| Ok(d.add(account("two"), 2))).unwrap();
    first.reload().unwrap();
    let names: Vec<_> = first
        .data()
        .accounts
        .iter()
        .map(|s| s.account.name.clone())
        .collect();
    assert_eq!(names, ["one", "two"]);
    // A re-key in one handle makes the other ask for a fresh unlock, not corrupt anything.
    first.set_password(Some("pw"), KdfCost::MIN).unwrap();
    assert!(matches!(
        second.update(|d| Ok(d.add(account("three"), 3))),
        Err(VaultError::ChangedElsewhere)
    ));
}

#[test]
fn a_failed_change_saves_nothing() {
    let (_dir, _ks, mut vault) = setup(None);
    let generation = vault.generation();
    let result: Result<(), _> = vault.update(|d| {
        d.add(account("x"), 1);
        Err(VaultError::NoSuchAccount { query: "y".into() })
    });
    assert!(result.is_err());
    assert_eq!(vault.generation(), generation);
    assert!(vault.data().accounts.is_empty());
    vault.reload().unwrap();
    assert!(vault.data().accounts.is_empty());
}

#[test]
fn every_byte_flip_and_truncation_is_a_typed_error() {
    let (dir, keystore, mut vault) = setup(None);
    vault.update(|d| Ok(d.add(account("a"), 1))).unwrap();
    let path = dir.path().join("vault");
    let original = std::fs::read(&path).unwrap();
    let open = || {
        Vault::open(
            VaultPaths::in_dir(dir.path()),
            Box::new(keystore.clone()),
            None,
        )
    };
    for i in 0..original.len() {
        let mut bytes = original.clone();
        bytes[i] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        assert!(open().is_err(), "flip at {i} went unnoticed");
    }
    for len in 0..original.len() {
        std::fs::write(&path, &original[..len]).unwrap();
        assert!(open().is_err(), "truncation to {len} went unnoticed");
    }
    std::fs::write(&path, &original).unwrap();
    assert_eq!(open().unwrap().data().accounts.len(), 1);
}

/// The previous generation kept as `vault.bak`, opened the way a recovery does: copied
/// over the vault.
fn open_backup(
    dir: &std::path::Path,
    keystore: &MemoryKeystore,
    password: Option<&str>,
) -> Result<Vault, VaultError> {
    let restored = dir.join("restored");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(dir.join("vault.bak"), restored.join("vault")).unwrap();
    // `vault.bak` is one save older than the newest: a deliberate restore accepts that.
    Vault::open_accepting_rollback(
        VaultPaths::in_dir(&restored),
        Box::new(keystore.clone()),
        password,
    )
}

#[test]
fn after_a_password_change_the_backup_does_not_open_with_the_old_password() {
    let (dir, keystore, mut vault) = setup(Some("old"));
    vault.update(|d| Ok(d.add(account("alice"), 1))).unwrap();
    vault.update(|d| Ok(d.add(account("bob"), 2))).unwrap();
    vault.set_password(Some("new"), KdfCost::MIN).unwrap();
    assert!(matches!(
        open_backup(dir.path(), &keystore, Some("old")),
        Err(VaultError::WrongPassword)
    ));
    let backup = open_backup(dir.path(), &keystore, Some("new")).unwrap();
    assert_eq!(backup.data().accounts.len(), 2);

    // Removing the password: the backup needs none either, so it holds nothing the old
    // password protects.
    vault.set_password(None, KdfCost::MIN).unwrap();
    let backup = open_backup(dir.path(), &keystore, None).unwrap();
    assert!(!backup.has_password());
    assert_eq!(backup.data().accounts.len(), 2);

    // The next ordinary save keeps the previous generation again.
    vault.update(|d| Ok(d.add(account("carol"), 3))).unwrap();
    let backup = open_backup(dir.path(), &keystore, None).unwrap();
    assert_eq!(backup.data().accounts.len(), 2);
}

fn names(vault: &Vault) -> Vec<String> {
    vault
        .data()
        .accounts
        .iter()
        .map(|s| s.account.name.clone())
        .collect()
}

fn stored_generation(keystore: &MemoryKeystore, vault: &Vault) -> Option<u64> {
    keystore.load_entry(vault.id()).unwrap().unwrap().generation
}

#[test]
fn an_older_generation_put_back_is_refused_until_accepted_and_nothing_is_lost() {
    let (dir, keystore, mut vault) = setup(None);
    let file = dir.path().join("vault");
    vault.update(|d| Ok(d.add(account("a"), 1))).unwrap();
    let second = std::fs::read(&file).unwrap();
    vault.update(|d| Ok(d.add(account("b"), 2))).unwrap();
    let third = std::fs::read(&file).unwrap();
    assert_eq!(vault.generation(), 3);
    assert_eq!(stored_generation(&keystore, &vault), Some(3));
    let open = || {
        Vault::open(
            VaultPaths::in_dir(dir.path()),
            Box::new(keystore.clone()),
            None,
        )
    };

    std::fs::write(&file, &second).unwrap();
    let err = open().unwrap_err();
    assert!(
        matches!(
            err,
            VaultError::RolledBack {
                file_generation: 2,
                expected: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("older copy"), "{err}");
    // A handle already open refuses it too, keeps what it had and saves nothing.
    assert!(matches!(vault.reload(), Err(VaultError::RolledBack { .. })));
    assert!(matches!(
        vault.update(|d| Ok(d.add(account("c"), 3))),
        Err(VaultError::RolledBack { .. })
    ));
    assert_eq!(names(&vault), ["a", "b"]);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        second,
        "the refusals wrote nothing"
    );
    // `vault.bak` (generation 2 as well) put in its place is no way around it.
    std::fs::copy(dir.path().join("vault.bak"), &file).unwrap();
    assert!(matches!(open(), Err(VaultError::RolledBack { .. })));

    // Nothing lost: the newest file put back opens with everything.
    std::fs::write(&file, &third).unwrap();
    assert_eq!(names(&open().unwrap()), ["a", "b"]);

    // Accepted deliberately: generation 2 opens, and from then on it is the newest.
    std::fs::write(&file, &second).unwrap();
    let accepted = Vault::open_accepting_rollback(
        VaultPaths::in_dir(dir.path()),
        Box::new(keystore.clone()),
        None,
    )
    .unwrap();
    assert_eq!(names(&accepted), ["a"]);
    assert_eq!(stored_generation(&keystore, &accepted), Some(2));
    let mut reopened = open().unwrap();
    reopened.update(|d| Ok(d.add(account("c"), 2))).unwrap();
    assert_eq!(names(&open().unwrap()), ["a", "c"]);
}

#[test]
fn accepting_a_rollback_with_the_wrong_password_resets_nothing() {
    let (dir, keystore, mut vault) = setup(Some("pw"));
    let file = dir.path().join("vault");
    let first = std::fs::read(&file).unwrap();
    vault.update(|d| Ok(d.add(account("a"), 1))).unwrap();
    std::fs::write(&file, &first).unwrap();
    assert!(matches!(
        Vault::open_accepting_rollback(
            VaultPaths::in_dir(dir.path()),
            Box::new(keystore.clone()),
            Some("wrong"),
        ),
        Err(VaultError::WrongPassword)
    ));
    assert_eq!(stored_generation(&keystore, &vault), Some(2));
}

/// Saves write the file before the record: a crash between the two leaves the record
/// behind the file, which opens (and the next save catches the record up). An entry from
/// before records were kept opens too, and gets one at the next save.
#[test]
fn a_record_behind_the_file_or_missing_opens_and_the_next_save_raises_it() {
    let (dir, keystore, mut vault) = setup(None);
    vault.update(|d| Ok(d.add(account("a"), 1))).unwrap();
    let id = vault.id().to_owned();
    let secret = keystore.load(&id).unwrap().unwrap();
    let open = || {
        Vault::open(
            VaultPaths::in_dir(dir.path()),
            Box::new(keystore.clone()),
            None,
        )
    };
    for record in [Some(1), None] {
        keystore
            .store_entry(
                &id,
                &KeystoreEntry {
                    secret: secret.clone(),
                    generation: record,
                },
            )
            .unwrap();
        let mut reopened = open().unwrap();
        assert_eq!(names(&reopened)[0], "a");
        let name = format!("after {record:?}");
        reopened.update(|d| Ok(d.add(account(&name), 9))).unwrap();
        assert_eq!(
            stored_generation(&keystore, &reopened),
            Some(reopened.generation())
        );
    }
}
