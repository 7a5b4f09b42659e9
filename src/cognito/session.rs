//! A signed-in session kept in the vault: save it after sign-in, refresh it before it
//! expires (allowing for clock drift), verify it, and sign out (`GlobalSignOut` +
//! `RevokeToken`). The network flows reach the vault through [`VaultAccess`], only for
//! short reads and writes between Cognito's answers.

use super::access::VaultAccess;
use super::client::CognitoClient;
use super::error::CognitoError;
use super::flow::SignIn;
use super::store::{self, CognitoState};
use super::tokens::{REFRESH_MARGIN_SECS, Session};
use super::verify::{Claims, TokenUse};
use crate::vault::{Vault, VaultData};

/// The stored session, if any.
pub fn stored(data: &VaultData) -> Result<Option<Session>, CognitoError> {
    Ok(CognitoState::load(data)?.session)
}

/// Keeps the session a sign-in produced, and the TOTP time step it used.
pub fn save(vault: &mut Vault, sign_in: &SignIn, session: &Session) -> Result<(), CognitoError> {
    let pool = sign_in.client().config().user_pool_id.clone();
    let used = sign_in.totp_used().cloned();
    store::update(vault, |state, _| {
        state.session = Some(session.clone());
        if let Some((account_id, step)) = used
            && let Some(link) = state
                .totp
                .iter_mut()
                .find(|l| l.user_pool_id == pool && l.account_id == account_id)
        {
            link.last_step = Some(step);
        }
        Ok(())
    })?;
    Ok(())
}

/// Keeps `session` (from a sign-in that has no [`SignIn`], such as the hosted page's) as
/// the signed-in session.
pub fn keep(vault: &mut Vault, session: &Session) -> Result<(), CognitoError> {
    store::update(vault, |state, _| {
        state.session = Some(session.clone());
        Ok(())
    })
}

/// Replaces the stored session with a refreshed one, unless it was signed out or
/// replaced by another sign-in meanwhile.
fn store_refreshed(vault: &mut Vault, refreshed: &Session) -> Result<bool, CognitoError> {
    store::update(vault, |state, _| {
        let same_user = state
            .session
            .as_ref()
            .is_some_and(|s| s.sub == refreshed.sub && s.issued_at <= refreshed.issued_at);
        if same_user {
            state.session = Some(refreshed.clone());
        }
        Ok(same_user)
    })
}

fn forget(vault: &mut Vault) -> Result<(), CognitoError> {
    store::update(vault, |state, _| {
        state.session = None;
        Ok(())
    })?;
    Ok(())
}

/// Forgets the stored session if it is still `session` (same user, same refresh token):
/// one another sign-in stored meanwhile stays.
fn forget_if_still(vault: &mut Vault, session: &Session) -> Result<(), CognitoError> {
    store::update(vault, |state, _| {
        if state
            .session
            .as_ref()
            .is_some_and(|s| s.sub == session.sub && s.tokens.refresh == session.tokens.refresh)
        {
            state.session = None;
        }
        Ok(())
    })?;
    Ok(())
}

/// The stored session, or [`CognitoError::NotSignedIn`].
fn signed_in(vault: &impl VaultAccess) -> Result<Session, CognitoError> {
    vault.with_vault(|v| stored(v.data())?.ok_or(CognitoError::NotSignedIn))
}

