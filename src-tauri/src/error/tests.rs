//! Every core error walked through the app's face: its kind and its message.

use sesame::error_samples as samples;

use super::*;

/// A secret used in failing inputs; no message may repeat it.
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// Every kind, in declaration order.
const ALL_KINDS: [ErrorKind; 31] = [
    ErrorKind::NoVault,
    ErrorKind::VaultExists,
    ErrorKind::NotAVault,
    ErrorKind::Damaged,
    ErrorKind::Tampered,
    ErrorKind::NewerVersion,
    ErrorKind::UnknownFormat,
    ErrorKind::Locked,
    ErrorKind::WrongPassword,
    ErrorKind::PasswordRequired,
    ErrorKind::Keystore,
    ErrorKind::KeystoreUnavailable,
    ErrorKind::KeystoreDamaged,
    ErrorKind::KeystoreInsecure,
    ErrorKind::BoundToAnotherDevice,
    ErrorKind::Busy,
    ErrorKind::InvalidInput,
    ErrorKind::NotFound,
    ErrorKind::Ambiguous,
    ErrorKind::NoCodes,
    ErrorKind::NoQrCode,
    ErrorKind::Io,
    ErrorKind::Time,
    ErrorKind::Cognito,
    ErrorKind::Network,
    ErrorKind::SignedOut,
    ErrorKind::CognitoSetup,
    ErrorKind::Internal,
    ErrorKind::Sync,
    ErrorKind::ConfirmationRequired,
    ErrorKind::RolledBack,
];

/// The position of `kind` in [`ALL_KINDS`]; no wildcard arm.
fn kind_index(kind: ErrorKind) -> usize {
    use ErrorKind as K;
    match kind {
        K::NoVault => 0,
        K::VaultExists => 1,
        K::NotAVault => 2,
        K::Damaged => 3,
        K::Tampered => 4,
        K::NewerVersion => 5,
        K::UnknownFormat => 6,
        K::Locked => 7,
        K::WrongPassword => 8,
        K::PasswordRequired => 9,
        K::Keystore => 10,
        K::KeystoreUnavailable => 11,
        K::KeystoreDamaged => 12,
        K::KeystoreInsecure => 13,
        K::BoundToAnotherDevice => 14,
        K::Busy => 15,
        K::InvalidInput => 16,
        K::NotFound => 17,
        K::Ambiguous => 18,
        K::NoCodes => 19,
        K::NoQrCode => 20,
        K::Io => 21,
        K::Time => 22,
        K::Cognito => 23,
        K::Network => 24,
        K::SignedOut => 25,
        K::CognitoSetup => 26,
        K::Internal => 27,
        K::Sync => 28,
        K::ConfirmationRequired => 29,
        K::RolledBack => 30,
    }
}

fn kind_name(kind: ErrorKind) -> String {
    serde_json::to_value(kind)
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every core error as the app shows it, with the core's own message beside it.
fn every_error() -> Vec<(String, AppError)> {
    fn walk<E: ToString + Into<AppError>>(errors: Vec<E>) -> Vec<(String, AppError)> {
        errors
            .into_iter()
            .map(|e| (e.to_string(), e.into()))
            .collect()
    }
    let mut all = Vec::new();
    all.extend(walk(samples::vault_errors()));
    all.extend(walk(samples::keystore_errors()));
    all.extend(walk(samples::backup_errors()));
    all.extend(walk(samples::import_errors()));
    all.extend(walk(samples::qr_errors()));
    all.extend(walk(samples::time_errors()));
    all.extend(walk(samples::link_errors()));
    all.extend(walk(samples::otp_errors()));
    all.extend(walk(samples::secret_errors()));
    all.extend(walk(samples::cognito_errors()));
    all
}

#[test]
fn serializes_as_kind_and_message() {
    let json = serde_json::to_value(AppError::from(VaultError::WrongPassword)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "wrong_password", "message": "Wrong password."})
    );
}

#[test]
fn every_kind_is_listed_once_and_known_to_the_ui() {
    let indices: Vec<usize> = ALL_KINDS.iter().copied().map(kind_index).collect();
    assert_eq!(indices, (0..ALL_KINDS.len()).collect::<Vec<_>>());
    let api = include_str!("../../../ui/src/lib/bindings.ts");
    let errors = include_str!("../../../ui/src/lib/errors.ts");
    for kind in ALL_KINDS {
        let quoted = format!("\"{}\"", kind_name(kind));
        assert!(api.contains(&quoted), "bindings.ts lacks {quoted}");
        assert!(errors.contains(&quoted), "errors.ts lacks {quoted}");
    }
}

