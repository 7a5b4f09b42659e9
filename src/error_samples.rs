//! One value of every variant of the core's error types, for the tests of the faces that
//! show them (the CLI's text and hints, the app's kinds and messages).
//!
//! Each list is checked against an exhaustive `match` without a wildcard arm (see
//! [`vault_index`] and its siblings), so a new variant is a build error here until it has a
//! sample, and the faces' tests then walk it too. Not part of the public API.

use std::path::PathBuf;

use crate::backup::BackupError;
use crate::clock::TimeError;
use crate::import::{Format, ImportError};
use crate::keystore::{ChoiceOrigin, KeystoreError};
use crate::link::LinkError;
use crate::migration::MigrationError;
use crate::otp::{Algorithm, OtpError};
use crate::qr::QrError;
use crate::secret::SecretError;
use crate::uri::UriError;
use crate::vault::{KdfCost, VaultError};

fn path() -> PathBuf {
    PathBuf::from("/home/ada/.local/share/sesame/vault")
}

fn backup() -> PathBuf {
    PathBuf::from("/home/ada/.local/share/sesame/vault.bak")
}

fn io(text: &str) -> std::io::Error {
    std::io::Error::other(text.to_owned())
}

/// One of every [`VaultError`] variant, in declaration order.
pub fn vault_errors() -> Vec<VaultError> {
    vec![
        VaultError::NotFound { path: path() },
        VaultError::AlreadyExists { path: path() },
        VaultError::NotAVault { path: path() },
        VaultError::Damaged {
            path: path(),
            backup: backup(),
            reason: "cut short".into(),
        },
        VaultError::UnsupportedVersion { version: 9 },
        VaultError::UnknownName {
            path: path(),
            field: "format",
            name: "sesame-vault2".into(),
        },
        VaultError::KdfOutOfBounds { cost: KdfCost::MAX },
        VaultError::BoundToAnotherDevice {
            keystore: "the file keystore /home/ada/keys".into(),
        },
        VaultError::Tampered {
            path: path(),
            backup: backup(),
        },
        VaultError::RolledBack {
            path: path(),
            file_generation: 2,
            expected: 3,
        },
        VaultError::PasswordRequired,
        VaultError::WrongPassword,
        VaultError::Keystore(KeystoreError::Locked {
            store: "the Secret Service".into(),
            reason: "dismissed".into(),
        }),
        VaultError::Io {
            action: "read",
            path: path(),
            source: io("disk on fire"),
        },
        VaultError::UnsafeFolder {
            path: PathBuf::from("/home/ada/.local/share/sesame"),
            mode: 0o777,
        },
        VaultError::UnsafeFile {
            path: PathBuf::from("/home/ada/.local/share/sesame/vault.tmp"),
        },
        VaultError::Locked {
            holder: "pid 7 (sesame)".into(),
            waited_ms: 10_000,
        },
        VaultError::ChangedElsewhere,
        VaultError::BadPayload {
            reason: "expected value at line 1 column 1".into(),
        },
        VaultError::NoSuchAccount {
            query: "nobody".into(),
        },
        VaultError::Ambiguous {
            query: "alice".into(),
            matches: vec!["A: alice (01234567)".into(), "B: alice (89abcdef)".into()],
        },
        VaultError::BadPosition {
            position: 4,
            len: 3,
        },
        VaultError::WrongKind {
            label: "A: alice".into(),
            expected: "HOTP",
        },
        VaultError::NoCodes {
            label: "A: alice".into(),
            source: OtpError::InvalidDigits { digits: 12 },
        },
    ]
}

/// The position of `error`'s variant in [`vault_errors`]; no wildcard arm.
pub fn vault_index(error: &VaultError) -> usize {
    match error {
        VaultError::NotFound { .. } => 0,
        VaultError::AlreadyExists { .. } => 1,
        VaultError::NotAVault { .. } => 2,
        VaultError::Damaged { .. } => 3,
        VaultError::UnsupportedVersion { .. } => 4,
        VaultError::UnknownName { .. } => 5,
        VaultError::KdfOutOfBounds { .. } => 6,
        VaultError::BoundToAnotherDevice { .. } => 7,
        VaultError::Tampered { .. } => 8,
        VaultError::RolledBack { .. } => 9,
        VaultError::PasswordRequired => 10,
        VaultError::WrongPassword => 11,
        VaultError::Keystore(_) => 12,
        VaultError::Io { .. } => 13,
        VaultError::UnsafeFolder { .. } => 14,
        VaultError::UnsafeFile { .. } => 15,
        VaultError::Locked { .. } => 16,
        VaultError::ChangedElsewhere => 17,
        VaultError::BadPayload { .. } => 18,
        VaultError::NoSuchAccount { .. } => 19,
        VaultError::Ambiguous { .. } => 20,
        VaultError::BadPosition { .. } => 21,
        VaultError::WrongKind { .. } => 22,
        VaultError::NoCodes { .. } => 23,
    }
}

