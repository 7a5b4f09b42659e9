//! What the web view sees of Cognito: the pool and who is signed in, where
//! a code was sent, and the attribute values it sends back, checked. Never a token.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sesame::cognito::hosted::HostedConfig;
use sesame::cognito::hosted::identity::identities;
use sesame::cognito::session::Verified;
use sesame::cognito::store::CognitoState;
use sesame::cognito::{CodeDelivery, CognitoError, Session};
use sesame::vault::Vault;

use crate::error::{AppError, AppResult};

/// The configured user pool and who is signed in. Tokens never reach the web view.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CognitoStatus {
    configured: bool,
    region: Option<String>,
    user_pool_id: Option<String>,
    client_id: Option<String>,
    has_client_secret: bool,
    endpoint: Option<String>,
    signed_in: bool,
    /// The name the user signed in with.
    username: Option<String>,
    /// When the tokens expire, in ms on this computer's clock.
    id_expires_at_ms: Option<u64>,
    access_expires_at_ms: Option<u64>,
    /// Verified claims of the ID token (only from `cognito_whoami`, `cognito_refresh`).
    claims: Option<ClaimsView>,
    /// Sesame holds this user's verified authenticator secret.
    mfa_enrolled: bool,
    /// The hosted page's settings, when the pool's domain is configured.
    hosted: Option<HostedView>,
    /// The session came from the hosted page.
    hosted_session: bool,
}

/// The hosted sign-in settings, and the URLs the pool's app client must list.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HostedView {
    domain: String,
    scopes: String,
    redirect_port: u16,
    /// The identity providers offered as "Continue with NAME".
    providers: Vec<String>,
    /// Where this app asks the hosted page to send the browser back (the loopback URL on
    /// the desktop, the app's URL scheme on the phones).
    callback_url: String,
}

/// The hosted sign-in settings from the configuration form; an empty domain is none.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HostedSetup {
    pub domain: String,
    /// Space-separated; empty for the default (`openid email profile`).
    pub scopes: String,
    /// Empty for the default (7372).
    pub redirect_port: Option<u16>,
    /// Identity provider names, as the pool lists them.
    pub providers: Vec<String>,
}

impl HostedSetup {
    /// The checked settings, or `None` for an empty domain.
    pub fn into_config(self) -> Result<Option<HostedConfig>, CognitoError> {
        if self.domain.trim().is_empty() {
            return Ok(None);
        }
        let mut config = HostedConfig::new(self.domain)?;
        if !self.scopes.trim().is_empty() {
            config = config.with_scopes(&self.scopes)?;
        }
        if let Some(port) = self.redirect_port {
            config.redirect_port = port;
        }
        Ok(Some(config.with_providers(self.providers)?))
    }
}

/// A hosted sign-in started: the address to open (shown, for a browser that did not open)
/// and where the browser comes back.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HostedStarted {
    pub url: String,
    pub redirect_uri: String,
    /// Whether a browser could be started.
    pub opened: bool,
    /// For a sign-in: the vault's accounts of the pool, whose codes answer the hosted
    /// page's MFA step if it asks (empty for a sign-out).
    pub page_codes: Vec<PageCode>,
}

/// A vault account whose code answers the hosted page's MFA step: its id (for `codes`
/// and `copy_code`) and name, never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PageCode {
    pub id: String,
    /// `Cognito (POOL): user`, as the account list shows it.
    pub label: String,
}

impl From<sesame::cognito::hosted::PageCodeAccount> for PageCode {
    fn from(account: sesame::cognito::hosted::PageCodeAccount) -> Self {
        PageCode {
            id: account.id.as_str().to_owned(),
            label: account.label,
        }
    }
}

/// A sign-out: the tokens are revoked and forgotten. A session that came from the hosted
/// page also has its page's own session ended in the browser: `hosted` is that sign-out,
/// waiting for the browser to come back (`cognito_hosted_sign_out_wait`), its
/// `redirect_uri` the sign-out URL; `hosted_error` says why it could not start.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SignedOut {
    pub status: CognitoStatus,
    pub hosted: Option<HostedStarted>,
    pub hosted_error: Option<String>,
}

