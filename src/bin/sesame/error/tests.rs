//! Every error the CLI can print, walked through its face: the text, the hint, the exit code.

use std::process::ExitCode;

use sesame::error_samples as samples;

use sesame::cognito::{CognitoError, MfaKind};

use super::*;

/// A secret used in failing inputs; no message may repeat it.
const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// One of every variant that is the CLI's own, in declaration order.
fn own_errors() -> Vec<CliError> {
    let io = || std::io::Error::other("broken pipe");
    let what = || "vault password".to_owned();
    vec![
        CliError::Write {
            path: "/tmp/out.png".into(),
            source: io(),
        },
        CliError::Exists {
            path: "/tmp/backup.sesame".into(),
        },
        CliError::Stdin {
            what: "the secret",
            source: io(),
        },
        CliError::StdinEnded { what: what() },
        CliError::NoTerminal { what: what() },
        CliError::Prompt {
            what: what(),
            source: io(),
        },
        CliError::EmptyPassword { what: what() },
        CliError::PasswordsDiffer { what: what() },
        CliError::NoQrCode {
            path: "/tmp/blank.png".into(),
        },
        CliError::DeleteNotConfirmed {
            label: "A: alice".into(),
        },
        CliError::RemovePasswordNotConfirmed,
        CliError::Json {
            what: "the account",
            source: serde_json::from_str::<u8>("x").unwrap_err(),
        },
        CliError::CognitoSignIn {
            username: "erin".into(),
            source: CognitoError::NotConfirmed,
        },
        CliError::Runtime(io()),
        CliError::MfaPreference {
            reason: "Cognito refused: Internal error (InternalErrorException)".into(),
        },
        CliError::NewPasswordAttributes {
            attributes: vec!["name".into(), "email".into()],
        },
        CliError::MfaSetupElsewhere,
        CliError::MfaChoice {
            options: vec![MfaKind::Sms, MfaKind::Email],
        },
        CliError::PasswordAgain,
        CliError::NoSession,
        CliError::Usage("give --issuer, --account or both".into()),
        CliError::LargeOffset {
            server: "time.example".into(),
            address: "192.0.2.1:123".into(),
            offset_ms: 3_600_000,
        },
        CliError::SyncOff,
        CliError::SyncAlreadyOn {
            server: "https://sync.example.com".into(),
        },
        CliError::SyncOtherUser {
            login: "bob".into(),
        },
        CliError::SyncVaultChanged,
        CliError::SyncDeleteNotConfirmed {
            server: "https://sync.example.com".into(),
        },
    ]
}

/// One of every sync error the CLI prints (transport, key, engine; server addresses).
fn sync_errors() -> Vec<CliError> {
    use sesame::sync::KeyError;
    use sesame::sync::engine::{SyncError, TransportError};
    use sesame::sync::http::ServerUrlError;
    let mut errors: Vec<CliError> = [
        TransportError::SignInAgain {
            message: "the token expired".into(),
        },
        TransportError::DeviceRevoked,
        TransportError::RateLimited {
            retry_after_secs: 3,
        },
        TransportError::Refused {
            status: 507,
            code: "quota".into(),
            message: "over 10,000 items".into(),
        },
        TransportError::Unreachable("cannot connect".into()),
        TransportError::Protocol("a page went back in seq".into()),
    ]
    .into_iter()
    .map(|e| CliError::Sync(SyncError::from(e)))
    .collect();
    errors.extend(
        [
            SyncError::Key(KeyError::WrongPassphrase),
            SyncError::NoKeyOnServer,
            SyncError::KeyMismatch,
            SyncError::StillConflicting,
        ]
        .into_iter()
        .map(CliError::Sync),
    );
    errors.extend(
        [
            ServerUrlError::NotAUrl("sync".into()),
            ServerUrlError::NotHttps,
            ServerUrlError::Extra,
        ]
        .into_iter()
        .map(CliError::SyncServer),
    );
    errors
}

