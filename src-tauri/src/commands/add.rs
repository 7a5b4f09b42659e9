//! Adding accounts: everything read is held as a pending import and shown to the user;
//! only `confirm_pending` (or the typed-in form) writes to the vault.

use std::path::PathBuf;

use sesame::account::ParsedAccount;
use sesame::backup;
use sesame::import::{self, Export, Format, ImportError, Imported};
use sesame::vault::Added;
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use super::blocking;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::screen;
use crate::state::{AppState, Pending};
use crate::views::{AccountView, ManualAccount, PendingView};

/// Holds `accounts` read from `source` and describes them.
pub fn hold(
    state: &AppState,
    source: &str,
    accounts: Vec<ParsedAccount>,
) -> AppResult<PendingView> {
    hold_pending(state, Pending::accounts(source, accounts))
}

/// Holds a pending import and describes it.
fn hold_pending(state: &AppState, pending: Pending) -> AppResult<PendingView> {
    let mut session = state.active_session();
    let id = session.hold(pending);
    session.pending_view(&id)
}

/// Holds what an export file held: its accounts, and the entries it skipped with why.
fn hold_export(state: &AppState, source: &str, export: Export) -> AppResult<PendingView> {
    let format = match export.format {
        Format::Links | Format::QrImage | Format::Sesame => None,
        other => Some(other.name().to_owned()),
    };
    let skipped = export.skipped().cloned().collect();
    hold_pending(
        state,
        Pending {
            source: source.to_owned(),
            accounts: export.into_accounts(),
            format,
            skipped,
        },
    )
}

