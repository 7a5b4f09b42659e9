//! `sesame sync …`: turn Sesame Sync on with the sync passphrase (the first device creates
//! the key and shows the recovery key once), run a round, show the state and the devices,
//! revoke one, turn sync off, change the passphrase. The core does the work
//! (`sesame::sync`); the access token comes from the vault's Cognito session, refreshed
//! when it is about to expire.

use std::process::ExitCode;
use std::sync::Mutex;

use clap::{Args, Subcommand};
use serde_json::json;
use sesame::cognito::VaultAccess;
use sesame::sync::DeviceId;
use sesame::sync::client::{self, Joining, Recovering};
use sesame::sync::engine;
use sesame::vault::Vault;

use crate::args::{Global, KdfArgs};
use crate::error::CliError;
use crate::session::{self, Secrets};
use crate::vault_cmd;

/// `sesame sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: SyncCommand,
}

#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Turn sync on with a server (needs a Cognito sign-in): the first device sets the sync
    /// passphrase and gets the recovery key; the others type the same passphrase.
    Enable(EnableArgs),
    /// Sync now: send the changes made here, fetch the others' and merge them.
    Now(JsonArgs),
    /// Whether sync is on, with which server, how far this device has read and what waits.
    Status(JsonArgs),
    /// The devices that sync this user's accounts.
    Devices(JsonArgs),
    /// Remove a device from sync: its requests are refused from now on.
    Revoke(RevokeArgs),
    /// Turn sync off on this device (the accounts stay here).
    Disable(DisableArgs),
    /// Change the sync passphrase (asks for the current one, then the new one).
    Passphrase(PassphraseArgs),
    /// Forgot the sync passphrase: set a new one with the recovery key (and turn sync on
    /// here if it is off).
    Recover(RecoverArgs),
}

#[derive(Debug, Args)]
pub struct EnableArgs {
    /// The sync server, e.g. https://sync.example.com (plain http:// only to this machine).
    #[arg(long, value_name = "URL")]
    pub server: String,
    /// Read the sync passphrase from standard input (after the vault password, if any).
    #[arg(long)]
    pub passphrase_stdin: bool,
    /// This device's name in `sesame sync devices` (default: the host name).
    #[arg(long, value_name = "NAME")]
    pub device_name: Option<String>,
    /// Argon2id cost of a new passphrase (the first device only).
    #[command(flatten)]
    pub kdf: KdfArgs,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    /// One JSON object (fields documented in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The device id (from `sesame sync devices`).
    pub device: String,
}

#[derive(Debug, Args)]
pub struct DisableArgs {
    /// Also delete everything the server holds for this user (the sync key, every synced
    /// account, the devices): the other devices keep their accounts but stop syncing.
    /// Asks for a confirmation on a terminal.
    #[arg(long)]
    pub delete_remote: bool,
    /// With --delete-remote: delete without asking.
    #[arg(long, requires = "delete_remote")]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct PassphraseArgs {
    /// Read both passphrases from standard input (after the vault password, if any).
    #[arg(long)]
    pub passphrase_stdin: bool,
    /// Argon2id cost of the new passphrase.
    #[command(flatten)]
    pub kdf: KdfArgs,
}

#[derive(Debug, Args)]
pub struct RecoverArgs {
    /// The sync server (needed when sync is off on this device).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Read the recovery key, then the new passphrase, from standard input (after the vault
    /// password, if any).
    #[arg(long)]
    pub passphrase_stdin: bool,
    /// This device's name in `sesame sync devices` when sync is turned on here.
    #[arg(long, value_name = "NAME")]
    pub device_name: Option<String>,
    /// Argon2id cost of the new passphrase.
    #[command(flatten)]
    pub kdf: KdfArgs,
}

fn block_on<F: std::future::Future>(future: F) -> Result<F::Output, CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(CliError::Runtime)?;
    Ok(runtime.block_on(future))
}