/// The position of an own variant in [`own_errors`]; wrapped core errors are `None`.
/// No wildcard arm: a new variant is a build error until it is listed.
fn own_index(error: &CliError) -> Option<usize> {
    match error {
        CliError::Secret(_)
        | CliError::Otp(_)
        | CliError::Link(_)
        | CliError::Qr(_)
        | CliError::Time(_)
        | CliError::Vault(_)
        | CliError::Keystore(_)
        | CliError::Backup(_)
        | CliError::Import(_)
        | CliError::Cognito(_)
        | CliError::Sync(_)
        | CliError::SyncServer(_) => None,
        CliError::Write { .. } => Some(0),
        CliError::Exists { .. } => Some(1),
        CliError::Stdin { .. } => Some(2),
        CliError::StdinEnded { .. } => Some(3),
        CliError::NoTerminal { .. } => Some(4),
        CliError::Prompt { .. } => Some(5),
        CliError::EmptyPassword { .. } => Some(6),
        CliError::PasswordsDiffer { .. } => Some(7),
        CliError::NoQrCode { .. } => Some(8),
        CliError::DeleteNotConfirmed { .. } => Some(9),
        CliError::RemovePasswordNotConfirmed => Some(10),
        CliError::Json { .. } => Some(11),
        CliError::CognitoSignIn { .. } => Some(12),
        CliError::Runtime(_) => Some(13),
        CliError::MfaPreference { .. } => Some(14),
        CliError::NewPasswordAttributes { .. } => Some(15),
        CliError::MfaSetupElsewhere => Some(16),
        CliError::MfaChoice { .. } => Some(17),
        CliError::PasswordAgain => Some(18),
        CliError::NoSession => Some(19),
        CliError::Usage(_) => Some(20),
        CliError::LargeOffset { .. } => Some(21),
        CliError::SyncOff => Some(22),
        CliError::SyncAlreadyOn { .. } => Some(23),
        CliError::SyncOtherUser { .. } => Some(24),
        CliError::SyncVaultChanged => Some(25),
        CliError::SyncDeleteNotConfirmed { .. } => Some(26),
    }
}

/// Every error the CLI prints: its own, and one of every variant of each core error.
fn every_error() -> Vec<CliError> {
    let mut all = own_errors();
    all.extend(samples::secret_errors().into_iter().map(CliError::from));
    all.extend(samples::otp_errors().into_iter().map(CliError::from));
    all.extend(samples::link_errors().into_iter().map(CliError::from));
    all.extend(samples::qr_errors().into_iter().map(CliError::from));
    all.extend(samples::time_errors().into_iter().map(CliError::from));
    all.extend(samples::vault_errors().into_iter().map(CliError::from));
    all.extend(samples::keystore_errors().into_iter().map(CliError::from));
    all.extend(samples::backup_errors().into_iter().map(CliError::from));
    all.extend(samples::import_errors().into_iter().map(CliError::from));
    all.extend(samples::cognito_errors().into_iter().map(CliError::from));
    all.extend(sync_errors());
    all
}

