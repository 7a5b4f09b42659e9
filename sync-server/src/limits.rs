//! The limits a deployment sets, and the per-user request rate (a token bucket in memory:
//! per process, so per Lambda instance on AWS, where API Gateway throttling adds the rest).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::wire::{MAX_BODY_BYTES, MAX_ITEM_BYTES};

/// What one user may do.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// The most live (not deleted) items per user (507 `quota` past it).
    pub max_items: u64,
    /// The most sealed bytes per item (413 `too_large`).
    pub max_item_bytes: usize,
    /// The most bytes per request body (413 `too_large`).
    pub max_body_bytes: usize,
    /// Requests per second a user may sustain.
    pub rate_per_sec: f64,
    /// Requests a user may make at once after a pause.
    pub burst: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_items: 10_000,
            max_item_bytes: MAX_ITEM_BYTES,
            max_body_bytes: MAX_BODY_BYTES,
            rate_per_sec: 10.0,
            burst: 100,
        }
    }
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

/// A token bucket per user.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// Buckets kept before full ones are forgotten.
const PRUNE_ABOVE: usize = 10_000;

impl RateLimiter {
    /// `rate` requests per second, `burst` at once.
    pub fn new(rate: f64, burst: u32) -> RateLimiter {
        RateLimiter {
            rate: rate.max(f64::MIN_POSITIVE),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `user`'s bucket, or says how long until one is there.
    pub fn check(&self, user: &str) -> Result<(), Duration> {
        self.check_at(user, Instant::now())
    }

    fn check_at(&self, user: &str, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, b| {
                b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * rate < burst
            });
        }
        let bucket = buckets.entry(user.to_owned()).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refill = now.saturating_duration_since(bucket.at).as_secs_f64() * self.rate;
        bucket.tokens = (bucket.tokens + refill).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / self.rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_past_the_burst_waits_and_others_do_not() {
        let limiter = RateLimiter::new(2.0, 3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check_at("alice", t0).is_ok());
        }
        let wait = limiter.check_at("alice", t0).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert!(limiter.check_at("bob", t0).is_ok());
        assert!(
            limiter
                .check_at("alice", t0 + Duration::from_millis(500))
                .is_ok()
        );
        assert!(
            limiter
                .check_at("alice", t0 + Duration::from_millis(500))
                .is_err()
        );
    }
}
