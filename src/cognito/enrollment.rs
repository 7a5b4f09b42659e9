//! Enrolling Sesame as the user's authenticator app: `AssociateSoftwareToken` → the secret
//! goes into the vault as an ordinary account tied to this pool and user →
//! `VerifySoftwareToken` with a code Sesame computes → `SetUserMFAPreference`. Also
//! turning it off, and the same enrollment inside a sign-in (`MFA_SETUP`). The vault is
//! reached through [`VaultAccess`], only between Cognito's answers.

use super::access::VaultAccess;
use super::client::{CognitoClient, TotpSubject};
use super::error::CognitoError;
use super::flow::{SignIn, SignInStep};
use super::session;
use super::store::{self, TotpLink};
use super::tokens::Session;
use crate::account::{Account, AccountId};
use crate::otp::{Algorithm, Otp, Params};
use crate::secret::Secret;
use crate::vault::{Added, Vault};

/// The name Cognito shows for Sesame's TOTP device.
pub const DEVICE_NAME: &str = "Sesame";

/// The issuer shown for a pool's enrolled accounts, e.g. `Cognito (eu-west-1_AbC)`.
pub fn issuer_for(user_pool_id: &str) -> String {
    format!("Cognito ({user_pool_id})")
}

/// What [`enable_totp`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// The vault account now holding the secret.
    pub account_id: AccountId,
    /// An older Sesame enrollment for the same user that this one replaced (its account
    /// was removed: Cognito no longer accepts its codes).
    pub replaced: Option<AccountId>,
    /// `SetUserMFAPreference` failed after the secret was verified: the authenticator is
    /// set up but MFA may not be on; the message says why.
    pub preference_error: Option<String>,
}

/// Cognito's TOTP: SHA-1, 6 digits, 30 seconds.
fn cognito_params() -> Params {
    Params::totp(Algorithm::SHA1, 6, 30)
}

fn otp_for(secret: &Secret) -> Result<Otp, CognitoError> {
    Otp::new(secret, cognito_params()).map_err(CognitoError::UnusableTotpSecret)
}

/// Stores a not-yet-verified secret for `username` and links it.
fn store_pending(
    vault: &mut Vault,
    pool: &str,
    username: &str,
    login: &str,
    secret: Secret,
    now_ms: u64,
) -> Result<AccountId, CognitoError> {
    let account = Account {
        issuer: Some(issuer_for(pool)),
        name: login.to_owned(),
        secret,
        params: cognito_params(),
    };
    store::update(vault, |state, data| {
        let id = match data.add(account, now_ms) {
            Added::New(id) | Added::Duplicate(id) => id,
        };
        state.totp.push(TotpLink {
            user_pool_id: pool.to_owned(),
            username: username.to_owned(),
            login: login.to_owned(),
            account_id: id.clone(),
            verified: false,
            last_step: None,
        });
        Ok(id)
    })
}

/// Marks the link verified and drops older links (and their accounts) for the same user.
fn confirm(
    vault: &mut Vault,
    pool: &str,
    account_id: &AccountId,
    step: u64,
) -> Result<Option<AccountId>, CognitoError> {
    store::update(vault, |state, data| {
        let Some(link) = state
            .totp
            .iter_mut()
            .find(|l| l.user_pool_id == pool && &l.account_id == account_id)
        else {
            return Err(CognitoError::EnrollmentVanished);
        };
        link.verified = true;
        link.last_step = Some(step);
        let username = link.username.clone();
        let mut replaced = None;
        state.totp.retain(|l| {
            let older = l.user_pool_id == pool
                && l.username.eq_ignore_ascii_case(&username)
                && &l.account_id != account_id;
            if older {
                replaced = Some(l.account_id.clone());
            }
            !older
        });
        if let Some(old) = &replaced {
            let _ = data.remove(old);
        }
        Ok(replaced)
    })
}

/// Removes a pending link and its account after a failed enrollment.
fn roll_back(vault: &mut Vault, pool: &str, account_id: &AccountId) -> Result<(), CognitoError> {
    store::update(vault, |state, data| {
        state
            .totp
            .retain(|l| !(l.user_pool_id == pool && &l.account_id == account_id));
        let _ = data.remove(account_id);
        Ok(())
    })?;
    Ok(())
}

