//! Command-line arguments (clap derive). The forms here are a contract scripts rely on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Sesame: a two-factor authenticator. Codes, links, QR codes and time, from the shell.
#[derive(Debug, Parser)]
#[command(name = "sesame", version = version_line(), about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// `sesame --version`: the package version and the git commit it was built from (`make`
/// passes `SESAME_GIT_COMMIT`; a plain `cargo build` says "unknown").
fn version_line() -> &'static str {
    static LINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LINE.get_or_init(|| {
        let commit = option_env!("SESAME_GIT_COMMIT").filter(|c| !c.is_empty());
        format!(
            "{} (commit {})",
            env!("CARGO_PKG_VERSION"),
            commit.unwrap_or("unknown")
        )
    })
}

/// Options every vault command understands.
#[derive(Debug, Args)]
pub struct Global {
    /// Where the device key lives: `os` (the system keystore) or `file:PATH` (headless
    /// machines; the binding is then only as strong as that file).
    #[arg(long, global = true, value_name = "os|file:PATH")]
    pub keystore: Option<String>,
    /// Read passwords from standard input, one per line, in the order they are asked for
    /// (vault password first, then a new or backup password). Never from arguments.
    #[arg(long, global = true)]
    pub password_stdin: bool,
    /// Open a vault file older than the newest one saved on this device (after restoring
    /// `vault.bak` or an older copy on purpose); what was saved after it is lost. Without
    /// it, such a file is refused.
    #[arg(long, global = true)]
    pub accept_rollback: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the current code for a secret (HOTP when --counter is given).
    Code(CodeArgs),
    /// Check a code: exit 0 if it is valid, 1 if it is not.
    Verify(VerifyArgs),
    /// Print the accounts in an otpauth:// or otpauth-migration:// link as JSON lines.
    Parse(ParseArgs),
    /// Print the text of every QR code in image files.
    Scan(ScanArgs),
    /// Show TEXT as a QR code in the terminal, or write it as PNG or SVG.
    Qr(QrArgs),
    /// Measure how far this computer's clock is off, with SNTP.
    Time(TimeArgs),
    /// Create the vault (in $SESAME_HOME, or the platform data folder).
    Init(InitArgs),
    /// Add accounts: from a link, a QR image, or a typed secret.
    Add(AddArgs),
    /// List the accounts in the vault (no secrets).
    List(ListArgs),
    /// Show the current codes of all (or matching) accounts.
    Codes(CodesArgs),
    /// Rename an account (issuer and/or account name).
    Rename(RenameArgs),
    /// Set an account's icon, tags or note.
    Edit(EditArgs),
    /// Move an account to another position in the list.
    Move(MoveArgs),
    /// Delete an account.
    Remove(RemoveArgs),
    /// Set, change or remove the vault password (re-keys the vault).
    Passwd(PasswdArgs),
    /// Export accounts: an encrypted backup, a plain otpauth list, or transfer QR codes.
    Export(ExportArgs),
    /// Import another authenticator's export, a Sesame backup, a file of links or a QR image.
    Import(ImportArgs),
    /// Amazon Cognito: configure a user pool, sign up, sign in with MFA, tokens.
    Cognito(crate::cognito_cmd::CognitoArgs),
    /// Sesame Sync: end-to-end encrypted sync of the accounts between this user's devices.
    Sync(crate::sync_cmd::SyncArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Bind the vault to this device only, with no password.
    #[arg(long)]
    pub no_password: bool,
    #[command(flatten)]
    pub kdf: KdfArgs,
}

/// The cost of deriving a key from the vault password (`init` and `passwd`).
#[derive(Debug, Args)]
pub struct KdfArgs {
    /// Argon2id memory in MiB (default: 64, or more if calibration allows).
    #[arg(long, value_name = "MIB")]
    pub kdf_memory_mib: Option<u32>,
    /// Argon2id passes (default: calibrated so unlocking takes about half a second).
    #[arg(long, value_name = "N")]
    pub kdf_passes: Option<u32>,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("typed_secret").args(["secret", "secret_stdin"])))]
