//! The commands the web view calls. Each parses its request, calls the core and maps the
//! error; work that can take a while (Argon2, files, images, the network) runs on a
//! blocking worker thread, never on the UI thread.

pub mod accounts;
pub mod add;
pub mod cognito;
pub mod files;
pub mod settings;
pub mod sync;
pub mod transfer;
pub mod vault;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Runs `work` on a blocking worker thread with a handle to the state.
pub async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(AppState) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let state = state.clone();
    tauri::async_runtime::spawn_blocking(move || work(state))
        .await
        .map_err(|e| AppError::internal(format!("A worker thread failed: {e}")))?
}

/// The Argon2id cost for a new password: about half a second on this machine.
pub fn password_cost() -> sesame::vault::KdfCost {
    sesame::vault::calibrate(std::time::Duration::from_millis(500))
}
