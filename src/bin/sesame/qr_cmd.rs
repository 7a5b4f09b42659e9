//! `sesame scan` and `sesame qr`.

use std::process::ExitCode;

use crate::args::{QrArgs, ScanArgs};
use crate::error::{CliError, EXIT_NO};
use crate::links::text_or_stdin;

/// What a decoded text looks like, for `scan --json`.
fn kind_of(text: &str) -> &'static str {
    let lower = text.trim_start().to_ascii_lowercase();
    if lower.starts_with("otpauth-migration://") {
        "otpauth-migration"
    } else if lower.starts_with("otpauth://") {
        "otpauth"
    } else {
        "other"
    }
}

/// Prints every decoded text; a file with no code or that cannot be read is reported on
/// stderr and makes the exit status non-zero, but the other files are still scanned.
pub fn scan(args: &ScanArgs) -> Result<ExitCode, CliError> {
    let mut worst = ExitCode::SUCCESS;
    let mut errors = 0usize;
    let mut empty = 0usize;
    for file in &args.files {
        match sesame::qr::decode_file(file) {
            Ok(texts) if texts.is_empty() => {
                eprintln!("sesame: no QR code found in {}", file.display());
                empty += 1;
            }
            Ok(texts) => {
                for text in texts {
                    if args.json {
                        let value = serde_json::json!({
                            "file": file.display().to_string(),
                            "text": text,
                            "kind": kind_of(&text),
                        });
                        println!("{value}");
                    } else {
                        println!("{text}");
                    }
                }
            }
            Err(e) => {
                eprintln!("sesame: {e}");
                errors += 1;
            }
        }
    }
    if errors > 0 {
        worst = ExitCode::from(crate::error::EXIT_ERROR);
    } else if empty > 0 {
        worst = ExitCode::from(EXIT_NO);
    }
    Ok(worst)
}

/// Renders TEXT as a QR code.
pub fn qr(args: &QrArgs) -> Result<ExitCode, CliError> {
    let text = text_or_stdin(&args.text)?;
    let write = |path: &std::path::Path, bytes: &[u8]| {
        std::fs::write(path, bytes).map_err(|source| CliError::Write {
            path: path.display().to_string(),
            source,
        })
    };
    if let Some(path) = &args.png {
        if args.module_px == 0 || args.module_px > 64 {
            return Err(CliError::Usage(
                "--module-px must be between 1 and 64".into(),
            ));
        }
        write(path, &sesame::qr::encode_png(&text, args.module_px)?)?;
    } else if let Some(path) = &args.svg {
        write(path, sesame::qr::encode_svg(&text)?.as_bytes())?;
    } else {
        print!("{}", sesame::qr::encode_terminal(&text)?);
    }
    Ok(ExitCode::SUCCESS)
}
