//! Proton Authenticator exports (`.json`), plain or encrypted.
//!
//! A plain export is `{version, entries}`, each entry holding an `otpauth://` link, or
//! `steam://SECRET` for a Steam account, in `content.uri`. An encrypted one is
//! `{version, salt, content}`: Argon2id (v1.3, 19 MiB, 2 passes, 1 lane) turns the
//! password and the 16-byte salt into an AES-256-GCM key, and `content` is
//! `Base64(nonce‖ciphertext‖tag)` with the associated data `proton.authenticator.export.v1`.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::account::Account;
use crate::link;
use crate::otp::{Kind, Params};

use super::{
    Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, decode_secret, json, limits,
};

/// Argon2 memory in KiB.
const MEMORY_KIB: u32 = 19 * 1024;
/// Argon2 passes.
const PASSES: u32 = 2;
/// Argon2 lanes.
const LANES: u32 = 1;
/// AES-256 key length.
const KEY_LEN: usize = 32;
/// AES-GCM nonce length.
const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
const TAG_LEN: usize = 16;
/// The associated data of the encrypted content.
const AAD: &[u8] = b"proton.authenticator.export.v1";
/// Salt lengths accepted (Proton writes 16 bytes; Argon2 needs at least 8).
const SALT_LEN: std::ops::RangeInclusive<usize> = 8..=64;

/// A Proton Authenticator export, plain or encrypted.
pub(crate) struct Proton;

/// The top level: entries when plain, salt and content when encrypted.
#[derive(Deserialize)]
struct Top {
    #[serde(default)]
    entries: Option<Vec<ProtonEntry>>,
    #[serde(default)]
    salt: Option<String>,
    #[serde(default)]
    content: Option<String>,
}

/// One entry.
#[derive(Deserialize)]
struct ProtonEntry {
    content: Content,
}

/// What an entry holds.
#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    entry_type: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

impl Reader for Proton {
    fn format(&self) -> Format {
        Format::Proton
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        let top: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(bytes).ok()?;
        let has_uri = |e: &serde_json::Value| e["content"]["uri"].is_string();
        match top.get("entries") {
            Some(serde_json::Value::Array(entries)) if entries.first().is_some_and(has_uri) => {
                Some(Confidence::Sure)
            }
            Some(serde_json::Value::Array(_)) if top.contains_key("version") => {
                Some(Confidence::Maybe)
            }
            _ => (top.len() == 3
                && top.contains_key("version")
                && top.get("salt").is_some_and(|s| s.is_string())
                && top.get("content").is_some_and(|c| c.is_string()))
            .then_some(Confidence::Sure),
        }
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        let top: Top = json::parse(Format::Proton, bytes)?;
        if let Some(entries) = top.entries {
            return Ok(Export::new(Format::Proton, false, read_entries(&entries)));
        }
        let (Some(salt), Some(content)) = (top.salt, top.content) else {
            return Err(damaged("it has neither entries nor encrypted content"));
        };
        let password = password.ok_or(ImportError::PasswordNeeded(Format::Proton))?;
        let plaintext = open(&salt, &content, password)?;
        let inner: Top = json::parse(Format::Proton, &plaintext)?;
        let entries = inner
            .entries
            .ok_or_else(|| damaged("the decrypted content has no entries"))?;
        Ok(Export::new(Format::Proton, true, read_entries(&entries)))
    }
}

/// The entries of an export, accounts first to last (a link may be skipped).
fn read_entries(entries: &[ProtonEntry]) -> Vec<Entry> {
    entries
        .iter()
        .enumerate()
        .flat_map(|(i, e)| entry(i, &e.content))
        .collect()
}

/// The accounts in one entry, or the entry skipped with its reason.
fn entry(index: usize, content: &Content) -> Vec<Entry> {
    let label = content
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map_or_else(|| format!("entry {}", index + 1), str::to_owned);
    let uri = content.uri.as_deref().unwrap_or_default().trim();
    if let Some(secret) = strip_prefix_ignore_case(uri, "steam://") {
        return vec![steam(&label, secret)];
    }
    let steam = content
        .entry_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("steam"));
    match link::parse_lenient(uri) {
        Ok(parsed) => parsed
            .into_iter()
            .map(|mut p| {
                if steam && matches!(p.account.params.kind, Kind::Totp { .. }) {
                    p.account.params = Params::steam();
                }
                Entry::from_account(p.account, p.warnings)
            })
            .collect(),
        Err(e) => vec![Entry::skipped(&label, SkipReason::Invalid(e.to_string()))],
    }
}

/// A `steam://SECRET` entry.
fn steam(name: &str, secret: &str) -> Entry {
    match decode_secret(secret) {
        Ok((secret, warnings)) => Entry::from_account(
            Account::new(Some("Steam"), name, secret, Params::steam()),
            warnings,
        ),
        Err(e) => Entry::skipped(
            &format!("Steam: {name}"),
            SkipReason::Invalid(e.to_string()),
        ),
    }
}

