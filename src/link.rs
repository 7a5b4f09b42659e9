//! Any supported link (`otpauth://` or `otpauth-migration://`) to accounts.
//!
//! This is what the CLI's `parse`/`add` and the app call with scanned or pasted text: the
//! scheme (case-insensitive, surrounding whitespace trimmed) picks [`uri::parse`] or
//! [`migration::decode`].

use crate::account::ParsedAccount;
use crate::migration::{self, MigrationError};
use crate::uri::{self, UriError};

/// Longest scheme repeated in an error message.
const MAX_SCHEME_CHARS: usize = 32;

/// Why a link gave no accounts. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// A bad `otpauth://` link.
    #[error(transparent)]
    Uri(#[from] UriError),
    /// A bad `otpauth-migration://` link.
    #[error(transparent)]
    Migration(#[from] MigrationError),
    /// A link with another scheme (`https`, `mailto`, …).
    #[error("{scheme}: links are not supported: expected otpauth:// or otpauth-migration://")]
    UnknownScheme {
        /// The scheme, as written.
        scheme: String,
    },
    /// Text that is not a link at all (it is not repeated: it may be a secret).
    #[error("this is not a link: expected otpauth:// or otpauth-migration://")]
    NotALink,
}

/// Reads the accounts in one link: one for `otpauth://`, one or more for a migration batch.
pub fn parse(text: &str) -> Result<Vec<ParsedAccount>, LinkError> {
    read(text, uri::parse)
}

/// Like [`parse`], for links inside another app's export: `otpauth://` links go through
/// [`uri::parse_lenient`], which accepts secrets one Base32 character too long with a
/// warning. (Migration links carry raw bytes, so there is nothing to be lenient about.)
pub fn parse_lenient(text: &str) -> Result<Vec<ParsedAccount>, LinkError> {
    read(text, uri::parse_lenient)
}

/// [`parse`] or [`parse_lenient`], reading `otpauth://` links with `otpauth`.
fn read(
    text: &str,
    otpauth: fn(&str) -> Result<ParsedAccount, UriError>,
) -> Result<Vec<ParsedAccount>, LinkError> {
    let text = text.trim();
    let scheme = scheme(text).ok_or(LinkError::NotALink)?;
    if scheme.eq_ignore_ascii_case("otpauth") {
        Ok(vec![otpauth(text)?])
    } else if scheme.eq_ignore_ascii_case("otpauth-migration") {
        Ok(migration::decode(text)?.accounts)
    } else {
        Err(LinkError::UnknownScheme {
            scheme: scheme.to_owned(),
        })
    }
}

/// The RFC 3986 scheme before the first `:`, if `text` starts with a short one.
fn scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && scheme.len() <= MAX_SCHEME_CHARS;
    valid.then_some(scheme)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Params;

    const TOTP: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";
    // Two accounts, from the QR corpus.
    const MIGRATION: &str = "otpauth-migration://offline?data=Cj4KFEvAPThBSyU2Z3oQTLaBcp8G95dOEhZsZWUuY2hlbkBmYWJyaWthbS50ZXN0GghGYWJyaWthbSABKAEwAgowChC3Osd5%2BUe2oyM3Y85ski%2FlEgl2cG4tdG9rZW4aCVByb3Nld2FyZSABKAEwATgqEAEYASjDrp%2BNBw%3D%3D";

    #[test]
    fn dispatches_on_the_scheme() {
        let accounts = parse(TOTP).unwrap();
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].account.params, Params::default());
        assert_eq!(parse(MIGRATION).unwrap().len(), 2);
    }

    #[test]
    fn scheme_is_case_insensitive_and_whitespace_trimmed() {
        let upper = TOTP.replace("otpauth://totp", "OTPAUTH://TOTP");
        assert_eq!(parse(&format!("\n  {upper}\r\n")).unwrap().len(), 1);
        let upper = MIGRATION.replace("otpauth-migration", "OtpAuth-Migration");
        assert_eq!(parse(&format!("\t{upper} ")).unwrap().len(), 2);
    }

    #[test]
    fn errors_come_from_the_right_parser() {
        assert_eq!(
            parse("otpauth://totp/a"),
            Err(LinkError::Uri(UriError::MissingSecret))
        );
        assert_eq!(
            parse("otpauth-migration://offline"),
            Err(LinkError::Migration(MigrationError::MissingData))
        );
        let e = parse("otpauth:totp/a?secret=AA").unwrap_err();
        assert_eq!(e, LinkError::Uri(UriError::NotOtpauth));
        assert_eq!(e.to_string(), UriError::NotOtpauth.to_string());
    }

    #[test]
    fn other_text_is_refused_without_echoing_it() {
        let e = parse("https://example.com/?secret=JBSWY3DP").unwrap_err();
        assert_eq!(
            e,
            LinkError::UnknownScheme {
                scheme: "https".into()
            }
        );
        assert_eq!(
            e.to_string(),
            "https: links are not supported: expected otpauth:// or otpauth-migration://"
        );
        for text in ["JBSWY3DPEHPK3PXP", "", "   ", "1abc:def", "a b:c", ":x"] {
            let e = parse(text).unwrap_err();
            assert_eq!(e, LinkError::NotALink, "{text}");
            assert_eq!(
                e.to_string(),
                "this is not a link: expected otpauth:// or otpauth-migration://"
            );
        }
        let long = format!("{}:x", "a".repeat(100));
        assert_eq!(parse(&long), Err(LinkError::NotALink));
    }

    #[test]
    fn parse_lenient_trims_export_secrets_and_parse_stays_strict() {
        let link = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXPA&issuer=ACME";
        assert_eq!(
            parse(link),
            Err(LinkError::Uri(UriError::InvalidSecret(
                crate::secret::SecretError::InvalidLength { length: 17 }
            )))
        );
        let accounts = parse_lenient(link).unwrap();
        assert_eq!(accounts.len(), 1);
        assert_eq!(
            accounts[0].warnings[0],
            crate::account::Warning::SecretTrimmed { length: 17 }
        );
        assert_eq!(parse_lenient(MIGRATION).unwrap(), parse(MIGRATION).unwrap());
        assert_eq!(parse_lenient("https://x"), parse("https://x"));
    }
}
