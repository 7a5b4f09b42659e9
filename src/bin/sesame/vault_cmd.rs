//! Vault commands: init, add, list, codes, code NAME, rename, edit, move, remove, passwd.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;
use sesame::Secret;
use sesame::account::{Account, ParsedAccount, StoredAccount};
use sesame::clock::{Clock, SystemClock};
use sesame::import::{self, ImportError, Imported};
use sesame::qr::QrError;
use sesame::vault::{self, Added, Edit, KdfCost, Vault, VaultData, VaultPaths};
use zeroize::Zeroizing;

use crate::args::{
    AddArgs, CodesArgs, EditArgs, Global, InitArgs, KdfArgs, ListArgs, MoveArgs, PasswdArgs,
    RemoveArgs, RenameArgs,
};
use crate::error::CliError;
use crate::session::{self, Secrets};

/// Now, corrected by the stored clock offset when time correction is on.
pub fn now_ms(data: &VaultData) -> u64 {
    let now = SystemClock.now_ms();
    if data.settings.time_correction {
        now.saturating_add_signed(data.settings.clock_offset_ms)
    } else {
        now
    }
}

/// The password's key-derivation cost: calibrated to about half a second unless given.
pub fn cost(args: &KdfArgs) -> Result<KdfCost, CliError> {
    let base = if args.kdf_memory_mib.is_none() && args.kdf_passes.is_none() {
        vault::calibrate(Duration::from_millis(500))
    } else {
        KdfCost::DEFAULT
    };
    let cost = KdfCost {
        memory_kib: args
            .kdf_memory_mib
            .map_or(base.memory_kib, |m| m.saturating_mul(1024)),
        iterations: args.kdf_passes.unwrap_or(base.iterations),
        ..base
    };
    cost.check().map_err(vault::VaultError::from)?;
    Ok(cost)
}

/// `sesame init`.
pub fn init(global: &Global, args: &InitArgs) -> Result<ExitCode, CliError> {
    let paths = VaultPaths::default_location()?;
    if paths.vault.exists() {
        return Err(vault::VaultError::AlreadyExists { path: paths.vault }.into());
    }
    let keystore = session::keystore(global)?;
    let mut secrets = Secrets::new(global);
    let password = if args.no_password {
        None
    } else {
        Some(secrets.ask_new("vault password")?)
    };
    let cost = if password.is_some() {
        cost(&args.kdf)?
    } else {
        KdfCost::DEFAULT
    };
    let vault = Vault::create(paths, keystore, password.as_ref().map(|p| p.as_str()), cost)?;
    println!("Created a vault at {}", vault.paths().vault.display());
    println!(
        "It is bound to this device: its device key is in {}, so a copy of the file opens nowhere else.",
        vault.keystore_description()
    );
    if password.is_some() {
        println!(
            "Unlocking also needs your password (Argon2id, {} MiB, {} passes).",
            cost.memory_kib / 1024,
            cost.iterations
        );
    } else {
        println!("It has no password: anyone who can use this account on this device can read it.");
    }
    println!("To move accounts to another device later, use `sesame export --backup FILE`.");
    Ok(ExitCode::SUCCESS)
}

/// Prints what happened to each added account; returns how many were new.
fn report_added(results: &[(String, Added)]) -> usize {
    let mut new = 0;
    for (label, added) in results {
        match added {
            Added::New(id) => {
                new += 1;
                println!("Added {label} ({})", id.short());
            }
            Added::Duplicate(id) => {
                println!(
                    "Already in the vault: {label} ({}); not added again",
                    id.short()
                )
            }
        }
    }
    new
}

/// Adds parsed accounts in one save.
pub fn add_parsed(
    vault: &mut Vault,
    parsed: Vec<ParsedAccount>,
) -> Result<Vec<(String, Added)>, CliError> {
    for p in &parsed {
        for warning in &p.warnings {
            eprintln!("warning: {}: {warning}", p.account.label());
        }
    }
    let now = SystemClock.now_ms();
    Ok(vault.update(|data| {
        Ok(parsed
            .into_iter()
            .map(|p| {
                let label = p.account.label();
                (label, data.add(p.account, now))
            })
            .collect())
    })?)
}

