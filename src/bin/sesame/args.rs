//! Command-line arguments (clap derive). The forms here are a contract scripts rely on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Sesame: a two-factor authenticator. Codes, links, QR codes and time, from the shell.
#[derive(Debug, Parser)]
#[command(name = "sesame", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
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

/// The secret and code parameters shared by `code` and `verify`.
#[derive(Debug, Args)]
pub struct OtpArgs {
    /// The Base32 secret (spaces, dashes and lower case are fine). Visible to other users
    /// in the process list: prefer --secret-stdin on shared machines.
    #[arg(long, value_name = "B32", required_unless_present = "secret_stdin")]
    pub secret: Option<String>,
    /// Read the Base32 secret from the first line of standard input.
    #[arg(long, conflicts_with = "secret")]
    pub secret_stdin: bool,
    /// HMAC algorithm.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::Sha1)]
    pub algorithm: AlgorithmArg,
    /// Code length (6 to 10).
    #[arg(long, default_value_t = sesame::otp::DEFAULT_DIGITS)]
    pub digits: u8,
    /// Seconds per code (TOTP).
    #[arg(long, default_value_t = sesame::otp::DEFAULT_PERIOD, value_name = "SECONDS")]
    pub period: u64,
    /// Compute at this Unix time (seconds) instead of now.
    #[arg(long, value_name = "UNIX", conflicts_with_all = ["counter", "ntp"])]
    pub time: Option<u64>,
    /// HOTP counter: compute a counter-based code instead of a time-based one.
    #[arg(long, value_name = "N", conflicts_with = "steam")]
    pub counter: Option<u64>,
    /// Steam Guard code (5 characters; ignores --algorithm and --digits).
    #[arg(long)]
    pub steam: bool,
    /// Correct the local clock with this NTP server (HOST[:PORT]) before computing.
    #[arg(long, value_name = "SERVER")]
    pub ntp: Option<String>,
}

#[derive(Debug, Args)]
pub struct CodeArgs {
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
