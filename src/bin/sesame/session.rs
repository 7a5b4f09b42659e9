//! Opening the vault from the command line: where it is, which keystore, and passwords
//! from the terminal or (with --password-stdin) standard input — never from arguments.

use std::io::{BufRead, IsTerminal, Write};

use sesame::keystore::{self, KeystoreChoice};
use sesame::vault::{Vault, VaultPaths};
use zeroize::Zeroizing;

use crate::args::Global;
use crate::error::CliError;

/// Where passwords come from for one command.
pub struct Secrets {
    from_stdin: bool,
}

impl Secrets {
    /// Per the global options.
    pub fn new(global: &Global) -> Self {
        Secrets {
            from_stdin: global.password_stdin,
        }
    }

    /// Passwords from standard input (`true`) or the terminal.
    pub fn with_stdin(from_stdin: bool) -> Self {
        Secrets { from_stdin }
    }

    /// Reads one password: the next line of stdin, or a hidden prompt on the terminal.
    pub fn ask(&mut self, prompt: &str) -> Result<Zeroizing<String>, CliError> {
        // "Password of the 2FAS export: " → "password of the 2FAS export" (names keep their case).
        let what = lowercase_first(prompt.trim_end_matches([':', ' ']));
        if self.from_stdin {
            let mut line = Zeroizing::new(String::new());
            let read = std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|source| CliError::Stdin {
                    what: "a password",
                    source,
                })?;
            if read == 0 {
                return Err(CliError::StdinEnded { what });
            }
            let trimmed = Zeroizing::new(line.trim_end_matches(['\n', '\r']).to_owned());
            return Ok(trimmed);
        }
        if !std::io::stdin().is_terminal() {
            return Err(CliError::NoTerminal { what });
        }
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|source| CliError::Prompt { what, source })
    }

    /// Asks for a new password (twice on a terminal); refuses an empty one.
    pub fn ask_new(&mut self, what: &str) -> Result<Zeroizing<String>, CliError> {
        let first = self.ask(&format!("New {what}: "))?;
        if first.is_empty() {
            return Err(CliError::EmptyPassword {
                what: what.to_owned(),
            });
        }
        if !self.from_stdin {
            let again = self.ask(&format!("Repeat the {what}: "))?;
            if *again != *first {
                return Err(CliError::PasswordsDiffer {
                    what: what.to_owned(),
                });
            }
        }
        Ok(first)
    }
}

/// `text` with its first letter in lower case.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Asks a yes/no question on the terminal; `false` without one.
pub fn confirm(question: &str) -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}

/// The keystore chosen by --keystore / SESAME_KEYSTORE.
pub fn keystore(global: &Global) -> Result<Box<dyn keystore::Keystore>, CliError> {
    let choice = KeystoreChoice::from_env_or(global.keystore.as_deref())?;
    Ok(keystore::open(&choice)?)
}

/// Opens the vault, asking for its password if it has one.
pub fn open(global: &Global, secrets: &mut Secrets) -> Result<Vault, CliError> {
    let paths = VaultPaths::default_location()?;
    let info = Vault::info(&paths)?;
    let keystore = keystore(global)?;
    let password = if info.has_password {
        Some(secrets.ask("Vault password: ")?)
    } else {
        None
    };
    let password = password.as_ref().map(|p| p.as_str());
    Ok(if global.accept_rollback {
        Vault::open_accepting_rollback(paths, keystore, password)?
    } else {
        Vault::open(paths, keystore, password)?
    })
}
