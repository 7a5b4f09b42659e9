//! One sign-in through the hosted page: the endpoints, a fresh authorize request, the
//! answer's code, the exchange, the checks (the tokens as every session's, plus the ID
//! token's `nonce`), and the session kept in the vault only when all passed.

use std::time::Duration;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::authorize::AuthorizeRequest;
use super::config::{CALLBACK_PATH, HostedConfig, SIGNED_OUT_PATH};
use super::endpoints::{Endpoints, discover};
use super::error::HostedError;
use super::listener::{Listener, page_html};
use super::token;
use crate::cognito::access::VaultAccess;
use crate::cognito::client::CognitoClient;
use crate::cognito::error::CognitoError;
use crate::cognito::session;
use crate::cognito::tokens::{Session, Tokens};

/// How long to wait for the browser to come back unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// The hosted settings of `client`'s configuration, or [`HostedError::NotConfigured`].
pub fn hosted_config(client: &CognitoClient) -> Result<&HostedConfig, CognitoError> {
    client
        .config()
        .hosted
        .as_ref()
        .ok_or(CognitoError::Hosted(HostedError::NotConfigured))
}

/// A hosted sign-in waiting for the browser's answer. Holds the PKCE verifier, `state`
/// and `nonce` (zeroized on drop).
#[derive(Debug)]
pub struct HostedSignIn {
    client: CognitoClient,
    endpoints: Endpoints,
    request: AuthorizeRequest,
}

impl HostedSignIn {
    /// Looks up the endpoints and makes a fresh authorize request answered at
    /// `redirect_uri`; `identity_provider` (else the configured one) skips the hosted
    /// page's own form.
    pub async fn start(
        client: &CognitoClient,
        redirect_uri: &str,
        identity_provider: Option<&str>,
    ) -> Result<HostedSignIn, CognitoError> {
        let hosted = hosted_config(client)?;
        let endpoints = discover(client.config(), hosted).await?;
        let provider = identity_provider.or(hosted.identity_provider.as_deref());
        let request = AuthorizeRequest::new(
            &endpoints.authorize,
            &client.config().client_id,
            redirect_uri,
            &hosted.scopes,
            provider,
        )?;
        Ok(HostedSignIn {
            client: client.clone(),
            endpoints,
            request,
        })
    }

    /// The URL to open in a browser.
    pub fn url(&self) -> &str {
        self.request.url()
    }

    /// The endpoints in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The code in the redirect's query, once its `state` is this sign-in's.
    pub fn code_from(&self, query: &str) -> Result<Zeroizing<String>, HostedError> {
        self.request.code_from(query)
    }

    /// Exchanges `code`, verifies the tokens and their `nonce`, and keeps the session in
    /// the vault. Nothing is stored unless every check passed.
    pub async fn finish(
        &self,
        vault: &impl VaultAccess,
        code: &str,
    ) -> Result<Session, CognitoError> {
        let issued = token::exchange(
            self.client.config(),
            &self.endpoints.token,
            code,
            self.request.redirect_uri(),
            self.request.code_verifier(),
        )
        .await?;
        let tokens = Tokens {
            id: issued.id,
            access: issued.access,
            refresh: issued.refresh,
        };
        let (mut session, id_claims) = self
            .client
            .session_from_tokens(tokens, |claims| {
                claims
                    .str("email")
                    .or_else(|| claims.username())
                    .or_else(|| claims.sub())
                    .unwrap_or_default()
                    .to_owned()
            })
            .await?;
        match id_claims.str("nonce") {
            None => return Err(HostedError::NonceMismatch { found: "missing" }.into()),
            Some(nonce) if !bool::from(nonce.as_bytes().ct_eq(self.request.nonce().as_bytes())) => {
                return Err(HostedError::NonceMismatch { found: "different" }.into());
            }
            Some(_) => {}
        }
        session.hosted = true;
        vault.with_vault(|v| session::keep(v, &session))?;
        Ok(session)
    }
}

/// The page the browser shows once the answer arrived.
pub fn answer_page<T>(outcome: &Result<T, HostedError>) -> String {
    match outcome {
        Ok(_) => page_html(
            "Sesame got the answer",
            "You can close this tab and go back to Sesame.",
        ),
        Err(e) => page_html(
            "Sesame could not sign in",
            &format!("{e}. You can close this tab."),
        ),
    }
}

