//! The operating system's keystore, through keyring-core and one store crate per platform:
//! Secret Service (Linux, FreeBSD), Keychain (macOS, iOS), Credential Manager (Windows),
//! Keystore (Android). Everything platform-specific is in the `platform` module below.
//!
//! Each vault's secret is one entry: service [`SERVICE`], user `vault:<id>`, stored as raw
//! bytes: the 32-byte device secret, then the newest vault generation saved as 8 bytes
//! big-endian (entries from before generations were recorded hold the secret alone).

use std::sync::Arc;

use keyring_core::api::CredentialStore;
use keyring_core::{Entry, Error as KeyringError};
use zeroize::Zeroizing;

use super::{
    DEVICE_SECRET_LEN, DeviceSecret, Keystore, KeystoreEntry, KeystoreError, SERVICE,
    check_vault_id,
};

/// Length of the generation stored after the secret.
const GENERATION_LEN: usize = 8;

/// Device secrets in the operating system's keystore.
#[derive(Debug)]
pub struct OsKeystore {
    store: Arc<CredentialStore>,
}

impl OsKeystore {
    /// Connects to this platform's keystore.
    ///
    /// Fails with [`KeystoreError::Unavailable`] when it cannot be reached (on Linux: no
    /// D-Bus session bus, or no Secret Service on it) and with [`KeystoreError::Unsupported`]
    /// on platforms without one. Never falls back to another keystore.
    pub fn open() -> Result<Self, KeystoreError> {
        Ok(OsKeystore {
            store: platform::new_store()?,
        })
    }

    fn entry(&self, vault_id: &str) -> Result<(Entry, String), KeystoreError> {
        check_vault_id(vault_id)?;
        let user = format!("vault:{vault_id}");
        let label = format!("Sesame vault device key ({vault_id})");
        let modifiers = platform::modifiers(&label);
        let entry = self
            .store
            .build(SERVICE, &user, modifiers.as_ref())
            .map_err(|e| map_error(e, &user))?;
        Ok((entry, user))
    }
}

impl Keystore for OsKeystore {
    fn describe(&self) -> String {
        platform::DESCRIPTION.to_owned()
    }

    fn load_entry(&self, vault_id: &str) -> Result<Option<KeystoreEntry>, KeystoreError> {
        let (entry, user) = self.entry(vault_id)?;
        let bytes = match entry.get_secret() {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(KeyringError::NoEntry) => return Ok(None),
            Err(e) => return Err(map_error(e, &user)),
        };
        decode_entry(&bytes).map(Some).ok_or_else(|| {
            corrupt(
                &user,
                format!(
                    "it holds {} bytes instead of {DEVICE_SECRET_LEN} or {}",
                    bytes.len(),
                    DEVICE_SECRET_LEN + GENERATION_LEN
                ),
            )
        })
    }

    fn store_entry(&self, vault_id: &str, stored: &KeystoreEntry) -> Result<(), KeystoreError> {
        let (entry, user) = self.entry(vault_id)?;
        entry
            .set_secret(&encode_entry(stored))
            .map_err(|e| map_error(e, &user))
    }

    fn delete(&self, vault_id: &str) -> Result<(), KeystoreError> {
        let (entry, user) = self.entry(vault_id)?;
        match entry.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e, &user)),
        }
    }
}

/// The secret, then the generation (8 bytes big-endian) when one is recorded.
fn encode_entry(entry: &KeystoreEntry) -> Zeroizing<Vec<u8>> {
    let mut bytes = Zeroizing::new(Vec::with_capacity(DEVICE_SECRET_LEN + GENERATION_LEN));
    bytes.extend_from_slice(entry.secret.as_bytes());
    if let Some(generation) = entry.generation {
        bytes.extend_from_slice(&generation.to_be_bytes());
    }
    bytes
}

/// Reads what [`encode_entry`] wrote; `None` for any other length.
fn decode_entry(bytes: &[u8]) -> Option<KeystoreEntry> {
    let (secret, generation) = match bytes.len() {
        DEVICE_SECRET_LEN => (bytes, None),
        len if len == DEVICE_SECRET_LEN + GENERATION_LEN => {
            let (secret, counter) = bytes.split_at(DEVICE_SECRET_LEN);
            (secret, Some(u64::from_be_bytes(counter.try_into().ok()?)))
        }
        _ => return None,
    };
    Some(KeystoreEntry {
        secret: DeviceSecret::from_slice(secret)?,
        generation,
    })
}

fn corrupt(user: &str, reason: String) -> KeystoreError {
    KeystoreError::Corrupt {
        location: format!(
            "{}, entry `{user}` of service `{SERVICE}`,",
            platform::DESCRIPTION
        ),
        reason,
    }
}

