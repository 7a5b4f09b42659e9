//! Text to QR code: PNG, SVG and terminal renderings, each with a 4-module quiet zone.

use std::io::Cursor;

use image::{GrayImage, ImageFormat, Luma};
use qrcode::{Color, EcLevel, QrCode};

use super::{MAX_MODULE_PX, QrError};

/// Modules of light margin on each side, as the QR standard asks.
pub(crate) const QUIET_ZONE: usize = 4;

/// Builds the code at error-correction level M (what authenticator sites use), or L when
/// the text only fits at L.
pub(crate) fn build(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text, EcLevel::M)
        .or_else(|_| QrCode::with_error_correction_level(text, EcLevel::L))
        .map_err(|_| QrError::TooLong { len: text.len() })
}

/// Dark/light modules row by row, quiet zone included: `(side, modules)`; `true` is dark.
pub(crate) fn modules_with_quiet_zone(code: &QrCode) -> (usize, Vec<bool>) {
    let inner = code.width();
    let side = inner + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut modules = vec![false; side * side];
    for y in 0..inner {
        for x in 0..inner {
            modules[(y + QUIET_ZONE) * side + x + QUIET_ZONE] =
                colors[y * inner + x] == Color::Dark;
        }
    }
    (side, modules)
}

/// A black-on-white PNG, `module_px` pixels per module.
pub(crate) fn png(text: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    if module_px == 0 || module_px > MAX_MODULE_PX {
        return Err(QrError::ModuleSize { module_px });
    }
    let code = build(text)?;
    let (side, modules) = modules_with_quiet_zone(&code);
    let px = side as u32 * module_px;
    let img = GrayImage::from_fn(px, px, |x, y| {
        let (mx, my) = ((x / module_px) as usize, (y / module_px) as usize);
        Luma([if modules[my * side + mx] { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .map_err(|e| QrError::Render(e.to_string()))?;
    Ok(out)
}

/// A standalone SVG document (black on white), at least 256 units wide.
pub(crate) fn svg(text: &str) -> Result<String, QrError> {
    let code = build(text)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .quiet_zone(true)
        .min_dimensions(256, 256)
        .dark_color(qrcode::render::svg::Color("#000000"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build())
}

/// Unicode half blocks, two module rows per line, for a terminal with a dark background:
/// `█`, `▀` and `▄` draw *light* modules in the terminal's (light) text colour and spaces
/// leave dark modules in its background colour, like `qrencode -t UTF8`. The quiet zone is
/// drawn too, so the code is readable by a phone camera with no extra margin.
pub(crate) fn terminal(text: &str) -> Result<String, QrError> {
    let code = build(text)?;
    let (side, modules) = modules_with_quiet_zone(&code);
    let light = |x: usize, y: usize| y >= side || !modules[y * side + x];
    let mut out = String::with_capacity((side + 1) * side.div_ceil(2) * 3);
    for y in (0..side).step_by(2) {
        for x in 0..side {
            out.push(match (light(x, y), light(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::{decode_bytes, decode_luma};

    const URI: &str =
        "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example";

    #[test]
    fn png_round_trips() {
        for module_px in [1, 2, 4, 10] {
            let png = png(URI, module_px).unwrap();
            assert_eq!(
                decode_bytes(&png).unwrap(),
                vec![URI.to_string()],
                "{module_px} px"
            );
        }
    }

    #[test]
    fn png_has_quiet_zone() {
        let png = png("hi", 3).unwrap();
        let img = image::load_from_memory(&png).unwrap().into_luma8();
        let side = img.width();
        // 21 modules + 2·4 quiet zone modules, 3 px each.
        assert_eq!(side, (21 + 8) * 3);
        for i in 0..side {
            for edge in 0..(QUIET_ZONE as u32 * 3) {
                assert_eq!(img.get_pixel(i, edge).0[0], 255);
                assert_eq!(img.get_pixel(edge, i).0[0], 255);
            }
        }
    }

    #[test]
    fn bad_module_sizes_and_long_texts_are_refused() {
        assert!(matches!(
            png(URI, 0),
            Err(QrError::ModuleSize { module_px: 0 })
        ));
        assert!(matches!(
            png(URI, MAX_MODULE_PX + 1),
            Err(QrError::ModuleSize { .. })
        ));
        let long = "x".repeat(3000);
        assert!(matches!(svg(&long), Err(QrError::TooLong { len: 3000 })));
        assert!(matches!(
            terminal(&long),
            Err(QrError::TooLong { len: 3000 })
        ));
        // 2900 bytes only fit at level L: still encoded.
        let near_limit = "x".repeat(2900);
        assert!(build(&near_limit).is_ok());
    }

    #[test]
    fn svg_is_a_complete_document() {
        let svg = svg(URI).unwrap();
        assert!(svg.starts_with("<?xml"), "{}", &svg[..40]);
        assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("#000000") && svg.contains("#ffffff"));
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn terminal_output_is_rectangular_and_decodes() {
        let text = terminal(URI).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let side = build(URI).unwrap().width() + 2 * QUIET_ZONE;
        assert_eq!(lines.len(), side.div_ceil(2));
        assert!(lines.iter().all(|l| l.chars().count() == side));
        // The first line is all quiet zone.
        assert!(lines[0].chars().all(|c| c == '█'));
        // Turn the characters back into pixels (light text on a dark terminal) and read it.
        let px = 4;
        let mut pixels = vec![0u8; side * px * lines.len() * 2 * px];
        let width = side * px;
        for (row, line) in lines.iter().enumerate() {
            for (col, c) in line.chars().enumerate() {
                let (top, bottom) = match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    _ => (false, false),
                };
                for (half, lit) in [(0, top), (1, bottom)] {
                    for dy in 0..px {
                        for dx in 0..px {
                            let y = (row * 2 + half) * px + dy;
                            pixels[y * width + col * px + dx] = if lit { 230 } else { 20 };
                        }
                    }
                }
            }
        }
        let height = (lines.len() * 2 * px) as u32;
        assert_eq!(
            decode_luma(width as u32, height, &pixels).unwrap(),
            vec![URI.to_string()]
        );
    }
}