pub struct AddArgs {
    /// An otpauth:// or otpauth-migration:// link.
    #[arg(conflicts_with_all = ["qr", "secret", "secret_stdin"])]
    pub uri: Option<String>,
    /// Add every account in the QR codes of this image.
    #[arg(long, value_name = "IMAGE", conflicts_with_all = ["secret", "secret_stdin"])]
    pub qr: Option<PathBuf>,
    /// A Base32 secret typed in (with --issuer and --account). Prefer --secret-stdin: an
    /// argument is visible to other users in the process list and stays in shell history.
    #[arg(long, value_name = "B32", conflicts_with = "secret_stdin")]
    pub secret: Option<String>,
    /// Read the Base32 secret from the first line of standard input (before the vault
    /// password, with --password-stdin).
    #[arg(long)]
    pub secret_stdin: bool,
    /// The service, with --secret or --secret-stdin.
    #[arg(long, requires = "typed_secret")]
    pub issuer: Option<String>,
    /// The account name, with --secret or --secret-stdin.
    #[arg(long, requires = "typed_secret")]
    pub account: Option<String>,
    /// Code parameters, with --secret.
    #[command(flatten)]
    pub params: ParamsArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// One JSON object per account (fields documented in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CodesArgs {
    /// Only accounts whose issuer or name contains TEXT (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// One JSON object per account (fields documented in the README).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    /// Account: id, id prefix, "Issuer: name", name, or a unique part of it.
    pub query: String,
    /// New issuer ("" removes it).
    #[arg(long)]
    pub issuer: Option<String>,
    /// New account name.
    #[arg(long)]
    pub account: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Account: id, id prefix, "Issuer: name", name, or a unique part of it.
    pub query: String,
    /// Icon name or data URL ("" removes it).
    #[arg(long)]
    pub icon: Option<String>,
    /// Replace the tags (repeat for several; --tag "" clears them).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Option<Vec<String>>,
    /// Note ("" removes it).
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// Account: id, id prefix, "Issuer: name", name, or a unique part of it.
    pub query: String,
    /// New position, 1 = top.
    pub position: usize,
}

#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// Account: id, id prefix, "Issuer: name", name, or a unique part of it.
    pub query: String,
    /// Do not ask for confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Remove the password: the vault then opens with this device's key alone.
    #[arg(long)]
    pub remove: bool,
    /// Confirm --remove without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub kdf: KdfArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Encrypted backup, opened anywhere with its own backup password.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["otpauth", "migration_qr"])]
    pub backup: Option<PathBuf>,
    /// Plain text, one otpauth:// link per line (needs --plaintext).
    #[arg(long, value_name = "FILE", conflicts_with = "migration_qr")]
    pub otpauth: Option<PathBuf>,
    /// Google Authenticator transfer QR codes, as PNG files in DIR.
    #[arg(long, value_name = "DIR")]
    pub migration_qr: Option<PathBuf>,
    /// An Aegis vault (JSON) that Aegis imports: encrypted with an export password, or plain
    /// with --plaintext. Notes go with the accounts and tags become Aegis groups.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["backup", "otpauth", "migration_qr"])]
    pub aegis: Option<PathBuf>,
    /// Confirm writing secrets unencrypted (--otpauth, --migration-qr, --aegis).
    #[arg(long)]
    pub plaintext: bool,
    /// Overwrite existing files.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A Sesame backup, another authenticator's export (Aegis, 2FAS, Ente Auth, Bitwarden,
    /// Proton Authenticator, andOTP, LastPass, FreeOTP+, FreeOTP, Stratum), a text file of
    /// otpauth:// or transfer links, or a QR image. The format is recognised from the content.
    pub file: PathBuf,
    /// Read the file as this format instead of recognising it (aegis, 2fas, ente, bitwarden,
    /// proton, andotp, lastpass, freeotp-plus, freeotp, stratum, otpauth, qr, sesame).
    #[arg(long, value_name = "NAME")]
    pub format: Option<sesame::import::Format>,
    /// Show what the file holds and add nothing; no vault is opened.
    #[arg(long)]
    pub dry_run: bool,
    /// Machine-readable output: with --dry-run one JSON line per account (the `sesame parse`
    /// shape), else one JSON summary.
    #[arg(long)]
    pub json: bool,
}

/// HMAC algorithm names on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmArg {
    Sha1,
    Sha256,
    Sha512,
}

impl From<AlgorithmArg> for sesame::Algorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::Sha1 => sesame::Algorithm::SHA1,
            AlgorithmArg::Sha256 => sesame::Algorithm::SHA256,
            AlgorithmArg::Sha512 => sesame::Algorithm::SHA512,
        }
    }
}

