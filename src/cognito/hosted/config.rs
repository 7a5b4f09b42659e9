//! What hosted sign-in needs beside the pool and app client: the pool's domain (where its
//! hosted page is), the scopes to ask for, the loopback port the answer comes back to, and
//! optionally an identity provider to go straight to.

use serde::{Deserialize, Serialize};

use crate::cognito::config::is_loopback;
use crate::cognito::error::CognitoError;

/// The scopes asked for unless configured otherwise. Without
/// [`ADMIN_SCOPE`], Cognito refuses the access token for `GetUser` and the MFA calls.
pub const DEFAULT_SCOPES: &str = "openid email profile";
/// The scope that lets an access token call the user pool's own API (`GetUser`,
/// `AssociateSoftwareToken`, …).
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";
/// The loopback port the hosted page redirects to unless configured otherwise: the pool's
/// app client must list `http://127.0.0.1:7372/callback` as a callback URL.
pub const DEFAULT_REDIRECT_PORT: u16 = 7372;
/// The path of the redirect URI on the loopback listener.
pub const CALLBACK_PATH: &str = "/callback";
/// The path the hosted page's `/logout` sends the browser back to.
pub const SIGNED_OUT_PATH: &str = "/signed-out";

/// Hosted sign-in settings, kept beside the pool's [`CognitoConfig`](crate::cognito::CognitoConfig).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostedConfig {
    /// The pool's domain: `https://PREFIX.auth.REGION.amazoncognito.com`, a custom domain,
    /// or (an emulator) a loopback `http://` URL.
    pub domain: String,
    /// The scopes, space-separated (`openid` is required: the ID token is who signed in).
    #[serde(default = "default_scopes")]
    pub scopes: String,
    /// The loopback port of the redirect URI `http://127.0.0.1:PORT/callback`.
    #[serde(default = "default_port")]
    pub redirect_port: u16,
    /// An identity provider to go straight to (`Google`, or an OIDC or SAML provider's
    /// name as the pool lists it), skipping the hosted page's own form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// The identity providers the app offers a button for ("Continue with NAME"), by
    /// their names in the pool.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<String>,
}

fn default_scopes() -> String {
    DEFAULT_SCOPES.to_owned()
}

fn default_port() -> u16 {
    DEFAULT_REDIRECT_PORT
}

fn bad(field: &'static str, reason: impl Into<String>) -> CognitoError {
    CognitoError::BadConfig {
        field,
        reason: reason.into(),
    }
}

/// A scope token as RFC 6749 section 3.3 allows: printable ASCII but space, `"` and `\`.
fn valid_scope(scope: &str) -> bool {
    !scope.is_empty()
        && scope
            .bytes()
            .all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\')
}

/// An identity provider name as Cognito allows it: 1 to 32 printable characters.
fn valid_provider(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 32
        && !name.chars().any(|c| c.is_control() || c.is_whitespace())
}

impl HostedConfig {
    /// Settings for `domain` with the default scopes and port; checked.
    pub fn new(domain: impl Into<String>) -> Result<Self, CognitoError> {
        let config = HostedConfig {
            domain: domain.into().trim().trim_end_matches('/').to_owned(),
            scopes: default_scopes(),
            redirect_port: DEFAULT_REDIRECT_PORT,
            identity_provider: None,
            providers: Vec::new(),
        };
        config.check()?;
        Ok(config)
    }

    /// Sets the scopes from a space-separated list (duplicates dropped, order kept).
    pub fn with_scopes(mut self, scopes: &str) -> Result<Self, CognitoError> {
        let mut kept: Vec<&str> = Vec::new();
        for scope in scopes.split_whitespace() {
            if !kept.contains(&scope) {
                kept.push(scope);
            }
        }
        self.scopes = kept.join(" ");
        self.check()?;
        Ok(self)
    }

    /// Sets the providers offered as buttons (duplicates dropped, order kept).
    pub fn with_providers<S: AsRef<str>>(
        mut self,
        providers: impl IntoIterator<Item = S>,
    ) -> Result<Self, CognitoError> {
        self.providers.clear();
        for provider in providers {
            let provider = provider.as_ref().trim();
            if !provider.is_empty() && !self.providers.iter().any(|p| p == provider) {
                self.providers.push(provider.to_owned());
            }
        }
        self.check()?;
        Ok(self)
    }

