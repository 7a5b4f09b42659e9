//! What the web view sees of Sesame Sync: whether it is on, with which server, how far it
//! is, the last error in words, the devices. Never the sync key or the passphrase; the
//! recovery key only once, in the answer that turns sync on on the first device.

use serde::Serialize;
use sesame::sync::SyncState;
use sesame::sync::client;
use sesame::sync::engine::RoundReport;
use sesame::sync::wire::Device;
use sesame::vault::Vault;

use crate::error::{AppError, AppResult};
use crate::sync_runner::LastRound;

/// Sync's state on this device.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncStatus {
    /// Sync is on in this vault.
    pub enabled: bool,
    /// A Cognito session is stored (sync needs one).
    pub signed_in: bool,
    /// The server (when on).
    pub server: Option<String>,
    /// This device's id and name on the server (when on).
    pub device_id: Option<String>,
    pub device_name: Option<String>,
    /// When the last round finished (Unix ms), if one has.
    pub last_sync_ms: Option<u64>,
    /// Changes made here that wait to be sent.
    pub waiting: usize,
    /// Accounts synced.
    pub items: usize,
    /// A round is running now.
    pub running: bool,
    /// The last round's error (null once a round worked).
    pub last_error: Option<AppError>,
}

impl SyncStatus {
    /// The status of `vault`, with what the last round said.
    pub fn of(vault: &Vault, last: LastRound) -> AppResult<Self> {
        let signed_in = sesame::cognito::session::stored(vault.data())?.is_some();
        let Some(state) = &vault.data().sync else {
            return Ok(SyncStatus {
                signed_in,
                ..SyncStatus::default()
            });
        };
        Ok(SyncStatus::on(state, signed_in, last))
    }

    fn on(state: &SyncState, signed_in: bool, last: LastRound) -> Self {
        SyncStatus {
            enabled: true,
            signed_in,
            server: Some(state.server.clone()),
            device_id: Some(state.device.as_str().to_owned()),
            device_name: state.device_name.clone(),
            last_sync_ms: state.last_sync_ms,
            waiting: client::waiting(state),
            items: state.items.len(),
            running: last.running,
            last_error: last.error,
        }
    }
}

/// The server answered before the passphrase is asked: whether this is the first device.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncJoin {
    /// The server, normalised.
    pub server: String,
    /// Who is signed in to Cognito.
    pub login: String,
    /// No sync key on the server yet: the passphrase is new (typed twice), and a recovery
    /// key will be shown once.
    pub first: bool,
}

/// Sync turned on.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncEnabled {
    /// The recovery key (first device only): shown once, never stored by the app.
    pub recovery_key: Option<String>,
    pub status: SyncStatus,
}

/// What a round did.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncReport {
    pub pushed: usize,
    pub pulled: usize,
    pub conflicts: usize,
}

impl From<RoundReport> for SyncReport {
    fn from(r: RoundReport) -> Self {
        SyncReport {
            pushed: r.pushed,
            pulled: r.pulled,
            conflicts: r.conflicts,
        }
    }
}

/// One device of the user.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncDevice {
    pub id: String,
    pub name: Option<String>,
    /// Unix ms.
    pub first_seen: u64,
    pub last_seen: u64,
    pub revoked: bool,
    /// This device.
    pub this: bool,
}

impl SyncDevice {
    /// `device` as seen from the device `this`.
    pub fn new(device: Device, this: &str) -> Self {
        SyncDevice {
            this: device.id == this,
            id: device.id,
            name: device.name,
            first_seen: device.first_seen,
            last_seen: device.last_seen,
            revoked: device.revoked,
        }
    }
}
