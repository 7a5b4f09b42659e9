//! `otpauth://` links (Google Key URI Format): parse and format.
//!
//! `otpauth://TYPE/LABEL?PARAMETERS`, where TYPE is `totp`, `hotp` or `steam` (Aegis) and
//! LABEL is `accountname` or `issuer:accountname`. Reading is lenient in the ways real
//! generators need and strict where a wrong guess would give wrong codes:
//!
//! - The scheme, the type and parameter names are case-insensitive; surrounding whitespace
//!   is trimmed; links longer than [`MAX_LEN`] bytes are refused.
//! - The label is percent-decoded (a `+` there is a plus sign) and may hold raw UTF-8. It is
//!   split on its first colon, literal or `%3A` (unless it starts with the whole `issuer`
//!   parameter and a colon, which covers issuers that hold colons); spaces around issuer
//!   and name are trimmed.
//! - Query values are percent-decoded **and `+` means a space** (form encoding, as emitted by
//!   many generators and read by Google Authenticator on Android); a plus sign is `%2B`.
//! - The first occurrence of a parameter wins; an empty value counts as absent; unknown
//!   parameters (`image`, `icon`, `color`, …) are ignored. A `#` is data, not a fragment.
//! - The `issuer` parameter wins over the label prefix; when they differ (ignoring case) the
//!   account gets [`Warning::IssuerMismatch`].
//! - Defaults: SHA1, 6 digits, 30 seconds. HOTP needs `counter`. Steam links
//!   (`otpauth://steam/…`, or `encoder=steam` on a TOTP link) always use SHA1 and 5
//!   characters, so their `digits` and `algorithm` parameters are ignored.
//!
//! [`format()`](fn@format) writes the canonical form with every parameter explicit; see it for how
//! issuers and names that hold colons are written so they read back unchanged.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use zeroize::Zeroizing;

use crate::account::{Account, ParsedAccount, Warning};
use crate::otp::{Algorithm, Kind, MAX_DIGITS, MIN_DIGITS, Params};
use crate::secret::{Secret, SecretError};

/// Longest link accepted, in bytes (real links are well under 2 KiB).
pub const MAX_LEN: usize = 64 * 1024;

/// Longest piece of input repeated in an error message, in characters.
const SHOWN_CHARS: usize = 40;

/// Everything but RFC 3986 unreserved characters is percent-encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why an `otpauth://` link was refused. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// The link is longer than [`MAX_LEN`].
    #[error("the link is {length} bytes long; at most {MAX_LEN} bytes are accepted")]
    TooLong {
        /// Its length in bytes.
        length: usize,
    },
    /// The text does not start with `otpauth://`.
    #[error("not an otpauth link: it must start with otpauth://")]
    NotOtpauth,
    /// The type after `otpauth://` is not `totp`, `hotp` or `steam`.
    #[error("unknown OTP type \"{kind}\": expected totp, hotp or steam")]
    UnknownType {
        /// The type as written (shortened when long).
        kind: String,
    },
    /// No `secret` parameter, or an empty one.
    #[error("the link has no secret parameter")]
    MissingSecret,
    /// The `secret` parameter is not Base32.
    #[error("the secret parameter is not valid: {0}")]
    InvalidSecret(SecretError),
    /// `digits` is not a number from 6 to 10.
    #[error(
        "digits must be a whole number from {MIN_DIGITS} to {MAX_DIGITS}, but the link says \"{value}\""
    )]
    InvalidDigits {
        /// The value as written (shortened when long).
        value: String,
    },
    /// `period` is not a positive number.
    #[error("period must be a positive whole number of seconds, but the link says \"{value}\"")]
    InvalidPeriod {
        /// The value as written (shortened when long).
        value: String,
    },
    /// A HOTP link without `counter`.
    #[error("HOTP links need a counter parameter, and this one has none")]
    MissingCounter,
    /// `counter` is not a non-negative 64-bit number.
    #[error(
        "counter must be a whole number from 0 to {}, but the link says \"{value}\"",
        u64::MAX
    )]
    InvalidCounter {
        /// The value as written (shortened when long).
        value: String,
    },
    /// `algorithm` is not SHA1, SHA256, SHA512 or MD5.
    #[error("unknown algorithm \"{value}\": expected SHA1, SHA256 or SHA512")]
    InvalidAlgorithm {
        /// The value as written (shortened when long).
        value: String,
    },
    /// Percent-decoding gave bytes that are not UTF-8.
    #[error("the {part} is not valid UTF-8 once percent-decoded")]
    InvalidEncoding {
        /// Which part: `label`, or the parameter's name.
        part: String,
    },
}

