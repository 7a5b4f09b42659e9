//! Ente Auth's encrypted export, and the trash marks in its links.
//!
//! The plain export is a link list (read by [`super::lines::LinkList`]) whose links carry
//! a `codeDisplay` parameter: URL-encoded JSON (`pinned`, `trashed`, `tags`, `note`, …).
//! Entries with `"trashed": true` are in Ente's trash; [`is_trashed`] tells them apart so
//! that every link list skips them.
//!
//! The encrypted export is JSON `{version: 1, kdfParams: {memLimit, opsLimit, salt},
//! encryptedData, encryptionNonce}`: libsodium's `crypto_pwhash` (Argon2id v1.3 with
//! `opsLimit` passes, `memLimit` bytes of memory and one lane; a 16-byte salt) derives a
//! 32-byte key, and one `crypto_secretstream_xchacha20poly1305` message (its 24-byte
//! header is `encryptionNonce`) holds the plain export.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use percent_encoding::percent_decode_str;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::uri::raw_param;

use super::lines::entries_of_lines;
use super::{Confidence, Export, Format, ImportError, Reader, json, limits};

mod secretstream;

/// Salt bytes `crypto_pwhash` takes.
const SALT_BYTES: usize = 16;
/// Bytes of the derived key.
const KEY_BYTES: usize = 32;

/// Ente Auth's encrypted export.
pub(crate) struct Ente;

/// The encrypted export's JSON.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Encrypted {
    version: u32,
    kdf_params: KdfParams,
    encrypted_data: String,
    encryption_nonce: String,
}

/// `crypto_pwhash` parameters, as libsodium takes them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KdfParams {
    /// Memory, in bytes.
    mem_limit: u64,
    /// Passes.
    ops_limit: u64,
    /// Base64 salt.
    salt: String,
}

/// The part of `codeDisplay` an import needs.
#[derive(Deserialize)]
struct CodeDisplay {
    #[serde(default)]
    trashed: bool,
}

impl Reader for Ente {
    fn format(&self) -> Format {
        Format::Ente
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        json::object_has(bytes, &["kdfParams", "encryptedData", "encryptionNonce"])
            .then_some(Confidence::Sure)
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        let file: Encrypted = json::parse(Format::Ente, bytes)?;
        if file.version != 1 {
            return Err(ImportError::Unsupported {
                format: Format::Ente,
                reason: format!("its version {} is not one Sesame knows", file.version),
            });
        }
        let password = password.ok_or(ImportError::PasswordNeeded(Format::Ente))?;
        let plaintext = decrypt(&file, password)?;
        let text = std::str::from_utf8(&plaintext)
            .map_err(|_| damaged("it decrypts to text that is not UTF-8"))?;
        let lines: Vec<&str> = text.lines().collect();
        Ok(Export::new(Format::Ente, true, entries_of_lines(&lines)))
    }
}

/// The plain export inside `file`.
fn decrypt(file: &Encrypted, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let params = &file.kdf_params;
    let memory_kib = u32::try_from(params.mem_limit / 1024).unwrap_or(u32::MAX);
    let passes = u32::try_from(params.ops_limit).unwrap_or(u32::MAX);
    limits::argon2(Format::Ente, memory_kib, passes, 1)?;
    let salt: [u8; SALT_BYTES] = decode(&params.salt, "salt")?;
    let header: [u8; secretstream::HEADER_BYTES] = decode(&file.encryption_nonce, "nonce")?;
    let data = STANDARD
        .decode(file.encrypted_data.trim())
        .map_err(|_| damaged("its encrypted data is not Base64"))?;
    let key = derive_key(password, &salt, memory_kib, passes)?;
    let message = secretstream::pull_first(&key, &header, &data).map_err(|e| match e {
        secretstream::PullError::TooShort => damaged("its encrypted data is too short"),
        secretstream::PullError::Forged => ImportError::WrongPassword(Format::Ente),
    })?;
    match message.tag {
        secretstream::TAG_MESSAGE | secretstream::TAG_FINAL => Ok(message.plaintext),
        _ => Err(damaged("its encrypted data continues past the first part")),
    }
}

/// libsodium's `crypto_pwhash` with Argon2id v1.3 and one lane.
fn derive_key(
    password: &str,
    salt: &[u8],
    memory_kib: u32,
    passes: u32,
) -> Result<Zeroizing<[u8; KEY_BYTES]>, ImportError> {
    let invalid = |_| damaged("its key-derivation parameters are invalid");
    let params = argon2::Params::new(memory_kib, passes, 1, Some(KEY_BYTES)).map_err(invalid)?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    argon
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(invalid)?;
    Ok(key)
}

/// A Base64 field of exactly `N` bytes.
fn decode<const N: usize>(text: &str, what: &str) -> Result<[u8; N], ImportError> {
    STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
        .ok_or_else(|| damaged(&format!("its {what} is not {N} Base64 bytes")))
}

/// [`ImportError::Damaged`] for Ente.
fn damaged(reason: &str) -> ImportError {
    ImportError::damaged(Format::Ente, reason)
}

