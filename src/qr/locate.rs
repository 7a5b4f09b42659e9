//! Finding where codes might be before reading them.
//!
//! A finder pattern (the three big squares in a code's corners) crosses any line through
//! its centre as dark–light–dark–light–dark runs in the ratio 1:1:3:1:1, horizontally and
//! vertically. Scanning a binarised image for that signature is much cheaper than a full
//! detection, so it tells the pipeline two things: whether the image holds finder patterns
//! that no decoded code accounts for (keep looking), and where to crop and enlarge when
//! the code is too small to read at the image's own resolution.

use image::GrayImage;

/// A probable finder pattern: centre in pixels and module size in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Finder {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) module: f32,
    /// How many scan lines crossed it: larger for real, sharp patterns.
    pub(crate) hits: u32,
}

/// A rectangle in pixels (left, top, width, height) that probably holds one code, and the
/// module size of the finder patterns that placed it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Region {
    pub(crate) x: u32,
    pub(crate) y: u32,
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Mean module size of the three finder patterns, in pixels.
    pub(crate) module: f32,
}

/// Whether five runs (dark, light, dark, light, dark) look like 1:1:3:1:1.
fn finder_ratio(runs: &[u32; 5]) -> Option<f32> {
    let total: u32 = runs.iter().sum();
    if total < 7 {
        return None;
    }
    let module = total as f32 / 7.0;
    let tolerance = module * 0.75;
    let ok = (runs[0] as f32 - module).abs() < tolerance
        && (runs[1] as f32 - module).abs() < tolerance
        && (runs[2] as f32 - 3.0 * module).abs() < module * 1.5
        && (runs[3] as f32 - module).abs() < tolerance
        && (runs[4] as f32 - module).abs() < tolerance;
    ok.then_some(module)
}

/// Vertical runs through `(x, y)` (which is dark): the centre run and two on each side.
/// Returns the centre's y and the module size if they match 1:1:3:1:1. With `light`, the
/// pattern is looked for in the complement (light modules on dark).
fn check_vertical(
    bin: &GrayImage,
    x: u32,
    y: u32,
    max_run: u32,
    light: bool,
) -> Option<(f32, f32)> {
    let h = bin.height();
    let dark = |yy: u32| (bin.get_pixel(x, yy).0[0] < 128) != light;
    let run = |start: u32, up: bool, want_dark: bool| -> (u32, u32) {
        // Length of the run of `want_dark` pixels from `start` going up or down, and where
        // it stops (first pixel of the next run, or an image edge).
        let mut len = 0;
        let mut pos = start;
        loop {
            if dark(pos) != want_dark || len > max_run {
                break;
            }
            len += 1;
            if up {
                if pos == 0 {
                    return (len, u32::MAX);
                }
                pos -= 1;
            } else {
                if pos + 1 >= h {
                    return (len, u32::MAX);
                }
                pos += 1;
            }
        }
        (len, pos)
    };
    let (up_centre, above) = run(y, true, true);
    let (down_centre, below) = run(y, false, true);
    if above == u32::MAX || below == u32::MAX {
        return None;
    }
    let (light_up, above2) = run(above, true, false);
    let (light_down, below2) = run(below, false, false);
    if above2 == u32::MAX || below2 == u32::MAX {
        return None;
    }
    let (dark_up, _) = run(above2, true, true);
    let (dark_down, _) = run(below2, false, true);
    let centre = up_centre + down_centre - 1;
    let runs = [dark_up, light_up, centre, light_down, dark_down];
    let module = finder_ratio(&runs)?;
    let top = y + 1 - up_centre;
    Some((top as f32 + centre as f32 / 2.0, module))
}