/// Enrolls Sesame as the signed-in user's authenticator and turns TOTP MFA on.
pub async fn enable_totp(
    vault: &impl VaultAccess,
    client: &CognitoClient,
) -> Result<Enrollment, CognitoError> {
    let session = session::fresh(vault, client).await?;
    let pool = client.config().user_pool_id.clone();
    let access = &session.tokens.access;
    let (secret, _) = client
        .associate_software_token(TotpSubject::Access(access))
        .await?;
    let otp = otp_for(&secret)?;
    // The secret is saved before Cognito learns that it works: once it does, losing the
    // secret would lock the user out.
    let now_ms = client.clock().now_ms();
    let account_id = vault.with_vault(|v| {
        store_pending(v, &pool, &session.username, &session.login, secret, now_ms)
    })?;
    let step = otp.counter_at(client.clock().now_secs());
    let code = otp.code_for_counter(step);
    if let Err(e) = client
        .verify_software_token(TotpSubject::Access(access), code.as_str(), DEVICE_NAME)
        .await
    {
        vault.with_vault(|v| roll_back(v, &pool, &account_id))?;
        return Err(e);
    }
    let replaced = vault.with_vault(|v| confirm(v, &pool, &account_id, step))?;
    let preference_error = client
        .set_software_token_mfa(access, true)
        .await
        .err()
        .map(|e| e.to_string());
    Ok(Enrollment {
        account_id,
        replaced,
        preference_error,
    })
}

/// Turns TOTP MFA off for the signed-in user and forgets the link; the vault account is
/// removed too unless `keep_account`. Returns the account that held the secret.
pub async fn disable_totp(
    vault: &impl VaultAccess,
    client: &CognitoClient,
    keep_account: bool,
) -> Result<Option<AccountId>, CognitoError> {
    let session = session::fresh(vault, client).await?;
    client
        .set_software_token_mfa(&session.tokens.access, false)
        .await?;
    let pool = client.config().user_pool_id.clone();
    vault.with_vault(|v| forget_link(v, &pool, &session, keep_account))
}

/// Drops the links of the session's user in `pool` and, unless `keep_account`, their
/// accounts. Returns the account that held the secret (the verified one, if several).
fn forget_link(
    vault: &mut Vault,
    pool: &str,
    session: &Session,
    keep_account: bool,
) -> Result<Option<AccountId>, CognitoError> {
    store::update(vault, |state, data| {
        let (dropped, kept): (Vec<TotpLink>, Vec<TotpLink>) = std::mem::take(&mut state.totp)
            .into_iter()
            .partition(|l| l.is_for(pool, &session.username) || l.is_for(pool, &session.login));
        state.totp = kept;
        if !keep_account {
            for link in &dropped {
                let _ = data.remove(&link.account_id);
            }
        }
        let held = dropped
            .iter()
            .rev()
            .find(|l| l.verified)
            .or(dropped.last())
            .map(|l| l.account_id.clone());
        Ok(held)
    })
}

