//! Creating, unlocking and locking the vault, and its password.

use serde::Serialize;
use sesame::vault::{KdfCost, Vault, VaultError};
use tauri::State;
use zeroize::Zeroizing;

use super::{blocking, password_cost};
use crate::error::{AppError, AppResult};
use crate::launch_open::LaunchOpen;
use crate::state::AppState;

/// Where the vault is: what the UI shows (first run, unlock, or the accounts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum VaultState {
    NoVault,
    Locked,
    Unlocked,
}

/// What the UI needs to pick a screen.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Status {
    state: VaultState,
    /// Whether the vault asks for a password (false before a vault exists).
    has_password: bool,
    /// Where the vault lives, for the settings screen.
    vault_path: String,
    /// A short description of the keystore holding the device secret.
    keystore: String,
}

/// Which screen to show: first run, unlock, or the accounts.
#[tauri::command]
pub async fn status(
    state: State<'_, AppState>,
    launch: State<'_, LaunchOpen>,
) -> AppResult<Status> {
    launch.wait().await;
    let vault_path = state.paths.vault.display().to_string();
    let keystore = state.keystore.to_string();
    if let Some(vault) = &state.session().vault {
        return Ok(Status {
            state: VaultState::Unlocked,
            has_password: vault.has_password(),
            vault_path,
            keystore: vault.keystore_description(),
        });
    }
    match Vault::info(&state.paths) {
        Ok(info) => Ok(Status {
            state: VaultState::Locked,
            has_password: info.has_password,
            vault_path,
            keystore,
        }),
        Err(VaultError::NotFound { .. }) => Ok(Status {
            state: VaultState::NoVault,
            has_password: false,
            vault_path,
            keystore,
        }),
        Err(e) => Err(e.into()),
    }
}

fn non_empty(password: Option<Zeroizing<String>>) -> Option<Zeroizing<String>> {
    password.filter(|p| !p.is_empty())
}

/// Creates the vault (binding it to a new device secret) and leaves it unlocked.
#[tauri::command]
pub async fn create_vault(
    state: State<'_, AppState>,
    password: Option<Zeroizing<String>>,
) -> AppResult<()> {
    let password = non_empty(password);
    blocking(&state, move |state| {
        let keystore = sesame::keystore::open(&state.keystore)?;
        let cost = if password.is_some() {
            password_cost()
        } else {
            KdfCost::DEFAULT
        };
        state.paths.create_dir()?;
        let vault = Vault::create(
            state.paths.clone(),
            keystore,
            password.as_ref().map(|p| p.as_str()),
            cost,
        )?;
        state.apply_clock_settings(&vault);
        let mut session = state.active_session();
        session.vault = Some(vault);
        Ok(())
    })
    .await
}

/// Unlocks the vault with the device secret and, if it has one, the password. A file older
/// than the newest saved here is refused with `rolled_back` (see `unlock_older_copy`).
#[tauri::command]
pub async fn unlock(
    state: State<'_, AppState>,
    password: Option<Zeroizing<String>>,
) -> AppResult<()> {
    unlock_with(&state, password, Rollback::Refuse).await
}

/// Opens a vault file older than the newest one this device saved (`unlock` answered
/// `rolled_back`), after the user confirmed it is a copy they put back themselves. The
/// password is still needed when the vault has one; the older copy then counts as the
/// newest, and changes saved after it are gone from this device.
#[tauri::command]
pub async fn unlock_older_copy(
    state: State<'_, AppState>,
    password: Option<Zeroizing<String>>,
) -> AppResult<()> {
    unlock_with(&state, password, Rollback::Accept).await
}

/// What `unlock` and `unlock_older_copy` share: opens the vault off the async runtime.
async fn unlock_with(
    state: &AppState,
    password: Option<Zeroizing<String>>,
    rollback: Rollback,
) -> AppResult<()> {
    let password = non_empty(password);
    blocking(state, move |state| {
        open_into_session(&state, password.as_ref().map(|p| p.as_str()), rollback)
    })
    .await
}

/// Whether `unlock` may open a vault file older than the newest saved here.
#[derive(Clone, Copy)]
enum Rollback {
    Refuse,
    Accept,
}

