//! andOTP backups: a plain JSON array, or that array encrypted.
//!
//! Plain: `[{secret, issuer, label, digits, type TOTP|HOTP|STEAM|MOTP, algorithm,
//! period|counter, tags}]`; exports older than the `issuer` field keep "Issuer - Name" in
//! `label`. Encrypted files have no magic number and come in two layouts:
//! - new: `[u32 BE iterations][12-byte salt][12-byte nonce][ciphertext‖tag]`, the key
//!   PBKDF2-HMAC-SHA1 of the password (32 bytes);
//! - old: `[12-byte nonce][ciphertext‖tag]`, the key SHA-256 of the password.
//!
//! Both use AES-256-GCM. The new layout is tried when its iteration count is within
//! [`limits::pbkdf2`], then the old one; a tag that matches neither is a wrong password.
//! An old file's first four bytes are part of its random nonce, so a count above the
//! ceiling means "old layout", not "too costly".

use aes_gcm::aead::Aead;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use serde::Deserialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::{Algorithm, Params};
use crate::uri::shown;

use super::fields;
use super::{
    Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, decode_secret, json, limits,
};

/// Length of the iteration count.
const ITERATIONS_LEN: usize = 4;
/// PBKDF2 salt length.
const SALT_LEN: usize = 12;
/// AES-GCM nonce length.
const NONCE_LEN: usize = 12;
/// AES-GCM tag length.
const TAG_LEN: usize = 16;
/// AES-256 key length.
const KEY_LEN: usize = 32;
/// Shortest plaintext (`[]`).
const MIN_PLAINTEXT: usize = 2;
/// Shortest old-layout file.
const MIN_OLD: usize = NONCE_LEN + MIN_PLAINTEXT + TAG_LEN;
/// Shortest new-layout file.
const MIN_NEW: usize = ITERATIONS_LEN + SALT_LEN + MIN_OLD;

/// An andOTP backup, plain or encrypted.
pub(crate) struct AndOtp;

/// One entry of the array; every field may be missing or null.
#[derive(Deserialize)]
struct AndOtpEntry {
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    digits: Option<u64>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(default)]
    period: Option<u64>,
    #[serde(default)]
    counter: Option<u64>,
}

impl Reader for AndOtp {
    fn format(&self) -> Format {
        Format::AndOtp
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        if bytes.trim_ascii_start().first() == Some(&b'[') {
            let entries: Vec<serde_json::Value> = serde_json::from_slice(bytes).ok()?;
            let first = entries.first()?;
            let is_entry = first.get("secret").is_some()
                && first.get("type").is_some()
                && (first.get("label").is_some() || first.get("issuer").is_some());
            return is_entry.then_some(Confidence::Sure);
        }
        may_be_encrypted(bytes).then_some(Confidence::Maybe)
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        if bytes.trim_ascii_start().first() == Some(&b'[') {
            return Ok(Export::new(Format::AndOtp, false, entries(bytes)?));
        }
        if bytes.len() < MIN_OLD {
            return Err(damaged("it is too short to be an andOTP backup"));
        }
        if !is_binary(bytes) {
            return Err(damaged("it is text but not a JSON array"));
        }
        let password = password.ok_or(ImportError::PasswordNeeded(Format::AndOtp))?;
        let plaintext = decrypt(bytes, password)?;
        Ok(Export::new(Format::AndOtp, true, entries(&plaintext)?))
    }
}

/// Whether `bytes` could be an encrypted backup: binary, long enough, and none of the
/// magic numbers other files start with. Only ever a maybe: it has no magic of its own.
fn may_be_encrypted(bytes: &[u8]) -> bool {
    const MAGICS: &[&[u8]] = &[
        b"PK\x03\x04",
        b"\x1f\x8b",
        b"%PDF",
        b"SQLite format 3\0",
        &[0x03, 0xd9, 0xa2, 0x9a],
        &[0xac, 0xed, 0x00, 0x05],
        b"\x89PNG",
        &[0xff, 0xd8, 0xff],
        b"GIF8",
        b"RIFF",
        b"-----BEGIN PGP",
    ];
    is_binary(bytes) && bytes.len() >= MIN_OLD && !MAGICS.iter().any(|m| bytes.starts_with(m))
}

/// Whether `bytes` are not text (not UTF-8, or holding a NUL).
fn is_binary(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_err() || bytes.contains(&0)
}

