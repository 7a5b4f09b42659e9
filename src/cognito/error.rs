//! What can go wrong talking to a user pool, as errors a person can act on. Cognito's
//! error codes are mapped to variants here; messages never carry a password, code, token
//! or secret.

use std::error::Error as StdError;

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::operation as op;

use super::verify::TokenError;
use crate::vault::VaultError;

/// Why a Cognito operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CognitoError {
    /// No pool is configured in the vault.
    #[error(
        "no Cognito user pool is configured yet: give its region, user pool id and app client id first"
    )]
    NotConfigured,
    /// A configuration value cannot work.
    #[error("invalid Cognito {field}: {reason}")]
    BadConfig {
        /// Which setting.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// Wrong username or password (Cognito does not say which).
    #[error("incorrect username or password")]
    WrongCredentials,
    /// The user has not confirmed the sign-up code yet.
    #[error(
        "this user has not confirmed their sign-up yet: enter the code that was sent, or ask for a new one"
    )]
    NotConfirmed,
    /// The user does not exist.
    #[error("there is no such user in this user pool")]
    UserNotFound,
    /// The account is disabled by an administrator.
    #[error("this user is disabled in the user pool; ask its administrator")]
    UserDisabled,
    /// Sign-up with a taken name.
    #[error("a user with this name already exists; sign in, or reset the password")]
    UsernameExists,
    /// A code (confirmation, reset, MFA) that is not the right one.
    #[error("the code is not right; check it and try again")]
    CodeMismatch,
    /// The vault's authenticator codes for now and the next time step were both used
    /// already (Cognito refuses a code twice).
    #[error(
        "the authenticator code for this moment was used already; wait for the next one (at most 30 seconds) and try again"
    )]
    CodeUsed,
    /// A code that has expired or was never sent.
    #[error("the code has expired or was never sent; ask for a new one")]
    CodeExpired,
    /// A password the pool's policy refuses; `policy` is what the pool said.
    #[error("the password does not meet the user pool's policy: {policy}")]
    PasswordPolicy {
        /// Cognito's description of the policy violation.
        policy: String,
    },
    /// An administrator requires a password reset before sign-in.
    #[error("this user must reset the password first: use forgot password")]
    PasswordResetRequired,
    /// Too many requests: the SDK already backed off and retried.
    #[error(
        "Cognito is refusing requests because there were too many (it was retried with back-off); wait a minute and try again"
    )]
    TooManyRequests,
    /// Too many attempts of one kind (codes sent, password attempts).
    #[error("too many attempts ({message}); wait a while before trying again")]
    LimitExceeded {
        /// What Cognito said.
        message: String,
    },
    /// The sign-in session ran out or was already used.
    #[error("the sign-in took too long and its session expired; start again")]
    SessionExpired,
    /// Not signed in (no tokens in the vault).
    #[error("not signed in to Cognito")]
    NotSignedIn,
    /// The tokens were revoked or signed out elsewhere, or the refresh token expired.
    #[error("the Cognito session has ended ({reason}); sign in again")]
    SessionEnded {
        /// What Cognito said.
        reason: String,
    },
    /// The app client has a secret and none (or a wrong one) is configured.
    #[error(
        "the app client secret is missing or wrong: configure the client again with its secret"
    )]
    ClientSecret,
    /// The app client does not allow this sign-in flow.
    #[error("the app client does not allow this: {message}")]
    FlowNotAllowed {
        /// What Cognito said.
        message: String,
    },
    /// The pool or app client does not exist at this endpoint.
    #[error("Cognito does not know this user pool or app client: {message}")]
    NoSuchPool {
        /// What Cognito said.
        message: String,
    },
    /// TOTP MFA is not set up for this user, or not allowed by the pool.
    #[error("authenticator-app MFA is not available: {message}")]
    MfaUnavailable {
        /// What Cognito said.
        message: String,
    },
    /// Cognito could not be reached.
    #[error("cannot reach Cognito at {endpoint}: {reason}; check the network and the endpoint")]
    Unreachable {
        /// The endpoint.
        endpoint: String,
        /// The connection error.
        reason: String,
    },
    /// Cognito did not answer in time.
    #[error("Cognito at {endpoint} did not answer in time; try again")]
    Timeout {
        /// The endpoint.
        endpoint: String,
    },
    /// Cognito refused for another reason.
    #[error("Cognito refused: {message} ({code})")]
    Refused {
        /// Cognito's error code.
        code: String,
        /// What it said.
        message: String,
    },
    /// Cognito refused a request as invalid (the SDK's `InvalidParameterException`), e.g.
    /// a sign-in answer without an attribute the pool requires: it can be corrected.
    #[error("Cognito refused: {message} (InvalidParameterException)")]
    InvalidParameter {
        /// What Cognito said.
        message: String,
    },
    /// An answer Sesame cannot use.
    #[error("unexpected answer from Cognito: {0}")]
    BadResponse(String),
    /// A sign-in challenge Sesame does not handle.
    #[error("Cognito asked for {challenge}, which Sesame cannot answer")]
    UnsupportedChallenge {
        /// The challenge name.
        challenge: String,
    },
    /// A sign-in step called out of order.
    #[error("this sign-in is not waiting for {wanted} (it is {state}); start again")]
    WrongStep {
        /// What the caller tried.
        wanted: &'static str,
        /// Where the sign-in is.
        state: &'static str,
    },
    /// There is no TOTP secret in the vault for this user.
    #[error("the vault holds no authenticator secret for {username} in this user pool")]
    NoVaultSecret {
        /// The user.
        username: String,
    },
    /// The vault was locked (an app locks itself when idle) between talking to Cognito
    /// and saving what it answered.
    #[error("Sesame was locked while talking to Cognito; unlock it and try again")]
    VaultLocked,
    /// A token failed verification.
    #[error("{0}")]
    Token(#[from] TokenError),
    /// The vault refused.
    #[error("{0}")]
    Vault(#[from] VaultError),
}

/// Cognito messages are short; a hostile endpoint's are cut to this many characters.
const MAX_MESSAGE: usize = 300;

fn clean(message: Option<&str>) -> String {
    let text = message.unwrap_or("no details given").trim();
    let mut out: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_MESSAGE)
        .collect();
    if text.chars().count() > MAX_MESSAGE {
        out.push('…');
    }
    out
}

