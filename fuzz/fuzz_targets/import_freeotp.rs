//! Any bytes read as a FreeOTP 2 backup (Java serialization): `sesame::import::read_bytes` with the format forced must
//! return the entries or a typed error, never panic. No password is given, so encrypted
//! inputs stop at `PasswordNeeded` after their header and KDF parameters are checked
//! (a password would make every run pay for a key derivation).
//!
//! Seeds: the fixtures in `../shared/corpus/imports/` (`make fuzz-seeds`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame::import::{Format, Options, read_bytes};

fuzz_target!(|data: &[u8]| {
    let options = Options {
        format: Some(Format::FreeOtp),
        password: None,
    };
    let _ = read_bytes(data, "fuzz", options);
});
