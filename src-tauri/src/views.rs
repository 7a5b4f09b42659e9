//! What the web view sees: accounts, codes and pending imports without their secrets.
//! The test in `bindings.rs` writes their TypeScript twins into `ui/src/lib/bindings.ts`.

use serde::{Deserialize, Serialize};
use sesame::Warning;
use sesame::account::{ParsedAccount, StoredAccount};
use sesame::vault::{Settings, VaultData};
use sesame::{Account, Algorithm, Kind, Params};

/// Which kind of code an account makes (the core's [`Kind`] without its moving factor).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "Kind"))]
pub enum KindName {
    Totp,
    Hotp,
    Steam,
}

impl From<&Kind> for KindName {
    fn from(kind: &Kind) -> Self {
        match kind {
            Kind::Totp { .. } => KindName::Totp,
            Kind::Hotp { .. } => KindName::Hotp,
            Kind::Steam { .. } => KindName::Steam,
        }
    }
}

/// An account as the UI sees it: no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AccountView {
    pub id: String,
    pub issuer: Option<String>,
    pub name: String,
    pub kind: KindName,
    pub algorithm: Algorithm,
    pub digits: u8,
    /// TOTP/Steam period in seconds; null for HOTP.
    pub period: Option<u64>,
    /// HOTP counter; null for TOTP.
    pub counter: Option<u64>,
    pub icon: Option<String>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    /// False for entries (e.g. MD5) that cannot produce codes.
    pub can_compute: bool,
}

impl From<&StoredAccount> for AccountView {
    fn from(stored: &StoredAccount) -> Self {
        let account = &stored.account;
        AccountView {
            id: stored.id.as_str().to_owned(),
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            kind: KindName::from(&account.params.kind),
            algorithm: account.params.algorithm,
            digits: account.params.digits,
            period: account.params.period(),
            counter: account.params.counter(),
            icon: stored.icon.clone(),
            tags: stored.tags.clone(),
            note: stored.note.clone(),
            can_compute: account.otp().is_ok(),
        }
    }
}

/// A code for one account at the shell's (corrected) time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CodeView {
    pub id: String,
    /// Digits (or Steam letters), ungrouped; null when the account cannot compute codes,
    /// and for HOTP until the user presses "next code" (then the last code asked for).
    pub code: Option<String>,
    pub next_code: Option<String>,
    /// ms until `code` expires; null for HOTP.
    pub valid_for_ms: Option<u64>,
    /// Period in ms; null for HOTP.
    pub period_ms: Option<u64>,
}

/// What a warning is about (the core's [`Warning`] without its details).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum WarningKind {
    ShortSecret,
    IssuerMismatch,
    SecretTrimmed,
    CannotComputeCodes,
}

impl From<&Warning> for WarningKind {
    fn from(warning: &Warning) -> Self {
        match warning {
            Warning::ShortSecret { .. } => WarningKind::ShortSecret,
            Warning::IssuerMismatch { .. } => WarningKind::IssuerMismatch,
            Warning::SecretTrimmed { .. } => WarningKind::SecretTrimmed,
            Warning::CannotComputeCodes { .. } => WarningKind::CannotComputeCodes,
        }
    }
}

/// A warning, as a kind and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "Warning"))]
pub struct WarningView {
    pub kind: WarningKind,
    /// Human sentence.
    pub message: String,
}

/// One account found in a link, image, screen or file, waiting for the user's yes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PendingAccount {
    pub issuer: Option<String>,
    pub name: String,
    pub kind: KindName,
    pub algorithm: Algorithm,
    pub digits: u8,
    pub period: Option<u64>,
    pub counter: Option<u64>,
    pub warnings: Vec<WarningView>,
    /// Already in the vault (same secret, issuer and name).
    pub duplicate: bool,
    /// The vault holds an account with the same issuer and name but another secret.
    pub conflict: bool,
}

impl PendingAccount {
    /// Describes `parsed`, marking it a duplicate if `data` already holds it.
    pub fn describe(parsed: &ParsedAccount, data: Option<&VaultData>) -> Self {
        let account = &parsed.account;
        let warnings = parsed
            .warnings
            .iter()
            .map(|w| WarningView {
                kind: WarningKind::from(w),
                message: w.to_string(),
            })
            .collect();
        PendingAccount {
            issuer: account.issuer.clone(),
            name: account.name.clone(),
            kind: KindName::from(&account.params.kind),
            algorithm: account.params.algorithm,
            digits: account.params.digits,
            period: account.params.period(),
            counter: account.params.counter(),
            warnings,
            duplicate: data.is_some_and(|d| d.duplicate_of(account).is_some()),
            conflict: data.is_some_and(|d| d.conflict_of(account).is_some()),
        }
    }
}

/// Accounts held by the shell until `confirm_pending` or `discard_pending`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "Pending"))]
pub struct PendingView {
    pub pending_id: String,
    /// Where they came from, e.g. "link", "image", "screen", "file", "deep link".
    pub source: String,
    pub accounts: Vec<PendingAccount>,
    /// The other app whose export this is ("2FAS"), when it is one.
    pub format: Option<String>,
    /// Entries of the file that will not be added, and why.
    pub skipped: Vec<SkippedView>,
}