/// Opens an encrypted backup: the new layout, then the old one.
fn decrypt(bytes: &[u8], password: &str) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let (count, rest) = bytes.split_at(ITERATIONS_LEN);
    let iterations = u32::from_be_bytes(count.try_into().expect("four bytes"));
    if bytes.len() >= MIN_NEW
        && iterations > 0
        && limits::pbkdf2(Format::AndOtp, iterations).is_ok()
    {
        let (salt, sealed) = rest.split_at(SALT_LEN);
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        pbkdf2::pbkdf2_hmac::<Sha1>(password.as_bytes(), salt, iterations, key.as_mut());
        if let Some(plaintext) = open(&key, sealed) {
            return Ok(plaintext);
        }
    }
    let key: Zeroizing<[u8; KEY_LEN]> = Zeroizing::new(Sha256::digest(password.as_bytes()).into());
    open(&key, bytes).ok_or(ImportError::WrongPassword(Format::AndOtp))
}

/// AES-256-GCM of `[nonce][ciphertext‖tag]`; `None` when the tag does not match.
fn open(key: &[u8; KEY_LEN], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return None;
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(&Nonce::from(nonce), ciphertext)
        .ok()
        .map(Zeroizing::new)
}

/// The entries of the JSON array.
fn entries(bytes: &[u8]) -> Result<Vec<Entry>, ImportError> {
    let entries: Vec<AndOtpEntry> = json::parse(Format::AndOtp, bytes)?;
    Ok(entries
        .iter()
        .enumerate()
        .map(|(i, e)| entry(i, e))
        .collect())
}

/// An entry as an account, or skipped with the reason.
fn entry(index: usize, entry: &AndOtpEntry) -> Entry {
    let (issuer, name) = issuer_and_name(entry);
    let label = match (issuer, name) {
        (Some(issuer), "") => issuer.to_owned(),
        (Some(issuer), name) => format!("{issuer}: {name}"),
        (None, "") => format!("entry {}", index + 1),
        (None, name) => name.to_owned(),
    };
    let params = match params(entry) {
        Ok(params) => params,
        Err(reason) => return Entry::skipped(&label, reason),
    };
    match entry.secret.as_deref().map(decode_secret) {
        Some(Ok((secret, warnings))) => {
            Entry::from_account(Account::new(issuer, name, secret, params), warnings)
        }
        Some(Err(e)) => Entry::skipped(&label, SkipReason::Invalid(e.to_string())),
        None => Entry::skipped(&label, SkipReason::Invalid("no secret".into())),
    }
}

/// Issuer and name: the fields, or "Issuer - Name" in the label of old exports.
fn issuer_and_name(entry: &AndOtpEntry) -> (Option<&str>, &str) {
    let label = entry.label.as_deref().unwrap_or_default().trim();
    match &entry.issuer {
        Some(issuer) => (Some(issuer.trim()).filter(|i| !i.is_empty()), label),
        None => match label.split_once(" - ") {
            Some((issuer, name)) => (Some(issuer.trim()), name.trim()),
            None => (None, label),
        },
    }
}

/// The code parameters (SHA1, 6 digits, 30 seconds, counter 0 when missing).
fn params(entry: &AndOtpEntry) -> Result<Params, SkipReason> {
    let algorithm = fields::algorithm(entry.algorithm.as_deref(), Algorithm::SHA1)?;
    let digits = fields::digits(entry.digits.unwrap_or(6))?;
    let kind = entry.kind.as_deref().map(str::trim).unwrap_or("TOTP");
    match kind.to_ascii_uppercase().as_str() {
        "TOTP" | "" => Ok(Params::totp(algorithm, digits, entry.period.unwrap_or(30))),
        "HOTP" => Ok(Params::hotp(algorithm, digits, entry.counter.unwrap_or(0))),
        "STEAM" => Ok(Params::steam()),
        "MOTP" => Err(SkipReason::UnsupportedKind("mOTP".into())),
        _ => Err(SkipReason::UnsupportedKind(shown(kind))),
    }
}

