//! Everything that can go wrong with a vault.
//!
//! Messages say what happened (and, where it is the same for every reader, the way out:
//! "restore a backup export", "update Sesame"). They never name a command or a flag: the
//! CLI adds its own hint line and the app its own advice, each from the variant.

use std::path::PathBuf;

use crate::crypto::{KdfCost, KdfOutOfBounds};
use crate::keystore::KeystoreError;
use crate::otp::OtpError;

/// A vault operation failed. Messages never contain secrets.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// There is no vault yet.
    #[error("there is no vault at {}", path.display())]
    NotFound {
        /// The vault file looked for.
        path: PathBuf,
    },
    /// `init` on an existing vault.
    #[error("a vault already exists at {}; it was left untouched", path.display())]
    AlreadyExists {
        /// The existing vault file.
        path: PathBuf,
    },
    /// The file does not start like a Sesame vault.
    #[error("{} is not a Sesame vault", path.display())]
    NotAVault {
        /// The file.
        path: PathBuf,
    },
    /// The file is cut short or its structure is broken.
    #[error(
        "the vault file {} is damaged ({reason}); restore {} or a backup export",
        path.display(),
        backup.display()
    )]
    Damaged {
        /// The file.
        path: PathBuf,
        /// The previous generation kept beside it.
        backup: PathBuf,
        /// What is broken.
        reason: String,
    },
    /// Written by a newer Sesame.
    #[error(
        "this vault uses format version {version}, which this Sesame cannot read; update Sesame"
    )]
    UnsupportedVersion {
        /// The file's version.
        version: u32,
    },
    /// The header names a format or an algorithm this Sesame does not know.
    #[error(
        "the vault file {} names a {field} this Sesame does not know (\"{name}\"); a newer Sesame wrote it, or it is damaged",
        path.display()
    )]
    UnknownName {
        /// The file.
        path: PathBuf,
        /// Which header field (`format`, `password.algorithm`).
        field: &'static str,
        /// The name it holds (at most 40 characters shown).
        name: String,
    },
    /// Key-derivation costs outside what we are willing to spend.
    #[error(
        "the vault asks for an Argon2id cost outside the accepted range ({} KiB, {} passes, {} lanes); the file is damaged or hostile",
        cost.memory_kib, cost.iterations, cost.lanes
    )]
    KdfOutOfBounds {
        /// The refused cost.
        cost: KdfCost,
    },
    /// The device secret for this vault is not in this keystore.
    #[error(
        "this vault is bound to another device: its device key is not in {keystore}; restore from a backup export"
    )]
    BoundToAnotherDevice {
        /// Where we looked.
        keystore: String,
    },
    /// Authenticated data did not verify although the device key is right.
    #[error(
        "the vault file {} was modified outside Sesame or is damaged; restore {} or a backup export",
        path.display(),
        backup.display()
    )]
    Tampered {
        /// The file.
        path: PathBuf,
        /// The previous generation.
        backup: PathBuf,
    },
    /// The vault file is older than the newest generation this device saved (recorded in
    /// the keystore): an older copy was put in its place. Nothing was read into use or
    /// changed; the caller may accept it deliberately
    /// ([`Vault::open_accepting_rollback`](super::Vault::open_accepting_rollback)).
    #[error(
        "the vault file {} is an older copy (save {file_generation}; this device last saved {expected}): an older file was put in place of the newest one, by a restore, a sync tool or someone else. Nothing was changed: put the newest file back, or accept this older copy deliberately (changes made since it was saved are then lost)",
        path.display()
    )]
    RolledBack {
        /// The file.
        path: PathBuf,
        /// The generation the file holds.
        file_generation: u64,
        /// The newest generation this device saved.
        expected: u64,
    },
    /// The vault has a password and none was given.
    #[error("this vault is protected by a password and none was given")]
    PasswordRequired,
    /// The password does not unlock the vault.
    #[error("wrong password")]
    WrongPassword,
    /// The device keystore failed.
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
    /// A file operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What we were doing (`read`, `write`, `lock`, …).
        action: &'static str,
        /// On which file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The vault folder can be written by other users, who could swap the files in it.
    #[error(
        "the vault folder {} can be changed by other users (permissions {mode:o}); make it accessible to its owner only (permissions 700) or keep the vault in another folder",
        path.display()
    )]
    UnsafeFolder {
        /// The folder.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A file Sesame writes is in the way and is not a regular file (a symbolic link, say).
    #[error(
        "{} is a symbolic link or not a regular file, and Sesame will not write through it; the vault was not changed. Sesame did not put it there: check who did, then remove it",
        path.display()
    )]
    UnsafeFile {
        /// The file.
        path: PathBuf,
    },
    /// Another process holds the vault lock.
    #[error(
        "the vault is busy: {holder} has held it for over {waited_ms} ms; try again when it is done"
    )]
    Locked {
        /// Who holds it, as it described itself.
        holder: String,
        /// How long we waited.
        waited_ms: u64,
    },
    /// Another process re-keyed the vault (for example changed the password) since we opened it.
    #[error(
        "the vault was re-keyed by another Sesame (password changed?) since it was unlocked here; unlock it again"
    )]
    ChangedElsewhere,
    /// The decrypted contents are not what this Sesame writes.
    #[error("the vault's contents cannot be read ({reason}); restore a backup export")]
    BadPayload {
        /// The parser's complaint, without data.
        reason: String,
    },
    /// No account matches.
    #[error("no account matches \"{query}\"")]
    NoSuchAccount {
        /// What was asked for.
        query: String,
    },
    /// Several accounts match.
    #[error("\"{query}\" matches several accounts: {}; be more specific or use the id", matches.join(", "))]
    Ambiguous {
        /// What was asked for.
        query: String,
        /// The labels (with short ids) of the candidates.
        matches: Vec<String>,
    },
    /// A position outside the list.
    #[error("position {position} is outside the list of {len} accounts")]
    BadPosition {
        /// Asked position (1-based).
        position: usize,
        /// Number of accounts.
        len: usize,
    },
    /// An operation that needs a different kind of account.
    #[error("{label} is not a {expected} account")]
    WrongKind {
        /// The account.
        label: String,
        /// `HOTP`, `TOTP`.
        expected: &'static str,
    },
    /// A stored account whose parameters codes cannot be computed with (an account imported
    /// from a file another program wrote, for example).
    #[error("{label} cannot make codes: {source}")]
    NoCodes {
        /// The account.
        label: String,
        /// Why not.
        source: OtpError,
    },
}

impl From<KdfOutOfBounds> for VaultError {
    fn from(e: KdfOutOfBounds) -> Self {
        VaultError::KdfOutOfBounds { cost: e.cost }
    }
}
