//! The user pool's signing keys (JWKS), fetched over HTTPS (plain HTTP only to a loopback
//! address, for emulators; no redirects followed), cached by `kid`. A token with
//! an unknown `kid` triggers a refetch (keys rotate), but at most once per
//! [`REFETCH_INTERVAL`], so a flood of forged tokens cannot make Sesame hammer the endpoint.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use serde::Deserialize;

use super::verify::TokenError;

/// The least time between two fetches caused by unknown key ids.
pub const REFETCH_INTERVAL: Duration = Duration::from_secs(10);
/// A JWKS larger than this is not a user pool's.
const MAX_JWKS_BYTES: usize = 256 * 1024;
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);
/// RSA keys shorter than this are not trusted to sign tokens.
const MIN_RSA_BITS: usize = 2048;

#[derive(Deserialize)]
struct JwkSet {
    keys: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct RsaJwk {
    kid: String,
    kty: String,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default, rename = "use")]
    use_: Option<String>,
    n: String,
    e: String,
}

struct State {
    keys: HashMap<String, Arc<DecodingKey>>,
    last_fetch: Option<Instant>,
    fetches: u64,
}

/// A cached JWKS at one URL. Cheap to share (`Arc`); safe to use from many tasks.
pub struct Jwks {
    url: String,
    /// The HTTP client, or why it could not be set up (reported when keys are needed).
    http: Result<reqwest::Client, String>,
    state: tokio::sync::Mutex<State>,
    refetch_interval: Duration,
}

impl std::fmt::Debug for Jwks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jwks")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Jwks {
    /// A cache for the JWKS at `url`; nothing is fetched until a key is needed.
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_refetch_interval(url, REFETCH_INTERVAL)
    }

    /// Like [`Jwks::new`] with another limit on refetches (tests).
    pub fn with_refetch_interval(url: impl Into<String>, refetch_interval: Duration) -> Self {
        let url = url.into();
        let loopback = super::config::is_loopback(&url);
        let http = if loopback
            || url
                .get(..8)
                .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
        {
            reqwest::Client::builder()
                .timeout(FETCH_TIMEOUT)
                .connect_timeout(Duration::from_secs(5))
                // A redirect could lead off HTTPS or to keys the pool never published.
                .redirect(reqwest::redirect::Policy::none())
                .https_only(!loopback)
                .build()
                .map_err(|e| describe(&e))
        } else {
            Err("plain HTTP is only allowed to a loopback address; use https://".into())
        };
        Jwks {
            url,
            http,
            state: tokio::sync::Mutex::new(State {
                keys: HashMap::new(),
                last_fetch: None,
                fetches: 0,
            }),
            refetch_interval,
        }
    }

    /// Where the keys come from.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// How many times the JWKS has been fetched.
    pub async fn fetches(&self) -> u64 {
        self.state.lock().await.fetches
    }

    /// The key named `kid`: from the cache, else from a refetch if none was made within
    /// the refetch interval.
    pub async fn key(&self, kid: &str) -> Result<Arc<DecodingKey>, TokenError> {
        let mut state = self.state.lock().await;
        if let Some(key) = state.keys.get(kid) {
            return Ok(key.clone());
        }
        let recently = state
            .last_fetch
            .is_some_and(|at| at.elapsed() < self.refetch_interval);
        if recently {
            return Err(TokenError::UnknownKey {
                kid: printable(kid),
            });
        }
        let keys = self.fetch().await?;
        state.fetches += 1;
        state.last_fetch = Some(Instant::now());
        state.keys = keys;
        state
            .keys
            .get(kid)
            .cloned()
            .ok_or_else(|| TokenError::UnknownKey {
                kid: printable(kid),
            })
    }

    async fn fetch(&self) -> Result<HashMap<String, Arc<DecodingKey>>, TokenError> {
        let failed = |reason: String| TokenError::Jwks {
            url: self.url.clone(),
            reason,
        };
        let http = self.http.as_ref().map_err(|e| failed(e.clone()))?;
        let mut response = http
            .get(&self.url)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| failed(describe(&e)))?;
        if !response.status().is_success() {
            return Err(failed(format!("HTTP status {}", response.status())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| failed(describe(&e)))? {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(failed(format!("larger than {MAX_JWKS_BYTES} bytes")));
            }
            body.extend_from_slice(&chunk);
        }
        parse(&body).map_err(failed)
    }
}

