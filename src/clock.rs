//! Time: the [`Clock`] trait (system, fixed, offset-corrected) and SNTP offset measurement.
//!
//! TOTP codes are only as right as the clock. [`measure_offset`] asks an NTP server how far
//! the local clock is off (RFC 4330 SNTP, best of a few samples); a [`CorrectedClock`] then
//! applies that offset when the user turns time correction on.

use std::net::{SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The default NTP server for `sesame time`.
pub const DEFAULT_NTP_SERVER: &str = "pool.ntp.org";
/// The NTP port.
pub const NTP_PORT: u16 = 123;

/// Seconds from 1900-01-01 (NTP era 0) to 1970-01-01.
const NTP_UNIX_DELTA: u64 = 2_208_988_800;
const PACKET_LEN: usize = 48;

/// A source of the current time, in milliseconds since 1970-01-01 UTC.
pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;

    /// Whole seconds since the Unix epoch.
    fn now_secs(&self) -> u64 {
        self.now_ms() / 1000
    }
}

/// The operating system's clock. A clock set before 1970 reads as 1970.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0)
    }
}

/// A clock that reads what it was set to; for tests and for `--time`.
#[derive(Debug, Default)]
pub struct FixedClock(AtomicU64);

impl FixedClock {
    /// A clock stopped at `unix_ms`.
    pub fn at_ms(unix_ms: u64) -> Self {
        FixedClock(AtomicU64::new(unix_ms))
    }

    /// Moves the clock to `unix_ms`.
    pub fn set_ms(&self, unix_ms: u64) {
        self.0.store(unix_ms, Ordering::Relaxed);
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let now = self.0.load(Ordering::Relaxed);
        self.0.store(now.saturating_add(ms), Ordering::Relaxed);
    }
}

impl Clock for FixedClock {
    fn now_ms(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Another clock plus a measured offset (positive when the local clock is behind).
#[derive(Debug, Default)]
pub struct CorrectedClock<C> {
    inner: C,
    offset_ms: AtomicI64,
}

impl<C: Clock> CorrectedClock<C> {
    /// Wraps `inner` with no correction yet.
    pub fn new(inner: C) -> Self {
        CorrectedClock {
            inner,
            offset_ms: AtomicI64::new(0),
        }
    }

    /// Sets the correction, typically [`Measurement::offset_ms`].
    pub fn set_offset_ms(&self, offset_ms: i64) {
        self.offset_ms.store(offset_ms, Ordering::Relaxed);
    }

    /// The correction in force.
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }
}

impl<C: Clock> Clock for CorrectedClock<C> {
    fn now_ms(&self) -> u64 {
        self.inner.now_ms().saturating_add_signed(self.offset_ms())
    }
}

/// The largest offset (5 minutes) applied without the user saying yes to it: a larger one
/// is more often an on-path attacker's answer (shifting codes into the future, to be
/// collected now and used later) than a real clock that far off.
pub const MAX_UNCONFIRMED_OFFSET_MS: u64 = 5 * 60 * 1000;

/// Whether applying a measured `offset_ms` needs the user's explicit confirmation.
pub fn needs_confirmation(offset_ms: i64) -> bool {
    offset_ms.unsigned_abs() > MAX_UNCONFIRMED_OFFSET_MS
}

/// What an SNTP exchange found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measurement {
    /// Add this to the local clock to get the server's time (RFC 4330 θ), in milliseconds.
    pub offset_ms: i64,
    /// Round-trip network delay of the sample used (RFC 4330 δ), in milliseconds.
    pub delay_ms: u64,
    /// The server's stratum (1 = reference clock, 16 = unsynchronised).
    pub stratum: u8,
    /// The address that answered.
    pub server: SocketAddr,
}

/// Why the offset could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum TimeError {
    /// The server name did not resolve.
    #[error("cannot find the time server {server}: {reason}")]
    Resolve {
        /// As given.
        server: String,
        /// The resolver's message.
        reason: String,
    },
    /// A socket could not be opened or used.
    #[error("network error talking to the time server {server}: {source}")]
    Network {
        /// The server.
        server: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// No answer in time.
    #[error(
        "the time server {server} did not answer within {timeout_ms} ms (is it reachable, and is UDP port 123 open?)"
    )]
    Timeout {
        /// The server.
        server: String,
        /// How long we waited per sample.
        timeout_ms: u64,
    },
    /// An answer that is not a valid SNTP reply to our request.
    #[error("the time server {server} sent an invalid reply: {reason}")]
    BadReply {
        /// The server.
        server: String,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// The server told us to go away (a kiss-of-death packet, RFC 4330 §8).
    #[error("the time server {server} refused the request ({code}); try another server")]
    KissOfDeath {
        /// The server.
        server: String,
        /// The four-letter kiss code, e.g. `RATE` or `DENY`.
        code: String,
    },
    /// The server itself is not synchronised.
    #[error("the time server {server} is not synchronised itself; try another server")]
    Unsynchronised {
        /// The server.
        server: String,
    },
}

