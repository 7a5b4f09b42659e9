//! The decoding pipeline: a cheap first look, then escalating preprocessing until every
//! code that seems to be in the image has been read.
//!
//! Every attempt hands one variant of the image to rqrr (detect → identify → decode).
//! Results are kept in original-image coordinates so duplicates found by several variants
//! collapse into one, and so the final list is ordered by position (top to bottom, then
//! left to right), which is stable whatever variant found each code.

use std::panic::{AssertUnwindSafe, catch_unwind};

use image::GrayImage;

use rqrr::BitGrid;

use super::budget::{self, Work};
use super::locate::{self, Finder, Region};
use super::{prepare, sample};

/// Images whose longer side exceeds this are first searched at a reduced size.
const FIRST_LOOK_SIDE: u32 = 2200;
/// Upscaling is only tried while the result stays below this many pixels.
const MAX_UPSCALED_PIXELS: u64 = 6_000_000;
/// Light margin added around every variant, for codes printed without a quiet zone.
const MARGIN: u32 = 8;
/// Codes whose finder patterns show modules at least this large (in pixels) are not
/// enlarged: enlarging helps thin modules only.
const ENLARGE_BELOW_MODULE_PX: f32 = 2.2;

/// One decoded code: its text and where it is (corners in original-image pixels).
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) text: String,
    pub(crate) corners: [(f32, f32); 4],
}

/// How a variant's coordinates relate to the original:
/// `variant = original·scale + offset`, per axis.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Transform {
    scale: f32,
    dx: f32,
    dy: f32,
}

impl Transform {
    const IDENTITY: Transform = Transform {
        scale: 1.0,
        dx: 0.0,
        dy: 0.0,
    };

    fn to_original(self, x: f32, y: f32) -> (f32, f32) {
        ((x - self.dx) / self.scale, (y - self.dy) / self.scale)
    }

    /// After cropping the variant at `(x, y)`.
    fn then_crop(self, x: u32, y: u32) -> Transform {
        Transform {
            dx: self.dx - x as f32,
            dy: self.dy - y as f32,
            ..self
        }
    }

    /// After adding a margin of `margin` pixels.
    fn then_pad(self, margin: u32) -> Transform {
        self.then_crop(0, 0).shift(margin as f32)
    }

    fn shift(self, by: f32) -> Transform {
        Transform {
            dx: self.dx + by,
            dy: self.dy + by,
            ..self
        }
    }

    /// After resizing the variant by `factor`.
    fn then_scale(self, factor: f32) -> Transform {
        Transform {
            scale: self.scale * factor,
            dx: self.dx * factor,
            dy: self.dy * factor,
        }
    }
}

/// Decodes every QR code in a grey image. Never panics.
pub(crate) fn decode_gray(img: &GrayImage) -> Vec<String> {
    decode_gray_counted(img).0
}

/// [`decode_gray`], and what the search spent: tests use it to show the bounds at work.
pub(crate) fn decode_gray_counted(img: &GrayImage) -> (Vec<String>, Work) {
    let (w, h) = img.dimensions();
    // Fewer pixels than the smallest code (21 modules) at one pixel each: nothing to find.
    if w < 21 || h < 21 {
        return (Vec::new(), Work::default());
    }
    let mut search = Search::default();
    search.run(img);
    let work = search.work;
    let mut found = search.found;
    found.sort_by(|a, b| {
        let key = |f: &Found| {
            let (x, y) = centre(&f.corners);
            ((y / 16.0) as i64, x as i64)
        };
        key(a).cmp(&key(b))
    });
    (found.into_iter().map(|f| f.text).collect(), work)
}

fn centre(corners: &[(f32, f32); 4]) -> (f32, f32) {
    let x = corners.iter().map(|c| c.0).sum::<f32>() / 4.0;
    let y = corners.iter().map(|c| c.1).sum::<f32>() / 4.0;
    (x, y)
}

#[derive(Default)]
struct Search {
    found: Vec<Found>,
    /// Grids rqrr located but could not read in the last attempt, outside the codes
    /// already read: proof that a code is there and worth more effort.
    unread: usize,
    /// Finder patterns seen in the original image (both polarities).
    finders: Vec<Finder>,
    /// Detector work spent so far, against the budget.
    work: Work,
    /// The first look found the image too busy (noise) for the detector in both
    /// polarities: no code is plausible at a size that enlarging would help.
    busy_image: bool,
}