    /// Checks every field, naming the first that is wrong.
    pub fn check(&self) -> Result<(), CognitoError> {
        let url = reqwest::Url::parse(&self.domain).map_err(|_| {
            bad(
                "domain",
                format!(
                    "\"{}\" is not a URL like https://PREFIX.auth.REGION.amazoncognito.com",
                    self.domain
                ),
            )
        })?;
        let plain = url.scheme() == "http";
        if !(url.scheme() == "https" || plain)
            || url.host_str().is_none_or(str::is_empty)
            || url.query().is_some()
            || self.domain.contains(char::is_whitespace)
        {
            return Err(bad(
                "domain",
                format!(
                    "\"{}\" is not a URL like https://PREFIX.auth.REGION.amazoncognito.com",
                    self.domain
                ),
            ));
        }
        if plain && !is_loopback(&self.domain) {
            return Err(CognitoError::PlainHttp {
                field: "domain",
                url: self.domain.clone(),
            });
        }
        let scopes: Vec<&str> = self.scopes.split(' ').collect();
        if let Some(wrong) = scopes.iter().find(|s| !valid_scope(s)) {
            return Err(bad(
                "scopes",
                format!("\"{wrong}\" is not a scope (give them separated by spaces)"),
            ));
        }
        if !scopes.contains(&"openid") {
            return Err(bad(
                "scopes",
                "they must include openid: the ID token says who signed in",
            ));
        }
        if self.redirect_port == 0 {
            return Err(bad(
                "redirect port",
                "it must be a fixed port (1-65535): the pool lists the exact callback URL",
            ));
        }
        if self
            .identity_provider
            .iter()
            .chain(&self.providers)
            .any(|p| !valid_provider(p))
        {
            return Err(bad(
                "identity provider",
                "a provider name is 1 to 32 characters without spaces, as the pool lists it",
            ));
        }
        Ok(())
    }

    /// `http://127.0.0.1:PORT/callback`: what the app client must list as a callback URL.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{CALLBACK_PATH}", self.redirect_port)
    }

    /// `http://127.0.0.1:PORT/signed-out`: what the app client must list as a sign-out URL.
    pub fn logout_uri(&self) -> String {
        format!("http://127.0.0.1:{}{SIGNED_OUT_PATH}", self.redirect_port)
    }

    /// Whether the scopes include [`ADMIN_SCOPE`].
    pub fn asks_admin_scope(&self) -> bool {
        self.scopes.split(' ').any(|s| s == ADMIN_SCOPE)
    }

    /// Whether the domain is plain `http://` (to loopback: an emulator).
    pub fn uses_plain_http(&self) -> bool {
        self.domain
            .get(..7)
            .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_the_urls_the_pool_must_list() {
        let c = HostedConfig::new(" https://sesame.auth.eu-west-1.amazoncognito.com/ ").unwrap();
        assert_eq!(c.domain, "https://sesame.auth.eu-west-1.amazoncognito.com");
        assert_eq!(c.scopes, "openid email profile");
        assert_eq!(c.redirect_uri(), "http://127.0.0.1:7372/callback");
        assert_eq!(c.logout_uri(), "http://127.0.0.1:7372/signed-out");
        assert!(!c.asks_admin_scope());
        let c = c
            .with_scopes("openid  openid aws.cognito.signin.user.admin")
            .unwrap();
        assert_eq!(c.scopes, "openid aws.cognito.signin.user.admin");
        assert!(c.asks_admin_scope());
    }

    #[test]
    fn refuses_what_cannot_work() {
        let field = |r: Result<HostedConfig, CognitoError>| match r {
            Err(CognitoError::BadConfig { field, .. }) => field,
            Err(CognitoError::PlainHttp { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(HostedConfig::new("sesame.auth.example")), "domain");
        assert_eq!(field(HostedConfig::new("ftp://auth.example")), "domain");
        assert_eq!(
            field(HostedConfig::new("https://auth.example?x=1")),
            "domain"
        );
        assert!(matches!(
            HostedConfig::new("http://auth.example"),
            Err(CognitoError::PlainHttp { .. })
        ));
        HostedConfig::new("http://127.0.0.1:4566").unwrap();
        let c = HostedConfig::new("https://auth.example").unwrap();
        assert_eq!(field(c.clone().with_scopes("email profile")), "scopes");
        assert_eq!(field(c.clone().with_scopes("openid \"x\"")), "scopes");
        let mut zero = c.clone();
        zero.redirect_port = 0;
        assert_eq!(field(zero.check().map(|_| c.clone())), "redirect port");
        let mut idp = c.clone();
        idp.identity_provider = Some("My IdP".into());
        assert_eq!(field(idp.check().map(|_| c.clone())), "identity provider");
        assert_eq!(
            field(c.clone().with_providers(["Google", "bad name"])),
            "identity provider"
        );
        let offered = c.with_providers([" Google", "", "Corp", "Google"]).unwrap();
        assert_eq!(offered.providers, ["Google", "Corp"]);
    }

    #[test]
    fn old_settings_without_scopes_or_port_read_with_the_defaults() {
        let c: HostedConfig =
            serde_json::from_str(r#"{"domain": "https://auth.example"}"#).unwrap();
        assert_eq!(c.scopes, DEFAULT_SCOPES);
        assert_eq!(c.redirect_port, DEFAULT_REDIRECT_PORT);
        assert_eq!(c.identity_provider, None);
    }
}
