//! The account list: codes, copy, HOTP, edit, reorder, delete, reveal.

use serde::Serialize;
use sesame::account::AccountId;
use sesame::vault::{Edit, VaultError};
use tauri::State;
use zeroize::Zeroizing;

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::views::{AccountEdit, AccountView, CodeView, period_ms};

fn account_id(id: &str) -> AppResult<AccountId> {
    AccountId::parse(id).ok_or_else(|| AppError::invalid(format!("\"{id}\" is not an account id.")))
}

/// Every account, in the user's order, without secrets.
#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> AppResult<Vec<AccountView>> {
    let mut session = state.session();
    let vault = session.vault()?;
    // Pick up changes another Sesame (the CLI) saved; a busy vault just shows what we have.
    match vault.reload() {
        Ok(()) | Err(VaultError::Locked { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(vault
        .data()
        .accounts
        .iter()
        .map(AccountView::from)
        .collect())
}

/// Current and next codes for every account at the (corrected) time.
#[tauri::command]
pub async fn codes(state: State<'_, AppState>) -> AppResult<Vec<CodeView>> {
    let now_ms = state.now_ms();
    let mut session = state.session();
    let hotp = session.hotp_codes.clone();
    let vault = session.vault()?;
    Ok(vault
        .data()
        .accounts
        .iter()
        .map(|stored| {
            let kind = stored.account.params.kind;
            let period = period_ms(&kind);
            let Ok(otp) = stored.account.otp() else {
                return CodeView {
                    id: stored.id.as_str().to_owned(),
                    code: None,
                    next_code: None,
                    valid_for_ms: None,
                    period_ms: period,
                };
            };
            if period.is_none() {
                return CodeView {
                    id: stored.id.as_str().to_owned(),
                    code: hotp.get(&stored.id).map(|c| c.as_str().to_owned()),
                    next_code: None,
                    valid_for_ms: None,
                    period_ms: None,
                };
            }
            let snapshot = otp.snapshot(now_ms);
            CodeView {
                id: stored.id.as_str().to_owned(),
                code: Some(snapshot.code.as_str().to_owned()),
                next_code: Some(snapshot.next_code.as_str().to_owned()),
                valid_for_ms: snapshot.valid_for_ms,
                period_ms: period,
            }
        })
        .collect())
}

/// HOTP: uses the next counter value (saved before the code is shown).
#[tauri::command]
pub async fn next_hotp(state: State<'_, AppState>, id: String) -> AppResult<CodeView> {
    let id = account_id(&id)?;
    let now_ms = state.now_ms();
    let mut session = state.active_session();
    let code = session
        .vault()?
        .update(|data| data.next_hotp(&id, now_ms))?;
    let view = CodeView {
        id: id.as_str().to_owned(),
        code: Some(code.as_str().to_owned()),
        next_code: None,
        valid_for_ms: None,
        period_ms: None,
    };
    session.hotp_codes.insert(id, code);
    Ok(view)
}

/// What the UI shows after a copy.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CopyResult {
    /// Seconds until the clipboard is cleared; 0: it is not cleared.
    clear_after_secs: u64,
}

/// Copies the account's current code to the clipboard and clears it after the
/// configured time if it still holds that code.
#[tauri::command]
pub async fn copy_code(state: State<'_, AppState>, id: String) -> AppResult<CopyResult> {
    let id = account_id(&id)?;
    let now_ms = state.now_ms();
    let (code, clear_after_secs) = {
        let mut session = state.active_session();
        let hotp = session.hotp_codes.get(&id).cloned();
        let vault = session.vault()?;
        let stored = vault.data().find(id.as_str())?;
        let code = if stored.account.params.counter().is_some() {
            hotp.ok_or_else(|| {
                AppError::invalid("Press \"next code\" first: this is a counter-based account.")
            })?
        } else {
            let otp = stored.account.otp().map_err(|source| VaultError::NoCodes {
                label: stored.account.label(),
                source,
            })?;
            otp.code_at(now_ms / 1000)
        };
        let clear = vault.data().settings.clipboard_clear_secs;
        // Remember use, for sorting by recency later; a busy vault is not worth an error.
        let _ = vault.update(|data| data.touch(&id, now_ms));
        (code, clear)
    };
    let copied = state.clipboard.copy(code.as_str())?;
    if clear_after_secs > 0 {
        let state = state.inner().clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(clear_after_secs));
            state.clipboard.clear_if_ours(Some(copied));
        });
    }
    Ok(CopyResult { clear_after_secs })
}

