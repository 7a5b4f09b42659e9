//! [`QrError`]: why an image could not be read or a text could not be encoded.

use std::path::PathBuf;

/// Why an image could not be searched for QR codes, or a text could not become one.
///
/// "No code in this image" is not an error: decoding returns an empty list and the caller
/// decides what to say.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The file could not be read.
    #[error("cannot read the image file {}: {source}", path.display())]
    Io {
        /// The file that was asked for.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A file was read but its contents could not be used; `source` says why.
    #[error("{}: {source}", path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What was wrong with its contents.
        source: Box<QrError>,
    },
    /// The bytes are not an image format Sesame reads.
    #[error("this is not an image Sesame can read (supported formats: PNG, JPEG, GIF, BMP, WebP)")]
    UnsupportedFormat,
    /// The image looked like a supported format but could not be decoded.
    #[error("the image is damaged or truncated and could not be decoded: {0}")]
    Image(String),
    /// The image is larger than Sesame is willing to decode.
    #[error(
        "the image is too large to scan ({width}×{height} pixels; the limit is {max_side} pixels a side and {max_pixels} pixels in all)",
        max_side = super::MAX_SIDE,
        max_pixels = super::MAX_PIXELS
    )]
    TooLarge {
        /// Width in pixels, as the image claims it.
        width: u32,
        /// Height in pixels, as the image claims it.
        height: u32,
    },
    /// A raw pixel buffer does not match the dimensions given with it.
    #[error("the pixel buffer holds {actual} bytes but the given dimensions need {expected} bytes")]
    BufferSize {
        /// Bytes the width, height and pixel format call for.
        expected: usize,
        /// Bytes actually passed.
        actual: usize,
    },
    /// The text is too long to fit in any QR code at the lowest error-correction level.
    #[error("the text is too long for a QR code ({len} bytes; a QR code holds at most 2953 bytes)")]
    TooLong {
        /// Length of the text in bytes.
        len: usize,
    },
    /// The requested module size for a PNG is outside what Sesame draws.
    #[error(
        "a QR module must be 1 to {max} pixels wide, not {module_px}",
        max = super::MAX_MODULE_PX
    )]
    ModuleSize {
        /// The module size that was asked for, in pixels.
        module_px: u32,
    },
    /// The PNG could not be written.
    #[error("cannot write the QR code as PNG: {0}")]
    Render(String),
}
