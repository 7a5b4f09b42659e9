//! Where the hosted page's OAuth endpoints are: from the pool's OpenID discovery document
//! where the pool offers one (fetched where the signing keys are: beside the issuer, or
//! beside an emulator on this machine), else derived from the configured domain.

use std::time::Duration;

use serde::Deserialize;

use super::config::HostedConfig;
use super::error::{HostedError, clean};
use crate::cognito::config::{CognitoConfig, is_loopback};

/// A discovery document larger than this is not a user pool's.
const MAX_DOCUMENT_BYTES: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(10);

/// Where each endpoint came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointSource {
    /// The pool's OpenID discovery document.
    Discovery,
    /// The configured domain (`DOMAIN/oauth2/authorize`, …).
    Domain,
}

/// The hosted page's endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `authorization_endpoint`.
    pub authorize: String,
    /// `token_endpoint`.
    pub token: String,
    /// Where sign-out ends the hosted page's session (`/logout`).
    pub logout: String,
    /// Where `authorize` and `token` came from.
    pub source: EndpointSource,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    end_session_endpoint: Option<String>,
}

/// An HTTP client for the hosted page's endpoints: HTTPS only (plain HTTP only when
/// `loopback`), no redirects followed (a redirect could lead anywhere).
pub(crate) fn http_client(loopback: bool) -> Result<reqwest::Client, HostedError> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .https_only(!loopback)
        .build()
        .map_err(|e| HostedError::Unreachable {
            url: "the hosted page".into(),
            reason: clean(&e.to_string()),
        })
}

/// The innermost error's message.
pub(crate) fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut current = err;
    while let Some(next) = current.source() {
        current = next;
    }
    clean(&current.to_string())
}

impl Endpoints {
    /// The endpoints derived from the domain alone.
    pub fn from_domain(hosted: &HostedConfig) -> Endpoints {
        let domain = hosted.domain.trim_end_matches('/');
        Endpoints {
            authorize: format!("{domain}/oauth2/authorize"),
            token: format!("{domain}/oauth2/token"),
            logout: format!("{domain}/logout"),
            source: EndpointSource::Domain,
        }
    }
}

/// Where the pool's discovery document is: beside the issuer, or beside an emulator on
/// this machine (as for the signing keys, [`CognitoConfig::jwks_url`]).
pub fn discovery_url(config: &CognitoConfig) -> String {
    match (&config.endpoint, &config.issuer) {
        (Some(endpoint), None) if is_loopback(endpoint) => format!(
            "{}/{}/.well-known/openid-configuration",
            endpoint.trim_end_matches('/'),
            config.user_pool_id
        ),
        _ => format!("{}/.well-known/openid-configuration", config.issuer()),
    }
}

fn secure(what: &'static str, url: String) -> Result<String, HostedError> {
    let parsed = reqwest::Url::parse(&url);
    let ok =
        parsed.is_ok_and(|u| u.scheme() == "https" || (u.scheme() == "http" && is_loopback(&url)));
    if ok {
        Ok(url)
    } else {
        Err(HostedError::InsecureEndpoint {
            what,
            url: clean(&url),
        })
    }
}

/// The endpoints: from the discovery document when the pool serves one, else from the
/// domain. A document that names another issuer is an error, not a fallback.
pub async fn discover(
    config: &CognitoConfig,
    hosted: &HostedConfig,
) -> Result<Endpoints, HostedError> {
    let url = discovery_url(config);
    let derived = Endpoints::from_domain(hosted);
    let Some(doc) = fetch(&url).await else {
        return Ok(derived);
    };
    if doc.issuer.trim_end_matches('/') != config.issuer() {
        return Err(HostedError::DiscoveryIssuer {
            url,
            found: clean(&doc.issuer),
        });
    }
    let (Some(authorize), Some(token)) = (doc.authorization_endpoint, doc.token_endpoint) else {
        // A pool without a domain publishes no OAuth endpoints.
        return Ok(derived);
    };
    Ok(Endpoints {
        authorize: secure("authorization", authorize)?,
        token: secure("token", token)?,
        logout: match doc.end_session_endpoint {
            Some(logout) => secure("sign-out", logout)?,
            None => derived.logout,
        },
        source: EndpointSource::Discovery,
    })
}

/// The discovery document, or `None` when there is none to read (not served, not
/// reachable, not JSON).
async fn fetch(url: &str) -> Option<Discovery> {
    let http = http_client(is_loopback(url)).ok()?;
    let response = http.get(url).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    let body = response.bytes().await.ok()?;
    if body.len() > MAX_DOCUMENT_BYTES {
        return None;
    }
    serde_json::from_slice(&body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_looked_for_where_the_keys_are() {
        let mut c = CognitoConfig::new("eu-west-1", "eu-west-1_AbC123", "abc123").unwrap();
        assert_eq!(
            discovery_url(&c),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/openid-configuration"
        );
        c.endpoint = Some("https://vpce.example".into());
        assert!(discovery_url(&c).starts_with("https://cognito-idp.eu-west-1.amazonaws.com/"));
        c.endpoint = Some("http://127.0.0.1:4566/".into());
        assert_eq!(
            discovery_url(&c),
            "http://127.0.0.1:4566/eu-west-1_AbC123/.well-known/openid-configuration"
        );
    }

    #[test]
    fn endpoints_derive_from_the_domain() {
        let hosted = HostedConfig::new("https://sesame.auth.eu-west-1.amazoncognito.com/").unwrap();
        let e = Endpoints::from_domain(&hosted);
        assert_eq!(
            e.authorize,
            "https://sesame.auth.eu-west-1.amazoncognito.com/oauth2/authorize"
        );
        assert_eq!(
            e.token,
            "https://sesame.auth.eu-west-1.amazoncognito.com/oauth2/token"
        );
        assert_eq!(
            e.logout,
            "https://sesame.auth.eu-west-1.amazoncognito.com/logout"
        );
    }

    #[test]
    fn discovered_endpoints_must_be_https_off_loopback() {
        assert!(secure("token", "https://auth.example/oauth2/token".into()).is_ok());
        assert!(secure("token", "http://127.0.0.1:4566/oauth2/token".into()).is_ok());
        assert!(matches!(
            secure("token", "http://auth.example/oauth2/token".into()),
            Err(HostedError::InsecureEndpoint { what: "token", .. })
        ));
        assert!(secure("token", "javascript:alert(1)".into()).is_err());
    }
}
