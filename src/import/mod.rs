//! Imports: what is this file, and which accounts does it hold?
//!
//! [`read_file`] and [`read_bytes`] look at a file the user hands over, recognise its
//! format from the content (or take the one the user names), and read every entry into an
//! [`Export`]: accounts, and entries skipped with their reason, so a summary can account
//! for every entry. A Sesame backup is recognised here but opened by
//! [`crate::backup::open_backup`] (it restores ids and history, not just accounts).
//!
//! Each format is a submodule with one [`Reader`]: `detect` says how sure it is that bytes
//! are its format, `read` reads them with an optional password. The KDF and cipher each
//! encrypted format needs come from RustCrypto crates, with the file's parameters bounded
//! by [`limits`] before any work. Failures are an [`ImportError`]: a wrong password, a
//! damaged file and an unrecognised one are told apart, and no message carries a secret.
//! Both faces go through here (the CLI's `import`, the app's file and image scans).

use std::path::Path;

use crate::account::Warning;
use crate::backup;
use crate::secret::{Secret, SecretError};

mod aegis;
mod andotp;
mod bitwarden;
mod ente;
mod error;
mod export;
mod fields;
mod format;
mod freeotp;
mod freeotp_plus;
mod json;
mod lastpass;
pub(crate) mod limits;
mod lines;
mod proton;
mod qr_image;
mod stratum;
mod twofas;

pub use aegis::{AegisExport, LeftOut, aegis_json};
pub use error::ImportError;
pub use export::{Entry, Export, SkipReason, Skipped};
pub use format::{Format, UnknownFormat};
pub use lines::parse_lines;

/// How sure a reader is that bytes are its format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// It could be (e.g. JSON with a field the format has).
    Maybe,
    /// It is (a magic number, or fields only this format has).
    Sure,
}

/// One format: how to recognise it and how to read it.
pub(crate) trait Reader: Sync {
    /// The format this reads.
    fn format(&self) -> Format;
    /// How sure this reader is that `bytes` are its format; `None` when they are not.
    fn detect(&self, bytes: &[u8]) -> Option<Confidence>;
    /// Reads every entry. An encrypted export without `password` is
    /// [`ImportError::PasswordNeeded`].
    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError>;
}

/// Every reader, in the order detection breaks ties.
fn readers() -> &'static [&'static dyn Reader] {
    &[
        &aegis::AegisVault,
        &twofas::TwoFas,
        &ente::Ente,
        &bitwarden::Bitwarden,
        &proton::Proton,
        &lastpass::LastPass,
        &freeotp_plus::FreeOtpPlus,
        &freeotp::FreeOtp,
        &stratum::Stratum,
        // andOTP's encrypted files have no header: it only says "maybe", and last.
        &andotp::AndOtp,
        &lines::LinkList,
        &qr_image::QrImage,
    ]
}

/// Decodes a Base32 secret read from another app's export with
/// [`Secret::from_base32_lenient`]: one character too many is dropped, as those apps do,
/// and the warning saying so comes back with the secret.
fn decode_secret(text: &str) -> Result<(Secret, Vec<Warning>), SecretError> {
    let (secret, warning) = Secret::from_base32_lenient(text)?;
    Ok((secret, warning.map(Warning::from).into_iter().collect()))
}

/// What an import file held.
#[derive(Debug)]
pub enum Imported {
    /// A Sesame backup (needs its password: call [`backup::open_backup`]).
    Backup(Vec<u8>),
    /// Another app's export, links or QR images, read entry by entry.
    Export(Export),
}

/// How to read a file: the format when the user names one, and the export's password.
#[derive(Debug, Default, Clone, Copy)]
pub struct Options<'a> {
    /// Read as this format instead of recognising it.
    pub format: Option<Format>,
    /// The export's password, for an encrypted export.
    pub password: Option<&'a str>,
}

/// Reads an import file: see the module documentation.
pub fn read_file(path: &Path, options: Options<'_>) -> Result<Imported, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_bytes(&bytes, &path.display().to_string(), options)
}