/// Reads an `otpauth://` link. See the module documentation for the rules.
pub fn parse(text: &str) -> Result<ParsedAccount, UriError> {
    read(text, Secrets::Strict)
}

/// Like [`parse`], for links inside another app's export: a secret one Base32 character
/// too long has that character dropped, with [`Warning::SecretTrimmed`] (see
/// [`Secret::from_base32_lenient`]). Links a person pastes or scans go through [`parse`].
pub fn parse_lenient(text: &str) -> Result<ParsedAccount, UriError> {
    read(text, Secrets::Lenient)
}

/// How the `secret` parameter is decoded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Secrets {
    /// [`Secret::from_base32`]: pasted, scanned and typed links.
    Strict,
    /// [`Secret::from_base32_lenient`]: links inside other apps' exports.
    Lenient,
}

/// [`parse`] or [`parse_lenient`].
fn read(text: &str, secrets: Secrets) -> Result<ParsedAccount, UriError> {
    if text.len() > MAX_LEN {
        return Err(UriError::TooLong { length: text.len() });
    }
    let text = text.trim();
    let rest = strip_prefix_ignore_case(text, "otpauth://").ok_or(UriError::NotOtpauth)?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (kind_text, label) = path.split_once('/').unwrap_or((path, ""));

    let kind = kind_text.to_ascii_lowercase();
    if !matches!(kind.as_str(), "totp" | "hotp" | "steam") {
        return Err(UriError::UnknownType {
            kind: shown(kind_text),
        });
    }

    let label = percent_decode_str(label)
        .decode_utf8()
        .map_err(|_| UriError::InvalidEncoding {
            part: "label".into(),
        })?;
    let mut warnings = Vec::new();
    let secret = match (param(query, "secret")?, secrets) {
        (Some(value), Secrets::Strict) => {
            Secret::from_base32(&value).map_err(UriError::InvalidSecret)?
        }
        (Some(value), Secrets::Lenient) => {
            let (secret, warning) =
                Secret::from_base32_lenient(&value).map_err(UriError::InvalidSecret)?;
            warnings.extend(warning.map(Warning::from));
            secret
        }
        (None, _) => return Err(UriError::MissingSecret),
    };

    let issuer_param = param(query, "issuer")?;
    let issuer_param = issuer_param.as_ref().map_or("", |v| v.trim());
    // An issuer parameter that holds a colon may still prefix the label whole.
    let whole_prefix = (!issuer_param.is_empty())
        .then(|| strip_prefix_ignore_case(label.trim_start(), issuer_param))
        .flatten()
        .and_then(|rest| rest.trim_start().strip_prefix(':'));
    let (label_issuer, name) = match (whole_prefix, label.split_once(':')) {
        (Some(rest), _) => (issuer_param, rest.trim()),
        (None, Some((issuer, name))) => (issuer.trim(), name.trim()),
        (None, None) => ("", label.trim()),
    };

    let issuer = if issuer_param.is_empty() {
        label_issuer
    } else {
        if !label_issuer.is_empty() && label_issuer.to_lowercase() != issuer_param.to_lowercase() {
            warnings.push(Warning::IssuerMismatch {
                label: label_issuer.to_owned(),
                parameter: issuer_param.to_owned(),
            });
        }
        issuer_param
    };

    let steam = kind == "steam"
        || (kind == "totp"
            && param(query, "encoder")?.is_some_and(|e| e.trim().eq_ignore_ascii_case("steam")));
    let params = if steam {
        Params {
            kind: Kind::Steam {
                period: period(query)?,
            },
            ..Params::steam()
        }
    } else {
        let algorithm = match param(query, "algorithm")? {
            Some(value) => {
                Algorithm::parse(value.trim()).ok_or_else(|| UriError::InvalidAlgorithm {
                    value: shown(&value),
                })?
            }
            None => Algorithm::SHA1,
        };
        let digits = match param(query, "digits")? {
            Some(value) => value
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|d| (MIN_DIGITS..=MAX_DIGITS).contains(d))
                .ok_or_else(|| UriError::InvalidDigits {
                    value: shown(&value),
                })?,
            None => crate::otp::DEFAULT_DIGITS,
        };
        if kind == "hotp" {
            let value = param(query, "counter")?.ok_or(UriError::MissingCounter)?;
            let counter = value
                .trim()
                .parse::<u64>()
                .map_err(|_| UriError::InvalidCounter {
                    value: shown(&value),
                })?;
            Params::hotp(algorithm, digits, counter)
        } else {
            Params::totp(algorithm, digits, period(query)?)
        }
    };

    let account = Account::new(Some(issuer), name, secret, params);
    Ok(ParsedAccount::new(account, warnings))
}