/// Maps Cognito's error code and message to an error.
pub(crate) fn from_code(code: &str, message: Option<&str>) -> CognitoError {
    let message = clean(message);
    let lower = message.to_lowercase();
    match code {
        "NotAuthorizedException" => {
            if lower.contains("secret hash") || lower.contains("secret_hash") {
                CognitoError::ClientSecret
            } else if lower.contains("disabled") {
                CognitoError::UserDisabled
            } else if lower.contains("session")
                && (lower.contains("expired") || lower.contains("invalid"))
            {
                CognitoError::SessionExpired
            } else if lower.contains("password attempts exceeded") {
                CognitoError::LimitExceeded { message }
            } else if lower.contains("token") {
                CognitoError::SessionEnded { reason: message }
            } else if lower.contains("not enabled") || lower.contains("not supported") {
                CognitoError::FlowNotAllowed { message }
            } else if lower.contains("incorrect username or password") {
                CognitoError::WrongCredentials
            } else {
                CognitoError::Refused {
                    code: code.to_owned(),
                    message,
                }
            }
        }
        "UserNotConfirmedException" => CognitoError::NotConfirmed,
        "UserNotFoundException" => CognitoError::UserNotFound,
        "UsernameExistsException" | "AliasExistsException" => CognitoError::UsernameExists,
        "CodeMismatchException" => CognitoError::CodeMismatch,
        "ExpiredCodeException" => CognitoError::CodeExpired,
        "InvalidPasswordException" => CognitoError::PasswordPolicy {
            policy: message
                .strip_prefix("Password did not conform with policy: ")
                .unwrap_or(&message)
                .to_owned(),
        },
        "PasswordResetRequiredException" => CognitoError::PasswordResetRequired,
        "TooManyRequestsException" | "ThrottlingException" => CognitoError::TooManyRequests,
        "LimitExceededException" | "TooManyFailedAttemptsException" => {
            CognitoError::LimitExceeded { message }
        }
        "EnableSoftwareTokenMFAException" if lower.contains("mismatch") => {
            CognitoError::CodeMismatch
        }
        "EnableSoftwareTokenMFAException" | "SoftwareTokenMFANotFoundException" => {
            CognitoError::MfaUnavailable { message }
        }
        "ResourceNotFoundException" => CognitoError::NoSuchPool { message },
        _ => CognitoError::Refused {
            code: if code.is_empty() {
                "no error code".to_owned()
            } else {
                clean(Some(code))
            },
            message,
        },
    }
}