/// How to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SntpOptions {
    /// How long to wait for each reply.
    pub timeout: Duration,
    /// How many exchanges to make; the one with the smallest delay wins.
    pub samples: u32,
}

impl Default for SntpOptions {
    fn default() -> Self {
        SntpOptions {
            timeout: Duration::from_secs(2),
            samples: 4,
        }
    }
}

/// Measures the local clock's offset against an NTP server (`HOST` or `HOST:PORT`).
pub fn measure_offset(server: &str, options: SntpOptions) -> Result<Measurement, TimeError> {
    measure_offset_with(server, options, &SystemClock)
}

/// [`measure_offset`] against a given local clock (tests use a deliberately wrong one).
pub fn measure_offset_with(
    server: &str,
    options: SntpOptions,
    local: &dyn Clock,
) -> Result<Measurement, TimeError> {
    let address = resolve(server)?;
    let network = |source| TimeError::Network {
        server: server.to_owned(),
        source,
    };
    let bind: SocketAddr = if address.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
    };
    let socket = UdpSocket::bind(bind).map_err(network)?;
    socket.connect(address).map_err(network)?;

    let mut best: Option<Measurement> = None;
    let mut last_error = None;
    for _ in 0..options.samples.max(1) {
        match exchange(&socket, server, address, options.timeout, local) {
            Ok(m) => {
                if best.is_none_or(|b| m.delay_ms < b.delay_ms) {
                    best = Some(m);
                }
            }
            // A server that refuses or is unsynchronised will not change its mind.
            Err(e @ (TimeError::KissOfDeath { .. } | TimeError::Unsynchronised { .. })) => {
                return Err(e);
            }
            Err(e) => last_error = Some(e),
        }
    }
    best.ok_or_else(|| last_error.expect("at least one sample ran"))
}

fn resolve(server: &str) -> Result<SocketAddr, TimeError> {
    let with_port = if server.parse::<SocketAddr>().is_ok() || has_port(server) {
        server.to_owned()
    } else if server.contains(':') {
        // A bare IPv6 address.
        format!("[{server}]:{NTP_PORT}")
    } else {
        format!("{server}:{NTP_PORT}")
    };
    let resolve_error = |reason: String| TimeError::Resolve {
        server: server.to_owned(),
        reason,
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| resolve_error(e.to_string()))?
        .next()
        .ok_or_else(|| resolve_error("no address found".into()))
}

fn has_port(server: &str) -> bool {
    match server.rsplit_once(':') {
        Some((host, port)) => {
            port.parse::<u16>().is_ok() && (!host.contains(':') || host.ends_with(']'))
        }
        None => false,
    }
}

/// One request/reply. The transmit field carries a random nonce rather than our clock
/// (so the request does not reveal the local time), and the reply must echo it.
fn exchange(
    socket: &UdpSocket,
    server: &str,
    address: SocketAddr,
    timeout: Duration,
    local: &dyn Clock,
) -> Result<Measurement, TimeError> {
    let network = |source| TimeError::Network {
        server: server.to_owned(),
        source,
    };
    let mut nonce = [0u8; 8];
    getrandom::fill(&mut nonce).map_err(|e| network(std::io::Error::other(e)))?;
    let mut request = [0u8; PACKET_LEN];
    request[0] = (4 << 3) | 3; // LI 0, version 4, mode 3 (client)
    request[40..48].copy_from_slice(&nonce);

    socket.set_read_timeout(Some(timeout)).map_err(network)?;
    let t1 = local.now_ms();
    let started = Instant::now();
    socket.send(&request).map_err(network)?;

    let mut reply = [0u8; 512];
    loop {
        let remaining = timeout.saturating_sub(started.elapsed());
        if remaining.is_zero() {
            return Err(timeout_error(server, timeout));
        }
        socket.set_read_timeout(Some(remaining)).map_err(network)?;
        let len = match socket.recv(&mut reply) {
            Ok(len) => len,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(timeout_error(server, timeout));
            }
            Err(e) => return Err(network(e)),
        };
        // Local time at arrival, from the same clock plus the monotonic elapsed time, so a
        // clock step during the exchange cannot produce nonsense.
        let elapsed = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let t4 = t1.saturating_add(elapsed);
        // Replies that do not echo our nonce are stale or forged: keep waiting.
        let echoes_nonce = len >= 32 && reply[24..32] == nonce;
        match (echoes_nonce, len >= PACKET_LEN) {
            (true, true) => return parse_reply(&reply[..len], server, address, t1, t4),
            (true, false) => return Err(bad_reply(server, "the packet is too short")),
            (false, _) => continue,
        }
    }
}

