//! The encrypted, device-bound store of accounts, settings and tokens.
//!
//! A random master key encrypts the payload (XChaCha20-Poly1305, fresh nonce per save, the
//! header as associated data). The master key is wrapped by a key-encryption key derived
//! with HKDF-SHA256 from the **device secret** in the OS keystore and, when the user set
//! one, the Argon2id hash of the password: the file alone opens nowhere. See `format` for
//! the bytes and `files` for crash-safe saving and locking.
//!
//! Every change goes through [`Vault::update`], which takes the exclusive lock, re-reads the
//! file (another process may have saved since), applies the change and saves atomically,
//! so the CLI and the app can both hold a vault open.

pub mod data;
pub mod error;
pub mod files;
mod format;
#[doc(hidden)]
pub mod fuzzing;

use std::time::Duration;

use zeroize::Zeroizing;

pub use crate::crypto::{KdfCost, KdfOutOfBounds, calibrate};
pub use data::{Added, Edit, Settings, VaultData};
pub use error::VaultError;
pub use files::{LockMode, VaultPaths};

use crate::container::{self, FormatName, KdfAlgorithm};
use crate::crypto::{self, KEY_LEN, Key, NONCE_LEN};
use crate::keystore::{DeviceSecret, Keystore, KeystoreEntry};
use crate::locked::Locked;
use files::Backup;
use format::{FormatError, Header, PasswordKdf, RawVault, WrappedKey};

/// An unlocked vault.
pub struct Vault {
    paths: VaultPaths,
    keystore: Box<dyn Keystore>,
    header: Header,
    keys: Locked<Keys>,
    data: VaultData,
    lock_wait: Duration,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.paths.vault)
            .field("id", &self.header.vault_id)
            .field("generation", &self.header.generation)
            .field("accounts", &self.data.accounts.len())
            .finish_non_exhaustive()
    }
}

/// Keys held while the vault is unlocked; all zeroized on drop, and kept by [`Vault`] in
/// [`Locked`] pages (out of swap and core dumps).
struct Keys {
    /// Authenticates the header (from the device secret).
    header_mac: Key,
    /// Wraps the master key.
    kek: Key,
    /// Encrypts the payload.
    master: Key,
}

/// What a vault file says about itself before it is unlocked (unauthenticated: only for
/// deciding whether to ask for a password).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultInfo {
    /// The vault id.
    pub id: String,
    /// Whether a password is needed.
    pub has_password: bool,
    /// Save counter.
    pub generation: u64,
}

fn device_keys(device: &DeviceSecret, vault_id: &str) -> (Key, [u8; 16]) {
    let header_mac = crypto::derive(device.as_bytes(), vault_id, "header-mac");
    let check_key = crypto::derive(device.as_bytes(), vault_id, "device-check");
    let mut check = [0u8; 16];
    check.copy_from_slice(&crypto::mac(&check_key, vault_id.as_bytes())[..16]);
    (header_mac, check)
}

fn wrap_aad(vault_id: &str) -> Vec<u8> {
    format!("sesame/wrap/v1/{vault_id}").into_bytes()
}

/// Fresh Argon2id settings (new salt) when there is a password.
fn new_password_kdf(password: Option<&str>, cost: KdfCost) -> Option<PasswordKdf> {
    password.map(|_| PasswordKdf {
        algorithm: KdfAlgorithm::Argon2id,
        cost,
        salt: crypto::random::<16>().to_vec(),
    })
}

fn password_kek(
    device: &DeviceSecret,
    kdf: Option<&PasswordKdf>,
    password: Option<&str>,
    vault_id: &str,
) -> Result<Key, VaultError> {
    match kdf {
        None => Ok(crypto::key_encryption_key(
            device.as_bytes(),
            None,
            vault_id,
        )),
        Some(kdf) => {
            let password = password.ok_or(VaultError::PasswordRequired)?;
            kdf.cost.check()?;
            let hash = crypto::hash_password(password.as_bytes(), &kdf.salt, kdf.cost)?;
            Ok(crypto::key_encryption_key(
                device.as_bytes(),
                Some(&hash),
                vault_id,
            ))
        }
    }
}

