//! LastPass Authenticator exports (`.json`, never encrypted, TOTP only).
//!
//! `{version, accounts:[{issuerName, originalIssuerName, userName, originalUserName,
//! secret, timeStep, digits, algorithm, …}], folders}`; the Android export adds device
//! fields, the iOS one does not. The names the user edited (`issuerName`, `userName`) win
//! over the ones the account was enrolled with.

use serde::Deserialize;

use crate::account::Account;
use crate::otp::{Algorithm, Params};

use super::fields;
use super::{
    Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, decode_secret, json,
};

/// A LastPass Authenticator export.
pub(crate) struct LastPass;

/// The top level.
#[derive(Deserialize)]
struct Backup {
    accounts: Vec<LastPassAccount>,
}

/// One account; every field may be missing or null.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LastPassAccount {
    #[serde(default)]
    issuer_name: Option<String>,
    #[serde(default)]
    original_issuer_name: Option<String>,
    #[serde(default)]
    user_name: Option<String>,
    #[serde(default)]
    original_user_name: Option<String>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    time_step: Option<u64>,
    #[serde(default)]
    digits: Option<u64>,
    #[serde(default)]
    algorithm: Option<String>,
}

impl Reader for LastPass {
    fn format(&self) -> Format {
        Format::LastPass
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        if !json::object_has(bytes, &["accounts"]) {
            return None;
        }
        let top: serde_json::Value = serde_json::from_slice(bytes).ok()?;
        let first = top["accounts"].as_array()?.first();
        if first.is_some_and(|a| a.get("timeStep").is_some() || a.get("issuerName").is_some()) {
            Some(Confidence::Sure)
        } else {
            top.get("folders").is_some().then_some(Confidence::Maybe)
        }
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Export, ImportError> {
        let backup: Backup = json::parse(Format::LastPass, bytes)?;
        let entries = backup
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| entry(i, a))
            .collect();
        Ok(Export::new(Format::LastPass, false, entries))
    }
}

/// An account, or skipped with the reason.
fn entry(index: usize, account: &LastPassAccount) -> Entry {
    let issuer = edited_or_original(&account.issuer_name, &account.original_issuer_name);
    let name = edited_or_original(&account.user_name, &account.original_user_name).unwrap_or("");
    let label = match (issuer, name) {
        (Some(issuer), "") => issuer.to_owned(),
        (Some(issuer), name) => format!("{issuer}: {name}"),
        (None, "") => format!("account {}", index + 1),
        (None, name) => name.to_owned(),
    };
    let (secret, warnings) = match account.secret.as_deref().map(decode_secret) {
        Some(Ok(decoded)) => decoded,
        Some(Err(e)) => return Entry::skipped(&label, SkipReason::Invalid(e.to_string())),
        None => return Entry::skipped(&label, SkipReason::Invalid("no secret".into())),
    };
    match params(account) {
        Ok(params) => Entry::from_account(Account::new(issuer, name, secret, params), warnings),
        Err(reason) => Entry::skipped(&label, reason),
    }
}

/// The edited value when it is not blank, else the original one.
fn edited_or_original<'a>(
    edited: &'a Option<String>,
    original: &'a Option<String>,
) -> Option<&'a str> {
    [edited, original]
        .into_iter()
        .filter_map(|v| v.as_deref().map(str::trim))
        .find(|v| !v.is_empty())
}

/// TOTP parameters, SHA1, 6 digits and 30 seconds when missing.
fn params(account: &LastPassAccount) -> Result<Params, SkipReason> {
    let algorithm = fields::algorithm(account.algorithm.as_deref(), Algorithm::SHA1)?;
    let digits = fields::digits(account.digits.unwrap_or(6))?;
    Ok(Params::totp(
        algorithm,
        digits,
        account.time_step.unwrap_or(30),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Warning;

    #[test]
    fn edited_names_win_and_missing_fields_take_the_defaults() {
        let file = br#"{"version":3,"folders":[],"accounts":[
            {"issuerName":"","originalIssuerName":"Orig","userName":"bob","originalUserName":"b",
             "secret":"JBSWY3DPEHPK3PXP","timeStep":60,"digits":8,"algorithm":"SHA256"},
            {"userName":"carol","secret":"JBSWY3DPEHPK3PXP"},
            {"issuerName":"Odd","secret":"JBSWY3DPEHPK3PXP","algorithm":"MD4"},
            {"issuerName":"Empty","digits":6}]}"#;
        assert_eq!(LastPass.detect(file), Some(Confidence::Sure));
        let export = LastPass.read(file, None).unwrap();
        let accounts: Vec<_> = export.accounts().map(|p| &p.account).collect();
        assert_eq!(accounts[0].label(), "Orig: bob");
        assert_eq!(accounts[0].params, Params::totp(Algorithm::SHA256, 8, 60));
        assert_eq!(accounts[1].label(), "carol");
        assert_eq!(accounts[1].params, Params::default());
        let skipped: Vec<_> = export.skipped().collect();
        assert!(matches!(
            skipped[0].reason,
            SkipReason::CannotComputeCodes(_)
        ));
        assert_eq!(skipped[1].reason, SkipReason::Invalid("no secret".into()));
    }

    #[test]
    fn truncated_and_random_files_are_typed_errors() {
        let file = br#"{"version":3,"accounts":[{"secret":"JBSWY3DPEHPK3PXP","timeStep":30}]}"#;
        for len in [0, 1, file.len() / 2, file.len() - 1] {
            assert!(matches!(
                LastPass.read(&file[..len], None),
                Err(ImportError::Damaged { .. })
            ));
        }
        for bad in [
            &b"\xff\x00\x01"[..],
            b"[]",
            br#"{"accounts":[{"digits":-1}]}"#,
        ] {
            assert!(matches!(
                LastPass.read(bad, None),
                Err(ImportError::Damaged { .. })
            ));
        }
        assert_eq!(LastPass.detect(br#"{"accounts":[]}"#), None);
    }

    #[test]
    fn a_secret_one_character_too_long_is_trimmed_with_a_warning() {
        // 17 characters: LastPass drops the last one's bits; so does Sesame, and says so.
        let file = br#"{"version":3,"accounts":[
            {"issuerName":"Acme","userName":"bob","secret":"JBSWY3DPEHPK3PXPB"},
            {"issuerName":"Bad","userName":"eve","secret":"JBSWY3DPEHPK3PX1B"}]}"#;
        let export = LastPass.read(file, None).unwrap();
        let accounts: Vec<_> = export.accounts().collect();
        assert_eq!(accounts.len(), 1);
        assert_eq!(
            accounts[0].account.secret.as_bytes(),
            b"Hello!\xde\xad\xbe\xef"
        );
        assert_eq!(
            accounts[0].warnings,
            [
                Warning::SecretTrimmed { length: 17 },
                Warning::ShortSecret { bits: 80 }
            ]
        );
        // A character outside the alphabet is still refused.
        let skipped: Vec<_> = export.skipped().collect();
        assert_eq!(skipped[0].label, "Bad: eve");
        assert!(matches!(&skipped[0].reason, SkipReason::Invalid(r) if r.contains("'1'")));
    }
}
