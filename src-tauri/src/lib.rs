//! Sesame's desktop and mobile shell: Tauri commands over the `sesame` core. The UI in
//! `ui/` calls the commands listed in `command_names.rs`; everything they do is in the core.

mod clipboard;
#[cfg(desktop)]
mod cognito_state;
#[cfg(desktop)]
mod cognito_vault;
#[cfg(desktop)]
mod cognito_view;
#[cfg(test)]
mod command_names;
mod commands;
mod deep_link;
mod error;
mod idle;
mod launch_open;
mod screen;
mod state;
mod views;

use sesame::keystore::KeystoreChoice;
use sesame::vault::VaultPaths;

use state::AppState;

/// Builds and runs the app (desktop `main` and the mobile entry point).
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let state = match initial_state() {
        Ok(state) => state,
        Err(message) => {
            eprintln!("sesame-app: {message}");
            std::process::exit(2);
        }
    };

    let mut builder = tauri::Builder::default();
    #[cfg(desktop)]
    {
        // First, so a second launch hands its link to this window and exits.
        builder = builder
            .plugin(tauri_plugin_single_instance::init(|app, argv, _cwd| {
                deep_link::handle(app, argv);
            }))
            .plugin(tauri_plugin_window_state::Builder::default().build())
            .manage(cognito_state::CognitoFlow::default());
    }
    #[cfg(mobile)]
    {
        builder = builder
            .plugin(tauri_plugin_barcode_scanner::init())
            .plugin(tauri_plugin_biometric::init());
    }
    builder
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_deep_link::init())
        .manage(launch_open::LaunchOpen::start(state.clone()))
        .manage(state.clone())
        .setup(move |app| {
            idle::start(app.handle().clone(), state.clone());
            setup_deep_links(app);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::vault::status,
            commands::vault::create_vault,
            commands::vault::unlock,
            commands::vault::lock,
            commands::vault::change_password,
            commands::vault::touch,
            commands::accounts::list_accounts,
            commands::accounts::codes,
            commands::accounts::next_hotp,
            commands::accounts::copy_code,
            commands::accounts::edit_account,
            commands::accounts::move_account,
            commands::accounts::delete_account,
            commands::accounts::reveal_secret,
            commands::add::parse_link,
            commands::add::scan_image,
            commands::add::scan_file,
            commands::add::scan_screen,
            commands::add::open_backup,
            commands::add::open_backup_bytes,
            commands::add::add_manual,
            commands::add::confirm_pending,
            commands::add::discard_pending,
            commands::add::take_deep_link,
            commands::transfer::export_backup,
            commands::transfer::export_otpauth,
            commands::transfer::export_migration_qr,
            commands::settings::get_settings,
            commands::settings::set_settings,
            commands::settings::check_time,
            commands::cognito::cognito_status,
            commands::cognito::cognito_configure,
            commands::cognito::cognito_sign_up,
            commands::cognito::cognito_confirm,
            commands::cognito::cognito_resend,
            commands::cognito::cognito_forgot_password,
            commands::cognito::cognito_confirm_forgot_password,
            commands::cognito::cognito_sign_in,
            commands::cognito::cognito_answer_mfa,
            commands::cognito::cognito_answer_mfa_from_vault,
            commands::cognito::cognito_set_new_password,
            commands::cognito::cognito_set_up_mfa,
            commands::cognito::cognito_whoami,
            commands::cognito::cognito_refresh,
            commands::cognito::cognito_enable_mfa,
            commands::cognito::cognito_disable_mfa,
            commands::cognito::cognito_sign_out,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("sesame-app: {e}");
            std::process::exit(1);
        });
}

/// The vault location (`SESAME_HOME` or the platform's data folder) and the keystore
/// (`SESAME_KEYSTORE`, default the OS keystore), as the CLI chooses them.
fn initial_state() -> Result<AppState, String> {
    let paths = VaultPaths::default_location().map_err(|e| e.to_string())?;
    let keystore = KeystoreChoice::from_env_or(None).map_err(|e| e.to_string())?;
    Ok(AppState::new(paths, keystore))
}

/// Links the app was started with, and links that arrive later.
fn setup_deep_links(app: &mut tauri::App) {
    // Linux and Windows pass links on the command line (a second launch reaches us
    // through single-instance); macOS and the phones send events.
    #[cfg(any(target_os = "linux", windows))]
    {
        deep_link::handle(app.handle(), std::env::args().skip(1));
        #[cfg(not(debug_assertions))]
        {
            use tauri_plugin_deep_link::DeepLinkExt;
            // Registers the desktop entry for the schemes (installed bundles already have it).
            if let Err(e) = app.deep_link().register_all() {
                eprintln!("sesame-app: could not register otpauth:// links: {e}");
            }
        }
    }
    #[cfg(not(any(target_os = "linux", windows)))]
    {
        use tauri_plugin_deep_link::DeepLinkExt;
        let handle = app.handle().clone();
        app.deep_link().on_open_url(move |event| {
            deep_link::handle(&handle, event.urls().into_iter().map(|u| u.to_string()));
        });
        if let Ok(Some(urls)) = app.deep_link().get_current() {
            deep_link::handle(app.handle(), urls.into_iter().map(|u| u.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::command_names::COMMANDS;

    /// The capability grants exactly the app's commands, each of which has a permission.
    #[test]
    fn capability_grants_every_command_and_nothing_more() {
        let text = include_str!("../capabilities/default.json");
        let capability: serde_json::Value = serde_json::from_str(text).unwrap();
        let granted: Vec<String> = capability["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str())
            .filter(|p| p.starts_with("allow-"))
            .map(str::to_owned)
            .collect();
        let expected: Vec<String> = COMMANDS
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        assert_eq!(granted, expected);
    }

    /// Every command registered in `run` is in the list `build.rs` makes permissions for.
    #[test]
    fn every_handler_is_listed() {
        let source = include_str!("lib.rs");
        let start = source.find("generate_handler![").unwrap();
        let end = start + source[start..].find(']').unwrap();
        let handlers: Vec<&str> = source[start..end]
            .split(',')
            .filter_map(|h| h.trim().rsplit("::").next())
            .filter(|h| !h.is_empty() && !h.contains('['))
            .collect();
        assert_eq!(handlers, COMMANDS);
    }
}
