//! Image files and raw pixel buffers to 8-bit grey, with bounded sizes and allocations.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::{DynamicImage, GrayImage, ImageError, ImageFormat, ImageReader, Limits};

use super::{MAX_ALLOC, MAX_PIXELS, MAX_SIDE, QrError, png_guard};

/// Formats Sesame decodes; anything else is [`QrError::UnsupportedFormat`].
const SUPPORTED: [ImageFormat; 5] = [
    ImageFormat::Png,
    ImageFormat::Jpeg,
    ImageFormat::Gif,
    ImageFormat::Bmp,
    ImageFormat::WebP,
];

/// Refuses dimensions that are empty or beyond [`MAX_SIDE`] / [`MAX_PIXELS`].
pub(crate) fn check_dimensions(width: u32, height: u32) -> Result<(), QrError> {
    let pixels = u64::from(width) * u64::from(height);
    if width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS {
        return Err(QrError::TooLarge { width, height });
    }
    Ok(())
}

/// Decodes an image file's bytes (format sniffed from the content) to grey.
///
/// Transparent pixels are composited over white, as a viewer would show them.
pub(crate) fn gray_from_bytes(bytes: &[u8]) -> Result<GrayImage, QrError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| QrError::Image(e.to_string()))?;
    match reader.format() {
        Some(ImageFormat::Png) => png_guard::check_png(bytes)?,
        Some(format) if SUPPORTED.contains(&format) => {}
        _ => return Err(QrError::UnsupportedFormat),
    }

    // Read the header first so an absurd size gets its own error before any allocation.
    let mut header = ImageReader::new(Cursor::new(bytes));
    if let Some(format) = reader.format() {
        header.set_format(format);
    }
    let (width, height) = header.into_dimensions().map_err(map_image_error)?;
    check_dimensions(width, height)?;

    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let image = decode_caught(reader)?.map_err(|e| match e {
        ImageError::Limits(_) => QrError::TooLarge { width, height },
        other => map_image_error(other),
    })?;
    Ok(to_gray(image))
}

/// Runs the decoder, turning a panic into an error. The decoders are other crates' code:
/// one that panics on a malformed file Sesame did not check for (as png 0.18.1 did on a
/// palette of part-colours, see `png_guard`) must not end the app or the command.
fn decode_caught(
    reader: ImageReader<Cursor<&[u8]>>,
) -> Result<Result<DynamicImage, ImageError>, QrError> {
    catch_unwind(AssertUnwindSafe(|| reader.decode()))
        .map_err(|_| QrError::Image("the image decoder failed on malformed data".into()))
}

fn map_image_error(error: ImageError) -> QrError {
    match error {
        ImageError::Unsupported(_) => QrError::UnsupportedFormat,
        other => QrError::Image(other.to_string()),
    }
}

/// Converts any decoded image to grey, compositing transparency over white.
fn to_gray(image: DynamicImage) -> GrayImage {
    if let DynamicImage::ImageRgb8(rgb) = &image {
        let (width, height) = rgb.dimensions();
        let pixels = rgb
            .as_raw()
            .chunks_exact(3)
            .map(|px| luma(px[0], px[1], px[2]))
            .collect();
        return GrayImage::from_raw(width, height, pixels).expect("one grey byte per RGB pixel");
    }
    if image.color().has_alpha() {
        let rgba = image.into_rgba8();
        let (width, height) = rgba.dimensions();
        let pixels = gray_from_rgba_unchecked(rgba.as_raw());
        GrayImage::from_raw(width, height, pixels).expect("one grey byte per RGBA pixel")
    } else {
        image.into_luma8()
    }
}

/// Grey from tightly packed RGBA bytes (Rec. 709 weights, alpha over white).
pub(crate) fn gray_from_rgba_unchecked(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|px| {
            let luma =
                (u32::from(px[0]) * 2126 + u32::from(px[1]) * 7152 + u32::from(px[2]) * 722 + 5000)
                    / 10000;
            let alpha = u32::from(px[3]);
            ((luma * alpha + 255 * (255 - alpha) + 127) / 255) as u8
        })
        .collect()
}

/// Rec. 709 luma of an sRGB pixel, in fixed point.
fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 13933 + u32::from(g) * 46871 + u32::from(b) * 4732 + 32768) >> 16) as u8
}

/// Wraps a caller's grey buffer after checking its size.
pub(crate) fn gray_from_luma(width: u32, height: u32, pixels: &[u8]) -> Result<GrayImage, QrError> {
    check_dimensions(width, height)?;
    let expected = width as usize * height as usize;
    if pixels.len() != expected {
        return Err(QrError::BufferSize {
            expected,
            actual: pixels.len(),
        });
    }
    Ok(GrayImage::from_raw(width, height, pixels.to_vec()).expect("length checked above"))
}

/// Converts a caller's RGBA buffer to grey after checking its size.
pub(crate) fn gray_from_rgba(width: u32, height: u32, pixels: &[u8]) -> Result<GrayImage, QrError> {
    check_dimensions(width, height)?;
    let expected = width as usize * height as usize * 4;
    if pixels.len() != expected {
        return Err(QrError::BufferSize {
            expected,
            actual: pixels.len(),
        });
    }
    let grey = gray_from_rgba_unchecked(pixels);
    Ok(GrayImage::from_raw(width, height, grey).expect("one grey byte per RGBA pixel"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoder_that_panics_gives_an_error() {
        // The palette png_guard refuses, handed to the decoder without that check.
        let png = super::super::png_guard::tests::palette_png(&[7; 41]);
        let reader = ImageReader::with_format(Cursor::new(png.as_slice()), ImageFormat::Png);
        match decode_caught(reader) {
            Err(QrError::Image(why)) => assert!(why.contains("decoder failed"), "{why}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn transparent_pixels_become_white() {
        let rgba = [0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 128];
        assert_eq!(gray_from_rgba_unchecked(&rgba), vec![255, 0, 255, 127]);
    }

    #[test]
    fn buffer_sizes_are_checked() {
        assert!(matches!(
            gray_from_luma(3, 2, &[0; 5]),
            Err(QrError::BufferSize {
                expected: 6,
                actual: 5
            })
        ));
        assert!(matches!(
            gray_from_rgba(2, 2, &[0; 15]),
            Err(QrError::BufferSize {
                expected: 16,
                actual: 15
            })
        ));
        assert_eq!(gray_from_luma(3, 2, &[9; 6]).unwrap().dimensions(), (3, 2));
    }

    #[test]
    fn huge_dimensions_are_refused_before_allocating() {
        assert!(matches!(
            gray_from_luma(100_000, 100_000, &[]),
            Err(QrError::TooLarge {
                width: 100_000,
                height: 100_000
            })
        ));
        assert!(check_dimensions(MAX_SIDE, 1).is_ok());
        assert!(check_dimensions(MAX_SIDE + 1, 1).is_err());
    }

    #[test]
    fn unknown_bytes_are_unsupported() {
        assert!(matches!(
            gray_from_bytes(b"hello, world"),
            Err(QrError::UnsupportedFormat)
        ));
        assert!(matches!(
            gray_from_bytes(&[]),
            Err(QrError::UnsupportedFormat)
        ));
    }

    #[test]
    fn truncated_png_is_an_image_error() {
        let mut png = Vec::new();
        DynamicImage::ImageLuma8(GrayImage::new(40, 40))
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        png.truncate(png.len() / 2);
        assert!(matches!(gray_from_bytes(&png), Err(QrError::Image(_))));
    }
}
