//! Preprocessing steps that turn a hard photo or screenshot into something the QR detector
//! can read: inversion, contrast stretch, global (Otsu) and local (mean) thresholds, a 3×3
//! median for salt-and-pepper noise, unsharp masking for blur, padding for codes without a
//! quiet zone, and rescaling. Each step is a small pure function over a [`GrayImage`];
//! binary results use 0 for dark and 255 for light.

use image::GrayImage;

/// Light modules on a dark background become dark on light.
pub(crate) fn invert(img: &GrayImage) -> GrayImage {
    map_pixels(img, |v| 255 - v)
}

/// Stretches the grey levels so the darkest ~1 % become 0 and the lightest ~1 % become 255.
///
/// Returns `None` when the image is (nearly) one flat colour.
pub(crate) fn stretch_contrast(img: &GrayImage) -> Option<GrayImage> {
    let hist = histogram(img);
    let total: u64 = hist.iter().sum();
    let cut = total / 100;
    let low = percentile(&hist, cut);
    let high = percentile(&hist, total.saturating_sub(cut + 1));
    if u16::from(high) <= u16::from(low) + 8 {
        return None;
    }
    let (low, span) = (u32::from(low), u32::from(high - low));
    Some(map_pixels(img, |v| {
        (u32::from(v).saturating_sub(low) * 255 / span).min(255) as u8
    }))
}

/// True when (almost) every pixel has the same grey level: no code can be there.
pub(crate) fn is_flat(img: &GrayImage) -> bool {
    let hist = histogram(img);
    let total: u64 = hist.iter().sum();
    hist.iter().any(|&n| n * 1000 >= total * 999)
}

/// The grey level that best splits the histogram in two classes (Otsu's method).
pub(crate) fn otsu_level(img: &GrayImage) -> u8 {
    otsu_from_histogram(&histogram(img))
}

/// Otsu's level for a list of grey values (module means, for example).
pub(crate) fn otsu_of(values: &[u8]) -> u8 {
    let mut hist = [0u64; 256];
    for &v in values {
        hist[v as usize] += 1;
    }
    otsu_from_histogram(&hist)
}

fn otsu_from_histogram(hist: &[u64; 256]) -> u8 {
    let total: u64 = hist.iter().sum();
    if total == 0 {
        return 128;
    }
    let sum_all: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &n)| i as f64 * n as f64)
        .sum();
    let (mut weight_low, mut sum_low) = (0u64, 0f64);
    let (mut best, mut best_level) = (-1f64, 128u8);
    for (level, &count) in hist.iter().enumerate() {
        weight_low += count;
        if weight_low == 0 {
            continue;
        }
        let weight_high = total - weight_low;
        if weight_high == 0 {
            break;
        }
        sum_low += level as f64 * count as f64;
        let mean_low = sum_low / weight_low as f64;
        let mean_high = (sum_all - sum_low) / weight_high as f64;
        let between = weight_low as f64 * weight_high as f64 * (mean_low - mean_high).powi(2);
        if between > best {
            best = between;
            best_level = level as u8;
        }
    }
    best_level
}

/// Pixels at or below `level` become dark (0), the rest light (255).
pub(crate) fn threshold(img: &GrayImage, level: u8) -> GrayImage {
    map_pixels(img, |v| if v <= level { 0 } else { 255 })
}

