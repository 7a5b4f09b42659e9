//! What can go wrong talking to a user pool, as errors a person can act on. Cognito's
//! error codes are mapped to variants here; messages never carry a password, code, token
//! or secret.

use std::error::Error as StdError;

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};

use aws_sdk_cognitoidentityprovider::Error as ServiceError;

use super::srp::SrpError;
use super::verify::TokenError;
use crate::otp::OtpError;
use crate::secret::SecretError;
use crate::vault::VaultError;

/// Why a Cognito operation failed.
///
/// Not `#[non_exhaustive]`: the faces (the CLI's hints, the app's kinds) match every
/// variant without a wildcard, so a new one does not build until each face handles it.
#[derive(Debug, thiserror::Error)]
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
    /// The user pool id names another region than the one configured.
    #[error("the user pool {pool} is in {pool_region}, not in {region}")]
    PoolInOtherRegion {
        /// The user pool id.
        pool: String,
        /// The region its id starts with.
        pool_region: String,
        /// The region given.
        region: String,
    },
    /// The Cognito section of the vault cannot be read as Sesame's Cognito state (a
    /// newer Sesame wrote it, or it is damaged); the rest of the vault is intact and the
    /// section is kept as found.
    #[error(
        "the Cognito settings in the vault cannot be read by this version of Sesame (the accounts are not affected)"
    )]
    StateUnreadable,
    /// The authenticator being set up was removed from the vault meanwhile (by another
    /// window or command).
    #[error("the authenticator being set up is no longer in the vault; set it up again")]
    EnrollmentVanished,
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
    /// The endpoint answered, but not like Cognito (the SDK's `ResponseError`: a body it
    /// cannot parse, a proxy's page).
    #[error("the endpoint {endpoint} did not answer like Cognito: {reason}")]
    NotCognito {
        /// The endpoint.
        endpoint: String,
        /// What the SDK could not read.
        reason: String,
    },
    /// The SDK could not build or send the request (its `ConstructionFailure`).
    #[error("the request to Cognito could not be made: {reason}")]
    RequestFailed {
        /// The SDK's reason.
        reason: String,
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
    /// An answer without a field the operation must return.
    #[error("Cognito's answer to {operation} has no {field}")]
    MissingField {
        /// The operation (`InitiateAuth`, …).
        operation: &'static str,
        /// The field or challenge parameter.
        field: &'static str,
    },
    /// An answer with another challenge than the step calls for.
    #[error("Cognito answered {operation} with {challenge} instead of {expected}")]
    UnexpectedChallenge {
        /// The operation.
        operation: &'static str,
        /// What the step calls for.
        expected: &'static str,
        /// What Cognito sent (`no challenge` when none).
        challenge: String,
    },
    /// Cognito asked to choose a second factor but offered none Sesame knows.
    #[error("Cognito asked to choose a second factor but offered none that Sesame knows")]
    NoMfaOffered,
    /// The TOTP secret Cognito sent is not Base32.
    #[error("the authenticator secret Cognito sent is not valid: {0}")]
    BadTotpSecret(#[source] SecretError),
    /// The TOTP secret cannot make codes.
    #[error("the authenticator secret cannot make codes: {0}")]
    UnusableTotpSecret(#[source] OtpError),
    /// Cognito's `PASSWORD_VERIFIER` challenge cannot be answered.
    #[error("{0}")]
    Srp(#[from] SrpError),
    /// The ID and access tokens of one answer name different users.
    #[error("the ID and access tokens Cognito sent are for different users")]
    TokensDisagree,
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
    /// A URL is plain `http://` to a host that is not a loopback address: passwords,
    /// codes, tokens and signing keys would cross the network readable and alterable.
    #[error(
        "the Cognito {field} {url} is plain HTTP to another machine; use https:// (http:// is only for a loopback address: 127.0.0.1, ::1 or localhost)"
    )]
    PlainHttp {
        /// Which setting.
        field: &'static str,
        /// The URL given.
        url: String,
    },
    /// Signing in (or out) through the hosted page failed.
    #[error("{0}")]
    Hosted(#[from] super::hosted::HostedError),
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

/// Maps a service error, by the SDK's type for it (every operation's error enum converts
/// into the service-wide [`ServiceError`]).
///
/// Cognito gives one type, `NotAuthorizedException` (and `InvalidParameterException`),
/// to several causes a person acts on differently; for those two only, its documented
/// messages tell them apart ([`not_authorized`], [`invalid_parameter`]). Codes the SDK
/// has no variant for (`ThrottlingException`) are compared as codes.
pub(crate) fn from_service(error: ServiceError) -> CognitoError {
    let message = clean(error.message());
    match error {
        ServiceError::NotAuthorizedException(_) => not_authorized(message),
        ServiceError::InvalidParameterException(_) => invalid_parameter(message),
        ServiceError::UserNotConfirmedException(_) => CognitoError::NotConfirmed,
        ServiceError::UserNotFoundException(_) => CognitoError::UserNotFound,
        ServiceError::UsernameExistsException(_) | ServiceError::AliasExistsException(_) => {
            CognitoError::UsernameExists
        }
        // "thrown when there is a code mismatch" (the API reference).
        ServiceError::CodeMismatchException(_)
        | ServiceError::EnableSoftwareTokenMfaException(_) => CognitoError::CodeMismatch,
        ServiceError::ExpiredCodeException(_) => CognitoError::CodeExpired,
        ServiceError::InvalidPasswordException(_) => CognitoError::PasswordPolicy {
            policy: message
                .strip_prefix("Password did not conform with policy: ")
                .unwrap_or(&message)
                .to_owned(),
        },
        ServiceError::PasswordResetRequiredException(_) => CognitoError::PasswordResetRequired,
        ServiceError::TooManyRequestsException(_) => CognitoError::TooManyRequests,
        ServiceError::LimitExceededException(_)
        | ServiceError::TooManyFailedAttemptsException(_) => {
            CognitoError::LimitExceeded { message }
        }
        ServiceError::SoftwareTokenMfaNotFoundException(_) => {
            CognitoError::MfaUnavailable { message }
        }
        ServiceError::ResourceNotFoundException(_) => CognitoError::NoSuchPool { message },
        // The service-wide enum is `#[non_exhaustive]`: the rest by their code.
        other => match other.code() {
            Some("ThrottlingException") => CognitoError::TooManyRequests,
            code => CognitoError::Refused {
                code: code.map_or_else(|| "no error code".to_owned(), |c| clean(Some(c))),
                message,
            },
        },
    }
}

/// `NotAuthorizedException`: Cognito's one type for a wrong password, a disabled user, a
/// client secret missing, a session or token that ran out, and a flow the app client does
/// not allow. The SDK offers nothing finer, so its (documented) messages decide.
fn not_authorized(message: String) -> CognitoError {
    let lower = message.to_lowercase();
    if lower.contains("secret hash") || lower.contains("secret_hash") {
        CognitoError::ClientSecret
    } else if lower.contains("disabled") {
        CognitoError::UserDisabled
    } else if lower.contains("session") && (lower.contains("expired") || lower.contains("invalid"))
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
            code: "NotAuthorizedException".to_owned(),
            message,
        }
    }
}

/// `InvalidParameterException` (of any operation): an app client that does not allow
/// the flow or lacks its secret, a sign-in session that ran out, else a value Cognito
/// refused. As for [`not_authorized`], only the message tells these apart.
fn invalid_parameter(message: String) -> CognitoError {
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

/// An operation's error as the SDK types it: it converts into the service-wide
/// [`ServiceError`], whose variants [`from_service`] matches.
pub(crate) trait OperationError:
    ProvideErrorMetadata + StdError + Into<ServiceError> + 'static
{
}

impl<E> OperationError for E where E: ProvideErrorMetadata + StdError + Into<ServiceError> + 'static {}

/// Maps an SDK error: a service error by its type, else the network trouble, the answer
/// that is not Cognito's, or the request that could not be made.
pub(crate) fn from_sdk<E, R>(err: SdkError<E, R>, endpoint: &str) -> CognitoError
where
    E: OperationError,
    R: std::fmt::Debug + 'static,
{
    let endpoint = || endpoint.to_owned();
    match err {
        SdkError::ServiceError(service) => from_service(service.into_err().into()),
        SdkError::TimeoutError(_) => CognitoError::Timeout {
            endpoint: endpoint(),
        },
        SdkError::DispatchFailure(failure) if failure.is_timeout() => CognitoError::Timeout {
            endpoint: endpoint(),
        },
        SdkError::DispatchFailure(failure) => CognitoError::Unreachable {
            endpoint: endpoint(),
            reason: match failure.as_connector_error() {
                Some(connector) => root_cause(connector),
                None => "the connection failed".to_owned(),
            },
        },
        err @ SdkError::ResponseError(_) => CognitoError::NotCognito {
            endpoint: endpoint(),
            reason: root_cause(&err),
        },
        // `ConstructionFailure`, and whatever a later SDK adds (`SdkError` is
        // `#[non_exhaustive]`).
        err => CognitoError::RequestFailed {
            reason: root_cause(&err),
        },
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
    use aws_sdk_cognitoidentityprovider::operation as op;
    use aws_sdk_cognitoidentityprovider::types::error as types;

    use super::*;

    /// What the SDK's deserializer fills in beside the modeled `message` field, and what
    /// [`from_service`] reads.
    fn meta(message: &str) -> aws_sdk_cognitoidentityprovider::error::ErrorMetadata {
        aws_sdk_cognitoidentityprovider::error::ErrorMetadata::builder()
            .message(message)
            .build()
    }

    fn not_authorized(message: &str) -> CognitoError {
        from_service(ServiceError::NotAuthorizedException(
            types::NotAuthorizedException::builder()
                .message(message)
                .meta(meta(message))
                .build(),
        ))
    }

    fn invalid_parameter(message: &str) -> CognitoError {
        from_service(ServiceError::InvalidParameterException(
            types::InvalidParameterException::builder()
                .message(message)
                .meta(meta(message))
                .build(),
        ))
    }

    #[test]
    fn service_errors_map_by_their_type_to_what_a_person_can_do() {
        assert!(matches!(
            not_authorized("Incorrect username or password."),
            CognitoError::WrongCredentials
        ));
        assert!(matches!(
            not_authorized("Unable to verify secret hash for client abc"),
            CognitoError::ClientSecret
        ));
        assert!(matches!(
            not_authorized("Refresh Token has been revoked"),
            CognitoError::SessionEnded { .. }
        ));
        assert!(matches!(
            not_authorized("Invalid session for the user, session is expired."),
            CognitoError::SessionExpired
        ));
        assert!(matches!(
            not_authorized("User is disabled."),
            CognitoError::UserDisabled
        ));
        match from_service(ServiceError::InvalidPasswordException(
            types::InvalidPasswordException::builder()
                .message(
                    "Password did not conform with policy: Password must have symbol characters",
                )
                .meta(meta(
                    "Password did not conform with policy: Password must have symbol characters",
                ))
                .build(),
        )) {
            CognitoError::PasswordPolicy { policy } => {
                assert_eq!(policy, "Password must have symbol characters")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            from_service(ServiceError::TooManyRequestsException(
                types::TooManyRequestsException::builder().build()
            )),
            CognitoError::TooManyRequests
        ));
        // Whatever its message says.
        assert!(matches!(
            from_service(ServiceError::EnableSoftwareTokenMfaException(
                types::EnableSoftwareTokenMfaException::builder()
                    .message("Something else")
                    .meta(meta("Something else"))
                    .build()
            )),
            CognitoError::CodeMismatch
        ));
        assert!(matches!(
            from_service(ServiceError::UserNotConfirmedException(
                types::UserNotConfirmedException::builder().build()
            )),
            CognitoError::NotConfirmed
        ));
        // Each operation's enum converts into the service-wide one.
        let typed: ServiceError =
            op::respond_to_auth_challenge::RespondToAuthChallengeError::CodeMismatchException(
                types::CodeMismatchException::builder().build(),
            )
            .into();
        assert!(matches!(from_service(typed), CognitoError::CodeMismatch));
    }

    #[test]
    fn invalid_parameters_say_what_to_fix() {
        assert!(matches!(
            invalid_parameter("USER_PASSWORD_AUTH flow not enabled for this client"),
            CognitoError::FlowNotAllowed { .. }
        ));
        assert!(matches!(
            invalid_parameter(
                "Client abc is not configured for secret but secret hash was received"
            ),
            CognitoError::ClientSecret
        ));
        assert!(matches!(
            invalid_parameter("Invalid session provided"),
            CognitoError::SessionExpired
        ));
        let missing = invalid_parameter("Invalid attributes given, name is missing");
        assert!(matches!(missing, CognitoError::InvalidParameter { .. }));
        assert_eq!(
            missing.to_string(),
            "Cognito refused: Invalid attributes given, name is missing (InvalidParameterException)"
        );
        // The SDK's typed variant decides, not the code text.
        let typed: ServiceError =
            op::respond_to_auth_challenge::RespondToAuthChallengeError::InvalidParameterException(
                types::InvalidParameterException::builder()
                    .message("Invalid attributes given, name is missing")
                    .meta(meta("Invalid attributes given, name is missing"))
                    .build(),
            )
            .into();
        assert!(matches!(
            from_service(typed),
            CognitoError::InvalidParameter { .. }
        ));
    }

    #[test]
    fn unknown_codes_and_hostile_messages_are_cut_and_cleaned() {
        let long = format!("{}\u{7}\n", "x".repeat(5000));
        let meta = aws_sdk_cognitoidentityprovider::error::ErrorMetadata::builder()
            .code("Weird")
            .message(&long)
            .build();
        let unknown = op::get_user::GetUserError::generic(meta);
        let CognitoError::Refused { code, message } = from_service(unknown.into()) else {
            panic!()
        };
        assert_eq!(code, "Weird");
        assert!(message.chars().count() <= MAX_MESSAGE + 1);
        assert!(!message.contains('\u{7}'));
        let throttled = aws_sdk_cognitoidentityprovider::error::ErrorMetadata::builder()
            .code("ThrottlingException")
            .build();
        assert!(matches!(
            from_service(op::get_user::GetUserError::generic(throttled).into()),
            CognitoError::TooManyRequests
        ));
    }
}