/// Maps the SDK's `InvalidParameterException` (of any operation): an app client that
/// does not allow the flow or lacks its secret, a sign-in session that ran out, else a
/// value Cognito refused.
fn invalid_parameter(message: Option<&str>) -> CognitoError {
    let message = clean(message);
    let lower = message.to_lowercase();
    if lower.contains("flow not enabled")
        || lower.contains("is not enabled for the client")
        || lower.contains("not configured for secret")
    {
        if lower.contains("secret") {
            CognitoError::ClientSecret
        } else {
            CognitoError::FlowNotAllowed { message }
        }
    } else if lower.contains("session") {
        CognitoError::SessionExpired
    } else {
        CognitoError::InvalidParameter { message }
    }
}

/// An operation's error as the SDK types it: each operation's error enum answers whether
/// it is its `InvalidParameterException` variant (no error-code text compared).
pub(crate) trait OperationError: ProvideErrorMetadata + StdError + 'static {
    /// The `InvalidParameterException` variant.
    fn is_invalid_parameter(&self) -> bool;
}

macro_rules! operation_errors {
    ($($error:ty),* $(,)?) => {$(
        impl OperationError for $error {
            fn is_invalid_parameter(&self) -> bool {
                self.is_invalid_parameter_exception()
            }
        }
    )*};
}

operation_errors!(
    op::associate_software_token::AssociateSoftwareTokenError,
    op::confirm_forgot_password::ConfirmForgotPasswordError,
    op::confirm_sign_up::ConfirmSignUpError,
    op::forgot_password::ForgotPasswordError,
    op::get_user::GetUserError,
    op::global_sign_out::GlobalSignOutError,
    op::initiate_auth::InitiateAuthError,
    op::resend_confirmation_code::ResendConfirmationCodeError,
    op::respond_to_auth_challenge::RespondToAuthChallengeError,
    op::revoke_token::RevokeTokenError,
    op::set_user_mfa_preference::SetUserMFAPreferenceError,
    op::sign_up::SignUpError,
    op::verify_software_token::VerifySoftwareTokenError,
);

/// Maps an SDK error: a service error by its type or code, else network trouble.
pub(crate) fn from_sdk<E, R>(err: SdkError<E, R>, endpoint: &str) -> CognitoError
where
    E: OperationError,
    R: std::fmt::Debug + 'static,
{
    match &err {
        SdkError::ServiceError(service) if service.err().is_invalid_parameter() => {
            invalid_parameter(service.err().message())
        }
        SdkError::ServiceError(service) => {
            let e = service.err();
            from_code(e.code().unwrap_or(""), e.message())
        }
        SdkError::TimeoutError(_) => CognitoError::Timeout {
            endpoint: endpoint.to_owned(),
        },
        SdkError::DispatchFailure(failure) if failure.is_timeout() => CognitoError::Timeout {
            endpoint: endpoint.to_owned(),
        },
        SdkError::DispatchFailure(failure) => CognitoError::Unreachable {
            endpoint: endpoint.to_owned(),
            reason: match failure.as_connector_error() {
                Some(connector) => root_cause(connector),
                None => "the connection failed".to_owned(),
            },
        },
        SdkError::ResponseError(_) => CognitoError::BadResponse(format!(
            "the endpoint {endpoint} did not answer like Cognito: {}",
            root_cause(&err)
        )),
        _ => CognitoError::BadResponse(root_cause(&err)),
    }
}

