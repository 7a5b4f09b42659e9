//! Bitwarden's CSV export: one row per item, the authenticator key in `login_totp`, the
//! issuer in `name` and the account in `login_username` (not every exporter writes it).
//! Rows may hold more fields than the header names.

use crate::import::{Entry, Format, ImportError};

/// Whether the first line of `bytes` is a CSV header with a `login_totp` column.
pub(super) fn has_totp_column(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    std::str::from_utf8(first).is_ok_and(|line| {
        line.split(',')
            .any(|column| column.trim().trim_matches('"') == "login_totp")
    })
}

/// One entry per row with a key, in file order.
pub(super) fn entries(bytes: &[u8]) -> Result<Vec<Entry>, ImportError> {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes);
    let headers = reader.headers().map_err(|e| damaged(&e))?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let totp = column("login_totp").ok_or_else(|| ImportError::Damaged {
        format: Format::Bitwarden,
        reason: "it has no login_totp column".into(),
    })?;
    let (name, username) = (column("name"), column("login_username"));
    let mut entries = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| damaged(&e))?;
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
        if let Some(entry) = super::entry(field(name), field(username), field(Some(totp))) {
            entries.push(entry);
        }
    }
    Ok(entries)
}

/// The [`ImportError::Damaged`] for a CSV error, naming the line and never the content.
fn damaged(error: &::csv::Error) -> ImportError {
    let what = match error.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text",
        _ => "it is not valid CSV",
    };
    let reason = match error.position() {
        Some(position) => format!("{what} (line {})", position.line()),
        None => what.to_owned(),
    };
    ImportError::Damaged {
        format: Format::Bitwarden,
        reason,
    }
}
