//! `sesame code` and `sesame verify`.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Duration;

use sesame::clock::{self, Clock, CorrectedClock, SntpOptions, SystemClock};
use sesame::{Otp, Secret};
use zeroize::Zeroizing;

use crate::args::{CodeArgs, OtpArgs, VerifyArgs};
use crate::error::{CliError, EXIT_NO};

/// The generator and the Unix time (seconds) the options describe.
fn generator(args: &OtpArgs) -> Result<(Otp, u64), CliError> {
    let secret = read_secret(args)?;
    let params = args.params.params();
    let otp = Otp::new(&secret, params)?;
    let now = match (args.time, &args.ntp) {
        (Some(t), _) => t,
        (None, Some(server)) => {
            let measured = clock::measure_offset(server, SntpOptions::default())?;
            if clock::needs_confirmation(measured.offset_ms) && !args.accept_offset {
                return Err(CliError::LargeOffset {
                    server: server.clone(),
                    address: measured.server.to_string(),
                    offset_ms: measured.offset_ms,
                });
            }
            let corrected = CorrectedClock::new(SystemClock);
            corrected.set_offset_ms(measured.offset_ms);
            corrected.now_secs()
        }
        (None, None) => SystemClock.now_secs(),
    };
    Ok((otp, now))
}

fn read_secret(args: &OtpArgs) -> Result<Secret, CliError> {
    match &args.secret {
        Some(text) => Ok(Secret::from_base32(text)?),
        None if !args.secret_stdin => Err(CliError::Usage(
            "give --secret B32 (or --secret-stdin), or the name of an account in the vault".into(),
        )),
        None => {
            let mut line = Zeroizing::new(String::new());
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|source| CliError::Stdin {
                    what: "the secret",
                    source,
                })?;
            Ok(Secret::from_base32(&line)?)
        }
    }
}

/// Prints the code (and with `--verbose` the next one and the time left).
pub fn code(args: &CodeArgs) -> Result<ExitCode, CliError> {
    let (otp, now) = generator(&args.otp)?;
    if args.verbose {
        let snap = otp.snapshot(now.saturating_mul(1000));
        println!("{}", snap.code);
        println!("next: {}", snap.next_code);
        if let Some(ms) = snap.valid_for_ms {
            println!("valid for: {} s", Duration::from_millis(ms).as_secs());
        }
    } else {
        println!("{}", otp.code_at(now));
    }
    Ok(ExitCode::SUCCESS)
}

/// Exit 0 when the code is valid within the window, 1 when not.
pub fn verify(args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let (otp, now) = generator(&args.otp)?;
    match otp.verify(&args.code, now, args.window)? {
        Some(offset) => {
            eprintln!("valid (step offset {offset:+})");
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("invalid code");
            Ok(ExitCode::from(EXIT_NO))
        }
    }
}
