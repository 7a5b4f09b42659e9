//! What Sesame keeps about Cognito inside the vault (`VaultData::cognito`): the pool
//! configuration, the signed-in session's tokens, and which vault accounts hold the TOTP
//! secrets enrolled for which pool and user.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::client::CognitoClient;
use super::config::CognitoConfig;
use super::error::CognitoError;
use super::flow::EnrolledTotp;
use super::tokens::Session;
use crate::account::AccountId;
use crate::clock::{Clock, CorrectedClock, SystemClock};
use crate::vault::{Settings, Vault, VaultData};

/// Links a vault account to the pool and user whose TOTP secret it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpLink {
    /// The user pool.
    pub user_pool_id: String,
    /// `cognito:username`.
    pub username: String,
    /// The name the user signs in with.
    pub login: String,
    /// The vault account with the secret.
    pub account_id: AccountId,
    /// Cognito accepted a code from it (until then the enrollment is unfinished).
    pub verified: bool,
    /// The last time step used to answer a challenge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_step: Option<u64>,
}

impl TotpLink {
    /// Whether this link is for `name` (username or login, ignoring case) in `pool`.
    pub fn is_for(&self, pool: &str, name: &str) -> bool {
        self.user_pool_id == pool
            && (self.username.eq_ignore_ascii_case(name) || self.login.eq_ignore_ascii_case(name))
    }
}

/// Sesame's Cognito state, serialized into `VaultData::cognito`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CognitoState {
    /// The configured pool and app client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<CognitoConfig>,
    /// The signed-in session, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// Enrolled TOTP secrets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub totp: Vec<TotpLink>,
}

/// What `VaultData::cognito` holds: the typed state, or a section this version cannot
/// read, kept exactly as found (the vault still opens and saving loses nothing; reading
/// it as state is an error). Secrets in either are zeroized on drop.
#[derive(Clone, PartialEq)]
pub enum StoredCognito {
    /// The state, read.
    State(Box<CognitoState>),
    /// JSON that is not a [`CognitoState`].
    Unreadable(serde_json::Value),
}

impl Serialize for StoredCognito {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            StoredCognito::State(state) => state.serialize(serializer),
            StoredCognito::Unreadable(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for StoredCognito {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut value = serde_json::Value::deserialize(deserializer)?;
        Ok(match read_state(&mut value) {
            Some(state) => StoredCognito::State(Box::new(state)),
            None => StoredCognito::Unreadable(value),
        })
    }
}

/// The state in `value`; once read, the strings of `value` (tokens, the client secret)
/// are wiped, so only the zeroizing copies in the state remain.
fn read_state(value: &mut serde_json::Value) -> Option<CognitoState> {
    let state = CognitoState::deserialize(&*value).ok()?;
    wipe(value);
    Some(state)
}

impl std::fmt::Debug for StoredCognito {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoredCognito::State(state) => f.debug_tuple("State").field(state).finish(),
            StoredCognito::Unreadable(_) => f.write_str("Unreadable(<redacted>)"),
        }
    }
}

