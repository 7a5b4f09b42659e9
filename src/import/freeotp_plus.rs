//! FreeOTP+ JSON: `{tokenOrder, tokens: [{algo, counter, digits, issuerExt, issuerInt,
//! label, period, secret, type}]}`, the secret a Java `byte[]` (signed bytes). FreeOTP's
//! token JSON, which the FreeOTP 2 backup reuses (see [`Token`]).
//!
//! FreeOTP+ stores an HOTP counter one behind: it keeps the counter last used, where an
//! `otpauth://` counter is the next one (a link's counter 50 is exported as 49), so one is
//! added back. An issuer of "Steam" makes Steam codes, as in FreeOTP.

use serde::Deserialize;

use crate::account::Account;
use crate::otp::{Algorithm, Params};
use crate::secret::Secret;

use super::{Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, json};

/// FreeOTP+'s JSON export.
pub(crate) struct FreeOtpPlus;

impl Reader for FreeOtpPlus {
    fn format(&self) -> Format {
        Format::FreeOtpPlus
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        json::object_has(bytes, &["tokenOrder", "tokens"]).then_some(Confidence::Sure)
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Export, ImportError> {
        let backup: Backup = json::parse(Format::FreeOtpPlus, bytes)?;
        let entries = backup
            .tokens
            .iter()
            .map(
                |token| match bytes_of(token.secret.as_deref().unwrap_or_default()) {
                    Some(secret) => token.entry(secret, Counter::LastUsed),
                    None => Entry::skipped(&token.label(), invalid_secret()),
                },
            )
            .collect();
        Ok(Export::new(Format::FreeOtpPlus, false, entries))
    }
}

/// The export.
#[derive(Deserialize)]
struct Backup {
    tokens: Vec<Token>,
}

/// FreeOTP's token JSON (Gson leaves out what is null, so every field may be missing).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(super) struct Token {
    algo: Option<String>,
    counter: Option<i64>,
    digits: Option<i64>,
    issuer_ext: Option<String>,
    issuer_int: Option<String>,
    issuer_alt: Option<String>,
    label: Option<String>,
    label_alt: Option<String>,
    period: Option<i64>,
    #[serde(rename = "type")]
    kind: Option<String>,
    secret: Option<Vec<i64>>,
}

/// What a token's `counter` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counter {
    /// The counter last used (FreeOTP 1.x and FreeOTP+): the next is one more.
    LastUsed,
    /// The next counter (FreeOTP 2).
    Next,
}

impl Token {
    /// The issuer FreeOTP shows: a renamed one, else the label's, else the parameter's.
    fn issuer(&self) -> Option<&str> {
        [&self.issuer_alt, &self.issuer_ext, &self.issuer_int]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|i| !i.trim().is_empty())
    }

    /// The account name FreeOTP shows (a renamed one first).
    fn name(&self) -> &str {
        self.label_alt
            .as_deref()
            .or(self.label.as_deref())
            .unwrap_or("")
    }

    /// `Issuer: name`, for skipped entries.
    pub(super) fn label(&self) -> String {
        Account::new(
            self.issuer(),
            self.name(),
            Secret::from_bytes(vec![]),
            Params::default(),
        )
        .label()
    }

    /// The entry for this token with its `secret`.
    pub(super) fn entry(&self, secret: Vec<u8>, counter: Counter) -> Entry {
        let label = self.label();
        let algorithm = match self.algo.as_deref() {
            None => Algorithm::SHA1,
            Some(name) => match Algorithm::parse(name) {
                Some(algorithm) => algorithm,
                None => {
                    return Entry::skipped(
                        &label,
                        SkipReason::CannotComputeCodes(
                            "its algorithm is not SHA1, SHA256 or SHA512".into(),
                        ),
                    );
                }
            },
        };
        let digits = u8::try_from(self.digits.unwrap_or(6)).unwrap_or(u8::MAX);
        let params = match self.kind.as_deref().map(str::to_ascii_uppercase).as_deref() {
            Some("TOTP") => {
                let period = u64::try_from(self.period.unwrap_or(30)).unwrap_or(0);
                if self.issuer() == Some("Steam") {
                    Params {
                        kind: crate::otp::Kind::Steam { period },
                        ..Params::steam()
                    }
                } else {
                    Params::totp(algorithm, digits, period)
                }
            }
            Some("HOTP") => {
                let Ok(stored) = u64::try_from(self.counter.unwrap_or(0)) else {
                    return Entry::skipped(
                        &label,
                        SkipReason::Invalid("its counter is negative".into()),
                    );
                };
                let next = match counter {
                    Counter::LastUsed => stored.saturating_add(1),
                    Counter::Next => stored,
                };
                Params::hotp(algorithm, digits, next)
            }
            other => {
                let kind = other.unwrap_or("untyped").to_owned();
                return Entry::skipped(&label, SkipReason::UnsupportedKind(kind));
            }
        };
        let account = Account::new(
            self.issuer(),
            self.name(),
            Secret::from_bytes(secret),
            params,
        );
        Entry::from_account(account, vec![])
    }
}

