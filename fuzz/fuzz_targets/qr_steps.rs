//! One of Sesame's own steps of the QR pipeline at a time on a small grey image
//! (`sesame::qr::fuzzing::run_step`): the preparations, the finder scan, the grey re-read
//! around finder patterns, payload bytes as text (the detector, rqrr, is left to those two).
//! Each must return, never panic. The whole pipeline (`qr_pixels`, `qr_decode`) escalates
//! through all of them within a budget of about a second on a hostile image, so it manages
//! a few inputs a second; one step costs one pass.
//!
//! The first byte picks the step, the second the width (1 to 128 pixels), the rest are the
//! pixels, row by row (a partial last row is dropped).
//!
//! Seeds: the `qr_pixels` seeds, once for each step (`scripts/fuzz-campaign` makes them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame::qr::fuzzing::run_step;

fuzz_target!(|data: &[u8]| {
    let [step, first, pixels @ ..] = data else {
        return;
    };
    let width = usize::from(first % 128) + 1;
    let height = pixels.len() / width;
    if height == 0 {
        return;
    }
    let _ = run_step(
        *step,
        width as u32,
        height as u32,
        &pixels[..width * height],
    );
});