/// One of every [`KeystoreError`] variant, in declaration order.
pub fn keystore_errors() -> Vec<KeystoreError> {
    let store = || "the Secret Service (GNOME Keyring, KWallet…)".to_owned();
    vec![
        KeystoreError::Unavailable {
            store: store(),
            reason: "no secret service provider or dbus session found".into(),
            hint: "start a Secret Service in your session, or choose a file keystore",
        },
        KeystoreError::Locked {
            store: store(),
            reason: "prompt dismissed".into(),
        },
        KeystoreError::Access {
            store: store(),
            reason: "the bus went away".into(),
        },
        KeystoreError::Duplicate {
            store: store(),
            service: "sesame",
            user: "vault-0123abcd".into(),
            count: 2,
        },
        KeystoreError::InsecurePermissions {
            path: PathBuf::from("/home/ada/keys"),
            mode: 0o644,
        },
        KeystoreError::Corrupt {
            location: "the file keystore /home/ada/keys, line 3".into(),
            reason: "not 32 bytes of hex".into(),
        },
        KeystoreError::UnsupportedFormat {
            path: PathBuf::from("/home/ada/keys"),
            version: 9,
        },
        KeystoreError::Io {
            path: PathBuf::from("/home/ada/keys"),
            source: io("permission denied"),
        },
        KeystoreError::InvalidChoice {
            origin: ChoiceOrigin::Given,
            given: "nope".into(),
        },
        KeystoreError::InvalidVaultId { id: "XYZ".into() },
        KeystoreError::Unsupported,
        KeystoreError::Random {
            reason: "getrandom failed".into(),
        },
    ]
}

/// The position of `error`'s variant in [`keystore_errors`]; no wildcard arm.
pub fn keystore_index(error: &KeystoreError) -> usize {
    match error {
        KeystoreError::Unavailable { .. } => 0,
        KeystoreError::Locked { .. } => 1,
        KeystoreError::Access { .. } => 2,
        KeystoreError::Duplicate { .. } => 3,
        KeystoreError::InsecurePermissions { .. } => 4,
        KeystoreError::Corrupt { .. } => 5,
        KeystoreError::UnsupportedFormat { .. } => 6,
        KeystoreError::Io { .. } => 7,
        KeystoreError::InvalidChoice { .. } => 8,
        KeystoreError::InvalidVaultId { .. } => 9,
        KeystoreError::Unsupported => 10,
        KeystoreError::Random { .. } => 11,
    }
}

/// One of every [`BackupError`] variant, in declaration order.
pub fn backup_errors() -> Vec<BackupError> {
    vec![
        BackupError::WrongPassword,
        BackupError::Damaged("cut short".into()),
        BackupError::UnsupportedVersion(9),
        BackupError::UnknownName {
            field: "format",
            name: "sesame-backup2".into(),
        },
        BackupError::KdfOutOfBounds,
        BackupError::Qr(QrError::TooLong { len: 4000 }),
        BackupError::Migration(MigrationError::MissingData),
    ]
}

/// The position of `error`'s variant in [`backup_errors`]; no wildcard arm.
pub fn backup_index(error: &BackupError) -> usize {
    match error {
        BackupError::WrongPassword => 0,
        BackupError::Damaged(_) => 1,
        BackupError::UnsupportedVersion(_) => 2,
        BackupError::UnknownName { .. } => 3,
        BackupError::KdfOutOfBounds => 4,
        BackupError::Qr(_) => 5,
        BackupError::Migration(_) => 6,
    }
}

/// One of every [`ImportError`] variant, in declaration order.
pub fn import_errors() -> Vec<ImportError> {
    vec![
        ImportError::Io {
            path: PathBuf::from("/home/ada/backup.sesame"),
            source: io("no such file"),
        },
        ImportError::Link {
            line: 2,
            source: LinkError::NotALink,
        },
        ImportError::Nothing("/home/ada/notes.txt".into()),
        ImportError::Unrecognised {
            name: "/home/ada/export.zip".into(),
            looks_like: "a ZIP archive".into(),
        },
        ImportError::PasswordNeeded(Format::TwoFas),
        ImportError::WrongPassword(Format::TwoFas),
        ImportError::Damaged {
            format: Format::Aegis,
            reason: "it ends too early".into(),
        },
        ImportError::Unsupported {
            format: Format::Bitwarden,
            reason: "it is encrypted with the Bitwarden account's key".into(),
        },
        ImportError::TooCostly {
            format: Format::Aegis,
            what: "scrypt with N = 16777216, r = 8, p = 1".into(),
            limit: "N = 2^20, r = 16, p = 16".into(),
        },
        ImportError::Qr(QrError::UnsupportedFormat),
    ]
}

