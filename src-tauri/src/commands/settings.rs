//! Preferences and the time check.

use serde::Serialize;
use sesame::clock::{SntpOptions, measure_offset, needs_confirmation};
use sesame::vault::Settings;
use tauri::State;

use super::blocking;
use crate::error::{AppError, AppResult, ErrorKind};
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

/// A measured clock offset, held by the shell until the user applies it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TimeCheck {
    /// Add this to the local clock to get the server's time.
    offset_ms: i64,
    delay_ms: u64,
    /// The server as configured.
    server: String,
    /// The address that answered.
    address: String,
    /// More than 5 minutes: applying it needs an explicit confirmation.
    needs_confirmation: bool,
}

/// Asks the configured NTP server how far off this clock is. Nothing is applied: the UI
/// shows the server and the offset, and `apply_time_check` applies it if the user agrees.
#[tauri::command]
pub async fn check_time(state: State<'_, AppState>) -> AppResult<TimeCheck> {
    blocking(&state, move |state| {
        let server = {
            let mut session = state.active_session();
            session.vault()?.data().settings.ntp_server.clone()
        };
        let measured = measure_offset(&server, SntpOptions::default())?;
        let check = TimeCheck {
            offset_ms: measured.offset_ms,
            delay_ms: measured.delay_ms,
            server,
            address: measured.server.to_string(),
            needs_confirmation: needs_confirmation(measured.offset_ms),
        };
        let mut session = state.active_session();
        session.vault()?;
        session.time_check = Some(check.clone());
        Ok(check)
    })
    .await
}

/// Applies the offset `check_time` measured last (once). One beyond 5 minutes is refused
/// unless `confirm_large`: the user said yes to that server moving the clock that far.
#[tauri::command]
pub async fn apply_time_check(
    state: State<'_, AppState>,
    confirm_large: bool,
) -> AppResult<Settings> {
    let mut session = state.active_session();
    session.vault()?;
    let check = take_confirmed(&mut session.time_check, confirm_large)?;
    let vault = session.vault()?;
    vault.update(|data| {
        data.settings.clock_offset_ms = check.offset_ms;
        data.settings.clock_checked_at_ms = Some(unix_ms_now());
        Ok(())
    })?;
    state.apply_clock_settings(vault);
    Ok(vault.data().settings.clone())
}

/// The held measurement, if it may be applied: a large one only with `confirm_large`
/// (and it stays held, so the user can still confirm it).
fn take_confirmed(held: &mut Option<TimeCheck>, confirm_large: bool) -> AppResult<TimeCheck> {
    let check = held.as_ref().ok_or_else(|| {
        AppError::new(
            ErrorKind::NotFound,
            "There is no measured offset to apply: choose \"Check now\" first.",
        )
    })?;
    if check.needs_confirmation && !confirm_large {
        return Err(AppError::new(
            ErrorKind::ConfirmationRequired,
            format!(
                "The time server {} says this clock is off by more than 5 minutes; confirm that before Sesame applies it.",
                check.server
            ),
        ));
    }
    Ok(held.take().expect("checked above"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(offset_ms: i64) -> Option<TimeCheck> {
        Some(TimeCheck {
            offset_ms,
            delay_ms: 3,
            server: "time.example".into(),
            address: "192.0.2.1:123".into(),
            needs_confirmation: needs_confirmation(offset_ms),
        })
    }

    #[test]
    fn an_offset_of_an_hour_is_not_applied_without_confirmation() {
        let mut held = check(3_600_000);
        let e = take_confirmed(&mut held, false).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ConfirmationRequired);
        assert!(e.message.contains("time.example"), "{}", e.message);
        assert!(held.is_some(), "still held for a confirmation");
        assert_eq!(
            take_confirmed(&mut held, true).unwrap().offset_ms,
            3_600_000
        );
        assert!(held.is_none(), "applied once");
    }

    #[test]
    fn a_small_offset_is_applied_when_the_user_says_apply() {
        let mut held = check(-1_500);
        assert_eq!(take_confirmed(&mut held, false).unwrap().offset_ms, -1_500);
        let e = take_confirmed(&mut held, false).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "nothing measured is left");
    }
}
