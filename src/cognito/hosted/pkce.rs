//! The secrets of one authorization request: the PKCE pair (RFC 7636, S256 only, as
//! Cognito supports), `state` (ties the answer to this request) and `nonce` (ties the ID
//! token to it). All random from the OS; the verifier is zeroized.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A random, URL-safe token of `bytes` random bytes (Base64url, no padding).
pub fn random_token(bytes: usize) -> Zeroizing<String> {
    let mut raw = Zeroizing::new(vec![0u8; bytes]);
    getrandom::fill(&mut raw).expect("the operating system's random number generator failed");
    Zeroizing::new(URL_SAFE_NO_PAD.encode(&*raw))
}

/// A PKCE code verifier and its S256 challenge.
pub struct Pkce {
    verifier: Zeroizing<String>,
    challenge: String,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("challenge", &self.challenge)
            .finish_non_exhaustive()
    }
}

impl Pkce {
    /// A fresh pair: 32 random bytes make a 43-character verifier (RFC 7636's minimum
    /// length, 256 bits).
    pub fn generate() -> Pkce {
        Pkce::from_verifier(random_token(32))
    }

    fn from_verifier(verifier: Zeroizing<String>) -> Pkce {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }

    /// `code_verifier`, sent only to the token endpoint.
    pub fn verifier(&self) -> &str {
        &self.verifier
    }

    /// `code_challenge` (S256), sent in the authorize URL.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_matches_rfc_7636_appendix_b() {
        let pkce = Pkce::from_verifier(Zeroizing::new(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
        ));
        assert_eq!(
            pkce.challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(!format!("{pkce:?}").contains("dBjftJeZ"));
    }

    #[test]
    fn verifiers_are_long_random_and_url_safe() {
        let a = Pkce::generate();
        let b = Pkce::generate();
        assert_ne!(a.verifier(), b.verifier());
        assert_eq!(a.verifier().len(), 43);
        assert!(
            a.verifier()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_eq!(random_token(16).len(), 22);
    }
}
