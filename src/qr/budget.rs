//! A deterministic bound on the work one image may cost.
//!
//! The detector's time is not linear in the image: on noise, every 1:1:3:1:1 run in a row
//! makes it flood-fill regions, and a busy 1080p image can cost it a second per attempt
//! where a page with a code costs 50 ms. So the pipeline counts what it hands the detector
//! (attempts and pixels) and stops escalating when the budget is spent; and before each
//! large attempt it counts the finder-like runs in the bitmap ([`MAX_LINE_HITS`]): an image
//! busier than any page with a code is searched only around finder-pattern corners.
//!
//! Everything is counted from the image itself, never measured on a clock, so the same
//! image always gets the same answer however loaded the machine is.

/// Most detector attempts per image. The hardest image of the corpus (a thumbnail at 1.3
/// pixels a module, read after enlarging) needs about 50.
pub(crate) const MAX_ATTEMPTS: u32 = 96;
/// Most pixels handed to the detector per image, summed over attempts: about 20 looks at
/// a 1920×1080 screen. The corpus needs at most about 30 million.
pub(crate) const MAX_PIXELS: u64 = 48_000_000;
/// Images at least this large are checked for busyness before the detector sees them.
pub(crate) const BUSY_CHECK_PIXELS: u64 = 500_000;
/// Row runs in the ratio 1:1:3:1:1 beyond which a whole image is too busy for the
/// detector (pages with codes show at most about 3,500; 1080p noise 12,000 to 80,000).
pub(crate) const MAX_LINE_HITS: usize = 8_000;

/// What the search has spent and skipped on one image. Tests read it to show that hostile
/// images are cut short by the bound, not by luck.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Work {
    /// Detector runs, on whole variants or crops.
    pub(crate) attempts: u32,
    /// Pixels handed to the detector, summed.
    pub(crate) pixels: u64,
    /// Whole variants too busy for the detector, searched only around finder corners.
    pub(crate) busy: u32,
    /// Attempts refused because the budget was spent.
    pub(crate) refused: u32,
    /// Codes read straight from grey pixels around their finder patterns, without the
    /// detector.
    pub(crate) sampled: u32,
    /// Escalation stages not run: nothing in the image looked like a finder pattern, or
    /// the budget was spent.
    pub(crate) stages_skipped: u32,
}

impl Work {
    /// Whether an attempt on `pixels` more pixels still fits the budget; if so, it is
    /// counted as spent.
    pub(crate) fn spend(&mut self, pixels: u64) -> bool {
        if self.exhausted() || self.pixels + pixels > MAX_PIXELS {
            self.refused += 1;
            return false;
        }
        self.attempts += 1;
        self.pixels += pixels;
        true
    }

    /// True once no further attempt can be afforded.
    pub(crate) fn exhausted(&self) -> bool {
        self.attempts >= MAX_ATTEMPTS || self.pixels >= MAX_PIXELS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_stops_at_the_budget() {
        let mut work = Work::default();
        assert!(work.spend(MAX_PIXELS / 2));
        assert!(!work.spend(MAX_PIXELS), "over the pixel budget");
        assert_eq!(work.refused, 1);
        assert!(work.spend(MAX_PIXELS / 2));
        assert!(work.exhausted());
        assert!(!work.spend(1));
        assert_eq!((work.attempts, work.refused), (2, 2));

        let mut work = Work::default();
        for _ in 0..MAX_ATTEMPTS {
            assert!(work.spend(1));
        }
        assert!(work.exhausted() && !work.spend(1));
    }
}
