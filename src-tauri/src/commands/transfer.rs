//! Exports: an encrypted backup, an Aegis vault, a plain `otpauth://` list, Google
//! Authenticator transfer QR codes. Each is something the user asked for, after the UI's
//! warning, and (when the vault has a password) after entering it again. Files are written
//! only where the user chose in the save dialog (`pick_save_file`'s token), never through a
//! link, over an existing file only when the dialog asked to replace it, and all at once.

use sesame::account::StoredAccount;
use tauri::State;
use zeroize::Zeroizing;

use super::vault::confirm_password;
use super::{blocking, password_cost};
use crate::error::{AppError, AppResult};
use crate::export_file::write_export;
use crate::path_grants::{Granted, Use};
use crate::state::AppState;

/// Writes `bytes` where the user chose to save.
fn write_granted(granted: &Granted, bytes: &[u8]) -> AppResult<()> {
    write_export(&granted.path, bytes, granted.overwrite_confirmed())
}

fn accounts(state: &AppState) -> AppResult<Vec<StoredAccount>> {
    let mut session = state.active_session();
    Ok(session.vault()?.data().accounts.clone())
}

/// An encrypted backup protected by `password`; returns how many accounts it holds.
#[tauri::command]
pub async fn export_backup(
    state: State<'_, AppState>,
    file_token: String,
    password: Zeroizing<String>,
    vault_password: Option<Zeroizing<String>>,
) -> AppResult<usize> {
    if password.chars().count() < 8 {
        return Err(AppError::invalid(
            "Choose a backup password of at least 8 characters.",
        ));
    }
    blocking(&state, move |state| {
        let granted = state.grants.take(&file_token, Use::Write)?;
        confirm_password(&state, vault_password.as_ref().map(|p| p.as_str()))?;
        let accounts = accounts(&state)?;
        let bytes = sesame::backup::seal_backup(&accounts, &password, password_cost())?;
        write_granted(&granted, &bytes)?;
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
    file_token: String,
    password: Option<Zeroizing<String>>,
    vault_password: Option<Zeroizing<String>>,
) -> AppResult<AegisExported> {
    if password.as_ref().is_some_and(|p| p.chars().count() < 8) {
        return Err(AppError::invalid(
            "Choose an export password of at least 8 characters.",
        ));
    }
    blocking(&state, move |state| {
        let granted = state.grants.take(&file_token, Use::Write)?;
        confirm_password(&state, vault_password.as_ref().map(|p| p.as_str()))?;
        let accounts = accounts(&state)?;
        let export = sesame::import::aegis_json(&accounts, password.as_deref().map(|p| p.as_str()));
        write_granted(&granted, &export.bytes)?;
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
    file_token: String,
    vault_password: Option<Zeroizing<String>>,
) -> AppResult<usize> {
    blocking(&state, move |state| {
        otpauth_to(
            &state,
            &file_token,
            vault_password.as_ref().map(|p| p.as_str()),
        )
    })
    .await
}

/// `export_otpauth` without Tauri.
fn otpauth_to(
    state: &AppState,
    file_token: &str,
    vault_password: Option<&str>,
) -> AppResult<usize> {
    let granted = state.grants.take(file_token, Use::Write)?;
    confirm_password(state, vault_password)?;
    let accounts = accounts(state)?;
    let text = sesame::backup::otpauth_list(&accounts);
    write_granted(&granted, text.as_bytes())?;
    Ok(accounts.len())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::path_grants::Purpose;
    use crate::test_vault::unlocked;
    use std::fs;
    use std::path::Path;

    fn save(state: &AppState, path: &Path, overwrite_confirmed: bool) -> String {
        state
            .grants
            .issue(
                path.to_owned(),
                Purpose::Save {
                    overwrite_confirmed,
                },
            )
            .unwrap()
    }

    #[test]
    fn an_export_to_a_raw_path_is_refused_and_writes_nothing() {
        let (dir, state, _) = unlocked(None);
        let victim = dir.path().join("bashrc");
        fs::write(&victim, "precious").unwrap();
        let e = otpauth_to(&state, victim.to_str().unwrap(), None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.message.contains("file dialogs"), "{}", e.message);
        let fresh = dir.path().join("links.txt");
        let e = otpauth_to(&state, fresh.to_str().unwrap(), None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        assert!(!fresh.exists());
    }

    #[test]
    fn an_export_with_a_file_chosen_to_be_read_writes_nothing() {
        let (dir, state, _) = unlocked(None);
        let victim = dir.path().join("qr.png");
        fs::write(&victim, "an image").unwrap();
        let token = state.grants.issue(victim.clone(), Purpose::Open).unwrap();
        let e = otpauth_to(&state, &token, None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert_eq!(fs::read_to_string(&victim).unwrap(), "an image");
    }

    #[test]
    fn an_export_writes_once_where_the_user_chose_and_the_token_is_then_spent() {
        let (dir, state, _) = unlocked(None);
        let target = dir.path().join("links.txt");
        let token = save(&state, &target, false);
        assert_eq!(otpauth_to(&state, &token, None).unwrap(), 1);
        assert!(
            fs::read_to_string(&target)
                .unwrap()
                .starts_with("otpauth://totp/")
        );
        fs::write(&target, "edited by the user").unwrap();
        let e = otpauth_to(&state, &token, None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(fs::read_to_string(&target).unwrap(), "edited by the user");
    }

    #[test]
    fn an_existing_file_is_replaced_only_when_the_save_dialog_confirmed_it() {
        let (dir, state, _) = unlocked(None);
        let target = dir.path().join("links.txt");
        fs::write(&target, "older").unwrap();
        let unconfirmed = save(&state, &target, false);
        let e = otpauth_to(&state, &unconfirmed, None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::ConfirmationRequired);
        assert_eq!(fs::read_to_string(&target).unwrap(), "older");
        let confirmed = save(&state, &target, true);
        otpauth_to(&state, &confirmed, None).unwrap();
        assert!(
            fs::read_to_string(&target)
                .unwrap()
                .starts_with("otpauth://")
        );
    }

    #[test]
    fn a_lock_spends_every_save_choice() {
        let (dir, state, _) = unlocked(None);
        let target = dir.path().join("links.txt");
        let token = save(&state, &target, false);
        state.lock();
        let e = otpauth_to(&state, &token, None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(!target.exists());
    }
}
