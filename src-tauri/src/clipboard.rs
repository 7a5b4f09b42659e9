//! Copying a code, and clearing it later only if the clipboard still holds it (so a
//! password the user copied meanwhile is left alone).

use std::time::Duration;

use sesame::Code;
use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::error::{AppError, AppResult};

/// Puts `code` on the clipboard; after `clear_after_secs` (0: never) clears it if unchanged.
pub fn copy_and_clear_later<R: Runtime>(
    app: &AppHandle<R>,
    code: Code,
    clear_after_secs: u64,
) -> AppResult<()> {
    app.clipboard()
        .write_text(code.as_str().to_owned())
        .map_err(|e| AppError::internal(format!("Could not copy to the clipboard: {e}.")))?;
    if clear_after_secs == 0 {
        return Ok(());
    }
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(clear_after_secs));
        let still_ours = app
            .clipboard()
            .read_text()
            .is_ok_and(|text| text == code.as_str());
        if still_ours {
            // Some clipboards cannot be emptied; an empty string is the next best thing.
            if app.clipboard().clear().is_err() {
                let _ = app.clipboard().write_text(String::new());
            }
        }
    });
    Ok(())
}
