//! One-time passwords: RFC 6238 TOTP, RFC 4226 HOTP and Steam Guard codes.
//!
//! [`Params`] is plain data (what an `otpauth://` link or an export describes, including
//! algorithms we can store but not compute, such as MD5). [`Otp`] is a checked generator
//! built from a [`Secret`] and `Params`; it computes codes with totp-rs's HMAC and the
//! RFC 4226 dynamic truncation, for 6 to 10 digits and 64-bit times and counters.

use std::fmt;

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::secret::Secret;

/// Default TOTP period in seconds.
pub const DEFAULT_PERIOD: u64 = 30;
/// Default number of digits.
pub const DEFAULT_DIGITS: u8 = 6;
/// Digits Steam Guard codes always have.
pub const STEAM_DIGITS: u8 = 5;
/// Fewest decimal digits accepted.
pub const MIN_DIGITS: u8 = 6;
/// Most decimal digits accepted (a 31-bit truncated value has 10 digits).
pub const MAX_DIGITS: u8 = 10;
/// Default verification window, in steps either side.
pub const DEFAULT_WINDOW: u32 = 1;
/// Largest verification window accepted: more makes guessing codes easy.
pub const MAX_WINDOW: u32 = 100;

const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// HMAC hash function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Algorithm {
    /// HMAC-SHA1, the default and by far the most common.
    #[default]
    SHA1,
    /// HMAC-SHA256.
    SHA256,
    /// HMAC-SHA512.
    SHA512,
    /// HMAC-MD5: found in Google Authenticator exports; stored, but no codes are computed.
    MD5,
}

impl Algorithm {
    /// Upper-case name as used in links and exports (`SHA1`, `SHA256`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::SHA1 => "SHA1",
            Algorithm::SHA256 => "SHA256",
            Algorithm::SHA512 => "SHA512",
            Algorithm::MD5 => "MD5",
        }
    }

    /// Parses a name case-insensitively, with or without a dash (`sha-256`).
    pub fn parse(name: &str) -> Option<Self> {
        let cleaned: String = name
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_uppercase();
        match cleaned.as_str() {
            "SHA1" => Some(Algorithm::SHA1),
            "SHA256" => Some(Algorithm::SHA256),
            "SHA512" => Some(Algorithm::SHA512),
            "MD5" => Some(Algorithm::MD5),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of one-time password, with its moving factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Kind {
    /// Time-based (RFC 6238): the counter is `unix_time / period`.
    Totp {
        /// Seconds per step.
        period: u64,
    },
    /// Counter-based (RFC 4226): the counter moves when a code is used.
    Hotp {
        /// The counter of the next code.
        counter: u64,
    },
    /// Steam Guard: TOTP with SHA1 and five characters from Steam's alphabet.
    Steam {
        /// Seconds per step (30 for every Steam account).
        period: u64,
    },
}

impl Kind {
    /// `totp`, `hotp` or `steam`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Kind::Totp { .. } => "totp",
            Kind::Hotp { .. } => "hotp",
            Kind::Steam { .. } => "steam",
        }
    }
}

/// Everything about a code except the secret. Plain data: see [`Params::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Params {
    /// TOTP, HOTP or Steam, with the period or counter.
    #[serde(flatten)]
    pub kind: Kind,
    /// The HMAC hash.
    pub algorithm: Algorithm,
    /// Length of a code.
    pub digits: u8,
}

impl Default for Params {
    /// SHA1, 6 digits, 30 seconds: what an `otpauth://totp` link without parameters means.
    fn default() -> Self {
        Params::totp(Algorithm::SHA1, DEFAULT_DIGITS, DEFAULT_PERIOD)
    }
}

impl Params {
    /// TOTP parameters.
    pub fn totp(algorithm: Algorithm, digits: u8, period: u64) -> Self {
        Params {
            kind: Kind::Totp { period },
            algorithm,
            digits,
        }
    }