/// Whether the diagonal through `(cx, cy)` also crosses dark–light–dark(3)–light–dark runs
/// (ratio 1:1:3:1:1 again, each √2 longer). Text strokes that pass the horizontal and
/// vertical checks rarely pass this one.
fn check_diagonal(bin: &GrayImage, cx: f32, cy: f32, module: f32, light: bool) -> bool {
    let (w, h) = (bin.width() as i64, bin.height() as i64);
    let dark = |x: i64, y: i64| {
        x >= 0
            && y >= 0
            && x < w
            && y < h
            && (bin.get_pixel(x as u32, y as u32).0[0] < 128) != light
    };
    let (x0, y0) = (cx as i64, cy as i64);
    if !dark(x0, y0) {
        return false;
    }
    let limit = (module * 6.0) as i64 + 2;
    // Colour changes met walking from the centre in one direction: positions of the
    // first light, next dark and next light pixels.
    let walk = |step: i64| -> Option<[i64; 3]> {
        let mut edges = [0i64; 3];
        let mut want_dark = false;
        let mut found = 0;
        for i in 1..=limit {
            if dark(x0 + i * step, y0 + i) == want_dark {
                edges[found] = i;
                found += 1;
                want_dark = !want_dark;
                if found == 3 {
                    return Some(edges);
                }
            }
        }
        None
    };
    for step in [1i64, -1] {
        let Some(down) = walk(step) else {
            return false;
        };
        let up_step = |s: i64| -> Option<[i64; 3]> {
            let mut edges = [0i64; 3];
            let mut want_dark = false;
            let mut found = 0;
            for i in 1..=limit {
                if dark(x0 - i * s, y0 - i) == want_dark {
                    edges[found] = i;
                    found += 1;
                    want_dark = !want_dark;
                    if found == 3 {
                        return Some(edges);
                    }
                }
            }
            None
        };
        let Some(up) = up_step(step) else {
            return false;
        };
        let runs = [
            (up[2] - up[1]) as u32,
            (up[1] - up[0]) as u32,
            (up[0] + down[0] - 1) as u32,
            (down[1] - down[0]) as u32,
            (down[2] - down[1]) as u32,
        ];
        if finder_ratio(&runs).is_none() {
            return false;
        }
    }
    true
}

/// Fewest scan lines that must cross a finder pattern's centre: noise crosses 1:1:3:1:1
/// by chance on one or two neighbouring rows, a real centre (three modules tall) on more.
const MIN_HITS: f32 = 3.0;

/// Probable finder patterns in a binary image (dark < 128), merged per pattern.
pub(crate) fn find_finders(bin: &GrayImage) -> Vec<Finder> {
    scan(bin).finders
}

/// What one pass over a binary image shows: its probable finder patterns, and how many
/// row segments look like a finder's 1:1:3:1:1 (each one costs the detector a region
/// flood fill, so this predicts its work: a few hundred on a page, tens of thousands on
/// noise).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scan {
    /// Probable finder patterns, merged per pattern.
    pub(crate) finders: Vec<Finder>,
    /// Row segments in the ratio 1:1:3:1:1.
    pub(crate) line_hits: usize,
    /// Probable finder patterns of the complement (light on dark), from [`scan_both`]
    /// only.
    pub(crate) light_finders: Vec<Finder>,
}

/// Scans a binary image (dark < 128) for finder patterns; see [`Scan`].
pub(crate) fn scan(bin: &GrayImage) -> Scan {
    scan_with(bin, false)
}

/// [`scan`], also collecting the finder patterns of the complement in the same pass (as
/// scanning an inverted copy would, without the copy or a second pass).
pub(crate) fn scan_both(bin: &GrayImage) -> Scan {
    scan_with(bin, true)
}

fn scan_with(bin: &GrayImage, both: bool) -> Scan {
    let (w, h) = bin.dimensions();
    let raw = bin.as_raw();
    let mut line_hits = 0;
    let mut hits: Vec<(Finder, u32)> = Vec::new();
    let mut light_hits: Vec<(Finder, u32)> = Vec::new();
    let max_run = h.max(w) / 4;
    // Runs of one row as (start, length, dark).
    let mut runs: Vec<(u32, u32, bool)> = Vec::new();
    for y in 0..h {
        let row = &raw[(y * w) as usize..((y + 1) * w) as usize];
        runs.clear();
        let mut start = 0u32;
        for x in 1..=w {
            if x == w || (row[x as usize] < 128) != (row[start as usize] < 128) {
                runs.push((start, x - start, row[start as usize] < 128));
                start = x;
            }
        }
        for window in runs.windows(5) {
            let light = !window[0].2;
            if light && !both {
                continue;
            }
            let lengths = [
                window[0].1,
                window[1].1,
                window[2].1,
                window[3].1,
                window[4].1,
            ];
            let Some(module) = finder_ratio(&lengths) else {
                continue;
            };
            if !light {
                line_hits += 1;
            }
            let cx = window[2].0 + window[2].1 / 2;
            let Some((cy, vmodule)) = check_vertical(bin, cx, y, max_run, light) else {
                continue;
            };
            if vmodule > module * 1.6 || module > vmodule * 1.6 {
                continue;
            }
            let finder = Finder {
                x: window[2].0 as f32 + window[2].1 as f32 / 2.0,
                y: cy,
                module: (module + vmodule) / 2.0,
                hits: 1,
            };
            if !check_diagonal(bin, finder.x, finder.y, finder.module, light) {
                continue;
            }
            merge(if light { &mut light_hits } else { &mut hits }, finder);
        }
    }
    Scan {
        finders: confirmed(hits),
        line_hits,
        light_finders: confirmed(light_hits),
    }
}

