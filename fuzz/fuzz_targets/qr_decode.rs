//! Any bytes as an image file: `decode_bytes` must return a typed error or a list of
//! texts, never panic, hang or allocate without bound.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sesame::qr::decode_bytes(data);
});