/// Zeroizes every string in `value` (tokens or a secret may be among them).
fn wipe(value: &mut serde_json::Value) {
    use zeroize::Zeroize;
    match value {
        serde_json::Value::String(text) => text.zeroize(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(wipe),
        serde_json::Value::Object(map) => map.values_mut().for_each(wipe),
        _ => {}
    }
}

impl Drop for StoredCognito {
    fn drop(&mut self) {
        if let StoredCognito::Unreadable(value) = self {
            wipe(value);
        }
    }
}

impl CognitoState {
    /// The state in `data` (empty when there is none).
    /// A section this version cannot read is [`CognitoError::StateUnreadable`] (not the
    /// serde message: it may quote a token).
    pub fn load(data: &VaultData) -> Result<Self, CognitoError> {
        match &data.cognito {
            None => Ok(CognitoState::default()),
            Some(StoredCognito::State(state)) => Ok(CognitoState::clone(state)),
            Some(StoredCognito::Unreadable(value)) => {
                CognitoState::deserialize(value).map_err(|_| CognitoError::StateUnreadable)
            }
        }
    }

    /// Writes the state back into `data` (an empty state leaves the field absent).
    pub fn save(self, data: &mut VaultData) {
        data.cognito = if self == CognitoState::default() {
            None
        } else {
            Some(StoredCognito::State(Box::new(self)))
        };
    }

    /// The configuration, or [`CognitoError::NotConfigured`].
    pub fn config(&self) -> Result<&CognitoConfig, CognitoError> {
        self.config.as_ref().ok_or(CognitoError::NotConfigured)
    }

    /// The link for `name` in `pool`, if any.
    pub fn link(&self, pool: &str, name: &str) -> Option<&TotpLink> {
        self.totp.iter().find(|l| l.is_for(pool, name))
    }

    /// The verified TOTP secrets of `pool` whose accounts are still in the vault.
    pub fn enrolled(&self, data: &VaultData, pool: &str) -> Vec<EnrolledTotp> {
        self.totp
            .iter()
            .filter(|l| l.verified && l.user_pool_id == pool)
            .filter_map(|l| {
                let stored = data.accounts.iter().find(|a| a.id == l.account_id)?;
                Some(EnrolledTotp {
                    username: l.username.clone(),
                    login: l.login.clone(),
                    account_id: l.account_id.clone(),
                    otp: stored.account.otp().ok()?,
                    last_step: l.last_step,
                })
            })
            .collect()
    }
}

/// Loads the state, lets `change` edit it (and the rest of the vault), and saves both in
/// one [`Vault::update`].
pub fn update<T>(
    vault: &mut Vault,
    change: impl FnOnce(&mut CognitoState, &mut VaultData) -> Result<T, CognitoError>,
) -> Result<T, CognitoError> {
    vault.try_update(|data| {
        let mut state = CognitoState::load(data)?;
        let value = change(&mut state, data)?;
        state.save(data);
        Ok(value)
    })
}

/// The clock for Cognito: the system clock, plus the measured offset when the user turned
/// time correction on.
pub fn clock_for(settings: &Settings) -> Arc<dyn Clock> {
    let clock = CorrectedClock::new(SystemClock);
    if settings.time_correction {
        clock.set_offset_ms(settings.clock_offset_ms);
    }
    Arc::new(clock)
}

/// A client for the pool configured in the vault, on the vault's clock.
pub fn client(data: &VaultData) -> Result<CognitoClient, CognitoError> {
    let state = CognitoState::load(data)?;
    CognitoClient::new(state.config()?.clone(), clock_for(&data.settings))
}

/// What [`configure`] changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Configured {
    /// A session for another pool or app client was dropped (its tokens cannot be used
    /// with the new one).
    pub dropped_session: bool,
}