/// A real pattern is hit on several rows (its centre is three modules tall).
fn confirmed(hits: Vec<(Finder, u32)>) -> Vec<Finder> {
    hits.into_iter()
        .filter(|(f, n)| *n as f32 >= (f.module * 1.5).max(MIN_HITS))
        .map(|(f, hits)| Finder { hits, ..f })
        .collect()
}

fn merge(hits: &mut Vec<(Finder, u32)>, f: Finder) {
    for (existing, count) in hits.iter_mut() {
        let reach = existing.module.max(f.module) * 2.5;
        if (existing.x - f.x).abs() < reach && (existing.y - f.y).abs() < reach {
            let n = *count as f32;
            existing.x = (existing.x * n + f.x) / (n + 1.0);
            existing.y = (existing.y * n + f.y) / (n + 1.0);
            existing.module = (existing.module * n + f.module) / (n + 1.0);
            *count += 1;
            return;
        }
    }
    hits.push((f, 1));
}

/// Most regions returned by [`candidate_regions`], best first.
const MAX_REGIONS: usize = 8;
/// Most finder patterns [`candidate_regions`] considers (the most often hit ones): the
/// search over corners is cubic in their number.
const MAX_FINDERS: usize = 48;

/// Regions that probably hold one code each: three finder patterns of similar module size
/// forming a code's corner (two arms of about equal length at about a right angle, 14 to
/// 170 modules long), with margin for the rest of the code and its quiet zone.
///
/// Text and icons produce stray finder-like marks; they rarely form such a corner.
pub(crate) fn candidate_regions(finders: &[Finder], width: u32, height: u32) -> Vec<Region> {
    let mut strongest = finders.to_vec();
    strongest.sort_by_key(|f| std::cmp::Reverse(f.hits));
    strongest.truncate(MAX_FINDERS);
    let finders = &strongest[..];
    let mut scored: Vec<(f32, Region)> = Vec::new();
    let n = finders.len();
    for a in 0..n {
        for b in 0..n {
            for c in b + 1..n {
                if a == b || a == c {
                    continue;
                }
                let (fa, fb, fc) = (finders[a], finders[b], finders[c]);
                let Some(score) = corner_score(fa, fb, fc) else {
                    continue;
                };
                // The fourth corner completes the parallelogram.
                let (dx, dy) = (fb.x + fc.x - fa.x, fb.y + fc.y - fa.y);
                let xs = [fa.x, fb.x, fc.x, dx];
                let ys = [fa.y, fb.y, fc.y, dy];
                let module = (fa.module + fb.module + fc.module) / 3.0;
                let margin = module * 9.0;
                let x0 = (xs.iter().copied().fold(f32::MAX, f32::min) - margin).max(0.0);
                let y0 = (ys.iter().copied().fold(f32::MAX, f32::min) - margin).max(0.0);
                let x1 = (xs.iter().copied().fold(f32::MIN, f32::max) + margin).min(width as f32);
                let y1 = (ys.iter().copied().fold(f32::MIN, f32::max) + margin).min(height as f32);
                if x1 - x0 < 21.0 || y1 - y0 < 21.0 {
                    continue;
                }
                let region = Region {
                    x: x0 as u32,
                    y: y0 as u32,
                    width: (x1 - x0) as u32,
                    height: (y1 - y0) as u32,
                    module,
                };
                scored.push((score, region));
            }
        }
    }
    scored.sort_by(|p, q| p.0.total_cmp(&q.0));
    let mut regions: Vec<Region> = Vec::new();
    for (_, region) in scored {
        if regions.len() == MAX_REGIONS {
            break;
        }
        if regions.iter().all(|r| overlap(r, &region) < 0.5) {
            regions.push(region);
        }
    }
    regions
}

/// Most corners returned by [`corners`].
const MAX_CORNERS: usize = 4;

