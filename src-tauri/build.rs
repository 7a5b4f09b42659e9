//! Tauri's build step, with one permission per app command so the capability file can
//! grant exactly the commands the UI calls.

use std::path::Path;

fn main() {
    // The app embeds the built UI (tauri.conf.json's frontendDist); without it Tauri's
    // context macro fails later with a long panic. Say what to do instead.
    // Read when the script runs, not when it was compiled: cargo reuses a compiled build
    // script across checkouts of the workspace at other paths.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let ui = Path::new(&manifest_dir).join("../ui/dist/index.html");
    println!("cargo::rerun-if-changed={}", ui.display());
    if !ui.exists() {
        println!("cargo::error=the web UI is not built (ui/dist is missing): run `make ui` first");
        return;
    }
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(sesame_app_commands::COMMANDS)),
    )
    .expect("tauri build step failed");
}

#[path = "src/command_names.rs"]
mod sesame_app_commands;
