//! Tauri's build step, with one permission per app command so the capability file can
//! grant exactly the commands the UI calls.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(sesame_app_commands::COMMANDS)),
    )
    .expect("tauri build step failed");
}

#[path = "src/command_names.rs"]
mod sesame_app_commands;
