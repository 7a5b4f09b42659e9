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
    if args.backup.is_none()
        && args.otpauth.is_none()
        && args.migration_qr.is_none()
        && args.aegis.is_none()
    {
        return Err(CliError::Usage(
            "choose a format: --backup FILE or --aegis FILE (encrypted), --otpauth FILE or --migration-qr DIR (plain, with --plaintext)".into(),
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
    } else if let Some(path) = &args.aegis {
        let password = if args.plaintext {
            None
        } else {
            Some(secrets.ask_new("export password")?)
        };
        let export = import::aegis_json(accounts, password.as_deref().map(String::as_str));
        write_private(path, &export.bytes, args.force)?;
        for left_out in &export.left_out {
            eprintln!("left out: {}: {}", left_out.label, left_out.reason);
        }
        let how = match password {
            Some(_) => "encrypted with the export password",
            None => "in plain text; delete it when done",
        };
        println!(
            "Exported {} of {} accounts to {} as an Aegis vault ({how}); Aegis reads it with Import from file → Aegis.",
            export.written,
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

/// `sesame import`: reads the file (asking for its password when it is encrypted), then
/// either lists what it holds (`--dry-run`, no vault opened) or adds it and accounts for
/// every entry: added, already present, in conflict with an account, skipped and why.
pub fn import(global: &Global, args: &ImportArgs) -> Result<ExitCode, CliError> {
    let mut secrets = Secrets::new(global);
    if args.dry_run {
        let export = match read_import(args, &mut secrets)? {
            Imported::Export(export) => export,
            Imported::Backup(bytes) => {
                let password = secrets.ask("Backup password: ")?;
                let stored = backup::open_backup(&bytes, &password)?;
                let entries = stored
                    .into_iter()
                    .map(|s| import::Entry::from_account(s.account, Vec::new()))
                    .collect();
                import::Export::new(import::Format::Sesame, true, entries)
            }
        };
        return print_dry_run(&export, args.json);
    }
    let mut vault = session::open(global, &mut secrets)?;
    let now = SystemClock.now_ms();
    let summary = match read_import(args, &mut secrets)? {
        Imported::Backup(bytes) => {
            let password = secrets.ask("Backup password: ")?;
            let accounts = backup::open_backup(&bytes, &password)?;
            let found = accounts.len();
            vault.update(|data| {
                let mut summary = ImportSummary::new(import::Format::Sesame, found);
                for stored in accounts {
                    let label = stored.account.label();
                    let conflict = data.conflict_of(&stored.account).is_some();
                    summary.count(label, data.import(stored, now), conflict);
                }
                Ok(summary)
            })?
        }
        Imported::Export(export) => {
            for parsed in export.accounts() {
                for warning in &parsed.warnings {
                    eprintln!("warning: {}: {warning}", parsed.account.label());
                }
            }
            let mut summary = ImportSummary::new(export.format, export.entries.len());
            summary.skipped = export.skipped().cloned().collect();
            vault.update(|data| {
                for parsed in export.into_accounts() {
                    let label = parsed.account.label();
                    let conflict = data.conflict_of(&parsed.account).is_some();
                    summary.count(label, data.add(parsed.account, now), conflict);
                }
                Ok(summary)
            })?
        }
    };
    summary.print(&args.file, args.json)?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the import file; an encrypted export asks for its password (the next line of
/// stdin with --password-stdin) and is read again.
fn read_import(args: &ImportArgs, secrets: &mut Secrets) -> Result<Imported, CliError> {
    let mut options = import::Options {
        format: args.format,
        password: None,
    };
    match import::read_file(&args.file, options) {
        Err(import::ImportError::PasswordNeeded(format)) => {
            let password = secrets.ask(&format!("Password of the {format} export: "))?;
            options.password = Some(&password);
            Ok(import::read_file(&args.file, options)?)
        }
        other => Ok(other?),
    }
}

/// `--dry-run`: the accounts (JSON lines in the `sesame parse` shape with --json) on
/// stdout, skipped entries and warnings on stderr.
fn print_dry_run(export: &import::Export, json: bool) -> Result<ExitCode, CliError> {
    let mut out = String::new();
    for parsed in export.accounts() {
        if json {
            let line = serde_json::to_string(&crate::links::AccountJson::new(parsed)).map_err(
                |source| CliError::Json {
                    what: "the account",
                    source,
                },
            )?;
            out.push_str(&line);
        } else {
            out.push_str(&format!(
                "{}  ({} {} digits)",
                parsed.account.label(),
                parsed.account.params.kind.as_str(),
                parsed.account.params.digits
            ));
        }
        out.push('\n');
    }
    print!("{out}");
    for parsed in export.accounts() {
        for warning in &parsed.warnings {
            eprintln!("warning: {}: {warning}", parsed.account.label());
        }
    }
    for skipped in export.skipped() {
        eprintln!("skipped: {}: {}", skipped.label, skipped.reason);
    }
    if !json {
        eprintln!(
            "{} export: {} entries, {} accounts, {} skipped (nothing added: --dry-run)",
            export.format,
            export.entries.len(),
            export.accounts().count(),
            export.skipped().count()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// What an import did, entry by entry: every entry of the file is in exactly one list.
#[derive(Debug, serde::Serialize)]
struct ImportSummary {
    format: import::Format,
    found: usize,
    added: Vec<String>,
    already_present: Vec<String>,
    conflicts: Vec<String>,
    skipped: Vec<import::Skipped>,
}

impl ImportSummary {
    fn new(format: import::Format, found: usize) -> Self {
        ImportSummary {
            format,
            found,
            added: Vec::new(),
            already_present: Vec::new(),
            conflicts: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// Counts one account: added or already present; a conflict (same issuer and name,
    /// another secret) is added and listed too.
    fn count(&mut self, label: String, added: Added, conflict: bool) {
        match added {
            Added::New(_) => {
                if conflict {
                    self.conflicts.push(label.clone());
                }
                self.added.push(label);
            }
            Added::Duplicate(_) => self.already_present.push(label),
        }
    }

    fn print(&self, file: &Path, json: bool) -> Result<(), CliError> {
        if json {
            let line = serde_json::to_string(self).map_err(|source| CliError::Json {
                what: "the summary",
                source,
            })?;
            println!("{line}");
            return Ok(());
        }
        println!(
            "Imported {} account(s) from {} ({}); {} already present, {} skipped; {} of {} entries accounted for.",
            self.added.len(),
            file.display(),
            self.format,
            self.already_present.len(),
            self.skipped.len(),
            self.added.len() + self.already_present.len() + self.skipped.len(),
            self.found
        );
        for label in &self.conflicts {
            println!(
                "  conflict: {label} was already in the vault with a different secret; both are kept (check which one the service accepts, then delete the other)"
            );
        }
        for skipped in &self.skipped {
            println!("  skipped: {}: {}", skipped.label, skipped.reason);
        }
        Ok(())
    }
}