/// The position of `error`'s variant in [`import_errors`]; no wildcard arm.
pub fn import_index(error: &ImportError) -> usize {
    match error {
        ImportError::Io { .. } => 0,
        ImportError::Link { .. } => 1,
        ImportError::Nothing(_) => 2,
        ImportError::Unrecognised { .. } => 3,
        ImportError::PasswordNeeded(_) => 4,
        ImportError::WrongPassword(_) => 5,
        ImportError::Damaged { .. } => 6,
        ImportError::Unsupported { .. } => 7,
        ImportError::TooCostly { .. } => 8,
        ImportError::Qr(_) => 9,
    }
}

/// One of every [`QrError`] variant, in declaration order.
pub fn qr_errors() -> Vec<QrError> {
    vec![
        QrError::Io {
            path: PathBuf::from("/home/ada/code.png"),
            source: io("no such file"),
        },
        QrError::InFile {
            path: PathBuf::from("/home/ada/code.png"),
            source: Box::new(QrError::UnsupportedFormat),
        },
        QrError::UnsupportedFormat,
        QrError::Image("unexpected end of file".into()),
        QrError::TooLarge {
            width: 100_000,
            height: 100_000,
        },
        QrError::BufferSize {
            expected: 16,
            actual: 15,
        },
        QrError::TooLong { len: 4000 },
        QrError::ModuleSize { module_px: 0 },
        QrError::Render("out of memory".into()),
    ]
}

/// The position of `error`'s variant in [`qr_errors`]; no wildcard arm.
pub fn qr_index(error: &QrError) -> usize {
    match error {
        QrError::Io { .. } => 0,
        QrError::InFile { .. } => 1,
        QrError::UnsupportedFormat => 2,
        QrError::Image(_) => 3,
        QrError::TooLarge { .. } => 4,
        QrError::BufferSize { .. } => 5,
        QrError::TooLong { .. } => 6,
        QrError::ModuleSize { .. } => 7,
        QrError::Render(_) => 8,
    }
}

/// One of every [`TimeError`] variant, in declaration order.
pub fn time_errors() -> Vec<TimeError> {
    let server = || "pool.ntp.org".to_owned();
    vec![
        TimeError::Resolve {
            server: server(),
            reason: "no such host".into(),
        },
        TimeError::Network {
            server: server(),
            source: io("network unreachable"),
        },
        TimeError::Timeout {
            server: server(),
            timeout_ms: 2000,
        },
        TimeError::BadReply {
            server: server(),
            reason: "too short",
        },
        TimeError::KissOfDeath {
            server: server(),
            code: "RATE".into(),
        },
        TimeError::Unsynchronised { server: server() },
    ]
}

/// The position of `error`'s variant in [`time_errors`]; no wildcard arm.
pub fn time_index(error: &TimeError) -> usize {
    match error {
        TimeError::Resolve { .. } => 0,
        TimeError::Network { .. } => 1,
        TimeError::Timeout { .. } => 2,
        TimeError::BadReply { .. } => 3,
        TimeError::KissOfDeath { .. } => 4,
        TimeError::Unsynchronised { .. } => 5,
    }
}

/// One of every [`LinkError`] variant, in declaration order.
pub fn link_errors() -> Vec<LinkError> {
    vec![
        LinkError::Uri(UriError::MissingSecret),
        LinkError::Migration(MigrationError::MissingData),
        LinkError::UnknownScheme {
            scheme: "https".into(),
        },
        LinkError::NotALink,
    ]
}

/// The position of `error`'s variant in [`link_errors`]; no wildcard arm.
pub fn link_index(error: &LinkError) -> usize {
    match error {
        LinkError::Uri(_) => 0,
        LinkError::Migration(_) => 1,
        LinkError::UnknownScheme { .. } => 2,
        LinkError::NotALink => 3,
    }
}

