//! `sesame time`: how far is this computer's clock off?

use std::process::ExitCode;
use std::time::Duration;

use sesame::clock::{self, SntpOptions};

use crate::args::TimeArgs;
use crate::error::CliError;

/// Measures and prints the offset.
pub fn time(args: &TimeArgs) -> Result<ExitCode, CliError> {
    if args.samples == 0 || args.samples > 64 {
        return Err(CliError::Usage("--samples must be between 1 and 64".into()));
    }
    let options = SntpOptions {
        timeout: Duration::from_millis(args.timeout_ms),
        samples: args.samples,
    };
    let m = clock::measure_offset(&args.server, options)?;
    if args.json {
        let value = serde_json::json!({
            "offset_ms": m.offset_ms,
            "delay_ms": m.delay_ms,
            "stratum": m.stratum,
            "server": m.server.to_string(),
        });
        println!("{value}");
    } else {
        let direction = match m.offset_ms {
            0 => "matches the server".to_owned(),
            o if o > 0 => format!("is {} behind", human_ms(o.unsigned_abs())),
            o => format!("is {} ahead", human_ms(o.unsigned_abs())),
        };
        println!("offset: {:+} ms", m.offset_ms);
        println!(
            "this computer's clock {direction} ({} at {}, stratum {}, round trip {} ms)",
            args.server, m.server, m.stratum, m.delay_ms
        );
        if m.offset_ms.unsigned_abs() > 15_000 {
            println!(
                "codes computed on this clock may be refused: fix the system clock, or use time correction (`sesame code --ntp {}`)",
                args.server
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn human_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.3} s", ms as f64 / 1000.0)
    }
}
