//! The authorize request (the URL the browser opens) and the answer the hosted page sends
//! the browser back with: `?code=…&state=…`, or `?error=…&error_description=…`.

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::error::{HostedError, clean};
use super::pkce::{Pkce, random_token};

/// One authorization request and the secrets that must come back with its answer.
#[derive(Debug)]
pub struct AuthorizeRequest {
    url: String,
    redirect_uri: String,
    state: Zeroizing<String>,
    nonce: Zeroizing<String>,
    pkce: Pkce,
}

impl AuthorizeRequest {
    /// A request to `authorize_endpoint` for `client_id`, answered at `redirect_uri`,
    /// with fresh PKCE, `state` and `nonce`; `identity_provider` skips the hosted form.
    pub fn new(
        authorize_endpoint: &str,
        client_id: &str,
        redirect_uri: &str,
        scopes: &str,
        identity_provider: Option<&str>,
    ) -> Result<AuthorizeRequest, HostedError> {
        let pkce = Pkce::generate();
        let state = random_token(32);
        let nonce = random_token(32);
        let mut url =
            reqwest::Url::parse(authorize_endpoint).map_err(|_| HostedError::InsecureEndpoint {
                what: "authorization",
                url: clean(authorize_endpoint),
            })?;
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", "code")
                .append_pair("client_id", client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("scope", scopes)
                .append_pair("state", &state)
                .append_pair("nonce", &nonce)
                .append_pair("code_challenge", pkce.challenge())
                .append_pair("code_challenge_method", "S256");
            if let Some(provider) = identity_provider {
                query.append_pair("identity_provider", provider);
            }
        }
        Ok(AuthorizeRequest {
            url: url.into(),
            redirect_uri: redirect_uri.to_owned(),
            state,
            nonce,
            pkce,
        })
    }

    /// The URL to open in the browser.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The redirect URI (sent again with the code).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The `nonce` the ID token must carry.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// The PKCE verifier for the token endpoint.
    pub fn code_verifier(&self) -> &str {
        self.pkce.verifier()
    }

    /// The authorization code from the query of the redirect (`code=…&state=…`), once its
    /// `state` is this request's; the hosted page's `error=` as [`HostedError::Denied`].
    pub fn code_from(&self, query: &str) -> Result<Zeroizing<String>, HostedError> {
        let mut code = None;
        let mut state = None;
        let mut error = None;
        let mut description = None;
        for (name, value) in form_urlencoded_pairs(query) {
            match name.as_str() {
                "code" => code = Some(value),
                "state" => state = Some(value),
                "error" => error = Some(value),
                "error_description" => description = Some(value),
                _ => {}
            }
        }
        match &state {
            None if error.is_none() => {
                return Err(HostedError::StateMismatch { found: "missing" });
            }
            Some(state) if !bool::from(state.as_bytes().ct_eq(self.state.as_bytes())) => {
                return Err(HostedError::StateMismatch { found: "different" });
            }
            _ => {}
        }
        if let Some(error) = error {
            return Err(HostedError::Denied {
                error: clean(&error),
                description: description.map(|d| clean(&d)),
            });
        }
        code.filter(|c| !c.is_empty()).ok_or(HostedError::NoCode)
    }
}

/// `application/x-www-form-urlencoded` pairs, values zeroized on drop.
fn form_urlencoded_pairs(query: &str) -> Vec<(String, Zeroizing<String>)> {
    // The url crate's parser, on a dummy base: it decodes `+` and percent-escapes.
    let Ok(url) = reqwest::Url::parse(&format!("http://x/?{query}")) else {
        return Vec::new();
    };
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), Zeroizing::new(v.into_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> AuthorizeRequest {
        AuthorizeRequest::new(
            "https://auth.example/oauth2/authorize",
            "client1",
            "http://127.0.0.1:7372/callback",
            "openid email",
            Some("Corp IdP"),
        )
        .unwrap()
    }

    fn param(url: &str, name: &str) -> Option<String> {
        reqwest::Url::parse(url)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    #[test]
    fn the_url_carries_pkce_state_and_nonce_but_never_the_verifier() {
        let r = request();
        let url = r.url();
        assert!(url.starts_with("https://auth.example/oauth2/authorize?"));
        assert_eq!(param(url, "response_type").as_deref(), Some("code"));
        assert_eq!(param(url, "client_id").as_deref(), Some("client1"));
        assert_eq!(
            param(url, "redirect_uri").as_deref(),
            Some("http://127.0.0.1:7372/callback")
        );
        assert_eq!(param(url, "scope").as_deref(), Some("openid email"));
        assert_eq!(param(url, "code_challenge_method").as_deref(), Some("S256"));
        assert_eq!(param(url, "identity_provider").as_deref(), Some("Corp IdP"));
        assert_eq!(param(url, "nonce").as_deref(), Some(r.nonce()));
        assert!(param(url, "state").is_some_and(|s| s.len() >= 43));
        assert!(!url.contains(r.code_verifier()));
        assert_ne!(request().url(), url);
    }

    #[test]
    fn only_an_answer_with_this_state_gives_its_code() {
        let r = request();
        let state = param(r.url(), "state").unwrap();
        let code = r.code_from(&format!("code=abc%2Bd&state={state}")).unwrap();
        assert_eq!(code.as_str(), "abc+d");
        assert_eq!(
            r.code_from("code=abc").unwrap_err(),
            HostedError::StateMismatch { found: "missing" }
        );
        assert_eq!(
            r.code_from(&format!("code=abc&state={state}x"))
                .unwrap_err(),
            HostedError::StateMismatch { found: "different" }
        );
        assert_eq!(
            r.code_from(&format!("state={state}")).unwrap_err(),
            HostedError::NoCode
        );
    }

    #[test]
    fn an_error_answer_is_shown_with_its_description() {
        let r = request();
        let state = param(r.url(), "state").unwrap();
        let denied = r
            .code_from(&format!(
                "error=access_denied&error_description=User+said+no&state={state}"
            ))
            .unwrap_err();
        assert_eq!(
            denied.to_string(),
            "the hosted page refused the sign-in: access_denied (User said no)"
        );
        // Cognito's own errors may come without state.
        assert!(matches!(
            r.code_from("error=invalid_request").unwrap_err(),
            HostedError::Denied {
                description: None,
                ..
            }
        ));
        // Another sign-in's error is not this one's.
        assert!(matches!(
            r.code_from("error=access_denied&state=other").unwrap_err(),
            HostedError::StateMismatch { .. }
        ));
    }
}
