//! Google Authenticator `otpauth-migration://offline?data=…` batches: decode and encode.
//!
//! `data` is a percent-encoded Base64 `MigrationPayload` protobuf (schema below, written by
//! hand with `prost`; unknown fields are skipped). Reading accepts standard or URL-safe
//! Base64 with or without padding. In `data`, `%2B`, `%2F` and `%3D` are decoded and a
//! literal `+` stays a plus sign; a space is read as `+` (what form decoding makes of one)
//! and line breaks are ignored.
//!
//! Accounts: an unspecified type is TOTP, an unspecified algorithm SHA1, unspecified digits
//! 6; the period is always 30 seconds. Issuers and names are trimmed and an empty issuer is
//! absent. The `name` field often holds `Issuer:account`: a prefix equal to the issuer
//! (ignoring ASCII case) and its colon are removed; with no issuer, the text before the
//! first colon becomes the issuer. A name with another prefix is kept whole.
//!
//! ```text
//! message MigrationPayload {
//!   enum Algorithm { UNSPECIFIED = 0; SHA1 = 1; SHA256 = 2; SHA512 = 3; MD5 = 4; }
//!   enum DigitCount { UNSPECIFIED = 0; SIX = 1; EIGHT = 2; }
//!   enum OtpType { UNSPECIFIED = 0; HOTP = 1; TOTP = 2; }
//!   message OtpParameters { bytes secret = 1; string name = 2; string issuer = 3;
//!     Algorithm algorithm = 4; DigitCount digits = 5; OtpType type = 6; int64 counter = 7; }
//!   repeated OtpParameters otp_parameters = 1; int32 version = 2; int32 batch_size = 3;
//!   int32 batch_index = 4; int32 batch_id = 5;
//! }
//! ```

use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use prost::Message as _;
use zeroize::{Zeroize, Zeroizing};

use crate::account::{Account, ParsedAccount};
use crate::otp::{Algorithm, DEFAULT_PERIOD, Kind, Params};
use crate::secret::Secret;
use crate::uri::{raw_param, strip_prefix_ignore_case};

/// Longest link accepted, in bytes.
pub const MAX_LEN: usize = 64 * 1024;
/// Most accounts [`encode`] puts in one link.
pub const MAX_ACCOUNTS_PER_LINK: usize = 10;
/// Most protobuf bytes [`encode`] puts in one link (unless one account alone is larger),
/// which keeps each QR code around version 20 at error correction level L or M.
pub const MAX_PAYLOAD_BYTES: usize = 800;

/// One decoded `otpauth-migration` link: its accounts and where it sits in the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// The accounts, in export order.
    pub accounts: Vec<ParsedAccount>,
    /// Payload format version (Google Authenticator writes 1).
    pub version: i32,
    /// How many links the export has.
    pub batch_size: i32,
    /// This link's position in the export, from 0.
    pub batch_index: i32,
    /// Identifies the export; every link of one export has the same.
    pub batch_id: i32,
}

