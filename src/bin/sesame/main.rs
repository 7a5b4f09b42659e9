//! `sesame`: the headless command-line face of Sesame's core.
//!
//! Exit status: 0 success; 1 a negative answer (`verify`: the code is wrong; `scan`: a
//! file holds no QR code); 2 an error (bad input, unreadable file, network). Errors are one
//! line on stderr; results go to stdout only.

mod args;
mod error;
mod links;
mod otp_cmd;
mod qr_cmd;
mod time_cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Code(a) => otp_cmd::code(&a),
        Command::Verify(a) => otp_cmd::verify(&a),
        Command::Parse(a) => links::parse(&a),
        Command::Scan(a) => qr_cmd::scan(&a),
        Command::Qr(a) => qr_cmd::qr(&a),
        Command::Time(a) => time_cmd::time(&a),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("sesame: {e}");
            e.exit_code()
        }
    }
}
