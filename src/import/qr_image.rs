//! Images holding QR codes of links (a screenshot of Google Authenticator's transfer
//! screen, a saved enrolment code).

use crate::qr;

use super::lines::entries_of_lines;
use super::{Confidence, Export, Format, ImportError, Reader};

/// A PNG, JPEG, GIF, BMP or WebP image.
pub(crate) struct QrImage;

impl Reader for QrImage {
    fn format(&self) -> Format {
        Format::QrImage
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        let image = bytes.starts_with(b"\x89PNG\r\n\x1a\n")
            || bytes.starts_with(&[0xff, 0xd8, 0xff])
            || bytes.starts_with(b"GIF8")
            || bytes.starts_with(b"BM")
            || (bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP");
        image.then_some(Confidence::Sure)
    }

    fn read(&self, bytes: &[u8], _password: Option<&str>) -> Result<Export, ImportError> {
        let texts = qr::decode_bytes(bytes)?;
        Ok(Export::new(
            Format::QrImage,
            false,
            entries_of_lines(&texts),
        ))
    }
}
