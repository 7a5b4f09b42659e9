//! Verifying Cognito's ID and access tokens the way aws-jwt-verify does: RS256 only, the
//! key by `kid` from the pool's JWKS, `exp`/`nbf` with a small grace, `iss`, `token_use`,
//! and `aud` (ID tokens) or `client_id` (access tokens). Each failed check is its own
//! [`TokenError`]. Time comes from a [`Clock`], so time correction applies.

use std::collections::HashSet;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::jwks::Jwks;
use crate::clock::Clock;

/// Seconds of leeway on `exp` and `nbf` for clocks that disagree a little.
pub const DEFAULT_GRACE_SECS: u64 = 30;
/// A JWT longer than this is not Cognito's.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Which token a check expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// An ID token (`token_use: id`, audience = the app client).
    Id,
    /// An access token (`token_use: access`, `client_id` = the app client).
    Access,
}

impl TokenUse {
    /// As the `token_use` claim spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenUse::Id => "id",
            TokenUse::Access => "access",
        }
    }
}

/// Why a token was rejected. Messages name the check, never the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not three Base64url parts with JSON header and payload.
    #[error("the token is malformed: {reason}")]
    Malformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// Any algorithm but RS256 (`none`, HS256, …).
    #[error("the token is signed with {alg}, but only RS256 is accepted")]
    Algorithm {
        /// The header's `alg`.
        alg: String,
    },
    /// No `kid` in the header.
    #[error("the token names no signing key (kid)")]
    MissingKeyId,
    /// The JWKS has no key with this `kid` (even after a refetch).
    #[error("the token is signed with a key the user pool does not publish (kid {kid})")]
    UnknownKey {
        /// The header's `kid`.
        kid: String,
    },
    /// The signature does not verify with the pool's key.
    #[error("the token's signature is not valid")]
    BadSignature,
    /// Past `exp` (plus the grace).
    #[error("the token expired at {expired_at} (Unix time)")]
    Expired {
        /// The `exp` claim.
        expired_at: u64,
    },
    /// Before `nbf` (minus the grace).
    #[error(
        "the token is not valid before {not_before} (Unix time); is this computer's clock right?"
    )]
    NotYetValid {
        /// The `nbf` claim.
        not_before: u64,
    },
    /// Issued by someone else.
    #[error("the token was issued by {found}, not by {expected}")]
    Issuer {
        /// The configured issuer.
        expected: String,
        /// The `iss` claim.
        found: String,
    },
    /// An ID token where an access token belongs, or the other way round.
    #[error("the token is a {found} token, not an {expected} token")]
    TokenUse {
        /// What was wanted.
        expected: &'static str,
        /// The `token_use` claim.
        found: String,
    },
    /// An ID token for another app client.
    #[error("the ID token is for the app client {found}, not {expected}")]
    Audience {
        /// The configured client id.
        expected: String,
        /// The `aud` claim.
        found: String,
    },
    /// An access token for another app client.
    #[error("the access token is for the app client {found}, not {expected}")]
    ClientId {
        /// The configured client id.
        expected: String,
        /// The `client_id` claim.
        found: String,
    },
    /// A claim the checks need is missing or has the wrong type.
    #[error("the token has no valid {claim} claim")]
    MissingClaim {
        /// The claim.
        claim: &'static str,
    },
    /// The JWKS could not be fetched or read.
    #[error("cannot get the user pool's signing keys from {url}: {reason}")]
    Jwks {
        /// Where.
        url: String,
        /// Why not.
        reason: String,
    },
}

/// The verified claims of a token.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims(Map<String, Value>);

impl Claims {
    /// All claims.
    pub fn all(&self) -> &Map<String, Value> {
        &self.0
    }

    /// A string claim.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(Value::as_str)
    }

    /// A numeric (Unix time) claim.
    pub fn secs(&self, name: &str) -> Option<u64> {
        self.0.get(name).and_then(as_secs)
    }

    /// `sub`.
    pub fn sub(&self) -> Option<&str> {
        self.str("sub")
    }

    /// `exp`, checked present by verification.
    pub fn exp(&self) -> u64 {
        self.secs("exp").unwrap_or(0)
    }

    /// The user name: `cognito:username` (ID token) or `username` (access token).
    pub fn username(&self) -> Option<&str> {
        self.str("cognito:username")
            .or_else(|| self.str("username"))
    }
}

#[cfg(test)]
impl Claims {
    /// Claims that were never verified, for unit tests of what reads them.
    pub(crate) fn unverified(claims: Value) -> Claims {
        match claims {
            Value::Object(map) => Claims(map),
            _ => Claims(Map::new()),
        }
    }
}

fn as_secs(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    kid: Option<String>,
}

/// Checks tokens of one app client of one pool. Every check is decided at construction.
#[derive(Clone)]
pub struct TokenVerifier {
    issuer: String,
    client_id: String,
    jwks: Arc<Jwks>,
    clock: Arc<dyn Clock>,
    grace_secs: u64,
}

impl std::fmt::Debug for TokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenVerifier")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("jwks", &self.jwks.url())
            .field("grace_secs", &self.grace_secs)
            .finish()
    }
}