/// Why a migration link could not be read or written. Never contains a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// The link is longer than [`MAX_LEN`].
    #[error("the link is {length} bytes long; at most {MAX_LEN} bytes are accepted")]
    TooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// The text does not start with `otpauth-migration://`.
    #[error("not a Google Authenticator export: it must start with otpauth-migration://")]
    NotMigration,
    /// No `data` parameter, or an empty one.
    #[error("the export link has no data parameter")]
    MissingData,
    /// `data` is not Base64.
    #[error("the export data is not valid Base64: {reason}")]
    InvalidBase64 {
        /// What the decoder found.
        reason: String,
    },
    /// `data` is Base64 but not a migration payload.
    #[error("the export data is damaged or not a Google Authenticator export: {reason}")]
    InvalidProtobuf {
        /// What the decoder found.
        reason: String,
    },
    /// The payload holds no accounts (or [`encode`] was given none).
    #[error("the export holds no accounts")]
    NoAccounts,
    /// An account without secret bytes.
    #[error("account {} of the export has an empty secret", .index + 1)]
    EmptySecret {
        /// Position of the account in the link, from 0.
        index: usize,
    },
    /// An algorithm number outside the schema.
    #[error("account {} of the export has an unknown algorithm (number {value})", .index + 1)]
    UnknownAlgorithm {
        /// Position of the account in the link, from 0.
        index: usize,
        /// The number found.
        value: i32,
    },
    /// A digit-count number outside the schema.
    #[error("account {} of the export has an unknown number of digits (code {value})", .index + 1)]
    UnknownDigits {
        /// Position of the account in the link, from 0.
        index: usize,
        /// The number found.
        value: i32,
    },
    /// An OTP type number outside the schema.
    #[error("account {} of the export has an unknown OTP type (number {value})", .index + 1)]
    UnknownType {
        /// Position of the account in the link, from 0.
        index: usize,
        /// The number found.
        value: i32,
    },
    /// A negative HOTP counter.
    #[error("account {} of the export has a negative counter ({value})", .index + 1)]
    InvalidCounter {
        /// Position of the account in the link, from 0.
        index: usize,
        /// The counter found.
        value: i64,
    },
    /// An account Google Authenticator's format cannot hold.
    #[error("\"{label}\" cannot be exported to Google Authenticator: {reason}")]
    CannotEncode {
        /// The account's label (issuer and name).
        label: String,
        /// What the format cannot hold.
        reason: String,
    },
    /// The operating system gave no random batch id.
    #[error("no random number for the export id: {reason}")]
    Randomness {
        /// The system error.
        reason: String,
    },
}

/// Reads one `otpauth-migration://offline?data=…` link.
pub fn decode(text: &str) -> Result<Batch, MigrationError> {
    if text.len() > MAX_LEN {
        return Err(MigrationError::TooLong { length: text.len() });
    }
    let text = text.trim();
    let rest = strip_prefix_ignore_case(text, "otpauth-migration://")
        .ok_or(MigrationError::NotMigration)?;
    let query = rest.split_once('?').map_or("", |(_, q)| q);
    let data = raw_param(query, "data")
        .filter(|d| !d.is_empty())
        .ok_or(MigrationError::MissingData)?;
    let bytes = base64_decode(data)?;
    let payload = MigrationPayload::decode(bytes.as_slice()).map_err(|e| {
        MigrationError::InvalidProtobuf {
            reason: e.to_string(),
        }
    })?;
    if payload.otp_parameters.is_empty() {
        return Err(MigrationError::NoAccounts);
    }
    let accounts = payload
        .otp_parameters
        .iter()
        .enumerate()
        .map(|(index, p)| to_account(index, p).map(|a| ParsedAccount::new(a, Vec::new())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Batch {
        accounts,
        version: payload.version,
        batch_size: payload.batch_size,
        batch_index: payload.batch_index,
        batch_id: payload.batch_id,
    })
}

/// Writes accounts as one or more links with a shared random `batch_id`.
///
/// A link holds at most [`MAX_ACCOUNTS_PER_LINK`] accounts and [`MAX_PAYLOAD_BYTES`] of
/// protobuf (an account larger than that gets a link of its own). Refuses an empty list,
/// and accounts the format cannot hold: Steam, digits other than 6 or 8, a period other than
/// 30 seconds, an empty secret or a counter past 2^63 − 1. The links hold the secrets.
pub fn encode(accounts: &[Account]) -> Result<Vec<String>, MigrationError> {
    let mut id = [0u8; 4];
    getrandom::fill(&mut id).map_err(|e| MigrationError::Randomness {
        reason: e.to_string(),
    })?;
    // Positive and non-zero, since some readers take 0 as "no id".
    let batch_id = (i32::from_le_bytes(id) & i32::MAX).max(1);
    encode_with_id(accounts, batch_id)
}

/// [`encode`] with a chosen `batch_id`.
pub fn encode_with_id(accounts: &[Account], batch_id: i32) -> Result<Vec<String>, MigrationError> {
    if accounts.is_empty() {
        return Err(MigrationError::NoAccounts);
    }
    let entries = accounts
        .iter()
        .map(from_account)
        .collect::<Result<Vec<_>, _>>()?;

    // Split into links: consecutive ranges of `entries`.
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    let mut start = 0;
    let mut bytes = 0;
    for (i, entry) in entries.iter().enumerate() {
        let len = entry.encoded_len();
        let size = 1 + prost::length_delimiter_len(len) + len;
        let count = i - start;
        if count > 0 && (count == MAX_ACCOUNTS_PER_LINK || bytes + size > MAX_PAYLOAD_BYTES) {
            groups.push(start..i);
            start = i;
            bytes = 0;
        }
        bytes += size;
    }
    groups.push(start..entries.len());

    let batch_size = i32::try_from(groups.len()).unwrap_or(i32::MAX);
    let engine = base64::engine::general_purpose::STANDARD;
    let mut links = Vec::with_capacity(groups.len());
    for (index, range) in groups.into_iter().enumerate() {
        let payload = MigrationPayload {
            otp_parameters: entries[range.clone()].to_vec(),
            version: 1,
            batch_size,
            batch_index: i32::try_from(index).unwrap_or(i32::MAX),
            batch_id,
        };
        let bytes = Zeroizing::new(payload.encode_to_vec());
        let data = Zeroizing::new(engine.encode(bytes.as_slice()));
        let mut link = String::from("otpauth-migration://offline?data=");
        link.extend(utf8_percent_encode(&data, NON_ALPHANUMERIC));
        if link.len() > MAX_LEN {
            // Only a single account can be this large (groups stay under MAX_PAYLOAD_BYTES).
            link.zeroize();
            return Err(MigrationError::CannotEncode {
                label: accounts[range.start].label(),
                reason: format!(
                    "its issuer and name are too long for a link of at most {MAX_LEN} bytes"
                ),
            });
        }
        links.push(link);
    }
    Ok(links)
}

/// Percent-decodes and Base64-decodes `data` (standard or URL-safe, padding optional).
fn base64_decode(data: &str) -> Result<Zeroizing<Vec<u8>>, MigrationError> {
    let decoded = Zeroizing::new(percent_decode_str(data).collect::<Vec<u8>>());
    let mut cleaned: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(decoded.len()));
    for &b in decoded.iter() {
        match b {
            b'\r' | b'\n' | b'\t' => {}
            b' ' | b'-' => cleaned.push(b'+'),
            b'_' => cleaned.push(b'/'),
            _ => cleaned.push(b),
        }
    }
    while cleaned.last() == Some(&b'=') {
        cleaned.pop();
    }
    let engine = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::RequireNone)
            .with_decode_allow_trailing_bits(true),
    );
    engine
        .decode(cleaned.as_slice())
        .map(Zeroizing::new)
        .map_err(|e| MigrationError::InvalidBase64 {
            reason: e.to_string(),
        })
}