impl Vault {
    /// Creates a new vault in `paths` (refusing to overwrite one), binding it to a new
    /// device secret stored in `keystore`, with an optional password.
    pub fn create(
        paths: VaultPaths,
        keystore: Box<dyn Keystore>,
        password: Option<&str>,
        cost: KdfCost,
    ) -> Result<Vault, VaultError> {
        cost.check()?;
        let _lock = files::lock(&paths, LockMode::Exclusive, files::DEFAULT_LOCK_WAIT)?;
        if paths.vault.exists() {
            return Err(VaultError::AlreadyExists { path: paths.vault });
        }
        let vault_id = data_encoding::HEXLOWER.encode(crypto::random::<16>().as_ref());
        let device = DeviceSecret::generate()?;
        keystore.store_entry(
            &vault_id,
            &KeystoreEntry {
                secret: device.clone(),
                generation: Some(0),
            },
        )?;
        let result = Self::create_with(paths, &*keystore, &device, &vault_id, password, cost);
        match result {
            Ok((paths, header, keys, data)) => Ok(Vault {
                paths,
                keystore,
                header,
                keys: Locked::new(keys),
                data,
                lock_wait: files::DEFAULT_LOCK_WAIT,
            }),
            Err(e) => {
                // Leave no orphaned device key behind.
                let _ = keystore.delete(&vault_id);
                Err(e)
            }
        }
    }

    fn create_with(
        paths: VaultPaths,
        keystore: &dyn Keystore,
        device: &DeviceSecret,
        vault_id: &str,
        password: Option<&str>,
        cost: KdfCost,
    ) -> Result<(VaultPaths, Header, Keys, VaultData), VaultError> {
        let (header_mac, device_check) = device_keys(device, vault_id);
        let kdf = new_password_kdf(password, cost);
        let kek = password_kek(device, kdf.as_ref(), password, vault_id)?;
        let master = crypto::random::<KEY_LEN>();
        let header = Header {
            format: FormatName::Vault,
            version: format::VERSION,
            vault_id: vault_id.to_owned(),
            generation: 0,
            password: kdf,
            device_check: device_check.to_vec(),
            master_key: wrap(&kek, &master, vault_id),
        };
        let keys = Keys {
            header_mac,
            kek,
            master,
        };
        let data = VaultData::default();
        let header = write(&paths, keystore, header, &keys, &data, Backup::KeepPrevious)?;
        Ok((paths, header, keys, data))
    }

    /// Reads what a vault file says about itself, without unlocking it.
    pub fn info(paths: &VaultPaths) -> Result<VaultInfo, VaultError> {
        let bytes = files::read_vault(paths)?;
        let raw = format::parse(&bytes).map_err(|e| format_error(paths, e))?;
        Ok(VaultInfo {
            id: raw.header.vault_id.clone(),
            has_password: raw.header.password.is_some(),
            generation: raw.header.generation,
        })
    }

    /// Opens and unlocks the vault in `paths`.
    ///
    /// A file older than the newest generation this device saved is refused with
    /// [`VaultError::RolledBack`] (once the keystore entry records one: entries from before
    /// generations were recorded get one at the next save).
    pub fn open(
        paths: VaultPaths,
        keystore: Box<dyn Keystore>,
        password: Option<&str>,
    ) -> Result<Vault, VaultError> {
        Self::open_with(paths, keystore, password, Rollback::Refuse)
    }

    /// Opens the vault like [`Vault::open`] but accepts a file older than the newest
    /// generation saved here (a deliberate restore of `vault.bak` or of an older copy), and
    /// records its generation as the newest, so the next open needs no such acceptance.
    /// The counter is reset only once the file has fully opened (right device key,
    /// password and contents).
    pub fn open_accepting_rollback(
        paths: VaultPaths,
        keystore: Box<dyn Keystore>,
        password: Option<&str>,
    ) -> Result<Vault, VaultError> {
        Self::open_with(paths, keystore, password, Rollback::Accept)
    }

