//! QR decoding time: one representative image per corpus category, a 1920×1080
//! screenshot, and a 1920×1080 screen of noise with no code (the failure path, which must
//! answer "no QR code" quickly). Run with `cargo bench --bench qr --no-default-features`;
//! images come from `../shared/corpus`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/qr");

/// `(bench name, image file)`: the first image of each category in the manifest, and the
/// first plain light-mode screenshot.
fn representatives() -> Vec<(String, String)> {
    let manifest = std::fs::read_to_string(Path::new(CORPUS).join("manifest.jsonl"))
        .expect("the shared corpus sits beside the repository");
    let mut picked: Vec<(String, String)> = Vec::new();
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let category = row["category"].as_str().unwrap().to_owned();
        let file = row["file"].as_str().unwrap().to_owned();
        if !picked.iter().any(|(c, _)| *c == category) {
            picked.push((category, file.clone()));
        }
        if row["transform"] == "screenshot"
            && !picked.iter().any(|(c, _)| c == "screenshot_1920x1080")
        {
            picked.push(("screenshot_1920x1080".into(), file));
        }
    }
    picked
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("qr_decode");
    group.sample_size(20);
    for (name, file) in representatives() {
        let bytes = std::fs::read(Path::new(CORPUS).join(&file)).unwrap();
        assert!(
            !sesame::qr::decode_bytes(&bytes).unwrap().is_empty(),
            "{file} should decode"
        );
        group.bench_function(name, |b| {
            b.iter(|| sesame::qr::decode_bytes(black_box(&bytes)).unwrap())
        });
    }
    let (w, h, noise) = noise_1080p(0x5E5A);
    assert!(sesame::qr::decode_luma(w, h, &noise).unwrap().is_empty());
    group.bench_function("no_code_noisy_1080p", |b| {
        b.iter(|| sesame::qr::decode_luma(w, h, black_box(&noise)).unwrap())
    });
    group.finish();
}

/// A 1920×1080 grey screen of uniform noise from a fixed seed: no code, and tens of
/// thousands of finder-like runs, the detector's worst case.
fn noise_1080p(seed: u64) -> (u32, u32, Vec<u8>) {
    let (w, h) = (1920u32, 1080u32);
    let mut state = seed;
    let pixels = (0..w * h)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect();
    (w, h, pixels)
}

fn encode(c: &mut Criterion) {
    let uri = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co";
    c.bench_function("qr_encode_png_8px", |b| {
        b.iter(|| sesame::qr::encode_png(black_box(uri), 8).unwrap())
    });
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