    /// HOTP parameters.
    pub fn hotp(algorithm: Algorithm, digits: u8, counter: u64) -> Self {
        Params {
            kind: Kind::Hotp { counter },
            algorithm,
            digits,
        }
    }

    /// Steam Guard parameters (SHA1, 5 characters, 30 seconds).
    pub fn steam() -> Self {
        Params {
            kind: Kind::Steam {
                period: DEFAULT_PERIOD,
            },
            algorithm: Algorithm::SHA1,
            digits: STEAM_DIGITS,
        }
    }

    /// The period for TOTP and Steam, `None` for HOTP.
    pub fn period(&self) -> Option<u64> {
        match self.kind {
            Kind::Totp { period } | Kind::Steam { period } => Some(period),
            Kind::Hotp { .. } => None,
        }
    }

    /// The counter for HOTP, `None` otherwise.
    pub fn counter(&self) -> Option<u64> {
        match self.kind {
            Kind::Hotp { counter } => Some(counter),
            _ => None,
        }
    }

    /// Checks that codes can be computed with these parameters.
    pub fn check(&self) -> Result<(), OtpError> {
        if let Some(0) = self.period() {
            return Err(OtpError::InvalidPeriod);
        }
        match self.kind {
            Kind::Steam { .. } => {
                if self.digits != STEAM_DIGITS || self.algorithm != Algorithm::SHA1 {
                    return Err(OtpError::InvalidSteam);
                }
            }
            _ => {
                if !(MIN_DIGITS..=MAX_DIGITS).contains(&self.digits) {
                    return Err(OtpError::InvalidDigits {
                        digits: self.digits,
                    });
                }
            }
        }
        if self.algorithm == Algorithm::MD5 {
            return Err(OtpError::UnsupportedAlgorithm {
                algorithm: self.algorithm,
            });
        }
        Ok(())
    }
}

/// Why codes cannot be computed or checked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OtpError {
    /// The secret has no bytes.
    #[error("the secret is empty")]
    EmptySecret,
    /// Digits outside 6–10.
    #[error("{digits} digits is not supported: codes have {MIN_DIGITS} to {MAX_DIGITS} digits")]
    InvalidDigits {
        /// The refused value.
        digits: u8,
    },
    /// A period of zero seconds.
    #[error("the period must be a positive number of seconds")]
    InvalidPeriod,
    /// Steam codes with other parameters than SHA1 and 5 characters.
    #[error("Steam Guard codes always use SHA1 and {STEAM_DIGITS} characters")]
    InvalidSteam,
    /// An algorithm we recognise but cannot compute codes with.
    #[error(
        "{algorithm} codes are not supported: no authenticator app computes them; ask the issuer for a SHA1 secret"
    )]
    UnsupportedAlgorithm {
        /// The algorithm.
        algorithm: Algorithm,
    },
    /// A window too large to be safe.
    #[error("a verification window of {window} steps is too large (at most {MAX_WINDOW})")]
    WindowTooLarge {
        /// The refused window.
        window: u32,
    },
}

/// A one-time code. Zeroized on drop; `Display` prints it, `Debug` does not.
#[derive(Clone, PartialEq, Eq)]
pub struct Code(Zeroizing<String>);

impl Code {
    /// The code as printed (`"004121"`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped for reading: `123 456`, `1234 5678`, `123 4567`; Steam codes are not split.
    pub fn grouped(&self) -> String {
        let s = self.as_str();
        let split = match s.len() {
            6 => 3,
            7 | 8 => 4,
            9 | 10 => s.len() / 2,
            _ => return s.to_owned(),
        };
        format!("{} {}", &s[..split], &s[split..])
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code({} chars)", self.0.len())
    }
}

/// The code now, the one after it, and how long the current one lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The current code.
    pub code: Code,
    /// The next code (for TOTP; for HOTP the code at counter + 1).
    pub next_code: Code,
    /// Milliseconds until `code` expires; `None` for HOTP.
    pub valid_for_ms: Option<u64>,
}