/// A damaged-file error.
fn damaged(reason: &str) -> ImportError {
    ImportError::damaged(Format::AndOtp, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &[u8] = br#"[
        {"secret":"JBSWY3DPEHPK3PXP","issuer":"Example","label":"alice","digits":6,"type":"TOTP","algorithm":"SHA1","period":30,"tags":[]},
        {"secret":"JBSWY3DPEHPK3PXP","label":"Old - bob","digits":8,"type":"HOTP","algorithm":"SHA256","counter":7},
        {"secret":"JBSWY3DPEHPK3PXP","issuer":"M","label":"m","digits":6,"type":"MOTP"}]"#;

    fn seal(key: &[u8; KEY_LEN], nonce: [u8; NONCE_LEN], plaintext: &[u8]) -> Vec<u8> {
        let cipher = Aes256Gcm::new_from_slice(key).unwrap();
        let mut out = nonce.to_vec();
        out.extend(cipher.encrypt(&Nonce::from(nonce), plaintext).unwrap());
        out
    }

    fn new_layout(password: &str, iterations: u32, plaintext: &[u8]) -> Vec<u8> {
        let salt = [5u8; SALT_LEN];
        let mut key = [0u8; KEY_LEN];
        pbkdf2::pbkdf2_hmac::<Sha1>(password.as_bytes(), &salt, iterations, &mut key);
        let mut out = iterations.to_be_bytes().to_vec();
        out.extend(salt);
        out.extend(seal(&key, [6; NONCE_LEN], plaintext));
        out
    }

    fn old_layout(password: &str, plaintext: &[u8]) -> Vec<u8> {
        let key: [u8; KEY_LEN] = Sha256::digest(password.as_bytes()).into();
        seal(&key, [0xfe; NONCE_LEN], plaintext)
    }

    #[test]
    fn plain_backups_split_old_labels_and_skip_motp() {
        assert_eq!(AndOtp.detect(PLAIN), Some(Confidence::Sure));
        let export = AndOtp.read(PLAIN, None).unwrap();
        let accounts: Vec<_> = export.accounts().map(|p| &p.account).collect();
        assert_eq!(accounts[0].label(), "Example: alice");
        assert_eq!(accounts[1].label(), "Old: bob");
        assert_eq!(accounts[1].params, Params::hotp(Algorithm::SHA256, 8, 7));
        let skipped: Vec<_> = export.skipped().collect();
        assert_eq!(
            skipped[0].reason,
            SkipReason::UnsupportedKind("mOTP".into())
        );
    }

    #[test]
    fn both_encrypted_layouts_open_and_a_wrong_password_is_told() {
        for file in [new_layout("pw", 1000, PLAIN), old_layout("pw", PLAIN)] {
            assert_eq!(AndOtp.detect(&file), Some(Confidence::Maybe));
            assert!(matches!(
                AndOtp.read(&file, None),
                Err(ImportError::PasswordNeeded(Format::AndOtp))
            ));
            assert!(matches!(
                AndOtp.read(&file, Some("nope")),
                Err(ImportError::WrongPassword(Format::AndOtp))
            ));
            let export = AndOtp.read(&file, Some("pw")).unwrap();
            assert!(export.encrypted);
            assert_eq!(export.accounts().count(), 2);
        }
        let not_json = new_layout("pw", 1000, b"{]");
        assert!(matches!(
            AndOtp.read(&not_json, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
    }

    #[test]
    fn a_count_above_the_ceiling_is_never_derived() {
        // Deriving 2^32 - 1 iterations would take minutes: the new layout is not tried.
        let mut file = new_layout("pw", 1000, PLAIN);
        file[..4].copy_from_slice(&u32::MAX.to_be_bytes());
        let start = std::time::Instant::now();
        assert!(matches!(
            AndOtp.read(&file, Some("pw")),
            Err(ImportError::WrongPassword(Format::AndOtp))
        ));
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert!(limits::pbkdf2(Format::AndOtp, u32::MAX).is_err());
    }

    #[test]
    fn truncated_and_random_files_are_typed_errors() {
        let file = new_layout("pw", 1000, PLAIN);
        for len in [0, 1, MIN_OLD - 1] {
            assert!(matches!(
                AndOtp.read(&file[..len], Some("pw")),
                Err(ImportError::Damaged { .. })
            ));
        }
        for len in [MIN_OLD, file.len() / 2, file.len() - 1] {
            assert!(matches!(
                AndOtp.read(&file[..len], Some("pw")),
                Err(ImportError::WrongPassword(Format::AndOtp))
            ));
        }
        assert!(matches!(
            AndOtp.read(b"[{\"secret\": 1", None),
            Err(ImportError::Damaged { .. })
        ));
        assert_eq!(AndOtp.detect(b"[]"), None);
        assert_eq!(
            AndOtp.detect(b"plain text that is long enough to be something"),
            None
        );
        assert_eq!(
            AndOtp.detect(b"PK\x03\x04\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"),
            None
        );
    }
}