/// A Java `byte[]` as JSON numbers (signed, -128 to 127; 128 to 255 are taken too), or
/// `None` when a number is out of range.
pub(super) fn bytes_of(numbers: &[i64]) -> Option<Vec<u8>> {
    numbers
        .iter()
        .map(|n| match *n {
            -128..=-1 => Some((*n + 256) as u8),
            0..=255 => Some(*n as u8),
            _ => None,
        })
        .collect()
}

/// Why a token whose secret is not a byte array is skipped.
fn invalid_secret() -> SkipReason {
    SkipReason::Invalid("its secret is not a list of bytes".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Kind;

    #[test]
    fn tokens_read_with_signed_secrets_counters_one_on_and_steam() {
        let text = br#"{"tokenOrder": [], "tokens": [
            {"algo": "SHA256", "counter": 49, "digits": 7, "issuerExt": "Air Canada",
             "label": "Benjamin", "period": 30, "secret": [-1, 0, 127, -128, 1], "type": "HOTP"},
            {"issuerInt": "Steam", "label": "gabe", "secret": [1, 2, 3], "type": "TOTP", "digits": 5},
            {"label": "x", "secret": [1, 2, 3], "type": "MOTP"},
            {"label": "y", "secret": [1, 2, 300], "type": "TOTP"},
            {"label": "z", "algo": "SHA384", "secret": [1], "type": "TOTP"},
            {"label": "w", "secret": [1], "type": "TOTP", "digits": 4000}
        ]}"#;
        assert_eq!(FreeOtpPlus.detect(text), Some(Confidence::Sure));
        let export = FreeOtpPlus.read(text, None).unwrap();
        let accounts: Vec<_> = export.accounts().map(|p| &p.account).collect();
        assert_eq!(accounts.len(), 2);
        assert_eq!(accounts[0].label(), "Air Canada: Benjamin");
        assert_eq!(accounts[0].secret.as_bytes(), [255, 0, 127, 128, 1]);
        assert_eq!(accounts[0].params, Params::hotp(Algorithm::SHA256, 7, 50));
        assert!(matches!(
            accounts[1].params.kind,
            Kind::Steam { period: 30 }
        ));
        let reasons: Vec<_> = export
            .skipped()
            .map(|s| (s.label.as_str(), &s.reason))
            .collect();
        assert!(matches!(reasons[0], ("x", SkipReason::UnsupportedKind(k)) if k == "MOTP"));
        assert!(matches!(reasons[1], ("y", SkipReason::Invalid(_))));
        assert!(matches!(
            reasons[2],
            ("z", SkipReason::CannotComputeCodes(_))
        ));
        assert!(matches!(
            reasons[3],
            ("w", SkipReason::CannotComputeCodes(_))
        ));
    }

    #[test]
    fn damaged_files_are_typed_errors_and_never_panic() {
        let whole = br#"{"tokenOrder": ["a"], "tokens": [{"secret": [1, 2], "type": "TOTP", "label": "a"}]}"#;
        for end in 0..whole.len() {
            let _ = FreeOtpPlus.read(&whole[..end], None);
        }
        assert!(matches!(
            FreeOtpPlus.read(&whole[..whole.len() - 2], None),
            Err(ImportError::Damaged { .. })
        ));
        assert!(matches!(
            FreeOtpPlus.read(b"\x00\xff random", None),
            Err(ImportError::Damaged { .. })
        ));
        assert!(matches!(
            FreeOtpPlus.read(br#"{"tokens": [{"secret": "AAAA"}]}"#, None),
            Err(ImportError::Damaged { .. })
        ));
    }
}
