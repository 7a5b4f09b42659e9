//! The one error type every command returns: a stable `kind` the UI switches on and a
//! `message` a person can act on. Core errors are mapped here and nowhere else.

use serde::Serialize;
use sesame::backup::BackupError;
use sesame::clock::TimeError;
use sesame::import::ImportError;
use sesame::keystore::KeystoreError;
use sesame::link::LinkError;
use sesame::qr::QrError;
use sesame::vault::VaultError;
use sesame::{OtpError, SecretError};

/// What a command reports when it fails (serialized as `{kind, message}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppError {
    /// Stable machine-readable kind (`ErrorKind` in `ui/src/lib/bindings.ts`).
    pub kind: ErrorKind,
    /// One sentence for people; never contains a secret.
    pub message: String,
}

/// The kinds of [`AppError`]: what the UI can act on. Every core error variant maps to
/// one in an exhaustive `match` below, so a new variant does not build until it is mapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum ErrorKind {
    /// There is no vault yet: the UI shows first run.
    NoVault,
    /// Creating a vault where one exists.
    VaultExists,
    /// The vault file is not a Sesame vault.
    NotAVault,
    /// The vault (or a backup) is cut short, broken or asks for absurd costs.
    Damaged,
    /// The vault file was changed outside Sesame.
    Tampered,
    /// A newer Sesame wrote the file: update Sesame.
    NewerVersion,
    /// The file names a format or algorithm this Sesame does not know.
    UnknownFormat,
    /// The vault is locked: the UI shows the unlock screen.
    Locked,
    WrongPassword,
    PasswordRequired,
    /// The OS keystore is locked or refused access.
    Keystore,
    /// There is no OS keystore to use (none running, or none on this platform).
    KeystoreUnavailable,
    /// The device key in the keystore is damaged or stored twice.
    KeystoreDamaged,
    /// The keystore file can be read by other users.
    KeystoreInsecure,
    BoundToAnotherDevice,
    /// Another process holds the vault.
    Busy,
    /// A link, secret or form field is wrong; the message says which.
    InvalidInput,
    /// An account id or pending import is unknown.
    NotFound,
    /// A name matches several accounts.
    Ambiguous,
    /// A stored account cannot make codes.
    NoCodes,
    /// An image or the screen had no readable QR code.
    NoQrCode,
    Io,
    /// Time measurement failed.
    Time,
    /// Amazon Cognito refused; the message says what to correct.
    Cognito,
    /// Cognito could not be reached, or did not answer in time: check the network.
    Network,
    /// Not signed in to Cognito, or the session ended: sign in again.
    SignedOut,
    /// The Cognito settings cannot work with this pool or endpoint: configure again.
    CognitoSetup,
    Internal,
    /// Sesame Sync: off, refused by the server, this device revoked, the key changed; the
    /// message says what to do.
    Sync,
    /// The action needs the user's explicit yes first (a clock offset beyond 5 minutes,
    /// overwriting a file); the message says what to confirm.
    ConfirmationRequired,
    /// The vault file is older than the newest one saved on this device (a restore, a
    /// sync tool, or someone undoing changes): `unlock_older_copy` opens it deliberately.
    RolledBack,
}

impl AppError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        AppError {
            kind,
            message: message.into(),
        }
    }

    /// The vault is locked (or was never unlocked).
    pub fn locked() -> Self {
        Self::new(ErrorKind::Locked, "Sesame is locked: unlock it first.")
    }

    /// A request field is wrong.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// Something that should not happen (a worker thread died).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
}