/// Code parameters: shared by `code`, `verify` and `add --secret`.
#[derive(Debug, Args)]
pub struct ParamsArgs {
    /// HMAC algorithm.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Sha1)]
    pub algorithm: AlgorithmArg,
    /// Code length (6 to 10).
    #[arg(long, default_value_t = sesame::otp::DEFAULT_DIGITS)]
    pub digits: u8,
    /// Seconds per code (TOTP).
    #[arg(long, default_value_t = sesame::otp::DEFAULT_PERIOD, value_name = "SECONDS")]
    pub period: u64,
    /// HOTP counter: a counter-based code instead of a time-based one.
    #[arg(long, value_name = "N", conflicts_with = "steam")]
    pub counter: Option<u64>,
    /// Steam Guard (5 characters; ignores --algorithm and --digits).
    #[arg(long)]
    pub steam: bool,
}

impl ParamsArgs {
    /// The parameters these options describe (not yet checked).
    pub fn params(&self) -> sesame::Params {
        if self.steam {
            sesame::Params {
                kind: sesame::Kind::Steam {
                    period: self.period,
                },
                ..sesame::Params::steam()
            }
        } else if let Some(counter) = self.counter {
            sesame::Params::hotp(self.algorithm.into(), self.digits, counter)
        } else {
            sesame::Params::totp(self.algorithm.into(), self.digits, self.period)
        }
    }
}

/// The secret and code parameters shared by `code` and `verify`.
#[derive(Debug, Args)]
pub struct OtpArgs {
    /// The Base32 secret (spaces, dashes and lower case are fine). Visible to other users
    /// in the process list: prefer --secret-stdin on shared machines.
    #[arg(long, value_name = "B32")]
    pub secret: Option<String>,
    /// Read the Base32 secret from the first line of standard input.
    #[arg(long, conflicts_with = "secret")]
    pub secret_stdin: bool,
    #[command(flatten)]
    pub params: ParamsArgs,
    /// Compute at this Unix time (seconds) instead of now.
    #[arg(long, value_name = "UNIX", conflicts_with_all = ["counter", "ntp"])]
    pub time: Option<u64>,
    /// Correct the local clock with this NTP server (HOST[:PORT]) before computing. An
    /// offset of more than 5 minutes is refused unless --accept-offset is given.
    #[arg(long, value_name = "SERVER")]
    pub ntp: Option<String>,
    /// Apply the offset --ntp measures even when it is more than 5 minutes (check that
    /// the server is the one you meant and that this clock really is that far off).
    #[arg(long, requires = "ntp")]
    pub accept_offset: bool,
}

#[derive(Debug, Args)]
pub struct CodeArgs {
    /// An account in the vault (id, id prefix, "Issuer: name", name, or a unique part);
    /// HOTP accounts advance their counter. Without it, --secret gives the secret.
    #[arg(conflicts_with_all = ["secret", "secret_stdin"])]
    pub account: Option<String>,
    #[command(flatten)]
    pub otp: OtpArgs,
    /// Also print the next code and the seconds the current one has left.
    #[arg(long)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub otp: OtpArgs,
    /// Steps accepted either side of now (TOTP) or ahead of the counter (HOTP).
    #[arg(long, default_value_t = sesame::otp::DEFAULT_WINDOW)]
    pub window: u32,
    /// The code to check.
    pub code: String,
}

#[derive(Debug, Args)]
pub struct ParseArgs {
    /// An otpauth:// or otpauth-migration:// link ("-" reads it from standard input).
    pub text: String,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Image files (PNG, JPEG, GIF, BMP, WebP).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// One JSON object per code: {"file", "text", "kind"}.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct QrArgs {
    /// The text to encode ("-" reads it from standard input).
    pub text: String,
    /// Write a PNG image to FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "svg")]
    pub png: Option<PathBuf>,
    /// Write an SVG image to FILE.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Pixels per module in the PNG.
    #[arg(long, default_value_t = 8, value_name = "PX", requires = "png")]
    pub module_px: u32,
}

#[derive(Debug, Args)]
pub struct TimeArgs {
    /// NTP server, HOST or HOST:PORT.
    #[arg(long, default_value = sesame::clock::DEFAULT_NTP_SERVER)]
    pub server: String,
    /// Exchanges to make; the one with the shortest round trip is used.
    #[arg(long, default_value_t = 4)]
    pub samples: u32,
    /// Milliseconds to wait for each answer.
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    pub timeout_ms: u64,
    /// Print {"offset_ms", "delay_ms", "stratum", "server"}.
    #[arg(long)]
    pub json: bool,
}
