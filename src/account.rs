//! An enrolled account: who issued it, whose it is, its secret and code parameters.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::otp::{Otp, OtpError, Params};
use crate::secret::{Secret, SecretWarning};

/// One account: issuer, account name, secret and code parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The service (`GitHub`), when known.
    pub issuer: Option<String>,
    /// The account at that service (`alice@example.com`). May be empty in some exports.
    pub name: String,
    /// The shared secret.
    pub secret: Secret,
    /// Kind, algorithm, digits, period or counter.
    #[serde(flatten)]
    pub params: Params,
}

impl Account {
    /// An account as every reader (links, exports, forms) keeps it: the name trimmed, the
    /// issuer trimmed, and a missing or blank issuer `None`.
    pub fn new(issuer: Option<&str>, name: &str, secret: Secret, params: Params) -> Self {
        Account {
            issuer: trimmed_issuer(issuer).map(str::to_owned),
            name: name.trim().to_owned(),
            secret,
            params,
        }
    }

    /// This account as [`Account::new`] would have built it (what reading it back from a
    /// link or an export gives).
    pub fn normalized(&self) -> Self {
        Account::new(
            self.issuer.as_deref(),
            &self.name,
            self.secret.clone(),
            self.params,
        )
    }

    /// The issuer trimmed, or `None` when it is missing or blank.
    pub fn trimmed_issuer(&self) -> Option<&str> {
        trimmed_issuer(self.issuer.as_deref())
    }

    /// A code generator for this account, or why codes cannot be computed.
    pub fn otp(&self) -> Result<Otp, OtpError> {
        Otp::new(&self.secret, self.params)
    }

    /// `Issuer: name`, or just the name.
    pub fn label(&self) -> String {
        match &self.issuer {
            Some(issuer) if !issuer.is_empty() => format!("{issuer}: {}", self.name),
            _ => self.name.clone(),
        }
    }
}

fn trimmed_issuer(issuer: Option<&str>) -> Option<&str> {
    issuer.map(str::trim).filter(|i| !i.is_empty())
}

/// A stable, random identifier for an enrolled account (32 lowercase hex digits).
///
/// Every `AccountId` is valid: deserializing refuses anything else with
/// [`InvalidAccountId`], so [`AccountId::short`] and lookups can rely on the shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountId(String);

/// Text that is not an account id (32 hexadecimal digits), for example in a hand-edited
/// backup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid account id \"{0}\": expected 32 hexadecimal digits")]
pub struct InvalidAccountId(pub String);

impl AccountId {
    /// Hex digits shown by [`AccountId::short`].
    pub const SHORT_LEN: usize = 8;

    /// A fresh random id.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        AccountId(data_encoding::HEXLOWER.encode(&bytes))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first [`AccountId::SHORT_LEN`] digits, as lists show them.
    pub fn short(&self) -> &str {
        &self.0[..Self::SHORT_LEN]
    }

    /// Parses an id as printed by [`AccountId::as_str`] (either case).
    pub fn parse(text: &str) -> Option<Self> {
        Self::try_from(text.to_owned()).ok()
    }
}

impl TryFrom<String> for AccountId {
    type Error = InvalidAccountId;

    fn try_from(text: String) -> Result<Self, InvalidAccountId> {
        if text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(AccountId(text.to_ascii_lowercase()))
        } else {
            Err(InvalidAccountId(text))
        }
    }
}

impl From<AccountId> for String {
    fn from(id: AccountId) -> String {
        id.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An account kept in the vault: the account itself plus what the user added to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAccount {
    /// Stable identifier.
    pub id: AccountId,
    /// Issuer, name, secret, parameters.
    #[serde(flatten)]
    pub account: Account,
    /// An icon name or data URL chosen by the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// A note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When it was added, in Unix milliseconds.
    pub created_ms: u64,
    /// When a code was last used (copied or shown on request), in Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_ms: Option<u64>,
}

impl StoredAccount {
    /// A new entry for `account`, created at `now_ms`.
    pub fn new(account: Account, now_ms: u64) -> Self {
        StoredAccount {
            id: AccountId::generate(),
            account,
            icon: None,
            tags: Vec::new(),
            note: None,
            created_ms: now_ms,
            last_used_ms: None,
        }
    }
}

/// Something a person should know about an account that was still accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Warning {
    /// The secret is shorter than recommended.
    ShortSecret {
        /// Its length in bits.
        bits: usize,
    },
    /// The label's issuer prefix and the `issuer` parameter disagree; the parameter was kept.
    IssuerMismatch {
        /// The prefix in the label.
        label: String,
        /// The `issuer` parameter, which wins.
        parameter: String,
    },
    /// The secret, read from another app's export, had one Base32 character more than whole
    /// bytes need; it was dropped, as that app does (see [`Secret::from_base32_lenient`]).
    SecretTrimmed {
        /// Its length in Base32 characters, before the last one was dropped.
        length: usize,
    },
    /// Codes cannot be computed for this account (for example an MD5 export entry).
    CannotComputeCodes {
        /// Why not.
        reason: String,
    },
}

impl From<SecretWarning> for Warning {
    fn from(w: SecretWarning) -> Self {
        match w {
            SecretWarning::Short { bits } => Warning::ShortSecret { bits },
            SecretWarning::Trimmed { length } => Warning::SecretTrimmed { length },
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::ShortSecret { bits } => {
                write!(f, "{}", SecretWarning::Short { bits: *bits })
            }
            Warning::IssuerMismatch { label, parameter } => write!(
                f,
                "the label says the issuer is \"{label}\" but the issuer parameter says \"{parameter}\"; keeping \"{parameter}\""
            ),
            Warning::SecretTrimmed { length } => {
                write!(f, "{}", SecretWarning::Trimmed { length: *length })
            }
            Warning::CannotComputeCodes { reason } => {
                write!(f, "codes cannot be computed for this account: {reason}")
            }
        }
    }
}

/// An account read from a link or an export, with what the reader noticed about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAccount {
    /// The account.
    pub account: Account,
    /// Accepted-but-odd things to tell the user.
    pub warnings: Vec<Warning>,
}

