//! Entry points for the `qr_steps` fuzz target (`fuzz/`): one of Sesame's own steps of the
//! decoding pipeline at a time, so that each run costs one pass over a small image instead of the
//! whole escalation (`decode_luma` spends up to the pipeline's budget, about a second, on
//! an image that only looks like a code). Not part of the supported API: hidden from the
//! documentation.

use image::GrayImage;

use super::decode::bytes_to_text;
use super::{locate, prepare, sample};

/// The steps [`run_step`] can run, in the order of its `step % STEPS`.
pub const STEPS: u8 = 4;

/// Runs one pipeline step on a `width × height` grey image (`pixels`, row by row) and
/// returns how many things it produced (codes, finders, pixels), so nothing is optimised
/// away. `None` when `pixels` is shorter than the image.
///
/// Steps: 0 the image preparations (contrast, thresholds, denoising, sharpening, padding,
/// scaling); 1 the finder-pattern scan, candidate regions and corner triples; 2 reading
/// codes from grey pixels around each corner triple; 3 payload bytes as text.
///
/// The detector itself (rqrr, a dependency the pipeline runs inside `catch_unwind`) is
/// left to the whole-pipeline targets: a run of it costs milliseconds, and would slow
/// every step to its pace.
pub fn run_step(step: u8, width: u32, height: u32, pixels: &[u8]) -> Option<usize> {
    let len = usize::try_from(u64::from(width) * u64::from(height)).ok()?;
    let img = GrayImage::from_raw(width, height, pixels.get(..len)?.to_vec())?;
    let bin = prepare::threshold(&img, prepare::otsu_level(&img));
    Some(match step % STEPS {
        0 => preparations(&img),
        1 => {
            let scan = locate::scan_both(&bin);
            let regions = locate::candidate_regions(&scan.finders, width, height);
            scan.line_hits + regions.len() + locate::corners(&scan.light_finders).len()
        }
        2 => locate::corners(&locate::find_finders(&bin))
            .iter()
            .take(8)
            .filter_map(|corner| sample::decode_from_finders(&img, corner))
            .count(),
        _ => bytes_to_text(pixels.to_vec()).len(),
    })
}

/// Every preparation the escalation uses, on one image.
fn preparations(img: &GrayImage) -> usize {
    let mut produced = vec![
        prepare::invert(img),
        prepare::row_average_threshold(img),
        prepare::adaptive_threshold(img, 1 + img.width() / 8, 7),
        prepare::median3(img),
        prepare::sharpen(img, 1),
        prepare::pad(img, 4, prepare::border_level(img)),
        prepare::upscale(img, 2),
        prepare::downscale(img, 2),
    ];
    produced.extend(prepare::stretch_contrast(img));
    usize::from(prepare::is_flat(img)) + produced.iter().map(|i| i.len()).sum::<usize>()
}
