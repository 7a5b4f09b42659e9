//! `otpauth://` and `otpauth-migration://` links that open Sesame: parsed into a pending
//! import and announced to the UI, which asks before anything is added. On the phones,
//! `sesame://callback?…` is the hosted sign-in page's answer: it goes to the sign-in
//! waiting for it (`cognito_hosted.rs`), and nowhere else; `sesame://signed-out` is the
//! browser back from the hosted page's `/logout`, for the sign-out waiting for it.

use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::cognito_hosted::{HostedFlow, is_app_callback, is_app_signed_out};
use crate::state::{AppState, Pending};

/// Hands the hosted page's links among `args` to the sign-in (`sesame://callback`) or
/// sign-out (`sesame://signed-out`) waiting for them; what to tell the user about each one
/// nothing waits for (it is refused).
pub fn route_hosted(flow: &HostedFlow, args: &[String]) -> Vec<&'static str> {
    let mut refused = Vec::new();
    for link in args.iter().map(|a| a.trim()) {
        let unawaited = if is_app_callback(link) {
            "No sign-in through the hosted page is waiting for that answer: start it again."
        } else if is_app_signed_out(link) {
            "No sign-out of the hosted page is waiting for that link: sign out again to end its session."
        } else {
            continue;
        };
        if !flow.deliver(link) {
            refused.push(unawaited);
        }
    }
    refused
}

/// Whether `text` is a link Sesame handles.
pub fn is_otp_link(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("otpauth://") || lower.starts_with("otpauth-migration://")
}

/// Handles the OTP links among `args` (a launch's command line or a link event).
pub fn handle<R: Runtime>(app: &AppHandle<R>, args: impl IntoIterator<Item = String>) {
    let state = app.state::<AppState>().inner().clone();
    let args: Vec<String> = args.into_iter().collect();
    for refused in route_hosted(&state.hosted, &args) {
        let _ = app.emit("deep-link-error", refused);
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
    use std::time::Duration;

    use super::{HostedFlow, is_otp_link, route_hosted};

    fn links(links: &[&str]) -> Vec<String> {
        links.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn a_signed_out_link_ends_the_sign_out_waiting_for_it() {
        let flow = HostedFlow::default();
        flow.begin_app_sign_out("https://auth.example/logout?logout_uri=sesame".into());
        let (outcome, refused) = tauri::async_runtime::block_on(async {
            let link = async {
                tokio::task::yield_now().await;
                route_hosted(&flow, &links(&["sesame://signed-out"]))
            };
            tokio::join!(flow.wait_signed_out(Duration::from_secs(30)), link)
        });
        assert!(refused.is_empty(), "{refused:?}");
        assert!(matches!(outcome, Ok(Ok(()))), "{outcome:?}");
        assert!(!flow.is_pending());
    }

    #[test]
    fn a_signed_out_link_with_no_sign_out_waiting_is_refused() {
        let flow = HostedFlow::default();
        let refused = route_hosted(&flow, &links(&["sesame://signed-out"]));
        assert_eq!(refused.len(), 1);
        assert!(refused[0].contains("No sign-out"), "{}", refused[0]);
    }

    #[test]
    fn a_sign_in_answer_is_refused_by_a_waiting_sign_out_which_keeps_waiting() {
        let flow = HostedFlow::default();
        flow.begin_app_sign_out("https://auth.example/logout".into());
        let refused = route_hosted(&flow, &links(&["sesame://callback?code=1&state=2"]));
        assert_eq!(refused.len(), 1);
        assert!(refused[0].contains("No sign-in"), "{}", refused[0]);
        let refused = route_hosted(
            &flow,
            &links(&[
                "otpauth://totp/A?secret=JBSWY3DPEHPK3PXP",
                "/usr/bin/sesame-app",
            ]),
        );
        assert!(refused.is_empty(), "other links are not the hosted page's");
        assert!(route_hosted(&flow, &links(&["sesame://signed-out"])).is_empty());
    }

    #[test]
    fn recognises_only_otp_links() {
        assert!(is_otp_link("otpauth://totp/A?secret=JBSWY3DPEHPK3PXP"));
        assert!(is_otp_link("OTPAUTH-MIGRATION://offline?data=x"));
        assert!(!is_otp_link("/usr/bin/sesame-app"));
        assert!(!is_otp_link("https://example.com"));
    }
}