/// A few claims of the ID token, verified by the shell just now.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "CognitoClaims"))]
pub struct ClaimsView {
    sub: Option<String>,
    email: Option<String>,
    username: Option<String>,
    /// The identity provider a federated user signed in through (`identities` claim).
    provider: Option<String>,
}

/// Where a code was sent, masked (`a***@e***.com`), if Cognito said.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CodeSent {
    /// The account is confirmed already (sign-up only).
    confirmed: bool,
    destination: Option<String>,
    /// `EMAIL` or `SMS`.
    medium: Option<String>,
}

impl CodeSent {
    /// From where Cognito said it sent the code.
    pub fn new(delivery: Option<CodeDelivery>, confirmed: bool) -> Self {
        let delivery = delivery.unwrap_or_default();
        CodeSent {
            confirmed,
            destination: delivery.destination,
            medium: delivery.medium,
        }
    }
}

impl CognitoStatus {
    /// The status of an unlocked vault's Cognito state.
    pub fn of(vault: &Vault) -> AppResult<Self> {
        let state = CognitoState::load(vault.data())?;
        let mut out = CognitoStatus::default();
        let Some(config) = &state.config else {
            return Ok(out);
        };
        out.configured = true;
        out.region = Some(config.region.clone());
        out.user_pool_id = Some(config.user_pool_id.clone());
        out.client_id = Some(config.client_id.clone());
        out.has_client_secret = config.client_secret.is_some();
        out.endpoint = config.endpoint.clone();
        out.hosted = config.hosted.as_ref().map(|h| HostedView {
            domain: h.domain.clone(),
            scopes: h.scopes.clone(),
            redirect_port: h.redirect_port,
            providers: h.providers.clone(),
            callback_url: if cfg!(mobile) {
                crate::cognito_hosted::APP_REDIRECT_URI.to_owned()
            } else {
                h.redirect_uri()
            },
        });
        if let Some(session) = &state.session {
            out.hosted_session = session.hosted;
            let pool = &config.user_pool_id;
            out.signed_in = true;
            out.username = Some(session.login.clone());
            out.id_expires_at_ms = Some(local_ms(session, session.id_expires_at));
            out.access_expires_at_ms = Some(local_ms(session, session.access_expires_at));
            out.mfa_enrolled = state.totp.iter().any(|l| {
                l.verified && (l.is_for(pool, &session.username) || l.is_for(pool, &session.login))
            });
        }
        Ok(out)
    }

    /// With the claims of a session verified just now.
    pub fn with_claims(mut self, verified: &Verified) -> Self {
        self.claims = Some(ClaimsView {
            sub: verified.id.sub().map(str::to_owned),
            email: verified.id.str("email").map(str::to_owned),
            username: verified.id.username().map(str::to_owned),
            provider: identities(&verified.id)
                .into_iter()
                .next()
                .map(|i| i.provider_name),
        });
        self
    }
}

/// A Cognito-time expiry as ms on this computer's clock.
fn local_ms(session: &Session, cognito_secs: u64) -> u64 {
    cognito_secs
        .saturating_add_signed(-session.clock_drift_secs)
        .saturating_mul(1000)
}

/// Checks the attribute names the web view sends back (they came from Cognito's
/// `requiredAttributes`) and leaves out empty values.
pub fn attributes(given: BTreeMap<String, String>) -> AppResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (name, value) in given {
        let name = name.trim();
        let valid = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'));
        if !valid {
            return Err(AppError::invalid(
                "An attribute name Cognito did not ask for was given.",
            ));
        }
        let value = value.trim();
        if !value.is_empty() {
            out.push((name.to_owned(), value.to_owned()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_checked_and_empty_ones_left_out() {
        let given = [
            ("name", " Alice "),
            ("custom:team", ""),
            ("given_name", "A"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(
            attributes(given).unwrap(),
            vec![
                ("given_name".to_owned(), "A".to_owned()),
                ("name".to_owned(), "Alice".to_owned())
            ]
        );
        for bad in ["", "userAttributes name", "x\ny", &"a".repeat(65)] {
            let given = [(bad.to_owned(), "v".to_owned())].into_iter().collect();
            assert!(attributes(given).is_err(), "{bad:?}");
        }
    }
}