/// Runs a `sesame sync` command.
pub fn run(global: &Global, args: &SyncArgs) -> Result<ExitCode, CliError> {
    let stdin = global.password_stdin
        || match &args.command {
            SyncCommand::Enable(a) => a.passphrase_stdin,
            SyncCommand::Passphrase(a) => a.passphrase_stdin,
            SyncCommand::Recover(a) => a.passphrase_stdin,
            _ => false,
        };
    let mut secrets = Secrets::with_stdin(stdin);
    let mut vault = session::open(global, &mut secrets)?;
    match &args.command {
        SyncCommand::Enable(a) => block_on(enable(&mut vault, &mut secrets, a))?,
        SyncCommand::Now(a) => block_on(now(&mut vault, a))?,
        SyncCommand::Status(a) => status(&vault, a),
        SyncCommand::Devices(a) => block_on(devices(&mut vault, a))?,
        SyncCommand::Revoke(a) => block_on(revoke(&mut vault, a))?,
        SyncCommand::Disable(a) => block_on(disable(&mut vault, a))?,
        SyncCommand::Passphrase(a) => block_on(passphrase(&mut vault, &mut secrets, a))?,
        SyncCommand::Recover(a) => block_on(recover(&mut vault, &mut secrets, a))?,
    }
}

async fn enable(
    vault: &mut Vault,
    secrets: &mut Secrets,
    args: &EnableArgs,
) -> Result<ExitCode, CliError> {
    let access = Mutex::new(&mut *vault);
    let name = args.device_name.clone().or_else(client::host_name);
    let joining = Joining::start(&access, &args.server, DeviceId::generate(), name).await?;
    let (passphrase, cost) = if joining.first {
        (
            secrets.ask_new("sync passphrase")?,
            vault_cmd::cost(&args.kdf)?,
        )
    } else {
        (
            secrets.ask("Sync passphrase: ")?,
            sesame::vault::KdfCost::DEFAULT,
        )
    };
    let (server, login) = (joining.server.clone(), joining.login.clone());
    let recovery = joining.finish(&access, &passphrase, cost).await?;
    println!("Sync is on with {server} for {login}.");
    match recovery {
        Some(recovery) => {
            println!();
            println!(
                "Recovery key (shown once; write it down and keep it apart from this device):"
            );
            println!();
            println!("    {}", recovery.to_text().as_str());
            println!();
            println!(
                "With it, a new sync passphrase can be set when this one is forgotten. Other devices join with `sesame sync enable --server {server}` and the same passphrase."
            );
        }
        None => println!("This device joined the user's sync key."),
    }
    println!("Run `sesame sync now` to sync.");
    Ok(ExitCode::SUCCESS)
}

