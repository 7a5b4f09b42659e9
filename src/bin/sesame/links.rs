//! `sesame parse`: links to JSON lines.

use std::io::Read;
use std::process::ExitCode;

use serde::Serialize;
use sesame::ParsedAccount;

use crate::args::ParseArgs;
use crate::error::CliError;

/// One account as `sesame parse` prints it. Field names and types are a stable contract.
#[derive(Debug, Serialize)]
pub struct AccountJson<'a> {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub issuer: Option<&'a str>,
    pub account: &'a str,
    pub secret_hex: String,
    pub secret_b32: String,
    pub algorithm: &'static str,
    pub digits: u8,
    pub period: Option<u64>,
    pub counter: Option<u64>,
}

impl<'a> AccountJson<'a> {
    /// The JSON view of a parsed account (this is the one place secrets are printed).
    pub fn new(parsed: &'a ParsedAccount) -> Self {
        let a = &parsed.account;
        AccountJson {
            kind: a.params.kind.as_str(),
            issuer: a.issuer.as_deref(),
            account: &a.name,
            secret_hex: a.secret.to_hex().to_string(),
            secret_b32: a.secret.to_base32().to_string(),
            algorithm: a.params.algorithm.as_str(),
            digits: a.params.digits,
            period: a.params.period(),
            counter: a.params.counter(),
        }
    }
}

/// Reads TEXT, or standard input for "-".
pub fn text_or_stdin(text: &str) -> Result<String, CliError> {
    if text != "-" {
        return Ok(text.to_owned());
    }
    let mut buffer = String::new();
    std::io::stdin()
        .read_to_string(&mut buffer)
        .map_err(|source| CliError::Stdin {
            what: "the text",
            source,
        })?;
    Ok(buffer.trim().to_owned())
}

/// A secret from the first line of standard input (without its line ending), zeroized on
/// drop.
pub fn secret_from_stdin() -> Result<zeroize::Zeroizing<String>, CliError> {
    use std::io::BufRead;
    let mut line = zeroize::Zeroizing::new(String::new());
    let read = std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|source| CliError::Stdin {
            what: "the secret",
            source,
        })?;
    if read == 0 {
        return Err(CliError::StdinEnded {
            what: "secret".into(),
        });
    }
    Ok(zeroize::Zeroizing::new(
        line.trim_end_matches(['\n', '\r']).to_owned(),
    ))
}

/// Prints one JSON object per account; warnings go to stderr.
pub fn parse(args: &crate::args::ParseArgs) -> Result<ExitCode, CliError> {
    let ParseArgs { text } = args;
    let text = text_or_stdin(text)?;
    let accounts = sesame::link::parse(&text)?;
    // Build every line first, so an error never leaves half the output printed.
    let mut out = String::new();
    for parsed in &accounts {
        let line =
            serde_json::to_string(&AccountJson::new(parsed)).map_err(|source| CliError::Json {
                what: "the account",
                source,
            })?;
        out.push_str(&line);
        out.push('\n');
    }
    for parsed in &accounts {
        for warning in &parsed.warnings {
            eprintln!("warning: {}: {warning}", parsed.account.label());
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
