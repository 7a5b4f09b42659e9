//! The one error type every command returns: a stable `kind` the UI switches on and a
//! `message` a person can act on. Core errors are mapped here and nowhere else.

use serde::Serialize;
use sesame::backup::BackupError;
use sesame::keystore::KeystoreError;
use sesame::link::LinkError;
use sesame::qr::QrError;
use sesame::vault::VaultError;

/// What a command reports when it fails (serialized as `{kind, message}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// Stable machine-readable kind (see `ui/src/lib/api.ts`).
    pub kind: ErrorKind,
    /// One sentence for people; never contains a secret.
    pub message: String,
}

/// The kinds of [`AppError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NoVault,
    Locked,
    WrongPassword,
    PasswordRequired,
    Keystore,
    BoundToAnotherDevice,
    Busy,
    InvalidInput,
    NotFound,
    NoQrCode,
    Io,
    Time,
    /// Amazon Cognito refused or could not be reached (desktop only).
    Cognito,
    Internal,
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
            VaultError::Keystore(_) => K::Keystore,
            VaultError::Locked { .. } => K::Busy,
            VaultError::ChangedElsewhere => K::Locked,
            VaultError::NoSuchAccount { .. } => K::NotFound,
            VaultError::BadPosition { .. } | VaultError::WrongKind { .. } => K::InvalidInput,
            VaultError::Io { .. } => K::Io,
            _ => K::Io,
        };
        AppError::new(kind, sentence(error))
    }
}

impl From<KeystoreError> for AppError {
    fn from(error: KeystoreError) -> Self {
        AppError::new(ErrorKind::Keystore, sentence(error))
    }
}

impl From<LinkError> for AppError {
    fn from(error: LinkError) -> Self {
        AppError::invalid(sentence(error))
    }
}

impl From<QrError> for AppError {
    fn from(error: QrError) -> Self {
        let kind = match error {
            QrError::Io { .. } => ErrorKind::Io,
            _ => ErrorKind::InvalidInput,
        };
        AppError::new(kind, sentence(error))
    }
}

impl From<BackupError> for AppError {
    fn from(error: BackupError) -> Self {
        let kind = match &error {
            BackupError::WrongPassword => ErrorKind::WrongPassword,
            BackupError::Io { .. } => ErrorKind::Io,
            _ => ErrorKind::InvalidInput,
        };
        AppError::new(kind, sentence(error))
    }
}

#[cfg(desktop)]
impl From<sesame::cognito::CognitoError> for AppError {
    fn from(error: sesame::cognito::CognitoError) -> Self {
        use sesame::cognito::CognitoError as C;
        match error {
            C::Vault(v) => AppError::from(v),
            e @ C::VaultLocked => AppError::new(ErrorKind::Locked, sentence(e)),
            e @ C::BadConfig { .. } => AppError::invalid(sentence(e)),
            e => AppError::new(ErrorKind::Cognito, sentence(e)),
        }
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
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_and_message() {
        let json = serde_json::to_value(AppError::from(VaultError::WrongPassword)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "wrong_password", "message": "Wrong password."})
        );
    }

    /// One of every [`VaultError`] variant. The exhaustive match in `variant_index` makes
    /// a new variant a build error here until it is added to this list.
    fn every_vault_error() -> Vec<VaultError> {
        let path = || std::path::PathBuf::from("/x/vault");
        let backup = || std::path::PathBuf::from("/x/vault.bak");
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
            VaultError::KdfOutOfBounds {
                cost: sesame::vault::KdfCost::MAX,
            },
            VaultError::BoundToAnotherDevice {
                keystore: "the file keystore".into(),
            },
            VaultError::Tampered {
                path: path(),
                backup: backup(),
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
                source: std::io::Error::other("disk on fire"),
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
        ]
    }

    /// The position of `error`'s variant in [`every_vault_error`]; no wildcard arm.
    fn variant_index(error: &VaultError) -> usize {
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
            VaultError::PasswordRequired => 9,
            VaultError::WrongPassword => 10,
            VaultError::Keystore(_) => 11,
            VaultError::Io { .. } => 12,
            VaultError::Locked { .. } => 13,
            VaultError::ChangedElsewhere => 14,
            VaultError::BadPayload { .. } => 15,
            VaultError::NoSuchAccount { .. } => 16,
            VaultError::Ambiguous { .. } => 17,
            VaultError::BadPosition { .. } => 18,
            VaultError::WrongKind { .. } => 19,
        }
    }

    #[test]
    fn every_vault_error_is_listed_once() {
        let indices: Vec<usize> = every_vault_error().iter().map(variant_index).collect();
        assert_eq!(indices, (0..indices.len()).collect::<Vec<_>>());
    }

    #[test]
    fn app_messages_do_not_mention_cli_flags() {
        for error in every_vault_error() {
            let core = error.to_string();
            let app = AppError::from(error);
            assert!(!app.message.is_empty(), "{core}");
            assert!(!app.message.contains("--"), "{core} -> {}", app.message);
            assert!(
                !app.message.contains("sesame init"),
                "{core} -> {}",
                app.message
            );
        }
    }

    #[cfg(desktop)]
    #[test]
    fn cognito_errors_are_sentences_of_their_own_kind() {
        use sesame::cognito::CognitoError;
        let app = AppError::from(CognitoError::WrongCredentials);
        assert_eq!(app.kind, ErrorKind::Cognito);
        assert_eq!(app.message, "Incorrect username or password");
        let json = serde_json::to_value(&app).unwrap();
        assert_eq!(json["kind"], "cognito");
        let vault = AppError::from(CognitoError::Vault(VaultError::WrongPassword));
        assert_eq!(vault.kind, ErrorKind::WrongPassword);
        let locked = AppError::from(CognitoError::VaultLocked);
        assert_eq!(locked.kind, ErrorKind::Locked);
        assert_eq!(
            locked.message,
            "Sesame was locked while talking to Cognito; unlock it and try again"
        );
    }

    #[test]
    fn busy_vault_is_its_own_kind() {
        let app = AppError::from(VaultError::Locked {
            holder: "pid 7 (sesame)".into(),
            waited_ms: 10_000,
        });
        assert_eq!(app.kind, ErrorKind::Busy);
        assert!(app.message.starts_with("The vault is busy"));
    }
}
