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
use crate::vault::{Settings, Vault, VaultData, VaultError};

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

fn bad_state(e: serde_json::Error) -> VaultError {
    VaultError::BadPayload {
        reason: format!("the Cognito settings in the vault cannot be read: {e}"),
    }
}

impl CognitoState {
    /// The state in `data` (empty when there is none).
    pub fn load(data: &VaultData) -> Result<Self, VaultError> {
        match &data.cognito {
            None => Ok(CognitoState::default()),
            Some(value) => serde_json::from_value(value.clone()).map_err(bad_state),
        }
    }

    /// Writes the state back into `data`.
    pub fn save(&self, data: &mut VaultData) -> Result<(), VaultError> {
        data.cognito = if *self == CognitoState::default() {
            None
        } else {
            Some(serde_json::to_value(self).map_err(bad_state)?)
        };
        Ok(())
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
    change: impl FnOnce(&mut CognitoState, &mut VaultData) -> Result<T, VaultError>,
) -> Result<T, VaultError> {
    vault.update(|data| {
        let mut state = CognitoState::load(data)?;
        let value = change(&mut state, data)?;
        state.save(data)?;
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
    Ok(update(vault, |state, _| {
        let same = state
            .config
            .as_ref()
            .is_some_and(|c| c.same_client(&config));
        let dropped_session = !same && state.session.take().is_some();
        state.config = Some(config);
        Ok(Configured { dropped_session })
    })?)
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
        state.save(&mut data).unwrap();
        assert!(data.cognito.is_none());
        data.cognito = Some(serde_json::json!({"config": 7}));
        assert!(matches!(
            CognitoState::load(&data),
            Err(VaultError::BadPayload { .. })
        ));
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