/// The detector's own binarisation (from quirc, as in rqrr's `prepare`), without its
/// per-pixel divisions: a running average over `width/8` pixels, swept along each row in
/// both directions (boustrophedon, carried over from row to row); a pixel is dark when it
/// is below 95 % of the mean of the two sweeps.
pub(crate) fn row_average_threshold(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let mut out = GrayImage::new(w, h);
    if wu == 0 {
        return out;
    }
    let s = (wu / 8).max(1) as u64;
    // avg·(s−1)/s as a multiply and shift.
    let keep = ((s - 1) << 32) / s;
    let src = img.as_raw();
    let dst: &mut [u8] = &mut out;
    let mut sums = vec![0u64; wu];
    let (mut avg_v, mut avg_u) = (0u64, 0u64);
    for y in 0..hu {
        let row = &src[y * wu..(y + 1) * wu];
        sums.fill(0);
        for x in 0..wu {
            let (v, u) = if y % 2 == 0 {
                (wu - 1 - x, x)
            } else {
                (x, wu - 1 - x)
            };
            avg_v = ((avg_v * keep) >> 32) + u64::from(row[v]);
            avg_u = ((avg_u * keep) >> 32) + u64::from(row[u]);
            sums[v] += avg_v;
            sums[u] += avg_u;
        }
        let out_row = &mut dst[y * wu..(y + 1) * wu];
        for ((o, &v), &sum) in out_row.iter_mut().zip(row).zip(&sums) {
            *o = if u64::from(v) * 200 * s < sum * 95 {
                0
            } else {
                255
            };
        }
    }
    out
}

/// Local threshold: a pixel is dark when it is darker than the mean of the
/// `(2·radius+1)²` window around it by more than `offset` grey levels.
///
/// Handles uneven lighting and blur where one global level cannot.
pub(crate) fn adaptive_threshold(img: &GrayImage, radius: u32, offset: u8) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let integral = integral_image(img);
    let stride = wu + 1;
    let r = radius as usize;
    let mut out = GrayImage::new(w, h);
    let src = img.as_raw();
    let dst: &mut [u8] = &mut out;
    for y in 0..hu {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(hu));
        for x in 0..wu {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(wu));
            let sum = integral[y1 * stride + x1] + integral[y0 * stride + x0]
                - integral[y0 * stride + x1]
                - integral[y1 * stride + x0];
            let area = ((y1 - y0) * (x1 - x0)) as u64;
            let v = u64::from(src[y * wu + x]) + u64::from(offset);
            dst[y * wu + x] = if v * area < sum { 0 } else { 255 };
        }
    }
    out
}

/// Summed-area table with a zero first row and column: `(w+1)·(h+1)` entries.
fn integral_image(img: &GrayImage) -> Vec<u64> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let stride = w + 1;
    let mut table = vec![0u64; stride * (h + 1)];
    let src = img.as_raw();
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += u64::from(src[y * w + x]);
            table[(y + 1) * stride + x + 1] = table[y * stride + x + 1] + row;
        }
    }
    table
}

/// 3×3 median filter (edges use the nearest pixels): removes salt-and-pepper noise.
pub(crate) fn median3(img: &GrayImage) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let src = img.as_raw();
    let mut out = GrayImage::new(w, h);
    let dst: &mut [u8] = &mut out;
    if wu == 0 || hu == 0 {
        return out;
    }
    for y in 0..hu {
        let rows = [y.saturating_sub(1), y, (y + 1).min(hu - 1)];
        for x in 0..wu {
            let cols = [x.saturating_sub(1), x, (x + 1).min(wu - 1)];
            let mut window = [0u8; 9];
            for (i, &ry) in rows.iter().enumerate() {
                for (j, &cx) in cols.iter().enumerate() {
                    window[i * 3 + j] = src[ry * wu + cx];
                }
            }
            dst[y * wu + x] = median9(window);
        }
    }
    out
}

/// The median of nine values, by a fixed network of 19 compare-exchanges (Paeth's):
/// branch-free, several times faster than a general selection.
fn median9(mut p: [u8; 9]) -> u8 {
    let mut sort = |a: usize, b: usize| {
        let (lo, hi) = (p[a].min(p[b]), p[a].max(p[b]));
        p[a] = lo;
        p[b] = hi;
    };
    for (a, b) in [
        (1, 2),
        (4, 5),
        (7, 8),
        (0, 1),
        (3, 4),
        (6, 7),
        (1, 2),
        (4, 5),
        (7, 8),
        (0, 3),
        (5, 8),
        (4, 7),
        (3, 6),
        (1, 4),
        (2, 5),
        (4, 7),
        (4, 2),
        (6, 4),
        (4, 2),
    ] {
        sort(a, b);
    }
    p[4]
}

