//! QR decoding against the shared corpus, hostile input, and encode → decode round trips in
//! every supported image format.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use image::{DynamicImage, GrayImage, ImageFormat, Luma, RgbaImage};
use sesame::qr::{self, QrError};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/qr");
const REGRESSIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/qr");

const URI: &str = "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";

struct Case {
    file: String,
    category: String,
    expected: Vec<String>,
}

fn manifest() -> Vec<Case> {
    let path = Path::new(CORPUS).join("manifest.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the shared corpus sits beside the repo)",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            Case {
                file: row["file"].as_str().unwrap().to_owned(),
                category: row["category"].as_str().unwrap().to_owned(),
                expected: row["expected_texts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap().to_owned())
                    .collect(),
            }
        })
        .collect()
}

/// Decodes every corpus image (on all cores): `(case, decoded or error)`.
fn decode_corpus(cases: &[Case]) -> Vec<Result<Vec<String>, String>> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let chunk = cases.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = cases
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|case| {
                            qr::decode_file(&Path::new(CORPUS).join(&case.file))
                                .map_err(|e| e.to_string())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    })
}

#[test]
fn corpus_pass_rate_is_at_least_159_of_160() {
    let cases = manifest();
    assert_eq!(cases.len(), 160, "the corpus README promises 160 images");
    let results = decode_corpus(&cases);
    let mut table: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut passed = 0;
    for (case, result) in cases.iter().zip(&results) {
        let ok = match result {
            Ok(texts) => case.expected.iter().all(|e| texts.contains(e)),
            Err(_) => false,
        };
        let row = table.entry(&case.category).or_default();
        row.0 += 1;
        if ok {
            row.1 += 1;
            passed += 1;
        } else {
            failures.push(format!("{} ({}): {result:?}", case.file, case.category));
        }
        if case.category == "multi" {
            let texts = result.as_ref().expect("multi images decode");
            assert!(
                case.expected.len() == 2 && case.expected.iter().all(|e| texts.contains(e)),
                "{}: both codes must be found, got {texts:?}",
                case.file
            );
        }
        // Decoding never invents codes: whatever is returned is one of the image's texts.
        if let Ok(texts) = result {
            for text in texts {
                assert!(
                    case.expected.contains(text),
                    "{}: unexpected {text:?}",
                    case.file
                );
            }
        }
    }
    println!("{:<14}{:>4}{:>5}{:>8}", "category", "n", "ok", "rate");
    for (category, (n, ok)) in &table {
        println!(
            "{category:<14}{n:>4}{ok:>5}{:>7.1}%",
            100.0 * *ok as f64 / *n as f64
        );
    }
    let rate = passed as f64 / cases.len() as f64;
    println!("overall: {passed}/{} = {:.1}%", cases.len(), 100.0 * rate);
    println!("failures:\n  {}", failures.join("\n  "));
    assert!(
        passed + 1 >= cases.len(),
        "pass rate {:.1}%: more than one image failed",
        100.0 * rate
    );
}

#[test]
fn raw_utf8_label_comes_back_as_utf8() {
    let case = manifest()
        .into_iter()
        .find(|c| c.category == "clean" && c.expected[0].contains("Bj\u{f6}rn"))
        .expect("the corpus has a raw UTF-8 payload");
    let texts = qr::decode_file(&Path::new(CORPUS).join(&case.file)).unwrap();
    assert_eq!(texts, case.expected);
}

// --- Hostile input: typed errors or empty results, never a panic. ---

fn encode(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

fn code_image(text: &str, module_px: u32) -> DynamicImage {
    image::load_from_memory(&qr::encode_png(text, module_px).unwrap()).unwrap()
}

#[test]
fn empty_and_random_bytes_are_unsupported() {
    assert!(matches!(
        qr::decode_bytes(&[]),
        Err(QrError::UnsupportedFormat)
    ));
    // A fixed xorshift stream: reproducible "random" bytes.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for len in [1, 7, 64, 4096] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        assert!(qr::decode_bytes(&bytes).is_err(), "{len} random bytes");
    }
}

