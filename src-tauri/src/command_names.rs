//! Every command the web view may call: the one list. `lib.rs` registers these handlers,
//! `build.rs` turns each into an `allow-…` permission, and the bindings test
//! (`bindings.rs`) writes a typed wrapper for each into `ui/src/lib/bindings.ts` and the
//! grants into `capabilities/default.json`. A command missing here cannot be called.
//!
//! Adding a command: write the `#[tauri::command]` in `commands/<module>.rs`, name it
//! below, run `make bindings`, and call the new wrapper from the UI.

/// Calls `$then!` with every command, grouped by its module under `commands/`:
/// `$then! { vault: status, create_vault, …; accounts: …; }`.
macro_rules! with_commands {
    ($then:ident) => {
        $then! {
            vault: status, create_vault, unlock, unlock_older_copy, lock, change_password, touch;
            accounts: list_accounts, codes, next_hotp, copy_code, edit_account, move_account,
                delete_account, reveal_secret;
            add: parse_link, scan_image, scan_file, scan_screen, open_backup, open_backup_bytes,
                add_manual, confirm_pending, discard_pending, take_deep_link;
            files: pick_open_file, pick_save_file;
            transfer: export_backup, export_aegis, export_otpauth, export_migration_qr;
            settings: get_settings, set_settings, check_time, apply_time_check;
            cognito: cognito_status, cognito_configure, cognito_sign_up, cognito_confirm,
                cognito_resend, cognito_forgot_password, cognito_confirm_forgot_password,
                cognito_sign_in, cognito_answer_mfa, cognito_answer_mfa_from_vault,
                cognito_set_new_password, cognito_set_up_mfa, cognito_whoami, cognito_refresh,
                cognito_enable_mfa, cognito_disable_mfa, cognito_sign_out, cognito_hosted_start,
                cognito_hosted_wait, cognito_hosted_cancel, cognito_hosted_copy_link,
                cognito_hosted_sign_out_wait;
            sync: sync_status, sync_probe, sync_enable, sync_now, sync_devices, sync_revoke,
                sync_disable, sync_delete_remote, sync_change_passphrase, sync_recover;
        }
    };
}

macro_rules! command_names {
    ($($module:ident: $($name:ident),+;)+) => {
        &[$($(stringify!($name)),+),+]
    };
}

/// Command names, in snake_case as `invoke` uses them.
#[allow(dead_code)] // read by build.rs and the tests
pub const COMMANDS: &[&str] = with_commands!(command_names);

#[cfg(test)]
macro_rules! command_modules {
    ($($module:ident: $($name:ident),+;)+) => {
        &[$($((stringify!($module), stringify!($name))),+),+]
    };
}

/// Each command with the module under `commands/` that holds its handler.
#[cfg(test)]
pub const COMMAND_MODULES: &[(&str, &str)] = with_commands!(command_modules);