/// Makes the first letter upper case, for sentences built from core messages.
fn sentence(text: impl ToString) -> String {
    let text = text.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

impl From<VaultError> for AppError {
    fn from(error: VaultError) -> Self {
        use ErrorKind as K;
        let kind = match &error {
            VaultError::NotFound { .. } => {
                return AppError::new(K::NoVault, "There is no vault yet: create one first.");
            }
            VaultError::PasswordRequired => {
                return AppError::new(
                    K::PasswordRequired,
                    "This vault is protected by a password: enter it.",
                );
            }
            VaultError::WrongPassword => {
                return AppError::new(K::WrongPassword, "Wrong password.");
            }
            VaultError::BoundToAnotherDevice { keystore } => {
                return AppError::new(
                    K::BoundToAnotherDevice,
                    format!(
                        "This vault is bound to another device: its device key is not in {keystore}. Restore your accounts from a backup export."
                    ),
                );
            }
            VaultError::Keystore(inner) => keystore_kind(inner),
            VaultError::AlreadyExists { .. } => K::VaultExists,
            VaultError::NotAVault { .. } => K::NotAVault,
            VaultError::Damaged { .. }
            | VaultError::KdfOutOfBounds { .. }
            | VaultError::BadPayload { .. } => K::Damaged,
            VaultError::RolledBack {
                file_generation,
                expected,
                ..
            } => {
                return AppError::new(
                    K::RolledBack,
                    format!(
                        "This vault file is older than the last one saved on this device: it holds save {file_generation}, and this device last saved {expected}. An older copy was put in place of the newest one, by a restore, a sync tool or someone else. Nothing was changed."
                    ),
                );
            }
            VaultError::Tampered { .. } => K::Tampered,
            VaultError::UnsupportedVersion { .. } => K::NewerVersion,
            VaultError::UnknownName { .. } => K::UnknownFormat,
            VaultError::Io { .. }
            | VaultError::UnsafeFolder { .. }
            | VaultError::UnsafeFile { .. } => K::Io,
            VaultError::Locked { .. } => K::Busy,
            VaultError::ChangedElsewhere => K::Locked,
            VaultError::NoSuchAccount { .. } => K::NotFound,
            VaultError::Ambiguous { .. } => K::Ambiguous,
            VaultError::BadPosition { .. } | VaultError::WrongKind { .. } => K::InvalidInput,
            VaultError::NoCodes { .. } => K::NoCodes,
        };
        AppError::new(kind, sentence(error))
    }
}

/// The kind of a [`KeystoreError`], also when it comes inside a [`VaultError`].
fn keystore_kind(error: &KeystoreError) -> ErrorKind {
    use ErrorKind as K;
    match error {
        KeystoreError::Unavailable { .. } | KeystoreError::Unsupported => K::KeystoreUnavailable,
        KeystoreError::Locked { .. } | KeystoreError::Access { .. } => K::Keystore,
        KeystoreError::Duplicate { .. } | KeystoreError::Corrupt { .. } => K::KeystoreDamaged,
        KeystoreError::InsecurePermissions { .. } => K::KeystoreInsecure,
        KeystoreError::UnsupportedFormat { .. } => K::NewerVersion,
        KeystoreError::Io { .. } => K::Io,
        KeystoreError::InvalidChoice { .. } => K::InvalidInput,
        KeystoreError::InvalidVaultId { .. } | KeystoreError::Random { .. } => K::Internal,
    }
}

impl From<KeystoreError> for AppError {
    fn from(error: KeystoreError) -> Self {
        AppError::new(keystore_kind(&error), sentence(error))
    }
}

impl From<LinkError> for AppError {
    fn from(error: LinkError) -> Self {
        match &error {
            LinkError::Uri(_)
            | LinkError::Migration(_)
            | LinkError::UnknownScheme { .. }
            | LinkError::NotALink => AppError::invalid(sentence(error)),
        }
    }
}

impl From<SecretError> for AppError {
    fn from(error: SecretError) -> Self {
        match &error {
            SecretError::Empty
            | SecretError::InvalidCharacter { .. }
            | SecretError::InvalidLength { .. } => AppError::invalid(sentence(error)),
        }
    }
}

impl From<OtpError> for AppError {
    fn from(error: OtpError) -> Self {
        match &error {
            OtpError::EmptySecret
            | OtpError::InvalidDigits { .. }
            | OtpError::InvalidPeriod
            | OtpError::InvalidSteam
            | OtpError::UnsupportedAlgorithm { .. }
            | OtpError::WindowTooLarge { .. } => AppError::invalid(sentence(error)),
        }
    }
}

impl From<TimeError> for AppError {
    fn from(error: TimeError) -> Self {
        match &error {
            TimeError::Resolve { .. }
            | TimeError::Network { .. }
            | TimeError::Timeout { .. }
            | TimeError::BadReply { .. }
            | TimeError::KissOfDeath { .. }
            | TimeError::Unsynchronised { .. } => AppError::new(
                ErrorKind::Time,
                format!("Could not check the time: {error}."),
            ),
        }
    }
}

/// The kind of a [`QrError`]; a file's error is the kind of what was wrong inside it.
fn qr_kind(error: &QrError) -> ErrorKind {
    match error {
        QrError::Io { .. } => ErrorKind::Io,
        QrError::InFile { source, .. } => qr_kind(source),
        QrError::UnsupportedFormat
        | QrError::Image(_)
        | QrError::TooLarge { .. }
        | QrError::BufferSize { .. }
        | QrError::TooLong { .. }
        | QrError::ModuleSize { .. } => ErrorKind::InvalidInput,
        QrError::Render(_) => ErrorKind::Internal,
    }
}

impl From<QrError> for AppError {
    fn from(error: QrError) -> Self {
        AppError::new(qr_kind(&error), sentence(error))
    }
}

impl From<BackupError> for AppError {
    fn from(error: BackupError) -> Self {
        use ErrorKind as K;
        let kind = match &error {
            BackupError::WrongPassword => K::WrongPassword,
            BackupError::Damaged(_) | BackupError::KdfOutOfBounds => K::Damaged,
            BackupError::UnsupportedVersion(_) => K::NewerVersion,
            BackupError::UnknownName { .. } => K::UnknownFormat,
            BackupError::Qr(inner) => qr_kind(inner),
            BackupError::Migration(_) => K::InvalidInput,
        };
        AppError::new(kind, sentence(error))
    }
}

impl From<ImportError> for AppError {
    fn from(error: ImportError) -> Self {
        use ErrorKind as K;
        let kind = match &error {
            ImportError::Io { .. } => K::Io,
            ImportError::Qr(inner) => qr_kind(inner),
            ImportError::PasswordNeeded(_) => K::PasswordRequired,
            ImportError::WrongPassword(_) => K::WrongPassword,
            ImportError::Link { .. }
            | ImportError::Nothing(_)
            | ImportError::Unrecognised { .. }
            | ImportError::Damaged { .. }
            | ImportError::Unsupported { .. }
            | ImportError::TooCostly { .. } => K::InvalidInput,
        };
        AppError::new(kind, sentence(error))
    }
}

impl From<sesame::cognito::CognitoError> for AppError {
    fn from(error: sesame::cognito::CognitoError) -> Self {
        use ErrorKind as K;
        use sesame::cognito::CognitoError as C;
        let kind = match &error {
            C::Vault(_) => {
                let C::Vault(v) = error else { unreachable!() };
                return AppError::from(v);
            }
            C::VaultLocked => K::Locked,
            C::Hosted(hosted) => {
                use sesame::cognito::HostedError as H;
                match hosted {
                    H::NotConfigured
                    | H::ClientRefused
                    | H::NoAdminScope { .. }
                    | H::DiscoveryIssuer { .. }
                    | H::InsecureEndpoint { .. } => K::CognitoSetup,
                    H::Listen { .. } | H::TimedOut { .. } | H::Unreachable { .. } => K::Network,
                    H::StateMismatch { .. }
                    | H::Denied { .. }
                    | H::NoCode
                    | H::CodeRefused { .. }
                    | H::TokenEndpoint { .. }
                    | H::NotTokens { .. }
                    | H::NonceMismatch { .. } => K::Cognito,
                }
            }
            C::BadConfig { .. } | C::PoolInOtherRegion { .. } | C::PlainHttp { .. } => {
                K::InvalidInput
            }
            C::StateUnreadable => K::Damaged,
            C::NotConfigured
            | C::ClientSecret
            | C::FlowNotAllowed { .. }
            | C::NoSuchPool { .. }
            | C::NotCognito { .. } => K::CognitoSetup,
            C::Unreachable { .. } | C::Timeout { .. } => K::Network,
            C::NotSignedIn | C::SessionEnded { .. } => K::SignedOut,
            C::RequestFailed { .. } | C::WrongStep { .. } => K::Internal,
            C::EnrollmentVanished
            | C::WrongCredentials
            | C::NotConfirmed
            | C::UserNotFound
            | C::UserDisabled
            | C::UsernameExists
            | C::CodeMismatch
            | C::CodeUsed
            | C::CodeExpired
            | C::PasswordPolicy { .. }
            | C::PasswordResetRequired
            | C::TooManyRequests
            | C::LimitExceeded { .. }
            | C::SessionExpired
            | C::MfaUnavailable { .. }
            | C::Refused { .. }
            | C::InvalidParameter { .. }
            | C::MissingField { .. }
            | C::UnexpectedChallenge { .. }
            | C::NoMfaOffered
            | C::BadTotpSecret(_)
            | C::UnusableTotpSecret(_)
            | C::Srp(_)
            | C::TokensDisagree
            | C::UnsupportedChallenge { .. }
            | C::NoVaultSecret { .. }
            | C::Token(_) => K::Cognito,
        };
        AppError::new(kind, sentence(error))
    }
}

impl From<sesame::sync::client::ClientError> for AppError {
    fn from(error: sesame::sync::client::ClientError) -> Self {
        use ErrorKind as K;
        use sesame::sync::KeyError as Key;
        use sesame::sync::client::ClientError as C;
        use sesame::sync::engine::{SyncError as S, TransportError as T};
        use sesame::sync::seal::SealError as Seal;
        let (kind, advice) = match &error {
            C::Cognito(_) => {
                let C::Cognito(e) = error else { unreachable!() };
                return AppError::from(e);
            }
            C::Sync(S::Vault(_)) => {
                let C::Sync(S::Vault(e)) = error else {
                    unreachable!()
                };
                return AppError::from(e);
            }
            C::Off => (K::Sync, "Turn it on in the Sync screen."),
            C::AlreadyOn { .. } => (K::Sync, "To use another server, turn sync off first."),
            C::OtherUser { .. } => (
                K::Sync,
                "Sign in to Cognito as that user, or turn sync off and on again for this one.",
            ),
            C::VaultChanged => (K::Sync, "Sync again."),
            C::RevokeSelf => (K::InvalidInput, ""),
            C::NoServer => (K::InvalidInput, "Type the sync server's address."),
            C::Server(_) => (K::InvalidInput, ""),
            C::Sync(S::Transport(t)) => match t {
                T::SignInAgain { .. } => (K::SignedOut, "Sign in to Cognito again, then sync."),
                T::DeviceRevoked => (
                    K::Sync,
                    "The accounts stay here. To sync this device again, turn sync off, then on.",
                ),
                T::RateLimited { .. } => (K::Sync, ""),
                T::Refused { .. } | T::Protocol(_) => (K::Sync, ""),
                // Not `network`: its advice is about reaching Cognito.
                T::Unreachable(_) => (
                    K::Sync,
                    "Changes made here wait and are sent when the server can be reached.",
                ),
            },
            C::Sync(S::Key(k)) => match k {
                Key::WrongPassphrase => (
                    K::WrongPassword,
                    "Type the sync passphrase set on the first device (the vault password is another one).",
                ),
                Key::WrongRecoveryKey
                | Key::RecoveryKeyTypo
                | Key::RecoveryKeyLength { .. }
                | Key::RecoveryKeyCharacter(_) => (K::InvalidInput, ""),
                Key::KdfOutOfBounds
                | Key::UnsupportedVersion(_)
                | Key::UnknownName { .. }
                | Key::Damaged(_) => (K::Sync, ""),
            },
            C::Sync(S::Seal(seal)) => match seal {
                Seal::TooLarge { .. } => (K::Sync, ""),
                Seal::NotAnItem { .. } | Seal::Tampered { .. } | Seal::Unreadable { .. } => {
                    (K::Damaged, "")
                }
            },
            C::Sync(S::NoKeyOnServer | S::KeyMismatch) => (K::Sync, ""),
            C::Sync(S::StillConflicting) => (K::Sync, "Sync again."),
        };
        let mut message = full_sentence(&error);
        if !advice.is_empty() {
            message.push(' ');
            message.push_str(advice);
        }
        AppError::new(kind, message)
    }
}

/// A core message as a sentence: upper-case first letter, full stop.
fn full_sentence(text: impl ToString) -> String {
    let mut message = sentence(text);
    if !message.ends_with('.') {
        message.push('.');
    }
    message
}

impl AppError {
    /// The error of a one-off sync request that did not happen (deleting what the server
    /// holds), followed by `outcome` (what that leaves). A server that cannot be reached
    /// gets "try again", not a round's advice: a one-off request is not retried by itself.
    pub fn sync_request_failed(error: sesame::sync::client::ClientError, outcome: &str) -> Self {
        use sesame::sync::client::ClientError as C;
        use sesame::sync::engine::{SyncError as S, TransportError as T};
        let mut app_error = match &error {
            C::Sync(S::Transport(T::Unreachable(_))) => AppError::new(
                ErrorKind::Sync,
                format!(
                    "{} Try again when the server can be reached.",
                    full_sentence(&error)
                ),
            ),
            _ => AppError::from(error),
        };
        app_error.message.push(' ');
        app_error.message.push_str(outcome);
        app_error
    }
}

impl From<tauri::Error> for AppError {
    fn from(error: tauri::Error) -> Self {
        AppError::internal(sentence(error))
    }
}

/// What every command returns.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests;
