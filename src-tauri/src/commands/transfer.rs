//! Exports: an encrypted backup, an Aegis vault, a plain `otpauth://` list, Google
//! Authenticator transfer QR codes. Each is something the user asked for, after the UI's warning.

use std::path::{Path, PathBuf};

use sesame::account::StoredAccount;
use tauri::State;
use zeroize::Zeroizing;

use super::{blocking, password_cost};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::AppState;

fn accounts(state: &AppState) -> AppResult<Vec<StoredAccount>> {
    let mut session = state.active_session();
    Ok(session.vault()?.data().accounts.clone())
}

/// Writes `bytes` to `path`, readable by the owner only (the user chose the path and
/// confirmed any overwrite in the save dialog).
fn write_private(path: &Path, bytes: &[u8]) -> AppResult<()> {
    let io = |e: std::io::Error| {
        AppError::new(
            ErrorKind::Io,
            format!("Cannot write {}: {e}.", path.display()),
        )
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io)?;
    std::io::Write::write_all(&mut file, bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

/// An encrypted backup protected by `password`; returns how many accounts it holds.
#[tauri::command]
pub async fn export_backup(
    state: State<'_, AppState>,
    path: PathBuf,
    password: Zeroizing<String>,
) -> AppResult<usize> {
    if password.chars().count() < 8 {
        return Err(AppError::invalid(
            "Choose a backup password of at least 8 characters.",
        ));
    }
    blocking(&state, move |state| {
        let accounts = accounts(&state)?;
        let bytes = sesame::backup::seal_backup(&accounts, &password, password_cost())?;
        write_private(&path, &bytes)?;
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
) -> AppResult<AegisExported> {
    if password.as_ref().is_some_and(|p| p.chars().count() < 8) {
        return Err(AppError::invalid(
            "Choose an export password of at least 8 characters.",
        ));
    }
    blocking(&state, move |state| {
        let accounts = accounts(&state)?;
        let export = sesame::import::aegis_json(&accounts, password.as_deref().map(|p| p.as_str()));
        write_private(&path, &export.bytes)?;
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
pub async fn export_otpauth(state: State<'_, AppState>, path: PathBuf) -> AppResult<usize> {
    blocking(&state, move |state| {
        let accounts = accounts(&state)?;
        let text = sesame::backup::otpauth_list(&accounts);
        write_private(&path, text.as_bytes())?;
        Ok(accounts.len())
    })
    .await
}

/// Google Authenticator transfer QR codes (SVG), to scan with a phone.
#[tauri::command]
pub async fn export_migration_qr(state: State<'_, AppState>) -> AppResult<Vec<String>> {
    blocking(&state, move |state| {
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
