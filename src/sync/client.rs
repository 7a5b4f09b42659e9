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
//! - [`devices`], [`revoke`], [`disable`], [`delete_remote`];
//! - [`change_passphrase`]; [`Recovering::start`] + [`Recovering::finish`]: a new
//!   passphrase with the recovery key (turning sync on when it is off).

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
    /// Recovering with sync off, without naming the server.
    #[error("sync is off here: name the sync server")]
    NoServer,
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
    let transport = transport_as(
        &state.server,
        &session,
        &state.device,
        state.device_name.as_deref(),
    )?;
    Ok((transport, state))
}

/// A transport to `server` for the signed-in user, as `device` named `device_name`.
fn transport_as(
    server: &str,
    session: &Session,
    device: &DeviceId,
    device_name: Option<&str>,
) -> Result<HttpTransport, ClientError> {
    Ok(HttpTransport::new(
        server,
        session.tokens.access.expose(),
        device,
        device_name,
    )?)
}

/// The name a user typed for this device, trimmed; blank is no name.
pub fn typed_device_name(name: Option<String>) -> Option<String> {
    name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty())
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
    /// the user has a sync key yet, as `device` (a new [`DeviceId::generate`]; an app that
    /// asks first and turns sync on in a later step passes the same id both times, so the
    /// server lists one device, not two).
    pub async fn start(
        access: &impl VaultAccess,
        server: &str,
        device: DeviceId,
        device_name: Option<String>,
    ) -> Result<Joining, ClientError> {
        if let Some(state) = access.with_vault(|v| Ok(v.data().sync.clone()))? {
            return Err(ClientError::AlreadyOn {
                server: state.server,
            });
        }
        let server = http::server_url(server)?;
        let session = signed_in(access).await?;
        let device_name = typed_device_name(device_name);
        let transport = transport_as(&server, &session, &device, device_name.as_deref())?;
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

/// One sync round over `transport` (from [`connect`]; any [`SyncTransport`] in tests) on the vault's accounts, at `now_ms`.
/// Each checkpoint saves the vault; a checkpoint that finds the accounts or the sync state
/// changed since the round read or last wrote them stops the round with
/// [`ClientError::VaultChanged`] (the next round carries on), so no change is overwritten.
pub async fn round<T: SyncTransport>(
    access: &impl VaultAccess,
    transport: &T,
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

/// Deletes the user's sync data from the server (key, items, devices), then turns sync
/// off on this device (its accounts stay). Returns the state it had and how many records
/// the server deleted. The other devices keep their accounts; their next round says the
/// server holds nothing any more.
pub async fn delete_remote(access: &impl VaultAccess) -> Result<(SyncState, u64), ClientError> {
    let (transport, state) = connect(access).await?;
    let deleted = transport.delete_data().await.map_err(SyncError::from)?;
    disable(access)?;
    Ok((state, deleted))
}

/// Changes the sync passphrase: `old` must open the key on the server (a wrong one is
/// [`super::KeyError::WrongPassphrase`]); the same key is wrapped again under `new` with
/// `cost`. The other devices keep syncing; a device that joins types `new`.
pub async fn change_passphrase(
    access: &impl VaultAccess,
    old: &str,
    new: &str,
    cost: KdfCost,
) -> Result<(), ClientError> {
    let (transport, state) = connect(access).await?;
    Ok(engine::change_passphrase(&transport, &state, old, new, cost).await?)
}

/// Setting a new passphrase with the recovery key, between reaching the server and having
/// the recovery key and the new passphrase.
#[derive(Debug)]
pub struct Recovering {
    /// The server (normalised).
    pub server: String,
    /// Who is signed in (the name to show).
    pub login: String,
    /// Sync is off here: [`Recovering::finish`] turns it on.
    pub turns_on: bool,
    user: String,
    device: DeviceId,
    device_name: Option<String>,
    transport: HttpTransport,
}

impl Recovering {
    /// With sync on: its server (`server`, when given, must be the same), its user and
    /// device. With sync off: `server` (else [`ClientError::NoServer`]), as `device` (a
    /// new [`DeviceId::generate`]) named `device_name`.
    pub async fn start(
        access: &impl VaultAccess,
        server: Option<&str>,
        device: DeviceId,
        device_name: Option<String>,
    ) -> Result<Recovering, ClientError> {
        let current = access.with_vault(|v| Ok(v.data().sync.clone()))?;
        let server = match (server, &current) {
            (Some(url), None) => http::server_url(url)?,
            (Some(url), Some(state)) if http::server_url(url)? != state.server => {
                return Err(ClientError::AlreadyOn {
                    server: state.server.clone(),
                });
            }
            (_, Some(state)) => state.server.clone(),
            (None, None) => return Err(ClientError::NoServer),
        };
        let session = signed_in(access).await?;
        if let Some(state) = &current
            && state.user != session.sub
        {
            return Err(ClientError::OtherUser {
                login: session.login,
            });
        }
        let (device, device_name) = match &current {
            Some(state) => (state.device.clone(), state.device_name.clone()),
            None => (device, typed_device_name(device_name)),
        };
        let transport = transport_as(&server, &session, &device, device_name.as_deref())?;
        Ok(Recovering {
            server,
            login: session.login,
            turns_on: current.is_none(),
            user: session.sub,
            device,
            device_name,
            transport,
        })
    }

    /// Opens the server's key with `recovery` (a wrong one is
    /// [`super::KeyError::WrongRecoveryKey`]) and wraps it under `new` with `cost`; with
    /// sync off here, saves sync's state in the vault (sync is on). The recovery key keeps
    /// working.
    pub async fn finish(
        self,
        access: &impl VaultAccess,
        recovery: &RecoveryKey,
        new: &str,
        cost: KdfCost,
    ) -> Result<(), ClientError> {
        let key = engine::recover(&self.transport, recovery, new, cost).await?;
        let mut fresh = SyncState::new(key.clone(), &self.server, &self.user);
        fresh.device = self.device;
        fresh.device_name = self.device_name;
        access.with_vault(|v| match &v.data().sync {
            Some(on) if on.key == key => Ok(Ok(())),
            Some(_) => Ok(Err(ClientError::Sync(SyncError::KeyMismatch))),
            // Turned off meanwhile: it stays off.
            None if !self.turns_on => Ok(Ok(())),
            None => {
                v.update(|data| {
                    data.sync = Some(fresh);
                    Ok(())
                })?;
                Ok(Ok(()))
            }
        })?
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::account::Account;
    use crate::cognito::access::temp_vault;
    use crate::otp::{Algorithm, Params};
    use crate::secret::Secret;
    use crate::sync::key::SyncKey;
    use crate::sync::memory::{MemoryServer, MemoryTransport, block_on};
    use crate::vault::Vault;

    const SERVER: &str = "http://127.0.0.1:8787";
    const SUB: &str = "sub-of-the-user";

    fn account(name: &str, seed: u8) -> Account {
        Account::new(
            Some("ACME"),
            name,
            Secret::from_bytes(vec![seed; 20]),
            Params::totp(Algorithm::SHA1, 6, 30),
        )
    }

    /// A vault lent to the round, which another command changes (adds `meddle`) just
    /// before the `at`-th lending, as the app's other commands may between two of the
    /// round's short borrows.
    struct Meddling<'a> {
        vault: std::sync::Mutex<&'a mut Vault>,
        calls: AtomicUsize,
        at: usize,
        meddle: &'static str,
    }

    impl VaultAccess for Meddling<'_> {
        fn with_vault<R>(
            &self,
            f: impl FnOnce(&mut Vault) -> Result<R, CognitoError>,
        ) -> Result<R, CognitoError> {
            let mut vault = self.vault.lock().unwrap();
            if self.calls.fetch_add(1, Ordering::SeqCst) + 1 == self.at {
                vault.update(|data| {
                    data.add(account(self.meddle, 9), 5);
                    Ok(())
                })?;
            }
            f(&mut vault)
        }
    }

    fn synced_vault(key: &SyncKey) -> (tempfile::TempDir, Vault) {
        let (dir, mut vault) = temp_vault();
        vault
            .update(|data| {
                data.sync = Some(SyncState::new(key.clone(), SERVER, SUB));
                data.add(account("alice", 1), 1);
                Ok(())
            })
            .unwrap();
        (dir, vault)
    }

    #[test]
    fn a_round_saves_what_it_sent_and_what_it_fetched_in_the_vault() {
        let server = MemoryServer::default();
        let key = SyncKey::generate();
        let (_a_dir, mut a) = synced_vault(&key);
        let (_b_dir, mut b) = temp_vault();
        b.update(|data| {
            data.sync = Some(SyncState::new(key.clone(), SERVER, SUB));
            Ok(())
        })
        .unwrap();
        let a_net = MemoryTransport::new(&server);
        let sent = block_on(round(&std::sync::Mutex::new(&mut a), &a_net, 10)).unwrap();
        assert_eq!(sent.pushed, 1);
        assert_eq!(waiting(a.data().sync.as_ref().unwrap()), 0);
        let b_net = MemoryTransport::new(&server);
        let got = block_on(round(&std::sync::Mutex::new(&mut b), &b_net, 20)).unwrap();
        assert_eq!(got.pulled, 1);
        let names: Vec<_> = b
            .data()
            .accounts
            .iter()
            .map(|a| a.account.name.clone())
            .collect();
        assert_eq!(names, ["alice"]);
    }

    #[test]
    fn a_round_stops_rather_than_overwrite_an_account_added_meanwhile() {
        let server = MemoryServer::default();
        let key = SyncKey::generate();
        let (_dir, mut vault) = synced_vault(&key);
        let net = MemoryTransport::new(&server);
        // Lending 1 reads the vault; 2 is the checkpoint before the first push.
        let access = Meddling {
            vault: std::sync::Mutex::new(&mut vault),
            calls: AtomicUsize::new(0),
            at: 2,
            meddle: "added meanwhile",
        };
        let stopped = block_on(round(&access, &net, 10));
        assert!(
            matches!(stopped, Err(ClientError::VaultChanged)),
            "{stopped:?}"
        );
        let names: Vec<_> = vault
            .data()
            .accounts
            .iter()
            .map(|a| a.account.name.clone())
            .collect();
        assert!(names.contains(&"added meanwhile".to_owned()), "{names:?}");
        // The next round carries on and sends both.
        let again = block_on(round(&std::sync::Mutex::new(&mut vault), &net, 20)).unwrap();
        assert_eq!(again.pushed, 2);
        assert_eq!(server.items().len(), 2);
    }

    #[test]
    fn with_sync_off_a_round_says_so_and_turning_it_off_does_nothing() {
        let server = MemoryServer::default();
        let net = MemoryTransport::new(&server);
        let (_dir, mut vault) = temp_vault();
        let off = block_on(round(&std::sync::Mutex::new(&mut vault), &net, 1));
        assert!(matches!(off, Err(ClientError::Off)), "{off:?}");
        assert!(matches!(
            disable(&std::sync::Mutex::new(&mut vault)),
            Ok(None)
        ));
    }

    #[test]
    fn disabling_keeps_the_accounts_and_returns_what_waited() {
        let key = SyncKey::generate();
        let (_dir, mut vault) = synced_vault(&key);
        let state = disable(&std::sync::Mutex::new(&mut vault))
            .unwrap()
            .unwrap();
        assert_eq!(waiting(&state), 1);
        assert!(vault.data().sync.is_none());
        assert_eq!(vault.data().accounts.len(), 1);
    }

    #[test]
    fn recovering_with_sync_off_needs_the_server_and_with_sync_on_refuses_another_one() {
        let (_dir, mut off) = temp_vault();
        let started = block_on(Recovering::start(
            &std::sync::Mutex::new(&mut off),
            None,
            DeviceId::generate(),
            None,
        ));
        assert!(matches!(started, Err(ClientError::NoServer)), "{started:?}");
        let started = block_on(Recovering::start(
            &std::sync::Mutex::new(&mut off),
            Some("http://sync.example.com"),
            DeviceId::generate(),
            None,
        ));
        assert!(
            matches!(started, Err(ClientError::Server(_))),
            "{started:?}"
        );

        let (_dir, mut on) = synced_vault(&SyncKey::generate());
        let started = block_on(Recovering::start(
            &std::sync::Mutex::new(&mut on),
            Some("https://another.example.com"),
            DeviceId::generate(),
            None,
        ));
        match started {
            Err(ClientError::AlreadyOn { server }) => assert_eq!(server, SERVER),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn changing_the_passphrase_with_sync_off_says_sync_is_off() {
        let (_dir, mut vault) = temp_vault();
        let changed = block_on(change_passphrase(
            &std::sync::Mutex::new(&mut vault),
            "old",
            "new",
            KdfCost::DEFAULT,
        ));
        assert!(matches!(changed, Err(ClientError::Off)), "{changed:?}");
    }
}