impl Search {
    fn run(&mut self, original: &GrayImage) {
        let (w, h) = original.dimensions();
        let long_side = w.max(h);
        // One flat colour (a blank page, or a tiny file claiming a huge empty canvas).
        if prepare::is_flat(original) {
            return;
        }

        // Stage 0: very large images (photos) get a quick look at a reduced size.
        if long_side > FIRST_LOOK_SIDE {
            let factor = long_side.div_ceil(FIRST_LOOK_SIDE / 2).min(8);
            let small = prepare::downscale(original, factor);
            let t = Transform::IDENTITY.then_scale(1.0 / factor as f32);
            self.stage(&small, t, false);
        }

        // Stage 1: the image as it is, in both polarities, unless the quick look found
        // codes. The same binarisation shows where finder patterns are.
        if self.found.is_empty() {
            self.first_look(original);
        } else if self.large(original) {
            self.locate(original);
        }
        if self.done() {
            return;
        }

        // Stage 2: small codes in large images: crop around finder patterns that no code
        // read so far explains, and enlarge. Once every such place has been tried, a code
        // in hand means the search is over.
        let image_area = u64::from(w) * u64::from(h);
        for region in locate::candidate_regions(&self.stray_finders(), w, h) {
            let area = u64::from(region.width) * u64::from(region.height);
            if area * 2 > image_area {
                continue;
            }
            let crop = image::imageops::crop_imm(
                original,
                region.x,
                region.y,
                region.width,
                region.height,
            )
            .to_image();
            let t = Transform::IDENTITY.then_crop(region.x, region.y);
            let before = self.found.len();
            self.stage(&crop, t, true);
            if self.found.len() == before && region.module < ENLARGE_BELOW_MODULE_PX {
                self.enlarge(&crop, t, area);
            }
        }
        if (!self.found.is_empty() && self.unread == 0) || self.out_of_budget() {
            return;
        }

        // Stages 3 to 5 work on the whole image; beyond FIRST_LOOK_SIDE they work on a
        // reduced copy, so that a small file claiming a huge canvas cannot buy minutes of
        // work (codes small enough to need full resolution were found by stage 2).
        let (work, t) = if long_side > FIRST_LOOK_SIDE {
            let factor = long_side.div_ceil(FIRST_LOOK_SIDE);
            let t = Transform::IDENTITY.then_scale(1.0 / factor as f32);
            (prepare::downscale(original, factor), t)
        } else {
            (original.clone(), Transform::IDENTITY)
        };

        // Stage 3: contrast stretch, global and local thresholds.
        self.stage(&work, t, true);
        if self.done() || self.out_of_budget() {
            return;
        }

        // Stage 4: noise and blur. First read the grid straight from grey pixels around
        // finder patterns the detector could not fit a grid to.
        self.read_from_finders(&work, t);
        if self.done() {
            return;
        }
        let median = prepare::median3(&work);
        self.stage(&median, t, true);
        if self.done() || self.out_of_budget() {
            return;
        }
        let sharp = prepare::sharpen(&work, 2);
        self.stage(&sharp, t, true);
        if self.done() || self.out_of_budget() {
            return;
        }

        // Stage 5: tiny modules: enlarge.
        let area = u64::from(work.width()) * u64::from(work.height());
        self.enlarge(&work, t, area);
    }

    /// Large enough that a second, small code could hide beside the one already read.
    fn large(&self, img: &GrayImage) -> bool {
        img.width().min(img.height()) >= 400
    }

    /// True once the work budget is spent; the remaining stages are counted as skipped.
    fn out_of_budget(&mut self) -> bool {
        let spent = self.work.exhausted();
        if spent {
            self.work.stages_skipped += 1;
        }
        spent
    }