/// Unsharp mask: `2·pixel − box_blur(pixel)` over a `(2·radius+1)²` box, clamped.
///
/// Restores edges softened by blur before the detector thresholds them.
pub(crate) fn sharpen(img: &GrayImage, radius: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    let (wu, hu) = (w as usize, h as usize);
    let integral = integral_image(img);
    let stride = wu + 1;
    let r = radius as usize;
    let src = img.as_raw();
    let mut out = GrayImage::new(w, h);
    let dst: &mut [u8] = &mut out;
    for y in 0..hu {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(hu));
        for x in 0..wu {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(wu));
            let sum = integral[y1 * stride + x1] + integral[y0 * stride + x0]
                - integral[y0 * stride + x1]
                - integral[y1 * stride + x0];
            let mean = (sum / ((y1 - y0) * (x1 - x0)) as u64) as i32;
            let v = i32::from(src[y * wu + x]);
            dst[y * wu + x] = (2 * v - mean).clamp(0, 255) as u8;
        }
    }
    out
}

/// Adds a `margin`-pixel border of grey level `value` on every side.
///
/// Codes printed without a quiet zone touch the image edge; the detector needs light
/// space around the finder patterns.
pub(crate) fn pad(img: &GrayImage, margin: u32, value: u8) -> GrayImage {
    let (w, h) = img.dimensions();
    let mut out = GrayImage::from_pixel(w + 2 * margin, h + 2 * margin, image::Luma([value]));
    image::imageops::replace(&mut out, img, i64::from(margin), i64::from(margin));
    out
}

/// The grey level most common along the image border (a guess at the background).
pub(crate) fn border_level(img: &GrayImage) -> u8 {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return 255;
    }
    let mut hist = [0u32; 256];
    for x in 0..w {
        hist[img.get_pixel(x, 0).0[0] as usize] += 1;
        hist[img.get_pixel(x, h - 1).0[0] as usize] += 1;
    }
    for y in 0..h {
        hist[img.get_pixel(0, y).0[0] as usize] += 1;
        hist[img.get_pixel(w - 1, y).0[0] as usize] += 1;
    }
    let dark: u32 = hist[..128].iter().sum();
    let light: u32 = hist[128..].iter().sum();
    if dark > light { 0 } else { 255 }
}

/// Enlarges by an integer `factor` with bilinear interpolation.
///
/// Codes at 1.3–2 pixels per module have finder patterns too thin for the detector;
/// interpolating gives it whole pixels to work with.
pub(crate) fn upscale(img: &GrayImage, factor: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    if factor <= 1 || w == 0 || h == 0 {
        return img.clone();
    }
    let (ow, oh) = (w * factor, h * factor);
    let src = img.as_raw();
    let (wu, hu) = (w as usize, h as usize);
    let mut out = GrayImage::new(ow, oh);
    let dst: &mut [u8] = &mut out;
    let f = factor as f32;
    // Source coordinate of each output column, split in index and weight.
    let xs: Vec<(usize, usize, f32)> = (0..ow)
        .map(|x| {
            let sx = ((x as f32 + 0.5) / f - 0.5).max(0.0);
            let x0 = (sx as usize).min(wu - 1);
            (x0, (x0 + 1).min(wu - 1), sx - x0 as f32)
        })
        .collect();
    for y in 0..oh as usize {
        let sy = ((y as f32 + 0.5) / f - 0.5).max(0.0);
        let y0 = (sy as usize).min(hu - 1);
        let y1 = (y0 + 1).min(hu - 1);
        let fy = sy - y0 as f32;
        let (row0, row1) = (&src[y0 * wu..(y0 + 1) * wu], &src[y1 * wu..(y1 + 1) * wu]);
        let out_row = &mut dst[y * ow as usize..(y + 1) * ow as usize];
        for (o, &(x0, x1, fx)) in out_row.iter_mut().zip(&xs) {
            let top = f32::from(row0[x0]) * (1.0 - fx) + f32::from(row0[x1]) * fx;
            let bottom = f32::from(row1[x0]) * (1.0 - fx) + f32::from(row1[x1]) * fx;
            *o = (top * (1.0 - fy) + bottom * fy + 0.5) as u8;
        }
    }
    out
}