/// A checked code generator: a secret with parameters that can produce codes.
#[derive(Clone)]
pub struct Otp {
    hmac: totp_rs::Totp,
    params: Params,
}

impl fmt::Debug for Otp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Otp")
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl Otp {
    /// Builds a generator, refusing parameters codes cannot be computed with.
    pub fn new(secret: &Secret, params: Params) -> Result<Self, OtpError> {
        if secret.as_bytes().is_empty() {
            return Err(OtpError::EmptySecret);
        }
        params.check()?;
        let hash = match params.algorithm {
            Algorithm::SHA1 => totp_rs::Algorithm::SHA1,
            Algorithm::SHA256 => totp_rs::Algorithm::SHA256,
            Algorithm::SHA512 => totp_rs::Algorithm::SHA512,
            Algorithm::MD5 => unreachable!("Params::check refuses MD5"),
        };
        // totp-rs signs `time / step`; with a step of 1 it signs the counter we give it, so
        // the period (and its overflow handling) stays in `counter_at`.
        let hmac = totp_rs::Builder::new()
            .with_algorithm(hash)
            .with_secret(secret.as_bytes().to_vec())
            .with_step_duration(1)
            .build_noncompliant();
        Ok(Otp { hmac, params })
    }

    /// The parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The moving factor at `unix_time`: the time step for TOTP, the stored counter for HOTP.
    pub fn counter_at(&self, unix_time: u64) -> u64 {
        match self.params.kind {
            Kind::Totp { period } | Kind::Steam { period } => unix_time / period,
            Kind::Hotp { counter } => counter,
        }
    }

    /// The code at `unix_time` (seconds since 1970). HOTP ignores the time.
    pub fn code_at(&self, unix_time: u64) -> Code {
        self.code_for_counter(self.counter_at(unix_time))
    }

    /// The code for an explicit counter (HOTP counter or TOTP time step).
    pub fn code_for_counter(&self, counter: u64) -> Code {
        Code(self.format(truncate(self.hmac.sign(counter).as_ref())))
    }

    /// The current and next code with the time the current one has left, at `unix_ms`.
    pub fn snapshot(&self, unix_ms: u64) -> Snapshot {
        let seconds = unix_ms / 1000;
        let counter = self.counter_at(seconds);
        let valid_for_ms = self.params.period().map(|period| {
            let period_ms = period.saturating_mul(1000);
            period_ms - unix_ms % period_ms
        });
        Snapshot {
            code: self.code_for_counter(counter),
            next_code: self.code_for_counter(counter.saturating_add(1)),
            valid_for_ms,
        }
    }

    /// Checks `code` in constant time against the steps around `unix_time`.
    ///
    /// TOTP looks `window` steps either side; HOTP looks `window` counters ahead of the
    /// stored one (RFC 4226 §7.4). Returns the offset of the matching step (for HOTP, the
    /// counter to store next is `counter + offset + 1`). Spaces in `code` are ignored.
    pub fn verify(&self, code: &str, unix_time: u64, window: u32) -> Result<Option<i64>, OtpError> {
        if window > MAX_WINDOW {
            return Err(OtpError::WindowTooLarge { window });
        }
        let given: Zeroizing<String> = Zeroizing::new(
            code.chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        let base = self.counter_at(unix_time);
        let window = i64::from(window);
        let offsets = match self.params.kind {
            Kind::Hotp { .. } => 0..=window,
            _ => -window..=window,
        };
        let mut found: Option<i64> = None;
        // Every candidate is computed and compared, so timing does not reveal which matched.
        for offset in offsets {
            let Some(counter) = base.checked_add_signed(offset) else {
                continue;
            };
            let expected = self.code_for_counter(counter);
            let same = expected.as_str().as_bytes().ct_eq(given.as_bytes());
            if bool::from(same) && found.is_none() {
                found = Some(offset);
            }
        }
        Ok(found)
    }

    fn format(&self, value: u32) -> Zeroizing<String> {
        match self.params.kind {
            Kind::Steam { .. } => {
                let mut value = value;
                let mut out = String::with_capacity(STEAM_DIGITS as usize);
                for _ in 0..STEAM_DIGITS {
                    out.push(STEAM_ALPHABET[(value % 26) as usize] as char);
                    value /= 26;
                }
                Zeroizing::new(out)
            }
            _ => {
                let digits = u32::from(self.params.digits);
                let modulus = 10u64.pow(digits);
                let reduced = u64::from(value) % modulus;
                Zeroizing::new(format!("{reduced:0width$}", width = digits as usize))
            }
        }
    }
}

/// RFC 4226 §5.3 dynamic truncation to a 31-bit value.
fn truncate(mac: &[u8]) -> u32 {
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let bytes = [
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ];
    u32::from_be_bytes(bytes) & 0x7fff_ffff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> Secret {
        Secret::from_bytes(b"12345678901234567890".to_vec())
    }

    #[test]
    fn hotp_rfc4226_first_rows() {
        let expected = ["755224", "287082", "359152", "969429", "338314"];
        for (counter, code) in expected.iter().enumerate() {
            let otp = Otp::new(
                &rfc_secret(),
                Params::hotp(Algorithm::SHA1, 6, counter as u64),
            )
            .unwrap();
            assert_eq!(otp.code_at(0).as_str(), *code);
        }
    }

    #[test]
    fn ten_digits_is_the_whole_truncated_value() {
        // RFC 4226 Appendix D: counter 0 truncates to 1284755224.
        let otp = Otp::new(&rfc_secret(), Params::hotp(Algorithm::SHA1, 10, 0)).unwrap();
        assert_eq!(otp.code_at(0).as_str(), "1284755224");
        let nine = Otp::new(&rfc_secret(), Params::hotp(Algorithm::SHA1, 9, 0)).unwrap();
        assert_eq!(nine.code_at(0).as_str(), "284755224");
    }

    #[test]
    fn steam_codes_use_the_steam_alphabet() {
        let otp = Otp::new(&rfc_secret(), Params::steam()).unwrap();
        let code = otp.code_at(1_700_000_000);
        assert_eq!(code.as_str().len(), 5);
        assert!(code.as_str().bytes().all(|b| STEAM_ALPHABET.contains(&b)));
        assert_eq!(
            otp.verify(&code.as_str().to_lowercase(), 1_700_000_000, 0),
            Ok(Some(0))
        );
    }

    #[test]
    fn parameters_are_checked() {
        let s = rfc_secret();
        assert_eq!(
            Otp::new(&s, Params::totp(Algorithm::SHA1, 5, 30)).unwrap_err(),
            OtpError::InvalidDigits { digits: 5 }
        );
        assert_eq!(
            Otp::new(&s, Params::totp(Algorithm::SHA1, 11, 30)).unwrap_err(),
            OtpError::InvalidDigits { digits: 11 }
        );
        assert_eq!(
            Otp::new(&s, Params::totp(Algorithm::SHA1, 6, 0)).unwrap_err(),
            OtpError::InvalidPeriod
        );
        assert!(matches!(
            Otp::new(&s, Params::totp(Algorithm::MD5, 6, 30)),
            Err(OtpError::UnsupportedAlgorithm { .. })
        ));
        assert_eq!(
            Otp::new(&Secret::from_bytes(vec![]), Params::default()).unwrap_err(),
            OtpError::EmptySecret
        );
    }

    #[test]
    fn verify_accepts_one_step_either_side_by_default() {
        let otp = Otp::new(&rfc_secret(), Params::default()).unwrap();
        let t = 1_111_111_111;
        let before = otp.code_at(t - 30);
        let now = otp.code_at(t);
        let after = otp.code_at(t + 30);
        let far = otp.code_at(t + 90);
        assert_eq!(otp.verify(now.as_str(), t, DEFAULT_WINDOW), Ok(Some(0)));
        assert_eq!(otp.verify(before.as_str(), t, DEFAULT_WINDOW), Ok(Some(-1)));
        assert_eq!(otp.verify(after.as_str(), t, DEFAULT_WINDOW), Ok(Some(1)));
        assert_eq!(otp.verify(far.as_str(), t, DEFAULT_WINDOW), Ok(None));
        assert_eq!(otp.verify(far.as_str(), t, 3), Ok(Some(3)));
        assert_eq!(otp.verify(now.as_str(), t, 0), Ok(Some(0)));
        assert_eq!(otp.verify(before.as_str(), t, 0), Ok(None));
        assert_eq!(otp.verify("12345", t, 1), Ok(None));
        assert_eq!(otp.verify("", t, 1), Ok(None));
        assert_eq!(
            otp.verify(now.as_str(), t, 1000),
            Err(OtpError::WindowTooLarge { window: 1000 })
        );
        let spaced = now.grouped();
        assert_eq!(otp.verify(&spaced, t, 0), Ok(Some(0)));
    }

    #[test]
    fn hotp_verify_looks_ahead_only() {
        let otp = Otp::new(&rfc_secret(), Params::hotp(Algorithm::SHA1, 6, 3)).unwrap();
        assert_eq!(otp.verify("969429", 0, 1), Ok(Some(0)));
        assert_eq!(otp.verify("338314", 0, 1), Ok(Some(1)));
        assert_eq!(otp.verify("359152", 0, 5), Ok(None), "counter 2 is behind");
    }

    #[test]
    fn verify_near_zero_does_not_underflow() {
        let otp = Otp::new(&rfc_secret(), Params::default()).unwrap();
        let code = otp.code_at(0);
        assert_eq!(otp.verify(code.as_str(), 5, 2), Ok(Some(0)));
    }

    #[test]
    fn huge_times_and_steps_do_not_overflow() {
        let otp = Otp::new(&rfc_secret(), Params::default()).unwrap();
        let _ = otp.code_at(u64::MAX);
        let _ = otp.snapshot(u64::MAX);
        let slow = Otp::new(&rfc_secret(), Params::totp(Algorithm::SHA1, 6, u64::MAX)).unwrap();
        let _ = slow.code_for_counter(u64::MAX);
        assert!(otp.verify("000000", u64::MAX, 1).is_ok());
    }

    #[test]
    fn snapshot_reports_time_left_and_next_code() {
        let otp = Otp::new(&rfc_secret(), Params::default()).unwrap();
        let snap = otp.snapshot(59_000 + 250);
        assert_eq!(snap.code.as_str(), "287082");
        assert_eq!(snap.valid_for_ms, Some(750));
        assert_eq!(snap.next_code, otp.code_at(60));
        let hotp = Otp::new(&rfc_secret(), Params::hotp(Algorithm::SHA1, 6, 0)).unwrap();
        let snap = hotp.snapshot(123_456);
        assert_eq!(snap.valid_for_ms, None);
        assert_eq!(snap.next_code.as_str(), "287082");
    }

    #[test]
    fn grouping_and_debug() {
        let otp = Otp::new(&rfc_secret(), Params::hotp(Algorithm::SHA1, 8, 0)).unwrap();
        let code = otp.code_at(0);
        assert_eq!(code.grouped(), "8475 5224");
        assert!(!format!("{code:?}").contains("8475"));
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(Algorithm::parse("sha-256"), Some(Algorithm::SHA256));
        assert_eq!(Algorithm::parse("Sha512"), Some(Algorithm::SHA512));
        assert_eq!(Algorithm::parse("sha3"), None);
    }
}
