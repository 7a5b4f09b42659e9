//! The tokens a sign-in yields: zeroized on drop, never shown by `Debug`, and when to
//! refresh them.

use serde::{Deserialize, Serialize};

/// Refresh this long before the earlier of the ID and access token expiries.
pub const REFRESH_MARGIN_SECS: u64 = 300;

/// A token string (a JWT, or Cognito's opaque refresh token): redacted, zeroized.
pub type Token = super::redacted::Redacted;

/// ID, access and refresh tokens as Cognito issued them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// The ID token (who the user is).
    pub id: Token,
    /// The access token (what the user may do).
    pub access: Token,
    /// The refresh token; a refresh keeps the old one unless Cognito rotates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<Token>,
}

/// Tokens with what verifying them established: expiries and who they belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The tokens.
    pub tokens: Tokens,
    /// `cognito:username` (also what `SECRET_HASH` hashes on refresh).
    pub username: String,
    /// `sub`: the user's stable id.
    pub sub: String,
    /// The name the user signed in with (an alias such as an email, or the username).
    pub login: String,
    /// Unix seconds when the ID token expires.
    pub id_expires_at: u64,
    /// Unix seconds when the access token expires.
    pub access_expires_at: u64,
    /// Unix seconds the tokens were issued (`iat` of the access token).
    pub issued_at: u64,
    /// Cognito's clock minus ours when the tokens arrived, in seconds (positive: ours is
    /// behind). Expiry decisions add it to our clock.
    #[serde(default)]
    pub clock_drift_secs: i64,
    /// Signed in through the hosted page: its access token carries only the scopes asked
    /// for, and signing out also ends the hosted page's own session.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hosted: bool,
}

impl Session {
    /// The earlier expiry of the two tokens, in Cognito's time.
    pub fn expires_at(&self) -> u64 {
        self.id_expires_at.min(self.access_expires_at)
    }

    /// Our time (`now_secs`) moved to Cognito's clock.
    pub fn server_now(&self, now_secs: u64) -> u64 {
        now_secs.saturating_add_signed(self.clock_drift_secs)
    }

    /// Seconds the tokens have left at `now_secs` (0 once expired).
    pub fn expires_in(&self, now_secs: u64) -> u64 {
        self.expires_at().saturating_sub(self.server_now(now_secs))
    }

    /// Whether to refresh now: within `margin_secs` of expiry, allowing for drift.
    pub fn needs_refresh(&self, now_secs: u64, margin_secs: u64) -> bool {
        self.server_now(now_secs).saturating_add(margin_secs) >= self.expires_at()
    }

    /// Whether the tokens have expired at `now_secs` (in Cognito's time).
    pub fn expired(&self, now_secs: u64) -> bool {
        self.server_now(now_secs) >= self.expires_at()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(drift: i64) -> Session {
        Session {
            tokens: Tokens {
                id: Token::new("eyJ.id.sig"),
                access: Token::new("eyJ.access.sig"),
                refresh: Some(Token::new("opaque-refresh")),
            },
            username: "alice".into(),
            sub: "s".into(),
            login: "alice".into(),
            id_expires_at: 10_000,
            access_expires_at: 9_000,
            issued_at: 5_400,
            clock_drift_secs: drift,
            hosted: false,
        }
    }

    #[test]
    fn refresh_is_due_before_the_earlier_expiry_allowing_for_drift() {
        let s = session(0);
        assert!(!s.needs_refresh(8_000, 300));
        assert!(s.needs_refresh(8_700, 300));
        assert_eq!(s.expires_in(8_000), 1_000);
        assert!(!s.expired(8_999));
        assert!(s.expired(9_000));
        // Our clock is 10 minutes behind Cognito's: refresh earlier by that much.
        let behind = session(600);
        assert!(behind.needs_refresh(8_100, 300));
        assert_eq!(behind.expires_in(8_000), 400);
    }

    #[test]
    fn tokens_never_show_in_debug() {
        let text = format!("{:?}", session(0));
        assert!(!text.contains("eyJ"));
        assert!(!text.contains("opaque-refresh"));
    }
}