fn timeout_error(server: &str, timeout: Duration) -> TimeError {
    TimeError::Timeout {
        server: server.to_owned(),
        timeout_ms: u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
    }
}

fn bad_reply(server: &str, reason: &'static str) -> TimeError {
    TimeError::BadReply {
        server: server.to_owned(),
        reason,
    }
}

/// Checks a reply (RFC 4330 §5) and computes offset and delay from it.
fn parse_reply(
    reply: &[u8],
    server: &str,
    address: SocketAddr,
    t1: u64,
    t4: u64,
) -> Result<Measurement, TimeError> {
    let leap = reply[0] >> 6;
    let version = (reply[0] >> 3) & 0b111;
    let mode = reply[0] & 0b111;
    let stratum = reply[1];
    if mode != 4 && mode != 5 {
        return Err(bad_reply(server, "it is not a server reply"));
    }
    if !(1..=4).contains(&version) {
        return Err(bad_reply(server, "unknown NTP version"));
    }
    if stratum == 0 {
        let code: String = reply[12..16]
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '?' })
            .collect();
        return Err(TimeError::KissOfDeath {
            server: server.to_owned(),
            code,
        });
    }
    if leap == 3 || stratum >= 16 {
        return Err(TimeError::Unsynchronised {
            server: server.to_owned(),
        });
    }
    let t2 = ntp_to_unix_ms(&reply[32..40], t1);
    let t3 = ntp_to_unix_ms(&reply[40..48], t1);
    if reply[40..48].iter().all(|&b| b == 0) {
        return Err(bad_reply(server, "the transmit time is zero"));
    }
    // θ = ((T2 − T1) + (T3 − T4)) / 2 ; δ = (T4 − T1) − (T3 − T2), in i128 to avoid overflow.
    let (t1, t2, t3, t4) = (t1 as i128, t2 as i128, t3 as i128, t4 as i128);
    let offset = ((t2 - t1) + (t3 - t4)) / 2;
    let delay = ((t4 - t1) - (t3 - t2)).max(0);
    Ok(Measurement {
        offset_ms: i64::try_from(offset).map_err(|_| bad_reply(server, "absurd offset"))?,
        delay_ms: u64::try_from(delay).unwrap_or(u64::MAX),
        stratum,
        server: address,
    })
}