/// A whole hosted sign-in on this machine: listens on the configured loopback port, has
/// `open` show the authorize URL (a browser, or a message), waits up to `timeout` for
/// the browser to come back, and keeps the verified session.
pub async fn sign_in_with_browser(
    vault: &impl VaultAccess,
    client: &CognitoClient,
    identity_provider: Option<&str>,
    timeout: Duration,
    open: impl FnOnce(&str),
) -> Result<Session, CognitoError> {
    let hosted = hosted_config(client)?;
    let listener = Listener::bind(hosted.redirect_port).await?;
    let sign_in = HostedSignIn::start(client, &hosted.redirect_uri(), identity_provider).await?;
    open(sign_in.url());
    let code = listener
        .answer_one(
            CALLBACK_PATH,
            timeout,
            |query| sign_in.code_from(query),
            answer_page,
        )
        .await?;
    sign_in.finish(vault, &code).await
}

/// The URL that ends the hosted page's own session (its cookie in the browser) and sends
/// the browser back to `logout_uri`.
pub fn logout_url(endpoints: &Endpoints, client_id: &str, logout_uri: &str) -> String {
    let mut url = reqwest::Url::parse(&endpoints.logout)
        .unwrap_or_else(|_| reqwest::Url::parse("https://invalid.invalid/logout").expect("valid"));
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("logout_uri", logout_uri);
    url.into()
}

/// The pool's `/logout` URL (from discovery, else the domain) that sends the browser back
/// to `logout_uri`: the loopback listener's on the desktop ([`HostedSignOut`]), the app's
/// URL scheme on the phones.
pub async fn logout_url_to(
    client: &CognitoClient,
    logout_uri: &str,
) -> Result<String, CognitoError> {
    let hosted = hosted_config(client)?;
    let endpoints = discover(client.config(), hosted).await?;
    Ok(logout_url(
        &endpoints,
        &client.config().client_id,
        logout_uri,
    ))
}

/// The hosted page's sign-out, started: the `/logout` URL for the browser, and the loopback
/// listener it comes back to (bound already, so the URL can be shown before the wait).
#[derive(Debug)]
pub struct HostedSignOut {
    url: String,
    listener: Listener,
}

impl HostedSignOut {
    /// Finds the pool's `/logout` and listens on the configured loopback port.
    pub async fn start(client: &CognitoClient) -> Result<HostedSignOut, CognitoError> {
        let hosted = hosted_config(client)?;
        let url = logout_url_to(client, &hosted.logout_uri()).await?;
        let listener = Listener::bind(hosted.redirect_port).await?;
        Ok(HostedSignOut { url, listener })
    }

    /// The `/logout` URL to open in the browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Waits up to `timeout` for the browser to come back to `/signed-out`.
    pub async fn finish(self, timeout: Duration) -> Result<(), HostedError> {
        self.listener
            .answer_one(
                SIGNED_OUT_PATH,
                timeout,
                |_| Ok(()),
                |_| {
                    page_html(
                        "Signed out",
                        "The hosted page's session has ended. You can close this tab.",
                    )
                },
            )
            .await
    }
}

/// Ends the hosted page's session in the browser: has `open` show the `/logout` URL and
/// waits up to `timeout` for the browser to come back to the loopback listener.
pub async fn end_hosted_session(
    client: &CognitoClient,
    timeout: Duration,
    open: impl FnOnce(&str),
) -> Result<(), CognitoError> {
    let sign_out = HostedSignOut::start(client).await?;
    open(sign_out.url());
    Ok(sign_out.finish(timeout).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::hosted::endpoints::EndpointSource;

    #[test]
    fn the_logout_url_names_the_client_and_where_to_come_back() {
        let endpoints = Endpoints {
            authorize: "https://auth.example/oauth2/authorize".into(),
            token: "https://auth.example/oauth2/token".into(),
            logout: "https://auth.example/logout".into(),
            source: EndpointSource::Domain,
        };
        assert_eq!(
            logout_url(&endpoints, "client1", "http://127.0.0.1:7372/signed-out"),
            "https://auth.example/logout?client_id=client1&logout_uri=http%3A%2F%2F127.0.0.1%3A7372%2Fsigned-out"
        );
    }

    #[test]
    fn a_client_without_a_domain_has_no_hosted_sign_in() {
        let client = CognitoClient::new(
            crate::cognito::CognitoConfig::new("eu-west-1", "eu-west-1_X", "c").unwrap(),
            std::sync::Arc::new(crate::clock::SystemClock),
        )
        .unwrap();
        assert!(matches!(
            hosted_config(&client),
            Err(CognitoError::Hosted(HostedError::NotConfigured))
        ));
    }
}
