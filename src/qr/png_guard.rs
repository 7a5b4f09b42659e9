//! Checks on a PNG's chunks that the `png` crate (0.18.1, the newest release) does not make
//! before it trusts them: a palette (`PLTE`) whose length is not a whole number of 3-byte
//! colours makes its palette expansion index past the chunk and panic (found by the
//! `qr_image` fuzz target; upstream image-rs/image-png#694, fixed after 0.18.1). The walk
//! reads only chunk lengths and types, and stops at the end of the bytes.

use super::QrError;

/// The 8 bytes every PNG starts with.
const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Refuses a PNG whose palette chunk is not a whole number of 3-byte colours. Bytes that
/// are not a PNG, and chunks cut short, are left to the decoder (it reports those).
pub(crate) fn check_png(bytes: &[u8]) -> Result<(), QrError> {
    let Some(mut rest) = bytes.strip_prefix(SIGNATURE.as_slice()) else {
        return Ok(());
    };
    // Each chunk: length (4, big-endian), type (4), data (length), CRC (4).
    while let [l0, l1, l2, l3, t0, t1, t2, t3, after @ ..] = rest {
        let length = u32::from_be_bytes([*l0, *l1, *l2, *l3]) as usize;
        if [*t0, *t1, *t2, *t3] == *b"PLTE" && !length.is_multiple_of(3) {
            return Err(QrError::Image(format!(
                "its palette (PLTE chunk) is {length} bytes long, not a whole number of 3-byte colours"
            )));
        }
        let Some(next) = after.get(length.saturating_add(4)..) else {
            return Ok(());
        };
        rest = next;
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// CRC-32 as PNG uses it (ISO 3309), bit by bit: test images only.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    0xEDB8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut checked = kind.to_vec();
        checked.extend_from_slice(data);
        out.extend_from_slice(&crc32(&checked).to_be_bytes());
        out
    }

    /// A 1×1 palette PNG (bit depth 8, colour index 0) whose palette is `palette`, valid in
    /// every other way (CRCs included). 3 bytes make a correct image.
    pub(crate) fn palette_png(palette: &[u8]) -> Vec<u8> {
        let mut png = SIGNATURE.to_vec();
        // Width 1, height 1, bit depth 8, colour type 3 (palette), deflate, filter 0, no interlace.
        png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 3, 0, 0, 0]));
        png.extend(chunk(b"PLTE", palette));
        // zlib, one stored deflate block of 2 bytes (filter type 0, index 0), Adler-32 of them.
        let scanline = [0u8, 0];
        let adler = {
            let (mut a, mut b) = (1u32, 0u32);
            for &byte in &scanline {
                a = (a + u32::from(byte)) % 65521;
                b = (b + a) % 65521;
            }
            (b << 16) | a
        };
        let mut idat = vec![0x78, 0x01, 0x01, 2, 0, 0xFD, 0xFF];
        idat.extend_from_slice(&scanline);
        idat.extend_from_slice(&adler.to_be_bytes());
        png.extend(chunk(b"IDAT", &idat));
        png.extend(chunk(b"IEND", &[]));
        png
    }

    #[test]
    fn a_palette_of_whole_colours_passes_and_decodes() {
        let png = palette_png(&[10, 20, 30]);
        assert!(check_png(&png).is_ok());
        let grey = super::super::load::gray_from_bytes(&png).unwrap();
        assert_eq!(grey.dimensions(), (1, 1));
    }

    #[test]
    fn a_palette_cut_mid_colour_is_refused_before_the_decoder_sees_it() {
        for length in [1, 2, 4, 5, 7, 41, 767] {
            let palette: Vec<u8> = (0..length).map(|i| i as u8).collect();
            let message = check_png(&palette_png(&palette)).unwrap_err().to_string();
            assert!(
                message.contains(&format!("palette (PLTE chunk) is {length} bytes long")),
                "{message}"
            );
        }
    }

    #[test]
    fn decoding_an_image_with_a_palette_cut_mid_colour_is_a_typed_error_not_a_panic() {
        // The fuzz crash's shape (qr_image, session 10): a 41-byte palette.
        let png = palette_png(&[7; 41]);
        match crate::qr::decode_bytes(&png) {
            Err(QrError::Image(why)) => assert!(why.contains("41 bytes long"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_bytes_and_cut_chunks_are_left_to_the_decoder() {
        assert!(check_png(b"GIF89a").is_ok());
        assert!(check_png(b"").is_ok());
        let png = palette_png(&[1, 2, 3, 4]);
        // Cut inside the IHDR chunk: the PLTE is never reached.
        assert!(check_png(&png[..20]).is_ok());
        // A length that runs past the end stops the walk without a panic.
        let mut huge = SIGNATURE.to_vec();
        huge.extend_from_slice(&u32::MAX.to_be_bytes());
        huge.extend_from_slice(b"tEXt");
        assert!(check_png(&huge).is_ok());
    }
}
