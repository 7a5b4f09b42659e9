//! `sesame`: the headless command-line face of Sesame's core.
//!
//! Exit status: 0 success; 1 a negative answer (`verify`: the code is wrong; `scan`: a
//! file holds no QR code); 2 an error (bad input, unreadable file, network). An error is
//! one line on stderr, followed by a `hint:` line when there is something to do about it;
//! results go to stdout only.

mod args;
mod cognito_cmd;
mod error;
mod links;
mod otp_cmd;
mod qr_cmd;
mod session;
mod sync_cmd;
mod time_cmd;
mod transfer_cmd;
mod vault_cmd;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

fn main() -> ExitCode {
    sesame::process::harden();
    let cli = Cli::parse();
    let g = &cli.global;
    let result = match cli.command {
        Command::Code(a) => match &a.account {
            Some(query) => vault_cmd::code_of(g, query),
            None => otp_cmd::code(&a),
        },
        Command::Verify(a) => otp_cmd::verify(&a),
        Command::Parse(a) => links::parse(&a),
        Command::Scan(a) => qr_cmd::scan(&a),
        Command::Qr(a) => qr_cmd::qr(&a),
        Command::Time(a) => time_cmd::time(&a),
        Command::Init(a) => vault_cmd::init(g, &a),
        Command::Add(a) => vault_cmd::add(g, &a),
        Command::List(a) => vault_cmd::list(g, &a),
        Command::Codes(a) => vault_cmd::codes(g, &a),
        Command::Rename(a) => vault_cmd::rename(g, &a),
        Command::Edit(a) => vault_cmd::edit(g, &a),
        Command::Move(a) => vault_cmd::move_account(g, &a),
        Command::Remove(a) => vault_cmd::remove(g, &a),
        Command::Passwd(a) => vault_cmd::passwd(g, &a),
        Command::Export(a) => transfer_cmd::export(g, &a),
        Command::Import(a) => transfer_cmd::import(g, &a),
        Command::Cognito(a) => cognito_cmd::run(g, &a),
        Command::Sync(a) => sync_cmd::run(g, &a),
    };
    match result {
        Ok(status) => status,
        Err(e) => {
            eprintln!("{}", e.report());
            e.exit_code()
        }
    }
}