    /// Searches the image in its likelier polarity first (dark on light unless the border
    /// is dark), then the other, binarised as rqrr would. Finder patterns are collected
    /// from the same binary images when they matter: when nothing has been read yet, a
    /// grid was left unread, or the image is large enough to hold more codes.
    ///
    /// In a large image the detector first sees only the crops around finder-pattern
    /// corners, and the whole binarisation only when they leave something unexplained and
    /// the image is not too busy (noise) for it.
    fn first_look(&mut self, original: &GrayImage) {
        let t = Transform::IDENTITY.then_pad(MARGIN);
        let dark_first = prepare::border_level(original) == 0;
        let mut first_bin: Option<GrayImage> = None;
        // Finder patterns of the other polarity, seen by the first scan of a large image.
        let mut other_finders: Option<Vec<Finder>> = None;
        let mut busy_looks = 0;
        for inverted in [dark_first, !dark_first] {
            if let Some(bin) = &first_bin
                && !self.found.is_empty()
                && self.unread == 0
            {
                // Read already, in a large image: only look for finder patterns of the
                // other polarity, in the complement of the first binarisation.
                match other_finders {
                    Some(finders) => self.record_finders(&finders, t),
                    None => self.add_finders(&prepare::invert(bin), t),
                }
                return;
            }
            let polarity;
            let img = if inverted {
                polarity = prepare::invert(original);
                &polarity
            } else {
                original
            };
            let padded = prepare::pad(img, MARGIN, 255);
            let bin = prepare::row_average_threshold(&padded);
            if self.large(original) {
                // The first scan also notes the other polarity's finder patterns, for
                // when this one settles the image.
                let mut scan = if first_bin.is_none() {
                    locate::scan_both(&bin)
                } else {
                    locate::scan(&bin)
                };
                other_finders = Some(std::mem::take(&mut scan.light_finders));
                // Read the corners that look like codes first: a crop costs the detector
                // a fraction of the page, and usually settles it.
                let before = self.found.len();
                // Codes seen square-on (screenshots) read straight from their finder
                // patterns; the detector sees the corners that are left.
                let left = self.read_corners(&padded, &scan.finders, t);
                let regions = locate::candidate_regions(&left, bin.width(), bin.height());
                self.attempt_regions(&bin, &padded, t, &regions);
                let read = self.found.len() > before && self.unread == 0;
                self.record_finders(&scan.finders, t);
                let busy = scan.line_hits > budget::MAX_LINE_HITS;
                if busy {
                    self.work.busy += 1;
                    busy_looks += 1;
                } else if !(read && self.done()) {
                    self.detect(&bin, &padded, t);
                }
                self.busy_image = busy_looks == 2;
            } else {
                self.attempt(&bin, &padded, t, true);
                if self.found.is_empty() || self.unread > 0 {
                    self.add_finders(&bin, t);
                } else {
                    return;
                }
            }
            first_bin = Some(bin);
        }
    }

    /// Reads codes from grey pixels around corners of finder patterns that no code read so
    /// far explains (see [`sample::decode_from_finders`]): the finder patterns already
    /// seen, and those of a global (Otsu) binarisation, in both polarities, each read
    /// from the image and from a sharpened copy. Busy images (noise) are skipped.
    fn read_from_finders(&mut self, img: &GrayImage, t: Transform) {
        if self.busy_image {
            self.work.stages_skipped += 1;
            return;
        }
        let mut finders: Vec<Finder> = self
            .stray_finders()
            .into_iter()
            .map(|f| {
                let (x, y) = (f.x * t.scale + t.dx, f.y * t.scale + t.dy);
                Finder {
                    x,
                    y,
                    module: f.module * t.scale,
                    ..f
                }
            })
            .collect();
        let stretched = prepare::stretch_contrast(img).unwrap_or_else(|| img.clone());
        let global = prepare::threshold(&stretched, prepare::otsu_level(&stretched));
        let margin = MARGIN as f32;
        for bin in [
            prepare::pad(&global, MARGIN, 255),
            prepare::pad(&prepare::invert(&global), MARGIN, 255),
        ] {
            finders.extend(locate::find_finders(&bin).into_iter().map(|f| Finder {
                x: f.x - margin,
                y: f.y - margin,
                ..f
            }));
        }
        let corners = locate::corners(&finders);
        if corners.is_empty() {
            return;
        }
        let inverted = prepare::invert(img);
        let sharp = prepare::sharpen(img, 2);
        let sharp_inverted = prepare::invert(&sharp);
        for corner in &corners {
            for source in [img, &inverted, &sharp, &sharp_inverted] {
                let Some((bytes, quad)) = sample::decode_from_finders(source, corner) else {
                    continue;
                };
                self.work.sampled += 1;
                self.record(bytes_to_text(bytes), quad, t);
                break;
            }
        }
    }

    /// Reads codes from `grey` at the corners that `finders` (in `grey`'s coordinates,
    /// `t` from the original) form, outside the codes already read (see
    /// [`sample::decode_from_finders`]). Returns the finder patterns still unexplained.
    fn read_corners(&mut self, grey: &GrayImage, finders: &[Finder], t: Transform) -> Vec<Finder> {
        let explained = |found: &[Found], f: &Finder| {
            let p = t.to_original(f.x, f.y);
            found.iter().any(|c| inside(&c.corners, p))
        };
        for corner in locate::corners(finders) {
            if corner.iter().any(|f| explained(&self.found, f)) {
                continue;
            }
            if let Some((bytes, quad)) = sample::decode_from_finders(grey, &corner) {
                self.work.sampled += 1;
                self.record(bytes_to_text(bytes), quad, t);
            }
        }
        finders
            .iter()
            .filter(|f| !explained(&self.found, f))
            .copied()
            .collect()
    }