/// One of every [`OtpError`] variant, in declaration order.
pub fn otp_errors() -> Vec<OtpError> {
    vec![
        OtpError::EmptySecret,
        OtpError::InvalidDigits { digits: 12 },
        OtpError::InvalidPeriod,
        OtpError::InvalidSteam,
        OtpError::UnsupportedAlgorithm {
            algorithm: Algorithm::MD5,
        },
        OtpError::WindowTooLarge { window: 1000 },
    ]
}

/// The position of `error`'s variant in [`otp_errors`]; no wildcard arm.
pub fn otp_index(error: &OtpError) -> usize {
    match error {
        OtpError::EmptySecret => 0,
        OtpError::InvalidDigits { .. } => 1,
        OtpError::InvalidPeriod => 2,
        OtpError::InvalidSteam => 3,
        OtpError::UnsupportedAlgorithm { .. } => 4,
        OtpError::WindowTooLarge { .. } => 5,
    }
}

/// One of every [`SecretError`] variant, in declaration order.
pub fn secret_errors() -> Vec<SecretError> {
    vec![
        SecretError::Empty,
        SecretError::InvalidCharacter {
            position: 3,
            character: '1',
        },
        SecretError::InvalidLength { length: 17 },
    ]
}

/// The position of `error`'s variant in [`secret_errors`]; no wildcard arm.
pub fn secret_index(error: &SecretError) -> usize {
    match error {
        SecretError::Empty => 0,
        SecretError::InvalidCharacter { .. } => 1,
        SecretError::InvalidLength { .. } => 2,
    }
}

/// One of every [`CognitoError`](crate::cognito::CognitoError) variant, in declaration
/// order.
#[cfg(feature = "cognito")]
pub fn cognito_errors() -> Vec<crate::cognito::CognitoError> {
    use crate::cognito::CognitoError as C;
    use crate::cognito::TokenError;
    use crate::cognito::srp::SrpError;
    let endpoint = || "https://cognito-idp.eu-west-1.amazonaws.com".to_owned();
    vec![
        C::NotConfigured,
        C::BadConfig {
            field: "app client id",
            reason: "it should be letters and digits only".into(),
        },
        C::PoolInOtherRegion {
            pool: "us-east-1_AbC123".into(),
            pool_region: "us-east-1".into(),
            region: "eu-west-1".into(),
        },
        C::StateUnreadable,
        C::EnrollmentVanished,
        C::WrongCredentials,
        C::NotConfirmed,
        C::UserNotFound,
        C::UserDisabled,
        C::UsernameExists,
        C::CodeMismatch,
        C::CodeUsed,
        C::CodeExpired,
        C::PasswordPolicy {
            policy: "Password must have symbol characters".into(),
        },
        C::PasswordResetRequired,
        C::TooManyRequests,
        C::LimitExceeded {
            message: "Attempt limit exceeded, please try after some time.".into(),
        },
        C::SessionExpired,
        C::NotSignedIn,
        C::SessionEnded {
            reason: "Refresh Token has been revoked".into(),
        },
        C::ClientSecret,
        C::FlowNotAllowed {
            message: "USER_PASSWORD_AUTH flow not enabled for this client".into(),
        },
        C::NoSuchPool {
            message: "User pool client abc does not exist.".into(),
        },
        C::MfaUnavailable {
            message: "Software token MFA not found".into(),
        },
        C::NotCognito {
            endpoint: endpoint(),
            reason: "expected value at line 1 column 1".into(),
        },
        C::RequestFailed {
            reason: "a required field was not set".into(),
        },
        C::Unreachable {
            endpoint: endpoint(),
            reason: "connection refused".into(),
        },
        C::Timeout {
            endpoint: endpoint(),
        },
        C::Refused {
            code: "InternalErrorException".into(),
            message: "Internal error".into(),
        },
        C::InvalidParameter {
            message: "Invalid attributes given, name is missing".into(),
        },
        C::MissingField {
            operation: "AssociateSoftwareToken",
            field: "SecretCode",
        },
        C::UnexpectedChallenge {
            operation: "InitiateAuth (USER_SRP_AUTH)",
            expected: "PASSWORD_VERIFIER",
            challenge: "CUSTOM_CHALLENGE".into(),
        },
        C::NoMfaOffered,
        C::BadTotpSecret(SecretError::InvalidCharacter {
            position: 3,
            character: '1',
        }),
        C::UnusableTotpSecret(OtpError::EmptySecret),
        C::Srp(SrpError::BadB),
        C::TokensDisagree,
        C::UnsupportedChallenge {
            challenge: "CUSTOM_CHALLENGE".into(),
        },
        C::WrongStep {
            wanted: "an MFA code",
            state: "waiting for a new password",
        },
        C::NoVaultSecret {
            username: "alice".into(),
        },
        C::VaultLocked,
        C::Token(TokenError::BadSignature),
        C::Vault(VaultError::ChangedElsewhere),
        C::PlainHttp {
            field: "endpoint",
            url: "http://10.0.0.5".into(),
        },
        C::Hosted(crate::cognito::HostedError::StateMismatch { found: "different" }),
    ]
}