/// One protobuf entry to an account, or why it cannot be one.
fn to_account(index: usize, p: &OtpParameters) -> Result<Account, MigrationError> {
    if p.secret.is_empty() {
        return Err(MigrationError::EmptySecret { index });
    }
    let algorithm = match p.algorithm {
        0 | 1 => Algorithm::SHA1,
        2 => Algorithm::SHA256,
        3 => Algorithm::SHA512,
        4 => Algorithm::MD5,
        value => return Err(MigrationError::UnknownAlgorithm { index, value }),
    };
    let digits = match p.digits {
        0 | 1 => 6,
        2 => 8,
        value => return Err(MigrationError::UnknownDigits { index, value }),
    };
    let params = match p.r#type {
        0 | 2 => Params::totp(algorithm, digits, DEFAULT_PERIOD),
        1 => {
            let counter = u64::try_from(p.counter).map_err(|_| MigrationError::InvalidCounter {
                index,
                value: p.counter,
            })?;
            Params::hotp(algorithm, digits, counter)
        }
        value => return Err(MigrationError::UnknownType { index, value }),
    };
    let (issuer, name) = split_name(p.issuer.trim(), p.name.trim());
    Ok(Account::new(
        Some(issuer),
        name,
        Secret::from_bytes(p.secret.clone()),
        params,
    ))
}

