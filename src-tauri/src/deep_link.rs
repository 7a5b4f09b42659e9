//! `otpauth://` and `otpauth-migration://` links that open Sesame: parsed into a pending
//! import and announced to the UI, which asks before anything is added. On the phones,
//! `sesame://callback?…` is the hosted sign-in page's answer: it goes to the sign-in
//! waiting for it (`cognito_hosted.rs`), and nowhere else.

use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::state::{AppState, Pending};

/// Whether `text` is a link Sesame handles.
pub fn is_otp_link(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("otpauth://") || lower.starts_with("otpauth-migration://")
}

/// Handles the OTP links among `args` (a launch's command line or a link event).
pub fn handle<R: Runtime>(app: &AppHandle<R>, args: impl IntoIterator<Item = String>) {
    let state = app.state::<AppState>().inner().clone();
    let args: Vec<String> = args.into_iter().collect();
    for answer in args
        .iter()
        .filter(|a| crate::cognito_hosted::is_app_callback(a))
    {
        if !state.hosted.deliver(answer.trim()) {
            let _ = app.emit(
                "deep-link-error",
                "No sign-in through the hosted page is waiting for that answer: start it again.",
            );
        }
    }
    for arg in args.into_iter().filter(|a| is_otp_link(a)) {
        let accounts = match sesame::link::parse(arg.trim()) {
            Ok(accounts) => accounts,
            Err(e) => {
                // Not worth a dialog of its own: the link was malformed at its source.
                let _ = app.emit(
                    "deep-link-error",
                    format!("That link cannot be added: {e}."),
                );
                continue;
            }
        };
        let (id, unlocked) = {
            let mut session = state.session();
            let id = session.hold(Pending::accounts("deep link", accounts));
            session.deep_links.push_back(id.clone());
            (id, session.vault.is_some())
        };
        if unlocked {
            let view = {
                let mut session = state.session();
                session.deep_links.retain(|d| *d != id);
                session.pending_view(&id)
            };
            if let Ok(view) = view {
                let _ = app.emit("pending", view);
            }
        }
    }
    if let Some(window) = app.get_webview_window("main") {
        #[cfg(desktop)]
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

#[cfg(test)]
mod tests {
    use super::is_otp_link;

    #[test]
    fn recognises_only_otp_links() {
        assert!(is_otp_link("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP"));
        assert!(is_otp_link("OTPAUTH-MIGRATION://offline?data=x"));
        assert!(!is_otp_link("/usr/bin/sesame-app"));
        assert!(!is_otp_link("https://example.com"));
    }
}