/// Whether an `otpauth://` link is one of Ente's trashed entries: its `codeDisplay`
/// parameter says `"trashed": true`. A missing or unreadable `codeDisplay` is not trashed.
pub(crate) fn is_trashed(link: &str) -> bool {
    let Some((_, query)) = link.split_once('?') else {
        return false;
    };
    let Some(raw) = raw_param(query, "codeDisplay") else {
        return false;
    };
    let spaced = raw.replace('+', " ");
    let Ok(decoded) = percent_decode_str(&spaced).decode_utf8() else {
        return false;
    };
    serde_json::from_str::<CodeDisplay>(&decoded).is_ok_and(|d| d.trashed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::SkipReason;

    /// Made with libsodium (`crypto_pwhash` with ops 1 and 16 KiB, then secretstream):
    /// an entry and a trashed one, password "correct horse".
    const EXPORT: &str = r#"{"version": 1, "kdfParams": {"memLimit": 16384, "opsLimit": 1, "salt": "ZGVmZ2hpamtsbW5vcHFycw=="}, "encryptedData": "5uTDonnuBafoM3kLugdci/bUa0Cxc+08uxK/FM+KU5RldHXXPmVbPPaOzIKYtfruR2V0QTlcuCyexsJ9QIL+03inhscht0AxX52kaySMNSdhNIFa8J0J0jcctSb3uqGlNDnAohX7K2/uNA6Sp9PJ6SRY1K2YmxNfGWMHA7i5HqxygBSnchGRkVStT9C+AUJoeJaAKQ7Jhsy4VQWQPF8mIBoa/96fkQrvttxp8Ysmerer8+RzkRNNV77UiMv+mwTHqIh89Us2YghpIX+zc6ScqI08af89TgygJmep+IV/ZNVI39/cCjQmotDnRmCYvAo=", "encryptionNonce": "sKtXFHmh6uhH1xs96jFtN/q78gZla6C8"}"#;
    /// The same key and salt, over bytes that are not UTF-8.
    const NOT_TEXT: &str = r#"{"version": 1, "kdfParams": {"memLimit": 16384, "opsLimit": 1, "salt": "ZGVmZ2hpamtsbW5vcHFycw=="}, "encryptedData": "3gcv5X/GiE6SPDJB1UdsVgCECywh179XqpIzLg==", "encryptionNonce": "5hgf4FDc0lkXVsHReyc9+r+T7iTs1/vA"}"#;

    fn read(text: &str, password: Option<&str>) -> Result<Export, ImportError> {
        Ente.read(text.as_bytes(), password)
    }

    #[test]
    fn an_encrypted_export_opens_and_skips_trashed_entries() {
        assert_eq!(Ente.detect(EXPORT.as_bytes()), Some(Confidence::Sure));
        assert_eq!(Ente.detect(b"otpauth://totp/a?secret=AA"), None);
        let export = read(EXPORT, Some("correct horse")).unwrap();
        assert_eq!(export.format, Format::Ente);
        assert!(export.encrypted);
        let accounts: Vec<_> = export.accounts().collect();
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].account.label(), "ACME: alice");
        let skipped: Vec<_> = export.skipped().collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].label, "Old: bob");
        assert_eq!(skipped[0].reason, SkipReason::Trashed(Format::Ente));
    }

    #[test]
    fn passwords_are_needed_and_checked() {
        assert!(matches!(
            read(EXPORT, None),
            Err(ImportError::PasswordNeeded(Format::Ente))
        ));
        assert!(matches!(
            read(EXPORT, Some("wrong")),
            Err(ImportError::WrongPassword(Format::Ente))
        ));
    }

    #[test]
    fn damage_is_told_apart_from_a_wrong_password() {
        let damaged = |text: &str| {
            matches!(
                read(text, Some("correct horse")),
                Err(ImportError::Damaged {
                    format: Format::Ente,
                    ..
                })
            )
        };
        assert!(damaged(&EXPORT[..EXPORT.len() / 2]));
        assert!(damaged(NOT_TEXT));
        let mut value: serde_json::Value = serde_json::from_str(EXPORT).unwrap();
        value["encryptedData"] = "AAAA".into();
        assert!(damaged(&value.to_string()));
        value["encryptionNonce"] = "AAAA".into();
        assert!(damaged(&value.to_string()));
        let mut value: serde_json::Value = serde_json::from_str(EXPORT).unwrap();
        value["kdfParams"]["opsLimit"] = 0.into();
        assert!(damaged(&value.to_string()));
        value["version"] = 2.into();
        assert!(matches!(
            read(&value.to_string(), Some("x")),
            Err(ImportError::Unsupported { .. })
        ));
    }

    #[test]
    fn costly_parameters_are_refused_before_any_work() {
        let mut value: serde_json::Value = serde_json::from_str(EXPORT).unwrap();
        value["kdfParams"]["memLimit"] = (64u64 << 30).into();
        assert!(matches!(
            read(&value.to_string(), Some("x")),
            Err(ImportError::TooCostly { .. })
        ));
        value["kdfParams"]["memLimit"] = 16384.into();
        value["kdfParams"]["opsLimit"] = u64::MAX.into();
        assert!(matches!(
            read(&value.to_string(), Some("x")),
            Err(ImportError::TooCostly { .. })
        ));
    }

    #[test]
    fn any_bytes_give_a_typed_error() {
        let mut seed = 7u32;
        for len in [0, 1, 17, 100, 1000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed >> 16) as u8
                })
                .collect();
            assert!(Ente.read(&bytes, Some("x")).is_err());
        }
    }

    #[test]
    fn trash_marks_are_read_from_code_display() {
        let link = |display: &str| format!("otpauth://totp/a?secret=AA&codeDisplay={display}");
        assert!(is_trashed(&link("%7B%22trashed%22%3Atrue%7D")));
        assert!(is_trashed(&link(
            "%7B%22note%22%3A%22a+note%22%2C%22trashed%22%3Atrue%7D"
        )));
        assert!(!is_trashed(&link("%7B%22trashed%22%3Afalse%7D")));
        assert!(!is_trashed(&link("%7B%22pinned%22%3Atrue%7D")));
        assert!(!is_trashed(&link("not%20json")));
        assert!(!is_trashed(&link("%FF")));
        assert!(!is_trashed("otpauth://totp/a?secret=AA"));
        assert!(!is_trashed("otpauth://totp/a"));
    }
}
