//! QR decoding time: one representative image per corpus category, and a 1920×1080
//! screenshot. Run with `cargo bench --bench qr`; images come from `../shared/corpus`.

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
    group.finish();
}

fn encode(c: &mut Criterion) {
    let uri = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co";
    c.bench_function("qr_encode_png_8px", |b| {
        b.iter(|| sesame::qr::encode_png(black_box(uri), 8).unwrap())
    });
}

criterion_group!(benches, decode, encode);
criterion_main!(benches);
