//! `sesame export` and `sesame import`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use sesame::backup;
use sesame::clock::{Clock, SystemClock};
use sesame::import::{self, Imported};
use sesame::vault::{self, Added};

use crate::args::{ExportArgs, Global, ImportArgs};
use crate::error::CliError;
use crate::session::{self, Secrets};

/// Writes a private (0600) file, refusing to overwrite unless `force`.
fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<(), CliError> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let write_error = |source| CliError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::Exists {
                path: path.to_owned(),
            }
        } else {
            write_error(e)
        }
    })?;
    file.write_all(bytes).map_err(write_error)?;
    file.sync_all().map_err(write_error)
}

/// `sesame export`.
pub fn export(global: &Global, args: &ExportArgs) -> Result<ExitCode, CliError> {
    if args.backup.is_none() && args.otpauth.is_none() && args.migration_qr.is_none() {
        return Err(CliError::Usage(
            "choose a format: --backup FILE (encrypted), --otpauth FILE or --migration-qr DIR (plain, with --plaintext)".into(),
        ));
    }
    if (args.otpauth.is_some() || args.migration_qr.is_some()) && !args.plaintext {
        return Err(CliError::Usage(
            "this export writes every secret unencrypted: anyone who sees the file or the QR codes can make your codes. Add --plaintext if you mean it, or use --backup FILE".into(),
        ));
    }
    let mut secrets = Secrets::new(global);
    let vault = session::open(global, &mut secrets)?;
    let accounts = &vault.data().accounts;
    if let Some(path) = &args.backup {
        let password = secrets.ask_new("backup password")?;
        let cost = vault::calibrate(Duration::from_millis(500));
        let bytes = backup::seal_backup(accounts, &password, cost)?;
        write_private(path, &bytes, args.force)?;
        println!(
            "Exported {} accounts to {} (encrypted with the backup password; restore with `sesame import`).",
            accounts.len(),
            path.display()
        );
    } else if let Some(path) = &args.otpauth {
        let text = backup::otpauth_list(accounts);
        write_private(path, text.as_bytes(), args.force)?;
        println!(
            "Exported {} accounts to {} in plain text. Delete it when done.",
            accounts.len(),
            path.display()
        );
    } else if let Some(dir) = &args.migration_qr {
        std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
            path: dir.display().to_string(),
            source,
        })?;
        let images = backup::migration_qr_pngs(accounts)?;
        let n = images.len();
        for (i, png) in images.iter().enumerate() {
            let path = dir.join(format!("sesame-transfer-{}-of-{n}.png", i + 1));
            write_private(&path, png, args.force)?;
            println!("{}", path.display());
        }
        println!(
            "Wrote {n} transfer QR code(s) for {} accounts: scan them with Google Authenticator (Transfer accounts → Import) or Sesame, then delete them.",
            accounts.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `sesame import`.
pub fn import(global: &Global, args: &ImportArgs) -> Result<ExitCode, CliError> {
    let imported = import::read_file(&args.file)?;
    let mut secrets = Secrets::new(global);
    let mut vault = session::open(global, &mut secrets)?;
    let results: Vec<(String, Added)> = match imported {
        Imported::Backup(bytes) => {
            let password = secrets.ask("Backup password: ")?;
            let accounts = backup::open_backup(&bytes, &password)?;
            let now = SystemClock.now_ms();
            vault.update(|data| {
                Ok(accounts
                    .into_iter()
                    .map(|stored| (stored.account.label(), data.import(stored, now)))
                    .collect())
            })?
        }
        Imported::Accounts(parsed) => crate::vault_cmd::add_parsed(&mut vault, parsed)?,
    };
    let new = results
        .iter()
        .filter(|(_, a)| matches!(a, Added::New(_)))
        .count();
    println!(
        "Imported {new} account(s) from {}; {} already present.",
        args.file.display(),
        results.len() - new
    );
    Ok(ExitCode::SUCCESS)
}