    /// Keeps a code read from a variant (corners in the variant's pixels), unless it was
    /// read already.
    fn record(&mut self, text: String, quad: sample::Quad, t: Transform) {
        if self.found.iter().all(|f| f.text != text) {
            let corners = quad.map(|(x, y)| t.to_original(x as f32, y as f32));
            self.found.push(Found { text, corners });
        }
    }

    /// Records the finder patterns of the original image, in both polarities.
    fn locate(&mut self, original: &GrayImage) {
        let t = Transform::IDENTITY.then_pad(MARGIN);
        for polarity in [original.clone(), prepare::invert(original)] {
            let bin = prepare::row_average_threshold(&prepare::pad(&polarity, MARGIN, 255));
            self.add_finders(&bin, t);
        }
    }

    fn add_finders(&mut self, bin: &GrayImage, t: Transform) {
        self.record_finders(&locate::find_finders(bin), t);
    }

    /// Keeps finder patterns found in a variant, in original-image coordinates.
    fn record_finders(&mut self, found: &[Finder], t: Transform) {
        self.finders.extend(found.iter().map(|f| {
            let (x, y) = t.to_original(f.x, f.y);
            Finder { x, y, ..*f }
        }));
    }

    /// Enlarges `img` 2×, 3× and 4× (as far as [`MAX_UPSCALED_PIXELS`] allows) and searches
    /// each, also after a median filter, until something new is read.
    fn enlarge(&mut self, img: &GrayImage, t: Transform, area: u64) {
        let before = self.found.len();
        // Enlarging a busy image (noise) only makes the detector's work larger.
        if self.busy_image {
            self.work.stages_skipped += 1;
            return;
        }
        if self.out_of_budget() {
            return;
        }
        for factor in [2u32, 3, 4] {
            // 4× only for thumbnails: the codes at 1.3–1.6 pixels a module.
            let budget = if factor == 4 {
                MAX_UPSCALED_PIXELS / 2
            } else {
                MAX_UPSCALED_PIXELS
            };
            if area * u64::from(factor * factor) > budget {
                break;
            }
            let big = prepare::upscale(img, factor);
            let tb = t.then_scale(factor as f32);
            self.stage(&big, tb, true);
            if self.found.len() > before {
                return;
            }
            let big_median = prepare::median3(&big);
            self.stage(&big_median, tb, true);
            if self.found.len() > before {
                return;
            }
        }
    }

    /// Finder patterns not inside any code read so far.
    fn stray_finders(&self) -> Vec<Finder> {
        self.finders
            .iter()
            .filter(|f| !self.found.iter().any(|c| inside(&c.corners, (f.x, f.y))))
            .copied()
            .collect()
    }

    /// True when at least one code has been read and nothing suggests another: no grid
    /// left unread and no three finder patterns forming a code's corner outside the codes
    /// read.
    fn done(&self) -> bool {
        if self.found.is_empty() || self.unread > 0 {
            return false;
        }
        let stray = self.stray_finders();
        stray.len() < 3 || locate::candidate_regions(&stray, u32::MAX, u32::MAX).is_empty()
    }

    /// Tries one image in both polarities: grey through rqrr's own threshold, and when
    /// `thresholds` is set, also through a global (Otsu) and a local binarisation.
    fn stage(&mut self, img: &GrayImage, t: Transform, thresholds: bool) {
        if self.out_of_budget() {
            return;
        }
        let margin = MARGIN;
        let tp = t.then_pad(margin);
        let normal = prepare::pad(img, margin, 255);
        let inverted = prepare::pad(&prepare::invert(img), margin, 255);
        let dark_first = prepare::border_level(img) == 0;
        let order = if dark_first {
            [&inverted, &normal]
        } else {
            [&normal, &inverted]
        };
        for variant in order {
            if self.attempt(variant, variant, tp, false) > 0 && self.unread == 0 {
                return;
            }
        }
        if !thresholds {
            return;
        }
        // Binarise before padding, so both polarities get a light margin.
        let stretched = prepare::stretch_contrast(img).unwrap_or_else(|| img.clone());
        let level = prepare::otsu_level(&stretched);
        let global = prepare::threshold(&stretched, level);
        let radius = (img.width().min(img.height()) / 24).clamp(4, 40);
        let local = prepare::adaptive_threshold(&stretched, radius, 4);
        let sources = [
            prepare::pad(&stretched, margin, 255),
            prepare::pad(&prepare::invert(&stretched), margin, 255),
        ];
        for bin in [&global, &local] {
            for flip in [dark_first, !dark_first] {
                let variant = if flip {
                    prepare::pad(&prepare::invert(bin), margin, 255)
                } else {
                    prepare::pad(bin, margin, 255)
                };
                let source = &sources[usize::from(flip)];
                if self.attempt(&variant, source, tp, true) > 0 && self.unread == 0 {
                    return;
                }
            }
        }
    }

