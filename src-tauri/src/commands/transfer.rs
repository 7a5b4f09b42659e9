//! Exports: an encrypted backup, an Aegis vault, a plain `otpauth://` list, Google
//! Authenticator transfer QR codes. Each is something the user asked for, after the UI's
//! warning, and (when the vault has a password) after entering it again. Files are never
//! written through a link, over an existing file only with `overwrite` (the user confirmed
//! it), and all at once.

use std::path::PathBuf;

use sesame::account::StoredAccount;
use tauri::State;
use zeroize::Zeroizing;

use super::vault::confirm_password;
use super::{blocking, password_cost};
use crate::error::{AppError, AppResult};
use crate::export_file::write_export;
use crate::state::AppState;

fn accounts(state: &AppState) -> AppResult<Vec<StoredAccount>> {
    let mut session = state.active_session();
    Ok(session.vault()?.data().accounts.clone())
}

/// An encrypted backup protected by `password`; returns how many accounts it holds.
#[tauri::command]
pub async fn export_backup(
    state: State<'_, AppState>,
    path: PathBuf,
    password: Zeroizing<String>,
    vault_password: Option<Zeroizing<String>>,
    overwrite: bool,
) -> AppResult<usize> {
    if password.chars().count() < 8 {
        return Err(AppError::invalid(
            "Choose a backup password of at least 8 characters.",
        ));
    }
    blocking(&state, move |state| {
        confirm_password(&state, vault_password.as_ref().map(|p| p.as_str()))?;
        let accounts = accounts(&state)?;
        let bytes = sesame::backup::seal_backup(&accounts, &password, password_cost())?;
        write_export(&path, &bytes, overwrite)?;
        Ok(accounts.len())
    })
    .await
}

/// What an Aegis export wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AegisExported {
    /// How many accounts the file holds.
    pub written: usize,
    /// `Issuer: name — why` of each account Aegis cannot hold (MD5 codes, …), left out.
    pub left_out: Vec<String>,
}

/// An Aegis vault that Aegis imports: encrypted with `password` (at least 8 characters),
/// or plain when `password` is `None` (after the UI's plaintext warning).
#[tauri::command]
pub async fn export_aegis(
    state: State<'_, AppState>,
    path: PathBuf,
    password: Option<Zeroizing<String>>,
    vault_password: Option<Zeroizing<String>>,
    overwrite: bool,
) -> AppResult<AegisExported> {
    if password.as_ref().is_some_and(|p| p.chars().count() < 8) {
        return Err(AppError::invalid(
            "Choose an export password of at least 8 characters.",
        ));
    }
    blocking(&state, move |state| {
        confirm_password(&state, vault_password.as_ref().map(|p| p.as_str()))?;
        let accounts = accounts(&state)?;
        let export = sesame::import::aegis_json(&accounts, password.as_deref().map(|p| p.as_str()));
        write_export(&path, &export.bytes, overwrite)?;
        Ok(AegisExported {
            written: export.written,
            left_out: export
                .left_out
                .iter()
                .map(|l| format!("{} — {}", l.label, l.reason))
                .collect(),
        })
    })
    .await
}

/// Every account as an `otpauth://` link, one per line, in plain text.
#[tauri::command]
pub async fn export_otpauth(
    state: State<'_, AppState>,
    path: PathBuf,
    vault_password: Option<Zeroizing<String>>,
    overwrite: bool,
) -> AppResult<usize> {
    blocking(&state, move |state| {
        confirm_password(&state, vault_password.as_ref().map(|p| p.as_str()))?;
        let accounts = accounts(&state)?;
        let text = sesame::backup::otpauth_list(&accounts);
        write_export(&path, text.as_bytes(), overwrite)?;
        Ok(accounts.len())
    })
    .await
}

/// Google Authenticator transfer QR codes (SVG), to scan with a phone.
#[tauri::command]
pub async fn export_migration_qr(
    state: State<'_, AppState>,
    vault_password: Option<Zeroizing<String>>,
) -> AppResult<Vec<String>> {
    blocking(&state, move |state| {
        confirm_password(&state, vault_password.as_ref().map(|p| p.as_str()))?;
        let plain: Vec<_> = accounts(&state)?.into_iter().map(|s| s.account).collect();
        if plain.is_empty() {
            return Err(AppError::invalid("There are no accounts to move."));
        }
        let links =
            sesame::migration::encode(&plain).map_err(|e| AppError::invalid(format!("{e}")))?;
        links
            .iter()
            .map(|link| Ok(sesame::qr::encode_svg(link)?))
            .collect()
    })
    .await
}
