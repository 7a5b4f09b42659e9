//! Adding accounts: everything read is held as a pending import and shown to the user;
//! only `confirm_pending` (or the typed-in form) writes to the vault.

use sesame::account::ParsedAccount;
use sesame::backup;
use sesame::import::{self, Export, Format, ImportError, Imported};
use sesame::vault::Added;
use tauri::{AppHandle, State};
use zeroize::Zeroizing;

use super::blocking;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::path_grants::{Granted, Use};
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

/// A file the user chose (`pick_open_file`) or dropped (`files-dropped`), by its token: an
/// image, a list of links, or an encrypted file (which rejects with `password_required`
/// and keeps the token good for `open_backup`).
#[tauri::command]
pub async fn scan_file(state: State<'_, AppState>, file_token: String) -> AppResult<PendingView> {
    blocking(&state, move |state| scan_granted(&state, &file_token)).await
}

/// `scan_file` without Tauri.
fn scan_granted(state: &AppState, file_token: &str) -> AppResult<PendingView> {
    let granted = state.grants.take(file_token, Use::Read)?;
    let read = import::read_file(&granted.path, import::Options::default());
    let held = hold_import(state, read, "file", &granted.file_name());
    keep_for_password(state, granted, held)
}

/// Gives the grant back when the file needs a password (or another one), so the retry
/// reads the same file with the same token.
fn keep_for_password<T>(state: &AppState, granted: Granted, result: AppResult<T>) -> AppResult<T> {
    if let Err(e) = &result
        && matches!(
            e.kind,
            ErrorKind::PasswordRequired | ErrorKind::WrongPassword
        )
    {
        state.grants.give_back(granted);
    }
    result
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

/// An encrypted file (a Sesame backup or another app's export), by the token of the
/// user's choice, and its password. A wrong password keeps the token good for a retry.
#[tauri::command]
pub async fn open_backup(
    state: State<'_, AppState>,
    file_token: String,
    password: Zeroizing<String>,
) -> AppResult<PendingView> {
    blocking(&state, move |state| {
        open_granted(&state, &file_token, &password)
    })
    .await
}

/// `open_backup` without Tauri.
fn open_granted(state: &AppState, file_token: &str, password: &str) -> AppResult<PendingView> {
    let granted = state.grants.take(file_token, Use::Read)?;
    let bytes = std::fs::read(&granted.path).map_err(|e| {
        AppError::new(
            ErrorKind::Io,
            format!("Cannot read {}: {e}.", granted.file_name()),
        )
    })?;
    let held = hold_encrypted(state, &bytes, password, "file");
    keep_for_password(state, granted, held)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path_grants::Purpose;
    use sesame::keystore::KeystoreChoice;
    use sesame::vault::VaultPaths;
    use std::path::Path;

    const BACKUP_PASSWORD: &str = "backup password 42";

    fn state(dir: &Path) -> AppState {
        AppState::new(
            VaultPaths::in_dir(dir.join("sesame")),
            KeystoreChoice::File(dir.join("keys")),
        )
    }

    fn links_file(dir: &Path) -> std::path::PathBuf {
        let path = dir.join("links.txt");
        std::fs::write(&path, "otpauth://totp/ACME:carol?secret=JBSWY3DPEHPK3PXP\n").unwrap();
        path
    }

    #[test]
    fn a_raw_path_is_refused_and_nothing_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(dir.path());
        let path = links_file(dir.path());
        let e = scan_granted(&state, path.to_str().unwrap()).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.contains("file dialogs"), "{}", e.message);
        let e = open_granted(&state, path.to_str().unwrap(), "x").unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(state.session().pending.is_empty(), "nothing was read");
    }

    #[test]
    fn a_chosen_file_is_read_once_and_its_token_then_refused() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(dir.path());
        let token = state
            .grants
            .issue(links_file(dir.path()), Purpose::Open)
            .unwrap();
        let view = scan_granted(&state, &token).unwrap();
        assert_eq!(view.accounts.len(), 1);
        let e = scan_granted(&state, &token).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(state.session().pending.len(), 1);
    }

    #[test]
    fn a_save_target_is_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(dir.path());
        let token = state
            .grants
            .issue(
                links_file(dir.path()),
                Purpose::Save {
                    overwrite_confirmed: true,
                },
            )
            .unwrap();
        let e = scan_granted(&state, &token).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(state.session().pending.is_empty());
    }

    #[test]
    fn a_backup_keeps_its_token_through_the_password_prompt_and_a_wrong_password() {
        let dir = tempfile::tempdir().unwrap();
        let state = state(dir.path());
        let account = sesame::uri::parse("otpauth://totp/ACME:carol?secret=JBSWY3DPEHPK3PXP")
            .unwrap()
            .account
            .clone();
        let stored = sesame::account::StoredAccount::new(account, 0);
        let sealed =
            backup::seal_backup(&[stored], BACKUP_PASSWORD, sesame::vault::KdfCost::MIN).unwrap();
        let path = dir.path().join("old.sesame");
        std::fs::write(&path, sealed).unwrap();
        let token = state.grants.issue(path, Purpose::Open).unwrap();
        let e = scan_granted(&state, &token).unwrap_err();
        assert_eq!(e.kind, ErrorKind::PasswordRequired);
        let e = open_granted(&state, &token, "not the password").unwrap_err();
        assert_eq!(e.kind, ErrorKind::WrongPassword);
        let view = open_granted(&state, &token, BACKUP_PASSWORD).unwrap();
        assert_eq!(view.accounts.len(), 1);
        let e = open_granted(&state, &token, BACKUP_PASSWORD).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "spent once opened");
    }
}