/// Issuer and name from the `issuer` and `name` fields (see the module documentation).
fn split_name<'a>(issuer: &'a str, name: &'a str) -> (&'a str, &'a str) {
    if issuer.is_empty() {
        return match name.split_once(':') {
            Some((prefix, rest)) => (prefix.trim(), rest.trim()),
            None => ("", name),
        };
    }
    match strip_prefix_ignore_case(name, issuer).and_then(|rest| rest.strip_prefix(':')) {
        Some(rest) => (issuer, rest.trim()),
        None => (issuer, name),
    }
}

/// An account to a protobuf entry, or why the format cannot hold it.
fn from_account(account: &Account) -> Result<OtpParameters, MigrationError> {
    let refuse = |reason: String| MigrationError::CannotEncode {
        label: account.label(),
        reason,
    };
    let params = &account.params;
    let r#type = match params.kind {
        Kind::Steam { .. } => {
            return Err(refuse("Steam Guard accounts are not supported".into()));
        }
        Kind::Totp { period } if period != DEFAULT_PERIOD => {
            return Err(refuse(format!(
                "the period is {period} seconds and the format only has {DEFAULT_PERIOD}"
            )));
        }
        Kind::Totp { .. } => 2,
        Kind::Hotp { .. } => 1,
    };
    let counter = match params.kind {
        Kind::Hotp { counter } => i64::try_from(counter).map_err(|_| {
            refuse(format!(
                "the counter {counter} is too large (at most 2^63 - 1)"
            ))
        })?,
        _ => 0,
    };
    let digits = match params.digits {
        6 => 1,
        8 => 2,
        other => {
            return Err(refuse(format!(
                "codes have {other} digits and the format only has 6 or 8"
            )));
        }
    };
    let algorithm = match params.algorithm {
        Algorithm::SHA1 => 1,
        Algorithm::SHA256 => 2,
        Algorithm::SHA512 => 3,
        Algorithm::MD5 => 4,
    };
    if account.secret.as_bytes().is_empty() {
        return Err(refuse("the secret is empty".into()));
    }
    let issuer = account.trimmed_issuer().unwrap_or("");
    let name = account.name.trim();
    // A name with a colon gets the issuer (perhaps empty) in front, so that reading strips
    // exactly that and keeps the rest of the name whole.
    let name = if name.contains(':') {
        format!("{issuer}:{name}")
    } else {
        name.to_owned()
    };
    Ok(OtpParameters {
        secret: account.secret.as_bytes().to_vec(),
        name,
        issuer: issuer.to_owned(),
        algorithm,
        digits,
        r#type,
        counter,
    })
}

/// `MigrationPayload`.
#[derive(Clone, PartialEq, prost::Message)]
struct MigrationPayload {
    #[prost(message, repeated, tag = "1")]
    otp_parameters: Vec<OtpParameters>,
    #[prost(int32, tag = "2")]
    version: i32,
    #[prost(int32, tag = "3")]
    batch_size: i32,
    #[prost(int32, tag = "4")]
    batch_index: i32,
    #[prost(int32, tag = "5")]
    batch_id: i32,
}

/// `MigrationPayload.OtpParameters`; enums are kept as numbers so unknown ones can be named.
#[derive(Clone, PartialEq, prost::Message)]
#[prost(skip_debug)]
struct OtpParameters {
    #[prost(bytes = "vec", tag = "1")]
    secret: Vec<u8>,
    #[prost(string, tag = "2")]
    name: String,
    #[prost(string, tag = "3")]
    issuer: String,
    #[prost(int32, tag = "4")]
    algorithm: i32,
    #[prost(int32, tag = "5")]
    digits: i32,
    #[prost(int32, tag = "6")]
    r#type: i32,
    #[prost(int64, tag = "7")]
    counter: i64,
}

impl Drop for OtpParameters {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl fmt::Debug for OtpParameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtpParameters")
            .field(
                "secret",
                &format_args!("{} bytes, redacted", self.secret.len()),
            )
            .field("name", &self.name)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Warning;

    fn entry(secret: &[u8], name: &str, issuer: &str) -> OtpParameters {
        OtpParameters {
            secret: secret.to_vec(),
            name: name.into(),
            issuer: issuer.into(),
            algorithm: 0,
            digits: 0,
            r#type: 0,
            counter: 0,
        }
    }