#[test]
fn every_error_is_a_sentence_that_names_no_cli_command_or_flag() {
    for (core, app) in every_error() {
        assert!(!app.message.is_empty(), "{core}");
        let first = app.message.chars().next().unwrap();
        assert!(!first.is_lowercase(), "{core} -> {}", app.message);
        for cli in [
            "--",
            "`sesame ",
            "sesame init",
            "sesame import",
            "sesame list",
        ] {
            assert!(!app.message.contains(cli), "{core} -> {}", app.message);
        }
    }
}

#[test]
fn vault_file_problems_have_kinds_of_their_own() {
    use ErrorKind as K;
    let kinds: Vec<ErrorKind> = samples::vault_errors()
        .into_iter()
        .map(|e| AppError::from(e).kind)
        .collect();
    // In the order of `samples::vault_errors`.
    assert_eq!(
        kinds,
        [
            K::NoVault,
            K::VaultExists,
            K::NotAVault,
            K::Damaged,
            K::NewerVersion,
            K::UnknownFormat,
            K::Damaged,
            K::BoundToAnotherDevice,
            K::Tampered,
            K::RolledBack,
            K::PasswordRequired,
            K::WrongPassword,
            K::Keystore,
            K::Io,
            K::Io,
            K::Io,
            K::Busy,
            K::Locked,
            K::Damaged,
            K::NotFound,
            K::Ambiguous,
            K::InvalidInput,
            K::InvalidInput,
            K::NoCodes,
        ]
    );
}

#[test]
fn keystore_errors_keep_their_kind_inside_a_vault_error() {
    for (error, same) in samples::keystore_errors()
        .into_iter()
        .zip(samples::keystore_errors())
    {
        assert_eq!(
            AppError::from(VaultError::Keystore(error)),
            AppError::from(same)
        );
    }
    let unavailable = AppError::from(sesame::keystore::KeystoreError::Unsupported);
    assert_eq!(unavailable.kind, ErrorKind::KeystoreUnavailable);
}

#[test]
fn no_error_repeats_a_secret_from_its_input() {
    let mut errors: Vec<AppError> = vec![
        sesame::Secret::from_base32(&format!("{SECRET}1"))
            .unwrap_err()
            .into(),
        sesame::Secret::from_base32(&format!("{SECRET}A"))
            .unwrap_err()
            .into(),
    ];
    for text in [
        SECRET.to_owned(),
        format!("otpauth://totp/A:a?secret={SECRET}&digits=12"),
        format!("otpauth://totp/A:a?secret={SECRET}&algorithm=SHA3"),
        format!("https://example.com/?secret={SECRET}"),
        format!("otpauth-migration://offline?data={SECRET}"),
    ] {
        errors.push(sesame::link::parse(&text).unwrap_err().into());
    }
    for error in errors {
        assert!(!error.message.contains(SECRET), "{}", error.message);
        assert!(!error.message.contains(&SECRET[..16]), "{}", error.message);
    }
}

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
    let setup = AppError::from(CognitoError::PoolInOtherRegion {
        pool: "us-east-1_AbC".into(),
        pool_region: "us-east-1".into(),
        region: "eu-west-1".into(),
    });
    assert_eq!(setup.kind, ErrorKind::InvalidInput);
    assert_eq!(
        setup.message,
        "The user pool us-east-1_AbC is in us-east-1, not in eu-west-1"
    );
    let locked = AppError::from(CognitoError::VaultLocked);
    assert_eq!(locked.kind, ErrorKind::Locked);
    assert_eq!(
        locked.message,
        "Sesame was locked while talking to Cognito; unlock it and try again"
    );
}

