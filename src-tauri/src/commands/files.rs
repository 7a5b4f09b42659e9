//! The native file dialogs, run by the shell: the web view asks for a file to open or a
//! place to save, the user chooses, and the web view gets a token for that choice and the
//! file's name (see `path_grants.rs`), never a path it could have made up.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State, Window};
use tauri_plugin_dialog::DialogExt;

use crate::error::{AppError, AppResult};
use crate::path_grants::{Purpose, file_name};
use crate::state::AppState;

/// A file the user chose: the token commands take, and its name to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PickedFile {
    /// Opaque and good for one use (`scan_file`, `open_backup`, the exports).
    pub token: String,
    /// The file's name, without its folder.
    pub file_name: String,
}

/// What the open dialog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum OpenKind {
    /// An image, a link list, a Sesame backup or another app's export.
    Import,
}

/// What the save dialog saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum SaveKind {
    /// An encrypted `.sesame` backup.
    SesameBackup,
    /// An Aegis vault (`.json`).
    AegisVault,
    /// A plain text list of `otpauth://` links.
    OtpauthList,
}

/// Extensions of the files Sesame imports: images, link lists, Sesame backups, other apps' exports.
const IMPORT_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "webp", "txt", "sesame", "json", "2fas", "csv", "aes",
    "bin", "xml", "backup", "authpro",
];

impl SaveKind {
    /// (dialog title, filter name, extension)
    fn dialog(self) -> (&'static str, &'static str, &'static str) {
        match self {
            SaveKind::SesameBackup => ("Save encrypted backup", "Sesame backup", "sesame"),
            SaveKind::AegisVault => ("Save Aegis vault", "Aegis vault", "json"),
            SaveKind::OtpauthList => ("Save links as plain text", "Text file", "txt"),
        }
    }
}

/// The native open dialog. `null` when the user cancels.
#[tauri::command]
pub async fn pick_open_file(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    kind: OpenKind,
) -> AppResult<Option<PickedFile>> {
    state.active_session().vault()?;
    let OpenKind::Import = kind;
    let dialog = app
        .dialog()
        .file()
        .set_title("Choose an image, a link list, a backup or another app's export")
        .add_filter("Images, link lists, backups and exports", IMPORT_EXTENSIONS)
        .add_filter("All files", &["*"]);
    let path = match e2e_hook::next_pick() {
        Some(picked) => picked,
        None => run_dialog(parented(dialog, &window), Dialog::Open).await?,
    };
    grant(&state, path, |_| Purpose::Open)
}

/// The native save dialog, offering `suggested_name` (a file name, no folder). `null` when
/// the user cancels. Choosing an existing file makes the dialog ask "Replace it?" first:
/// that answer is what lets the export replace it.
#[tauri::command]
pub async fn pick_save_file(
    app: AppHandle,
    window: Window,
    state: State<'_, AppState>,
    kind: SaveKind,
    suggested_name: String,
) -> AppResult<Option<PickedFile>> {
    check_file_name(&suggested_name)?;
    state.active_session().vault()?;
    let (title, filter, extension) = kind.dialog();
    let dialog = app
        .dialog()
        .file()
        .set_title(title)
        .set_file_name(suggested_name)
        .add_filter(filter, &[extension]);
    let path = match e2e_hook::next_pick() {
        Some(picked) => picked,
        None => run_dialog(parented(dialog, &window), Dialog::Save).await?,
    };
    grant(&state, path, |path| Purpose::Save {
        // The dialog returns an existing file only after the user said to replace it.
        overwrite_confirmed: std::fs::symlink_metadata(path).is_ok(),
    })
}

/// Issues a token for what the user chose, if the vault is still unlocked (a dialog can
/// stay open across an auto-lock).
fn grant(
    state: &AppState,
    path: Option<PathBuf>,
    purpose: impl FnOnce(&Path) -> Purpose,
) -> AppResult<Option<PickedFile>> {
    let Some(path) = path else { return Ok(None) };
    let session = state.session();
    if session.vault.is_none() {
        return Err(AppError::locked());
    }
    let purpose = purpose(&path);
    let file_name = file_name(&path);
    let token = state.grants.issue(path, purpose)?;
    drop(session);
    Ok(Some(PickedFile { token, file_name }))
}

