//! Why a keystore could not be used. Messages say what happened and, where the way out is
//! the same for every reader, what to do; they never name a command-line option (the CLI
//! and the app add their own hints). None contains a secret.

use std::path::PathBuf;

use super::choice::ChoiceOrigin;

/// A keystore failure.
#[derive(Debug, thiserror::Error)]
pub enum KeystoreError {
    /// The OS keystore cannot be reached (on Linux: no D-Bus session or no Secret Service).
    #[error("{store} is not available ({reason}); {hint}")]
    Unavailable {
        /// What was asked, from [`Keystore::describe`](super::Keystore::describe).
        store: String,
        /// What the platform said.
        reason: String,
        /// What to do about it on this platform.
        hint: &'static str,
    },
    /// The OS keystore is locked, or unlocking it was refused or cancelled.
    #[error(
        "{store} is locked or refused access ({reason}); unlock it (log in to your desktop session, or unlock the keyring in your keyring manager) and try again"
    )]
    Locked {
        /// The keystore.
        store: String,
        /// What the platform said.
        reason: String,
    },
    /// Any other failure of the OS keystore.
    #[error("{store} failed: {reason}")]
    Access {
        /// The keystore.
        store: String,
        /// What the platform said.
        reason: String,
    },
    /// The OS keystore holds more than one entry for a vault.
    #[error(
        "{store} holds {count} entries for service `{service}`, user `{user}`; delete all but one in your keyring manager and try again"
    )]
    Duplicate {
        /// The keystore.
        store: String,
        /// The entry's service name.
        service: &'static str,
        /// The entry's user name.
        user: String,
        /// How many entries matched.
        count: usize,
    },
    /// A keystore file that other users may read or write.
    #[error(
        "the keystore file {} is accessible to other users (mode {mode:04o}); run `chmod 600 {}` and, if anyone else could have read it, restore your vaults from a backup export onto a new keystore",
        path.display(),
        path.display()
    )]
    InsecurePermissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// A stored secret or keystore file that cannot be read back.
    #[error(
        "the device key in {location} is damaged: {reason}; the vaults it protects cannot be opened on this device — restore them from a backup export"
    )]
    Corrupt {
        /// Where: the keystore and, when known, the line or entry.
        location: String,
        /// What is wrong (never the secret itself).
        reason: String,
    },
    /// A keystore file in a format this version does not know.
    #[error(
        "the keystore file {} was written by a newer Sesame (format {version}); update Sesame",
        path.display()
    )]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
        /// The format version it names.
        version: u32,
    },
    /// Reading or writing a keystore file failed.
    #[error("cannot use the keystore file {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A keystore choice (given by the caller or in `SESAME_KEYSTORE`) is neither `os` nor
    /// `file:PATH`.
    #[error(
        "{origin} is {given:?}, which is not a keystore: use `os` (the system keystore) or `file:PATH` (a private file, for headless machines)"
    )]
    InvalidChoice {
        /// Where it came from.
        origin: ChoiceOrigin,
        /// What was given.
        given: String,
    },
    /// A vault id that is not 1–64 lower-case hex digits (a bug in the caller).
    #[error("{id:?} is not a vault id (expected lower-case hex digits)")]
    InvalidVaultId {
        /// The id as given (truncated).
        id: String,
    },
    /// This platform has no OS keystore Sesame can use.
    #[error(
        "Sesame has no system keystore on this platform; choose a file keystore (the binding is then only as strong as that file)"
    )]
    Unsupported,
    /// The system random number generator failed.
    #[error("the system random number generator failed: {reason}")]
    Random {
        /// What it said.
        reason: String,
    },
}