fn decode_part(part: &str, what: &'static str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| TokenError::Malformed { reason: what })
}

impl TokenVerifier {
    /// A verifier for tokens issued by `issuer` to the app client `client_id`, with keys
    /// from `jwks`, times from `clock` and `grace_secs` of leeway on `exp`/`nbf`.
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        jwks: Arc<Jwks>,
        clock: Arc<dyn Clock>,
        grace_secs: u64,
    ) -> Self {
        TokenVerifier {
            issuer: issuer.into(),
            client_id: client_id.into(),
            jwks,
            clock,
            grace_secs,
        }
    }

    /// The JWKS cache.
    pub fn jwks(&self) -> &Arc<Jwks> {
        &self.jwks
    }

    /// Verifies `token` as a `expected` token and returns its claims.
    pub async fn verify(&self, token: &str, expected: TokenUse) -> Result<Claims, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::Malformed {
                reason: "it is far too long",
            });
        }
        let mut parts = token.split('.');
        let (Some(head), Some(_payload), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed {
                reason: "it is not three dot-separated parts",
            });
        };
        let header: Header =
            serde_json::from_slice(&decode_part(head, "the header is not Base64url")?).map_err(
                |_| TokenError::Malformed {
                    reason: "the header is not a JSON object",
                },
            )?;
        let alg = header.alg.unwrap_or_default();
        if alg != "RS256" {
            return Err(TokenError::Algorithm {
                alg: alg.chars().filter(|c| !c.is_control()).take(20).collect(),
            });
        }
        let kid = header
            .kid
            .filter(|k| !k.is_empty())
            .ok_or(TokenError::MissingKeyId)?;
        let key = self.jwks.key(&kid).await?;
        let claims = self.check_signature(token, &key)?;
        self.check_claims(claims, expected)
    }

    fn check_signature(
        &self,
        token: &str,
        key: &jsonwebtoken::DecodingKey,
    ) -> Result<Map<String, Value>, TokenError> {
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        // The claims are checked below, against our clock and with our errors.
        validation.required_spec_claims = HashSet::new();
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        match jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation) {
            Ok(data) => Ok(data.claims),
            Err(e) => Err(match e.kind() {
                jsonwebtoken::errors::ErrorKind::InvalidSignature => TokenError::BadSignature,
                jsonwebtoken::errors::ErrorKind::InvalidAlgorithm => TokenError::Algorithm {
                    alg: "another algorithm".into(),
                },
                jsonwebtoken::errors::ErrorKind::Json(_)
                | jsonwebtoken::errors::ErrorKind::Utf8(_) => TokenError::Malformed {
                    reason: "the payload is not a JSON object",
                },
                jsonwebtoken::errors::ErrorKind::Base64(_) => TokenError::Malformed {
                    reason: "a part is not Base64url",
                },
                _ => TokenError::BadSignature,
            }),
        }
    }

    fn check_claims(
        &self,
        claims: Map<String, Value>,
        expected: TokenUse,
    ) -> Result<Claims, TokenError> {
        let claims = Claims(claims);
        let now = self.clock.now_secs();
        let exp = claims
            .secs("exp")
            .ok_or(TokenError::MissingClaim { claim: "exp" })?;
        if now >= exp.saturating_add(self.grace_secs) {
            return Err(TokenError::Expired { expired_at: exp });
        }
        if let Some(nbf) = claims.all().get("nbf") {
            let nbf = as_secs(nbf).ok_or(TokenError::MissingClaim { claim: "nbf" })?;
            if now.saturating_add(self.grace_secs) < nbf {
                return Err(TokenError::NotYetValid { not_before: nbf });
            }
        }
        let iss = claims
            .str("iss")
            .ok_or(TokenError::MissingClaim { claim: "iss" })?;
        if iss != self.issuer {
            return Err(TokenError::Issuer {
                expected: self.issuer.clone(),
                found: short(iss),
            });
        }
        let token_use = claims
            .str("token_use")
            .ok_or(TokenError::MissingClaim { claim: "token_use" })?;
        if token_use != expected.as_str() {
            return Err(TokenError::TokenUse {
                expected: expected.as_str(),
                found: short(token_use),
            });
        }
        match expected {
            TokenUse::Id => {
                let aud = claims
                    .str("aud")
                    .ok_or(TokenError::MissingClaim { claim: "aud" })?;
                if aud != self.client_id {
                    return Err(TokenError::Audience {
                        expected: self.client_id.clone(),
                        found: short(aud),
                    });
                }
            }
            TokenUse::Access => {
                let client = claims
                    .str("client_id")
                    .ok_or(TokenError::MissingClaim { claim: "client_id" })?;
                if client != self.client_id {
                    return Err(TokenError::ClientId {
                        expected: self.client_id.clone(),
                        found: short(client),
                    });
                }
            }
        }
        if claims.sub().is_none_or(str::is_empty) {
            return Err(TokenError::MissingClaim { claim: "sub" });
        }
        Ok(claims)
    }
}

/// A claim value as it may appear in a message: printable and short.
fn short(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}