/// Triples of finder patterns that form a code's corner, best first, as
/// `[top-left, top-right, bottom-left]` in the code's own orientation (the turn from the
/// top-right arm to the bottom-left arm is clockwise on screen, as in an unmirrored code).
pub(crate) fn corners(finders: &[Finder]) -> Vec<[Finder; 3]> {
    let mut strongest = finders.to_vec();
    strongest.sort_by_key(|f| std::cmp::Reverse(f.hits));
    strongest.truncate(MAX_FINDERS);
    let n = strongest.len();
    let mut scored: Vec<(f32, [Finder; 3])> = Vec::new();
    for a in 0..n {
        for b in 0..n {
            for c in b + 1..n {
                if a == b || a == c {
                    continue;
                }
                let (fa, mut fb, mut fc) = (strongest[a], strongest[b], strongest[c]);
                let Some(score) = corner_score(fa, fb, fc) else {
                    continue;
                };
                let cross = (fb.x - fa.x) * (fc.y - fa.y) - (fb.y - fa.y) * (fc.x - fa.x);
                if cross < 0.0 {
                    std::mem::swap(&mut fb, &mut fc);
                }
                scored.push((score, [fa, fb, fc]));
            }
        }
    }
    scored.sort_by(|p, q| p.0.total_cmp(&q.0));
    scored
        .into_iter()
        .map(|(_, corner)| corner)
        .take(MAX_CORNERS)
        .collect()
}

/// How far `a`, `b`, `c` are from a QR corner at `a` (0 is perfect), or `None` if they
/// cannot be one.
fn corner_score(a: Finder, b: Finder, c: Finder) -> Option<f32> {
    let modules = [a.module, b.module, c.module];
    let largest = modules.iter().copied().fold(f32::MIN, f32::max);
    let smallest = modules.iter().copied().fold(f32::MAX, f32::min);
    if largest > smallest * 1.5 {
        return None;
    }
    let module = (a.module + b.module + c.module) / 3.0;
    let (ux, uy) = (b.x - a.x, b.y - a.y);
    let (vx, vy) = (c.x - a.x, c.y - a.y);
    let (lu, lv) = ((ux * ux + uy * uy).sqrt(), (vx * vx + vy * vy).sqrt());
    let (short, long) = (lu.min(lv), lu.max(lv));
    // Centres of a version 1 code's finders are 14 modules apart, version 40's 170.
    if short < 11.0 * module || long > 190.0 * module || long > short * 1.4 {
        return None;
    }
    let cos = (ux * vx + uy * vy) / (lu * lv);
    if cos.abs() > 0.35 {
        return None;
    }
    Some(cos.abs() + (long / short - 1.0))
}