async fn now(vault: &mut Vault, args: &JsonArgs) -> Result<ExitCode, CliError> {
    let access = Mutex::new(&mut *vault);
    let (transport, _) = client::connect(&access).await?;
    // After the token refresh saved the vault.
    let started = access.with_vault(|v| Ok(vault_cmd::now_ms(v.data())))?;
    let report = client::round(&access, &transport, started).await?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).map_err(|source| CliError::Json {
                what: "the sync report",
                source
            })?
        );
    } else {
        println!(
            "Synced: {} sent, {} received, {} merged (seq {}).",
            report.pushed, report.pulled, report.conflicts, report.seq
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn status(vault: &Vault, args: &JsonArgs) -> Result<ExitCode, CliError> {
    let Some(state) = &vault.data().sync else {
        if args.json {
            println!("{}", json!({"enabled": false}));
        } else {
            println!("Sync is off. Turn it on with: sesame sync enable --server URL");
        }
        return Ok(ExitCode::SUCCESS);
    };
    let waiting = client::waiting(state);
    if args.json {
        println!(
            "{}",
            json!({
                "enabled": true,
                "server": state.server,
                "user": state.user,
                "device": state.device.as_str(),
                "device_name": state.device_name,
                "seq": state.seq,
                "last_sync_ms": state.last_sync_ms,
                "waiting": waiting,
                "items": state.items.len(),
            })
        );
    } else {
        println!("Sync is on with {}.", state.server);
        println!(
            "This device: {}{}",
            state.device,
            state
                .device_name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        );
        match state.last_sync_ms {
            Some(ms) => println!("Last sync: {} (seq {}).", iso_time(ms), state.seq),
            None => println!("Not synced yet: run `sesame sync now`."),
        }
        println!("Changes waiting to be sent: {waiting}.");
    }
    Ok(ExitCode::SUCCESS)
}

/// Unix ms as `YYYY-MM-DD HH:MM:SS UTC`.
fn iso_time(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

async fn devices(vault: &mut Vault, args: &JsonArgs) -> Result<ExitCode, CliError> {
    let access = Mutex::new(&mut *vault);
    let (devices, this) = client::devices(&access).await?;
    if args.json {
        let list: Vec<_> = devices
            .iter()
            .map(|d| {
                json!({
                    "id": d.id, "name": d.name, "first_seen": d.first_seen,
                    "last_seen": d.last_seen, "revoked": d.revoked,
                    "this": d.id == this.as_str(),
                })
            })
            .collect();
        println!("{}", json!({ "devices": list }));
        return Ok(ExitCode::SUCCESS);
    }
    for d in &devices {
        let mut line = format!(
            "{}  {}  last seen {}",
            d.id,
            d.name.as_deref().unwrap_or("(no name)"),
            iso_time(d.last_seen)
        );
        if d.revoked {
            line.push_str("  [revoked]");
        }
        if d.id == this.as_str() {
            line.push_str("  [this device]");
        }
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn revoke(vault: &mut Vault, args: &RevokeArgs) -> Result<ExitCode, CliError> {
    let access = Mutex::new(&mut *vault);
    client::revoke(&access, &args.device).await?;
    println!(
        "Device {} is removed from sync: its requests are refused from now on.",
        args.device
    );
    Ok(ExitCode::SUCCESS)
}

async fn disable(vault: &mut Vault, args: &DisableArgs) -> Result<ExitCode, CliError> {
    let access = Mutex::new(&mut *vault);
    if args.delete_remote {
        let state = match client::state_of(&access) {
            Err(client::ClientError::Off) => {
                return Err(CliError::Usage(
                    "sync is off here, so there is no server to delete from: turn it on with `sesame sync enable --server URL` first".into(),
                ));
            }
            other => other?,
        };
        if !args.yes
            && !session::confirm(&format!(
                "Delete every synced account, the sync key and the device list from {}? The other devices keep their accounts but stop syncing.",
                state.server
            ))
        {
            return Err(CliError::SyncDeleteNotConfirmed {
                server: state.server.clone(),
            });
        }
        let (state, deleted) = client::delete_remote(&access).await?;
        println!(
            "Deleted this user's sync data from {} ({deleted} record(s)); sync is off on this device and its accounts stay here.",
            state.server
        );
        println!(
            "The other devices keep their accounts; their next sync says the server holds nothing any more."
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(state) = client::disable(&access)? else {
        println!("Sync is already off.");
        return Ok(ExitCode::SUCCESS);
    };
    let waiting = client::waiting(&state);
    println!(
        "Sync is off on this device; its accounts stay here and on {}.",
        state.server
    );
    if waiting > 0 {
        println!("{waiting} change(s) made here since the last sync were not sent.");
    }
    Ok(ExitCode::SUCCESS)
}

async fn passphrase(
    vault: &mut Vault,
    secrets: &mut Secrets,
    args: &PassphraseArgs,
) -> Result<ExitCode, CliError> {
    let access = Mutex::new(&mut *vault);
    // Sync off is said before any prompt.
    client::state_of(&access)?;
    let cost = vault_cmd::cost(&args.kdf)?;
    let old = secrets.ask("Sync passphrase: ")?;
    let new = secrets.ask_new("sync passphrase")?;
    client::change_passphrase(&access, &old, &new, cost).await?;
    println!(
        "The sync passphrase is changed: other devices keep syncing; a device that joins types the new one."
    );
    Ok(ExitCode::SUCCESS)
}

async fn recover(
    vault: &mut Vault,
    secrets: &mut Secrets,
    args: &RecoverArgs,
) -> Result<ExitCode, CliError> {
    let access = Mutex::new(&mut *vault);
    let name = args.device_name.clone().or_else(client::host_name);
    let recovering =
        Recovering::start(&access, args.server.as_deref(), DeviceId::generate(), name).await?;
    let cost = vault_cmd::cost(&args.kdf)?;
    let text = secrets.ask("Recovery key: ")?;
    let recovery = sesame::sync::RecoveryKey::parse(&text).map_err(engine::SyncError::from)?;
    let new = secrets.ask_new("sync passphrase")?;
    let (server, login, turned_on) = (
        recovering.server.clone(),
        recovering.login.clone(),
        recovering.turns_on,
    );
    recovering.finish(&access, &recovery, &new, cost).await?;
    if turned_on {
        println!("Sync is on with {server} for {login}.");
    }
    println!(
        "The sync passphrase is reset with the recovery key: devices that join type the new one; the recovery key keeps working."
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::iso_time;

    #[test]
    fn times_print_as_utc_dates() {
        assert_eq!(iso_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(iso_time(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(iso_time(1_764_900_000_999), "2025-12-05 02:00:00 UTC");
    }
}
