//! The device keystore: where the 256-bit device secret that binds a vault to this machine
//! lives.
//!
//! A vault's master key is wrapped with a key derived from a [`DeviceSecret`] (and the
//! user's password, when set). The secret never leaves the keystore of the machine that
//! created the vault, so a vault file copied elsewhere finds no secret there and cannot be
//! opened. Two keystores exist, chosen explicitly with a [`KeystoreChoice`] and never
//! swapped silently:
//!
//! - [`KeystoreChoice::Os`]: the operating system's keystore (Secret Service on Linux,
//!   Keychain on macOS/iOS, Credential Manager on Windows, Keystore on Android);
//! - [`KeystoreChoice::File`]: a 0600 file, for headless machines; the binding is then only
//!   as strong as that file.
//!
//! Entries are keyed by the vault's id, so one keystore holds the secrets of several vaults.

mod choice;
mod error;
mod file;
mod os;
mod secret;

pub use choice::{ChoiceOrigin, ENV_VAR, KeystoreChoice};
pub use error::KeystoreError;
pub use file::FileKeystore;
pub use os::OsKeystore;
pub use secret::{DEVICE_SECRET_LEN, DeviceSecret};

/// What a keystore holds for one vault: its device secret and, once a save has recorded
/// it, the newest vault generation this device wrote (kept outside the vault file, so an
/// older copy of the file put in its place is noticed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeystoreEntry {
    /// The device secret.
    pub secret: DeviceSecret,
    /// The newest generation saved; `None` in entries from before Sesame recorded it (no
    /// rollback protection until the next save records it).
    pub generation: Option<u64>,
}

/// The service name entries are stored under in the OS keystore.
pub const SERVICE: &str = "sesame";

/// The longest vault id accepted (hex digits).
const MAX_VAULT_ID_LEN: usize = 64;

/// A place that keeps one [`DeviceSecret`] per vault id.
pub trait Keystore: Send + Sync + std::fmt::Debug {
    /// Where the secrets are kept, for messages, e.g. "the file /root/keys (0600) …".
    fn describe(&self) -> String;

    /// The entry stored for `vault_id`, or `None` when there is none for that vault.
    fn load_entry(&self, vault_id: &str) -> Result<Option<KeystoreEntry>, KeystoreError>;

    /// Stores `entry` for `vault_id`, replacing any previous one.
    fn store_entry(&self, vault_id: &str, entry: &KeystoreEntry) -> Result<(), KeystoreError>;

    /// Removes the entry for `vault_id`; an absent entry is not an error.
    fn delete(&self, vault_id: &str) -> Result<(), KeystoreError>;

    /// The secret stored for `vault_id`, or `None` when there is no entry for that vault.
    fn load(&self, vault_id: &str) -> Result<Option<DeviceSecret>, KeystoreError> {
        Ok(self.load_entry(vault_id)?.map(|entry| entry.secret))
    }

    /// Stores `secret` for `vault_id` with no generation recorded, replacing any previous
    /// entry.
    fn store(&self, vault_id: &str, secret: &DeviceSecret) -> Result<(), KeystoreError> {
        self.store_entry(
            vault_id,
            &KeystoreEntry {
                secret: secret.clone(),
                generation: None,
            },
        )
    }

    /// Records `generation` as the newest one of `vault_id` (keeping its secret). Without
    /// an entry there is nothing to record it beside, and nothing is done.
    fn set_generation(&self, vault_id: &str, generation: u64) -> Result<(), KeystoreError> {
        match self.load_entry(vault_id)? {
            Some(entry) if entry.generation == Some(generation) => Ok(()),
            Some(entry) => self.store_entry(
                vault_id,
                &KeystoreEntry {
                    secret: entry.secret,
                    generation: Some(generation),
                },
            ),
            None => Ok(()),
        }
    }
}

/// Opens the chosen keystore. The OS keystore is contacted now, so an unreachable one
/// fails here with [`KeystoreError::Unavailable`] rather than at first use.
pub fn open(choice: &KeystoreChoice) -> Result<Box<dyn Keystore>, KeystoreError> {
    Ok(match choice {
        KeystoreChoice::Os => Box::new(OsKeystore::open()?),
        KeystoreChoice::File(path) => Box::new(FileKeystore::new(path.clone())),
    })
}

/// Checks that `vault_id` is what vaults use: 1 to 64 lower-case hex digits.
fn check_vault_id(vault_id: &str) -> Result<(), KeystoreError> {
    let valid = !vault_id.is_empty()
        && vault_id.len() <= MAX_VAULT_ID_LEN
        && vault_id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if valid {
        Ok(())
    } else {
        Err(KeystoreError::InvalidVaultId {
            id: vault_id.chars().take(MAX_VAULT_ID_LEN + 8).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_ids_are_lower_case_hex() {
        assert!(check_vault_id("0123456789abcdef0123456789abcdef").is_ok());
        assert!(check_vault_id(&"a".repeat(64)).is_ok());
        for bad in [
            "",
            "ABCDEF",
            "xyz",
            "ab cd",
            "ab:cd",
            "ab\ncd",
            &"a".repeat(65),
        ] {
            assert!(
                matches!(
                    check_vault_id(bad),
                    Err(KeystoreError::InvalidVaultId { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn open_a_file_keystore_does_not_touch_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("keys");
        let keystore = open(&KeystoreChoice::File(path.clone())).unwrap();
        assert!(keystore.describe().contains(&path.display().to_string()));
        assert!(!path.exists());
        assert!(!path.parent().unwrap().exists());
    }
}
