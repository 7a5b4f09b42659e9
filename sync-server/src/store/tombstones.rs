//! When tombstones go: a delete is kept 90 days ([`TOMBSTONE_TTL_MS`]), then purged, and
//! every page of `GET /v1/items` says up to which seq tombstones may be gone (`purged`), so
//! that a device that read less than that reads everything again instead of missing the
//! deletes.
//!
//! SQLite purges on a user's writes and knows exactly what it purged. DynamoDB lets the
//! table's TTL purge (unseen, up to days late) and hides expired tombstones on read; so the
//! `SEQ` record keeps, per day, the highest seq of a tombstone written that day
//! ([`TombstoneDays`]), which bounds what may be gone at any time without reading them.

use serde::{Deserialize, Serialize};

/// One day, in Unix milliseconds.
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;
/// How long a tombstone is kept: 90 days after the delete.
pub const TOMBSTONE_TTL_MS: u64 = 90 * DAY_MS;

/// Whether a tombstone written at `modified` is past its 90 days at `now`.
pub fn expired(modified: u64, now: u64) -> bool {
    modified < now.saturating_sub(TOMBSTONE_TTL_MS)
}

/// The highest seq of the tombstones written each day (Unix day number), for the last 90
/// days or so; older days are folded into `purged`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TombstoneDays {
    /// Every tombstone with a seq up to this one may be purged.
    pub purged: u64,
    /// `(day, highest tombstone seq written that day)`, days ascending.
    pub days: Vec<(u64, u64)>,
}

impl TombstoneDays {
    /// Records a tombstone written at `now` with `seq`, and folds the days that are past.
    pub fn record(&mut self, now: u64, seq: u64) {
        let day = now / DAY_MS;
        match self.days.last_mut() {
            Some((last, high)) if *last == day => *high = (*high).max(seq),
            _ => self.days.push((day, seq)),
        }
        self.fold(now);
    }

    /// Folds into `purged` the days whose every tombstone is past its 90 days.
    pub fn fold(&mut self, now: u64) {
        let cutoff = now.saturating_sub(TOMBSTONE_TTL_MS);
        while let Some(&(day, seq)) = self.days.first() {
            if (day + 1) * DAY_MS > cutoff {
                break;
            }
            self.purged = self.purged.max(seq);
            self.days.remove(0);
        }
    }

    /// The highest seq of a tombstone that may be gone at `now`: a day counts as soon as
    /// its first moment is past the 90 days.
    pub fn horizon(&self, now: u64) -> u64 {
        let cutoff = now.saturating_sub(TOMBSTONE_TTL_MS);
        self.days
            .iter()
            .filter(|(day, _)| day * DAY_MS < cutoff)
            .map(|&(_, seq)| seq)
            .fold(self.purged, u64::max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 20_000 * DAY_MS;

    #[test]
    fn a_tombstone_expires_after_ninety_days() {
        assert!(!expired(T0, T0 + TOMBSTONE_TTL_MS));
        assert!(expired(T0, T0 + TOMBSTONE_TTL_MS + 1));
    }

    #[test]
    fn the_horizon_covers_every_tombstone_that_may_be_gone_and_no_later_one() {
        let mut days = TombstoneDays::default();
        days.record(T0 + 1000, 3);
        days.record(T0 + 2000, 5);
        days.record(T0 + DAY_MS, 9);
        assert_eq!(days.days, [(T0 / DAY_MS, 5), (T0 / DAY_MS + 1, 9)]);
        assert_eq!(
            days.horizon(T0 + TOMBSTONE_TTL_MS),
            0,
            "nothing is 90 days old"
        );
        // Past 90 days for the first tombstone: the whole day counts.
        assert_eq!(days.horizon(T0 + TOMBSTONE_TTL_MS + 1001), 5);
        assert_eq!(days.horizon(T0 + TOMBSTONE_TTL_MS + DAY_MS + 1), 9);
        // A write a year later folds both days; the horizon stays.
        days.record(T0 + 365 * DAY_MS, 12);
        assert_eq!(days.purged, 9);
        assert_eq!(days.days, [((T0 + 365 * DAY_MS) / DAY_MS, 12)]);
        assert_eq!(days.horizon(T0 + 365 * DAY_MS), 9);
    }

    #[test]
    fn days_round_trip_through_json() {
        let mut days = TombstoneDays::default();
        days.record(T0, 1);
        let json = serde_json::to_string(&days).unwrap();
        assert_eq!(serde_json::from_str::<TombstoneDays>(&json).unwrap(), days);
    }
}
