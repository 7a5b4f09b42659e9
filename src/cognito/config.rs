//! Which user pool to talk to and how: region, pool id, app client (and its secret), an
//! optional endpoint, and the issuer and JWKS URL tokens are checked against.

use serde::{Deserialize, Serialize};

use super::error::CognitoError;

/// An app client secret: kept in the vault, zeroized on drop, never shown by `Debug`.
pub type ClientSecret = super::redacted::Redacted;

/// How to reach one user pool through one app client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CognitoConfig {
    /// AWS region, e.g. `eu-west-1`.
    pub region: String,
    /// User pool id, `REGION_ID`.
    pub user_pool_id: String,
    /// App client id.
    pub client_id: String,
    /// App client secret, when the client has one (every call then carries `SECRET_HASH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<ClientSecret>,
    /// Another endpoint than `https://cognito-idp.REGION.amazonaws.com` (an emulator, a
    /// VPC endpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// Overrides the issuer tokens must name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Overrides where the pool's signing keys are fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks_url: Option<String>,
    /// Sign-in through the pool's hosted page, when its domain is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted: Option<super::hosted::HostedConfig>,
}

fn bad(field: &'static str, reason: impl Into<String>) -> CognitoError {
    CognitoError::BadConfig {
        field,
        reason: reason.into(),
    }
}

/// `eu-west-1`, `us-gov-east-1`, `ap-southeast-2`…
fn valid_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// An `http://` or `https://` URL with a host and no whitespace.
fn valid_url(url: &str) -> bool {
    !url.contains(char::is_whitespace)
        && reqwest::Url::parse(url).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
}

/// Whether `url`'s host is this machine: an address in 127.0.0.0/8, `::1`, or `localhost`.
/// The host is parsed and compared as an address, never by prefix, so
/// `http://127.attacker.example` is not loopback. The one check the CLI, the app and the
/// JWKS client share for "plain HTTP is allowed here".
pub fn is_loopback(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return false;
    };
    let Some(host) = parsed.host_str() else {
        return false;
    };
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Whether `url` is plain `http://` (any case).
fn is_plain_http(url: &str) -> bool {
    url.get(..7)
        .is_some_and(|s| s.eq_ignore_ascii_case("http://"))
}