/// Writes the canonical link: lower-case type, percent-encoded label, and every parameter
/// explicit (`secret`, `issuer` when known, `algorithm`, `digits`, then `period` or `counter`).
///
/// Issuer and name are trimmed and an empty issuer is left out, as [`parse`] would read them.
/// The label is `issuer:name`, except that an issuer holding a colon only goes in the
/// `issuer` parameter (it cannot be told apart in a label), and a name holding a colon
/// without an issuer before it is written `:name` so that its first colon is not read as the
/// issuer separator. Parameters that [`parse`] refuses (for example 4 digits) are written as
/// they are, and so is a link longer than [`MAX_LEN`] (only absurdly long issuers or names
/// make one). The result holds the secret: treat it like one.
pub fn format(account: &Account) -> String {
    let issuer = account.trimmed_issuer();
    let name = account.name.trim();
    let params = &account.params;

    let mut link = format!("otpauth://{}/", params.kind.as_str());
    match issuer {
        Some(issuer) if !issuer.contains(':') => {
            link.extend(utf8_percent_encode(issuer, ENCODE));
            link.push(':');
        }
        _ if name.contains(':') => link.push(':'),
        _ => {}
    }
    link.extend(utf8_percent_encode(name, ENCODE));
    link.push_str("?secret=");
    link.push_str(&account.secret.to_base32());
    if let Some(issuer) = issuer {
        link.push_str("&issuer=");
        link.extend(utf8_percent_encode(issuer, ENCODE));
    }
    link.push_str("&algorithm=");
    link.push_str(params.algorithm.as_str());
    link.push_str(&std::format!("&digits={}", params.digits));
    match params.kind {
        Kind::Totp { period } | Kind::Steam { period } => {
            link.push_str(&std::format!("&period={period}"));
        }
        Kind::Hotp { counter } => link.push_str(&std::format!("&counter={counter}")),
    }
    link
}

/// `text` without `prefix`, compared ignoring ASCII case.
pub(crate) fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// The raw (still encoded) value of the first parameter called `name` (ignoring ASCII case).
pub(crate) fn raw_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        key.eq_ignore_ascii_case(name).then_some(value)
    })
}

/// The decoded value of the first parameter called `name`; `None` when absent or empty.
/// Zeroized on drop, since one of them is the secret.
fn param(query: &str, name: &str) -> Result<Option<Zeroizing<String>>, UriError> {
    let Some(raw) = raw_param(query, name).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let spaced = Zeroizing::new(raw.replace('+', " "));
    let value =
        percent_decode_str(&spaced)
            .decode_utf8()
            .map_err(|_| UriError::InvalidEncoding {
                part: std::format!("{name} parameter"),
            })?;
    Ok((!value.is_empty()).then(|| Zeroizing::new(value.into_owned())))
}

/// The `period` parameter, 30 when absent.
fn period(query: &str) -> Result<u64, UriError> {
    match param(query, "period")? {
        Some(value) => value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| UriError::InvalidPeriod {
                value: shown(&value),
            }),
        None => Ok(crate::otp::DEFAULT_PERIOD),
    }
}

