//! What can go wrong signing in through the hosted page. Each leaves the vault as it was:
//! nothing is stored before the tokens are verified.

/// Why a hosted sign-in (or its sign-out) failed. Messages never carry a code, token,
/// verifier or secret.
///
/// Not `#[non_exhaustive]`, like [`CognitoError`](crate::cognito::CognitoError): the
/// faces match every variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostedError {
    /// No domain is configured, so there is no hosted page to go to.
    #[error(
        "hosted sign-in needs the user pool's domain (its hosted page), which is not configured"
    )]
    NotConfigured,
    /// The loopback port for the answer cannot be listened on.
    #[error("cannot listen for the hosted page's answer on 127.0.0.1:{port}: {reason}")]
    Listen {
        /// The port.
        port: u16,
        /// Why not (in use, not allowed).
        reason: String,
    },
    /// No answer came back in time.
    #[error(
        "the hosted page did not send the browser back within {secs} s; start the sign-in again"
    )]
    TimedOut {
        /// The time waited.
        secs: u64,
    },
    /// The answer's `state` is missing or is not this sign-in's: it may come from another
    /// sign-in, or from a page trying to sign this computer in as someone else.
    #[error(
        "the answer from the hosted page does not belong to this sign-in (its state {found}); nothing was stored"
    )]
    StateMismatch {
        /// `missing` or `different`.
        found: &'static str,
    },
    /// The hosted page (or the identity provider behind it) sent an error back.
    #[error("the hosted page refused the sign-in: {error}{}", description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Denied {
        /// The OAuth `error` (`access_denied`, `invalid_request`, …).
        error: String,
        /// Its `error_description`, when given.
        description: Option<String>,
    },
    /// The answer carries neither a code nor an error.
    #[error("the hosted page sent the browser back without an authorization code")]
    NoCode,
    /// The token endpoint refused the code: already used, expired, for another app client
    /// or redirect URI, or the PKCE verifier does not match.
    #[error(
        "the authorization code was refused ({description}): it was used already, has expired or belongs to another sign-in; start again"
    )]
    CodeRefused {
        /// What the token endpoint said.
        description: String,
    },
    /// The token endpoint refused for another reason.
    #[error("the token endpoint refused: {error}{}", description.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    TokenEndpoint {
        /// The OAuth `error`.
        error: String,
        /// Its `error_description`, when given.
        description: Option<String>,
    },
    /// The app client's secret was refused at the token endpoint.
    #[error(
        "the token endpoint refused the app client's credentials (a missing or wrong client secret)"
    )]
    ClientRefused,
    /// The token endpoint answered something that is not tokens.
    #[error("the token endpoint at {url} did not answer with tokens: {reason}")]
    NotTokens {
        /// The token endpoint.
        url: String,
        /// What was wrong.
        reason: String,
    },
    /// The ID token's `nonce` is not this sign-in's (a replayed or substituted token).
    #[error(
        "the ID token does not belong to this sign-in (its nonce is {found}); nothing was stored"
    )]
    NonceMismatch {
        /// `missing` or `different`.
        found: &'static str,
    },
    /// The pool's OpenID discovery document names another issuer than the tokens must.
    #[error("the OpenID discovery document at {url} is for another issuer ({found})")]
    DiscoveryIssuer {
        /// Where it was.
        url: String,
        /// The issuer it names.
        found: String,
    },
    /// An endpoint (from discovery) is plain HTTP to another machine.
    #[error(
        "the {what} endpoint {url} is not https:// (plain http:// is only for a loopback address)"
    )]
    InsecureEndpoint {
        /// Which endpoint.
        what: &'static str,
        /// Its URL.
        url: String,
    },
    /// An HTTP request to the hosted page's endpoints failed.
    #[error("cannot reach {url}: {reason}")]
    Unreachable {
        /// Where.
        url: String,
        /// The connection error.
        reason: String,
    },
    /// The session's access token cannot call the user pool's own API: it came from the
    /// hosted page without the `aws.cognito.signin.user.admin` scope.
    #[error(
        "the session from the hosted page cannot {what}: its access token lacks the aws.cognito.signin.user.admin scope"
    )]
    NoAdminScope {
        /// What was tried (`turn MFA on`, …).
        what: &'static str,
    },
}

/// Text from the network as it may appear in a message: printable and short.
pub(crate) fn clean(text: &str) -> String {
    const MAX: usize = 300;
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}