/// An NTP timestamp (32.32 fixed point seconds) as Unix milliseconds, choosing the NTP era
/// (each 2^32 s long) that puts it nearest to `near_unix_ms`.
fn ntp_to_unix_ms(bytes: &[u8], near_unix_ms: u64) -> u64 {
    let seconds = u64::from(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]));
    let fraction = u64::from(u32::from_be_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]));
    // Rounded to the nearest millisecond (1000 carries into the seconds correctly).
    let millis = (fraction * 1000 + (1 << 31)) >> 32;
    let era_len: i128 = 1 << 32;
    let near_ntp_secs = i128::from(near_unix_ms / 1000) + i128::from(NTP_UNIX_DELTA);
    let near_era = near_ntp_secs.div_euclid(era_len);
    let candidates =
        [near_era - 1, near_era, near_era + 1].map(|era| era * era_len + i128::from(seconds));
    let best = candidates
        .into_iter()
        .min_by_key(|c| (c - near_ntp_secs).abs())
        .unwrap_or(i128::from(seconds));
    let unix_secs = (best - i128::from(NTP_UNIX_DELTA)).max(0);
    u64::try_from(unix_secs * 1000 + i128::from(millis)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_and_corrected_clocks() {
        let fixed = FixedClock::at_ms(59_999);
        assert_eq!(fixed.now_secs(), 59);
        fixed.advance(Duration::from_millis(1));
        assert_eq!(fixed.now_ms(), 60_000);
        let corrected = CorrectedClock::new(fixed);
        corrected.set_offset_ms(-1_500);
        assert_eq!(corrected.now_ms(), 58_500);
        corrected.set_offset_ms(i64::MIN);
        assert_eq!(corrected.now_ms(), 0, "saturates instead of wrapping");
    }

    #[test]
    fn offsets_beyond_five_minutes_need_confirmation_either_way() {
        assert!(!needs_confirmation(0));
        assert!(!needs_confirmation(300_000));
        assert!(!needs_confirmation(-300_000));
        assert!(needs_confirmation(300_001));
        assert!(needs_confirmation(-300_001));
        assert!(needs_confirmation(3_600_000), "an on-path +1 h answer");
        assert!(needs_confirmation(i64::MIN), "no overflow");
    }

    #[test]
    fn system_clock_is_after_2020() {
        assert!(SystemClock.now_secs() > 1_577_836_800);
    }

    #[test]
    fn ntp_timestamps_pick_the_nearest_era() {
        // 2026-01-01T00:00:00Z is NTP 3976214400 in era 0.
        let unix = 1_767_225_600u64;
        let ntp = (unix + NTP_UNIX_DELTA) as u32;
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&ntp.to_be_bytes());
        bytes[4..].copy_from_slice(&(1u32 << 31).to_be_bytes()); // .5 s
        assert_eq!(ntp_to_unix_ms(&bytes, unix * 1000), unix * 1000 + 500);
        // After 2036-02-07 the seconds field wraps (era 1); a clock near then still works.
        let unix_2040 = 2_208_988_800u64 + (1u64 << 32) - NTP_UNIX_DELTA + 120_000_000;
        let wrapped = ((unix_2040 + NTP_UNIX_DELTA) % (1 << 32)) as u32;
        bytes[..4].copy_from_slice(&wrapped.to_be_bytes());
        bytes[4..].copy_from_slice(&[0; 4]);
        assert_eq!(
            ntp_to_unix_ms(&bytes, unix_2040 * 1000 + 5_000),
            unix_2040 * 1000
        );
    }

    fn reply(first: u8, stratum: u8, receive_ms: u64, transmit_ms: u64) -> [u8; 48] {
        let mut r = [0u8; 48];
        r[0] = first;
        r[1] = stratum;
        let ts = |ms: u64| {
            let secs = (ms / 1000 + NTP_UNIX_DELTA) as u32;
            let frac = (((ms % 1000) << 32) / 1000) as u32;
            let mut b = [0u8; 8];
            b[..4].copy_from_slice(&secs.to_be_bytes());
            b[4..].copy_from_slice(&frac.to_be_bytes());
            b
        };
        r[32..40].copy_from_slice(&ts(receive_ms));
        r[40..48].copy_from_slice(&ts(transmit_ms));
        r
    }

    #[test]
    fn offset_and_delay_follow_rfc4330() {
        let addr: SocketAddr = "127.0.0.1:123".parse().unwrap();
        let t1 = 1_700_000_000_000;
        // The server is 10 s ahead; 100 ms each way; 2 ms of processing.
        let r = reply((4 << 3) | 4, 2, t1 + 10_100, t1 + 10_102);
        let m = parse_reply(&r, "s", addr, t1, t1 + 202).unwrap();
        assert_eq!(m.offset_ms, 10_000);
        assert_eq!(m.delay_ms, 200);
        assert_eq!(m.stratum, 2);
    }

    #[test]
    fn bad_replies_get_typed_errors() {
        let addr: SocketAddr = "127.0.0.1:123".parse().unwrap();
        let t = 1_700_000_000_000;
        let client_mode = reply((4 << 3) | 3, 2, t, t);
        assert!(matches!(
            parse_reply(&client_mode, "s", addr, t, t),
            Err(TimeError::BadReply { .. })
        ));
        let mut kod = reply((4 << 3) | 4, 0, t, t);
        kod[12..16].copy_from_slice(b"RATE");
        let e = parse_reply(&kod, "s", addr, t, t).unwrap_err();
        assert!(e.to_string().contains("RATE"), "{e}");
        let unsync = reply((3 << 6) | (4 << 3) | 4, 2, t, t);
        assert!(matches!(
            parse_reply(&unsync, "s", addr, t, t),
            Err(TimeError::Unsynchronised { .. })
        ));
        let mut zero = reply((4 << 3) | 4, 2, t, t);
        zero[40..48].copy_from_slice(&[0; 8]);
        assert!(matches!(
            parse_reply(&zero, "s", addr, t, t),
            Err(TimeError::BadReply { .. })
        ));
    }

    #[test]
    fn server_names_get_the_default_port() {
        assert!(has_port("127.0.0.1:123"));
        assert!(has_port("[::1]:123"));
        assert!(!has_port("::1"));
        assert!(!has_port("time.example"));
        assert_eq!(resolve("127.0.0.1").unwrap().port(), NTP_PORT);
        assert_eq!(resolve("127.0.0.1:4123").unwrap().port(), 4123);
        assert_eq!(resolve("::1").unwrap().port(), NTP_PORT);
        assert!(matches!(
            resolve("no-such-host.invalid"),
            Err(TimeError::Resolve { .. })
        ));
    }
}
