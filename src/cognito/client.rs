//! The user pool's public API, called as an app client (no AWS credentials: every call is
//! unsigned), with `SECRET_HASH` when the client has a secret. Sign-up, codes, password
//! reset, profile, refresh, sign-out, and the authenticator-app (TOTP) calls.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cognitoidentityprovider as sdk;
use base64::Engine as _;
use hmac::{KeyInit, Mac};
use sdk::config::{BehaviorVersion, Region};
use sdk::types::{
    AttributeType, AuthFlowType, AuthenticationResultType, SoftwareTokenMfaSettingsType,
};

use super::config::CognitoConfig;
use super::error::{CognitoError, OperationError, from_sdk};
use super::jwks::Jwks;
use super::tokens::{Session, Token, Tokens};
use super::verify::{Claims, DEFAULT_GRACE_SECS, TokenUse, TokenVerifier};
use crate::clock::Clock;
use crate::secret::Secret;

/// Where Cognito sent a code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodeDelivery {
    /// A masked address, e.g. `a***@e***`.
    pub destination: Option<String>,
    /// `EMAIL` or `SMS`.
    pub medium: Option<String>,
    /// The attribute the code verifies, e.g. `email`.
    pub attribute: Option<String>,
}

impl CodeDelivery {
    fn from_sdk(d: Option<&sdk::types::CodeDeliveryDetailsType>) -> Option<Self> {
        d.map(|d| CodeDelivery {
            destination: d.destination().map(str::to_owned),
            medium: d.delivery_medium().map(|m| m.as_str().to_owned()),
            attribute: d.attribute_name().map(str::to_owned),
        })
    }
}

/// What a sign-up did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUpOutcome {
    /// Already confirmed (a pre-sign-up trigger may auto-confirm); else a code was sent.
    pub confirmed: bool,
    /// The new user's `sub`.
    pub user_sub: String,
    /// Where the confirmation code went.
    pub delivery: Option<CodeDelivery>,
}

/// The signed-in user's profile (`GetUser`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProfile {
    /// The user name.
    pub username: String,
    /// Attributes, in Cognito's order (`email`, `sub`, …).
    pub attributes: Vec<(String, String)>,
    /// MFA methods the user has turned on (`SOFTWARE_TOKEN_MFA`, `SMS_MFA`, …).
    pub mfa_methods: Vec<String>,
    /// The preferred MFA method, if any.
    pub preferred_mfa: Option<String>,
}