    fn link(entries: Vec<OtpParameters>) -> String {
        let payload = MigrationPayload {
            otp_parameters: entries,
            version: 1,
            batch_size: 1,
            batch_index: 0,
            batch_id: 42,
        };
        let data = base64::engine::general_purpose::STANDARD.encode(payload.encode_to_vec());
        format!(
            "otpauth-migration://offline?data={}",
            utf8_percent_encode(&data, NON_ALPHANUMERIC)
        )
    }

    fn account(issuer: Option<&str>, name: &str, params: Params) -> Account {
        Account {
            issuer: issuer.map(Into::into),
            name: name.into(),
            secret: Secret::from_bytes(vec![0xAB; 20]),
            params,
        }
    }

    #[test]
    fn decodes_defaults_and_batch_fields() {
        let batch = decode(&link(vec![entry(&[1; 20], "alice", "ACME")])).unwrap();
        assert_eq!(
            (
                batch.version,
                batch.batch_size,
                batch.batch_index,
                batch.batch_id
            ),
            (1, 1, 0, 42)
        );
        let a = &batch.accounts[0].account;
        assert_eq!(a.params, Params::default());
        assert_eq!(a.issuer.as_deref(), Some("ACME"));
        assert_eq!(a.name, "alice");
        assert_eq!(a.secret.as_bytes(), &[1; 20]);
        assert!(batch.accounts[0].warnings.is_empty());
    }