/// Every Cognito error has the kind the UI acts on: network trouble, a session to sign
/// in again, settings to correct, the vault's own kinds, else Cognito's refusal.
#[test]
fn cognito_errors_have_kinds_the_ui_acts_on() {
    use ErrorKind as K;
    let kinds: Vec<ErrorKind> = samples::cognito_errors()
        .into_iter()
        .map(|e| AppError::from(e).kind)
        .collect();
    // In the order of `samples::cognito_errors`.
    assert_eq!(
        kinds,
        [
            K::CognitoSetup, // NotConfigured
            K::InvalidInput, // BadConfig
            K::InvalidInput, // PoolInOtherRegion
            K::Damaged,      // StateUnreadable
            K::Cognito,      // EnrollmentVanished
            K::Cognito,      // WrongCredentials
            K::Cognito,      // NotConfirmed
            K::Cognito,      // UserNotFound
            K::Cognito,      // UserDisabled
            K::Cognito,      // UsernameExists
            K::Cognito,      // CodeMismatch
            K::Cognito,      // CodeUsed
            K::Cognito,      // CodeExpired
            K::Cognito,      // PasswordPolicy
            K::Cognito,      // PasswordResetRequired
            K::Cognito,      // TooManyRequests
            K::Cognito,      // LimitExceeded
            K::Cognito,      // SessionExpired
            K::SignedOut,    // NotSignedIn
            K::SignedOut,    // SessionEnded
            K::CognitoSetup, // ClientSecret
            K::CognitoSetup, // FlowNotAllowed
            K::CognitoSetup, // NoSuchPool
            K::Cognito,      // MfaUnavailable
            K::CognitoSetup, // NotCognito
            K::Internal,     // RequestFailed
            K::Network,      // Unreachable
            K::Network,      // Timeout
            K::Cognito,      // Refused
            K::Cognito,      // InvalidParameter
            K::Cognito,      // MissingField
            K::Cognito,      // UnexpectedChallenge
            K::Cognito,      // NoMfaOffered
            K::Cognito,      // BadTotpSecret
            K::Cognito,      // UnusableTotpSecret
            K::Cognito,      // Srp
            K::Cognito,      // TokensDisagree
            K::Cognito,      // UnsupportedChallenge
            K::Internal,     // WrongStep
            K::Cognito,      // NoVaultSecret
            K::Locked,       // VaultLocked
            K::Cognito,      // Token
            K::Locked,       // Vault(ChangedElsewhere)
            K::InvalidInput, // PlainHttp
            K::Cognito,      // Hosted(StateMismatch)
        ]
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

/// Sync's errors: the kind the UI acts on, a sentence with what to do, no CLI command.
#[test]
fn sync_errors_say_what_to_do_in_the_app() {
    use sesame::cognito::CognitoError;
    use sesame::sync::KeyError;
    use sesame::sync::client::ClientError as C;
    use sesame::sync::engine::{SyncError as S, TransportError as T};
    let cases: Vec<(C, ErrorKind, &str)> = vec![
        (C::Off, ErrorKind::Sync, "Turn it on in the Sync screen"),
        (
            C::AlreadyOn {
                server: "https://sync.example.com".into(),
            },
            ErrorKind::Sync,
            "turn sync off first",
        ),
        (
            C::OtherUser {
                login: "bob".into(),
            },
            ErrorKind::Sync,
            "Sign in to Cognito as that user",
        ),
        (C::VaultChanged, ErrorKind::Sync, "Sync again"),
        (C::RevokeSelf, ErrorKind::InvalidInput, "turn sync off"),
        (
            C::Sync(S::Key(KeyError::WrongPassphrase)),
            ErrorKind::WrongPassword,
            "the vault password is another one",
        ),
        (
            C::Sync(S::Transport(T::DeviceRevoked)),
            ErrorKind::Sync,
            "turn sync off, then on",
        ),
        (
            C::Sync(S::Transport(T::SignInAgain {
                message: "expired".into(),
            })),
            ErrorKind::SignedOut,
            "Sign in to Cognito again",
        ),
        (
            C::Sync(S::Transport(T::Unreachable("connection refused".into()))),
            ErrorKind::Sync,
            "Changes made here wait",
        ),
        (
            C::Sync(S::Vault(VaultError::WrongPassword)),
            ErrorKind::WrongPassword,
            "Wrong password",
        ),
        (
            C::Cognito(CognitoError::VaultLocked),
            ErrorKind::Locked,
            "unlock it",
        ),
    ];
    for (error, kind, says) in cases {
        let core = error.to_string();
        let app = AppError::from(error);
        assert_eq!(app.kind, kind, "{core}");
        assert!(app.message.contains(says), "{core} -> {}", app.message);
        let first = app.message.chars().next().unwrap();
        assert!(first.is_uppercase(), "{}", app.message);
        assert!(!app.message.contains("`sesame "), "{}", app.message);
        assert!(!app.message.contains("--"), "{}", app.message);
    }
}

#[test]
fn a_one_off_sync_request_that_failed_says_try_again_and_what_it_leaves() {
    use sesame::sync::client::ClientError as C;
    use sesame::sync::engine::{SyncError as S, TransportError as T};
    const OUTCOME: &str = "Nothing was deleted; sync stays on here.";

    let down = AppError::sync_request_failed(
        C::Sync(S::Transport(T::Unreachable("connection refused".into()))),
        OUTCOME,
    );
    assert_eq!(down.kind, ErrorKind::Sync);
    assert!(
        down.message
            .contains("Try again when the server can be reached."),
        "{}",
        down.message
    );
    assert!(
        !down.message.contains("Changes made here wait"),
        "not a round's advice: {}",
        down.message
    );
    assert!(down.message.ends_with(OUTCOME), "{}", down.message);

    let other = AppError::sync_request_failed(C::Off, OUTCOME);
    assert_eq!(other.kind, ErrorKind::Sync);
    assert!(
        other.message.contains("Turn it on in the Sync screen."),
        "{}",
        other.message
    );
    assert!(other.message.ends_with(OUTCOME), "{}", other.message);
}
