//! Any bytes as an image file, read only as far as grey pixels (`sesame::qr::image_size`):
//! the PNG, JPEG, GIF, BMP and WebP readers with Sesame's size and allocation bounds must
//! return a typed error or an image within those bounds, never panic or allocate without
//! bound. `qr_decode` runs the whole pipeline but manages only a few inputs a second;
//! this target and `qr_pixels` split it so that each part gets millions.
//!
//! Seeds: the small images of `../shared/corpus/qr` (`scripts/fuzz-campaign` copies them).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame::qr::{MAX_PIXELS, MAX_SIDE, image_size};

fuzz_target!(|data: &[u8]| {
    if let Ok((width, height)) = image_size(data) {
        assert!(width <= MAX_SIDE && height <= MAX_SIDE);
        assert!(u64::from(width) * u64::from(height) <= MAX_PIXELS);
    }
});
