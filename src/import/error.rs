//! [`ImportError`]: why a file could not be read as an import. Messages say what happened
//! and name no command or flag; the faces add what to do.

use std::path::PathBuf;

use crate::link::LinkError;
use crate::qr::QrError;

use super::Format;

/// Why an import file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A link in a list or QR image is invalid.
    #[error("line {line}: {source}")]
    Link {
        /// 1-based line (or image) number.
        line: usize,
        /// What is wrong with it.
        source: LinkError,
    },
    /// The file was recognised but holds no entries at all.
    #[error("{0} holds no accounts")]
    Nothing(String),
    /// The file is not one Sesame reads.
    #[error("{name} is {looks_like}, not an export Sesame reads (Sesame reads: {formats})", formats = Format::ALL.map(Format::name).join(", "))]
    Unrecognised {
        /// Where the bytes came from.
        name: String,
        /// What the file looks like ("a ZIP archive", "JSON", "an empty file").
        looks_like: String,
    },
    /// The export is encrypted and no password was given.
    #[error("this {0} export is encrypted: its password is needed")]
    PasswordNeeded(Format),
    /// The password does not open the export.
    #[error("wrong password for this {0} export")]
    WrongPassword(Format),
    /// The file is of this format but broken (truncated, edited, not what the format says).
    #[error("this {format} export is damaged: {reason}")]
    Damaged {
        /// The format it claims to be.
        format: Format,
        /// What is wrong (never a secret).
        reason: String,
    },
    /// A valid export that Sesame cannot open (e.g. a Bitwarden export restricted to its
    /// account).
    #[error("this {format} export cannot be imported: {reason}")]
    Unsupported {
        /// Its format.
        format: Format,
        /// Why, and what to do instead.
        reason: String,
    },
    /// The export asks for more key-derivation work than Sesame allows (a hostile file
    /// could demand gigabytes or hours per password attempt).
    #[error("this {format} export asks for too much key-derivation work ({what}; at most {limit})")]
    TooCostly {
        /// Its format.
        format: Format,
        /// What it asks for ("scrypt N = 2^24").
        what: String,
        /// The ceiling.
        limit: String,
    },
    /// A QR image could not be read.
    #[error(transparent)]
    Qr(#[from] QrError),
}

impl ImportError {
    /// [`ImportError::Damaged`] for `format`, saying what is wrong (never a secret).
    pub(crate) fn damaged(format: Format, reason: impl Into<String>) -> Self {
        ImportError::Damaged {
            format,
            reason: reason.into(),
        }
    }
}
