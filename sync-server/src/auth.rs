//! Who is calling: a Cognito access token, checked with the core's verifier (RS256, the
//! pool's JWKS, `iss`, `token_use = access`, `client_id` in the allow-list, `exp`/`nbf`).
//! The user is the token's `sub`, and nothing else.

use std::sync::Arc;

use sesame::clock::Clock;
use sesame::cognito::verify::DEFAULT_GRACE_SECS;
use sesame::cognito::{Jwks, TokenError, TokenUse, TokenVerifier};

/// Which pool and app clients tokens must come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// The issuer tokens must name (`https://cognito-idp.REGION.amazonaws.com/POOL`).
    pub issuer: String,
    /// Where the pool's signing keys are (`ISSUER/.well-known/jwks.json`).
    pub jwks_url: String,
    /// The app clients whose access tokens are accepted.
    pub client_ids: Vec<String>,
    /// Seconds of leeway on `exp`/`nbf` for clocks that disagree.
    pub grace_secs: u64,
}

impl AuthConfig {
    /// The issuer and JWKS of the pool `user_pool_id` in `region`, unless overridden.
    pub fn for_pool(
        region: &str,
        user_pool_id: &str,
        client_ids: Vec<String>,
        issuer: Option<String>,
        jwks_url: Option<String>,
    ) -> AuthConfig {
        let issuer = issuer
            .map(|i| i.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| {
                format!("https://cognito-idp.{region}.amazonaws.com/{user_pool_id}")
            });
        let jwks_url = jwks_url.unwrap_or_else(|| format!("{issuer}/.well-known/jwks.json"));
        AuthConfig {
            issuer,
            jwks_url,
            client_ids,
            grace_secs: DEFAULT_GRACE_SECS,
        }
    }
}

/// Checks access tokens against the allow-list of app clients (one verifier each, one
/// shared JWKS cache).
#[derive(Debug)]
pub struct Auth {
    verifiers: Vec<TokenVerifier>,
}

impl Auth {
    /// A checker for `config`, reading time from `clock`.
    pub fn new(config: &AuthConfig, clock: Arc<dyn Clock>) -> Auth {
        let jwks = Arc::new(Jwks::new(config.jwks_url.clone()));
        let verifiers = config
            .client_ids
            .iter()
            .map(|client| {
                TokenVerifier::new(
                    config.issuer.clone(),
                    client.clone(),
                    jwks.clone(),
                    clock.clone(),
                    config.grace_secs,
                )
            })
            .collect();
        Auth { verifiers }
    }

    /// The `sub` of a valid access token.
    pub async fn user(&self, token: &str) -> Result<String, TokenError> {
        let mut refused = TokenError::MissingClaim { claim: "client_id" };
        for verifier in &self.verifiers {
            match verifier.verify(token, TokenUse::Access).await {
                Ok(claims) => return Ok(claims.sub().unwrap_or_default().to_owned()),
                // Another client of the list may be the one.
                Err(e @ TokenError::ClientId { .. }) => refused = e,
                Err(e) => return Err(e),
            }
        }
        Err(refused)
    }
}