/// Like [`read_file`], for bytes already read (a dropped or pasted file); `name` says
/// where they came from in errors.
pub fn read_bytes(bytes: &[u8], name: &str, options: Options<'_>) -> Result<Imported, ImportError> {
    let format = match options.format {
        Some(format) => format,
        None => detect(bytes).ok_or_else(|| ImportError::Unrecognised {
            name: name.to_owned(),
            looks_like: looks_like(bytes),
        })?,
    };
    if format == Format::Sesame {
        return Ok(Imported::Backup(bytes.to_vec()));
    }
    let reader = readers()
        .iter()
        .find(|r| r.format() == format)
        .ok_or_else(|| ImportError::Unsupported {
            format,
            reason: "Sesame cannot read this format yet".into(),
        })?;
    let export = reader.read(bytes, options.password)?;
    if export.entries.is_empty() {
        return Err(ImportError::Nothing(name.to_owned()));
    }
    Ok(Imported::Export(export))
}

/// The format `bytes` are in, by content: the surest reader wins, ties go to the first.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    if backup::is_backup(bytes) {
        return Some(Format::Sesame);
    }
    let mut best: Option<(Confidence, Format)> = None;
    for reader in readers() {
        if let Some(confidence) = reader.detect(bytes)
            && best.is_none_or(|(b, _)| confidence > b)
        {
            best = Some((confidence, reader.format()));
        }
    }
    best.map(|(_, format)| format)
}

/// What an unrecognised file looks like, for the error.
fn looks_like(bytes: &[u8]) -> String {
    let trimmed = bytes.trim_ascii_start();
    let what = if bytes.is_empty() {
        "an empty file"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "a ZIP archive"
    } else if bytes.starts_with(&[0x03, 0xd9, 0xa2, 0x9a]) {
        "a KeePass database"
    } else if bytes.starts_with(b"SQLite format 3\0") {
        "an SQLite database"
    } else if bytes.starts_with(b"%PDF") {
        "a PDF document"
    } else if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok() {
        "JSON"
    } else if trimmed.starts_with(b"<") && std::str::from_utf8(bytes).is_ok() {
        "HTML or XML"
    } else if std::str::from_utf8(bytes).is_ok_and(|t| !t.contains('\0')) {
        "text without otpauth:// links"
    } else {
        "binary data"
    };
    what.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Imported, ImportError> {
        read_bytes(bytes, "the file", Options::default())
    }

    #[test]
    fn files_are_told_apart() {
        let mut bytes = backup::MAGIC.to_vec();
        bytes.extend_from_slice(b"anything");
        assert!(matches!(
            read(&bytes),
            Ok(Imported::Backup(b)) if b.starts_with(backup::MAGIC)
        ));
        let list = b"# a list\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\n";
        match read(list) {
            Ok(Imported::Export(export)) => {
                assert_eq!(export.format, Format::Links);
                assert_eq!(export.accounts().count(), 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unrecognised_files_say_what_they_look_like() {
        for (bytes, looks) in [
            (&b""[..], "an empty file"),
            (b"PK\x03\x04rest", "a ZIP archive"),
            (b"{\"hello\": 1}", "JSON"),
            (b"# nothing here\n\n", "text without otpauth:// links"),
            (&[0, 1, 2, 0xff][..], "binary data"),
        ] {
            match read(bytes) {
                Err(e @ ImportError::Unrecognised { .. }) => {
                    let text = e.to_string();
                    assert!(
                        text.starts_with(&format!("the file is {looks}, ")),
                        "{text}"
                    );
                    assert!(text.contains("Aegis"), "{text}");
                }
                other => panic!("{looks}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_named_format_is_read_as_that_format() {
        let list = b"otpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\n";
        let options = Options {
            format: Some(Format::QrImage),
            password: None,
        };
        assert!(matches!(
            read_bytes(list, "x", options),
            Err(ImportError::Qr(_))
        ));
    }

    #[test]
    fn unreadable_files_name_the_path() {
        let err =
            read_file(Path::new("/nonexistent/sesame-import"), Options::default()).unwrap_err();
        assert!(matches!(err, ImportError::Io { .. }));
        assert!(
            err.to_string()
                .starts_with("cannot read /nonexistent/sesame-import: "),
            "{err}"
        );
    }
}