/// The accounts in the QR codes of `image`, read the way the app's `scan_file` and
/// `sesame import` read a file (`import::read_file`). Errors keep the wording `add --qr`
/// has always had: they name the image, and an image without a code is `NoQrCode`.
fn accounts_in_image(image: &Path) -> Result<Vec<ParsedAccount>, CliError> {
    let in_file = |source: QrError| QrError::InFile {
        path: image.to_path_buf(),
        source: Box::new(source),
    };
    let options = import::Options {
        format: Some(import::Format::QrImage),
        password: None,
    };
    match import::read_file(image, options) {
        Ok(Imported::Export(export)) => {
            for skipped in export.skipped() {
                eprintln!(
                    "warning: {}: {}: {}",
                    image.display(),
                    skipped.label,
                    skipped.reason
                );
            }
            let accounts = export.into_accounts();
            if accounts.is_empty() {
                return Err(CliError::NoQrCode {
                    path: image.to_path_buf(),
                });
            }
            Ok(accounts)
        }
        Ok(Imported::Backup(_)) => Err(CliError::Usage(format!(
            "{} is a Sesame backup, not an image; add its accounts with `sesame import`",
            image.display()
        ))),
        Err(ImportError::Nothing(_)) => Err(CliError::NoQrCode {
            path: image.to_path_buf(),
        }),
        Err(ImportError::Qr(e)) => Err(in_file(e).into()),
        Err(ImportError::Io { source, .. }) => Err(QrError::Io {
            path: image.to_path_buf(),
            source,
        }
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// `sesame add`.
pub fn add(global: &Global, args: &AddArgs) -> Result<ExitCode, CliError> {
    let parsed: Vec<ParsedAccount> = if let Some(uri) = &args.uri {
        sesame::link::parse(&crate::links::text_or_stdin(uri)?)?
    } else if let Some(image) = &args.qr {
        accounts_in_image(image)?
    } else if args.secret.is_some() || args.secret_stdin {
        let secret = match &args.secret {
            Some(secret) => Zeroizing::new(secret.clone()),
            None => crate::links::secret_from_stdin()?,
        };
        let params = args.params.params();
        let account = Account {
            issuer: args.issuer.clone().filter(|i| !i.trim().is_empty()),
            name: args
                .account
                .clone()
                .ok_or_else(|| CliError::Usage("--account NAME is needed with --secret".into()))?,
            secret: Secret::from_base32(&secret)?,
            params,
        };
        account.otp()?;
        vec![ParsedAccount::new(account, vec![])]
    } else {
        return Err(CliError::Usage(
            "say what to add: a link, --qr IMAGE, or --secret-stdin --issuer I --account A".into(),
        ));
    };
    let mut secrets = Secrets::new(global);
    let mut vault = session::open(global, &mut secrets)?;
    report_added(&add_parsed(&mut vault, parsed)?);
    Ok(ExitCode::SUCCESS)
}

/// `sesame list --json`: one line per account. Stable fields; no secrets.
#[derive(Serialize)]
struct ListJson<'a> {
    id: &'a str,
    issuer: Option<&'a str>,
    account: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    algorithm: &'static str,
    digits: u8,
    period: Option<u64>,
    counter: Option<u64>,
    icon: Option<&'a str>,
    tags: &'a [String],
    note: Option<&'a str>,
    created_ms: u64,
    last_used_ms: Option<u64>,
}

impl<'a> ListJson<'a> {
    fn new(s: &'a StoredAccount) -> Self {
        let p = &s.account.params;
        ListJson {
            id: s.id.as_str(),
            issuer: s.account.issuer.as_deref(),
            account: &s.account.name,
            kind: p.kind.as_str(),
            algorithm: p.algorithm.as_str(),
            digits: p.digits,
            period: p.period(),
            counter: p.counter(),
            icon: s.icon.as_deref(),
            tags: &s.tags,
            note: s.note.as_deref(),
            created_ms: s.created_ms,
            last_used_ms: s.last_used_ms,
        }
    }
}

/// `sesame list`.
pub fn list(global: &Global, args: &ListArgs) -> Result<ExitCode, CliError> {
    let vault = session::open(global, &mut Secrets::new(global))?;
    let accounts = &vault.data().accounts;
    if args.json {
        for s in accounts {
            let line =
                serde_json::to_string(&ListJson::new(s)).map_err(|source| CliError::Json {
                    what: "the account",
                    source,
                })?;
            println!("{line}");
        }
    } else if accounts.is_empty() {
        println!(
            "No accounts yet: add one with `sesame add LINK`, `sesame add --qr IMAGE` or `sesame add --secret ...`."
        );
    } else {
        for (i, s) in accounts.iter().enumerate() {
            let tags = if s.tags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", s.tags.join(", "))
            };
            println!(
                "{:>3}  {}  {:<5}  {}{}",
                i + 1,
                s.id.short(),
                s.account.params.kind.as_str(),
                s.account.label(),
                tags
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `sesame codes --json`: one line per account. Stable fields.
#[derive(Serialize)]
struct CodeJson<'a> {
    id: &'a str,
    issuer: Option<&'a str>,
    account: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    code: Option<String>,
    next_code: Option<String>,
    valid_for_ms: Option<u64>,
    error: Option<String>,
}

/// `sesame codes`.
pub fn codes(global: &Global, args: &CodesArgs) -> Result<ExitCode, CliError> {
    let vault = session::open(global, &mut Secrets::new(global))?;
    let data = vault.data();
    let now = now_ms(data);
    let filter = args.filter.as_deref().map(str::to_lowercase);
    for s in &data.accounts {
        if let Some(f) = &filter
            && !s.account.label().to_lowercase().contains(f)
        {
            continue;
        }
        let hotp = s.account.params.counter().is_some();
        let (snapshot, error) = match s.account.otp() {
            // HOTP codes are only handed out by `sesame code NAME`, which advances the counter.
            Ok(_) if hotp => (None, None),
            Ok(otp) => (Some(otp.snapshot(now)), None),
            Err(e) => (None, Some(e.to_string())),
        };
        if args.json {
            let line = CodeJson {
                id: s.id.as_str(),
                issuer: s.account.issuer.as_deref(),
                account: &s.account.name,
                kind: s.account.params.kind.as_str(),
                code: snapshot.as_ref().map(|x| x.code.to_string()),
                next_code: snapshot.as_ref().map(|x| x.next_code.to_string()),
                valid_for_ms: snapshot.as_ref().and_then(|x| x.valid_for_ms),
                error,
            };
            let line = serde_json::to_string(&line).map_err(|source| CliError::Json {
                what: "the code",
                source,
            })?;
            println!("{line}");
        } else {
            let shown = match (&snapshot, &error) {
                (Some(x), _) => format!(
                    "{:<11} {:>3} s   next {}",
                    x.code.grouped(),
                    x.valid_for_ms.unwrap_or(0).div_ceil(1000),
                    x.next_code.grouped()
                ),
                (None, Some(e)) => format!("(no code: {e})"),
                (None, None) => "(HOTP: `sesame code` gives the next code)".to_owned(),
            };
            println!("{:<40} {shown}", s.account.label());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `sesame code NAME`: prints the code of a vault account (HOTP: the next one, saved first).
pub fn code_of(global: &Global, query: &str) -> Result<ExitCode, CliError> {
    let mut vault = session::open(global, &mut Secrets::new(global))?;
    let id = vault.data().find(query)?.id.clone();
    let code = vault.update(|data| {
        let now = now_ms(data);
        let stored = data.find(id.as_str())?;
        if stored.account.params.counter().is_some() {
            data.next_hotp(&id, now)
        } else {
            let otp = stored
                .account
                .otp()
                .map_err(|source| vault::VaultError::NoCodes {
                    label: stored.account.label(),
                    source,
                })?;
            let code = otp.code_at(now / 1000);
            data.touch(&id, now)?;
            Ok(code)
        }
    })?;
    println!("{code}");
    Ok(ExitCode::SUCCESS)
}

/// `sesame rename`.
pub fn rename(global: &Global, args: &RenameArgs) -> Result<ExitCode, CliError> {
    if args.issuer.is_none() && args.account.is_none() {
        return Err(CliError::Usage("give --issuer, --account or both".into()));
    }
    let edit = Edit {
        issuer: args
            .issuer
            .clone()
            .map(|i| Some(i).filter(|i| !i.is_empty())),
        name: args.account.clone(),
        ..Edit::default()
    };
    edit_account(global, &args.query, edit)
}

/// `sesame edit`.
pub fn edit(global: &Global, args: &EditArgs) -> Result<ExitCode, CliError> {
    let optional = |v: &Option<String>| v.clone().map(|s| Some(s).filter(|s| !s.is_empty()));
    let edit = Edit {
        icon: optional(&args.icon),
        note: optional(&args.note),
        tags: args
            .tags
            .clone()
            .map(|tags| tags.into_iter().filter(|t| !t.trim().is_empty()).collect()),
        ..Edit::default()
    };
    if edit == Edit::default() {
        return Err(CliError::Usage("give --icon, --tag or --note".into()));
    }
    edit_account(global, &args.query, edit)
}

fn edit_account(global: &Global, query: &str, edit: Edit) -> Result<ExitCode, CliError> {
    let mut vault = session::open(global, &mut Secrets::new(global))?;
    let id = vault.data().find(query)?.id.clone();
    let now = SystemClock.now_ms();
    vault.update(|data| data.edit(&id, edit, now))?;
    println!(
        "Updated {}",
        vault.data().find(id.as_str())?.account.label()
    );
    Ok(ExitCode::SUCCESS)
}

/// `sesame move`.
pub fn move_account(global: &Global, args: &MoveArgs) -> Result<ExitCode, CliError> {
    let mut vault = session::open(global, &mut Secrets::new(global))?;
    let id = vault.data().find(&args.query)?.id.clone();
    let position = args
        .position
        .checked_sub(1)
        .ok_or_else(|| CliError::Usage("positions start at 1".into()))?;
    vault.update(|data| data.move_to(&id, position))?;
    Ok(ExitCode::SUCCESS)
}

/// `sesame remove`.
pub fn remove(global: &Global, args: &RemoveArgs) -> Result<ExitCode, CliError> {
    let mut vault = session::open(global, &mut Secrets::new(global))?;
    let found = vault.data().find(&args.query)?;
    let (id, label) = (found.id.clone(), found.account.label());
    if !args.yes
        && !session::confirm(&format!(
            "Delete {label}? Its codes will be gone from Sesame."
        ))
    {
        return Err(CliError::DeleteNotConfirmed { label });
    }
    vault.update(|data| data.remove(&id))?;
    println!("Deleted {label}");
    Ok(ExitCode::SUCCESS)
}

/// `sesame passwd`.
pub fn passwd(global: &Global, args: &PasswdArgs) -> Result<ExitCode, CliError> {
    let mut secrets = Secrets::new(global);
    let mut vault = session::open(global, &mut secrets)?;
    if args.remove {
        if !vault.has_password() {
            println!("The vault has no password.");
            return Ok(ExitCode::SUCCESS);
        }
        let warning = "Without a password, anyone who can use this account on this device can read every secret in the vault.";
        if !args.yes && !session::confirm(&format!("{warning} Remove the password?")) {
            return Err(CliError::RemovePasswordNotConfirmed);
        }
        vault.set_password(None, KdfCost::DEFAULT)?;
        println!("Password removed; the vault was re-keyed and is bound to this device only.");
    } else {
        let cost = cost(&args.kdf)?;
        let new = secrets.ask_new("vault password")?;
        vault.set_password(Some(&new), cost)?;
        println!("Password changed; the vault was re-keyed.");
    }
    Ok(ExitCode::SUCCESS)
}
