//! Any bytes as an import file of unknown format: detection asks every reader, then the
//! surest one reads. Must return the entries or a typed error, never panic.
//!
//! Inputs detected as images go to the QR pipeline, which spends up to its
//! work budget on each (about a second on a phone photo, ten under the fuzzer's
//! instrumentation): they are left to `qr_image`, `qr_pixels` and `qr_steps`, so that
//! this target runs the detection of the other formats thousands of times a second.
//!
//! Seeds: the fixtures in `../shared/corpus/imports/` (`make fuzz-seeds`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame::import::{Format, Options, detect, read_bytes};

fuzz_target!(|data: &[u8]| {
    if detect(data) == Some(Format::QrImage) {
        return;
    }
    let _ = read_bytes(data, "fuzz", Options::default());
});
