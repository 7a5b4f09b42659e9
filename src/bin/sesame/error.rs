//! The CLI's error type: the core's typed errors, and the CLI's own (usage, standard
//! input, the terminal, files it writes). Each prints as one line; [`CliError::hint`] adds
//! the CLI's "what to do" (its commands and options), which the core never names.

use std::path::PathBuf;
use std::process::ExitCode;

use sesame::backup::BackupError;
use sesame::cognito::{CognitoError, HostedError, MfaKind};
use sesame::import::ImportError;
use sesame::keystore::{ChoiceOrigin, KeystoreError};
use sesame::vault::VaultError;

/// Exit status for a negative answer (wrong code, no QR code found).
pub const EXIT_NO: u8 = 1;
/// Exit status for an error.
pub const EXIT_ERROR: u8 = 2;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A secret that is not valid Base32.
    #[error("{0}")]
    Secret(#[from] sesame::SecretError),
    /// OTP parameters codes cannot be computed with.
    #[error("{0}")]
    Otp(#[from] sesame::OtpError),
    /// A link that cannot be read.
    #[error("{0}")]
    Link(#[from] sesame::link::LinkError),
    /// An image that cannot be read or a text that cannot be encoded.
    #[error("{0}")]
    Qr(#[from] sesame::qr::QrError),
    /// Time measurement failed.
    #[error("{0}")]
    Time(#[from] sesame::clock::TimeError),
    /// The time server's answer would move the clock by more than the bound.
    #[error(
        "the time server {server} ({address}) says this clock is {} off; more than 5 minutes is not applied without --accept-offset",
        describe_offset(*offset_ms)
    )]
    LargeOffset {
        /// As given.
        server: String,
        /// The address that answered.
        address: String,
        /// What it measured, in ms.
        offset_ms: i64,
    },
    /// The vault refused.
    #[error("{0}")]
    Vault(#[from] VaultError),
    /// The device keystore refused.
    #[error("{0}")]
    Keystore(#[from] KeystoreError),
    /// A backup could not be sealed or opened, or an export failed.
    #[error("{0}")]
    Backup(#[from] BackupError),
    /// A file to import could not be read, or holds nothing importable.
    #[error("{0}")]
    Import(#[from] ImportError),
    /// Cognito refused, could not be reached, or answered what Sesame cannot use.
    #[error("{0}")]
    Cognito(#[from] CognitoError),
    /// A Cognito sign-in of `username` failed (its hints name the user).
    #[error("{source}")]
    CognitoSignIn {
        /// The name signed in with.
        username: String,
        /// Why.
        source: CognitoError,
    },
    /// The async runtime for the network calls could not start.
    #[error("cannot start the network runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The authenticator was set up, but `SetUserMFAPreference` failed.
    #[error("the authenticator is set up, but turning MFA on failed: {reason}")]
    MfaPreference {
        /// What Cognito said.
        reason: String,
    },
    /// A sign-in asks for a new password and attributes that were not given (and there is
    /// no terminal to ask on).
    #[error("Cognito asks for a new password and these attributes: {}", attributes.join(", "))]
    NewPasswordAttributes {
        /// The attributes the pool requires.
        attributes: Vec<String>,
    },
    /// The pool requires MFA by text message or email, which is not set up yet.
    #[error(
        "the user pool requires MFA by text message or email, which must be set up elsewhere first"
    )]
    MfaSetupElsewhere,
    /// A sign-in asks to choose a second factor.
    #[error("Cognito asks to choose a second factor ({options:?}), which this command cannot do")]
    MfaChoice {
        /// What Cognito offers.
        options: Vec<MfaKind>,
    },
    /// A sign-in asks for the password again.
    #[error("Cognito asks for the password again")]
    PasswordAgain,
    /// A sign-in ended without a session (a bug).
    #[error("the sign-in ended without a session")]
    NoSession,
    /// Writing output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// Where.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file the command would write exists and `--force` was not given.
    #[error("{} exists", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// Reading standard input failed.
    #[error("cannot read {what} from standard input: {source}")]
    Stdin {
        /// What was being read (`the secret`, `a link`, …).
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// Standard input ended before a password was given.
    #[error("standard input ended before the {what} was given")]
    StdinEnded {
        /// The password asked for (`vault password`, …).
        what: String,
    },
    /// A password is needed and there is no terminal to ask on.
    #[error("the {what} is needed but there is no terminal to ask on")]
    NoTerminal {
        /// The password asked for.
        what: String,
    },
    /// The hidden prompt on the terminal failed.
    #[error("cannot read the {what} from the terminal: {source}")]
    Prompt {
        /// The password asked for.
        what: String,
        /// Why.
        source: std::io::Error,
    },
    /// An empty new password.
    #[error("the {what} cannot be empty")]
    EmptyPassword {
        /// Which password.
        what: String,
    },
    /// The new password and its repetition differ.
    #[error("the two {what}s differ; nothing was changed")]
    PasswordsDiffer {
        /// Which password.
        what: String,
    },
    /// An image that holds no QR code where one was needed.
    #[error("no QR code found in {}", path.display())]
    NoQrCode {
        /// The image.
        path: PathBuf,
    },
    /// `remove` without a confirmation.
    #[error("not deleted: deleting {label} needs a confirmation")]
    DeleteNotConfirmed {
        /// The account.
        label: String,
    },
    /// `passwd --remove` without a confirmation.
    #[error(
        "the password was not removed: without a password, anyone who can use this account on this device can read every secret in the vault"
    )]
    RemovePasswordNotConfirmed,
    /// A result could not be written as JSON (a bug: every field is serializable).
    #[error("cannot format {what} as JSON: {source}")]
    Json {
        /// What was being formatted.
        what: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// Options that do not go together, a value out of range, or an argument missing.
    #[error("{0}")]
    Usage(String),
    /// A sync round, turning sync on or changing the passphrase failed.
    #[error("{0}")]
    Sync(#[from] sesame::sync::engine::SyncError),
    /// A sync server address Sesame will not use.
    #[error("{0}")]
    SyncServer(#[from] sesame::sync::http::ServerUrlError),
    /// Sync is not on in this vault.
    #[error("sync is off in this vault")]
    SyncOff,
    /// `sync enable` while sync is on.
    #[error("sync is already on with {server}")]
    SyncAlreadyOn {
        /// Its server.
        server: String,
    },
    /// The signed-in Cognito user is not the one sync was turned on for.
    #[error("signed in to Cognito as {login}, not as the user this vault syncs for")]
    SyncOtherUser {
        /// Who is signed in.
        login: String,
    },
    /// Another Sesame changed the vault's accounts while a sync round ran.
    #[error(
        "the accounts changed in another Sesame during the sync; the round stopped there, nothing was lost"
    )]
    SyncVaultChanged,
    /// `sync disable --delete-remote` without a confirmation.
    #[error("nothing was deleted from {server}: deleting the sync data needs a confirmation")]
    SyncDeleteNotConfirmed {
        /// The sync server.
        server: String,
    },
}

impl CliError {
    /// The process exit status for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(EXIT_ERROR)
    }

    /// What to do about it with this CLI, when the message alone does not say.
    pub fn hint(&self) -> Option<String> {
        match self {
            CliError::Vault(e) => vault_hint(e),
            CliError::Keystore(e) => keystore_hint(e),
            CliError::Import(e) => import_hint(e),
            CliError::Cognito(e) => cognito_hint(e),
            CliError::CognitoSignIn { username, source } => sign_in_hint(source, username),
            CliError::MfaPreference { .. } => Some("run `sesame cognito enable-mfa` again".into()),
            CliError::NewPasswordAttributes { attributes } => Some(format!(
                "give each with --attribute, e.g. {}",
                attributes
                    .iter()
                    .map(|a| format!("--attribute {a}=VALUE"))
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
            CliError::PasswordAgain => Some("run `sesame cognito sign-in` again".into()),
            CliError::Runtime(_) | CliError::NoSession => {
                Some("this is a bug in Sesame or your system; please report it".into())
            }
            CliError::NoTerminal { .. } => {
                Some("pass --password-stdin and write it to standard input".into())
            }
            CliError::Exists { .. } => Some("pass --force to overwrite it".into()),
            CliError::DeleteNotConfirmed { .. } => {
                Some("confirm on a terminal, or pass --yes to delete it".into())
            }
            CliError::RemovePasswordNotConfirmed => {
                Some("confirm on a terminal, or pass --yes to remove it anyway".into())
            }
            CliError::Json { .. } => Some("this is a bug in Sesame; please report it".into()),
            CliError::LargeOffset { .. } => Some(
                "if the server is the one you meant and this clock really is that far off, pass --accept-offset; better, fix the system clock".into(),
            ),
            CliError::Sync(e) => sync_hint(e),
            CliError::SyncOff => Some("turn it on with `sesame sync enable --server URL`".into()),
            CliError::SyncDeleteNotConfirmed { .. } => {
                Some("confirm on a terminal, or pass --yes to delete it".into())
            }
            CliError::SyncVaultChanged => Some("run `sesame sync now` again".into()),
            CliError::SyncAlreadyOn { .. } => {
                Some("to use another server, run `sesame sync disable` first".into())
            }
            CliError::SyncOtherUser { .. } => Some(
                "sign in as that user (`sesame cognito sign-in`), or `sesame sync disable` and enable sync for this one"
                    .into(),
            ),
            CliError::Secret(_)
            | CliError::Backup(_)
            | CliError::Otp(_)
            | CliError::Link(_)
            | CliError::Qr(_)
            | CliError::Time(_)
            | CliError::Write { .. }
            | CliError::Stdin { .. }
            | CliError::StdinEnded { .. }
            | CliError::Prompt { .. }
            | CliError::EmptyPassword { .. }
            | CliError::PasswordsDiffer { .. }
            | CliError::NoQrCode { .. }
            | CliError::MfaSetupElsewhere
            | CliError::MfaChoice { .. }
            | CliError::SyncServer(_)
            | CliError::Usage(_) => None,
        }
    }

    /// The error as printed on stderr: `sesame: MESSAGE`, then `hint: …` when there is one.
    pub fn report(&self) -> String {
        match self.hint() {
            Some(hint) => format!("sesame: {self}\nhint: {hint}"),
            None => format!("sesame: {self}"),
        }
    }
}

/// How to restore a backup export when the vault cannot be opened.
const START_OVER: &str = "to restore a backup export, move the vault file away, then `sesame init` and `sesame import BACKUP`";

impl From<sesame::sync::client::ClientError> for CliError {
    fn from(error: sesame::sync::client::ClientError) -> Self {
        use sesame::sync::client::ClientError as C;
        match error {
            C::Off => CliError::SyncOff,
            C::AlreadyOn { server } => CliError::SyncAlreadyOn { server },
            C::OtherUser { login } => CliError::SyncOtherUser { login },
            C::VaultChanged => CliError::SyncVaultChanged,
            C::NoServer => {
                CliError::Usage("sync is off here: name the server with --server URL".into())
            }
            C::RevokeSelf => CliError::Usage(
                "this is this device's id: to stop syncing here, run `sesame sync disable`".into(),
            ),
            C::Server(e) => CliError::SyncServer(e),
            C::Cognito(e) => CliError::Cognito(e),
            C::Sync(e) => CliError::Sync(e),
        }
    }
}

fn sync_hint(error: &sesame::sync::engine::SyncError) -> Option<String> {
    use sesame::sync::KeyError;
    use sesame::sync::engine::{SyncError as S, TransportError as T};
    Some(match error {
        S::Transport(T::SignInAgain { .. }) => {
            "sign in again with `sesame cognito sign-in --username NAME`, then sync".into()
        }
        S::Transport(T::DeviceRevoked) => "the accounts stay here; to sync this device again, run `sesame sync disable`, then `sesame sync enable --server URL`".into(),
        S::Transport(T::RateLimited { .. }) => "wait, then run `sesame sync now` again".into(),
        S::Transport(T::Unreachable(_)) => {
            "changes made here wait; run `sesame sync now` when the server can be reached".into()
        }
        S::Key(KeyError::WrongPassphrase) => {
            "type the sync passphrase set on the first device (the vault password is another one)"
                .into()
        }
        S::StillConflicting => "run `sesame sync now` again".into(),
        S::NoKeyOnServer => "to sync again, run `sesame sync disable`, then `sesame sync enable --server URL` (this device's accounts are sent again)".into(),
        S::KeyMismatch => {
            "run `sesame sync disable`, then `sesame sync enable --server URL`".into()
        }
        S::Vault(e) => return vault_hint(e),
        _ => return None,
    })
}

fn vault_hint(error: &VaultError) -> Option<String> {
    let hint = match error {
        VaultError::NotFound { .. } => "create one with `sesame init`",
        VaultError::Damaged { .. }
        | VaultError::Tampered { .. }
        | VaultError::BadPayload { .. }
        | VaultError::KdfOutOfBounds { .. }
        | VaultError::BoundToAnotherDevice { .. } => START_OVER,
        VaultError::PasswordRequired => {
            "enter it on a terminal, or pass --password-stdin and write it to standard input"
        }
        VaultError::ChangedElsewhere => "run the command again",
        VaultError::RolledBack { .. } => {
            "if you put that copy there on purpose (restored vault.bak, say), run the command again with --accept-rollback"
        }
        VaultError::UnsafeFolder { path, .. } => {
            return Some(format!(
                "`chmod 700 {}`, or set SESAME_HOME to a private folder",
                path.display()
            ));
        }
        VaultError::UnsafeFile { path } => {
            return Some(format!(
                "look at `ls -l {}`, remove it, and run the command again",
                path.display()
            ));
        }
        VaultError::NoSuchAccount { .. } => "`sesame list` shows the accounts",
        VaultError::Ambiguous { .. } | VaultError::BadPosition { .. } => {
            "`sesame list` shows the accounts with their positions and ids"
        }
        VaultError::NoCodes { .. } => {
            "remove it (`sesame remove`) and add it again with the settings its issuer gives"
        }
        VaultError::Keystore(e) => return keystore_hint(e),
        VaultError::AlreadyExists { .. }
        | VaultError::NotAVault { .. }
        | VaultError::UnsupportedVersion { .. }
        | VaultError::UnknownName { .. }
        | VaultError::WrongPassword
        | VaultError::Io { .. }
        | VaultError::Locked { .. }
        | VaultError::WrongKind { .. } => return None,
    };
    Some(hint.to_owned())
}

fn keystore_hint(error: &KeystoreError) -> Option<String> {
    let hint = match error {
        KeystoreError::Unavailable { .. } | KeystoreError::Unsupported => {
            "a file keystore is chosen with --keystore file:PATH or SESAME_KEYSTORE=file:PATH"
        }
        KeystoreError::InvalidChoice { origin, .. } => match origin {
            ChoiceOrigin::Given => "--keystore takes `os` or `file:PATH`",
            ChoiceOrigin::Environment => {
                "set SESAME_KEYSTORE to `os` or `file:PATH`, or leave it empty"
            }
            ChoiceOrigin::Text => return None,
        },
        KeystoreError::InvalidVaultId { .. } | KeystoreError::Random { .. } => {
            "this is a bug in Sesame or your system; please report it"
        }
        KeystoreError::Locked { .. }
        | KeystoreError::Access { .. }
        | KeystoreError::Duplicate { .. }
        | KeystoreError::InsecurePermissions { .. }
        | KeystoreError::Corrupt { .. }
        | KeystoreError::UnsupportedFormat { .. }
        | KeystoreError::Io { .. } => return None,
    };
    Some(hint.to_owned())
}

/// How to configure the pool, for the hints that send the user there.
const CONFIGURE: &str = "sesame cognito configure --region R --user-pool-id P --client-id C";

fn cognito_hint(error: &CognitoError) -> Option<String> {
    use CognitoError as C;
    let hint = match error {
        C::NotConfigured => format!("configure it: {CONFIGURE}"),
        C::PoolInOtherRegion { pool_region, .. } => format!("give --region {pool_region}"),
        C::StateUnreadable => {
            "a newer Sesame may have written them: use that version, or update Sesame".into()
        }
        C::EnrollmentVanished => "run `sesame cognito enable-mfa` again".into(),
        C::NotConfirmed => "confirm it: sesame cognito confirm --username USER --code-stdin (or `sesame cognito resend --username USER` for a new code)".into(),
        C::UserNotFound => "check the username, or sign up with `sesame cognito sign-up`".into(),
        C::PasswordResetRequired => "sesame cognito forgot-password --username USER".into(),
        C::NotSignedIn | C::SessionEnded { .. } => "sign in with `sesame cognito sign-in`".into(),
        C::ClientSecret => format!(
            "configure the client again with its secret: {CONFIGURE} --client-secret-stdin"
        ),
        C::FlowNotAllowed { .. } => "try the other --flow".into(),
        C::NoSuchPool { .. } => {
            format!("check the region, ids and endpoint, then configure again: {CONFIGURE}")
        }
        C::NotCognito { .. } => format!("check the --endpoint given to: {CONFIGURE}"),
        C::PlainHttp { .. } => format!("give https:// URLs to: {CONFIGURE}"),
        C::RequestFailed { .. } | C::WrongStep { .. } => {
            "this is a bug in Sesame; please report it".into()
        }
        C::Vault(e) => return vault_hint(e),
        C::Hosted(e) => return hosted_hint(e),
        C::BadConfig { .. }
        | C::WrongCredentials
        | C::UserDisabled
        | C::UsernameExists
        | C::CodeMismatch
        | C::CodeUsed
        | C::CodeExpired
        | C::PasswordPolicy { .. }
        | C::TooManyRequests
        | C::LimitExceeded { .. }
        | C::SessionExpired
        | C::MfaUnavailable { .. }
        | C::Unreachable { .. }
        | C::Timeout { .. }
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
        | C::VaultLocked
        | C::Token(_) => return None,
    };
    Some(hint)
}

fn hosted_hint(error: &HostedError) -> Option<String> {
    use HostedError as H;
    let again = "run `sesame cognito sign-in --browser` again";
    let hint = match error {
        H::NotConfigured => format!(
            "configure the pool's domain: {CONFIGURE} --domain https://PREFIX.auth.REGION.amazoncognito.com"
        ),
        H::Listen { .. } => "close the other sign-in, or pick another port with `sesame cognito configure ... --redirect-port N` (the app client must list http://127.0.0.1:N/callback)".into(),
        H::StateMismatch { .. } | H::NonceMismatch { .. } => format!(
            "{again} and finish it in the browser it opens; if this repeats, another program answers on the redirect port"
        ),
        H::Denied { error, .. } if error == "invalid_request" || error == "unauthorized_client" => {
            "the app client must allow the authorization code grant, these scopes, and list http://127.0.0.1:PORT/callback as a callback URL".into()
        }
        H::TimedOut { .. } | H::CodeRefused { .. } | H::NoCode => again.into(),
        H::ClientRefused => format!(
            "configure the client again with its secret: {CONFIGURE} --client-secret-stdin"
        ),
        H::NoAdminScope { .. } => "add the scope to the app client's allowed scopes and to `sesame cognito configure ... --scopes \"openid email profile aws.cognito.signin.user.admin\"`, then sign in again".into(),
        H::InsecureEndpoint { .. } | H::DiscoveryIssuer { .. } => {
            format!("check the --issuer and --domain given to: {CONFIGURE}")
        }
        H::Denied { .. }
        | H::TokenEndpoint { .. }
        | H::NotTokens { .. }
        | H::Unreachable { .. } => return None,
    };
    Some(hint)
}

/// A sign-in's hints name the user signing in.
fn sign_in_hint(error: &CognitoError, username: &str) -> Option<String> {
    match error {
        CognitoError::NotConfirmed => Some(format!(
            "sesame cognito confirm --username {username} --code-stdin (or `resend` for a new code)"
        )),
        CognitoError::PasswordResetRequired => Some(format!(
            "sesame cognito forgot-password --username {username}"
        )),
        other => cognito_hint(other),
    }
}

fn import_hint(error: &ImportError) -> Option<String> {
    let hint = match error {
        ImportError::Nothing(_) => "`sesame scan IMAGE` shows what a QR image holds",
        ImportError::Unrecognised { .. } => {
            "if you know what it is, name it with --format NAME (`sesame import --help` lists the names)"
        }
        ImportError::PasswordNeeded(_) | ImportError::WrongPassword(_) => {
            "type the password the other app asked for when it made the export (or pass it with --password-stdin)"
        }
        ImportError::Damaged { .. } => {
            "nothing was added; make the export again in the other app and import the new file"
        }
        ImportError::Unsupported { .. } | ImportError::TooCostly { .. } => {
            "nothing was added; export again from the other app in another form (plain, or with a password)"
        }
        ImportError::Io { .. } | ImportError::Link { .. } | ImportError::Qr(_) => return None,
    };
    Some(hint.to_owned())
}

#[cfg(test)]
mod tests;

/// "+3600.000 s (behind)": an offset for people.
fn describe_offset(offset_ms: i64) -> String {
    let side = if offset_ms > 0 { "behind" } else { "ahead" };
    format!("{:+.3} s ({side})", offset_ms as f64 / 1000.0)
}
