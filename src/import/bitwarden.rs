//! Bitwarden: the password manager's JSON export (plain or password-protected) and CSV
//! export, and the Bitwarden Authenticator app's JSON export (the same `items[].login.totp`
//! shape). Each item with a `totp` is an entry; an item without one is a password, not an
//! account, and is not an entry at all.
//!
//! `totp` is an `otpauth://` link, `steam://SECRET`, or a bare Base32 secret. The item's
//! `name` is the issuer and `login.username` the account, unless a link names its own.

mod crypto;
mod csv;

use serde::Deserialize;

use crate::account::{Account, Warning};
use crate::otp::Params;

use super::{
    Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, decode_secret, json,
};

/// Bitwarden's JSON and CSV exports and Bitwarden Authenticator's JSON export.
pub(crate) struct Bitwarden;

impl Reader for Bitwarden {
    fn format(&self) -> Format {
        Format::Bitwarden
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        let json = json::object_has(bytes, &["encrypted", "items"])
            || json::object_has(bytes, &["encrypted", "encKeyValidation_DO_NOT_EDIT"]);
        (json || csv::has_totp_column(bytes)).then_some(Confidence::Sure)
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        if !bytes.trim_ascii_start().starts_with(b"{") {
            return Ok(Export::new(Format::Bitwarden, false, csv::entries(bytes)?));
        }
        let header: Header = json::parse(Format::Bitwarden, bytes)?;
        if !header.encrypted {
            let vault: Vault = json::parse(Format::Bitwarden, bytes)?;
            return Ok(Export::new(Format::Bitwarden, false, vault.entries()));
        }
        if !header.password_protected {
            return Err(ImportError::Unsupported {
                format: Format::Bitwarden,
                reason: "it is encrypted with your Bitwarden account's key and cannot be opened \
                         outside Bitwarden; export again as \"JSON (password protected)\" or \
                         plain JSON"
                    .into(),
            });
        }
        let plain = crypto::decrypt(bytes, password)?;
        let vault: Vault = json::parse(Format::Bitwarden, &plain)?;
        Ok(Export::new(Format::Bitwarden, true, vault.entries()))
    }
}

/// What says how to read the rest.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    encrypted: bool,
    #[serde(default, rename = "passwordProtected")]
    password_protected: bool,
}

/// A plain export (or a password-protected one's decrypted `data`).
#[derive(Deserialize)]
struct Vault {
    #[serde(default)]
    items: Vec<Item>,
}

/// One vault item; only logins have a `login`.
#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    login: Option<Login>,
}

/// A login's username and authenticator key.
#[derive(Deserialize)]
struct Login {
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    totp: Option<String>,
}

impl Vault {
    /// One entry per item with an authenticator key, in file order.
    fn entries(&self) -> Vec<Entry> {
        self.items
            .iter()
            .filter_map(|item| {
                let login = item.login.as_ref()?;
                let totp = login.totp.as_deref()?;
                entry(
                    item.name.as_deref().unwrap_or(""),
                    login.username.as_deref().unwrap_or(""),
                    totp,
                )
            })
            .collect()
    }
}

/// The entry for one item's `totp` value under its `name` and `username`; `None` when the
/// value is blank (a login without an authenticator key).
fn entry(name: &str, username: &str, totp: &str) -> Option<Entry> {
    let totp = totp.trim();
    if totp.is_empty() {
        return None;
    }
    let label = match (name.trim(), username.trim()) {
        (name, "") => name.to_owned(),
        ("", username) => username.to_owned(),
        (name, username) => format!("{name}: {username}"),
    };
    let invalid = |reason: String| Entry::skipped(&label, SkipReason::Invalid(reason));
    if starts_with_ignore_case(totp, "otpauth://") {
        return Some(match crate::uri::parse_lenient(totp) {
            Ok(parsed) => link_entry(name, username, parsed.account, parsed.warnings),
            Err(e) => invalid(e.to_string()),
        });
    }
    let (secret, params) = match totp.get(..8) {
        Some(scheme) if scheme.eq_ignore_ascii_case("steam://") => (&totp[8..], Params::steam()),
        _ => (totp, Params::default()),
    };
    Some(match decode_secret(secret) {
        Ok((secret, warnings)) => {
            Entry::from_account(Account::new(Some(name), username, secret, params), warnings)
        }
        Err(e) => invalid(e.to_string()),
    })
}

