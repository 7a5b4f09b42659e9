//! Sync on a real vault, shared by the CLI and the app: the vault is reached through
//! [`VaultAccess`] (only for short reads and writes, never across a network call), the
//! access token comes from the vault's Cognito session (refreshed when about to expire),
//! and the requests go through [`HttpTransport`].
//!
//! - [`Joining::start`] + [`Joining::finish`]: turn sync on (the caller asks for the
//!   passphrase in between: twice on the first device, once on the others);
//! - [`connect`] + [`round`]: one sync round, saving the vault at each checkpoint and
//!   stopping (with [`ClientError::VaultChanged`]) instead of overwriting accounts that
//!   changed meanwhile;
//! - [`devices`], [`revoke`], [`disable`].

use super::engine::{self, RoundReport, SyncError, SyncTransport};
use super::http::{self, HttpTransport, ServerUrlError};
use super::item::DeviceId;
use super::key::RecoveryKey;
use super::state::SyncState;
use super::wire::Device;
use crate::account::StoredAccount;
use crate::cognito::{self, CognitoError, Session, VaultAccess};
use crate::crypto::KdfCost;
use crate::vault::VaultError;

/// Why a sync step on a vault did not happen. No variant carries a passphrase, key or token.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Sync is not on in this vault.
    #[error("sync is off in this vault")]
    Off,
    /// Turning sync on while it is on.
    #[error("sync is already on with {server}")]
    AlreadyOn {
        /// The server it is on with.
        server: String,
    },
    /// The signed-in Cognito user is not the one sync was turned on for.
    #[error("signed in to Cognito as {login}, not as the user this vault syncs for")]
    OtherUser {
        /// Who is signed in.
        login: String,
    },
    /// The vault's accounts or sync state changed (another Sesame, or another command of
    /// the same app) while a round ran: the round stopped there; what it saved stays valid.
    #[error("the accounts changed during the sync; the round stopped there, nothing was lost")]
    VaultChanged,
    /// A device cannot revoke itself.
    #[error("this is this device; to stop syncing here, turn sync off instead")]
    RevokeSelf,
    /// The server address is refused.
    #[error(transparent)]
    Server(#[from] ServerUrlError),
    /// The Cognito session (none, expired, refresh refused) or the vault behind it.
    #[error(transparent)]
    Cognito(#[from] CognitoError),
    /// The round, the key or the server.
    #[error(transparent)]
    Sync(#[from] SyncError),
}

impl From<VaultError> for ClientError {
    fn from(e: VaultError) -> Self {
        ClientError::Sync(SyncError::Vault(e))
    }
}

impl From<engine::TransportError> for ClientError {
    fn from(e: engine::TransportError) -> Self {
        ClientError::Sync(SyncError::Transport(e))
    }
}

/// How many changes wait to be sent: edits and deletes not pushed yet, or the push whose
/// answer was never heard (its changes are among those).
pub fn waiting(state: &SyncState) -> usize {
    let in_flight = state
        .pending_push
        .as_ref()
        .map_or(0, |p| p.request.changes.len());
    state.unsynced().max(in_flight)
}

/// This machine's name, the default name a device gives itself on the server.
pub fn host_name() -> Option<String> {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
}

/// The vault's sync state, or [`ClientError::Off`].
pub fn state_of(access: &impl VaultAccess) -> Result<SyncState, ClientError> {
    access
        .with_vault(|v| Ok(v.data().sync.clone()))?
        .ok_or(ClientError::Off)
}

/// The vault's Cognito session, refreshed when it is about to expire.
pub async fn signed_in(access: &impl VaultAccess) -> Result<Session, ClientError> {
    let client = access.with_vault(|v| cognito::store::client(v.data()))?;
    Ok(cognito::session::fresh(access, &client).await?)
}

/// A transport for the signed-in user, who must be the one sync was turned on for, and
/// the sync state it was made from.
pub async fn connect(access: &impl VaultAccess) -> Result<(HttpTransport, SyncState), ClientError> {
    let state = state_of(access)?;
    let session = signed_in(access).await?;
    if session.sub != state.user {
        return Err(ClientError::OtherUser {
            login: session.login,
        });
    }
    let transport = HttpTransport::new(
        &state.server,
        session.tokens.access.expose(),
        &state.device,
        state.device_name.as_deref(),
    )?;
    Ok((transport, state))
}

/// Turning sync on, between reaching the server and having the passphrase.
#[derive(Debug)]
pub struct Joining {
    /// The server (normalised).
    pub server: String,
    /// Who is signed in (the name to show).
    pub login: String,
    /// No key on the server yet: this is the first device (the passphrase is new).
    pub first: bool,
    user: String,
    device: DeviceId,
    device_name: Option<String>,
    transport: HttpTransport,
}

impl Joining {
    /// Checks that sync is off, the address and the sign-in, and asks the server whether
    /// the user has a sync key yet.
    pub async fn start(
        access: &impl VaultAccess,
        server: &str,
        device_name: Option<String>,
    ) -> Result<Joining, ClientError> {
        if let Some(state) = access.with_vault(|v| Ok(v.data().sync.clone()))? {
            return Err(ClientError::AlreadyOn {
                server: state.server,
            });
        }
        let server = http::server_url(server)?;
        let session = signed_in(access).await?;
        let device = DeviceId::generate();
        let device_name = device_name
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        let transport = HttpTransport::new(
            &server,
            session.tokens.access.expose(),
            &device,
            device_name.as_deref(),
        )?;
        let first = transport.get_key().await?.is_none();
        Ok(Joining {
            server,
            login: session.login,
            first,
            user: session.sub,
            device,
            device_name,
            transport,
        })
    }

    /// Creates the key (first device: `cost` for the passphrase) or unwraps the server's
    /// with `passphrase` (a wrong one is [`super::KeyError::WrongPassphrase`]), and saves
    /// sync's state in the vault. The recovery key comes back on the first device only:
    /// show it once.
    pub async fn finish(
        self,
        access: &impl VaultAccess,
        passphrase: &str,
        cost: KdfCost,
    ) -> Result<Option<RecoveryKey>, ClientError> {
        let (mut state, recovery) =
            engine::enable(&self.transport, &self.server, &self.user, passphrase, cost).await?;
        state.device = self.device;
        state.device_name = self.device_name;
        let already = access.with_vault(|v| {
            if let Some(on) = &v.data().sync {
                return Ok(Some(on.server.clone()));
            }
            v.update(|data| {
                data.sync = Some(state.clone());
                Ok(())
            })?;
            Ok(None)
        })?;
        if let Some(server) = already {
            return Err(ClientError::AlreadyOn { server });
        }
        Ok(recovery)
    }
}

/// One sync round over `transport` (from [`connect`]) on the vault's accounts, at `now_ms`.
/// Each checkpoint saves the vault; a checkpoint that finds the accounts or the sync state
/// changed since the round read or last wrote them stops the round with
/// [`ClientError::VaultChanged`] (the next round carries on), so no change is overwritten.
pub async fn round(
    access: &impl VaultAccess,
    transport: &HttpTransport,
    now_ms: u64,
) -> Result<RoundReport, ClientError> {
    let (mut accounts, start) =
        access.with_vault(|v| Ok((v.data().accounts.clone(), v.data().sync.clone())))?;
    let mut state = start.clone().ok_or(ClientError::Off)?;
    let mut last = (accounts.clone(), start);
    let mut stopped: Option<ClientError> = None;
    let mut checkpoint = |accounts: &[StoredAccount], state: &SyncState| {
        let saved = access.with_vault(|v| {
            Ok(v.update(|data| {
                if data.accounts != last.0 || data.sync != last.1 {
                    return Err(VaultError::ChangedElsewhere);
                }
                data.accounts = accounts.to_vec();
                data.sync = Some(state.clone());
                Ok(())
            }))
        });
        match saved {
            Ok(Ok(())) => {
                last = (accounts.to_vec(), Some(state.clone()));
                Ok(())
            }
            Ok(Err(VaultError::ChangedElsewhere)) => {
                stopped = Some(ClientError::VaultChanged);
                Err(VaultError::ChangedElsewhere)
            }
            Ok(Err(e)) => Err(e),
            Err(e) => {
                stopped = Some(e.into());
                Err(VaultError::ChangedElsewhere)
            }
        }
    };
    let result = engine::sync_round(
        transport,
        &mut accounts,
        &mut state,
        now_ms,
        &mut checkpoint,
    )
    .await;
    match (result, stopped) {
        (Err(_), Some(why)) => Err(why),
        (result, _) => Ok(result?),
    }
}

/// The user's devices, and this device's id.
pub async fn devices(access: &impl VaultAccess) -> Result<(Vec<Device>, DeviceId), ClientError> {
    let (transport, state) = connect(access).await?;
    Ok((transport.devices().await?, state.device))
}

/// Removes another device from sync: its requests are refused from then on.
pub async fn revoke(access: &impl VaultAccess, device: &str) -> Result<(), ClientError> {
    let state = state_of(access)?;
    if device == state.device.as_str() {
        return Err(ClientError::RevokeSelf);
    }
    let (transport, _) = connect(access).await?;
    Ok(transport.revoke(device).await?)
}

/// Turns sync off on this device (its accounts stay). Returns the state it had (`None`
/// when sync was already off), for [`waiting`] and the server's name.
pub fn disable(access: &impl VaultAccess) -> Result<Option<SyncState>, ClientError> {
    Ok(access.with_vault(|v| {
        let Some(state) = v.data().sync.clone() else {
            return Ok(None);
        };
        v.update(|data| {
            data.sync = None;
            Ok(())
        })?;
        Ok(Some(state))
    })?)
}
