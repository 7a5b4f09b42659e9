//! Imports: what is this file, and which accounts does it hold?
//!
//! [`read_file`] and [`read_bytes`] look at a file the user hands over and say what it
//! is: a Sesame backup (detected by its magic; it still needs its password, see
//! [`crate::backup::open_backup`]), a text list of `otpauth://` or `otpauth-migration://`
//! links ([`parse_lines`]), or an image holding such QR codes ([`crate::qr::decode_bytes`]).
//! Both faces go through here (the CLI's `import`, the app's file and image scans), so a
//! format recognised here reaches both.
//!
//! Each format is a submodule (`lines` for link lists); other authenticators' exports
//! (Aegis, 2FAS, Bitwarden, …, issue 13) are added the same way, with detection in
//! [`read_bytes`]. Failures are an [`ImportError`]; the encrypted Sesame backup keeps its
//! own format and errors in [`crate::backup`].

use std::path::Path;

use crate::account::ParsedAccount;
use crate::backup;

mod error;
mod lines;

pub use error::ImportError;
pub use lines::parse_lines;

/// What an import file held.
#[derive(Debug)]
pub enum Imported {
    /// A Sesame backup (needs its password: call [`backup::open_backup`]).
    Backup(Vec<u8>),
    /// Accounts from links or QR images.
    Accounts(Vec<ParsedAccount>),
}

/// Reads an import file: a Sesame backup, a text file of `otpauth://` or
/// `otpauth-migration://` links (one per line; blank lines and `#` comments skipped), or an
/// image holding such QR codes.
pub fn read_file(path: &Path) -> Result<Imported, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        path: path.to_owned(),
        source,
    })?;
    read_bytes(bytes, &path.display().to_string())
}

/// Like [`read_file`], for bytes already read (a dropped or pasted file); `name` says
/// where they came from in errors.
pub fn read_bytes(bytes: Vec<u8>, name: &str) -> Result<Imported, ImportError> {
    if backup::is_backup(&bytes) {
        return Ok(Imported::Backup(bytes));
    }
    let name = name.to_owned();
    let texts: Vec<String> = match std::str::from_utf8(&bytes) {
        Ok(text) if !text.contains('\0') => text.lines().map(str::to_owned).collect(),
        _ => crate::qr::decode_bytes(&bytes)?,
    };
    let accounts = parse_lines(&texts)?;
    if accounts.is_empty() {
        return Err(ImportError::Nothing(name));
    }
    Ok(Imported::Accounts(accounts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_told_apart() {
        let mut bytes = backup::MAGIC.to_vec();
        bytes.extend_from_slice(b"anything");
        assert!(matches!(
            read_bytes(bytes, "b"),
            Ok(Imported::Backup(b)) if b.starts_with(backup::MAGIC)
        ));
        let list = b"# a list\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP&issuer=A\n".to_vec();
        match read_bytes(list, "list") {
            Ok(Imported::Accounts(accounts)) => assert_eq!(accounts.len(), 1),
            other => panic!("{other:?}"),
        }
        match read_bytes(b"# nothing here\n\n".to_vec(), "notes.txt") {
            Err(e @ ImportError::Nothing(_)) => assert!(e.to_string().starts_with("notes.txt ")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            read_bytes(vec![0, 1, 2], "junk"),
            Err(ImportError::Qr(_))
        ));
    }

    #[test]
    fn unreadable_files_name_the_path() {
        let err = read_file(Path::new("/nonexistent/sesame-import")).unwrap_err();
        assert!(matches!(err, ImportError::Io { .. }));
        assert!(
            err.to_string()
                .starts_with("cannot read /nonexistent/sesame-import: "),
            "{err}"
        );
    }
}