/// An entry of an import file that will not be added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "SkippedEntry"))]
pub struct SkippedView {
    /// What the file calls it.
    pub label: String,
    /// Why it is left out, as a sentence.
    pub reason: String,
}

impl From<&sesame::import::Skipped> for SkippedView {
    fn from(skipped: &sesame::import::Skipped) -> Self {
        SkippedView {
            label: skipped.label.clone(),
            reason: skipped.reason.to_string(),
        }
    }
}

/// An account typed into the form. `kind` and `algorithm` are checked here, with errors
/// that name the field, so they arrive as text.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ManualAccount {
    pub issuer: Option<String>,
    pub name: String,
    /// Base32, spaces/dashes/case ignored.
    #[cfg_attr(test, ts(type = "string"))]
    pub secret: zeroize::Zeroizing<String>,
    #[cfg_attr(test, ts(as = "KindName"))]
    pub kind: String,
    #[cfg_attr(test, ts(as = "Algorithm"))]
    pub algorithm: String,
    pub digits: u8,
    pub period: u64,
    pub counter: u64,
}

impl ManualAccount {
    /// Checks the form and builds the account; errors name the field.
    pub fn into_account(self) -> Result<Account, String> {
        if self.name.trim().is_empty() {
            return Err("Enter the account name (for example your e-mail address).".into());
        }
        let secret = sesame::Secret::from_base32(&self.secret)
            .map_err(|e| format!("The secret is not valid Base32: {e}."))?;
        let algorithm = Algorithm::parse(&self.algorithm)
            .filter(|a| *a != Algorithm::MD5)
            .ok_or_else(|| format!("Unknown algorithm \"{}\".", self.algorithm))?;
        let params = match self.kind.as_str() {
            "totp" => Params::totp(algorithm, self.digits, self.period),
            "hotp" => Params::hotp(algorithm, self.digits, self.counter),
            "steam" => Params::steam(),
            other => return Err(format!("Unknown account type \"{other}\".")),
        };
        params.check().map_err(|e| format!("{e}."))?;
        Ok(Account::new(
            self.issuer.as_deref(),
            &self.name,
            secret,
            params,
        ))
    }
}

/// The fields the edit dialog changes.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AccountEdit {
    pub issuer: Option<String>,
    pub name: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub note: Option<String>,
}

/// Settings as the UI edits them (the core's struct, checked on the way in).
pub fn check_settings(settings: &Settings) -> Result<(), String> {
    if !matches!(settings.theme.as_str(), "system" | "light" | "dark") {
        return Err(format!("Unknown theme \"{}\".", settings.theme));
    }
    if settings.ntp_server.trim().is_empty() {
        return Err("Enter an NTP server (for example pool.ntp.org).".into());
    }
    if settings.auto_lock_secs > 7 * 24 * 3600 || settings.clipboard_clear_secs > 24 * 3600 {
        return Err("That timeout is too long.".into());
    }
    Ok(())
}

/// Period in ms of a TOTP-like kind.
pub fn period_ms(kind: &Kind) -> Option<u64> {
    match kind {
        Kind::Totp { period } | Kind::Steam { period } => Some(period.saturating_mul(1000)),
        Kind::Hotp { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(secret: &str) -> ManualAccount {
        ManualAccount {
            issuer: Some(" Example ".into()),
            name: "alice@example.com".into(),
            secret: secret.to_owned().into(),
            kind: "totp".into(),
            algorithm: "SHA256".into(),
            digits: 8,
            period: 60,
            counter: 0,
        }
    }

    #[test]
    fn manual_form_builds_the_account() {
        let account = form("JBSW Y3DP-EHPK 3PXP").into_account().unwrap();
        assert_eq!(account.issuer.as_deref(), Some("Example"));
        assert_eq!(account.params, Params::totp(Algorithm::SHA256, 8, 60));
    }

    #[test]
    fn manual_form_errors_name_the_field() {
        let err = form("not base32 !!").into_account().unwrap_err();
        assert!(err.starts_with("The secret"), "{err}");
        let mut bad = form("JBSWY3DPEHPK3PXP");
        bad.name = "  ".into();
        assert!(bad.into_account().unwrap_err().contains("account name"));
        let mut bad = form("JBSWY3DPEHPK3PXP");
        bad.digits = 3;
        assert!(bad.into_account().is_err());
        let mut bad = form("JBSWY3DPEHPK3PXP");
        bad.algorithm = "MD5".into();
        assert!(bad.into_account().unwrap_err().contains("algorithm"));
    }

    #[test]
    fn settings_are_checked() {
        let mut settings = Settings::default();
        assert!(check_settings(&settings).is_ok());
        settings.theme = "neon".into();
        assert!(check_settings(&settings).is_err());
    }
}