/// Stores a (checked) configuration; drops the session if it belonged to another pool or
/// app client. Enrolled TOTP links stay: they are per pool.
pub fn configure(vault: &mut Vault, config: CognitoConfig) -> Result<Configured, CognitoError> {
    config.check()?;
    update(vault, |state, _| {
        let same = state
            .config
            .as_ref()
            .is_some_and(|c| c.same_client(&config));
        let dropped_session = !same && state.session.take().is_some();
        state.config = Some(config);
        Ok(Configured { dropped_session })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Account;
    use crate::otp::Params;
    use crate::secret::Secret;
    use crate::vault::Added;

    #[test]
    fn the_clock_applies_the_offset_only_when_correction_is_on() {
        let mut settings = Settings {
            clock_offset_ms: 3_600_000,
            ..Settings::default()
        };
        let system = SystemClock.now_ms();
        assert!(clock_for(&settings).now_ms() < system + 60_000);
        settings.time_correction = true;
        assert!(clock_for(&settings).now_ms() >= system + 3_600_000);
    }

    #[test]
    fn empty_state_leaves_the_vault_field_absent() {
        let mut data = VaultData::default();
        let state = CognitoState::load(&data).unwrap();
        assert_eq!(state, CognitoState::default());
        state.save(&mut data);
        assert!(data.cognito.is_none());
    }

    /// The `cognito` section as this version writes it (and versions before it, when it
    /// was kept as untyped JSON): every field, secrets included.
    const TODAY: &str = r#"{
        "accounts": [],
        "cognito": {
            "config": {
                "region": "eu-west-1",
                "user_pool_id": "eu-west-1_AbC123",
                "client_id": "client123",
                "client_secret": "hunter2-secret",
                "endpoint": "http://127.0.0.1:4566"
            },
            "session": {
                "tokens": {"id": "eyJ.id", "access": "eyJ.access", "refresh": "opaque-refresh"},
                "username": "4f0c-uuid",
                "sub": "4f0c-uuid",
                "login": "alice@example.com",
                "id_expires_at": 2000,
                "access_expires_at": 1900,
                "issued_at": 100,
                "clock_drift_secs": -3
            },
            "totp": [{
                "user_pool_id": "eu-west-1_AbC123",
                "username": "4f0c-uuid",
                "login": "alice@example.com",
                "account_id": "0123456789abcdef0123456789abcdef",
                "verified": true,
                "last_step": 58000000
            }]
        }
    }"#;

    /// Issue 12 finding 6: the JSON a vault's Cognito section is parsed through keeps no
    /// token or client secret once the typed (zeroizing) state is read from it.
    #[test]
    fn reading_the_state_wipes_the_json_it_came_from() {
        let data: serde_json::Value = serde_json::from_str(TODAY).unwrap();
        let mut section = data["cognito"].clone();
        let state = read_state(&mut section).unwrap();
        let left = section.to_string();
        for secret in ["hunter2-secret", "eyJ.id", "eyJ.access", "opaque-refresh"] {
            assert!(!left.contains(secret), "{left}");
        }
        let config = state.config.as_ref().unwrap();
        assert_eq!(
            config.client_secret.as_ref().map(|s| s.expose()),
            Some("hunter2-secret")
        );
        let shown = format!("{state:?}");
        for secret in ["hunter2-secret", "eyJ.id", "eyJ.access", "opaque-refresh"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        // A section this version cannot read is kept as found (and wiped when dropped).
        let mut odd = serde_json::json!({"config": 5, "session": {"refresh": "r"}});
        assert!(read_state(&mut odd).is_none());
        assert_eq!(odd["session"]["refresh"], "r");
    }

    #[test]
    fn the_section_written_today_is_read_typed_and_written_back_the_same() {
        let data: VaultData = serde_json::from_str(TODAY).unwrap();
        assert!(matches!(data.cognito, Some(StoredCognito::State(_))));
        let state = CognitoState::load(&data).unwrap();
        let config = state.config.as_ref().unwrap();
        assert_eq!(config.user_pool_id, "eu-west-1_AbC123");
        assert_eq!(
            config.client_secret.as_ref().map(|s| s.expose()),
            Some("hunter2-secret")
        );
        let session = state.session.as_ref().unwrap();
        assert_eq!(session.tokens.access.expose(), "eyJ.access");
        assert_eq!(session.clock_drift_secs, -3);
        assert_eq!(state.totp[0].last_step, Some(58_000_000));
        assert!(!format!("{:?}", data.cognito).contains("hunter2"));
        let again = serde_json::to_value(&data).unwrap();
        let before: serde_json::Value = serde_json::from_str(TODAY).unwrap();
        assert_eq!(again["cognito"], before["cognito"]);
    }

    #[test]
    fn an_unreadable_section_keeps_the_vault_open_and_is_kept_as_found() {
        let text = r#"{"accounts": [], "cognito": {"config": 7, "session": {"refresh": "eyJ-x"}}}"#;
        let data: VaultData = serde_json::from_str(text).unwrap();
        assert!(matches!(
            CognitoState::load(&data),
            Err(CognitoError::StateUnreadable)
        ));
        assert!(!format!("{:?}", data.cognito).contains("eyJ-x"));
        let again = serde_json::to_value(&data).unwrap();
        assert_eq!(
            again["cognito"],
            serde_json::json!({"config": 7, "session": {"refresh": "eyJ-x"}})
        );
    }

    #[test]
    fn an_unreadable_section_is_an_error_of_its_own_that_quotes_nothing_from_it() {
        // serde's message would quote the string: `invalid type: string "eyJ…"`.
        let text = r#"{"accounts": [], "cognito": {"session": "eyJ-secret-token"}}"#;
        let data: VaultData = serde_json::from_str(text).unwrap();
        let error = CognitoState::load(&data).unwrap_err();
        assert!(matches!(error, CognitoError::StateUnreadable));
        assert!(!error.to_string().contains("eyJ"), "{error}");
        assert!(!error.to_string().contains("backup"), "{error}");
    }

    #[test]
    fn enrolled_lists_verified_links_whose_accounts_exist() {
        let mut data = VaultData::default();
        let Added::New(id) = data.add(
            Account {
                issuer: Some("Cognito (eu-west-1_X)".into()),
                name: "alice".into(),
                secret: Secret::from_bytes(vec![1; 20]),
                params: Params::default(),
            },
            0,
        ) else {
            panic!()
        };
        let link = |verified, account_id: AccountId| TotpLink {
            user_pool_id: "eu-west-1_X".into(),
            username: "alice".into(),
            login: "alice@example.com".into(),
            account_id,
            verified,
            last_step: Some(5),
        };
        let state = CognitoState {
            config: None,
            session: None,
            totp: vec![
                link(true, id.clone()),
                link(false, id.clone()),
                link(true, AccountId::generate()),
            ],
        };
        let enrolled = state.enrolled(&data, "eu-west-1_X");
        assert_eq!(enrolled.len(), 1);
        assert_eq!(enrolled[0].account_id, id);
        assert_eq!(enrolled[0].last_step, Some(5));
        assert!(state.enrolled(&data, "eu-west-1_Y").is_empty());
        assert!(state.link("eu-west-1_X", "ALICE@example.com").is_some());
    }
}
