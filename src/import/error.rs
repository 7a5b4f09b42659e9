//! [`ImportError`]: why a file could not be read as an import. Messages say what happened
//! and name no command or flag; the faces add what to do.

use std::path::PathBuf;

use crate::link::LinkError;
use crate::qr::QrError;

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
    /// Nothing importable was found.
    #[error(
        "{0} holds no accounts Sesame can import (expected a Sesame backup, a list of otpauth:// links, a migration link, or a QR image)"
    )]
    Nothing(String),
    /// A QR image could not be read.
    #[error(transparent)]
    Qr(#[from] QrError),
}