/// Parses the texts of QR codes into accounts; texts that are not OTP links are skipped,
/// and if nothing is left the error says what was found.
fn accounts_from_qr_texts(texts: &[String], place: &str) -> AppResult<Vec<ParsedAccount>> {
    if texts.is_empty() {
        return Err(AppError::new(
            ErrorKind::NoQrCode,
            format!("No QR code could be read from {place}."),
        ));
    }
    let mut accounts = Vec::new();
    let mut first_error = None;
    for text in texts {
        match sesame::link::parse(text) {
            Ok(found) => accounts.extend(found),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if accounts.is_empty() {
        let why = first_error.map(|e| e.to_string()).unwrap_or_default();
        return Err(AppError::new(
            ErrorKind::NoQrCode,
            format!("Found a QR code on {place}, but it is not a two-factor code ({why})."),
        ));
    }
    Ok(accounts)
}

/// An `otpauth://` or `otpauth-migration://` link, pasted or typed.
#[tauri::command]
pub async fn parse_link(
    state: State<'_, AppState>,
    text: Zeroizing<String>,
) -> AppResult<PendingView> {
    let accounts = sesame::link::parse(text.trim())?;
    hold(&state, "link", accounts)
}

/// What an import file held, as a pending import (or the error that says what to do).
fn hold_import(
    state: &AppState,
    read: Result<Imported, ImportError>,
    source: &str,
    name: &str,
) -> AppResult<PendingView> {
    match read {
        Ok(Imported::Export(export)) if export.accounts().next().is_some() => {
            hold_export(state, source, export)
        }
        Ok(Imported::Export(_)) => Err(AppError::new(
            ErrorKind::NoQrCode,
            format!("{name} holds no two-factor accounts Sesame can add."),
        )),
        Ok(Imported::Backup(_)) => Err(AppError::new(
            ErrorKind::PasswordRequired,
            "This is a Sesame backup: enter its password.",
        )),
        Err(ImportError::PasswordNeeded(format)) => Err(AppError::new(
            ErrorKind::PasswordRequired,
            format!("This {format} export is encrypted: enter the password it was saved with."),
        )),
        Err(ImportError::Qr(_))
        | Err(ImportError::Nothing(_))
        | Err(ImportError::Unrecognised { .. }) => Err(AppError::new(
            ErrorKind::NoQrCode,
            format!("{name} holds no two-factor links or QR codes Sesame can read."),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Bytes of a dropped, pasted or picked file: an image, a list of links, or a backup
/// (which rejects with `password_required`; then call `open_backup_bytes`).
#[tauri::command]
pub async fn scan_image(state: State<'_, AppState>, bytes: Vec<u8>) -> AppResult<PendingView> {
    blocking(&state, move |state| {
        let read = import::read_bytes(&bytes, "the file", import::Options::default());
        hold_import(&state, read, "image", "The image")
    })
    .await
}

/// A file chosen in the dialog: an image, a list of links, or a Sesame backup (which
/// rejects with `password_required`; then call `open_backup`).
#[tauri::command]
pub async fn scan_file(state: State<'_, AppState>, path: PathBuf) -> AppResult<PendingView> {
    blocking(&state, move |state| {
        let read = import::read_file(&path, import::Options::default());
        hold_import(&state, read, "file", &path.display().to_string())
    })
    .await
}

/// Opens an encrypted file with its password: a Sesame backup, or another app's export
/// (Aegis, 2FAS, …), whose wrong password says which app's export it was.
fn hold_encrypted(
    state: &AppState,
    bytes: &[u8],
    password: &str,
    source: &str,
) -> AppResult<PendingView> {
    if backup::is_backup(bytes) {
        let stored = backup::open_backup(bytes, password)?;
        let accounts = stored
            .into_iter()
            .map(|s| ParsedAccount::new(s.account, Vec::new()))
            .collect();
        return hold(state, "backup", accounts);
    }
    let options = import::Options {
        format: None,
        password: Some(password),
    };
    match import::read_bytes(bytes, "the file", options)? {
        Imported::Export(export) => hold_export(state, source, export),
        Imported::Backup(_) => Err(AppError::new(
            ErrorKind::PasswordRequired,
            "This is a Sesame backup: enter its password.",
        )),
    }
}

/// An encrypted file (a Sesame backup or another app's export) and its password.
#[tauri::command]
pub async fn open_backup(
    state: State<'_, AppState>,
    path: PathBuf,
    password: Zeroizing<String>,
) -> AppResult<PendingView> {
    blocking(&state, move |state| {
        let bytes = std::fs::read(&path).map_err(|e| {
            AppError::new(
                ErrorKind::Io,
                format!("Cannot read {}: {e}.", path.display()),
            )
        })?;
        hold_encrypted(&state, &bytes, &password, "file")
    })
    .await
}

/// An encrypted file's bytes (picked in the web view) and its password.
#[tauri::command]
pub async fn open_backup_bytes(
    state: State<'_, AppState>,
    bytes: Vec<u8>,
    password: Zeroizing<String>,
) -> AppResult<PendingView> {
    blocking(&state, move |state| {
        hold_encrypted(&state, &bytes, &password, "image")
    })
    .await
}

/// Every QR code on every screen (Sesame's own window is hidden meanwhile).
#[tauri::command]
pub async fn scan_screen(app: AppHandle, state: State<'_, AppState>) -> AppResult<PendingView> {
    let texts = screen::scan(&app).await?;
    accounts_from_qr_texts(&texts, "the screen").and_then(|a| hold(&state, "screen", a))
}

/// An account typed into the form (added at once: the user typed it).
#[tauri::command]
pub async fn add_manual(
    state: State<'_, AppState>,
    account: ManualAccount,
) -> AppResult<AccountView> {
    let account = account.into_account().map_err(AppError::invalid)?;
    let now_ms = state.now_ms();
    let mut session = state.active_session();
    let vault = session.vault()?;
    let added = vault.update(|data| Ok(data.add(account, now_ms)))?;
    let id = match added {
        Added::New(id) => id,
        Added::Duplicate(_) => {
            return Err(AppError::invalid(
                "This account is already in your vault, with the same secret.",
            ));
        }
    };
    Ok(AccountView::from(vault.data().find(id.as_str())?))
}

/// Adds the chosen accounts of a pending import; duplicates are skipped.
#[tauri::command]
pub async fn confirm_pending(
    state: State<'_, AppState>,
    pending_id: String,
    indices: Vec<usize>,
) -> AppResult<Vec<AccountView>> {
    let now_ms = state.now_ms();
    let mut session = state.active_session();
    let pending = session
        .pending
        .remove(&pending_id)
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, "That import is no longer waiting."))?;
    session.deep_links.retain(|id| *id != pending_id);
    if let Some(bad) = indices.iter().find(|i| **i >= pending.accounts.len()) {
        return Err(AppError::invalid(format!(
            "There is no account number {bad} in this import."
        )));
    }
    let chosen: Vec<_> = pending
        .accounts
        .iter()
        .enumerate()
        .filter(|(i, _)| indices.contains(i))
        .map(|(_, p)| p.account.clone())
        .collect();
    let vault = match session.vault() {
        Ok(vault) => vault,
        Err(e) => {
            // Keep the import so it can be confirmed after unlocking.
            session.pending.insert(pending_id, pending);
            return Err(e);
        }
    };
    let ids = vault.update(|data| {
        Ok(chosen
            .into_iter()
            .filter_map(|account| match data.add(account, now_ms) {
                Added::New(id) => Some(id),
                Added::Duplicate(_) => None,
            })
            .collect::<Vec<_>>())
    })?;
    let data = vault.data();
    Ok(ids
        .iter()
        .filter_map(|id| data.find(id.as_str()).ok())
        .map(AccountView::from)
        .collect())
}

/// Forgets a pending import.
#[tauri::command]
pub async fn discard_pending(state: State<'_, AppState>, pending_id: String) -> AppResult<()> {
    let mut session = state.active_session();
    session.pending.remove(&pending_id);
    session.deep_links.retain(|id| *id != pending_id);
    Ok(())
}

/// The oldest deep link not yet shown, if any. While locked it stays queued: the UI asks
/// again after unlocking.
#[tauri::command]
pub async fn take_deep_link(state: State<'_, AppState>) -> AppResult<Option<PendingView>> {
    let mut session = state.session();
    if session.vault.is_none() {
        return Ok(None);
    }
    while let Some(id) = session.deep_links.pop_front() {
        if session.pending.contains_key(&id) {
            return session.pending_view(&id).map(Some);
        }
    }
    Ok(None)
}
