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

use super::locate::{self, Finder};
use super::{prepare, sample};

/// Images whose longer side exceeds this are first searched at a reduced size.
const FIRST_LOOK_SIDE: u32 = 2200;
/// Upscaling is only tried while the result stays below this many pixels.
const MAX_UPSCALED_PIXELS: u64 = 6_000_000;
/// Light margin added around every variant, for codes printed without a quiet zone.
const MARGIN: u32 = 8;

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
    let (w, h) = img.dimensions();
    // Fewer pixels than the smallest code (21 modules) at one pixel each: nothing to find.
    if w < 21 || h < 21 {
        return Vec::new();
    }
    let mut search = Search::default();
    search.run(img);
    let mut found = search.found;
    found.sort_by(|a, b| {
        let key = |f: &Found| {
            let (x, y) = centre(&f.corners);
            ((y / 16.0) as i64, x as i64)
        };
        key(a).cmp(&key(b))
    });
    found.into_iter().map(|f| f.text).collect()
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
            if self.found.len() == before {
                self.enlarge(&crop, t, area);
            }
        }
        if !self.found.is_empty() && self.unread == 0 {
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
        if self.done() {
            return;
        }

        // Stage 4: noise and blur.
        let median = prepare::median3(&work);
        self.stage(&median, t, true);
        if self.done() {
            return;
        }
        let sharp = prepare::sharpen(&work, 2);
        self.stage(&sharp, t, true);
        if self.done() {
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

    /// Searches the image in its likelier polarity first (dark on light unless the border
    /// is dark), then the other, binarised as rqrr would. Finder patterns are collected
    /// from the same binary images when they matter: when nothing has been read yet, a
    /// grid was left unread, or the image is large enough to hold more codes.
    fn first_look(&mut self, original: &GrayImage) {
        let t = Transform::IDENTITY.then_pad(MARGIN);
        let dark_first = prepare::border_level(original) == 0;
        let mut first_bin: Option<GrayImage> = None;
        for inverted in [dark_first, !dark_first] {
            if let Some(bin) = &first_bin
                && !self.found.is_empty()
                && self.unread == 0
            {
                // Read already, in a large image: only look for finder patterns of the
                // other polarity, in the complement of the first binarisation.
                self.add_finders(&prepare::invert(bin), t);
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
            self.attempt(&bin, &padded, t, true);
            if self.found.is_empty() || self.unread > 0 || self.large(original) {
                self.add_finders(&bin, t);
            } else {
                return;
            }
            first_bin = Some(bin);
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
        let found = locate::find_finders(bin);
        self.finders.extend(found.into_iter().map(|f| {
            let (x, y) = t.to_original(f.x, f.y);
            Finder { x, y, ..f }
        }));
    }

    /// Enlarges `img` 2×, 3× and 4× (as far as [`MAX_UPSCALED_PIXELS`] allows) and searches
    /// each, also after a median filter, until something new is read.
    fn enlarge(&mut self, img: &GrayImage, t: Transform, area: u64) {
        let before = self.found.len();
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
    /// rqrr locates but cannot read are sampled again from it.
    fn attempt(
        &mut self,
        img: &GrayImage,
        source: &GrayImage,
        t: Transform,
        binary: bool,
    ) -> usize {
        let result = catch_unwind(AssertUnwindSafe(|| run_rqrr(img, source, binary)));
        let Ok((codes, unread)) = result else {
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

/// rqrr on one image: decoded texts with their corners, and the corners of grids that
/// were located but could not be read.
fn run_rqrr(
    img: &GrayImage,
    source: &GrayImage,
    binary: bool,
) -> (Vec<(String, Corners)>, Vec<Corners>) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let thresholded;
    let bitmap = if binary {
        img
    } else {
        thresholded = prepare::row_average_threshold(img);
        &thresholded
    };
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

    #[test]
    fn blank_and_tiny_images_have_no_codes() {
        assert!(decode_gray(&GrayImage::new(1, 1)).is_empty());
        assert!(decode_gray(&GrayImage::from_pixel(200, 100, image::Luma([255]))).is_empty());
        assert!(decode_gray(&GrayImage::new(64, 64)).is_empty());
    }
}