    fn open_with(
        paths: VaultPaths,
        keystore: Box<dyn Keystore>,
        password: Option<&str>,
        rollback: Rollback,
    ) -> Result<Vault, VaultError> {
        // Accepting rewrites the counter: no save may slip in between reading and that.
        let mode = match rollback {
            Rollback::Refuse => LockMode::Shared,
            Rollback::Accept => LockMode::Exclusive,
        };
        let lock = files::lock(&paths, mode, files::DEFAULT_LOCK_WAIT)?;
        let bytes = files::read_vault(&paths)?;
        let _lock = match rollback {
            Rollback::Refuse => {
                drop(lock);
                None
            }
            Rollback::Accept => Some(lock),
        };
        let raw = format::parse(&bytes).map_err(|e| format_error(&paths, e))?;
        let entry = keystore.load_entry(&raw.header.vault_id)?.ok_or_else(|| {
            VaultError::BoundToAnotherDevice {
                keystore: keystore.describe(),
            }
        })?;
        let device = &entry.secret;
        let (header_mac, device_check) = device_keys(device, &raw.header.vault_id);
        let kek = check_and_derive(
            &paths,
            &raw,
            device,
            &header_mac,
            &device_check,
            &*keystore,
            password,
        )?;
        let master = unwrap(&kek, &raw.header)
            .ok_or_else(|| wrong_key(&paths, raw.header.password.is_some()))?;
        let keys = Keys {
            header_mac,
            kek,
            master,
        };
        let data = decrypt(&paths, &raw, &keys)?;
        let header = raw.header;
        match rollback {
            Rollback::Refuse => check_not_rolled_back(&paths, &header, entry.generation)?,
            Rollback::Accept => {
                if entry.generation != Some(header.generation) {
                    keystore.set_generation(&header.vault_id, header.generation)?;
                }
            }
        }
        Ok(Vault {
            paths,
            keystore,
            header,
            keys: Locked::new(keys),
            data,
            lock_wait: files::DEFAULT_LOCK_WAIT,
        })
    }

    /// How long [`Vault::update`] waits for another process's lock.
    pub fn set_lock_wait(&mut self, wait: Duration) {
        self.lock_wait = wait;
    }

    /// The decrypted contents as of the last open or save.
    pub fn data(&self) -> &VaultData {
        &self.data
    }

    /// The vault's files.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    /// The vault id (names its device key in the keystore).
    pub fn id(&self) -> &str {
        &self.header.vault_id
    }

    /// Save counter.
    pub fn generation(&self) -> u64 {
        self.header.generation
    }

    /// Whether a password is needed to unlock.
    pub fn has_password(&self) -> bool {
        self.header.password.is_some()
    }

    /// The keystore holding the device secret, as a person would call it.
    pub fn keystore_description(&self) -> String {
        self.keystore.describe()
    }

    /// Re-reads the vault from disk (picking up other processes' saves).
    pub fn reload(&mut self) -> Result<(), VaultError> {
        let _lock = files::lock(&self.paths, LockMode::Shared, self.lock_wait)?;
        self.refresh()
    }

    /// Applies `change` to the freshest contents and saves, all under the exclusive lock.
    /// If `change` fails, nothing is saved and the vault is unchanged.
    pub fn update<T>(
        &mut self,
        change: impl FnOnce(&mut VaultData) -> Result<T, VaultError>,
    ) -> Result<T, VaultError> {
        self.try_update(change)
    }

    /// [`Vault::update`] for a `change` with an error type of its own (a module's state
    /// kept in the vault, as `cognito`'s).
    pub fn try_update<T, E: From<VaultError>>(
        &mut self,
        change: impl FnOnce(&mut VaultData) -> Result<T, E>,
    ) -> Result<T, E> {
        let _lock = files::lock(&self.paths, LockMode::Exclusive, self.lock_wait)?;
        self.refresh()?;
        let mut data = self.data.clone();
        let value = change(&mut data)?;
        self.header = write(
            &self.paths,
            &*self.keystore,
            self.header.clone(),
            &self.keys,
            &data,
            Backup::KeepPrevious,
        )?;
        self.data = data;
        Ok(value)
    }