impl ParsedAccount {
    /// Wraps an account, adding the warnings every reader must give (short secret, no codes).
    pub fn new(account: Account, mut warnings: Vec<Warning>) -> Self {
        if let Some(w) = account.secret.warning() {
            warnings.push(w.into());
        }
        if let Err(e) = account.params.check() {
            warnings.push(Warning::CannotComputeCodes {
                reason: e.to_string(),
            });
        }
        // A reader that went through a link already has these (say each once).
        let mut seen = Vec::with_capacity(warnings.len());
        warnings.retain(|w| {
            let first = !seen.contains(w);
            if first {
                seen.push(w.clone());
            }
            first
        });
        ParsedAccount { account, warnings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Algorithm;

    #[test]
    fn stored_accounts_round_trip_through_json() {
        let stored = StoredAccount::new(
            Account {
                issuer: None,
                name: "bob".into(),
                secret: Secret::from_bytes(vec![9; 20]),
                params: Params::hotp(Algorithm::SHA256, 8, 42),
            },
            1_700_000_000_000,
        );
        let json = serde_json::to_string(&stored).unwrap();
        assert!(
            json.contains("\"type\":\"hotp\"") && json.contains("\"counter\":42"),
            "{json}"
        );
        assert_eq!(
            serde_json::from_str::<StoredAccount>(&json).unwrap(),
            stored
        );
        assert!(AccountId::parse(stored.id.as_str()).is_some());
        assert!(AccountId::parse("xyz").is_none());
    }

    #[test]
    fn malformed_ids_are_refused_when_read() {
        for bad in [
            "x",
            "é",
            "",
            "0123456789abcdef0123456789abcdeg",
            "0123456789abcdef",
        ] {
            let json = serde_json::Value::String(bad.into());
            let err = serde_json::from_value::<AccountId>(json).unwrap_err();
            let expected = InvalidAccountId(bad.into()).to_string();
            assert_eq!(err.to_string(), expected);
        }
        let upper = "0123456789ABCDEF0123456789ABCDEF";
        let id: AccountId = serde_json::from_value(upper.into()).unwrap();
        assert_eq!(id.as_str(), upper.to_lowercase());
        assert_eq!(id.short(), "01234567");
        assert_eq!(AccountId::generate().short().len(), AccountId::SHORT_LEN);
    }

    #[test]
    fn new_trims_the_name_and_drops_a_blank_issuer() {
        let secret = || Secret::from_bytes(vec![1; 20]);
        let a = Account::new(Some("  ACME "), " alice\t", secret(), Params::default());
        assert_eq!(
            (a.issuer.as_deref(), a.name.as_str()),
            (Some("ACME"), "alice")
        );
        for blank in [None, Some(""), Some("  ")] {
            let a = Account::new(blank, "bob", secret(), Params::default());
            assert_eq!(a.issuer, None);
            assert_eq!(a.trimmed_issuer(), None);
        }
        let untidy = Account {
            issuer: Some(" \u{a0}".into()),
            name: " carol ".into(),
            secret: secret(),
            params: Params::default(),
        };
        assert_eq!(
            untidy.normalized(),
            Account::new(None, "carol", secret(), Params::default())
        );
    }

    #[test]
    fn label_and_warnings() {
        let account = Account {
            issuer: Some("ACME".into()),
            name: "alice".into(),
            secret: Secret::from_bytes(vec![1; 10]),
            params: Params::totp(Algorithm::MD5, 6, 30),
        };
        assert_eq!(account.label(), "ACME: alice");
        let parsed = ParsedAccount::new(account, vec![]);
        assert_eq!(parsed.warnings.len(), 2);
        assert_eq!(parsed.warnings[0], Warning::ShortSecret { bits: 80 });
        assert!(parsed.warnings[1].to_string().contains("MD5"));
    }

    #[test]
    fn a_warning_a_reader_already_gave_is_said_once() {
        let account = Account::new(
            None,
            "x",
            Secret::from_bytes(vec![1; 10]),
            Params::default(),
        );
        let parsed = ParsedAccount::new(account, vec![Warning::ShortSecret { bits: 80 }]);
        assert_eq!(parsed.warnings, vec![Warning::ShortSecret { bits: 80 }]);
    }
}
