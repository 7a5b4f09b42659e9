//! Re-reading a located grid from grey pixels.
//!
//! rqrr reads each module from one pixel of its own binarised image, so a single speck of
//! noise, a JPEG ringing artefact or a blurred edge flips a module. When rqrr locates a
//! grid but cannot decode it, we map the grid back onto the grey image, average a small
//! patch at each module centre and split dark from light with a threshold chosen from the
//! grid's own modules (Otsu), then decode those modules.

use image::GrayImage;

use super::locate::Finder;
use super::prepare::otsu_of;

/// A projective map from grid coordinates (in modules) to image pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Homography {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    e: f64,
    f: f64,
    g: f64,
    h: f64,
    /// Grid units per side of the unit square the quad was fitted to.
    span: f64,
}

impl Homography {
    /// Maps the square `(0,0)–(span,span)` onto `quad` (corners clockwise from top-left).
    /// `None` when the quad is degenerate.
    pub(crate) fn square_to_quad(span: f64, quad: [(f64, f64); 4]) -> Option<Self> {
        let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = quad;
        let sx = x0 - x1 + x2 - x3;
        let sy = y0 - y1 + y2 - y3;
        let (g, h) = if sx.abs() < 1e-9 && sy.abs() < 1e-9 {
            (0.0, 0.0)
        } else {
            let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
            let den = dx1 * dy2 - dx2 * dy1;
            if den.abs() < 1e-9 {
                return None;
            }
            ((sx * dy2 - dx2 * sy) / den, (dx1 * sy - sx * dy1) / den)
        };
        let map = Homography {
            a: x1 - x0 + g * x1,
            b: x3 - x0 + h * x3,
            c: x0,
            d: y1 - y0 + g * y1,
            e: y3 - y0 + h * y3,
            f: y0,
            g,
            h,
            span,
        };
        let all_finite = [map.a, map.b, map.d, map.e, map.g, map.h]
            .iter()
            .all(|v| v.is_finite());
        // A quad collapsed to a line or a point maps nothing.
        let area = (map.a * map.e - map.b * map.d).abs();
        (all_finite && area > 1e-6 && span > 0.0).then_some(map)
    }

    /// Image position of grid point `(u, v)`.
    pub(crate) fn map(&self, u: f64, v: f64) -> (f64, f64) {
        let (u, v) = (u / self.span, v / self.span);
        let w = self.g * u + self.h * v + 1.0;
        (
            (self.a * u + self.b * v + self.c) / w,
            (self.d * u + self.e * v + self.f) / w,
        )
    }
}

/// Mean grey level of each module of a `size × size` grid, row by row, sampling a
/// `3 × 3` pattern spread over `±spread` of a module around each centre.
/// `None` if any module centre falls outside the image.
pub(crate) fn module_means(
    img: &GrayImage,
    map: impl Fn(f64, f64) -> (f64, f64),
    size: usize,
    spread: f64,
) -> Option<Vec<u8>> {
    let (w, h) = (img.width() as f64, img.height() as f64);
    let raw = img.as_raw();
    let stride = img.width() as usize;
    let mut means = Vec::with_capacity(size * size);
    for my in 0..size {
        for mx in 0..size {
            let (cu, cv) = (mx as f64 + 0.5, my as f64 + 0.5);
            let mut sum = 0u32;
            let mut n = 0u32;
            for dv in [-spread, 0.0, spread] {
                for du in [-spread, 0.0, spread] {
                    let (x, y) = map(cu + du, cv + dv);
                    if x >= 0.0 && y >= 0.0 && x < w && y < h {
                        sum += u32::from(raw[y as usize * stride + x as usize]);
                        n += 1;
                    }
                }
            }
            if n == 0 {
                return None;
            }
            means.push((sum / n) as u8);
        }
    }
    Some(means)
}

