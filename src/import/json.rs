//! JSON helpers for the readers: parse errors that say where, never what (a value in the
//! message could be a secret).

use serde::de::DeserializeOwned;

use super::{Format, ImportError};

/// Parses `bytes` as `T`; a failure is [`ImportError::Damaged`] naming the line and
/// column and the kind of problem, without quoting the file.
pub(crate) fn parse<T: DeserializeOwned>(format: Format, bytes: &[u8]) -> Result<T, ImportError> {
    serde_json::from_slice(bytes).map_err(|e| damaged(format, &e))
}

/// Like [`parse`], from a JSON value already read.
#[allow(dead_code, reason = "for readers on other branches")]
pub(crate) fn from_value<T: DeserializeOwned>(
    format: Format,
    value: serde_json::Value,
) -> Result<T, ImportError> {
    serde_json::from_value(value).map_err(|e| damaged(format, &e))
}

/// The [`ImportError::Damaged`] for a JSON error, without its text (which may quote a value).
pub(crate) fn damaged(format: Format, error: &serde_json::Error) -> ImportError {
    use serde_json::error::Category;
    let what = match error.classify() {
        Category::Io | Category::Eof => "it ends too early",
        Category::Syntax => "it is not valid JSON",
        Category::Data => "a field is missing or has the wrong type",
    };
    let reason = if error.line() > 0 {
        format!("{what} (line {}, column {})", error.line(), error.column())
    } else {
        what.to_owned()
    };
    ImportError::Damaged { format, reason }
}

/// Whether `bytes` are a JSON object holding every one of `keys` at the top level (for
/// `detect`).
pub(crate) fn object_has(bytes: &[u8], keys: &[&str]) -> bool {
    let Some(first) = bytes.trim_ascii_start().first() else {
        return false;
    };
    if *first != b'{' {
        return false;
    }
    match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(bytes) {
        Ok(map) => keys.iter().all(|k| map.contains_key(*k)),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_where_and_never_quote_the_file() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct T {
            n: u32,
        }
        let err = parse::<T>(Format::Aegis, br#"{"n": "JBSWY3DPEHPK3PXP"}"#).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("JBSWY3DPEHPK3PXP"), "{text}");
        assert!(
            text.starts_with("this Aegis export is damaged: a field"),
            "{text}"
        );
        let err = parse::<T>(Format::Aegis, br#"{"n": 1"#).unwrap_err();
        assert!(err.to_string().contains("ends too early"), "{err}");
        assert!(object_has(br#"{"a":1,"b":2}"#, &["a", "b"]));
        assert!(!object_has(br#"[1]"#, &["a"]));
    }
}