/// Shrinks by an integer `factor`, averaging each `factor × factor` block.
///
/// Large photos take long to search and their modules are big enough to survive it.
pub(crate) fn downscale(img: &GrayImage, factor: u32) -> GrayImage {
    let (w, h) = img.dimensions();
    if factor <= 1 {
        return img.clone();
    }
    let (ow, oh) = ((w / factor).max(1), (h / factor).max(1));
    let mut out = GrayImage::new(ow, oh);
    for oy in 0..oh {
        for ox in 0..ow {
            let (mut sum, mut n) = (0u32, 0u32);
            for y in oy * factor..((oy + 1) * factor).min(h) {
                for x in ox * factor..((ox + 1) * factor).min(w) {
                    sum += u32::from(img.get_pixel(x, y).0[0]);
                    n += 1;
                }
            }
            out.put_pixel(ox, oy, image::Luma([(sum / n.max(1)) as u8]));
        }
    }
    out
}

fn map_pixels(img: &GrayImage, f: impl Fn(u8) -> u8) -> GrayImage {
    let mut lut = [0u8; 256];
    for (i, slot) in lut.iter_mut().enumerate() {
        *slot = f(i as u8);
    }
    let pixels = img.as_raw().iter().map(|&v| lut[v as usize]).collect();
    GrayImage::from_raw(img.width(), img.height(), pixels).expect("same size as the input")
}

fn histogram(img: &GrayImage) -> [u64; 256] {
    let mut hist = [0u64; 256];
    for &v in img.as_raw() {
        hist[v as usize] += 1;
    }
    hist
}

