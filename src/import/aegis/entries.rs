//! The vault contents: every entry, as an account or skipped with its reason.

use serde::Deserialize;
use serde_json::Value;

use crate::account::Account;
use crate::otp::{Algorithm, DEFAULT_DIGITS, DEFAULT_PERIOD, Kind, Params};
use crate::secret::Secret;

use super::super::{Entry, ImportError, SkipReason};
use super::{DB_VERSION, FORMAT};

/// The vault contents.
#[derive(Deserialize)]
pub(super) struct Db {
    version: u64,
    entries: Vec<Value>,
}

/// One entry, read field by field so that a bad entry is skipped rather than failing the
/// file.
#[derive(Deserialize)]
struct EntryJson {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    info: InfoJson,
}

#[derive(Deserialize)]
struct InfoJson {
    secret: String,
    #[serde(default)]
    algo: Option<String>,
    #[serde(default)]
    digits: Option<i64>,
    #[serde(default)]
    period: Option<i64>,
    #[serde(default)]
    counter: Option<i64>,
}

/// Every entry of the contents, in order.
pub(super) fn read(db: Db) -> Result<Vec<Entry>, ImportError> {
    if db.version == 0 || db.version > DB_VERSION {
        return Err(ImportError::Unsupported {
            format: FORMAT,
            reason: format!(
                "its contents are version {}, and Sesame reads versions 1 to {DB_VERSION} (a newer Aegis wrote it)",
                db.version
            ),
        });
    }
    Ok(db
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, value)| entry(i + 1, value))
        .collect())
}

/// `Issuer: name` as the file has them, or `entry N`.
fn label_of(number: usize, value: &Value) -> String {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    match (text("issuer"), text("name")) {
        (Some(issuer), Some(name)) => format!("{issuer}: {name}"),
        (None, Some(name)) => name.to_owned(),
        (Some(issuer), None) => issuer.to_owned(),
        (None, None) => format!("entry {number}"),
    }
}

/// What is wrong with an entry's JSON, naming a missing field but never quoting a value.
fn entry_problem(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.strip_prefix("missing field `") {
        Some(rest) => format!(
            "the field \"{}\" is missing",
            rest.split('`').next().unwrap_or_default()
        ),
        None => "a field has the wrong type".into(),
    }
}

fn entry(number: usize, value: Value) -> Entry {
    let label = label_of(number, &value);
    let raw: EntryJson = match serde_json::from_value(value) {
        Ok(raw) => raw,
        Err(e) => return Entry::skipped(&label, SkipReason::Invalid(entry_problem(&e))),
    };
    let params = match params_of(&raw.kind, &raw.info) {
        Ok(params) => params,
        Err(reason) => return Entry::skipped(&label, reason),
    };
    let secret = match Secret::from_base32(&raw.info.secret) {
        Ok(secret) => secret,
        Err(e) => return Entry::skipped(&label, SkipReason::Invalid(e.to_string())),
    };
    let (issuer, name) = issuer_and_name(raw.issuer.as_deref(), raw.name.as_deref().unwrap_or(""));
    Entry::from_account(Account::new(issuer, name, secret, params), Vec::new())
}

/// The code parameters of an entry of `kind`.
fn params_of(kind: &str, info: &InfoJson) -> Result<Params, SkipReason> {
    match kind.to_ascii_lowercase().as_str() {
        "totp" => Ok(Params::totp(
            info.algorithm()?,
            info.digits()?,
            info.period()?,
        )),
        "hotp" => Ok(Params::hotp(
            info.algorithm()?,
            info.digits()?,
            info.counter()?,
        )),
        // Steam codes are SHA1 and 5 characters whatever the file says.
        "steam" => Ok(Params {
            kind: Kind::Steam {
                period: info.period()?,
            },
            ..Params::steam()
        }),
        "motp" => Err(SkipReason::UnsupportedKind("mOTP".into())),
        "yandex" => Err(SkipReason::UnsupportedKind("Yandex".into())),
        other => Err(SkipReason::UnsupportedKind(format!("\"{}\"", short(other)))),
    }
}

impl InfoJson {
    fn algorithm(&self) -> Result<Algorithm, SkipReason> {
        let Some(name) = self
            .algo
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        else {
            return Ok(Algorithm::SHA1);
        };
        // Aegis reads `HmacSHA256` as `SHA256`.
        let bare = match name.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case("hmac") => &name[4..],
            _ => name,
        };
        Algorithm::parse(bare).ok_or_else(|| {
            SkipReason::CannotComputeCodes(format!("the algorithm \"{}\" is unknown", short(name)))
        })
    }

    fn digits(&self) -> Result<u8, SkipReason> {
        match self.digits {
            None => Ok(DEFAULT_DIGITS),
            Some(d) => u8::try_from(d)
                .map_err(|_| SkipReason::CannotComputeCodes(format!("codes of {d} digits"))),
        }
    }

    fn period(&self) -> Result<u64, SkipReason> {
        match self.period {
            None => Ok(DEFAULT_PERIOD),
            Some(p) => u64::try_from(p)
                .map_err(|_| SkipReason::CannotComputeCodes(format!("the period is {p} seconds"))),
        }
    }

    fn counter(&self) -> Result<u64, SkipReason> {
        u64::try_from(self.counter.unwrap_or(0))
            .map_err(|_| SkipReason::Invalid("the counter is negative".into()))
    }
}