    #[test]
    fn decodes_every_enum_value() {
        let mut hotp = entry(&[2; 10], "h", "");
        (hotp.r#type, hotp.counter, hotp.algorithm, hotp.digits) = (1, 77, 3, 2);
        let mut md5 = entry(&[3; 20], "m", "");
        (md5.r#type, md5.algorithm, md5.digits) = (2, 4, 1);
        let mut sha256 = entry(&[4; 20], "s", "");
        sha256.algorithm = 2;
        let batch = decode(&link(vec![hotp, md5, sha256])).unwrap();
        let params: Vec<Params> = batch.accounts.iter().map(|p| p.account.params).collect();
        assert_eq!(
            params,
            [
                Params::hotp(Algorithm::SHA512, 8, 77),
                Params::totp(Algorithm::MD5, 6, 30),
                Params::totp(Algorithm::SHA256, 6, 30),
            ]
        );
        assert_eq!(
            batch.accounts[0].warnings,
            [Warning::ShortSecret { bits: 80 }]
        );
        assert!(matches!(
            batch.accounts[1].warnings[0],
            Warning::CannotComputeCodes { .. }
        ));
    }

    #[test]
    fn name_prefixes() {
        let cases = [
            ("GitHub:alice", "GitHub", Some("GitHub"), "alice"),
            ("github: alice", "GitHub", Some("GitHub"), "alice"),
            ("Other:alice", "GitHub", Some("GitHub"), "Other:alice"),
            ("GitHubber", "GitHub", Some("GitHub"), "GitHubber"),
            ("Kasse:Björn", "", Some("Kasse"), "Björn"),
            (":a:b", "", None, "a:b"),
            ("X:Y:a:b", "X:Y", Some("X:Y"), "a:b"),
            ("  bob  ", "  ", None, "bob"),
        ];
        for (name, issuer, want_issuer, want_name) in cases {
            let batch = decode(&link(vec![entry(&[1; 20], name, issuer)])).unwrap();
            let a = &batch.accounts[0].account;
            assert_eq!(a.issuer.as_deref(), want_issuer, "{name}");
            assert_eq!(a.name, want_name, "{name}");
        }
    }

    #[test]
    fn base64_variants_are_accepted() {
        let standard = link(vec![entry(&[0xfb; 20], "a?>", "x")]);
        let data = percent_decode_str(standard.split_once("data=").unwrap().1)
            .decode_utf8()
            .unwrap()
            .into_owned();
        assert!(
            data.contains('+') && data.contains('/') && data.ends_with('='),
            "{data}"
        );
        let expected = decode(&standard).unwrap();
        let url_safe = data.replace('+', "-").replace('/', "_");
        for variant in [
            data.clone(),
            data.trim_end_matches('=').to_owned(),
            url_safe.clone(),
            url_safe.trim_end_matches('=').to_owned(),
            data.replace('+', " "),
            format!("{}\n{}", &data[..10], &data[10..]),
        ] {
            let text = format!("otpauth-migration://offline?data={variant}");
            assert_eq!(decode(&text).unwrap(), expected, "{variant}");
        }
    }

    #[test]
    fn scheme_is_case_insensitive_and_trimmed() {
        let text = link(vec![entry(&[1; 20], "a", "")]);
        let upper = text.replace("otpauth-migration://offline", "OTPAUTH-MIGRATION://OFFLINE");
        assert!(decode(&format!(" {upper}\n")).is_ok());
    }

    #[test]
    fn errors_say_what_was_wrong() {
        let mut bad_algorithm = entry(&[1; 20], "a", "");
        bad_algorithm.algorithm = 9;
        let mut bad_digits = entry(&[1; 20], "a", "");
        bad_digits.digits = 3;
        let mut bad_type = entry(&[1; 20], "a", "");
        bad_type.r#type = 5;
        let mut bad_counter = entry(&[1; 20], "a", "");
        (bad_counter.r#type, bad_counter.counter) = (1, -5);
        let cases: Vec<(String, MigrationError, &str)> = vec![
            (
                "otpauth://totp/a?secret=AA".into(),
                MigrationError::NotMigration,
                "must start with otpauth-migration://",
            ),
            (
                "otpauth-migration://offline".into(),
                MigrationError::MissingData,
                "the export link has no data parameter",
            ),
            (
                "otpauth-migration://offline?data=".into(),
                MigrationError::MissingData,
                "no data",
            ),
            (
                "otpauth-migration://offline?data=ab*d".into(),
                MigrationError::InvalidBase64 {
                    reason: String::new(),
                },
                "the export data is not valid Base64: ",
            ),
            (
                "otpauth-migration://offline?data=CgQKAg".into(),
                MigrationError::InvalidProtobuf {
                    reason: String::new(),
                },
                "the export data is damaged or not a Google Authenticator export",
            ),
            (
                link(vec![]),
                MigrationError::NoAccounts,
                "the export holds no accounts",
            ),
            (
                link(vec![entry(&[1; 20], "a", ""), entry(&[], "b", "")]),
                MigrationError::EmptySecret { index: 1 },
                "account 2 of the export has an empty secret",
            ),
            (
                link(vec![bad_algorithm]),
                MigrationError::UnknownAlgorithm { index: 0, value: 9 },
                "account 1 of the export has an unknown algorithm (number 9)",
            ),
            (
                link(vec![bad_digits]),
                MigrationError::UnknownDigits { index: 0, value: 3 },
                "account 1 of the export has an unknown number of digits (code 3)",
            ),
            (
                link(vec![bad_type]),
                MigrationError::UnknownType { index: 0, value: 5 },
                "account 1 of the export has an unknown OTP type (number 5)",
            ),
            (
                link(vec![bad_counter]),
                MigrationError::InvalidCounter {
                    index: 0,
                    value: -5,
                },
                "account 1 of the export has a negative counter (-5)",
            ),
        ];
        // The decoders' own reasons (base64's, prost's) are theirs to word: only the
        // variant and Sesame's wording are checked for those.
        for (text, expected, wording) in cases {
            let e = decode(&text).expect_err(&text);
            match (&e, &expected) {
                (MigrationError::InvalidBase64 { .. }, MigrationError::InvalidBase64 { .. })
                | (
                    MigrationError::InvalidProtobuf { .. },
                    MigrationError::InvalidProtobuf { .. },
                ) => {}
                _ => assert_eq!(e, expected, "{text}"),
            }
            assert!(e.to_string().contains(wording), "{text}: {e}");
        }
    }

    #[test]
    fn wrong_wire_type_is_a_protobuf_error() {
        // Field 1 (otp_parameters) sent as a varint instead of a message.
        let data = base64::engine::general_purpose::STANDARD.encode([0x08, 0x01]);
        let e = decode(&format!("otpauth-migration://offline?data={data}")).unwrap_err();
        assert!(matches!(e, MigrationError::InvalidProtobuf { .. }), "{e}");
    }

    #[test]
    fn huge_input_is_refused() {
        let text = format!("otpauth-migration://offline?data={}", "A".repeat(MAX_LEN));
        assert_eq!(
            decode(&text),
            Err(MigrationError::TooLong { length: text.len() })
        );
    }

    #[test]
    fn encode_refuses_what_the_format_cannot_hold() {
        let cases = [
            (
                account(Some("Steam"), "g", Params::steam()),
                "Steam Guard accounts are not supported",
            ),
            (
                account(None, "p", Params::totp(Algorithm::SHA1, 6, 60)),
                "the period is 60 seconds",
            ),
            (
                account(None, "d", Params::totp(Algorithm::SHA1, 7, 30)),
                "codes have 7 digits",
            ),
            (
                account(None, "c", Params::hotp(Algorithm::SHA1, 6, u64::MAX)),
                "too large",
            ),
            (
                Account {
                    secret: Secret::from_bytes(vec![]),
                    ..account(Some("X"), "e", Params::default())
                },
                "the secret is empty",
            ),
        ];
        for (a, wording) in cases {
            let e = encode(&[account(None, "fine", Params::default()), a.clone()]).unwrap_err();
            let message = e.to_string();
            assert!(message.contains(wording), "{message}");
            assert!(message.contains(&format!("\"{}\"", a.label())), "{message}");
            assert!(!message.contains("q6ur"), "{message}");
        }
        assert_eq!(encode(&[]), Err(MigrationError::NoAccounts));
    }

    #[test]
    fn encode_round_trips_and_splits() {
        let accounts: Vec<Account> = (0..23)
            .map(|i| {
                account(
                    Some("Co"),
                    &format!("user{i}"),
                    Params::hotp(Algorithm::SHA256, 8, i),
                )
            })
            .collect();
        let links = encode_with_id(&accounts, 7).unwrap();
        assert_eq!(links.len(), 3);
        let mut back = Vec::new();
        for (i, text) in links.iter().enumerate() {
            let batch = decode(text).unwrap();
            assert_eq!(
                (
                    batch.version,
                    batch.batch_size,
                    batch.batch_index,
                    batch.batch_id
                ),
                (1, 3, i as i32, 7)
            );
            back.extend(batch.accounts.into_iter().map(|p| p.account));
        }
        assert_eq!(back, accounts);
    }

    #[test]
    fn large_accounts_get_their_own_links() {
        let big = Account {
            secret: Secret::from_bytes(vec![9; 64]),
            ..account(Some(&"I".repeat(300)), &"n".repeat(300), Params::default())
        };
        let links = encode(&[big.clone(), big.clone(), big]).unwrap();
        assert_eq!(links.len(), 3);
        let ids: Vec<i32> = links.iter().map(|l| decode(l).unwrap().batch_id).collect();
        assert!(ids[0] > 0 && ids.iter().all(|id| *id == ids[0]));
    }

    #[test]
    fn links_too_long_to_read_back_are_refused() {
        let huge = account(Some("Big"), &"é".repeat(30_000), Params::default());
        let e = encode(&[account(None, "small", Params::default()), huge]).unwrap_err();
        assert!(
            e.to_string().starts_with("\"Big: éééé")
                && e.to_string()
                    .ends_with("too long for a link of at most 65536 bytes"),
            "{e}"
        );
    }

    #[test]
    fn colons_in_names_round_trip() {
        for (issuer, name) in [
            (None, "a:b"),
            (Some("A"), "A:b"),
            (Some("X:Y"), "a:b"),
            (Some("A"), ":"),
        ] {
            let a = account(issuer, name, Params::default());
            let back = decode(&encode(std::slice::from_ref(&a)).unwrap()[0]).unwrap();
            assert_eq!(back.accounts[0].account, a, "{issuer:?} {name}");
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let shown = format!("{:?}", entry(b"topsecret", "a", "b"));
        assert!(
            !shown.contains("116") && shown.contains("9 bytes, redacted"),
            "{shown}"
        );
    }
}