/// Reads a grid located by rqrr (its `bounds` and `size`) from grey pixels and decodes it.
///
/// rqrr's bounds are the corners of grid points `(0,0)`, `(size+1,0)`, `(size+1,size+1)`
/// and `(0,size+1)`, rounded to whole pixels. Noise can make rqrr miscount the timing
/// pattern, so neighbouring sizes are tried too: rqrr anchors its map on the finder
/// patterns, which sit at `(0,0)` and `(size−7,0)` whatever the size, so a grid of size `m`
/// is the same map scaled by `(size−7)/(m−7)`.
pub(crate) fn decode_resampled(
    img: &GrayImage,
    bounds: [(i32, i32); 4],
    size: usize,
) -> Option<Vec<u8>> {
    if !(21..=177).contains(&size) {
        return None;
    }
    let quad = bounds.map(|(x, y)| (f64::from(x), f64::from(y)));
    let map = Homography::square_to_quad(size as f64 + 1.0, quad)?;
    let candidates = [0i64, -4, 4, -8, 8]
        .map(|d| size as i64 + d)
        .into_iter()
        .filter(|m| (21..=177).contains(m));
    for candidate in candidates {
        let m = candidate as usize;
        let scale = (size as f64 - 7.0) / (m as f64 - 7.0);
        for spread in [0.2, 0.33, 0.0] {
            let at = |u: f64, v: f64| map.map(u * scale, v * scale);
            let Some(means) = module_means(img, at, m, spread) else {
                continue;
            };
            if let Some(bytes) = decode_means(&means, m) {
                return Some(bytes);
            }
        }
    }
    None
}

/// Four corners in pixels, clockwise from top-left.
pub(crate) type Quad = [(f64, f64); 4];

/// Grey level at `(x, y)` (pixel edges at whole numbers, so pixel `i` covers `[i, i+1)`),
/// interpolated bilinearly between pixel centres; `None` more than one pixel outside.
fn grey_at(img: &GrayImage, x: f64, y: f64) -> Option<f64> {
    let (w, h) = (img.width() as f64, img.height() as f64);
    if !(x >= -1.0 && y >= -1.0 && x <= w + 1.0 && y <= h + 1.0) || w < 1.0 || h < 1.0 {
        return None;
    }
    let (cx, cy) = ((x - 0.5).clamp(0.0, w - 1.0), (y - 0.5).clamp(0.0, h - 1.0));
    let (x0, y0) = (cx.floor() as usize, cy.floor() as usize);
    let (x1, y1) = ((x0 + 1).min(w as usize - 1), (y0 + 1).min(h as usize - 1));
    let (fx, fy) = (cx - x0 as f64, cy - y0 as f64);
    let stride = img.width() as usize;
    let raw = img.as_raw();
    let p = |x: usize, y: usize| f64::from(raw[y * stride + x]);
    let top = p(x0, y0) * (1.0 - fx) + p(x1, y0) * fx;
    let bottom = p(x0, y1) * (1.0 - fx) + p(x1, y1) * fx;
    Some(top * (1.0 - fy) + bottom * fy)
}

/// Reads a code straight from grey pixels, given the centres of its three finder patterns
/// (`[top-left, top-right, bottom-left]`) and their module size: for when the detector
/// cannot fit a grid at all (heavy blur, 1–2 pixels a module).
///
/// The finder centres sit at module `(3.5, 3.5)`, `(size−3.5, 3.5)` and `(3.5, size−3.5)`;
/// their distance in modules gives the version, give or take (blur and thin modules bias
/// the module size, so neighbouring versions are tried too). Each module is the mean of a
/// bilinear 3×3 sample around its centre, split dark from light by Otsu's level over all
/// modules. A size is sampled only when the timing patterns show in the map (see
/// [`timing_fits`]), and only a grid whose format and error correction check out is
/// returned.
/// Returns the payload and the code's corners (clockwise from top-left) in pixels.
pub(crate) fn decode_from_finders(
    img: &GrayImage,
    corner: &[Finder; 3],
) -> Option<(Vec<u8>, Quad)> {
    let [tl, tr, bl] = corner.map(|f| (f64::from(f.x), f64::from(f.y), f64::from(f.module)));
    let module = (tl.2 + tr.2 + bl.2) / 3.0;
    if !(module.is_finite() && module >= 0.5) {
        return None;
    }
    let (ux, uy) = (tr.0 - tl.0, tr.1 - tl.1);
    let (vx, vy) = (bl.0 - tl.0, bl.1 - tl.1);
    let span = (ux.hypot(uy) + vx.hypot(vy)) / 2.0 / module;
    if !span.is_finite() {
        return None;
    }
    let version = ((span - 10.0) / 4.0).round() as i64;
    for dv in [0i64, -1, 1, -2, 2] {
        let v = version + dv;
        if !(1..=40).contains(&v) {
            continue;
        }
        let size = (17 + 4 * v) as usize;
        let d = size as f64 - 7.0;
        let at = |u: f64, w: f64| {
            let (a, b) = ((u - 3.5) / d, (w - 3.5) / d);
            (tl.0 + a * ux + b * vx, tl.1 + a * uy + b * vy)
        };
        if !timing_fits(img, at, size) {
            continue;
        }
        for spread in [0.2, 0.0] {
            let Some(means) = bilinear_means(img, at, size, spread) else {
                break;
            };
            if let Some(bytes) = decode_means(&means, size) {
                let s = size as f64;
                return Some((bytes, [at(0.0, 0.0), at(s, 0.0), at(s, s), at(0.0, s)]));
            }
        }
    }
    None
}