impl Drop for InfoJson {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

/// At most 40 characters of a name from the file, for a message.
fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

/// The issuer and account name. An entry without an issuer (null or missing, not an empty
/// one) names it after the last `@` of its name, as GNOME Authenticator reads Aegis files:
/// `alice@GitHub` is GitHub's `alice`.
fn issuer_and_name<'a>(issuer: Option<&'a str>, name: &'a str) -> (Option<&'a str>, &'a str) {
    match issuer {
        Some(issuer) => (Some(issuer), name),
        None => match name.rsplit_once('@') {
            Some((account, issuer)) if !issuer.trim().is_empty() => (Some(issuer), account),
            _ => (None, name),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::import::Skipped;

    fn read_entries(entries: Value) -> Vec<Entry> {
        read(serde_json::from_value(json!({"version": 3, "entries": entries})).unwrap()).unwrap()
    }

    fn totp(info: Value) -> Value {
        json!({"type": "totp", "name": "n", "issuer": "I", "info": info})
    }

    fn skipped(entry: &Entry) -> (&str, String) {
        match entry {
            Entry::Skipped(Skipped { label, reason }) => (label.as_str(), reason.to_string()),
            Entry::Account(a) => panic!("read {:?}", a.account),
        }
    }

    #[test]
    fn a_missing_issuer_is_taken_from_the_name() {
        assert_eq!(
            issuer_and_name(None, "missing-issuer@domain.com@issuer"),
            (Some("issuer"), "missing-issuer@domain.com")
        );
        assert_eq!(issuer_and_name(None, "alice"), (None, "alice"));
        assert_eq!(issuer_and_name(None, "alice@ "), (None, "alice@ "));
        // An empty issuer is an issuer Aegis wrote as such: the name stays whole.
        assert_eq!(
            issuer_and_name(Some(""), "bob@host"),
            (Some(""), "bob@host")
        );
    }

    #[test]
    fn bad_entries_are_skipped_with_the_reason_and_the_rest_kept() {
        let secret = "JBSWY3DPEHPK3PXP";
        let entries = read_entries(json!([
            {"type": "totp", "name": "no-info", "issuer": "I"},
            totp(json!({"secret": "JBSW!Y3DP", "algo": "SHA1", "digits": 6, "period": 30})),
            totp(json!({"secret": secret, "algo": "SHA3", "digits": 6, "period": 30})),
            totp(json!({"secret": secret, "algo": "SHA1", "digits": 300, "period": 30})),
            totp(json!({"secret": secret, "algo": "SHA1", "digits": 6, "period": -30})),
            totp(json!({"secret": secret, "algo": "SHA1", "digits": 6, "period": "30"})),
            {"type": "hotp", "name": "h", "issuer": "I",
             "info": {"secret": secret, "algo": "SHA1", "digits": 6, "counter": -1}},
            {"type": "motp", "name": "m", "issuer": "I",
             "info": {"secret": secret, "algo": "MD5", "digits": 6, "period": 10, "pin": "1234"}},
            {"type": "hmm", "uuid": "x", "info": {"secret": secret}},
            totp(json!({"secret": secret, "algo": "HmacSHA256", "digits": 7, "period": 20})),
        ]));
        let reasons: Vec<(&str, String)> = entries[..9].iter().map(skipped).collect();
        assert_eq!(
            reasons,
            [
                ("I: no-info", "the field \"info\" is missing".to_owned()),
                (
                    "I: n",
                    "the secret is not valid Base32: character 5 is '!' (only letters A-Z and digits 2-7 are allowed)".to_owned()
                ),
                ("I: n", "codes cannot be computed: the algorithm \"SHA3\" is unknown".to_owned()),
                ("I: n", "codes cannot be computed: codes of 300 digits".to_owned()),
                ("I: n", "codes cannot be computed: the period is -30 seconds".to_owned()),
                ("I: n", "a field has the wrong type".to_owned()),
                ("I: h", "the counter is negative".to_owned()),
                ("I: m", "mOTP codes are not supported".to_owned()),
                ("entry 9", "\"hmm\" codes are not supported".to_owned()),
            ]
        );
        match &entries[9] {
            Entry::Account(parsed) => {
                assert_eq!(
                    parsed.account.params,
                    Params::totp(Algorithm::SHA256, 7, 20)
                );
            }
            other => panic!("{other:?}"),
        }
        for (_, reason) in &reasons {
            assert!(!reason.contains(secret), "{reason}");
        }
    }

    #[test]
    fn missing_parameters_take_the_defaults() {
        let entries = read_entries(json!([
            {"type": "totp", "info": {"secret": "JBSWY3DPEHPK3PXP"}},
            {"type": "steam", "name": "s", "issuer": "Steam",
             "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA256", "digits": 6}},
        ]));
        let params: Vec<Params> = entries
            .iter()
            .map(|e| match e {
                Entry::Account(p) => p.account.params,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(params, [Params::default(), Params::steam()]);
    }
}
