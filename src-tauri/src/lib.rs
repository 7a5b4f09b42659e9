//! Sesame's desktop and mobile shell: Tauri commands over the `sesame` core. The UI in
//! `ui/` calls the commands listed in `command_names.rs` through the generated
//! `ui/src/lib/bindings.ts`; everything they do is in the core.

// First: its `with_commands!` is used below.
#[macro_use]
mod command_names;

#[cfg(test)]
mod bindings;
mod clipboard;
mod cognito_hosted;
mod cognito_state;
mod cognito_vault;
mod cognito_view;
mod commands;
mod deep_link;
mod error;
mod export_file;
mod idle;
mod launch_open;
mod path_grants;
mod screen;
mod state;
mod sync_runner;
mod sync_view;
#[cfg(test)]
mod test_vault;
mod views;

use sesame::keystore::KeystoreChoice;
use sesame::vault::VaultPaths;

use state::AppState;

/// The invoke handler for the commands of `command_names.rs`.
macro_rules! handlers {
    ($($module:ident: $($name:ident),+;)+) => {
        tauri::generate_handler![$($(commands::$module::$name),+),+]
    };
}

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
            .plugin(tauri_plugin_window_state::Builder::default().build());
    }
    #[cfg(mobile)]
    {
        builder = builder
            .plugin(tauri_plugin_barcode_scanner::init())
            .plugin(tauri_plugin_biometric::init())
            .plugin(tauri_plugin_clipboard_manager::init());
    }
    let on_exit = state.clone();
    let on_drop = state.clone();
    builder
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .manage(launch_open::LaunchOpen::start(state.clone()))
        .manage(state.clone())
        .setup(move |app| {
            connect_clipboard(app, &state);
            #[cfg(all(desktop, unix))]
            quit_on_signals(app.handle().clone());
            idle::start(app.handle().clone(), state.clone());
            sync_runner::start(app.handle().clone());
            setup_deep_links(app);
            Ok(())
        })
        .on_window_event(move |window, event| {
            // A file dropped on the window: the shell gives the web view a token to read it
            // (the web view's own drop event carries bare paths, which no command takes).
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let picked = commands::files::dropped(&on_drop, paths);
                if !picked.is_empty() {
                    use tauri::Emitter;
                    let _ = window.emit("files-dropped", picked);
                }
            }
        })
        .invoke_handler(with_commands!(handlers))
        .build(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("sesame-app: {e}");
            std::process::exit(1);
        })
        .run(move |_app, event| {
            // Quitting leaves no code of ours on the clipboard (a clipboard manager would
            // keep it after the app is gone).
            if let tauri::RunEvent::Exit = event {
                on_exit.clipboard.clear_if_ours(None);
            }
        });
}

/// A logout, `kill` or Ctrl-C quits the way closing the window does (through
/// `RunEvent::Exit`), instead of ending the process where it stands.
#[cfg(all(desktop, unix))]
fn quit_on_signals(app: tauri::AppHandle) {
    use tokio::signal::unix::{SignalKind, signal};
    tauri::async_runtime::spawn(async move {
        let kinds = [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
        ];
        let mut streams = Vec::new();
        for kind in kinds {
            match signal(kind) {
                Ok(stream) => streams.push(stream),
                Err(e) => eprintln!("sesame-app: cannot handle signal {kind:?}: {e}"),
            }
        }
        if streams.is_empty() {
            return;
        }
        let any = streams.iter_mut().map(|s| Box::pin(s.recv()));
        let _ = futures_select_all(any).await;
        app.exit(0);
    });
}

/// Waits for the first of `futures`.
#[cfg(all(desktop, unix))]
async fn futures_select_all<F: std::future::Future + Unpin>(futures: impl Iterator<Item = F>) {
    let mut futures: Vec<F> = futures.collect();
    std::future::poll_fn(move |cx| {
        for f in futures.iter_mut() {
            if std::pin::Pin::new(f).poll(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await
}

/// Gives the state the system clipboard (a display without one only loses copying).
fn connect_clipboard(app: &tauri::App, state: &AppState) {
    #[cfg(desktop)]
    {
        let _ = app;
        match clipboard::SystemBoard::open() {
            Ok(board) => state.clipboard.connect(Box::new(board)),
            Err(e) => eprintln!("sesame-app: no clipboard: {e}"),
        }
    }
    #[cfg(mobile)]
    state
        .clipboard
        .connect(Box::new(clipboard::SystemBoard::open(app.handle().clone())));
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