/// Whether the timing patterns (row and column 6 between the finder patterns, alternating
/// from dark) show in the grid `at` maps out: at least 3 modules in 4 on each. A cheap test
/// that the size is right and the grid lies flat before every module is sampled.
fn timing_fits(img: &GrayImage, at: impl Fn(f64, f64) -> (f64, f64), size: usize) -> bool {
    let span = 8..size - 8;
    let sample = |u: f64, v: f64| {
        let (x, y) = at(u, v);
        grey_at(img, x, y).map(|g| g.round() as u8)
    };
    let row: Option<Vec<u8>> = span.clone().map(|i| sample(i as f64 + 0.5, 6.5)).collect();
    let col: Option<Vec<u8>> = span.map(|i| sample(6.5, i as f64 + 0.5)).collect();
    let (Some(row), Some(col)) = (row, col) else {
        return false;
    };
    [row, col].iter().all(|line| {
        let level = otsu_of(line);
        let agree = line
            .iter()
            .enumerate()
            .filter(|&(i, &g)| (g <= level) == (i % 2 == 0))
            .count();
        agree * 4 >= line.len() * 3
    })
}

/// Like [`module_means`], interpolating between pixels (modules may be barely larger
/// than one pixel).
fn bilinear_means(
    img: &GrayImage,
    map: impl Fn(f64, f64) -> (f64, f64),
    size: usize,
    spread: f64,
) -> Option<Vec<u8>> {
    let mut means = Vec::with_capacity(size * size);
    for my in 0..size {
        for mx in 0..size {
            let (cu, cv) = (mx as f64 + 0.5, my as f64 + 0.5);
            let mut sum = 0.0;
            for dv in [-spread, 0.0, spread] {
                for du in [-spread, 0.0, spread] {
                    let (x, y) = map(cu + du, cv + dv);
                    sum += grey_at(img, x, y)?;
                }
            }
            means.push((sum / 9.0).round() as u8);
        }
    }
    Some(means)
}