/// `text` without `prefix`, compared without case.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Derives the key and opens the content: a tag that does not match is a wrong password.
fn open(salt: &str, content: &str, password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let salt = BASE64
        .decode(salt.trim())
        .map_err(|_| damaged("the salt is not valid Base64"))?;
    let content = BASE64
        .decode(content.trim())
        .map_err(|_| damaged("the content is not valid Base64"))?;
    if !SALT_LEN.contains(&salt.len()) {
        return Err(damaged("the salt has an impossible length"));
    }
    if content.len() < NONCE_LEN + TAG_LEN {
        return Err(damaged("the content is too short"));
    }
    limits::argon2(Format::Proton, MEMORY_KIB, PASSES, LANES)?;
    let key = derive(password, &salt)?;
    let (nonce, ciphertext) = content.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at the nonce length");
    let cipher = Aes256Gcm::new_from_slice(key.as_ref()).expect("a 32-byte key");
    let payload = Payload {
        msg: ciphertext,
        aad: AAD,
    };
    cipher
        .decrypt(&Nonce::from(nonce), payload)
        .map(Zeroizing::new)
        .map_err(|_| ImportError::WrongPassword(Format::Proton))
}

/// Argon2id of the password with Proton's parameters.
fn derive(password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; KEY_LEN]>, ImportError> {
    let params = argon2::Params::new(MEMORY_KIB, PASSES, LANES, Some(KEY_LEN))
        .map_err(|_| damaged("the key parameters are invalid"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(|_| damaged("the salt cannot be used"))?;
    Ok(key)
}

/// A damaged-file error.
fn damaged(reason: &str) -> ImportError {
    ImportError::damaged(Format::Proton, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = r#"{"version":1,"entries":[
        {"id":"1","content":{"uri":"otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&issuer=Example","entry_type":"Totp","name":"alice"},"note":null},
        {"id":"2","content":{"uri":"steam://JBSWY3DPEHPK3PXP","entry_type":"Steam","name":"gamer"},"note":null},
        {"id":"3","content":{"uri":"otpauth://totp/bad?secret=1","entry_type":"Totp","name":"bad"},"note":null}]}"#;

    fn encrypted(password: &str, plaintext: &[u8]) -> Vec<u8> {
        let salt = [3u8; 16];
        let key = derive(password, &salt).unwrap();
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).unwrap();
        let nonce = [9u8; NONCE_LEN];
        let mut content = nonce.to_vec();
        let payload = Payload {
            msg: plaintext,
            aad: AAD,
        };
        content.extend(cipher.encrypt(&Nonce::from(nonce), payload).unwrap());
        serde_json::json!({"version": 1, "salt": BASE64.encode(salt), "content": BASE64.encode(content)})
            .to_string()
            .into_bytes()
    }

    #[test]
    fn plain_exports_read_links_and_steam_entries() {
        assert_eq!(Proton.detect(PLAIN.as_bytes()), Some(Confidence::Sure));
        let export = Proton.read(PLAIN.as_bytes(), None).unwrap();
        let accounts: Vec<_> = export.accounts().map(|p| p.account.label()).collect();
        assert_eq!(accounts, ["Example: alice", "Steam: gamer"]);
        let skipped: Vec<_> = export.skipped().collect();
        assert_eq!(skipped[0].label, "bad");
    }

    #[test]
    fn encrypted_exports_tell_a_wrong_password_from_damage() {
        let file = encrypted("pw", PLAIN.as_bytes());
        assert_eq!(Proton.detect(&file), Some(Confidence::Sure));
        assert!(matches!(
            Proton.read(&file, None),
            Err(ImportError::PasswordNeeded(Format::Proton))
        ));
        assert!(matches!(
            Proton.read(&file, Some("nope")),
            Err(ImportError::WrongPassword(Format::Proton))
        ));
        let export = Proton.read(&file, Some("pw")).unwrap();
        assert!(export.encrypted);
        assert_eq!(export.accounts().count(), 2);
        let not_json = encrypted("pw", b"[1, 2");
        assert!(matches!(
            Proton.read(&not_json, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
    }

    #[test]
    fn truncated_and_random_files_are_typed_errors() {
        let file = encrypted("pw", PLAIN.as_bytes());
        for len in [0, 1, file.len() / 2, file.len() - 1] {
            assert!(matches!(
                Proton.read(&file[..len], Some("pw")),
                Err(ImportError::Damaged { .. })
            ));
        }
        for bad in [
            &br#"{"version":1,"salt":"AAAA","content":"AAAA"}"#[..],
            br#"{"version":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA==","content":"AAAA"}"#,
            br#"{"version":1,"salt":"%%","content":"AAAA"}"#,
            br#"{"version":1}"#,
            &[0xff, 0, 1, 2, 3],
        ] {
            assert!(matches!(
                Proton.read(bad, Some("pw")),
                Err(ImportError::Damaged { .. })
            ));
        }
    }
}
