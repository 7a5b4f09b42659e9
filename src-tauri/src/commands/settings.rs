//! Preferences and the time check.

use serde::Serialize;
use sesame::clock::{SntpOptions, measure_offset};
use sesame::vault::Settings;
use tauri::State;

use super::blocking;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::check_settings;

/// The vault's settings.
#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> AppResult<Settings> {
    let mut session = state.active_session();
    Ok(session.vault()?.data().settings.clone())
}

/// Saves settings; the measured offset and its time are kept from the vault, not taken
/// from the UI.
#[tauri::command]
pub async fn set_settings(state: State<'_, AppState>, settings: Settings) -> AppResult<Settings> {
    check_settings(&settings).map_err(AppError::invalid)?;
    let mut session = state.active_session();
    let vault = session.vault()?;
    vault.update(|data| {
        let offset = data.settings.clock_offset_ms;
        let checked_at = data.settings.clock_checked_at_ms;
        data.settings = Settings {
            clock_offset_ms: offset,
            clock_checked_at_ms: checked_at,
            ntp_server: settings.ntp_server.trim().to_owned(),
            ..settings
        };
        Ok(())
    })?;
    state.apply_clock_settings(vault);
    Ok(vault.data().settings.clone())
}

/// Now on this computer's clock, in Unix ms.
fn unix_ms_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A measured clock offset.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TimeCheck {
    offset_ms: i64,
    delay_ms: u64,
    server: String,
}

/// Asks the configured NTP server how far off this clock is, and stores the offset.
#[tauri::command]
pub async fn check_time(state: State<'_, AppState>) -> AppResult<TimeCheck> {
    blocking(&state, move |state| {
        let server = {
            let mut session = state.active_session();
            session.vault()?.data().settings.ntp_server.clone()
        };
        let measured = measure_offset(&server, SntpOptions::default())?;
        let mut session = state.active_session();
        let vault = session.vault()?;
        vault.update(|data| {
            data.settings.clock_offset_ms = measured.offset_ms;
            data.settings.clock_checked_at_ms = Some(unix_ms_now());
            Ok(())
        })?;
        state.apply_clock_settings(vault);
        Ok(TimeCheck {
            offset_ms: measured.offset_ms,
            delay_ms: measured.delay_ms,
            server: server.clone(),
        })
    })
    .await
}
