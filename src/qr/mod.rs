//! QR codes: decode images (with a preprocessing pipeline) and encode text.
//!
//! Decoding accepts PNG, JPEG, GIF, BMP and WebP files, or raw grey / RGBA pixels from a
//! screen capture or camera. It returns every distinct code found, ordered top to bottom
//! then left to right, and an empty list when there is none. The pipeline (see `decode`)
//! first looks at the image as it is, and only when that finds nothing, or finds a code it
//! cannot read, escalates through inversion, thresholds, denoising, sharpening and
//! upscaling (see `prepare`).
//!
//! Hostile input is bounded: images larger than [`MAX_SIDE`] pixels a side or
//! [`MAX_PIXELS`] in all are refused before they are decoded, decoders may allocate at most
//! [`MAX_ALLOC`] bytes, and the detector is shielded so that no input can panic.
//!
//! Payload bytes come back as UTF-8 text when they are valid UTF-8 (codes with raw UTF-8
//! and no ECI header are common), otherwise as ISO 8859-1.

mod budget;
mod decode;
mod encode;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod load;
mod locate;
mod png_guard;
mod prepare;
mod sample;

use std::path::Path;

pub use error::QrError;

/// Longest image side, in pixels, that decoding accepts.
pub const MAX_SIDE: u32 = 16_384;
/// Most pixels (width × height) that decoding accepts: a 50-megapixel photo.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Most bytes an image decoder may allocate.
pub const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// Largest module size, in pixels, that [`encode_png`] draws.
pub const MAX_MODULE_PX: u32 = 64;

/// Decodes every QR code in an image file's bytes (PNG, JPEG, GIF, BMP or WebP; the format
/// is recognised from the content).
pub fn decode_bytes(bytes: &[u8]) -> Result<Vec<String>, QrError> {
    let grey = load::gray_from_bytes(bytes)?;
    Ok(decode::decode_gray(&grey))
}

/// Decodes an image file's bytes to grey and gives its width and height, without looking
/// for codes: the part of [`decode_bytes`] that reads untrusted file formats, for the
/// `qr_image` fuzz target (the whole pipeline is too slow to fuzz at millions of inputs).
#[doc(hidden)]
pub fn image_size(bytes: &[u8]) -> Result<(u32, u32), QrError> {
    let grey = load::gray_from_bytes(bytes)?;
    Ok(grey.dimensions())
}

/// Reads an image file and decodes every QR code in it. Errors name the path.
pub fn decode_file(path: &Path) -> Result<Vec<String>, QrError> {
    let bytes = std::fs::read(path).map_err(|source| QrError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    decode_bytes(&bytes).map_err(|e| QrError::InFile {
        path: path.to_path_buf(),
        source: Box::new(e),
    })
}

/// Decodes every QR code in 8-bit grey pixels, row by row, `width × height` bytes.
pub fn decode_luma(width: u32, height: u32, pixels: &[u8]) -> Result<Vec<String>, QrError> {
    let grey = load::gray_from_luma(width, height, pixels)?;
    Ok(decode::decode_gray(&grey))
}

/// Decodes every QR code in RGBA pixels (8 bits a channel, row by row), such as a screen
/// capture or a camera frame. Transparent pixels count as white.
pub fn decode_rgba(width: u32, height: u32, pixels: &[u8]) -> Result<Vec<String>, QrError> {
    let grey = load::gray_from_rgba(width, height, pixels)?;
    Ok(decode::decode_gray(&grey))
}

/// Encodes `text` as a black-on-white PNG with `module_px` pixels per module (1 to
/// [`MAX_MODULE_PX`]) and a 4-module quiet zone.
pub fn encode_png(text: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    encode::png(text, module_px)
}

/// Encodes `text` as a standalone SVG document, black on white, with a 4-module quiet zone.
pub fn encode_svg(text: &str) -> Result<String, QrError> {
    encode::svg(text)
}

/// Encodes `text` as Unicode half blocks for a terminal, two module rows per line, quiet
/// zone included. Blocks are the light modules, so it reads correctly on the usual
/// light-on-dark terminal (like `qrencode -t UTF8`).
pub fn encode_terminal(text: &str) -> Result<String, QrError> {
    encode::terminal(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_name_the_path() {
        let err = decode_file(Path::new("/nonexistent/sesame-qr.png")).unwrap_err();
        assert!(matches!(err, QrError::Io { .. }));
        assert!(
            err.to_string().contains("/nonexistent/sesame-qr.png"),
            "{err}"
        );
    }

    #[test]
    fn raw_buffers_round_trip() {
        let text = "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP";
        let png = encode_png(text, 4).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        let grey = img.to_luma8();
        let (w, h) = grey.dimensions();
        assert_eq!(decode_luma(w, h, grey.as_raw()).unwrap(), vec![text]);
        let rgba = img.to_rgba8();
        assert_eq!(decode_rgba(w, h, rgba.as_raw()).unwrap(), vec![text]);
    }

    #[test]
    fn error_messages_say_what_is_wrong() {
        let too_large = QrError::TooLarge {
            width: 100_000,
            height: 3,
        };
        assert!(too_large.to_string().contains("100000×3"));
        assert!(
            QrError::TooLong { len: 4000 }
                .to_string()
                .contains("4000 bytes")
        );
        assert!(QrError::UnsupportedFormat.to_string().contains("PNG"));
    }
}