/// Answers a sign-in's `MFA_SETUP` by enrolling Sesame: the secret is stored in the vault,
/// proven with a computed code, and the sign-in goes on. Older enrollments of the same
/// user are removed; a failed one is rolled back.
pub async fn set_up_during_sign_in(
    vault: &impl VaultAccess,
    sign_in: &mut SignIn,
) -> Result<SignInStep, CognitoError> {
    let pending = sign_in.begin_totp_setup().await?;
    let otp = otp_for(&pending.secret)?;
    let client = sign_in.client().clone();
    let pool = client.config().user_pool_id.clone();
    let now_ms = client.clock().now_ms();
    let (user_id, login) = (sign_in.user_id(), sign_in.login());
    let account_id =
        vault.with_vault(|v| store_pending(v, &pool, user_id, login, pending.secret, now_ms))?;
    let step = otp.counter_at(client.clock().now_secs());
    match sign_in.finish_totp_setup(&otp, DEVICE_NAME).await {
        Ok(next) => {
            vault.with_vault(|v| confirm(v, &pool, &account_id, step))?;
            Ok(next)
        }
        Err(e) => {
            vault.with_vault(|v| roll_back(v, &pool, &account_id))?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app awaits these on tokio's multi-threaded runtime: they must be `Send`, for
    /// any [`VaultAccess`] (the app's locks its state for each read or write) and for the
    /// command line's `Mutex<&mut Vault>`.
    #[allow(dead_code)]
    fn futures_are_send<A: VaultAccess>(
        vault: &A,
        held: &std::sync::Mutex<&mut Vault>,
        client: &CognitoClient,
        sign_in: &mut SignIn,
    ) {
        fn send<T: Send>(_: T) {}
        send(enable_totp(vault, client));
        send(disable_totp(vault, client, false));
        send(set_up_during_sign_in(vault, sign_in));
        send(session::whoami(vault, client));
        send(session::refresh(vault, client));
        send(session::sign_out(vault, client));
        send(enable_totp(held, client));
        send(set_up_during_sign_in(held, sign_in));
        send(session::sign_out(held, client));
        send(sign_in.answer_mfa_from_vault());
    }

    #[allow(dead_code)]
    fn the_driver_is_send<A: VaultAccess>(vault: &A, driver: &mut crate::cognito::Driver) {
        fn send<T: Send>(_: T) {}
        send(driver.answer(vault, crate::cognito::Answer::SetUpMfa));
    }

    fn secret(byte: u8) -> Secret {
        Secret::from_bytes(vec![byte; 20])
    }

    fn session_of(username: &str, login: &str) -> Session {
        use super::super::tokens::{Token, Tokens};
        Session {
            tokens: Tokens {
                id: Token::new("id"),
                access: Token::new("access"),
                refresh: None,
            },
            username: username.into(),
            sub: "sub".into(),
            login: login.into(),
            id_expires_at: 0,
            access_expires_at: 0,
            issued_at: 0,
            clock_drift_secs: 0,
            hosted: false,
        }
    }

    fn links(vault: &Vault) -> Vec<TotpLink> {
        store::CognitoState::load(vault.data()).unwrap().totp
    }

    fn has_account(vault: &Vault, id: &AccountId) -> bool {
        vault.data().accounts.iter().any(|a| &a.id == id)
    }

    #[test]
    fn a_confirmed_enrollment_replaces_older_ones_and_a_failed_one_leaves_nothing() {
        let (_dir, mut vault) = super::super::access::temp_vault();
        let pool = "eu-west-1_X";
        let first = store_pending(&mut vault, pool, "u-1", "alice", secret(1), 0).unwrap();
        assert!(!links(&vault)[0].verified);
        assert_eq!(confirm(&mut vault, pool, &first, 7).unwrap(), None);
        assert_eq!(links(&vault)[0].last_step, Some(7));

        // A second enrollment of the same user replaces the first, account and all.
        let second = store_pending(&mut vault, pool, "U-1", "alice", secret(2), 0).unwrap();
        assert_eq!(
            confirm(&mut vault, pool, &second, 8).unwrap(),
            Some(first.clone())
        );
        assert!(!has_account(&vault, &first));
        assert_eq!(links(&vault).len(), 1);

        // A failed one is rolled back; the verified one stays.
        let failed = store_pending(&mut vault, pool, "u-1", "alice", secret(3), 0).unwrap();
        roll_back(&mut vault, pool, &failed).unwrap();
        assert!(!has_account(&vault, &failed));
        assert_eq!(links(&vault).len(), 1);
        assert!(matches!(
            confirm(&mut vault, pool, &failed, 9),
            Err(CognitoError::EnrollmentVanished)
        ));

        // Turning it off forgets every link of the user (and their accounts, unless kept).
        let stray = store_pending(&mut vault, pool, "u-1", "alice", secret(4), 0).unwrap();
        let other = store_pending(&mut vault, pool, "bob", "bob", secret(5), 0).unwrap();
        let held = forget_link(&mut vault, pool, &session_of("u-1", "alice"), false).unwrap();
        assert_eq!(held, Some(second.clone()));
        assert!(!has_account(&vault, &second) && !has_account(&vault, &stray));
        assert_eq!(links(&vault).len(), 1);
        assert!(has_account(&vault, &other));
        let held = forget_link(&mut vault, pool, &session_of("bob", "bob"), true).unwrap();
        assert_eq!(held, Some(other.clone()));
        assert!(has_account(&vault, &other));
        assert!(links(&vault).is_empty());
    }

    #[test]
    fn enrolled_accounts_use_cognito_totp_parameters() {
        assert_eq!(issuer_for("eu-west-1_AbC"), "Cognito (eu-west-1_AbC)");
        let params = cognito_params();
        assert_eq!(params.period(), Some(30));
        assert_eq!(params.digits, 6);
        assert_eq!(params.algorithm, Algorithm::SHA1);
    }
}
