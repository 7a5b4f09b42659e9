//! Enrolling Sesame as the user's authenticator app: `AssociateSoftwareToken` → the secret
//! goes into the vault as an ordinary account tied to this pool and user →
//! `VerifySoftwareToken` with a code Sesame computes → `SetUserMFAPreference`. Also
//! turning it off, and the same enrollment inside a sign-in (`MFA_SETUP`).

use super::client::{CognitoClient, TotpSubject};
use super::error::CognitoError;
use super::sign_in::{SignIn, SignInStep};
use super::signed_in;
use super::store::{self, TotpLink};
use crate::account::{Account, AccountId};
use crate::otp::{Algorithm, Otp, Params};
use crate::secret::Secret;
use crate::vault::{Added, Vault, VaultError};

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
    Otp::new(secret, cognito_params())
        .map_err(|e| CognitoError::BadResponse(format!("the TOTP secret Cognito sent: {e}")))
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
    Ok(store::update(vault, |state, data| {
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
    })?)
}

/// Marks the link verified and drops older links (and their accounts) for the same user.
fn confirm(
    vault: &mut Vault,
    pool: &str,
    account_id: &AccountId,
    step: u64,
) -> Result<Option<AccountId>, CognitoError> {
    Ok(store::update(vault, |state, data| {
        let Some(link) = state
            .totp
            .iter_mut()
            .find(|l| l.user_pool_id == pool && &l.account_id == account_id)
        else {
            return Err(VaultError::BadPayload {
                reason: "the authenticator being set up vanished from the vault".into(),
            });
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
    })?)
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
    vault: &mut Vault,
    client: &CognitoClient,
) -> Result<Enrollment, CognitoError> {
    let session = signed_in::fresh(vault, client).await?;
    let pool = client.config().user_pool_id.clone();
    let access = &session.tokens.access;
    let (secret, _) = client
        .associate_software_token(TotpSubject::Access(access))
        .await?;
    let secret = Secret::from_base32(secret.expose())
        .map_err(|e| CognitoError::BadResponse(format!("the TOTP secret Cognito sent: {e}")))?;
    let otp = otp_for(&secret)?;
    // The secret is saved before Cognito learns that it works: once it does, losing the
    // secret would lock the user out.
    let now_ms = client.clock().now_ms();
    let account_id = store_pending(
        vault,
        &pool,
        &session.username,
        &session.login,
        secret,
        now_ms,
    )?;
    let step = otp.counter_at(client.clock().now_secs());
    let code = otp.code_for_counter(step);
    if let Err(e) = client
        .verify_software_token(TotpSubject::Access(access), code.as_str(), DEVICE_NAME)
        .await
    {
        roll_back(vault, &pool, &account_id)?;
        return Err(e);
    }
    let replaced = confirm(vault, &pool, &account_id, step)?;
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
    vault: &mut Vault,
    client: &CognitoClient,
    keep_account: bool,
) -> Result<Option<AccountId>, CognitoError> {
    let session = signed_in::fresh(vault, client).await?;
    client
        .set_software_token_mfa(&session.tokens.access, false)
        .await?;
    let pool = client.config().user_pool_id.clone();
    Ok(store::update(vault, |state, data| {
        let mut removed = None;
        state.totp.retain(|l| {
            let this = l.is_for(&pool, &session.username) || l.is_for(&pool, &session.login);
            if this {
                removed = Some(l.account_id.clone());
            }
            !this
        });
        if let Some(id) = &removed
            && !keep_account
        {
            let _ = data.remove(id);
        }
        Ok(removed)
    })?)
}

/// Answers a sign-in's `MFA_SETUP` by enrolling Sesame: the secret is stored in the vault,
/// proven with a computed code, and the sign-in goes on.
pub async fn set_up_during_sign_in(
    vault: &mut Vault,
    sign_in: &mut SignIn,
) -> Result<SignInStep, CognitoError> {
    let pending = sign_in.begin_totp_setup().await?;
    let otp = otp_for(&pending.secret)?;
    let client = sign_in.client().clone();
    let pool = client.config().user_pool_id.clone();
    let now_ms = client.clock().now_ms();
    let account_id = store_pending(
        vault,
        &pool,
        sign_in.user_id(),
        sign_in.login(),
        pending.secret,
        now_ms,
    )?;
    let step = otp.counter_at(client.clock().now_secs());
    match sign_in.finish_totp_setup(&otp, DEVICE_NAME).await {
        Ok(next) => {
            confirm(vault, &pool, &account_id, step)?;
            Ok(next)
        }
        Err(e) => {
            roll_back(vault, &pool, &account_id)?;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app awaits these on tokio's multi-threaded runtime: they must be `Send`.
    #[allow(dead_code)]
    fn futures_are_send(vault: &mut Vault, client: &CognitoClient, sign_in: &mut SignIn) {
        fn send<T: Send>(_: T) {}
        send(enable_totp(vault, client));
        send(disable_totp(vault, client, false));
        send(set_up_during_sign_in(vault, sign_in));
        send(signed_in::whoami(vault, client));
        send(signed_in::refresh(vault, client));
        send(signed_in::sign_out(vault, client));
        send(sign_in.answer_mfa_from_vault());
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