    /// Runs rqrr on one variant and records new codes. Returns how many were new.
    ///
    /// `source` is a grey image in the same coordinates and polarity as `img`; grids that
    /// rqrr locates but cannot read are sampled again from it. A grey `img` is binarised
    /// as rqrr would. A large variant busier than any page with a code (see
    /// [`budget::MAX_LINE_HITS`]) is searched only around its finder-pattern corners.
    fn attempt(
        &mut self,
        img: &GrayImage,
        source: &GrayImage,
        t: Transform,
        binary: bool,
    ) -> usize {
        let thresholded;
        let bitmap = if binary {
            img
        } else {
            thresholded = prepare::row_average_threshold(img);
            &thresholded
        };
        if pixels(bitmap) >= budget::BUSY_CHECK_PIXELS {
            let scan = locate::scan(bitmap);
            if scan.line_hits > budget::MAX_LINE_HITS {
                self.work.busy += 1;
                let regions =
                    locate::candidate_regions(&scan.finders, bitmap.width(), bitmap.height());
                return self.attempt_regions(bitmap, source, t, &regions);
            }
        }
        self.detect(bitmap, source, t)
    }

    /// Runs rqrr on the crops of `bitmap` (and `source`) that `regions` cover. Returns how
    /// many codes were new; `unread` counts the grids left unread in all of them.
    fn attempt_regions(
        &mut self,
        bitmap: &GrayImage,
        source: &GrayImage,
        t: Transform,
        regions: &[Region],
    ) -> usize {
        let (mut new, mut unread) = (0, 0);
        for r in regions {
            let crop = |img: &GrayImage| {
                image::imageops::crop_imm(img, r.x, r.y, r.width, r.height).to_image()
            };
            new += self.detect(&crop(bitmap), &crop(source), t.then_crop(r.x, r.y));
            unread += self.unread;
        }
        self.unread = unread;
        new
    }

    /// Runs rqrr on one binary image (dark < 128), within the work budget, and records
    /// new codes. Returns how many were new.
    fn detect(&mut self, bitmap: &GrayImage, source: &GrayImage, t: Transform) -> usize {
        if !self.work.spend(pixels(bitmap)) {
            self.unread = 0;
            return 0;
        }
        let result = catch_unwind(AssertUnwindSafe(|| run_rqrr(bitmap, source)));
        let Ok((codes, unread)) = result else {
            self.unread = 0;
            return 0;
        };
        let mut new = 0;
        for (text, points) in codes {
            let corners = points.map(|(x, y)| t.to_original(x as f32, y as f32));
            if self.found.iter().all(|f| f.text != text) {
                self.found.push(Found { text, corners });
                new += 1;
            }
        }
        self.unread = unread
            .into_iter()
            .filter(|points: &Corners| {
                let c = centre(&points.map(|(x, y)| t.to_original(x as f32, y as f32)));
                !self.found.iter().any(|f| inside(&f.corners, c))
            })
            .count();
        new
    }
}

type Corners = [(i32, i32); 4];

fn pixels(img: &GrayImage) -> u64 {
    u64::from(img.width()) * u64::from(img.height())
}

/// rqrr on one binary image: decoded texts with their corners, and the corners of grids
/// that were located but could not be read.
fn run_rqrr(bitmap: &GrayImage, source: &GrayImage) -> (Vec<(String, Corners)>, Vec<Corners>) {
    let (w, h) = (bitmap.width() as usize, bitmap.height() as usize);
    let raw = bitmap.as_raw();
    let mut prepared = rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| raw[y * w + x] < 128);
    let mut codes = Vec::new();
    let mut unread = Vec::new();
    for grid in prepared.detect_grids() {
        let corners = grid.bounds.map(|p| (p.x, p.y));
        let mut bytes = Vec::new();
        if grid.decode_to(&mut bytes).is_ok() {
            codes.push((bytes_to_text(bytes), corners));
        } else if let Some(bytes) = sample::decode_resampled(source, corners, grid.grid.size()) {
            codes.push((bytes_to_text(bytes), corners));
        } else {
            unread.push(corners);
        }
    }
    (codes, unread)
}

