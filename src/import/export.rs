//! What a reader found in an export: every entry, as an account or as a reason it was
//! skipped, so that a summary can account for each one.

use serde::Serialize;

use crate::account::{Account, ParsedAccount, Warning};

use super::Format;

/// Everything a file held, entry by entry, in the file's order.
#[derive(Debug)]
pub struct Export {
    /// What the file was.
    pub format: Format,
    /// Whether it was encrypted (and a password opened it).
    pub encrypted: bool,
    /// One per entry in the file.
    pub entries: Vec<Entry>,
}

/// One entry of an export.
#[derive(Debug)]
pub enum Entry {
    /// An account Sesame can add.
    Account(ParsedAccount),
    /// An entry Sesame will not add, and why.
    Skipped(Skipped),
}

/// An entry left out of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// What the file calls it (`Issuer: name`, or what there was); never a secret.
    pub label: String,
    /// Why it was left out.
    pub reason: SkipReason,
}

/// Why an entry was left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum SkipReason {
    /// The other app had it in its trash.
    #[error("it is in the trash of {0}")]
    Trashed(Format),
    /// A kind of code Sesame does not compute (mOTP, Yandex, …).
    #[error("{0} codes are not supported")]
    UnsupportedKind(String),
    /// Codes cannot be computed with these parameters (an MD5 entry, 12 digits, …).
    #[error("codes cannot be computed: {0}")]
    CannotComputeCodes(String),
    /// The entry is broken (no secret, a secret that is not Base32, …).
    #[error("{0}")]
    Invalid(String),
}

impl Export {
    /// An export of `format` with these entries.
    pub fn new(format: Format, encrypted: bool, entries: Vec<Entry>) -> Self {
        Export {
            format,
            encrypted,
            entries,
        }
    }

    /// The accounts that can be added, in file order.
    pub fn accounts(&self) -> impl Iterator<Item = &ParsedAccount> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Account(a) => Some(a),
            Entry::Skipped(_) => None,
        })
    }

    /// The entries left out, in file order.
    pub fn skipped(&self) -> impl Iterator<Item = &Skipped> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Skipped(s) => Some(s),
            Entry::Account(_) => None,
        })
    }

    /// Takes the accounts out, dropping the skipped entries.
    pub fn into_accounts(self) -> Vec<ParsedAccount> {
        self.entries
            .into_iter()
            .filter_map(|e| match e {
                Entry::Account(a) => Some(a),
                Entry::Skipped(_) => None,
            })
            .collect()
    }
}

impl Entry {
    /// The entry for an account a reader built: skipped when codes cannot be computed for
    /// it (an MD5 entry, 12 digits, an empty secret), else an account with its warnings.
    /// Every reader goes through here, so every format treats such entries alike.
    pub fn from_account(account: Account, warnings: Vec<Warning>) -> Entry {
        if account.secret.as_bytes().is_empty() {
            return Entry::skipped(&account.label(), SkipReason::Invalid("no secret".into()));
        }
        if let Err(e) = account.params.check() {
            return Entry::skipped(
                &account.label(),
                SkipReason::CannotComputeCodes(e.to_string()),
            );
        }
        Entry::Account(ParsedAccount::new(account, warnings))
    }

    /// A skipped entry.
    pub fn skipped(label: &str, reason: SkipReason) -> Entry {
        Entry::Skipped(Skipped {
            label: label.trim().to_owned(),
            reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, Params};
    use crate::secret::Secret;

    #[test]
    fn entries_that_cannot_make_codes_are_skipped_with_the_reason() {
        let md5 = Account::new(
            Some("Old"),
            "bob",
            Secret::from_bytes(vec![1; 20]),
            Params::totp(Algorithm::MD5, 6, 30),
        );
        match Entry::from_account(md5, vec![]) {
            Entry::Skipped(s) => {
                assert_eq!(s.label, "Old: bob");
                assert!(matches!(s.reason, SkipReason::CannotComputeCodes(_)));
            }
            other => panic!("{other:?}"),
        }
        let empty = Account::new(None, "x", Secret::from_bytes(vec![]), Params::default());
        assert!(matches!(
            Entry::from_account(empty, vec![]),
            Entry::Skipped(Skipped {
                reason: SkipReason::Invalid(_),
                ..
            })
        ));
        let fine = Account::new(
            None,
            "x",
            Secret::from_bytes(vec![1; 20]),
            Params::default(),
        );
        let export = Export::new(
            Format::Aegis,
            false,
            vec![
                Entry::from_account(fine, vec![]),
                Entry::skipped("y", SkipReason::Trashed(Format::Ente)),
            ],
        );
        assert_eq!(export.accounts().count(), 1);
        assert_eq!(
            export.skipped().next().unwrap().reason.to_string(),
            "it is in the trash of Ente Auth"
        );
    }
}