/// At most [`SHOWN_CHARS`] characters of `value`, for error messages.
pub(crate) fn shown(value: &str) -> String {
    let mut chars = value.chars();
    let mut out: String = chars.by_ref().take(SHOWN_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXP";

    fn ok(link: &str) -> ParsedAccount {
        parse(link).unwrap_or_else(|e| panic!("{link}: {e}"))
    }

    fn err(link: &str) -> UriError {
        parse(link).expect_err(link)
    }

    #[test]
    fn google_example_with_defaults() {
        let p =
            ok("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example");
        assert_eq!(p.account.issuer.as_deref(), Some("Example"));
        assert_eq!(p.account.name, "alice@google.com");
        assert_eq!(p.account.params, Params::default());
        assert_eq!(p.account.secret, Secret::from_base32(SECRET).unwrap());
        assert_eq!(p.warnings, vec![Warning::ShortSecret { bits: 80 }]);
    }

    #[test]
    fn label_forms() {
        let cases = [
            ("alice", None, "alice"),
            ("ACME:alice", Some("ACME"), "alice"),
            ("ACME%3Aalice", Some("ACME"), "alice"),
            ("ACME%3aalice", Some("ACME"), "alice"),
            ("ACME:%20alice", Some("ACME"), "alice"),
            ("ACME: alice", Some("ACME"), "alice"),
            ("ACME%20Co:%20%20alice%20", Some("ACME Co"), "alice"),
            ("ACME:a:b", Some("ACME"), "a:b"),
            (":a:b", None, "a:b"),
            ("a+b", None, "a+b"),
            ("Foo/Bar:x#1", Some("Foo/Bar"), "x#1"),
            ("", None, ""),
        ];
        for (label, issuer, name) in cases {
            let p = ok(&std::format!("otpauth://totp/{label}?secret={SECRET}"));
            assert_eq!(p.account.issuer.as_deref(), issuer, "{label}");
            assert_eq!(p.account.name, name, "{label}");
        }
        let p = ok(&std::format!("otpauth://totp?secret={SECRET}&issuer=X"));
        assert_eq!(
            (p.account.issuer.as_deref(), p.account.name.as_str()),
            (Some("X"), "")
        );
    }

    #[test]
    fn raw_and_percent_encoded_utf8() {
        let p =
            ok("otpauth://totp/Kasse:Björn?secret=TF72KTNADFRISOLVHBCVFFPUQXGAWFB3&issuer=Kasse");
        assert_eq!(p.account.name, "Björn");
        let p = ok(&std::format!(
            "otpauth://totp/%CE%9D%CE%AF%CE%BA%CE%BF%CF%82?secret={SECRET}&issuer=%CE%A4"
        ));
        assert_eq!(p.account.name, "Νίκος");
        assert_eq!(p.account.issuer.as_deref(), Some("Τ"));
    }

    #[test]
    fn issuer_parameter_wins_with_a_warning() {
        let p = ok(&std::format!(
            "otpauth://totp/Old:alice?secret={SECRET}&issuer=New"
        ));
        assert_eq!(p.account.issuer.as_deref(), Some("New"));
        assert_eq!(p.account.name, "alice");
        assert_eq!(
            p.warnings[0],
            Warning::IssuerMismatch {
                label: "Old".into(),
                parameter: "New".into()
            }
        );
        // Case differences are not worth a warning.
        let p = ok(&std::format!(
            "otpauth://totp/github:alice?secret={SECRET}&issuer=GitHub"
        ));
        assert_eq!(p.account.issuer.as_deref(), Some("GitHub"));
        assert!(
            !p.warnings
                .iter()
                .any(|w| matches!(w, Warning::IssuerMismatch { .. }))
        );
        // The label prefix is used when the parameter is absent or blank.
        let p = ok(&std::format!(
            "otpauth://totp/Old:alice?secret={SECRET}&issuer=%20"
        ));
        assert_eq!(p.account.issuer.as_deref(), Some("Old"));
    }

    #[test]
    fn issuer_with_a_colon_may_prefix_the_label() {
        let p = ok(&std::format!(
            "otpauth://totp/A%3AB:%20c:d?secret={SECRET}&issuer=a:b"
        ));
        assert_eq!(p.account.issuer.as_deref(), Some("a:b"));
        assert_eq!(p.account.name, "c:d");
        assert!(
            !p.warnings
                .iter()
                .any(|w| matches!(w, Warning::IssuerMismatch { .. }))
        );
        // Otherwise the first colon splits, as usual.
        let p = ok(&std::format!(
            "otpauth://totp/A:Bc:d?secret={SECRET}&issuer=A:B"
        ));
        assert_eq!(p.account.name, "Bc:d");
        assert!(matches!(&p.warnings[0], Warning::IssuerMismatch { label, .. } if label == "A"));
    }

    #[test]
    fn plus_is_a_space_in_query_values_only() {
        let p = ok(&std::format!(
            "otpauth://totp/A+B:c?secret={SECRET}&issuer=A+B"
        ));
        assert_eq!(p.account.issuer.as_deref(), Some("A B"));
        assert!(matches!(&p.warnings[0], Warning::IssuerMismatch { label, .. } if label == "A+B"));
        let p = ok(&std::format!(
            "otpauth://totp/c?secret={SECRET}&issuer=Google%2B"
        ));
        assert_eq!(p.account.issuer.as_deref(), Some("Google+"));
        // Spaces written as `+` inside a secret are ignored like any spaces.
        let p = ok("otpauth://totp/c?secret=JBSW+Y3DP+EHPK+3PXP");
        assert_eq!(p.account.secret, Secret::from_base32(SECRET).unwrap());
    }

    #[test]
    fn all_parameters_case_insensitive_and_in_any_order() {
        let p = ok(&std::format!(
            "OTPAUTH://TOTP/X:y?Period=60&DIGITS=8&Algorithm=sha512&SECRET={SECRET}"
        ));
        assert_eq!(p.account.params, Params::totp(Algorithm::SHA512, 8, 60));
        let p = ok(&std::format!(
            "otpauth://totp/y?secret={SECRET}&algorithm=SHA256&digits=10"
        ));
        assert_eq!(p.account.params, Params::totp(Algorithm::SHA256, 10, 30));
    }

    #[test]
    fn hotp_needs_a_counter() {
        let p = ok(&std::format!(
            "otpauth://hotp/y?secret={SECRET}&counter=18446744073709551615"
        ));
        assert_eq!(p.account.params, Params::hotp(Algorithm::SHA1, 6, u64::MAX));
        let e = err(&std::format!("otpauth://hotp/y?secret={SECRET}"));
        assert_eq!(e, UriError::MissingCounter);
        assert_eq!(
            e.to_string(),
            "HOTP links need a counter parameter, and this one has none"
        );
        let e = err(&std::format!("otpauth://hotp/y?secret={SECRET}&counter=-1"));
        assert_eq!(e, UriError::InvalidCounter { value: "-1".into() });
        assert!(e.to_string().contains("\"-1\""), "{e}");
        // A counter on a TOTP link and a period on a HOTP link are ignored.
        ok(&std::format!("otpauth://totp/y?secret={SECRET}&counter=x"));
        ok(&std::format!(
            "otpauth://hotp/y?secret={SECRET}&counter=1&period=x"
        ));
    }

    #[test]
    fn steam_links() {
        let p = ok(&std::format!(
            "otpauth://steam/Steam:gaben?secret={SECRET}&issuer=Steam&digits=5&algorithm=SHA1"
        ));
        assert_eq!(p.account.params, Params::steam());
        assert_eq!(p.account.issuer.as_deref(), Some("Steam"));
        let p = ok(&std::format!(
            "otpauth://totp/Steam:gaben?secret={SECRET}&encoder=steam"
        ));
        assert_eq!(p.account.params, Params::steam());
        let p = ok(&std::format!(
            "otpauth://STEAM/x?secret={SECRET}&period=60&digits=6"
        ));
        assert_eq!(p.account.params.kind, Kind::Steam { period: 60 });
        assert_eq!(p.account.params.digits, 5);
        assert!(p.account.otp().is_ok());
    }

    #[test]
    fn unknown_parameters_are_ignored() {
        let p = ok(&std::format!(
            "otpauth://totp/L:j?issuer=L&image=https%3A%2F%2Fx.test%2Fi.png&icon=%FF&color=red&&secret={SECRET}&x"
        ));
        assert_eq!(p.account.issuer.as_deref(), Some("L"));
        assert_eq!(p.account.params, Params::default());
    }

    #[test]
    fn first_parameter_wins_and_empty_means_absent() {
        let p = ok(&std::format!(
            "otpauth://totp/y?secret={SECRET}&digits=8&digits=6&secret=AAAA"
        ));
        assert_eq!(p.account.params.digits, 8);
        assert_eq!(p.account.secret, Secret::from_base32(SECRET).unwrap());
        let p = ok(&std::format!(
            "otpauth://totp/y?secret={SECRET}&digits=&period=&algorithm="
        ));
        assert_eq!(p.account.params, Params::default());
    }

    #[test]
    fn md5_parses_with_a_warning() {
        let p = ok(&std::format!(
            "otpauth://totp/y?secret={SECRET}&algorithm=MD5"
        ));
        assert_eq!(p.account.params.algorithm, Algorithm::MD5);
        assert!(
            p.warnings
                .iter()
                .any(|w| matches!(w, Warning::CannotComputeCodes { .. }))
        );
    }

    #[test]
    fn errors_say_what_was_wrong() {
        let cases: [(String, UriError, &str); 12] = [
            (
                "https://example.com".into(),
                UriError::NotOtpauth,
                "must start with otpauth://",
            ),
            (
                "otpauth-migration://offline?data=AA".into(),
                UriError::NotOtpauth,
                "not an otpauth link",
            ),
            (
                std::format!("otpauth://motp/y?secret={SECRET}"),
                UriError::UnknownType {
                    kind: "motp".into(),
                },
                "unknown OTP type \"motp\": expected totp, hotp or steam",
            ),
            (
                "otpauth://totp/y?issuer=X".into(),
                UriError::MissingSecret,
                "the link has no secret parameter",
            ),
            (
                "otpauth://totp/y?secret=".into(),
                UriError::MissingSecret,
                "no secret",
            ),
            (
                "otpauth://totp/y?secret=JBSW1Y3D".into(),
                UriError::InvalidSecret(SecretError::InvalidCharacter {
                    position: 5,
                    character: '1',
                }),
                "the secret parameter is not valid: the secret is not valid Base32",
            ),
            (
                std::format!("otpauth://totp/y?secret={SECRET}&digits=5"),
                UriError::InvalidDigits { value: "5".into() },
                "digits must be a whole number from 6 to 10, but the link says \"5\"",
            ),
            (
                std::format!("otpauth://totp/y?secret={SECRET}&digits=six"),
                UriError::InvalidDigits {
                    value: "six".into(),
                },
                "\"six\"",
            ),
            (
                std::format!("otpauth://totp/y?secret={SECRET}&period=0"),
                UriError::InvalidPeriod { value: "0".into() },
                "period must be a positive whole number of seconds, but the link says \"0\"",
            ),
            (
                std::format!("otpauth://totp/y?secret={SECRET}&algorithm=SHA3"),
                UriError::InvalidAlgorithm {
                    value: "SHA3".into(),
                },
                "unknown algorithm \"SHA3\": expected SHA1, SHA256 or SHA512",
            ),
            (
                std::format!("otpauth://totp/%FF?secret={SECRET}"),
                UriError::InvalidEncoding {
                    part: "label".into(),
                },
                "the label is not valid UTF-8 once percent-decoded",
            ),
            (
                std::format!("otpauth://totp/y?secret={SECRET}&issuer=%C3"),
                UriError::InvalidEncoding {
                    part: "issuer parameter".into(),
                },
                "the issuer parameter is not valid UTF-8",
            ),
        ];
        for (link, expected, wording) in cases {
            let e = err(&link);
            assert_eq!(e, expected, "{link}");
            assert!(e.to_string().contains(wording), "{link}: {e}");
        }
    }

    #[test]
    fn errors_never_show_the_secret_and_stay_short() {
        let long = "x".repeat(1000);
        let e = err(&std::format!(
            "otpauth://totp/y?secret={SECRET}&digits={long}"
        ));
        assert!(e.to_string().len() < 200, "{e}");
        let e = err(&std::format!("otpauth://{long}/y?secret={SECRET}"));
        assert!(e.to_string().len() < 200, "{e}");
        let e = err("otpauth://totp/y?secret=JBSWY3DPEHPK3PX0");
        assert!(!e.to_string().contains("JBSWY3DP"), "{e}");
    }

    #[test]
    fn huge_input_is_refused_without_work() {
        let link = std::format!("otpauth://totp/y?secret={SECRET}&x={}", "a".repeat(MAX_LEN));
        let e = err(&link);
        assert_eq!(e, UriError::TooLong { length: link.len() });
        assert!(e.to_string().contains("at most 65536 bytes"), "{e}");
    }

    #[test]
    fn odd_inputs_are_each_their_own_error() {
        let unknown_type = |kind: &str| UriError::UnknownType { kind: kind.into() };
        for (text, expected) in [
            ("", UriError::NotOtpauth),
            ("otpauth://", unknown_type("")),
            ("otpauth:/", UriError::NotOtpauth),
            ("otpauth://totp", UriError::MissingSecret),
            ("otpauth://totp/", UriError::MissingSecret),
            ("otpauth://totp?", UriError::MissingSecret),
            ("otpauth://totp/?&&==&", UriError::MissingSecret),
            ("otpauth://é", unknown_type("é")),
            ("ötpauth://totp", UriError::NotOtpauth),
            // A lone `%` is kept as written; the missing secret is what is wrong.
            ("otpauth://totp/%", UriError::MissingSecret),
            (
                "otpauth://totp/%E2%82?secret=A",
                UriError::InvalidEncoding {
                    part: "label".into(),
                },
            ),
            (
                "otpauth://hotp/x?secret=AAAAAAAA&counter=99999999999999999999",
                UriError::InvalidCounter {
                    value: "99999999999999999999".into(),
                },
            ),
        ] {
            assert_eq!(err(text), expected, "{text:?}");
        }
    }

    #[test]
    fn whitespace_around_the_link_is_trimmed() {
        ok(&std::format!("  otpauth://totp/y?secret={SECRET}\n"));
    }

    #[test]
    fn format_is_canonical_and_explicit() {
        let account = Account {
            issuer: Some("ACME Co".into()),
            name: "alice@example.com".into(),
            secret: Secret::from_base32(SECRET).unwrap(),
            params: Params::default(),
        };
        assert_eq!(
            format(&account),
            "otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
        );
        let hotp = Account {
            issuer: None,
            params: Params::hotp(Algorithm::SHA512, 8, 7),
            ..account.clone()
        };
        assert_eq!(
            format(&hotp),
            "otpauth://hotp/alice%40example.com?secret=JBSWY3DPEHPK3PXP&algorithm=SHA512&digits=8&counter=7"
        );
        let steam = Account {
            params: Params::steam(),
            ..account
        };
        assert!(format(&steam).starts_with("otpauth://steam/"));
        assert_eq!(ok(&format(&steam)).account, steam);
    }

    #[test]
    fn format_keeps_colons_readable() {
        let secret = Secret::from_base32(SECRET).unwrap();
        for (issuer, name) in [
            (Some("A:B"), "c"),
            (Some("A:B"), "c:d"),
            (None, "c:d"),
            (Some("A"), "c:d"),
            (Some("A"), ":"),
            (None, ":"),
        ] {
            let account = Account {
                issuer: issuer.map(Into::into),
                name: name.into(),
                secret: secret.clone(),
                params: Params::default(),
            };
            let back = ok(&format(&account));
            assert_eq!(back.account, account, "{issuer:?} {name}");
            assert!(
                !back
                    .warnings
                    .iter()
                    .any(|w| matches!(w, Warning::IssuerMismatch { .. })),
                "{issuer:?} {name}"
            );
        }
    }

    #[test]
    fn format_normalises_whitespace_and_empty_issuers() {
        let account = Account {
            issuer: Some("  ".into()),
            name: " alice ".into(),
            secret: Secret::from_base32(SECRET).unwrap(),
            params: Params::default(),
        };
        let back = ok(&format(&account)).account;
        assert_eq!(back.issuer, None);
        assert_eq!(back.name, "alice");
    }

    #[test]
    fn parse_lenient_trims_a_secret_one_character_too_long_and_parse_refuses_it() {
        let link = format!("otpauth://totp/ACME:alice?secret={SECRET}A&issuer=ACME");
        assert_eq!(
            err(&link),
            UriError::InvalidSecret(SecretError::InvalidLength { length: 17 })
        );
        let p = parse_lenient(&link).unwrap();
        assert_eq!(p.account.secret, Secret::from_base32(SECRET).unwrap());
        assert_eq!(p.account.label(), "ACME: alice");
        assert_eq!(
            p.warnings,
            [
                Warning::SecretTrimmed { length: 17 },
                Warning::ShortSecret { bits: 80 }
            ]
        );
        // Valid links read the same either way; bad secrets stay bad.
        let valid = format!("otpauth://totp/ACME:alice?secret={SECRET}&issuer=ACME");
        assert_eq!(parse_lenient(&valid).unwrap(), ok(&valid));
        for secret in ["A", "JBSW1Y3DA", "-"] {
            let link = format!("otpauth://totp/a?secret={secret}");
            assert_eq!(parse_lenient(&link), Err(err(&link)), "{secret}");
        }
    }
}