/// Tokens to read the files dropped on the window, for the `files-dropped` event (none
/// while locked: only the vault screen takes drops).
pub fn dropped(state: &AppState, paths: &[PathBuf]) -> Vec<PickedFile> {
    let session = state.session();
    if session.vault.is_none() {
        return Vec::new();
    }
    // The web view adds from the first file; one grant is all a drop needs.
    paths
        .iter()
        .take(1)
        .filter_map(|path| {
            let token = state.grants.issue(path.clone(), Purpose::Open).ok()?;
            Some(PickedFile {
                token,
                file_name: file_name(path),
            })
        })
        .collect()
}

/// A name for the save dialog must be a file name only: no folder, nothing hidden in it.
fn check_file_name(name: &str) -> AppResult<()> {
    let plain = !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if plain {
        Ok(())
    } else {
        Err(AppError::invalid(
            "The suggested name must be a file name, without a folder.",
        ))
    }
}

#[derive(Clone, Copy)]
enum Dialog {
    Open,
    Save,
}

#[cfg(desktop)]
fn parented(
    dialog: tauri_plugin_dialog::FileDialogBuilder<tauri::Wry>,
    window: &Window,
) -> tauri_plugin_dialog::FileDialogBuilder<tauri::Wry> {
    dialog.set_parent(window)
}

#[cfg(mobile)]
fn parented(
    dialog: tauri_plugin_dialog::FileDialogBuilder<tauri::Wry>,
    _window: &Window,
) -> tauri_plugin_dialog::FileDialogBuilder<tauri::Wry> {
    dialog
}

/// Shows the dialog off the async runtime and waits for the user.
async fn run_dialog(
    dialog: tauri_plugin_dialog::FileDialogBuilder<tauri::Wry>,
    which: Dialog,
) -> AppResult<Option<PathBuf>> {
    let chosen = tauri::async_runtime::spawn_blocking(move || match which {
        Dialog::Open => dialog.blocking_pick_file(),
        Dialog::Save => dialog.blocking_save_file(),
    })
    .await
    .map_err(|e| AppError::internal(format!("The file dialog failed: {e}")))?;
    match chosen {
        None => Ok(None),
        Some(file) => file.into_path().map(Some).map_err(|_| {
            AppError::invalid("Sesame can only use files on this computer: choose another one.")
        }),
    }
}

/// The end-to-end tests' stand-in for the native dialog, which WebDriver cannot drive.
/// Only in debug builds (a release build has no such code), and only when the e2e runner
/// sets `SESAME_E2E_PICKS` to a file: each pick takes its first line as the chosen path
/// (an empty line, or no line, is a cancel) instead of opening a dialog.
mod e2e_hook {
    use std::path::PathBuf;

    #[cfg(debug_assertions)]
    pub fn next_pick() -> Option<Option<PathBuf>> {
        let queue = std::env::var_os("SESAME_E2E_PICKS")?;
        let text = std::fs::read_to_string(&queue).unwrap_or_default();
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("").to_owned();
        let rest: String = lines.map(|line| format!("{line}\n")).collect();
        let _ = std::fs::write(&queue, rest);
        Some((!first.is_empty()).then(|| PathBuf::from(first)))
    }

    #[cfg(not(debug_assertions))]
    pub fn next_pick() -> Option<Option<PathBuf>> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_gives_a_token_to_read_the_first_file_only_while_unlocked() {
        use crate::path_grants::Use;
        use sesame::keystore::{self, KeystoreChoice};
        use sesame::vault::{KdfCost, Vault, VaultPaths};
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::in_dir(dir.path().join("sesame"));
        let keys = KeystoreChoice::File(dir.path().join("keys"));
        paths.create_dir().unwrap();
        let dropped_files = [dir.path().join("qr.png"), dir.path().join("other.png")];
        let state = AppState::new(paths.clone(), keys.clone());
        assert!(
            dropped(&state, &dropped_files).is_empty(),
            "nothing while locked"
        );

        let vault =
            Vault::create(paths, keystore::open(&keys).unwrap(), None, KdfCost::MIN).unwrap();
        state.session().vault = Some(vault);
        let picked = dropped(&state, &dropped_files);
        assert_eq!(picked.len(), 1);
        assert_eq!(picked[0].file_name, "qr.png");
        let granted = state.grants.take(&picked[0].token, Use::Read).unwrap();
        assert_eq!(granted.path, dropped_files[0]);
        let again = dropped(&state, &dropped_files);
        assert!(state.grants.take(&again[0].token, Use::Write).is_err());
    }

    #[test]
    fn a_suggested_name_with_a_folder_is_refused() {
        for bad in ["", "..", "../.bashrc", "/etc/passwd", "a\\b", "a\nb"] {
            assert!(check_file_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_file_name("sesame-backup-2026-12-05.sesame").is_ok());
    }
}