/// Opens the vault and makes it the session's.
fn open_into_session(
    state: &AppState,
    password: Option<&str>,
    rollback: Rollback,
) -> AppResult<()> {
    let keystore = sesame::keystore::open(&state.keystore)?;
    let paths = state.paths.clone();
    let vault = match rollback {
        Rollback::Refuse => Vault::open(paths, keystore, password)?,
        Rollback::Accept => Vault::open_accepting_rollback(paths, keystore, password)?,
    };
    state.apply_clock_settings(&vault);
    let mut session = state.active_session();
    session.vault = Some(vault);
    Ok(())
}

/// Locks now: the keys and every decrypted account leave memory.
#[tauri::command]
pub async fn lock(state: State<'_, AppState>) -> AppResult<()> {
    state.lock();
    Ok(())
}

/// Resets the auto-lock timer.
#[tauri::command]
pub async fn touch(state: State<'_, AppState>) -> AppResult<()> {
    drop(state.active_session());
    Ok(())
}

/// Adds (old `None`), changes, or removes (new `None`) the password. The old password
/// is checked by unlocking with it first.
#[tauri::command]
pub async fn change_password(
    state: State<'_, AppState>,
    old_password: Option<Zeroizing<String>>,
    new_password: Option<Zeroizing<String>>,
) -> AppResult<()> {
    let old_password = non_empty(old_password);
    let new_password = non_empty(new_password);
    blocking(&state, move |state| {
        confirm_password(&state, old_password.as_ref().map(|p| p.as_str()))?;
        let cost = if new_password.is_some() {
            password_cost()
        } else {
            KdfCost::DEFAULT
        };
        let mut session = state.active_session();
        let vault = session.vault()?;
        vault.set_password(new_password.as_ref().map(|p| p.as_str()), cost)?;
        Ok(())
    })
    .await
}

/// Proves that the user knows the vault password, when the vault has one: reveal, exports
/// and a password change ask for it again. The open vault does not keep anything a
/// password could be checked against more cheaply than the key derivation itself, so this
/// opens the vault file with it (one Argon2id run; it is a deliberate user action).
pub fn confirm_password(state: &AppState, password: Option<&str>) -> AppResult<()> {
    if !state.session().vault()?.has_password() {
        return Ok(());
    }
    let Some(password) = password.filter(|p| !p.is_empty()) else {
        return Err(AppError::new(
            crate::error::ErrorKind::PasswordRequired,
            "Enter the vault password to continue.",
        ));
    };
    let keystore = sesame::keystore::open(&state.keystore)?;
    Vault::open(state.paths.clone(), keystore, Some(password))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;
    use crate::test_vault;
    use sesame::vault::VaultPaths;

    const PASSWORD: &str = "correct horse battery 42";

    fn add(vault: &mut Vault, link: &str) {
        let account = sesame::uri::parse(link).unwrap().account.clone();
        vault.update(|d| Ok(d.add(account, 0))).unwrap();
    }

    fn names(state: &AppState) -> Vec<String> {
        let mut session = state.session();
        let data = session.vault().unwrap().data();
        data.accounts
            .iter()
            .map(|a| a.account.name.clone())
            .collect()
    }

    #[test]
    fn an_older_vault_file_is_refused_as_rolled_back_and_opens_only_when_accepted() {
        let (dir, state, _) = test_vault::unlocked_with_cost(Some(PASSWORD), KdfCost::MIN);
        let vault_file = VaultPaths::in_dir(dir.path().join("sesame")).vault;
        let older = std::fs::read(&vault_file).unwrap();
        add(
            state.session().vault.as_mut().unwrap(),
            "otpauth://totp/B:bob?secret=KRSXG5CTMVRXEZLU",
        );
        state.lock();
        std::fs::write(&vault_file, &older).unwrap();

        let e = open_into_session(&state, Some(PASSWORD), Rollback::Refuse).unwrap_err();
        assert_eq!(e.kind, ErrorKind::RolledBack);
        assert!(
            e.message
                .starts_with("This vault file is older than the last one saved on this device"),
            "{}",
            e.message
        );
        assert!(state.session().vault.is_none(), "still locked");

        let e = open_into_session(&state, Some("not the password"), Rollback::Accept).unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::WrongPassword,
            "the password is still needed"
        );
        assert!(state.session().vault.is_none());

        open_into_session(&state, Some(PASSWORD), Rollback::Accept).unwrap();
        assert_eq!(names(&state), ["alice"]);
        state.lock();
        open_into_session(&state, Some(PASSWORD), Rollback::Refuse).unwrap();
        assert_eq!(names(&state), ["alice"], "the older copy is now the newest");
    }
}