/// Translates keyring-core's errors. The secret-carrying variants (`BadEncoding`,
/// `BadDataFormat`) are reduced to a reason that contains no byte of the value.
fn map_error(error: KeyringError, user: &str) -> KeystoreError {
    let store = platform::DESCRIPTION.to_owned();
    match error {
        KeyringError::NoStorageAccess(reason) => KeystoreError::Locked {
            store,
            reason: reason.to_string(),
        },
        KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
            corrupt(user, "the stored value cannot be decoded".to_owned())
        }
        KeyringError::Ambiguous(entries) => KeystoreError::Duplicate {
            store,
            service: SERVICE,
            user: user.to_owned(),
            count: entries.len(),
        },
        KeyringError::PlatformFailure(reason) if platform::is_unavailable(&*reason) => {
            KeystoreError::Unavailable {
                store,
                reason: reason.to_string(),
                hint: platform::UNAVAILABLE_HINT,
            }
        }
        other => KeystoreError::Access {
            store,
            reason: other.to_string(),
        },
    }
}

/// The platform's own words, without keyring-core's "Platform failure: " prefix.
fn reason(error: KeyringError) -> String {
    match error {
        KeyringError::PlatformFailure(inner) | KeyringError::NoStorageAccess(inner) => {
            inner.to_string()
        }
        other => other.to_string(),
    }
}

/// What to say when only a file keystore is left (a macro so hints can `concat!` it).
#[allow(unused_macros)] // iOS and Android offer no file keystore in their hints.
macro_rules! file_hint {
    () => {
        "choose a file keystore (weaker: the binding is then only as strong as that file)"
    };
}

#[cfg(any(target_os = "linux", target_os = "freebsd"))]
mod platform {
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;

    use super::KeystoreError;

    pub const DESCRIPTION: &str = "the Secret Service (GNOME Keyring, KWallet…)";
    pub const UNAVAILABLE_HINT: &str = concat!(
        "start a Secret Service (e.g. GNOME Keyring or KeePassXC) in your session, or ",
        file_hint!()
    );

    /// Connects to the session bus and opens a Secret Service session. Any failure here
    /// means there is no usable Secret Service: no bus, or no provider on it.
    pub fn new_store() -> Result<Arc<CredentialStore>, KeystoreError> {
        match zbus_secret_service_keyring_store::Store::new() {
            Ok(store) => Ok(store),
            Err(e) => Err(KeystoreError::Unavailable {
                store: DESCRIPTION.to_owned(),
                reason: super::reason(e),
                hint: UNAVAILABLE_HINT,
            }),
        }
    }

    /// The label shown in Seahorse, KWallet or KeePassXC.
    pub fn modifiers(label: &str) -> Option<HashMap<&str, &str>> {
        Some(HashMap::from([("label", label)]))
    }

    /// The bus or provider went away after we connected: the Secret Service crate's own
    /// `Unavailable`, found by type (the keyring store boxes it as a platform failure).
    pub fn is_unavailable(error: &(dyn std::error::Error + 'static)) -> bool {
        matches!(
            error.downcast_ref::<secret_service::Error>(),
            Some(secret_service::Error::Unavailable)
        )
    }
}

#[cfg(any(target_os = "macos", target_os = "ios"))]
mod platform {
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;

    use super::KeystoreError;

    #[cfg(target_os = "macos")]
    pub const DESCRIPTION: &str = "the macOS login keychain";
    #[cfg(target_os = "ios")]
    pub const DESCRIPTION: &str = "the iOS keychain";
    #[cfg(target_os = "macos")]
    pub const UNAVAILABLE_HINT: &str = concat!(
        "unlock your login keychain (Keychain Access), or ",
        file_hint!()
    );
    #[cfg(target_os = "ios")]
    pub const UNAVAILABLE_HINT: &str = "unlock the device and try again";

    pub fn new_store() -> Result<Arc<CredentialStore>, KeystoreError> {
        #[cfg(target_os = "macos")]
        let store = apple_native_keyring_store::keychain::Store::new();
        #[cfg(target_os = "ios")]
        let store = apple_native_keyring_store::protected::Store::new();
        match store {
            Ok(store) => Ok(store),
            Err(e) => Err(KeystoreError::Unavailable {
                store: DESCRIPTION.to_owned(),
                reason: super::reason(e),
                hint: UNAVAILABLE_HINT,
            }),
        }
    }

    /// The Apple stores take no label modifier.
    pub fn modifiers(_label: &str) -> Option<HashMap<&str, &str>> {
        None
    }

    pub fn is_unavailable(_error: &(dyn std::error::Error + 'static)) -> bool {
        false
    }
}

#[cfg(windows)]
mod platform {
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;

    use super::KeystoreError;

    pub const DESCRIPTION: &str = "the Windows Credential Manager";
    pub const UNAVAILABLE_HINT: &str = file_hint!();

    pub fn new_store() -> Result<Arc<CredentialStore>, KeystoreError> {
        match windows_native_keyring_store::Store::new() {
            Ok(store) => Ok(store),
            Err(e) => Err(KeystoreError::Unavailable {
                store: DESCRIPTION.to_owned(),
                reason: super::reason(e),
                hint: UNAVAILABLE_HINT,
            }),
        }
    }

    /// The Windows store takes no label modifier.
    pub fn modifiers(_label: &str) -> Option<HashMap<&str, &str>> {
        None
    }