/// Splits a `size × size` grid of module means into dark and light at Otsu's level and
/// decodes it; `None` unless the format information and error correction check out.
fn decode_means(means: &[u8], size: usize) -> Option<Vec<u8>> {
    let level = otsu_of(means);
    let grid = rqrr::SimpleGrid::from_func(size, |x, y| means[y * size + x] <= level);
    let mut bytes = Vec::new();
    rqrr::Grid::new(grid).decode_to(&mut bytes).ok()?;
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn homography_maps_corners_and_centre() {
        let quad = [(10.0, 10.0), (110.0, 20.0), (100.0, 120.0), (5.0, 100.0)];
        let map = Homography::square_to_quad(10.0, quad).unwrap();
        for ((u, v), (x, y)) in [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]
            .into_iter()
            .zip(quad)
        {
            let (mx, my) = map.map(u, v);
            assert!((mx - x).abs() < 1e-6 && (my - y).abs() < 1e-6, "{u},{v}");
        }
        let square = [(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)];
        let scale = Homography::square_to_quad(10.0, square).unwrap();
        let (x, y) = scale.map(2.5, 5.0);
        assert!((x - 5.0).abs() < 1e-9 && (y - 10.0).abs() < 1e-9);
        assert!(Homography::square_to_quad(1.0, [(0.0, 0.0); 4]).is_none());
    }

    #[test]
    fn means_average_out_specks() {
        // A 2×2-module grid, 10 px per module, left column dark, with one white speck.
        let mut img =
            GrayImage::from_fn(20, 20, |x, _| image::Luma([if x < 10 { 0 } else { 255 }]));
        img.put_pixel(5, 5, image::Luma([255]));
        let square = [(0.0, 0.0), (20.0, 0.0), (20.0, 20.0), (0.0, 20.0)];
        let map = Homography::square_to_quad(2.0, square).unwrap();
        let means = module_means(&img, |u, v| map.map(u, v), 2, 0.3).unwrap();
        assert!(means[0] < 60 && means[2] == 0, "{means:?}");
        assert!(means[1] == 255 && means[3] == 255);
    }

    /// Finder centres (in pixels) of a code drawn by `encode_png` at `px` pixels a module
    /// with a 4-module quiet zone, scaled by `scale`.
    fn finders_of(size: usize, px: f32, scale: f32) -> [Finder; 3] {
        let at = |mx: f32, my: f32| Finder {
            x: (4.0 + mx) * px * scale,
            y: (4.0 + my) * px * scale,
            module: px * scale,
            hits: 5,
        };
        let far = size as f32 - 3.5;
        [at(3.5, 3.5), at(far, 3.5), at(3.5, far)]
    }

    #[test]
    fn reads_a_code_too_thin_for_the_detector_from_its_finders() {
        let text = "otpauth://totp/Thin:a?secret=JBSWY3DPEHPK3PXP&issuer=Thin";
        let png = crate::qr::encode_png(text, 4).unwrap();
        let sharp = image::load_from_memory(&png).unwrap().to_luma8();
        let size = (sharp.width() / 4 - 8) as usize;
        // 4 pixels a module averaged down 3×: 1.33 pixels a module, grey edges.
        let thin = crate::qr::prepare::downscale(&sharp, 3);
        let (w, h) = (thin.width() as usize, thin.height() as usize);
        let raw = thin.as_raw();
        let mut prepared =
            rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| raw[y * w + x] < 128);
        assert!(prepared.detect_grids().is_empty(), "the detector gives up");

        let corner = finders_of(size, 4.0, 1.0 / 3.0);
        let (bytes, quad) = decode_from_finders(&thin, &corner).expect("read from grey");
        assert_eq!(bytes, text.as_bytes());
        // The corners are the code's own, quiet zone excluded.
        let edge = 4.0 * 4.0 / 3.0;
        assert!((quad[0].0 - edge).abs() < 1.0 && (quad[0].1 - edge).abs() < 1.0);

        // Finder centres a whole module off read nothing.
        let mut off = corner;
        for f in &mut off {
            f.x += 4.0 / 3.0;
        }
        assert!(decode_from_finders(&thin, &off).is_none());
        // Degenerate input is refused without panicking.
        let flat = GrayImage::new(30, 30);
        assert!(decode_from_finders(&flat, &[corner[0]; 3]).is_none());
    }

    #[test]
    fn timing_patterns_show_only_on_the_right_grid() {
        let png = crate::qr::encode_png("otpauth://totp/T:a?secret=JBSWY3DPEHPK3PXP", 4).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        let size = (img.width() / 4 - 8) as usize;
        let grid = |stretch: f64| {
            move |u: f64, v: f64| ((4.0 + u * stretch) * 4.0, (4.0 + v * stretch) * 4.0)
        };
        assert!(timing_fits(&img, grid(1.0), size));
        // A grid 10 % too large drifts off the timing modules.
        assert!(!timing_fits(&img, grid(1.1), size));
        let blank = GrayImage::from_pixel(img.width(), img.height(), image::Luma([255]));
        assert!(!timing_fits(&blank, grid(1.0), size));
    }

    #[test]
    fn bilinear_grey_interpolates_between_pixel_centres() {
        let img = GrayImage::from_raw(2, 1, vec![0, 200]).unwrap();
        assert_eq!(grey_at(&img, 0.5, 0.5), Some(0.0));
        assert_eq!(grey_at(&img, 1.0, 0.5), Some(100.0));
        assert_eq!(grey_at(&img, 1.75, 0.5), Some(200.0));
        assert_eq!(grey_at(&img, 5.0, 0.5), None);
    }
}