/// Intersection over the smaller area.
fn overlap(a: &Region, b: &Region) -> f32 {
    let x0 = a.x.max(b.x);
    let y0 = a.y.max(b.y);
    let x1 = (a.x + a.width).min(b.x + b.width);
    let y1 = (a.y + a.height).min(b.y + b.height);
    if x1 <= x0 || y1 <= y0 {
        return 0.0;
    }
    let inter = ((x1 - x0) as f32) * ((y1 - y0) as f32);
    let smaller = ((a.width * a.height).min(b.width * b.height)) as f32;
    inter / smaller.max(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic finder pattern (7×7 modules) at `(x0, y0)`, `m` pixels per module.
    fn draw_finder(img: &mut GrayImage, x0: u32, y0: u32, m: u32) {
        for my in 0..7 {
            for mx in 0..7 {
                let ring = mx == 0 || my == 0 || mx == 6 || my == 6;
                let core = (2..5).contains(&mx) && (2..5).contains(&my);
                if ring || core {
                    for dy in 0..m {
                        for dx in 0..m {
                            img.put_pixel(x0 + mx * m + dx, y0 + my * m + dy, image::Luma([0]));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn ratio_accepts_finders_only() {
        assert!(finder_ratio(&[3, 3, 9, 3, 3]).is_some());
        assert!(finder_ratio(&[2, 3, 8, 2, 3]).is_some());
        assert!(finder_ratio(&[3, 3, 3, 3, 3]).is_none());
        assert!(finder_ratio(&[1, 1, 1, 1, 1]).is_none());
        assert!(finder_ratio(&[9, 3, 9, 3, 3]).is_none());
    }

    #[test]
    fn finds_finders_and_groups_them() {
        let mut img = GrayImage::from_pixel(400, 300, image::Luma([255]));
        let m = 3;
        // Three finders of a 25-module code at (100, 50).
        draw_finder(&mut img, 100, 50, m);
        draw_finder(&mut img, 100 + 18 * m, 50, m);
        draw_finder(&mut img, 100, 50 + 18 * m, m);
        // A checkerboard decoy.
        for y in 200..260 {
            for x in 300..360 {
                if ((x / 5) + (y / 5)) % 2 == 0 {
                    img.put_pixel(x, y, image::Luma([0]));
                }
            }
        }
        let finders = find_finders(&img);
        assert_eq!(finders.len(), 3, "{finders:?}");
        let f = finders
            .iter()
            .find(|f| f.x < 130.0 && f.y < 80.0)
            .expect("top-left finder");
        assert!(
            (f.x - 110.5).abs() < 1.5 && (f.y - 60.5).abs() < 1.5,
            "{f:?}"
        );
        assert!((f.module - 3.0).abs() < 0.5);
        let regions = candidate_regions(&finders, 400, 300);
        assert_eq!(regions.len(), 1);
        let r = regions[0];
        assert!(r.x <= 100 && r.y <= 50 && r.x + r.width >= 175 && r.y + r.height >= 125);
    }

    #[test]
    fn many_finders_stay_cheap() {
        // A page of finder-like marks: only the strongest are searched for corners.
        let finders: Vec<Finder> = (0..2000)
            .map(|i| Finder {
                x: (i % 50) as f32 * 30.0,
                y: (i / 50) as f32 * 30.0,
                module: 2.0,
                hits: 3,
            })
            .collect();
        assert!(candidate_regions(&finders, 1500, 1200).len() <= MAX_REGIONS);
    }

    #[test]
    fn only_corners_make_regions() {
        let at = |x, y| Finder {
            x,
            y,
            module: 2.0,
            hits: 5,
        };
        assert!(candidate_regions(&[at(50.0, 50.0)], 100, 100).is_empty());
        // Three in a row are no corner; two close and one far are none either.
        let row = [at(10.0, 10.0), at(50.0, 10.0), at(90.0, 10.0)];
        assert!(candidate_regions(&row, 200, 200).is_empty());
        let lopsided = [at(10.0, 10.0), at(40.0, 10.0), at(10.0, 150.0)];
        assert!(candidate_regions(&lopsided, 200, 200).is_empty());
        // A rotated corner is one.
        let rotated = [at(100.0, 20.0), at(140.0, 60.0), at(60.0, 60.0)];
        let regions = candidate_regions(&rotated, 300, 300);
        assert_eq!(regions.len(), 1);
        assert!(regions[0].y <= 20 && regions[0].y + regions[0].height >= 100);
        assert!(find_finders(&GrayImage::new(0, 0)).is_empty());
    }

    #[test]
    fn one_pass_finds_both_polarities() {
        let mut img = GrayImage::from_pixel(300, 200, image::Luma([255]));
        draw_finder(&mut img, 20, 20, 4);
        // A light-on-dark finder in a dark panel.
        for y in 100..190 {
            for x in 150..290 {
                img.put_pixel(x, y, image::Luma([0]));
            }
        }
        let mut panel = GrayImage::from_pixel(60, 60, image::Luma([255]));
        draw_finder(&mut panel, 5, 5, 4);
        image::imageops::replace(&mut img, &crate::qr::prepare::invert(&panel), 180, 115);
        let both = scan_both(&img);
        assert_eq!(both.finders, scan(&img).finders);
        assert_eq!(both.finders.len(), 1, "{:?}", both.finders);
        let inverted = scan(&crate::qr::prepare::invert(&img));
        assert_eq!(both.light_finders, inverted.finders);
        assert_eq!(both.light_finders.len(), 1, "{:?}", both.light_finders);
        assert!(scan(&img).light_finders.is_empty());
    }

    #[test]
    fn corners_come_top_left_top_right_bottom_left() {
        let at = |x, y| Finder {
            x,
            y,
            module: 2.0,
            hits: 5,
        };
        // An upright code, and the same turned 90° clockwise (its top-left now top-right).
        let upright = [at(90.0, 20.0), at(20.0, 90.0), at(20.0, 20.0)];
        let [tl, tr, bl] = corners(&upright)[0];
        assert_eq!(
            (tl.x, tl.y, tr.x, tr.y, bl.x, bl.y),
            (20.0, 20.0, 90.0, 20.0, 20.0, 90.0)
        );
        let turned = [at(20.0, 20.0), at(90.0, 20.0), at(90.0, 90.0)];
        let [tl, tr, bl] = corners(&turned)[0];
        assert_eq!(
            (tl.x, tl.y, tr.x, tr.y, bl.x, bl.y),
            (90.0, 20.0, 90.0, 90.0, 20.0, 20.0)
        );
        assert!(corners(&upright[..2]).is_empty());
    }
}
