//! Any bytes as an import file of unknown format: detection asks every reader, then the
//! surest one reads. Must return the entries or a typed error, never panic.
//!
//! Seeds: the fixtures in `../shared/corpus/imports/` (`make fuzz-seeds`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame::import::{Options, read_bytes};

fuzz_target!(|data: &[u8]| {
    let _ = read_bytes(data, "fuzz", Options::default());
});
