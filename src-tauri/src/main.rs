// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    sesame::process::harden();
    // `sesame-app --version` answers without opening a window (packaging checks use it).
    if matches!(std::env::args().nth(1).as_deref(), Some("--version" | "-V")) {
        let commit = option_env!("SESAME_GIT_COMMIT").filter(|c| !c.is_empty());
        println!(
            "sesame-app {} (commit {})",
            env!("CARGO_PKG_VERSION"),
            commit.unwrap_or("unknown")
        );
        return;
    }
    sesame_app_lib::run();
}