/// The innermost error's message: "connection refused" rather than "dispatch failure".
fn root_cause(err: &(dyn StdError + 'static)) -> String {
    let mut current: &(dyn StdError + 'static) = err;
    while let Some(next) = current.source() {
        current = next;
    }
    clean(Some(&current.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_what_a_person_can_do() {
        assert!(matches!(
            from_code(
                "NotAuthorizedException",
                Some("Incorrect username or password.")
            ),
            CognitoError::WrongCredentials
        ));
        assert!(matches!(
            from_code(
                "NotAuthorizedException",
                Some("Unable to verify secret hash for client abc")
            ),
            CognitoError::ClientSecret
        ));
        assert!(matches!(
            from_code(
                "NotAuthorizedException",
                Some("Refresh Token has been revoked")
            ),
            CognitoError::SessionEnded { .. }
        ));
        assert!(matches!(
            from_code(
                "NotAuthorizedException",
                Some("Invalid session for the user, session is expired.")
            ),
            CognitoError::SessionExpired
        ));
        match from_code(
            "InvalidPasswordException",
            Some("Password did not conform with policy: Password must have symbol characters"),
        ) {
            CognitoError::PasswordPolicy { policy } => {
                assert_eq!(policy, "Password must have symbol characters")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            from_code("TooManyRequestsException", None),
            CognitoError::TooManyRequests
        ));
        assert!(matches!(
            from_code("EnableSoftwareTokenMFAException", Some("Code mismatch")),
            CognitoError::CodeMismatch
        ));
        assert!(matches!(
            from_code("UserNotConfirmedException", None),
            CognitoError::NotConfirmed
        ));
    }

    #[test]
    fn invalid_parameters_say_what_to_fix() {
        assert!(matches!(
            invalid_parameter(Some("USER_PASSWORD_AUTH flow not enabled for this client")),
            CognitoError::FlowNotAllowed { .. }
        ));
        assert!(matches!(
            invalid_parameter(Some(
                "Client abc is not configured for secret but secret hash was received"
            )),
            CognitoError::ClientSecret
        ));
        assert!(matches!(
            invalid_parameter(Some("Invalid session provided")),
            CognitoError::SessionExpired
        ));
        let missing = invalid_parameter(Some("Invalid attributes given, name is missing"));
        assert!(matches!(missing, CognitoError::InvalidParameter { .. }));
        assert_eq!(
            missing.to_string(),
            "Cognito refused: Invalid attributes given, name is missing (InvalidParameterException)"
        );
        // The SDK's typed variant decides, not the code text.
        let typed =
            op::respond_to_auth_challenge::RespondToAuthChallengeError::InvalidParameterException(
                aws_sdk_cognitoidentityprovider::types::error::InvalidParameterException::builder()
                    .message("Invalid attributes given, name is missing")
                    .build(),
            );
        assert!(typed.is_invalid_parameter());
    }

    #[test]
    fn hostile_messages_are_cut_and_cleaned() {
        let long = format!("{}\u{7}\n", "x".repeat(5000));
        let CognitoError::Refused { code, message } = from_code("Weird", Some(&long)) else {
            panic!()
        };
        assert_eq!(code, "Weird");
        assert!(message.chars().count() <= MAX_MESSAGE + 1);
        assert!(!message.contains('\u{7}'));
    }
}