/// The grey level below which `rank` pixels lie.
fn percentile(hist: &[u64; 256], rank: u64) -> u8 {
    let mut seen = 0;
    for (level, &count) in hist.iter().enumerate() {
        seen += count;
        if seen > rank {
            return level as u8;
        }
    }
    255
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_rows(rows: &[&[u8]]) -> GrayImage {
        let (w, h) = (rows[0].len() as u32, rows.len() as u32);
        GrayImage::from_raw(w, h, rows.concat()).unwrap()
    }

    #[test]
    fn invert_flips_levels() {
        let img = from_rows(&[&[0, 100, 255]]);
        assert_eq!(invert(&img).as_raw(), &vec![255, 155, 0]);
    }

    #[test]
    fn stretch_maps_range_to_full_scale() {
        let img = from_rows(&[&[96, 96, 168, 168], &[96, 168, 96, 168]]);
        let out = stretch_contrast(&img).unwrap();
        assert_eq!(out.as_raw(), &vec![0, 0, 255, 255, 0, 255, 0, 255]);
        assert!(stretch_contrast(&from_rows(&[&[7, 7, 7]])).is_none());
        assert!(stretch_contrast(&from_rows(&[&[250, 255, 252]])).is_none());
    }

    #[test]
    fn flat_images_are_recognised() {
        assert!(is_flat(&GrayImage::from_pixel(50, 50, image::Luma([200]))));
        assert!(is_flat(&GrayImage::new(0, 0)));
        let mut img = GrayImage::from_pixel(50, 50, image::Luma([200]));
        for x in 0..50 {
            img.put_pixel(x, 10, image::Luma([0]));
        }
        assert!(!is_flat(&img));
    }

    #[test]
    fn otsu_splits_two_populations() {
        let img = from_rows(&[&[20, 22, 21, 200, 202, 201]]);
        let level = otsu_level(&img);
        assert!((22..200).contains(&level), "{level}");
        assert_eq!(
            threshold(&img, level).as_raw(),
            &vec![0, 0, 0, 255, 255, 255]
        );
        assert_eq!(otsu_of(img.as_raw()), level);
        assert_eq!(otsu_of(&[]), 128);
    }

    #[test]
    fn row_average_threshold_separates_modules() {
        let img = GrayImage::from_fn(64, 4, |x, _| {
            image::Luma([if (x / 4) % 2 == 0 { 40 } else { 200 }])
        });
        let out = row_average_threshold(&img);
        for x in 8..64 {
            let expect = if (x / 4) % 2 == 0 { 0 } else { 255 };
            assert_eq!(out.get_pixel(x, 2).0[0], expect, "x={x}");
        }
        assert_eq!(
            row_average_threshold(&GrayImage::new(0, 3)).dimensions(),
            (0, 3)
        );
    }

    #[test]
    fn adaptive_threshold_follows_uneven_light() {
        // A dark dot on a bright left half and one on a dim right half.
        let mut img =
            GrayImage::from_fn(20, 5, |x, _| image::Luma([if x < 10 { 220 } else { 90 }]));
        img.put_pixel(4, 2, image::Luma([150]));
        img.put_pixel(15, 2, image::Luma([30]));
        let out = adaptive_threshold(&img, 2, 10);
        assert_eq!(out.get_pixel(4, 2).0[0], 0);
        assert_eq!(out.get_pixel(15, 2).0[0], 0);
        assert_eq!(out.get_pixel(1, 1).0[0], 255);
        assert_eq!(out.get_pixel(18, 1).0[0], 255);
    }

    #[test]
    fn median_removes_isolated_specks() {
        let mut img = GrayImage::from_pixel(5, 5, image::Luma([255]));
        img.put_pixel(2, 2, image::Luma([0]));
        assert!(median3(&img).as_raw().iter().all(|&v| v == 255));
        // A solid block survives.
        let block = GrayImage::from_fn(6, 6, |x, _| image::Luma([if x < 3 { 0 } else { 255 }]));
        assert_eq!(median3(&block).as_raw(), block.as_raw());
        assert_eq!(median3(&GrayImage::new(0, 0)).dimensions(), (0, 0));
    }

    #[test]
    fn sharpen_steepens_an_edge() {
        let img = from_rows(&[&[50, 50, 100, 150, 200, 200]]);
        let out = sharpen(&img, 1);
        assert!(out.get_pixel(2, 0).0[0] <= 100 && out.get_pixel(3, 0).0[0] >= 150);
        assert_eq!(sharpen(&from_rows(&[&[80; 4]]), 1).as_raw(), &vec![80; 4]);
    }

    #[test]
    fn median9_matches_sorting() {
        // Every arrangement of a few value patterns, against a full sort.
        let mut state = 7u32;
        for _ in 0..2000 {
            let mut p = [0u8; 9];
            for v in &mut p {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *v = (state >> 16) as u8 % 6 * 40;
            }
            let mut sorted = p;
            sorted.sort_unstable();
            assert_eq!(median9(p), sorted[4], "{p:?}");
        }
    }

    #[test]
    fn pad_surrounds_with_value() {
        let img = from_rows(&[&[0]]);
        let out = pad(&img, 2, 255);
        assert_eq!(out.dimensions(), (5, 5));
        assert_eq!(out.get_pixel(2, 2).0[0], 0);
        assert_eq!(out.as_raw().iter().filter(|&&v| v == 255).count(), 24);
    }

    #[test]
    fn border_level_detects_dark_backgrounds() {
        let dark = GrayImage::from_fn(8, 8, |x, y| {
            image::Luma([if (2..6).contains(&x) && (2..6).contains(&y) {
                255
            } else {
                10
            }])
        });
        assert_eq!(border_level(&dark), 0);
        assert_eq!(border_level(&invert(&dark)), 255);
    }

    #[test]
    fn rescaling_keeps_levels_and_sizes() {
        let img = from_rows(&[&[0, 255], &[255, 0]]);
        let up = upscale(&img, 3);
        assert_eq!(up.dimensions(), (6, 6));
        assert_eq!(up.get_pixel(0, 0).0[0], 0);
        assert_eq!(up.get_pixel(5, 0).0[0], 255);
        let down = downscale(&up, 3);
        assert_eq!(down.dimensions(), (2, 2));
        assert!(down.get_pixel(0, 0).0[0] < 60 && down.get_pixel(1, 0).0[0] > 195);
        assert_eq!(
            downscale(&from_rows(&[&[10, 30, 50]]), 2).as_raw(),
            &vec![20]
        );
    }
}