/// Payload bytes as text: UTF-8 when they are valid UTF-8 (codes without an ECI header
/// commonly carry raw UTF-8), otherwise ISO 8859-1, the QR standard's default.
pub(crate) fn bytes_to_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    }
}

/// Whether point `p` lies inside the (convex) quadrilateral `quad`.
fn inside(quad: &[(f32, f32); 4], p: (f32, f32)) -> bool {
    let mut sign = 0f32;
    for i in 0..4 {
        let (a, b) = (quad[i], quad[(i + 1) % 4]);
        let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
        if cross != 0.0 {
            if sign != 0.0 && cross.signum() != sign {
                return false;
            }
            sign = cross.signum();
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_utf8_or_latin1() {
        assert_eq!(bytes_to_text("Kasse:Björn".into()), "Kasse:Björn");
        assert_eq!(bytes_to_text(vec![b'B', 0xF6, b'r']), "Bör");
    }

    #[test]
    fn transform_maps_back_to_original() {
        let t = Transform::IDENTITY.then_scale(2.0).then_pad(10);
        assert_eq!(t.to_original(30.0, 50.0), (10.0, 20.0));
        let t = Transform::IDENTITY.then_scale(0.5).then_pad(8);
        assert_eq!(t.to_original(18.0, 8.0), (20.0, 0.0));
        // Crop at (100, 50), enlarge 3×, pad 8.
        let t = Transform::IDENTITY
            .then_crop(100, 50)
            .then_scale(3.0)
            .then_pad(8);
        assert_eq!(t.to_original(38.0, 8.0), (110.0, 50.0));
    }

    #[test]
    fn inside_quad() {
        let quad = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)];
        assert!(inside(&quad, (5.0, 5.0)));
        assert!(!inside(&quad, (11.0, 5.0)));
        let rotated = [(5.0, 0.0), (10.0, 5.0), (5.0, 10.0), (0.0, 5.0)];
        assert!(inside(&rotated, (5.0, 5.0)));
        assert!(!inside(&rotated, (1.0, 1.0)));
    }

    /// A 1920×1080 screen of grey noise from a fixed seed, no code in it.
    fn noise_1080p(seed: u64) -> GrayImage {
        let mut state = seed;
        GrayImage::from_fn(1920, 1080, |_, _| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            image::Luma([(state >> 56) as u8])
        })
    }

    #[test]
    fn noise_without_a_code_is_cut_short() {
        let img = noise_1080p(0x5E5A);
        let (texts, work) = decode_gray_counted(&img);
        assert!(texts.is_empty());
        // Both polarities of the first look are too busy for the detector: it sees at most
        // crops around chance finder corners, never the whole screen, and nothing is enlarged.
        assert!(work.busy >= 2, "{work:?}");
        assert!(work.pixels < pixels(&img), "{work:?}");
        assert!(work.stages_skipped >= 1, "{work:?}");
    }

    #[test]
    fn a_code_on_a_large_page_is_read_from_a_crop() {
        let text = "otpauth://totp/Crop:a?secret=JBSWY3DPEHPK3PXP";
        let png = crate::qr::encode_png(text, 3).unwrap();
        let code = image::load_from_memory(&png).unwrap().to_luma8();
        let mut page = GrayImage::from_pixel(1920, 1080, image::Luma([235]));
        image::imageops::replace(&mut page, &code, 1200, 300);
        let (texts, work) = decode_gray_counted(&page);
        assert_eq!(texts, vec![text]);
        // Read square-on from its finder patterns: the detector never ran.
        assert_eq!(
            (work.sampled, work.attempts, work.pixels),
            (1, 0, 0),
            "{work:?}"
        );
    }

    #[test]
    fn blank_and_tiny_images_have_no_codes() {
        assert!(decode_gray(&GrayImage::new(1, 1)).is_empty());
        assert!(decode_gray(&GrayImage::from_pixel(200, 100, image::Luma([255]))).is_empty());
        assert!(decode_gray(&GrayImage::new(64, 64)).is_empty());
    }
}
