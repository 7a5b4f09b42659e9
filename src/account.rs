//! An enrolled account: who issued it, whose it is, its secret and code parameters.

use std::fmt;

use serde::Serialize;

use crate::otp::{Otp, OtpError, Params};
use crate::secret::{Secret, SecretWarning};

/// One account: issuer, account name, secret and code parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The service (`GitHub`), when known.
    pub issuer: Option<String>,
    /// The account at that service (`alice@example.com`). May be empty in some exports.
    pub name: String,
    /// The shared secret.
    pub secret: Secret,
    /// Kind, algorithm, digits, period or counter.
    pub params: Params,
}

impl Account {
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
        ParsedAccount { account, warnings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Algorithm;

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
}
