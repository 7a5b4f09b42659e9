//! Opening a vault that needs no password while the app starts, as GNOME Authenticator and
//! Aegis do for unencrypted or device-bound vaults: the device key alone opens it, so an
//! unlock screen with one button would only cost the user a click and the app half a second.
//!
//! The vault is opened on its own thread beside WebKit's start-up; the `status` command waits
//! for it, so the first screen the web view picks is already the accounts. After a lock
//! (manual or idle) the unlock screen comes back as before: only the launch opens by itself.

use std::sync::Mutex;
use std::thread::JoinHandle;

use sesame::vault::Vault;

use crate::state::AppState;

/// The launch-time open, until `status` has waited for it.
#[derive(Default)]
pub struct LaunchOpen(Mutex<Option<JoinHandle<()>>>);

impl LaunchOpen {
    /// Starts opening the vault if one exists and has no password. Any failure (no keystore,
    /// a damaged file) is left for the unlock screen to report when the user presses Unlock.
    pub fn start(state: AppState) -> Self {
        let handle = std::thread::Builder::new()
            .name("launch-open".into())
            .spawn(move || open_without_password(&state))
            .ok();
        Self(Mutex::new(handle))
    }

    /// Waits until the launch-time open has finished (at once after the first call).
    pub async fn wait(&self) {
        let handle = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(handle) = handle {
            // The thread only opens a vault; if it panicked, the vault stays locked and the
            // unlock screen shows.
            let _ = tauri::async_runtime::spawn_blocking(move || handle.join()).await;
        }
    }
}

fn open_without_password(state: &AppState) {
    match Vault::info(&state.paths) {
        Ok(info) if !info.has_password => {}
        _ => return,
    }
    let Ok(keystore) = sesame::keystore::open(&state.keystore) else {
        return;
    };
    if let Ok(vault) = Vault::open(state.paths.clone(), keystore, None) {
        state.apply_clock_settings(&vault);
        let mut session = state.active_session();
        if session.vault.is_none() {
            session.vault = Some(vault);
        }
    }
}