#[test]
fn truncated_files_are_image_errors() {
    let img = DynamicImage::ImageRgba8(code_image(URI, 4).to_rgba8());
    for format in [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::Gif,
        ImageFormat::Bmp,
    ] {
        let bytes = match format {
            ImageFormat::Jpeg => encode(&DynamicImage::ImageRgb8(img.to_rgb8()), format),
            _ => encode(&img, format),
        };
        for keep in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 10] {
            match qr::decode_bytes(&bytes[..keep]) {
                Err(QrError::Image(_)) | Err(QrError::UnsupportedFormat) => {}
                // Some decoders return what they read so far; whatever is found must then
                // be the real text, never garbage.
                Ok(texts) => assert!(texts.iter().all(|t| t == URI), "{format:?}"),
                Err(other) => panic!("{format:?} truncated to {keep}: {other:?}"),
            }
        }
    }
}

#[test]
fn absurd_dimensions_are_refused_before_decoding() {
    // A PNG whose header claims 100000×100000 8-bit grey, with a few bytes of data.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend(100_000u32.to_be_bytes());
    header.extend(100_000u32.to_be_bytes());
    header.extend([8, 0, 0, 0, 0]);
    for (kind, data) in [
        (&b"IHDR"[..], &header[..]),
        (b"IDAT", b"\x78\x9c\x63\x00\x00"),
        (b"IEND", b""),
    ] {
        let mut chunk = kind.to_vec();
        chunk.extend(data);
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(&chunk);
        png.extend(crc32(&chunk).to_be_bytes());
    }
    let err = qr::decode_bytes(&png).unwrap_err();
    assert!(
        matches!(
            err,
            QrError::TooLarge {
                width: 100_000,
                height: 100_000
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("100000×100000"), "{err}");
    assert!(matches!(
        qr::decode_luma(100_000, 100_000, &[0; 16]),
        Err(QrError::TooLarge { .. })
    ));
}

/// CRC-32 (IEEE) as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn tiny_and_blank_images_have_no_codes() {
    for (w, h) in [(1, 1), (1, 500), (500, 1), (20, 20), (64, 64)] {
        let black = DynamicImage::ImageLuma8(GrayImage::new(w, h));
        let white = DynamicImage::ImageLuma8(GrayImage::from_pixel(w, h, Luma([255])));
        for img in [black, white] {
            let png = encode(&img, ImageFormat::Png);
            assert_eq!(
                qr::decode_bytes(&png).unwrap(),
                Vec::<String>::new(),
                "{w}×{h}"
            );
        }
    }
    assert_eq!(qr::decode_luma(0, 0, &[]).unwrap(), Vec::<String>::new());
    assert_eq!(
        qr::decode_rgba(1, 1, &[0, 0, 0, 255]).unwrap(),
        Vec::<String>::new()
    );
}

#[test]
fn wrong_buffer_sizes_are_typed_errors() {
    assert!(matches!(
        qr::decode_luma(10, 10, &[0; 99]),
        Err(QrError::BufferSize {
            expected: 100,
            actual: 99
        })
    ));
    assert!(matches!(
        qr::decode_rgba(10, 10, &[0; 100]),
        Err(QrError::BufferSize {
            expected: 400,
            actual: 100
        })
    ));
}

#[test]
fn noise_and_patterns_never_panic() {
    // Checkerboards, stripes and finder-like rings at many scales: the detector's worst
    // cases. No codes, no panic.
    let mut state = 12345u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u32
    };
    for size in [21u32, 50, 97, 160] {
        let checker = GrayImage::from_fn(size, size, |x, y| {
            Luma([if (x + y) % 2 == 0 { 0 } else { 255 }])
        });
        let stripes = GrayImage::from_fn(size, size, |x, _| {
            Luma([if (x / 3) % 2 == 0 { 0 } else { 255 }])
        });
        let rings = GrayImage::from_fn(size, size, |x, y| {
            let d = (x as i32 - size as i32 / 2)
                .abs()
                .max((y as i32 - size as i32 / 2).abs());
            Luma([if d % 4 < 2 { 0 } else { 255 }])
        });
        let noise = GrayImage::from_fn(size, size, |_, _| Luma([(next() & 1) as u8 * 255]));
        for img in [checker, stripes, rings, noise] {
            let (w, h) = img.dimensions();
            assert!(qr::decode_luma(w, h, img.as_raw()).unwrap().is_empty());
        }
    }
}