impl UserProfile {
    /// One attribute's value.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Who a TOTP association or verification is for: a signed-in user or a sign-in that
/// must set up MFA (`MFA_SETUP`).
#[derive(Debug, Clone, Copy)]
pub enum TotpSubject<'a> {
    /// A signed-in user, by access token.
    Access(&'a Token),
    /// A sign-in's `Session`.
    Session(&'a str),
}

struct Inner {
    sdk: sdk::Client,
    config: CognitoConfig,
    clock: Arc<dyn Clock>,
    verifier: TokenVerifier,
    endpoint: String,
}

/// A client for one app client of one user pool. Cheap to clone; `Send + Sync`.
#[derive(Clone)]
pub struct CognitoClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for CognitoClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CognitoClient")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Network limits for Cognito calls.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);
/// Attempts per call (the SDK backs off between them on throttling and transient errors).
const MAX_ATTEMPTS: u32 = 3;

fn sdk_client(config: &CognitoConfig) -> sdk::Client {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut builder = sdk::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(config.region.clone()))
        .http_client(http)
        .retry_config(sdk::config::retry::RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            sdk::config::timeout::TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(OPERATION_TIMEOUT)
                .build(),
        );
    if let Some(endpoint) = &config.endpoint {
        builder = builder.endpoint_url(endpoint.trim_end_matches('/'));
    }
    sdk::Client::from_conf(builder.build())
}

/// `Base64(HMAC-SHA256(client secret, username + client id))`.
pub fn secret_hash(secret: &str, username: &str, client_id: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

impl CognitoClient {
    /// A client for `config`; `clock` gives the time for SRP, TOTP codes and token checks
    /// (pass a corrected clock when time correction is on).
    pub fn new(config: CognitoConfig, clock: Arc<dyn Clock>) -> Result<Self, CognitoError> {
        config.check()?;
        let jwks = Arc::new(Jwks::new(config.jwks_url()));
        Self::with_jwks(config, clock, jwks)
    }

    /// Like [`CognitoClient::new`], sharing a JWKS cache.
    pub fn with_jwks(
        config: CognitoConfig,
        clock: Arc<dyn Clock>,
        jwks: Arc<Jwks>,
    ) -> Result<Self, CognitoError> {
        config.check()?;
        let verifier = TokenVerifier::new(
            config.issuer(),
            config.client_id.clone(),
            jwks,
            clock.clone(),
            DEFAULT_GRACE_SECS,
        );
        Ok(CognitoClient {
            inner: Arc::new(Inner {
                sdk: sdk_client(&config),
                endpoint: config.endpoint_or_default(),
                config,
                clock,
                verifier,
            }),
        })
    }

    /// The configuration.
    pub fn config(&self) -> &CognitoConfig {
        &self.inner.config
    }

    /// The clock in use.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// The token verifier for this pool and app client.
    pub fn verifier(&self) -> &TokenVerifier {
        &self.inner.verifier
    }

    pub(crate) fn sdk(&self) -> &sdk::Client {
        &self.inner.sdk
    }

    pub(crate) fn fail<E, R>(&self, e: sdk::error::SdkError<E, R>) -> CognitoError
    where
        E: OperationError,
        R: std::fmt::Debug + 'static,
    {
        from_sdk(e, &self.inner.endpoint)
    }

    /// `SECRET_HASH` for `username`, when the app client has a secret.
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        let config = &self.inner.config;
        config
            .client_secret
            .as_ref()
            .map(|s| secret_hash(s.expose(), username, &config.client_id))
    }

    /// Registers a user with a password and attributes (e.g. `("email", …)`).
    pub async fn sign_up(
        &self,
        username: &str,
        password: &str,
        attributes: &[(String, String)],
    ) -> Result<SignUpOutcome, CognitoError> {
        let attributes = attributes
            .iter()
            .map(|(name, value)| {
                AttributeType::builder()
                    .name(name)
                    .value(value)
                    .build()
                    .map_err(|e| CognitoError::BadConfig {
                        field: "attribute",
                        reason: e.to_string(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let out = self
            .sdk()
            .sign_up()
            .client_id(&self.inner.config.client_id)
            .set_secret_hash(self.secret_hash(username))
            .username(username)
            .password(password)
            .set_user_attributes(Some(attributes))
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(SignUpOutcome {
            confirmed: out.user_confirmed(),
            user_sub: out.user_sub().to_owned(),
            delivery: CodeDelivery::from_sdk(out.code_delivery_details()),
        })
    }

    /// Confirms a sign-up with the code that was sent.
    pub async fn confirm_sign_up(&self, username: &str, code: &str) -> Result<(), CognitoError> {
        self.sdk()
            .confirm_sign_up()
            .client_id(&self.inner.config.client_id)
            .set_secret_hash(self.secret_hash(username))
            .username(username)
            .confirmation_code(code.trim())
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Sends the sign-up confirmation code again.
    pub async fn resend_confirmation_code(
        &self,
        username: &str,
    ) -> Result<Option<CodeDelivery>, CognitoError> {
        let out = self
            .sdk()
            .resend_confirmation_code()
            .client_id(&self.inner.config.client_id)
            .set_secret_hash(self.secret_hash(username))
            .username(username)
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(CodeDelivery::from_sdk(out.code_delivery_details()))
    }

    /// Starts a password reset: Cognito sends a code.
    pub async fn forgot_password(
        &self,
        username: &str,
    ) -> Result<Option<CodeDelivery>, CognitoError> {
        let out = self
            .sdk()
            .forgot_password()
            .client_id(&self.inner.config.client_id)
            .set_secret_hash(self.secret_hash(username))
            .username(username)
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(CodeDelivery::from_sdk(out.code_delivery_details()))
    }

    /// Finishes a password reset with the code and the new password.
    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<(), CognitoError> {
        self.sdk()
            .confirm_forgot_password()
            .client_id(&self.inner.config.client_id)
            .set_secret_hash(self.secret_hash(username))
            .username(username)
            .confirmation_code(code.trim())
            .password(new_password)
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// The signed-in user's profile.
    pub async fn get_user(&self, access: &Token) -> Result<UserProfile, CognitoError> {
        let out = self
            .sdk()
            .get_user()
            .access_token(access.expose())
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(UserProfile {
            username: out.username().to_owned(),
            attributes: out
                .user_attributes()
                .iter()
                .map(|a| (a.name().to_owned(), a.value().unwrap_or("").to_owned()))
                .collect(),
            mfa_methods: out.user_mfa_setting_list().to_vec(),
            preferred_mfa: out.preferred_mfa_setting().map(str::to_owned),
        })
    }

    /// New ID and access tokens from the refresh token (`REFRESH_TOKEN_AUTH`), verified.
    pub async fn refresh(&self, session: &Session) -> Result<Session, CognitoError> {
        let refresh = session
            .tokens
            .refresh
            .as_ref()
            .ok_or(CognitoError::NotSignedIn)?;
        let mut request = self
            .sdk()
            .initiate_auth()
            .client_id(&self.inner.config.client_id)
            .auth_flow(AuthFlowType::RefreshTokenAuth)
            .auth_parameters("REFRESH_TOKEN", refresh.expose());
        if let Some(hash) = self.secret_hash(&session.username) {
            request = request.auth_parameters("SECRET_HASH", hash);
        }
        let out = request.send().await.map_err(|e| self.fail(e))?;
        let result =
            out.authentication_result()
                .ok_or_else(|| CognitoError::UnexpectedChallenge {
                    operation: "InitiateAuth (REFRESH_TOKEN_AUTH)",
                    expected: "tokens",
                    challenge: out
                        .challenge_name()
                        .map_or("no challenge", |c| c.as_str())
                        .to_owned(),
                })?;
        let mut refreshed = self
            .session_from(result, &session.login, Some(refresh))
            .await?;
        refreshed.hosted = session.hosted;
        Ok(refreshed)
    }

    /// Signs the user out everywhere: every token issued to them stops working.
    pub async fn global_sign_out(&self, access: &Token) -> Result<(), CognitoError> {
        self.sdk()
            .global_sign_out()
            .access_token(access.expose())
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Revokes a refresh token and the tokens issued from it.
    pub async fn revoke_token(&self, refresh: &Token) -> Result<(), CognitoError> {
        let config = &self.inner.config;
        self.sdk()
            .revoke_token()
            .token(refresh.expose())
            .client_id(&config.client_id)
            .set_client_secret(config.client_secret.as_ref().map(|s| s.expose().to_owned()))
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Asks Cognito for a new TOTP secret for `subject` (sent as Base32, decoded here);
    /// with a session, also returns the session to continue with.
    pub async fn associate_software_token(
        &self,
        subject: TotpSubject<'_>,
    ) -> Result<(Secret, Option<String>), CognitoError> {
        let request = self.sdk().associate_software_token();
        let request = match subject {
            TotpSubject::Access(access) => request.access_token(access.expose()),
            TotpSubject::Session(session) => request.session(session),
        };
        let out = request.send().await.map_err(|e| self.fail(e))?;
        let secret =
            out.secret_code()
                .filter(|s| !s.is_empty())
                .ok_or(CognitoError::MissingField {
                    operation: "AssociateSoftwareToken",
                    field: "SecretCode",
                })?;
        let secret = Secret::from_base32(secret).map_err(CognitoError::BadTotpSecret)?;
        Ok((secret, out.session().map(str::to_owned)))
    }

    /// Proves the authenticator works with a code from it; returns the session to continue
    /// with (for a sign-in's `MFA_SETUP`).
    pub async fn verify_software_token(
        &self,
        subject: TotpSubject<'_>,
        code: &str,
        device_name: &str,
    ) -> Result<Option<String>, CognitoError> {
        let request = self
            .sdk()
            .verify_software_token()
            .user_code(code)
            .friendly_device_name(device_name);
        let request = match subject {
            TotpSubject::Access(access) => request.access_token(access.expose()),
            TotpSubject::Session(session) => request.session(session),
        };
        let out = request.send().await.map_err(|e| self.fail(e))?;
        match out.status() {
            Some(sdk::types::VerifySoftwareTokenResponseType::Success) | None => {
                Ok(out.session().map(str::to_owned))
            }
            Some(_) => Err(CognitoError::CodeMismatch),
        }
    }

    /// Turns authenticator-app MFA on (and preferred) or off for the signed-in user.
    pub async fn set_software_token_mfa(
        &self,
        access: &Token,
        enabled: bool,
    ) -> Result<(), CognitoError> {
        let settings = SoftwareTokenMfaSettingsType::builder()
            .enabled(enabled)
            .preferred_mfa(enabled)
            .build();
        self.sdk()
            .set_user_mfa_preference()
            .access_token(access.expose())
            .software_token_mfa_settings(settings)
            .customize()
            .mutate_request(move |request| {
                // The SDK leaves out `false` (the model's default); say it explicitly, as
                // the API reference shows it, for servers that read "absent" as "unchanged".
                let Some(body) = request.body().bytes() else {
                    return;
                };
                let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(body) else {
                    return;
                };
                let Some(object) = doc.as_object_mut() else {
                    return;
                };
                object.insert(
                    "SoftwareTokenMfaSettings".into(),
                    serde_json::json!({"Enabled": enabled, "PreferredMfa": enabled}),
                );
                let Ok(bytes) = serde_json::to_vec(&doc) else {
                    return;
                };
                request
                    .headers_mut()
                    .insert("content-length", bytes.len().to_string());
                *request.body_mut() = bytes.into();
            })
            .send()
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    /// Verifies the tokens of an authentication result and makes a session of them.
    /// `keep_refresh` is the refresh token to keep when the result carries none.
    pub(crate) async fn session_from(
        &self,
        result: &AuthenticationResultType,
        login: &str,
        keep_refresh: Option<&Token>,
    ) -> Result<Session, CognitoError> {
        let missing = |field| CognitoError::MissingField {
            operation: "the authentication result",
            field,
        };
        let id = Token::new(result.id_token().ok_or_else(|| missing("IdToken"))?);
        let access = Token::new(
            result
                .access_token()
                .ok_or_else(|| missing("AccessToken"))?,
        );
        let refresh = result
            .refresh_token()
            .map(Token::new)
            .or_else(|| keep_refresh.cloned());
        let (session, _) = self
            .session_from_tokens(
                Tokens {
                    id,
                    access,
                    refresh,
                },
                |_| login.to_owned(),
            )
            .await?;
        Ok(session)
    }

    /// Verifies `tokens` (both JWTs against the pool's keys, issuer, client and use; both
    /// for the same user) and makes a session of them, with the login `login` picks from
    /// the ID token's claims. Returns the ID token's claims too.
    pub(crate) async fn session_from_tokens(
        &self,
        tokens: Tokens,
        login: impl FnOnce(&Claims) -> String,
    ) -> Result<(Session, Claims), CognitoError> {
        let verifier = &self.inner.verifier;
        let id_claims = verifier.verify(tokens.id.expose(), TokenUse::Id).await?;
        let access_claims = verifier
            .verify(tokens.access.expose(), TokenUse::Access)
            .await?;
        let sub = id_claims.sub().unwrap_or_default().to_owned();
        if access_claims.sub() != Some(sub.as_str()) {
            return Err(CognitoError::TokensDisagree);
        }
        let username = id_claims
            .username()
            .or_else(|| access_claims.username())
            .unwrap_or(&sub)
            .to_owned();
        let now = self.inner.clock.now_secs();
        let issued_at = access_claims.secs("iat").unwrap_or(now);
        let drift =
            i64::try_from(issued_at).unwrap_or(i64::MAX) - i64::try_from(now).unwrap_or(i64::MAX);
        let session = Session {
            tokens,
            username,
            sub,
            login: login(&id_claims),
            id_expires_at: id_claims.exp(),
            access_expires_at: access_claims.exp(),
            issued_at,
            clock_drift_secs: drift,
            hosted: false,
        };
        Ok((session, id_claims))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_hash_matches_the_documented_construction() {
        // HMAC-SHA256("secret", "alice" + "client") in Base64, computed independently with
        // `printf %s aliceclient | openssl dgst -sha256 -hmac secret -binary | base64`.
        assert_eq!(
            secret_hash("secret", "alice", "client"),
            "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0="
        );
    }
}