/// A link's account, with the item's name and username filling what the link leaves out.
fn link_entry(name: &str, username: &str, mut account: Account, warnings: Vec<Warning>) -> Entry {
    if account.issuer.is_none() {
        account = Account::new(Some(name), &account.name, account.secret, account.params);
    }
    if account.name.is_empty() {
        account.name = username.trim().to_owned();
    }
    // The short-secret and no-codes warnings are added again by `Entry::from_account`.
    let warnings = warnings
        .into_iter()
        .filter(|w| {
            matches!(
                w,
                Warning::IssuerMismatch { .. } | Warning::SecretTrimmed { .. }
            )
        })
        .collect();
    Entry::from_account(account, warnings)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Kind;

    fn read(text: &str) -> Export {
        Bitwarden.read(text.as_bytes(), None).unwrap()
    }

    #[test]
    fn links_steam_and_bare_secrets_are_read_and_logins_without_keys_are_not_entries() {
        let export = read(
            r#"{"encrypted": false, "items": [
                {"type": 1, "name": "Pass", "login": {"username": "u", "totp": null}},
                {"type": 2, "name": "Note"},
                {"type": 1, "name": "Item", "login": {"username": "bob",
                 "totp": "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub"}},
                {"type": 1, "name": "Item", "login": {"username": "bob",
                 "totp": "otpauth://totp/?secret=JBSWY3DPEHPK3PXP"}},
                {"type": 1, "name": "Valve", "login": {"username": "gabe", "totp": "steam://JBSWY3DPEHPK3PXP"}},
                {"type": 1, "name": "Bare", "login": {"totp": "jbsw y3dp ehpk 3pxp"}},
                {"type": 1, "name": "Bad", "login": {"username": "x", "totp": "not base32!"}}
            ]}"#,
        );
        let accounts: Vec<_> = export.accounts().map(|p| &p.account).collect();
        assert_eq!(accounts.len(), 4);
        assert_eq!(accounts[0].label(), "GitHub: alice");
        assert_eq!(accounts[1].label(), "Item: bob");
        assert_eq!(accounts[2].label(), "Valve: gabe");
        assert!(matches!(
            accounts[2].params.kind,
            Kind::Steam { period: 30 }
        ));
        assert_eq!(accounts[3].label(), "Bare: ");
        assert_eq!(accounts[3].params, Params::default());
        let skipped: Vec<_> = export.skipped().collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].label, "Bad: x");
        assert!(!skipped[0].reason.to_string().contains("not base32"));
    }

    #[test]
    fn account_restricted_exports_are_refused_with_what_to_do() {
        let bytes =
            br#"{"encrypted": true, "encKeyValidation_DO_NOT_EDIT": "2.a|b|c", "items": []}"#;
        assert_eq!(Bitwarden.detect(bytes), Some(Confidence::Sure));
        match Bitwarden.read(bytes, Some("pw")) {
            Err(ImportError::Unsupported { format, reason }) => {
                assert_eq!(format, Format::Bitwarden);
                assert!(reason.contains("JSON (password protected)"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn damaged_and_foreign_files_are_typed_errors() {
        let whole = br#"{"encrypted": false, "items": [{"login": {"totp": "JBSWY3DPEHPK3PXP"}}]}"#;
        for end in 0..whole.len() {
            let _ = Bitwarden.read(&whole[..end], None);
        }
        assert!(matches!(
            Bitwarden.read(&whole[..whole.len() - 3], None),
            Err(ImportError::Damaged { .. })
        ));
        assert!(matches!(
            Bitwarden.read(br#"{"encrypted": false, "items": 3}"#, None),
            Err(ImportError::Damaged { .. })
        ));
        let mut state = 7u32;
        for len in [0usize, 1, 5, 64, 1000] {
            let noise: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (state >> 16) as u8
                })
                .collect();
            assert!(
                Bitwarden
                    .read(&noise, None)
                    .is_ok_and(|e| e.entries.is_empty())
                    || matches!(
                        Bitwarden.read(&noise, None),
                        Err(ImportError::Damaged { .. })
                    )
            );
        }
        assert_eq!(Bitwarden.detect(b"{\"items\": []}"), None);
    }
}
