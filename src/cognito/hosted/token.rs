//! The code exchange at the token endpoint (`grant_type=authorization_code` with the PKCE
//! verifier; the client secret, when the app client has one, by HTTP Basic as RFC 6749
//! section 2.3.1 writes it), and its errors.

use base64::Engine as _;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::endpoints::{http_client, root_cause};
use super::error::{HostedError, clean};
use crate::cognito::config::{CognitoConfig, is_loopback};
use crate::cognito::tokens::Token;

/// A token endpoint answer larger than this is not Cognito's.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The tokens the token endpoint issued (not verified yet).
pub struct Issued {
    /// The ID token.
    pub id: Token,
    /// The access token.
    pub access: Token,
    /// The refresh token, when issued.
    pub refresh: Option<Token>,
}

#[derive(Deserialize)]
struct Answer {
    id_token: Option<Token>,
    access_token: Option<Token>,
    refresh_token: Option<Token>,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: String,
    error_description: Option<String>,
}

/// `Basic base64(urlencode(id):urlencode(secret))`.
fn basic_auth(client_id: &str, secret: &str) -> Zeroizing<String> {
    let pair = Zeroizing::new(format!(
        "{}:{}",
        utf8_percent_encode(client_id, NON_ALPHANUMERIC),
        utf8_percent_encode(secret, NON_ALPHANUMERIC)
    ));
    Zeroizing::new(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair.as_bytes())
    ))
}

/// Exchanges `code` at `token_endpoint` for tokens.
pub async fn exchange(
    config: &CognitoConfig,
    token_endpoint: &str,
    code: &str,
    redirect_uri: &str,
    code_verifier: &str,
) -> Result<Issued, HostedError> {
    let http = http_client(is_loopback(token_endpoint))?;
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", config.client_id.as_str()),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", code_verifier),
    ];
    let mut request = http
        .post(token_endpoint)
        .header("Accept", "application/json")
        .form(&form);
    if let Some(secret) = &config.client_secret {
        request = request.header(
            "Authorization",
            basic_auth(&config.client_id, secret.expose()).as_str(),
        );
    }
    let unreachable = |e: reqwest::Error| HostedError::Unreachable {
        url: clean(token_endpoint),
        reason: root_cause(&e),
    };
    let response = request.send().await.map_err(unreachable)?;
    let status = response.status();
    let body = response.bytes().await.map_err(unreachable)?;
    let not_tokens = |reason: String| HostedError::NotTokens {
        url: clean(token_endpoint),
        reason,
    };
    if body.len() > MAX_ANSWER_BYTES {
        return Err(not_tokens("the answer is far too long".into()));
    }
    if !status.is_success() {
        return Err(match serde_json::from_slice::<ErrorAnswer>(&body) {
            Ok(e) => refused(e),
            Err(_) => not_tokens(format!("HTTP {status}")),
        });
    }
    let answer: Answer = serde_json::from_slice(&body)
        .map_err(|_| not_tokens("the answer is not JSON with tokens".into()))?;
    let (Some(id), Some(access)) = (answer.id_token, answer.access_token) else {
        return Err(not_tokens(
            "no ID token or no access token (the scopes must include openid)".into(),
        ));
    };
    Ok(Issued {
        id,
        access,
        refresh: answer.refresh_token,
    })
}

/// The token endpoint's error as what a person can act on.
fn refused(e: ErrorAnswer) -> HostedError {
    let description = e.error_description.as_deref().map(clean);
    match e.error.as_str() {
        "invalid_grant" => HostedError::CodeRefused {
            description: description.unwrap_or_else(|| "invalid_grant".into()),
        },
        "invalid_client" | "unauthorized_client" => HostedError::ClientRefused,
        other => HostedError::TokenEndpoint {
            error: clean(other),
            description,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_encodes_the_pair_first() {
        // RFC 6749 2.3.1: form-urlencoded, then Base64. "a+b/c" -> "a%2Bb%2Fc".
        let header = basic_auth("client1", "a+b/c");
        let encoded = header.strip_prefix("Basic ").unwrap();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap();
        assert_eq!(decoded, b"client1:a%2Bb%2Fc");
    }

    #[test]
    fn token_endpoint_errors_say_what_happened() {
        let e = |error: &str, d: Option<&str>| {
            refused(ErrorAnswer {
                error: error.into(),
                error_description: d.map(Into::into),
            })
        };
        assert!(matches!(
            e("invalid_grant", Some("Invalid or expired authorization code.")),
            HostedError::CodeRefused { description } if description.contains("expired")
        ));
        assert_eq!(e("invalid_client", None), HostedError::ClientRefused);
        assert_eq!(
            e("server_error", Some("boom\u{7}")).to_string(),
            "the token endpoint refused: server_error (boom)"
        );
    }
}
