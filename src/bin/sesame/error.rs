//! The CLI's error type: every core error, shown as one actionable line.

use std::process::ExitCode;

/// Exit status for a negative answer (wrong code, no QR code found).
pub const EXIT_NO: u8 = 1;
/// Exit status for an error.
pub const EXIT_ERROR: u8 = 2;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A secret that is not valid Base32.
    #[error("{0}")]
    Secret(#[from] sesame::SecretError),
    /// OTP parameters codes cannot be computed with.
    #[error("{0}")]
    Otp(#[from] sesame::OtpError),
    /// A link that cannot be read.
    #[error("{0}")]
    Link(#[from] sesame::link::LinkError),
    /// An image that cannot be read or a text that cannot be encoded.
    #[error("{0}")]
    Qr(#[from] sesame::qr::QrError),
    /// Time measurement failed.
    #[error("{0}")]
    Time(#[from] sesame::clock::TimeError),
    /// The vault refused.
    #[error("{0}")]
    Vault(#[from] sesame::vault::VaultError),
    /// The device keystore refused.
    #[error("{0}")]
    Keystore(#[from] sesame::keystore::KeystoreError),
    /// An import or export failed.
    #[error("{0}")]
    Backup(#[from] sesame::backup::BackupError),
    /// Writing output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Where.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Options that do not go together or a value out of range.
    #[error("{0}")]
    Usage(String),
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(EXIT_ERROR)
    }
}