#[test]
fn regression_inputs_never_panic() {
    let entries = std::fs::read_dir(REGRESSIONS)
        .unwrap_or_else(|e| panic!("the regression inputs in {REGRESSIONS}: {e}"));
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut decoded = 0;
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with("should-not-panic-"),
            "{name}: every regression input is named should-not-panic-…"
        );
        // Any result is fine; reaching the next line is the test.
        let _ = qr::decode_file(path);
        decoded += 1;
    }
    // Update when adding an input: a folder that lost its files must not pass.
    assert_eq!(decoded, 1, "{files:?}");
}

// --- Round trips. ---

#[test]
fn encoded_png_decodes_back_exactly() {
    for module_px in [1, 3, 8] {
        let png = qr::encode_png(URI, module_px).unwrap();
        assert_eq!(
            qr::decode_bytes(&png).unwrap(),
            vec![URI],
            "{module_px} px/module"
        );
    }
    let unicode = "otpauth://totp/Kasse:Björn?secret=JBSWY3DPEHPK3PXP&issuer=Kasse";
    let png = qr::encode_png(unicode, 4).unwrap();
    assert_eq!(qr::decode_bytes(&png).unwrap(), vec![unicode]);
}

#[test]
fn every_supported_format_decodes() {
    let img = code_image(URI, 4);
    let formats = [
        ImageFormat::Png,
        ImageFormat::Jpeg,
        ImageFormat::Gif,
        ImageFormat::Bmp,
        ImageFormat::WebP,
    ];
    for format in formats {
        let bytes = match format {
            // The JPEG encoder wants no alpha; GIF and WebP (lossless) want RGB(A).
            ImageFormat::Jpeg => encode(&DynamicImage::ImageRgb8(img.to_rgb8()), format),
            ImageFormat::Gif | ImageFormat::WebP => {
                encode(&DynamicImage::ImageRgba8(img.to_rgba8()), format)
            }
            _ => encode(&img, format),
        };
        assert_eq!(qr::decode_bytes(&bytes).unwrap(), vec![URI], "{format:?}");
    }
}

#[test]
fn transparent_background_counts_as_white() {
    // Black modules on a fully transparent background, as many web pages serve them.
    let grey = code_image(URI, 4).to_luma8();
    let rgba = RgbaImage::from_fn(grey.width(), grey.height(), |x, y| {
        let dark = grey.get_pixel(x, y).0[0] < 128;
        image::Rgba(if dark { [0, 0, 0, 255] } else { [0, 0, 0, 0] })
    });
    let png = encode(&DynamicImage::ImageRgba8(rgba.clone()), ImageFormat::Png);
    assert_eq!(qr::decode_bytes(&png).unwrap(), vec![URI]);
    let (w, h) = rgba.dimensions();
    assert_eq!(qr::decode_rgba(w, h, rgba.as_raw()).unwrap(), vec![URI]);
}

#[test]
fn two_codes_side_by_side_come_back_in_reading_order() {
    let left = code_image("otpauth://totp/Left:a?secret=JBSWY3DPEHPK3PXP", 3).to_luma8();
    let right = code_image("otpauth://totp/Right:b?secret=KRSXG5CTMVRXEZLU", 3).to_luma8();
    let mut canvas = GrayImage::from_pixel(
        left.width() + right.width(),
        left.height().max(right.height()),
        Luma([255]),
    );
    image::imageops::replace(&mut canvas, &left, 0, 0);
    image::imageops::replace(&mut canvas, &right, i64::from(left.width()), 0);
    let (w, h) = canvas.dimensions();
    assert_eq!(
        qr::decode_luma(w, h, canvas.as_raw()).unwrap(),
        vec![
            "otpauth://totp/Left:a?secret=JBSWY3DPEHPK3PXP",
            "otpauth://totp/Right:b?secret=KRSXG5CTMVRXEZLU"
        ]
    );
}

#[test]
fn svg_and_terminal_renderings_are_well_formed() {
    let svg = qr::encode_svg(URI).unwrap();
    assert!(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>"));
    let term = qr::encode_terminal(URI).unwrap();
    let widths: Vec<usize> = term.lines().map(|l| l.chars().count()).collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]));
    assert!(
        term.chars()
            .all(|c| matches!(c, '█' | '▀' | '▄' | ' ' | '\n'))
    );
    assert!(matches!(
        qr::encode_terminal(&"x".repeat(5000)),
        Err(QrError::TooLong { len: 5000 })
    ));
}
