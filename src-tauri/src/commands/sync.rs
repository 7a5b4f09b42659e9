//! Sesame Sync: turn it on (the passphrase; the recovery key shown once on the first
//! device), its status, a round now, the devices, revoke one, turn it off (and delete what
//! the server holds for the user), change the passphrase, set a new one with the recovery
//! key. The work is the core's (`sesame::sync::client`); rounds go through `sync_runner`,
//! one at a time, and the vault is reached for short reads and writes only, never across a
//! request. The passphrases and the recovery key are zeroized when the command ends and
//! never sent back; the app keeps no secret of sync's outside the vault.

use sesame::sync::RecoveryKey;
use sesame::sync::client::{self, Joining, Recovering};
use sesame::sync::engine::SyncError;
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::sync_runner::{self, Quiet};
use crate::sync_view::{SyncDevice, SyncEnabled, SyncJoin, SyncReport, SyncStatus};

/// The name typed, else this machine's.
fn name_or_host(name: Option<String>) -> Option<String> {
    client::typed_device_name(name).or_else(client::host_name)
}

fn status_now(state: &AppState) -> AppResult<SyncStatus> {
    let last = state.sync.last();
    SyncStatus::of(state.session().vault()?, last)
}

/// Whether sync is on, with which server, the last sync, what waits, the last error.
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> AppResult<SyncStatus> {
    status_now(&state)
}

/// Reaches the server as the signed-in user: says whether this is the first device
/// (a new passphrase, typed twice) or one that joins (the passphrase set on the first).
#[tauri::command]
pub async fn sync_probe(
    state: State<'_, AppState>,
    server: String,
    device_name: Option<String>,
) -> AppResult<SyncJoin> {
    state.active_session().vault()?;
    let device = state.sync.joining_device();
    let joining =
        Joining::start(&Quiet(&state), &server, device, name_or_host(device_name)).await?;
    Ok(SyncJoin {
        server: joining.server,
        login: joining.login,
        first: joining.first,
    })
}

/// Turns sync on: the first device creates the key under `passphrase` (and gets the
/// recovery key, once); the others unwrap the server's key with it (a wrong one is
/// `wrong_password`). A first round starts in the background.
#[tauri::command]
pub async fn sync_enable(
    state: State<'_, AppState>,
    server: String,
    passphrase: Zeroizing<String>,
    device_name: Option<String>,
) -> AppResult<SyncEnabled> {
    if passphrase.is_empty() {
        return Err(AppError::invalid("Type the sync passphrase."));
    }
    state.active_session().vault()?;
    let access = Quiet(&state);
    let device = state.sync.joining_device();
    let joining = Joining::start(&access, &server, device, name_or_host(device_name)).await?;
    let cost = if joining.first {
        super::password_cost()
    } else {
        sesame::vault::KdfCost::DEFAULT
    };
    let recovery = joining.finish(&access, &passphrase, cost).await?;
    state.sync.joined();
    state.sync.reset();
    // The background task syncs at its next tick (sync just turned on).
    Ok(SyncEnabled {
        recovery_key: recovery.map(|r| r.to_text().as_str().to_owned()),
        status: status_now(&state)?,
    })
}

/// Syncs now: sends the changes made here, fetches the others' and merges them.
#[tauri::command]
pub async fn sync_now(app: AppHandle, state: State<'_, AppState>) -> AppResult<SyncReport> {
    state.active_session().vault()?;
    let (result, _) = sync_runner::run_round(&app, &state).await;
    Ok(result?.into())
}

/// The user's devices, this one marked.
#[tauri::command]
pub async fn sync_devices(state: State<'_, AppState>) -> AppResult<Vec<SyncDevice>> {
    state.active_session().vault()?;
    let (devices, this) = client::devices(&Quiet(&state)).await?;
    Ok(devices
        .into_iter()
        .map(|d| SyncDevice::new(d, this.as_str()))
        .collect())
}

/// Removes another device from sync: its requests are refused from now on.
#[tauri::command]
pub async fn sync_revoke(state: State<'_, AppState>, device: String) -> AppResult<Vec<SyncDevice>> {
    state.active_session().vault()?;
    let access = Quiet(&state);
    client::revoke(&access, &device).await?;
    let (devices, this) = client::devices(&access).await?;
    Ok(devices
        .into_iter()
        .map(|d| SyncDevice::new(d, this.as_str()))
        .collect())
}

/// Turns sync off on this device; the accounts stay here (and on the other devices).
#[tauri::command]
pub async fn sync_disable(state: State<'_, AppState>) -> AppResult<SyncStatus> {
    state.active_session().vault()?;
    // Not in the middle of a round.
    let _one = state.sync.lock_rounds().await;
    client::disable(&Quiet(&state))?;
    state.sync.reset();
    status_now(&state)
}

/// Deletes everything the sync server holds for this user (the sync key, every synced
/// account, the device list), then turns sync off here; the accounts stay on this and the
/// other devices, whose next round says the server holds nothing any more. The core's
/// `delete_remote`, as `sesame sync disable --delete-remote`: if the server cannot be
/// reached or refuses, nothing is deleted and sync stays on.
#[tauri::command]
pub async fn sync_delete_remote(state: State<'_, AppState>) -> AppResult<SyncStatus> {
    state.active_session().vault()?;
    // Not in the middle of a round.
    let _one = state.sync.lock_rounds().await;
    client::delete_remote(&Quiet(&state)).await.map_err(|e| {
        AppError::sync_request_failed(e, "Nothing was deleted; sync stays on here.")
    })?;
    state.sync.reset();
    status_now(&state)
}

/// Changes the sync passphrase: `current` must open the key on the server (a wrong one is
/// `wrong_password`); the other devices keep syncing, a device that joins types
/// `new_passphrase`.
#[tauri::command]
pub async fn sync_change_passphrase(
    state: State<'_, AppState>,
    current: Zeroizing<String>,
    new_passphrase: Zeroizing<String>,
) -> AppResult<()> {
    if current.is_empty() {
        return Err(AppError::invalid("Type the current sync passphrase."));
    }
    if new_passphrase.is_empty() {
        return Err(AppError::invalid("Type the new sync passphrase."));
    }
    state.active_session().vault()?;
    let cost = super::password_cost();
    client::change_passphrase(&Quiet(&state), &current, &new_passphrase, cost).await?;
    Ok(())
}

/// Sets a new sync passphrase with the recovery key (the passphrase was forgotten). With
/// sync on, on its server; with sync off, on `server`, and sync turns on (a first round
/// starts in the background). The recovery key keeps working.
#[tauri::command]
pub async fn sync_recover(
    state: State<'_, AppState>,
    recovery_key: Zeroizing<String>,
    passphrase: Zeroizing<String>,
    server: Option<String>,
    device_name: Option<String>,
) -> AppResult<SyncStatus> {
    if passphrase.is_empty() {
        return Err(AppError::invalid("Type the new sync passphrase."));
    }
    let recovery = RecoveryKey::parse(&recovery_key)
        .map_err(|e| client::ClientError::Sync(SyncError::from(e)))?;
    state.active_session().vault()?;
    let access = Quiet(&state);
    let device = state.sync.joining_device();
    let server = server
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let recovering = Recovering::start(
        &access,
        server.as_deref(),
        device,
        name_or_host(device_name),
    )
    .await?;
    let turns_on = recovering.turns_on;
    recovering
        .finish(&access, &recovery, &passphrase, super::password_cost())
        .await?;
    if turns_on {
        state.sync.joined();
        state.sync.reset();
    }
    status_now(&state)
}