    pub fn is_unavailable(_error: &(dyn std::error::Error + 'static)) -> bool {
        false
    }
}

#[cfg(target_os = "android")]
mod platform {
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;

    use super::KeystoreError;

    pub const DESCRIPTION: &str = "the Android Keystore";
    pub const UNAVAILABLE_HINT: &str =
        "the app's Android context is not ready; restart Sesame, and report a bug if it persists";

    /// A store of our own name, backed by its own SharedPreferences file and Keystore key.
    pub fn new_store() -> Result<Arc<CredentialStore>, KeystoreError> {
        let config = HashMap::from([("name", "sesame")]);
        match android_native_keyring_store::Store::new_with_configuration(&config) {
            Ok(store) => Ok(store),
            Err(e) => Err(KeystoreError::Unavailable {
                store: DESCRIPTION.to_owned(),
                reason: super::reason(e),
                hint: UNAVAILABLE_HINT,
            }),
        }
    }

    /// The Android store takes no label modifier.
    pub fn modifiers(_label: &str) -> Option<HashMap<&str, &str>> {
        None
    }

    pub fn is_unavailable(_error: &(dyn std::error::Error + 'static)) -> bool {
        false
    }
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "freebsd",
    target_os = "macos",
    target_os = "ios",
    target_os = "android",
    windows
)))]
mod platform {
    use std::collections::HashMap;
    use std::sync::Arc;

    use keyring_core::api::CredentialStore;

    use super::KeystoreError;

    pub const DESCRIPTION: &str = "the system keystore";
    pub const UNAVAILABLE_HINT: &str = file_hint!();

    pub fn new_store() -> Result<Arc<CredentialStore>, KeystoreError> {
        Err(KeystoreError::Unsupported)
    }

    pub fn modifiers(_label: &str) -> Option<HashMap<&str, &str>> {
        None
    }

    pub fn is_unavailable(_error: &(dyn std::error::Error + 'static)) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_with_and_without_a_generation_round_trip() {
        let secret = DeviceSecret::from_bytes([9; DEVICE_SECRET_LEN]);
        let old = KeystoreEntry {
            secret: secret.clone(),
            generation: None,
        };
        let bytes = encode_entry(&old);
        assert_eq!(
            &bytes[..],
            secret.as_bytes(),
            "an old entry is the secret alone"
        );
        assert_eq!(decode_entry(&bytes), Some(old));
        let new = KeystoreEntry {
            secret,
            generation: Some(0x0102_0304_0506_0708),
        };
        let bytes = encode_entry(&new);
        assert_eq!(&bytes[DEVICE_SECRET_LEN..], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(decode_entry(&bytes), Some(new));
        for len in [0, 31, 33, 39, 41] {
            assert_eq!(decode_entry(&vec![1; len]), None, "{len}");
        }
    }

    #[test]
    fn keyring_errors_become_typed_errors_without_secret_bytes() {
        let secret = b"\x5e\xc7\xe7-do-not-print".to_vec();
        for error in [
            KeyringError::BadEncoding(secret.clone()),
            KeyringError::BadDataFormat(secret.clone(), "bad".into()),
        ] {
            let mapped = map_error(error, "vault:ab");
            assert!(
                matches!(mapped, KeystoreError::Corrupt { .. }),
                "{mapped:?}"
            );
            let shown = format!("{mapped} {mapped:?}");
            assert!(!shown.contains("do-not-print"), "{shown}");
            assert!(shown.contains("backup"), "{shown}");
        }
        let locked = map_error(KeyringError::NoStorageAccess("locked".into()), "vault:ab");
        assert!(matches!(locked, KeystoreError::Locked { .. }), "{locked:?}");
        assert!(locked.to_string().contains("locked"), "{locked}");
        let duplicate = map_error(KeyringError::Ambiguous(Vec::new()), "vault:ab");
        assert!(
            matches!(duplicate, KeystoreError::Duplicate { ref user, .. } if user == "vault:ab"),
            "{duplicate:?}"
        );
        let other = map_error(KeyringError::PlatformFailure("boom".into()), "vault:ab");
        assert!(matches!(other, KeystoreError::Access { .. }), "{other:?}");
        assert!(other.to_string().contains("boom"), "{other}");
    }

    /// "No Secret Service" is recognised by its type, not by words in a message.
    #[cfg(any(target_os = "linux", target_os = "freebsd"))]
    #[test]
    fn a_missing_secret_service_is_found_by_type() {
        let gone = map_error(
            KeyringError::PlatformFailure(Box::new(secret_service::Error::Unavailable)),
            "vault:ab",
        );
        assert!(
            matches!(gone, KeystoreError::Unavailable { .. }),
            "{gone:?}"
        );
        let look_alike = map_error(
            KeyringError::PlatformFailure(
                "no secret service provider or dbus session found".into(),
            ),
            "vault:ab",
        );
        assert!(
            matches!(look_alike, KeystoreError::Access { .. }),
            "{look_alike:?}"
        );
    }
}
