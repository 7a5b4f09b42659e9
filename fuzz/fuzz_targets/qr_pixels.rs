//! Any small grey image to the QR pipeline (`sesame::qr::decode_luma`): the finder search,
//! the sampler, the escalation stages and the payload decoding must return codes or
//! nothing, never panic. The first byte picks the width (1 to 128 pixels), the rest are
//! the pixels, row by row (a partial last row is dropped). Small images keep each run
//! short; `qr_image` covers the file readers.
//!
//! Seed corpus (`fuzz/corpus/` is git-ignored), from the repository root:
//!
//! ```text
//! SESAME_FUZZ_SEEDS=$PWD/fuzz/corpus/qr_pixels cargo +nightly fuzz run qr_pixels -- -runs=0
//! ```
//!
//! draws a few small codes (an `otpauth://` link, a migration link, plain text) at one and
//! two pixels a module, plus one inverted.
#![no_main]

use std::path::Path;
use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use qrcode::{Color, QrCode};

/// A seed input: the width byte, then the code's pixels with a 4-module quiet zone.
fn drawn(text: &str, module_px: usize, inverted: bool) -> Vec<u8> {
    let code = QrCode::new(text.as_bytes()).expect("a seed text fits a QR code");
    let modules = code.width();
    let side = (modules + 8) * module_px;
    assert!(side <= 128, "seed too wide for the width byte");
    let dark = |x: usize, y: usize| {
        let (mx, my) = (x / module_px, y / module_px);
        (4..modules + 4).contains(&mx)
            && (4..modules + 4).contains(&my)
            && code[(mx - 4, my - 4)] == Color::Dark
    };
    let mut seed = vec![(side - 1) as u8];
    for y in 0..side {
        for x in 0..side {
            seed.push(if dark(x, y) != inverted { 0 } else { 255 });
        }
    }
    seed
}

fn write_seeds(out: &Path) {
    std::fs::create_dir_all(out).expect("create the corpus folder");
    let texts = [
        "otpauth://totp/Ex:a?secret=JBSWY3DPEHPK3PXP&issuer=Ex",
        "otpauth-migration://offline?data=CgcKAWESAWEgAQ",
        "hello",
    ];
    for (i, text) in texts.iter().enumerate() {
        for module_px in [1, 2] {
            if let Some(side) = QrCode::new(text.as_bytes())
                .ok()
                .map(|c| (c.width() + 8) * module_px)
                && side <= 128
            {
                let name = format!("code{i}-{module_px}px");
                std::fs::write(out.join(name), drawn(text, module_px, false))
                    .expect("write a seed");
            }
        }
    }
    std::fs::write(out.join("inverted"), drawn("hello", 2, true)).expect("write a seed");
    eprintln!("wrote the qr_pixels seeds to {}", out.display());
}

fuzz_target!(|data: &[u8]| {
    static SEEDS: Once = Once::new();
    SEEDS.call_once(|| {
        if let Some(out) = std::env::var_os("SESAME_FUZZ_SEEDS") {
            write_seeds(Path::new(&out));
        }
    });
    let Some((&first, pixels)) = data.split_first() else {
        return;
    };
    let width = usize::from(first % 128) + 1;
    let height = pixels.len() / width;
    if height == 0 {
        return;
    }
    let _ = sesame::qr::decode_luma(width as u32, height as u32, &pixels[..width * height]);
});