/// The position of `error`'s variant in [`cognito_errors`]; no wildcard arm.
#[cfg(feature = "cognito")]
pub fn cognito_index(error: &crate::cognito::CognitoError) -> usize {
    use crate::cognito::CognitoError as C;
    match error {
        C::NotConfigured => 0,
        C::BadConfig { .. } => 1,
        C::PoolInOtherRegion { .. } => 2,
        C::StateUnreadable => 3,
        C::EnrollmentVanished => 4,
        C::WrongCredentials => 5,
        C::NotConfirmed => 6,
        C::UserNotFound => 7,
        C::UserDisabled => 8,
        C::UsernameExists => 9,
        C::CodeMismatch => 10,
        C::CodeUsed => 11,
        C::CodeExpired => 12,
        C::PasswordPolicy { .. } => 13,
        C::PasswordResetRequired => 14,
        C::TooManyRequests => 15,
        C::LimitExceeded { .. } => 16,
        C::SessionExpired => 17,
        C::NotSignedIn => 18,
        C::SessionEnded { .. } => 19,
        C::ClientSecret => 20,
        C::FlowNotAllowed { .. } => 21,
        C::NoSuchPool { .. } => 22,
        C::MfaUnavailable { .. } => 23,
        C::NotCognito { .. } => 24,
        C::RequestFailed { .. } => 25,
        C::Unreachable { .. } => 26,
        C::Timeout { .. } => 27,
        C::Refused { .. } => 28,
        C::InvalidParameter { .. } => 29,
        C::MissingField { .. } => 30,
        C::UnexpectedChallenge { .. } => 31,
        C::NoMfaOffered => 32,
        C::BadTotpSecret(_) => 33,
        C::UnusableTotpSecret(_) => 34,
        C::Srp(_) => 35,
        C::TokensDisagree => 36,
        C::UnsupportedChallenge { .. } => 37,
        C::WrongStep { .. } => 38,
        C::NoVaultSecret { .. } => 39,
        C::VaultLocked => 40,
        C::Token(_) => 41,
        C::Vault(_) => 42,
        C::PlainHttp { .. } => 43,
        C::Hosted(_) => 44,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each list holds every variant once, in order.
    fn in_order<E>(errors: Vec<E>, index: fn(&E) -> usize) {
        let indices: Vec<usize> = errors.iter().map(index).collect();
        assert_eq!(indices, (0..indices.len()).collect::<Vec<_>>());
    }

    #[test]
    fn every_list_holds_every_variant_once() {
        in_order(vault_errors(), vault_index);
        in_order(keystore_errors(), keystore_index);
        in_order(backup_errors(), backup_index);
        in_order(import_errors(), import_index);
        in_order(qr_errors(), qr_index);
        in_order(time_errors(), time_index);
        in_order(link_errors(), link_index);
        in_order(otp_errors(), otp_index);
        in_order(secret_errors(), secret_index);
        #[cfg(feature = "cognito")]
        in_order(cognito_errors(), cognito_index);
    }

    /// The core's messages say what happened; what to do with Sesame is the faces' job.
    #[test]
    fn core_messages_name_no_command_or_option() {
        let mut messages: Vec<String> = Vec::new();
        messages.extend(vault_errors().iter().map(ToString::to_string));
        messages.extend(keystore_errors().iter().map(ToString::to_string));
        messages.extend(backup_errors().iter().map(ToString::to_string));
        messages.extend(import_errors().iter().map(ToString::to_string));
        messages.extend(qr_errors().iter().map(ToString::to_string));
        messages.extend(time_errors().iter().map(ToString::to_string));
        messages.extend(link_errors().iter().map(ToString::to_string));
        messages.extend(otp_errors().iter().map(ToString::to_string));
        messages.extend(secret_errors().iter().map(ToString::to_string));
        #[cfg(feature = "cognito")]
        messages.extend(cognito_errors().iter().map(ToString::to_string));
        for message in messages {
            assert!(!message.is_empty());
            assert!(!message.contains("--"), "{message}");
            assert!(!message.contains("`sesame "), "{message}");
            assert!(!message.contains("sesame init"), "{message}");
        }
    }
}