/// The RSA signing keys in a JWKS document, by `kid`. Other keys are skipped.
pub(crate) fn parse(body: &[u8]) -> Result<HashMap<String, Arc<DecodingKey>>, String> {
    let set: JwkSet =
        serde_json::from_slice(body).map_err(|e| format!("not a JWKS document: {e}"))?;
    let mut keys = HashMap::new();
    for value in set.keys {
        let Ok(jwk) = serde_json::from_value::<RsaJwk>(value) else {
            continue;
        };
        let signing = jwk.kty == "RSA"
            && jwk.use_.as_deref().is_none_or(|u| u == "sig")
            && jwk.alg.as_deref().is_none_or(|a| a == "RS256");
        if !signing {
            continue;
        }
        if rsa_bits(&jwk.n) < MIN_RSA_BITS {
            continue;
        }
        if let Ok(key) = DecodingKey::from_rsa_components(&jwk.n, &jwk.e) {
            keys.insert(jwk.kid, Arc::new(key));
        }
    }
    if keys.is_empty() {
        return Err("it holds no RS256 signing key".into());
    }
    Ok(keys)
}

/// The length in bits of a base64url modulus (0 when it does not decode).
fn rsa_bits(n: &str) -> usize {
    use base64::Engine as _;
    let Ok(bytes) =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(n.trim_end_matches('='))
    else {
        return 0;
    };
    match bytes.iter().position(|&b| b != 0) {
        Some(first) => (bytes.len() - first) * 8 - bytes[first].leading_zeros() as usize,
        None => 0,
    }
}

/// A `kid` as it may appear in a message: printable and short.
fn printable(kid: &str) -> String {
    kid.chars().filter(|c| !c.is_control()).take(80).collect()
}

fn describe(e: &reqwest::Error) -> String {
    let mut current: &dyn std::error::Error = e;
    while let Some(next) = current.source() {
        current = next;
    }
    if e.is_timeout() {
        "no answer in time".into()
    } else {
        current.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use base64::Engine as _;

    /// A base64url modulus of `bits` bits (top bit set).
    fn modulus(bits: usize) -> String {
        let mut bytes = vec![0xA5u8; bits.div_ceil(8)];
        bytes[0] = 0xFF >> (bytes.len() * 8 - bits);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }

    #[test]
    fn keeps_only_rsa_signing_keys() {
        let n = modulus(2048);
        let doc = format!(
            r#"{{"keys":[
            {{"kid":"a","kty":"RSA","alg":"RS256","use":"sig","n":"{n}","e":"AQAB"}},
            {{"kid":"b","kty":"RSA","use":"enc","n":"{n}","e":"AQAB"}},
            {{"kid":"c","kty":"EC","crv":"P-256","x":"x","y":"y"}},
            {{"kid":"d","kty":"RSA","alg":"RS512","n":"{n}","e":"AQAB"}},
            {{"kid":"e","kty":"RSA","n":"{n}","e":"AQAB"}},
            "junk"
        ]}}"#
        );
        let keys = parse(doc.as_bytes()).unwrap();
        let mut kids: Vec<_> = keys.keys().cloned().collect();
        kids.sort();
        assert_eq!(kids, ["a", "e"]);
        assert!(parse(b"{}").is_err());
        assert!(parse(br#"{"keys":[]}"#).is_err());
        assert!(parse(b"<html>").is_err());
    }

    #[test]
    fn rsa_keys_under_2048_bits_are_refused() {
        assert_eq!(rsa_bits(&modulus(2048)), 2048);
        assert_eq!(rsa_bits(&modulus(2047)), 2047);
        // A leading zero byte (as some encoders write) does not count.
        let mut padded = vec![0u8];
        padded.extend(vec![0x80u8; 255]);
        assert_eq!(
            rsa_bits(&base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(padded)),
            2040
        );
        let doc = |bits: usize| {
            format!(
                r#"{{"keys":[{{"kid":"k","kty":"RSA","alg":"RS256","n":"{}","e":"AQAB"}}]}}"#,
                modulus(bits)
            )
        };
        assert!(parse(doc(1024).as_bytes()).is_err());
        assert!(parse(doc(2047).as_bytes()).is_err());
        assert!(parse(doc(2048).as_bytes()).is_ok());
        assert!(parse(doc(4096).as_bytes()).is_ok());
    }
}