    /// Sets, changes or (with `None`) removes the password. Always re-keys: a new master
    /// key, a new salt and a new wrap.
    pub fn set_password(
        &mut self,
        password: Option<&str>,
        cost: KdfCost,
    ) -> Result<(), VaultError> {
        cost.check()?;
        let _lock = files::lock(&self.paths, LockMode::Exclusive, self.lock_wait)?;
        self.refresh()?;
        let device = self.keystore.load(&self.header.vault_id)?.ok_or_else(|| {
            VaultError::BoundToAnotherDevice {
                keystore: self.keystore.describe(),
            }
        })?;
        let vault_id = self.header.vault_id.clone();
        let kdf = new_password_kdf(password, cost);
        let kek = password_kek(&device, kdf.as_ref(), password, &vault_id)?;
        let master = crypto::random::<KEY_LEN>();
        let mut header = self.header.clone();
        header.password = kdf;
        header.master_key = wrap(&kek, &master, &vault_id);
        let keys = Keys {
            header_mac: Zeroizing::new(*self.keys.header_mac),
            kek,
            master,
        };
        // No generation that opens with the old password stays behind in `vault.bak`.
        self.header = write(
            &self.paths,
            &*self.keystore,
            header,
            &keys,
            &self.data,
            Backup::SameAsNew,
        )?;
        self.keys = Locked::new(keys);
        Ok(())
    }

    /// The bytes a save would write now, without writing them (for the benchmarks).
    #[doc(hidden)]
    pub fn encoded(&self) -> Result<Vec<u8>, VaultError> {
        encode(&self.header, &self.keys, &self.data)
    }

    /// Reads the file again if another process saved since; the caller holds a lock.
    fn refresh(&mut self) -> Result<(), VaultError> {
        let bytes = files::read_vault(&self.paths)?;
        let raw = format::parse(&bytes).map_err(|e| format_error(&self.paths, e))?;
        if raw.header == self.header {
            return Ok(());
        }
        if raw.header.vault_id != self.header.vault_id {
            return Err(VaultError::ChangedElsewhere);
        }
        if !crypto::mac_matches(&self.keys.header_mac, raw.signed, raw.header_tag) {
            return Err(tampered(&self.paths));
        }
        // The header is authentic: its generation is the one Sesame wrote into it.
        let stored = self
            .keystore
            .load_entry(&raw.header.vault_id)?
            .and_then(|entry| entry.generation);
        check_not_rolled_back(&self.paths, &raw.header, stored)?;
        let master = if raw.header.master_key == self.header.master_key {
            Zeroizing::new(*self.keys.master)
        } else {
            unwrap(&self.keys.kek, &raw.header).ok_or(VaultError::ChangedElsewhere)?
        };
        let keys = Keys {
            header_mac: Zeroizing::new(*self.keys.header_mac),
            kek: Zeroizing::new(*self.keys.kek),
            master,
        };
        self.data = decrypt(&self.paths, &raw, &keys)?;
        self.keys = Locked::new(keys);
        self.header = raw.header;
        Ok(())
    }
}

/// Whether an open accepts a file older than the newest generation saved here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rollback {
    /// Refuse it with [`VaultError::RolledBack`].
    Refuse,
    /// Accept it and record its generation as the newest.
    Accept,
}

/// Refuses a file whose (authenticated) generation is below the newest one this device
/// saved. A file *ahead* of the record is accepted: saves write the file first and raise
/// the record after, so a crash between the two leaves the record behind, never ahead, and
/// the next save catches it up. Without a record (an entry from before generations were
/// kept) there is nothing to compare with.
fn check_not_rolled_back(
    paths: &VaultPaths,
    header: &Header,
    stored: Option<u64>,
) -> Result<(), VaultError> {
    match stored {
        Some(expected) if header.generation < expected => Err(VaultError::RolledBack {
            path: paths.vault.clone(),
            file_generation: header.generation,
            expected,
        }),
        _ => Ok(()),
    }
}

/// Checks device binding and header integrity, then derives the key-encryption key.
fn check_and_derive(
    paths: &VaultPaths,
    raw: &RawVault<'_>,
    device: &DeviceSecret,
    header_mac: &Key,
    device_check: &[u8; 16],
    keystore: &dyn Keystore,
    password: Option<&str>,
) -> Result<Key, VaultError> {
    let same_device: bool =
        subtle::ConstantTimeEq::ct_eq(&device_check[..], &raw.header.device_check[..]).into();
    if !same_device {
        return Err(VaultError::BoundToAnotherDevice {
            keystore: keystore.describe(),
        });
    }
    if !crypto::mac_matches(header_mac, raw.signed, raw.header_tag) {
        return Err(tampered(paths));
    }
    password_kek(
        device,
        raw.header.password.as_ref(),
        password,
        &raw.header.vault_id,
    )
}