impl CognitoConfig {
    /// A configuration with no secret, endpoint or overrides; checked.
    pub fn new(
        region: impl Into<String>,
        user_pool_id: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Result<Self, CognitoError> {
        let config = CognitoConfig {
            region: region.into().trim().to_owned(),
            user_pool_id: user_pool_id.into().trim().to_owned(),
            client_id: client_id.into().trim().to_owned(),
            client_secret: None,
            endpoint: None,
            issuer: None,
            jwks_url: None,
            hosted: None,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks every field, naming the first that is wrong.
    pub fn check(&self) -> Result<(), CognitoError> {
        if !valid_region(&self.region) {
            return Err(bad(
                "region",
                format!(
                    "\"{}\" is not an AWS region name like eu-west-1",
                    self.region
                ),
            ));
        }
        let Some((prefix, id)) = self.user_pool_id.split_once('_') else {
            return Err(bad(
                "user pool id",
                format!(
                    "\"{}\" should look like {}_AbC123xyz",
                    self.user_pool_id, self.region
                ),
            ));
        };
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(bad(
                "user pool id",
                format!(
                    "\"{}\" should look like {}_AbC123xyz",
                    self.user_pool_id, self.region
                ),
            ));
        }
        if prefix != self.region {
            return Err(CognitoError::PoolInOtherRegion {
                pool: self.user_pool_id.clone(),
                pool_region: prefix.to_owned(),
                region: self.region.clone(),
            });
        }
        let client_ok = !self.client_id.is_empty()
            && self.client_id.len() <= 128
            && self.client_id.bytes().all(|b| b.is_ascii_alphanumeric());
        if !client_ok {
            return Err(bad(
                "app client id",
                "it should be letters and digits only (up to 128), as the console shows it",
            ));
        }
        if let Some(secret) = &self.client_secret
            && secret.expose().trim().is_empty()
        {
            return Err(bad("app client secret", "it is empty"));
        }
        for (field, value) in [
            ("endpoint", &self.endpoint),
            ("issuer", &self.issuer),
            ("JWKS URL", &self.jwks_url),
        ] {
            if let Some(url) = value
                && !valid_url(url)
            {
                return Err(bad(
                    field,
                    format!("\"{url}\" is not an http:// or https:// URL"),
                ));
            }
            if let Some(url) = value
                && is_plain_http(url)
                && !is_loopback(url)
            {
                return Err(CognitoError::PlainHttp {
                    field,
                    url: url.clone(),
                });
            }
        }
        if let Some(hosted) = &self.hosted {
            hosted.check()?;
        }
        Ok(())
    }

    /// Whether any URL set is plain `http://` (to loopback, as [`check`](Self::check)
    /// allows no other): fine for an emulator, worth a visible warning.
    pub fn uses_plain_http(&self) -> bool {
        [&self.endpoint, &self.issuer, &self.jwks_url]
            .into_iter()
            .flatten()
            .any(|url| is_plain_http(url))
            || self.hosted.as_ref().is_some_and(|h| h.uses_plain_http())
    }

    /// The pool's own part of its id (after `REGION_`), which SRP hashes.
    pub fn pool_name(&self) -> &str {
        self.user_pool_id
            .split_once('_')
            .map_or(&self.user_pool_id, |(_, name)| name)
    }

    /// The issuer tokens must name: the override, else
    /// `https://cognito-idp.REGION.amazonaws.com/POOL`.
    pub fn issuer(&self) -> String {
        match &self.issuer {
            Some(issuer) => issuer.trim_end_matches('/').to_owned(),
            None => format!(
                "https://cognito-idp.{}.amazonaws.com/{}",
                self.region, self.user_pool_id
            ),
        }
    }

    /// Where the signing keys are: the override; else beside an endpoint on this machine
    /// (an emulator on a loopback address serves them there, and whoever runs it already
    /// holds this user's account); else `ISSUER/.well-known/jwks.json`. Never beside a
    /// remote endpoint: whoever answers there would then supply the keys that "verify" its
    /// own tokens.
    pub fn jwks_url(&self) -> String {
        if let Some(url) = &self.jwks_url {
            return url.clone();
        }
        match (&self.endpoint, &self.issuer) {
            (Some(endpoint), None) if is_loopback(endpoint) => format!(
                "{}/{}/.well-known/jwks.json",
                endpoint.trim_end_matches('/'),
                self.user_pool_id
            ),
            _ => format!("{}/.well-known/jwks.json", self.issuer()),
        }
    }

    /// The endpoint calls go to, for messages.
    pub fn endpoint_or_default(&self) -> String {
        match &self.endpoint {
            Some(endpoint) => endpoint.clone(),
            None => format!("https://cognito-idp.{}.amazonaws.com", self.region),
        }
    }

    /// Whether this names the same pool and app client as `other` (tokens of one are
    /// worthless to the other).
    pub fn same_client(&self, other: &CognitoConfig) -> bool {
        self.user_pool_id == other.user_pool_id
            && self.client_id == other.client_id
            && self.endpoint == other.endpoint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_issuer_and_jwks_url() {
        let mut c = CognitoConfig::new("eu-west-1", "eu-west-1_AbC123", "abc123").unwrap();
        assert_eq!(
            c.issuer(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"
        );
        assert_eq!(
            c.jwks_url(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"
        );
        assert_eq!(c.pool_name(), "AbC123");
        // The issuer stays AWS's: an emulator's tokens name it.
        assert!(c.issuer().starts_with("https://cognito-idp.eu-west-1"));
        c.jwks_url = Some("https://keys.example/jwks".into());
        assert_eq!(c.jwks_url(), "https://keys.example/jwks");
    }

    #[test]
    fn the_jwks_url_follows_the_issuer_not_the_endpoint() {
        let mut c = CognitoConfig::new("eu-west-1", "eu-west-1_AbC123", "abc123").unwrap();
        c.endpoint = Some("http://evil".into());
        assert_eq!(
            c.jwks_url(),
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json"
        );
        c.endpoint = Some("https://cognito.evil.example".into());
        assert!(c.jwks_url().starts_with("https://cognito-idp.eu-west-1."));
        c.endpoint = Some("http://127.attacker.example:4566".into());
        assert!(c.jwks_url().starts_with("https://cognito-idp.eu-west-1."));
        // An emulator on this machine serves its keys beside it.
        c.endpoint = Some("http://127.0.0.1:4566/".into());
        assert_eq!(
            c.jwks_url(),
            "http://127.0.0.1:4566/eu-west-1_AbC123/.well-known/jwks.json"
        );
        // Or names them explicitly (loopback HTTP is fine then).
        c.jwks_url = Some("http://127.0.0.1:4566/eu-west-1_AbC123/.well-known/jwks.json".into());
        c.check().unwrap();
        assert_eq!(
            c.jwks_url(),
            "http://127.0.0.1:4566/eu-west-1_AbC123/.well-known/jwks.json"
        );
    }

    #[test]
    fn loopback_is_an_address_not_a_prefix() {
        assert!(!is_loopback("http://127.attacker.example"));
        assert!(!is_loopback("http://127.0.0.1.attacker.example/"));
        assert!(!is_loopback("http://localhost.example.com"));
        assert!(!is_loopback("http://10.0.0.1:4566"));
        assert!(!is_loopback("http://[::2]:4566"));
        assert!(!is_loopback("http://user@evil.example/127.0.0.1"));
        assert!(!is_loopback("not a url"));
        assert!(is_loopback("http://127.0.0.1:4566"));
        assert!(is_loopback("http://127.8.9.10/"));
        assert!(is_loopback("http://localhost:4566/"));
        assert!(is_loopback("http://LOCALHOST"));
        assert!(is_loopback("http://[::1]:4566"));
        assert!(is_loopback("http://127.0.0.1@localhost/"));
    }

    #[test]
    fn plain_http_off_loopback_is_refused_for_every_url() {
        for field in ["endpoint", "issuer", "JWKS URL"] {
            for url in [
                "http://10.0.0.5",
                "http://127.attacker.example",
                "HTTP://evil.example/x",
            ] {
                let mut c = CognitoConfig::new("eu-west-1", "eu-west-1_AbC123", "abc123").unwrap();
                let slot = match field {
                    "endpoint" => &mut c.endpoint,
                    "issuer" => &mut c.issuer,
                    _ => &mut c.jwks_url,
                };
                *slot = Some(url.into());
                assert!(
                    matches!(c.check(), Err(CognitoError::PlainHttp { field: f, .. }) if f == field),
                    "{field} {url}: {:?}",
                    c.check()
                );
            }
        }
        let mut c = CognitoConfig::new("eu-west-1", "eu-west-1_AbC123", "abc123").unwrap();
        assert!(!c.uses_plain_http());
        c.endpoint = Some("https://vpce.example".into());
        c.check().unwrap();
        assert!(!c.uses_plain_http());
        c.endpoint = Some("http://127.0.0.1:4566".into());
        c.check().unwrap();
        assert!(c.uses_plain_http());
    }

    #[test]
    fn refuses_what_cannot_work() {
        let err = |r: &str, p: &str, c: &str| CognitoConfig::new(r, p, c).unwrap_err().to_string();
        assert!(err("eu-west", "eu-west_1", "abc").contains("region"));
        assert!(err("eu-west-1", "AbC123", "abc").contains("user pool id"));
        assert_eq!(
            err("eu-west-1", "us-east-1_AbC", "abc"),
            "the user pool us-east-1_AbC is in us-east-1, not in eu-west-1"
        );
        assert!(matches!(
            CognitoConfig::new("eu-west-1", "us-east-1_AbC", "abc"),
            Err(CognitoError::PoolInOtherRegion { pool_region, .. }) if pool_region == "us-east-1"
        ));
        assert!(err("eu-west-1", "eu-west-1_AbC", "a b").contains("app client id"));
        let mut c = CognitoConfig::new("us-gov-east-1", "us-gov-east-1_X1", "c").unwrap();
        c.endpoint = Some("localhost:4566".into());
        assert!(c.check().unwrap_err().to_string().contains("endpoint"));
        c.endpoint = None;
        c.client_secret = Some(ClientSecret::new(" "));
        assert!(c.check().is_err());
    }

    #[test]
    fn the_secret_never_shows_in_debug() {
        let mut c = CognitoConfig::new("eu-west-1", "eu-west-1_AbC123", "abc123").unwrap();
        c.client_secret = Some(ClientSecret::new("hunter2-secret"));
        assert!(!format!("{c:?}").contains("hunter2"));
        let json = serde_json::to_string(&c).unwrap();
        let back: CognitoConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
    }
}
