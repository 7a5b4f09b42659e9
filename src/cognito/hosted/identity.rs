//! Who signed in, from the verified ID token alone: a session from the hosted page has an
//! access token without [`ADMIN_SCOPE`] unless it was asked for, and Cognito refuses such
//! a token for `GetUser` and the MFA calls.

use serde_json::Value;

use super::config::ADMIN_SCOPE;
use crate::cognito::verify::Claims;

/// One identity provider a federated user signed in through (the ID token's
/// `identities` claim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FederatedIdentity {
    /// The provider's name in the pool (`Google`, an OIDC or SAML provider's name).
    pub provider_name: String,
    /// `OIDC`, `SAML`, `Google`, …
    pub provider_type: Option<String>,
    /// The user's id at the provider.
    pub user_id: Option<String>,
}

/// The providers in the `identities` claim (an array, or JSON text holding one).
pub fn identities(id: &Claims) -> Vec<FederatedIdentity> {
    let list = match id.all().get("identities") {
        Some(Value::Array(list)) => list.clone(),
        Some(Value::String(text)) => match serde_json::from_str(text) {
            Ok(Value::Array(list)) => list,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    list.iter()
        .filter_map(|entry| {
            Some(FederatedIdentity {
                provider_name: text(entry, "providerName")?,
                provider_type: text(entry, "providerType"),
                user_id: text(entry, "userId"),
            })
        })
        .collect()
}

/// Whether an access token with these claims may call the user pool's own API
/// (`GetUser`, the MFA calls): its `scope` includes [`ADMIN_SCOPE`].
pub fn can_call_user_api(access: &Claims) -> bool {
    access
        .str("scope")
        .is_some_and(|scope| scope.split(' ').any(|s| s == ADMIN_SCOPE))
}

/// The user attributes in the ID token: every string claim that is not about the token
/// itself.
pub fn attributes(id: &Claims) -> Vec<(String, String)> {
    const ABOUT_THE_TOKEN: &[&str] = &[
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "nonce",
        "token_use",
        "jti",
        "origin_jti",
        "at_hash",
        "event_id",
    ];
    id.all()
        .iter()
        .filter(|(name, _)| !ABOUT_THE_TOKEN.contains(&name.as_str()))
        .filter_map(|(name, value)| match value {
            Value::String(s) => Some((name.clone(), s.clone())),
            Value::Bool(b) => Some((name.clone(), b.to_string())),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_provider_comes_from_the_identities_claim_in_either_form() {
        let entry = json!({"providerName": "CorpIdP", "providerType": "OIDC", "userId": "alice", "primary": "true"});
        let as_array = Claims::unverified(json!({"identities": [entry.clone()]}));
        let as_text = Claims::unverified(json!({"identities": json!([entry]).to_string()}));
        for claims in [as_array, as_text] {
            assert_eq!(
                identities(&claims),
                vec![FederatedIdentity {
                    provider_name: "CorpIdP".into(),
                    provider_type: Some("OIDC".into()),
                    user_id: Some("alice".into()),
                }]
            );
        }
        assert!(identities(&Claims::unverified(json!({"sub": "x"}))).is_empty());
    }

    #[test]
    fn only_the_admin_scope_opens_the_user_api() {
        let scope = |s: &str| Claims::unverified(json!({"scope": s}));
        assert!(!can_call_user_api(&scope("openid email profile")));
        assert!(can_call_user_api(&scope(
            "openid aws.cognito.signin.user.admin"
        )));
        assert!(!can_call_user_api(&Claims::unverified(json!({}))));
    }

    #[test]
    fn attributes_leave_out_what_describes_the_token() {
        let claims = Claims::unverified(json!({
            "sub": "s", "email": "a@example.com", "email_verified": true,
            "iss": "i", "aud": "c", "nonce": "n", "exp": 1, "cognito:groups": ["g"]
        }));
        let mut names: Vec<String> = attributes(&claims).into_iter().map(|(n, _)| n).collect();
        names.sort();
        assert_eq!(names, ["email", "email_verified", "sub"]);
    }
}