/// Errors from real inputs that hold [`SECRET`].
fn errors_from_secret_inputs() -> Vec<CliError> {
    let mut errors: Vec<CliError> = vec![
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
    errors
}

#[test]
fn every_own_variant_is_listed_once() {
    let indices: Vec<usize> = own_errors().iter().filter_map(own_index).collect();
    assert_eq!(indices, (0..indices.len()).collect::<Vec<_>>());
}

#[test]
fn every_error_prints_one_line_a_hint_at_most_and_exits_2() {
    for error in every_error() {
        let message = error.to_string();
        assert!(!message.is_empty(), "{error:?}");
        assert!(!message.contains('\n'), "{message}");
        let report = error.report();
        assert!(
            report.starts_with(&format!("sesame: {message}")),
            "{report}"
        );
        match error.hint() {
            Some(hint) => {
                assert!(!hint.is_empty() && !hint.contains('\n'), "{hint}");
                assert_eq!(report, format!("sesame: {message}\nhint: {hint}"));
            }
            None => assert_eq!(report, format!("sesame: {message}")),
        }
        assert_eq!(error.exit_code(), ExitCode::from(EXIT_ERROR), "{message}");
    }
}

#[test]
fn hints_name_the_cli_commands_and_options_the_core_leaves_out() {
    let hint = |e: CliError| e.hint().unwrap_or_default();
    let path = std::path::PathBuf::from("/x/vault");
    assert!(hint(VaultError::NotFound { path }.into()).contains("sesame init"));
    assert!(hint(VaultError::PasswordRequired.into()).contains("--password-stdin"));
    assert!(
        hint(
            VaultError::NoSuchAccount {
                query: "bob".into()
            }
            .into()
        )
        .contains("sesame list")
    );
    assert!(
        hint(
            VaultError::BoundToAnotherDevice {
                keystore: "the file keystore".into()
            }
            .into()
        )
        .contains("sesame import")
    );
    assert!(hint(KeystoreError::Unsupported.into()).contains("--keystore file:PATH"));
    assert!(
        hint(
            KeystoreError::InvalidChoice {
                origin: ChoiceOrigin::Given,
                given: "nope".into()
            }
            .into()
        )
        .contains("--keystore")
    );
    // A keystore error inside a vault error gets the keystore's hint.
    assert_eq!(
        hint(VaultError::Keystore(KeystoreError::Unsupported).into()),
        hint(KeystoreError::Unsupported.into())
    );
    assert!(hint(CliError::NoTerminal { what: "x".into() }).contains("--password-stdin"));
    assert!(hint(CliError::Exists { path: "/f".into() }).contains("--force"));
}

#[test]
fn cognito_errors_are_their_own_not_usage_and_hints_name_the_commands() {
    let hint = |e: CliError| e.hint().unwrap_or_default();
    for error in samples::cognito_errors() {
        let cli = CliError::from(error);
        assert!(
            matches!(cli, CliError::Cognito(_)),
            "{cli:?} should not be usage"
        );
    }
    let region = CognitoError::PoolInOtherRegion {
        pool: "us-east-1_AbC".into(),
        pool_region: "us-east-1".into(),
        region: "eu-west-1".into(),
    };
    assert!(!region.to_string().contains("--region"));
    assert_eq!(hint(region.into()), "give --region us-east-1");
    assert!(hint(CognitoError::NotConfigured.into()).contains("sesame cognito configure"));
    assert!(hint(CognitoError::ClientSecret.into()).contains("--client-secret-stdin"));
    assert!(hint(CognitoError::NotSignedIn.into()).contains("sesame cognito sign-in"));
    // A vault error inside a Cognito error gets the vault's hint.
    assert_eq!(
        hint(CognitoError::Vault(VaultError::PasswordRequired).into()),
        hint(VaultError::PasswordRequired.into())
    );
    let sign_in = |source| CliError::CognitoSignIn {
        username: "erin".into(),
        source,
    };
    assert!(
        hint(sign_in(CognitoError::NotConfirmed))
            .contains("sesame cognito confirm --username erin")
    );
    assert!(
        hint(sign_in(CognitoError::PasswordResetRequired))
            .contains("sesame cognito forgot-password --username erin")
    );
    assert!(
        hint(sign_in(CognitoError::FlowNotAllowed {
            message: "USER_PASSWORD_AUTH flow not enabled for this client".into()
        }))
        .contains("--flow")
    );
    // Network trouble is not a usage problem; its message says what to check.
    let unreachable = CliError::from(CognitoError::Unreachable {
        endpoint: "http://127.0.0.1:1".into(),
        reason: "connection refused".into(),
    });
    assert!(matches!(unreachable, CliError::Cognito(_)));
    assert!(unreachable.to_string().contains("check the network"));
}

#[test]
fn no_error_repeats_a_secret_from_its_input() {
    for error in errors_from_secret_inputs() {
        let report = error.report();
        assert!(!report.contains(SECRET), "{report}");
        assert!(!report.contains(&SECRET[..16]), "{report}");
    }
}

#[test]
fn sync_errors_say_what_to_do_with_this_cli() {
    use sesame::sync::engine::{SyncError, TransportError};
    let hint = |e: TransportError| {
        CliError::Sync(SyncError::from(e))
            .hint()
            .unwrap_or_default()
    };
    assert!(
        hint(TransportError::SignInAgain {
            message: "expired".into()
        })
        .contains("sesame cognito sign-in")
    );
    assert!(hint(TransportError::DeviceRevoked).contains("sesame sync enable"));
    assert!(hint(TransportError::Unreachable("down".into())).contains("wait"));
    assert!(
        hint(TransportError::RateLimited {
            retry_after_secs: 2
        })
        .contains("sesame sync now")
    );
    assert!(
        CliError::SyncOff
            .hint()
            .unwrap()
            .contains("sesame sync enable")
    );
}
