//! Reading fixtures and describing what was read, one line per entry.

use std::path::PathBuf;

use sesame::account::Warning;
use sesame::import::{self, Entry, Export, Format, ImportError, Imported, Options};
use sesame::otp::Kind;

/// The folder of import fixtures beside the repository.
pub fn corpus() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/imports"
    ))
}

/// A fixture's bytes (the corpus sits beside the repository, as CI checks it out).
pub fn bytes(path: &str) -> Vec<u8> {
    let full = corpus().join(path);
    std::fs::read(&full).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the shared corpus sits beside the repo)",
            full.display()
        )
    })
}

/// Reads a fixture as `format` would be detected, with `password`; the format must be
/// recognised from the content.
pub fn read(path: &str, format: Format, password: Option<&str>) -> Export {
    let data = bytes(path);
    assert_eq!(
        import::detect(&data),
        Some(format),
        "{path} is detected as {format}"
    );
    match try_read(path, password) {
        Ok(export) => export,
        Err(e) => panic!("{path}: {e}"),
    }
}

/// Reads a fixture with `password`, detecting its format.
pub fn try_read(path: &str, password: Option<&str>) -> Result<Export, ImportError> {
    let options = Options {
        format: None,
        password,
    };
    match import::read_bytes(&bytes(path), path, options)? {
        Imported::Export(export) => Ok(export),
        Imported::Backup(_) => panic!("{path} is a Sesame backup"),
    }
}

/// One line per entry: `kind issuer / name algorithm digits period-or-counter SECRETB32`,
/// or `skipped label: reason`.
pub fn describe(export: &Export) -> Vec<String> {
    export
        .entries
        .iter()
        .map(|entry| match entry {
            Entry::Account(p) => {
                let a = &p.account;
                let (kind, n) = match a.params.kind {
                    Kind::Totp { period } => ("totp", period),
                    Kind::Hotp { counter } => ("hotp", counter),
                    Kind::Steam { period } => ("steam", period),
                };
                format!(
                    "{kind} {} / {} {} {} {n} {}",
                    a.issuer.as_deref().unwrap_or("-"),
                    a.name,
                    a.params.algorithm,
                    a.params.digits,
                    a.secret.to_base32().as_str()
                )
            }
            Entry::Skipped(s) => format!("skipped {}: {}", s.label, s.reason),
        })
        .collect()
}

/// Asserts an export's entries, line by line (see [`describe`]).
pub fn assert_entries(export: &Export, expected: &[&str]) {
    let got = describe(export);
    assert_eq!(got, expected, "entries of a {} export", export.format);
}

/// The accounts whose secret had its last character dropped
/// ([`Warning::SecretTrimmed`]), as `issuer / name` (as in [`describe`]) and the secret's
/// length before, in entry order.
pub fn trimmed(export: &Export) -> Vec<(String, usize)> {
    export
        .entries
        .iter()
        .filter_map(|entry| match entry {
            Entry::Account(p) => Some(p),
            Entry::Skipped(_) => None,
        })
        .flat_map(|p| {
            let a = &p.account;
            let label = format!("{} / {}", a.issuer.as_deref().unwrap_or("-"), a.name);
            p.warnings.iter().filter_map(move |w| match w {
                Warning::SecretTrimmed { length } => Some((label.clone(), *length)),
                _ => None,
            })
        })
        .collect()
}

/// [`trimmed`] for expectations written as `(&str, usize)`.
pub fn assert_trimmed(export: &Export, expected: &[(&str, usize)]) {
    let expected: Vec<(String, usize)> = expected
        .iter()
        .map(|(label, length)| ((*label).to_owned(), *length))
        .collect();
    assert_eq!(
        trimmed(export),
        expected,
        "trimmed secrets of a {} export",
        export.format
    );
}
