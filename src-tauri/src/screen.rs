//! Screen scanning: capture every monitor and read every QR code on it, with Sesame's own
//! window hidden so it does not cover the code.

#[cfg(desktop)]
use tauri::Manager;
use tauri::{AppHandle, Runtime};

use crate::error::{AppError, AppResult, ErrorKind};

/// The texts of all QR codes on all screens.
#[cfg(desktop)]
pub async fn scan<R: Runtime>(app: &AppHandle<R>) -> AppResult<Vec<String>> {
    let window = app.get_webview_window("main");
    let was_visible = window
        .as_ref()
        .is_some_and(|w| w.is_visible().unwrap_or(false));
    if let Some(w) = window.as_ref().filter(|_| was_visible) {
        let _ = w.hide();
    }
    let captured = tauri::async_runtime::spawn_blocking(move || {
        if was_visible {
            // Give the compositor a moment to repaint what was under the window.
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
        capture_and_decode()
    })
    .await;
    if let Some(w) = window.as_ref().filter(|_| was_visible) {
        let _ = w.show();
        let _ = w.set_focus();
    }
    captured.map_err(|e| AppError::internal(format!("The screen scan failed: {e}")))?
}

#[cfg(desktop)]
fn capture_and_decode() -> AppResult<Vec<String>> {
    let unavailable = |e: xcap::XCapError| {
        AppError::new(
            ErrorKind::Io,
            format!(
                "Sesame cannot capture the screen ({e}). Save the QR code as an image and add it from the file instead."
            ),
        )
    };
    let monitors = xcap::Monitor::all().map_err(unavailable)?;
    let mut texts = Vec::new();
    for monitor in monitors {
        let image = monitor.capture_image().map_err(unavailable)?;
        let (width, height) = (image.width(), image.height());
        for text in sesame::qr::decode_rgba(width, height, image.as_raw())? {
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
    }
    Ok(texts)
}

/// Phones have no screen to scan: they use the camera (barcode-scanner plugin).
#[cfg(mobile)]
pub async fn scan<R: Runtime>(_app: &AppHandle<R>) -> AppResult<Vec<String>> {
    Err(AppError::new(
        ErrorKind::InvalidInput,
        "Use the camera to scan a code on this device.",
    ))
}