/// Refreshes the stored session now and saves the new tokens, unless another sign-in or
/// sign-out happened meanwhile. A refresh token that no longer works (revoked, expired)
/// signs the vault out (unless another sign-in replaced it meanwhile).
pub async fn refresh(
    vault: &impl VaultAccess,
    client: &CognitoClient,
) -> Result<Session, CognitoError> {
    let session = signed_in(vault)?;
    match client.refresh(&session).await {
        Ok(refreshed) => {
            if !vault.with_vault(|v| store_refreshed(v, &refreshed))? {
                return Err(CognitoError::SessionEnded {
                    reason: "another sign-in or sign-out happened meanwhile".into(),
                });
            }
            Ok(refreshed)
        }
        Err(e @ CognitoError::SessionEnded { .. }) => {
            vault.with_vault(|v| forget_if_still(v, &session))?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// The stored session, refreshed first when it expires within the refresh margin.
pub async fn fresh(
    vault: &impl VaultAccess,
    client: &CognitoClient,
) -> Result<Session, CognitoError> {
    let session = signed_in(vault)?;
    if session.needs_refresh(client.clock().now_secs(), REFRESH_MARGIN_SECS) {
        return refresh(vault, client).await;
    }
    Ok(session)
}

/// A session with its tokens verified just now.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The session.
    pub session: Session,
    /// The ID token's claims (who).
    pub id: Claims,
    /// The access token's claims (scopes, client).
    pub access: Claims,
}

/// The fresh session with both tokens verified against the pool's keys now.
pub async fn whoami(
    vault: &impl VaultAccess,
    client: &CognitoClient,
) -> Result<Verified, CognitoError> {
    let session = fresh(vault, client).await?;
    verify(client, session).await
}

/// `session` with both tokens verified against the pool's keys now (no vault involved).
pub async fn verify(client: &CognitoClient, session: Session) -> Result<Verified, CognitoError> {
    let verifier = client.verifier();
    let id = verifier
        .verify(session.tokens.id.expose(), TokenUse::Id)
        .await?;
    let access = verifier
        .verify(session.tokens.access.expose(), TokenUse::Access)
        .await?;
    Ok(Verified {
        session,
        id,
        access,
    })
}

/// What [`sign_out`] did on the server's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedOut {
    /// `GlobalSignOut` ended every session of the user.
    pub global: bool,
    /// `RevokeToken` revoked this refresh token.
    pub revoked: bool,
}

/// Signs out: `GlobalSignOut` (every device), `RevokeToken` (this refresh token), then
/// forgets the tokens. If Cognito cannot be reached the tokens are kept, so that trying
/// again can still revoke them; tokens Cognito already refuses are simply forgotten. A
/// session another user started meanwhile is kept.
pub async fn sign_out(
    vault: &impl VaultAccess,
    client: &CognitoClient,
) -> Result<SignedOut, CognitoError> {
    let session = signed_in(vault)?;
    let mut done = SignedOut {
        global: false,
        revoked: false,
    };
    // GlobalSignOut needs a live access token: refresh first if it is about to expire.
    let live = if session.needs_refresh(client.clock().now_secs(), 30) {
        client.refresh(&session).await.ok()
    } else {
        Some(session.clone())
    };
    let mut refused = None;
    if let Some(live) = &live {
        match client.global_sign_out(&live.tokens.access).await {
            Ok(()) => done.global = true,
            Err(e) if must_retry(&e) => return Err(e),
            Err(e) => refused = Some(e),
        }
    }
    if let Some(refresh) = &session.tokens.refresh {
        match client.revoke_token(refresh).await {
            Ok(()) => done.revoked = true,
            Err(e) if must_retry(&e) => return Err(e),
            Err(e) => refused = refused.or(Some(e)),
        }
    }
    // Neither call worked: keep the tokens unless Cognito says they are dead already.
    if !done.global
        && !done.revoked
        && let Some(e) = refused
        && !matches!(
            e,
            CognitoError::SessionEnded { .. } | CognitoError::UserNotFound
        )
    {
        return Err(e);
    }
    vault.with_vault(|v| forget_if_still(v, &session))?;
    Ok(done)
}

/// Errors after which the tokens must be kept so that signing out can be tried again:
/// Cognito did not get (or did not answer) the request.
fn must_retry(e: &CognitoError) -> bool {
    matches!(
        e,
        CognitoError::Unreachable { .. }
            | CognitoError::Timeout { .. }
            | CognitoError::TooManyRequests
            | CognitoError::NotCognito { .. }
            | CognitoError::RequestFailed { .. }
    )
}

/// Forgets the stored tokens without telling Cognito (they stay valid until they expire).
pub fn forget_locally(vault: &mut Vault) -> Result<bool, CognitoError> {
    let had = stored(vault.data())?.is_some();
    forget(vault)?;
    Ok(had)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cognito::access::temp_vault;
    use crate::cognito::tokens::{Token, Tokens};

    fn session(sub: &str, refresh: &str, issued_at: u64) -> Session {
        Session {
            tokens: Tokens {
                id: Token::new("id"),
                access: Token::new(format!("access-{issued_at}")),
                refresh: Some(Token::new(refresh)),
            },
            username: sub.into(),
            sub: sub.into(),
            login: sub.into(),
            id_expires_at: issued_at + 3600,
            access_expires_at: issued_at + 3600,
            issued_at,
            clock_drift_secs: 0,
            hosted: false,
        }
    }

    fn put(vault: &mut Vault, session: &Session) {
        store::update(vault, |state, _| {
            state.session = Some(session.clone());
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn refreshed_tokens_are_kept_only_for_the_same_user() {
        let (_dir, mut vault) = temp_vault();
        let alice = session("alice", "r-alice", 100);
        assert!(!store_refreshed(&mut vault, &alice).unwrap());
        put(&mut vault, &alice);
        assert!(store_refreshed(&mut vault, &session("alice", "r-alice", 200)).unwrap());
        assert_eq!(stored(vault.data()).unwrap().unwrap().issued_at, 200);
        // Older tokens, or another user's, never replace what is stored.
        assert!(!store_refreshed(&mut vault, &session("alice", "r-alice", 150)).unwrap());
        assert!(!store_refreshed(&mut vault, &session("bob", "r-bob", 300)).unwrap());
        assert_eq!(stored(vault.data()).unwrap().unwrap().issued_at, 200);
    }

    #[test]
    fn only_the_session_that_ended_is_forgotten() {
        let (_dir, mut vault) = temp_vault();
        let alice = session("alice", "r-alice", 100);
        let bob = session("bob", "r-bob", 200);
        put(&mut vault, &bob);
        forget_if_still(&mut vault, &alice).unwrap();
        assert_eq!(stored(vault.data()).unwrap(), Some(bob.clone()));
        // A refresh meanwhile keeps the refresh token: still the same session.
        put(&mut vault, &session("alice", "r-alice", 300));
        forget_if_still(&mut vault, &alice).unwrap();
        assert_eq!(stored(vault.data()).unwrap(), None);
        put(&mut vault, &bob);
        assert!(forget_locally(&mut vault).unwrap());
        assert!(!forget_locally(&mut vault).unwrap());
    }

    #[test]
    fn a_locked_vault_stops_before_cognito_is_asked() {
        struct Locked;
        impl VaultAccess for Locked {
            fn with_vault<R>(
                &self,
                _: impl FnOnce(&mut Vault) -> Result<R, CognitoError>,
            ) -> Result<R, CognitoError> {
                Err(CognitoError::VaultLocked)
            }
        }
        assert!(matches!(signed_in(&Locked), Err(CognitoError::VaultLocked)));
        let (_dir, mut vault) = temp_vault();
        let held = std::sync::Mutex::new(&mut vault);
        assert!(matches!(signed_in(&held), Err(CognitoError::NotSignedIn)));
    }
}