fn wrap(kek: &Key, master: &Key, vault_id: &str) -> WrappedKey {
    let nonce = *crypto::random::<NONCE_LEN>();
    WrappedKey {
        nonce: nonce.to_vec(),
        sealed: crypto::seal(kek, &nonce, master.as_ref(), &wrap_aad(vault_id)),
    }
}

fn unwrap(kek: &Key, header: &Header) -> Option<Key> {
    let nonce: [u8; NONCE_LEN] = header.master_key.nonce.as_slice().try_into().ok()?;
    let opened = crypto::open(
        kek,
        &nonce,
        &header.master_key.sealed,
        &wrap_aad(&header.vault_id),
    )?;
    let key: [u8; KEY_LEN] = opened.as_slice().try_into().ok()?;
    Some(Zeroizing::new(key))
}

fn decrypt(paths: &VaultPaths, raw: &RawVault<'_>, keys: &Keys) -> Result<VaultData, VaultError> {
    let plaintext = raw.open(&keys.master).ok_or_else(|| tampered(paths))?;
    serde_json::from_slice(&plaintext).map_err(|e| VaultError::BadPayload {
        // serde_json's message names a position and an expectation, never the data.
        reason: e.to_string(),
    })
}

/// Serializes, encrypts and atomically writes the vault, then records its generation in
/// the keystore; returns the header written.
///
/// The order matters: the file reaches the disk (fsync, rename, fsync of the folder) before
/// the record is raised, so the record is never ahead of the file on disk and a crash in
/// between cannot lock anyone out. A failure to raise the record is not a failed save (the
/// change is on disk): the record stays behind, which opens fine, and the next save raises it.
fn write(
    paths: &VaultPaths,
    keystore: &dyn Keystore,
    mut header: Header,
    keys: &Keys,
    data: &VaultData,
    backup: Backup,
) -> Result<Header, VaultError> {
    header.generation = header.generation.saturating_add(1);
    let bytes = encode(&header, keys, data)?;
    paths.create_dir()?;
    files::write_vault(paths, &bytes, backup)?;
    let _ = keystore.set_generation(&header.vault_id, header.generation);
    Ok(header)
}

/// The bytes of a vault file holding `data` under `header` (fresh payload nonce).
fn encode(header: &Header, keys: &Keys, data: &VaultData) -> Result<Vec<u8>, VaultError> {
    let mut associated = format::signed_prefix(header);
    let mac = crypto::mac(&keys.header_mac, &associated);
    associated.extend_from_slice(&mac);
    let plaintext =
        Zeroizing::new(
            serde_json::to_vec(data).map_err(|e| VaultError::BadPayload {
                reason: e.to_string(),
            })?,
        );
    Ok(container::seal(associated, &keys.master, &plaintext))
}

fn tampered(paths: &VaultPaths) -> VaultError {
    VaultError::Tampered {
        path: paths.vault.clone(),
        backup: paths.backup.clone(),
    }
}

fn wrong_key(paths: &VaultPaths, has_password: bool) -> VaultError {
    if has_password {
        VaultError::WrongPassword
    } else {
        tampered(paths)
    }
}

fn format_error(paths: &VaultPaths, e: FormatError) -> VaultError {
    match e {
        FormatError::NotAVault => VaultError::NotAVault {
            path: paths.vault.clone(),
        },
        FormatError::Damaged(reason) => VaultError::Damaged {
            path: paths.vault.clone(),
            backup: paths.backup.clone(),
            reason,
        },
        FormatError::UnsupportedVersion(version) => VaultError::UnsupportedVersion { version },
        FormatError::UnknownName { field, name } => VaultError::UnknownName {
            path: paths.vault.clone(),
            field,
            name,
        },
    }
}

#[cfg(test)]
mod tests;