/// Renames or re-tags an account.
#[tauri::command]
pub async fn edit_account(
    state: State<'_, AppState>,
    id: String,
    edit: AccountEdit,
) -> AppResult<AccountView> {
    let id = account_id(&id)?;
    let name = edit.name.trim().to_owned();
    if name.is_empty() {
        return Err(AppError::invalid("The account name cannot be empty."));
    }
    let issuer = edit
        .issuer
        .map(|i| i.trim().to_owned())
        .filter(|i| !i.is_empty());
    let note = edit.note.filter(|n| !n.trim().is_empty());
    let tags: Vec<String> = edit
        .tags
        .into_iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    let now_ms = state.now_ms();
    let mut session = state.active_session();
    let vault = session.vault()?;
    vault.update(|data| {
        data.edit(
            &id,
            Edit {
                issuer: Some(issuer),
                name: Some(name),
                icon: None,
                tags: Some(tags),
                note: Some(note),
            },
            now_ms,
        )
    })?;
    Ok(AccountView::from(vault.data().find(id.as_str())?))
}

/// Moves an account to `position` (0-based) in the list.
#[tauri::command]
pub async fn move_account(
    state: State<'_, AppState>,
    id: String,
    position: usize,
) -> AppResult<()> {
    let id = account_id(&id)?;
    let mut session = state.active_session();
    session
        .vault()?
        .update(|data| data.move_to(&id, position))?;
    Ok(())
}

/// Deletes an account (the UI has asked for confirmation).
#[tauri::command]
pub async fn delete_account(state: State<'_, AppState>, id: String) -> AppResult<()> {
    let id = account_id(&id)?;
    let mut session = state.active_session();
    session.vault()?.update(|data| data.remove(&id))?;
    session.hotp_codes.remove(&id);
    Ok(())
}

/// The secret, its link and a QR code, which the user asked to see.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Revealed {
    /// Canonical Base32.
    secret: String,
    /// The `otpauth://` link.
    uri: String,
    /// The link as a QR code.
    qr_svg: String,
}

/// Shows an account's secret: the one command that sends one to the web view. A vault
/// with a password asks for it again.
#[tauri::command]
pub async fn reveal_secret(
    state: State<'_, AppState>,
    id: String,
    password: Option<Zeroizing<String>>,
) -> AppResult<Revealed> {
    let id = account_id(&id)?;
    super::blocking(&state, move |state| {
        reveal(&state, &id, password.as_ref().map(|p| p.as_str()))
    })
    .await
}

fn reveal(state: &AppState, id: &AccountId, password: Option<&str>) -> AppResult<Revealed> {
    super::vault::confirm_password(state, password)?;
    let mut session = state.active_session();
    let stored = session.vault()?.data().find(id.as_str())?.clone();
    let uri = sesame::uri::format(&stored.account);
    let qr_svg = sesame::qr::encode_svg(&uri)?;
    Ok(Revealed {
        secret: stored.account.secret.to_base32().to_string(),
        uri,
        qr_svg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::test_vault::unlocked;

    const PASSWORD: &str = "correct horse battery 42";

    #[test]
    fn reveal_without_the_password_is_refused_when_the_vault_has_one() {
        let (_dir, state, id) = unlocked(Some(PASSWORD));
        let e = reveal(&state, &id, None).unwrap_err();
        assert_eq!(e.kind, ErrorKind::PasswordRequired);
        let e = reveal(&state, &id, Some("not the password")).unwrap_err();
        assert_eq!(e.kind, ErrorKind::WrongPassword);
        let shown = reveal(&state, &id, Some(PASSWORD)).unwrap();
        assert_eq!(shown.secret, "JBSWY3DPEHPK3PXP");
    }

    #[test]
    fn a_vault_without_a_password_reveals_without_one() {
        let (_dir, state, id) = unlocked(None);
        assert_eq!(
            reveal(&state, &id, None).unwrap().secret,
            "JBSWY3DPEHPK3PXP"
        );
    }
}
