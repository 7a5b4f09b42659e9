//! One redacted string for every secret text Cognito hands out or needs: tokens (JWTs,
//! the opaque refresh token) and the app client secret. Zeroized on drop, never shown by
//! `Debug`, serialized as the plain string (the vault stores it encrypted).

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A secret string: zeroized on drop, `Debug` shows only that it is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(Zeroizing<String>);

impl Redacted {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Redacted(Zeroizing::new(secret.into()))
    }

    /// The secret itself, to send to Cognito or an API.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl Serialize for Redacted {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Redacted {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Redacted::new)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redacted(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_kept_but_never_shown() {
        let secret = Redacted::new("hunter2");
        assert_eq!(secret.expose(), "hunter2");
        assert!(!format!("{secret:?}").contains("hunter2"));
        let json = serde_json::to_string(&secret).unwrap();
        assert_eq!(json, "\"hunter2\"");
        assert_eq!(serde_json::from_str::<Redacted>(&json).unwrap(), secret);
    }
}
