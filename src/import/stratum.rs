//! Stratum (formerly Authenticator Pro) backups: `.authpro` JSON, plain or encrypted.
//!
//! The plain backup is `{Authenticators: [{Type, Icon, Issuer, Username, Secret, Pin,
//! Algorithm, Digits, Period, Counter, CopyCount, Ranking}], Categories,
//! AuthenticatorCategories, CustomIcons}`. `Type` is 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam,
//! 5 Yandex (mOTP and Yandex are skipped); `Algorithm` is 0 SHA1, 1 SHA256, 2 SHA512.
//!
//! An encrypted backup is a 16-byte header, a salt, an IV and the ciphertext of the plain
//! backup (Stratum's `Backup/Encryption`):
//!
//! - "strong": header `AUTHENTICATORPRO`, a 16-byte salt and a 12-byte IV; the key is
//!   Argon2id (3 passes, 64 MiB, 4 lanes, 32 bytes) and the cipher AES-256-GCM with a
//!   16-byte tag at the end;
//! - "legacy": header `AuthenticatorPro`, a 20-byte salt and a 16-byte IV; the key is
//!   PBKDF2-HMAC-SHA1 with 64,000 iterations (32 bytes) and the cipher AES-256-CBC with
//!   PKCS#7 padding. CBC has no tag: a padding error, or plaintext that is not JSON, is
//!   taken as a wrong password.

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, KeyIvInit};
use serde::Deserialize;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::account::Account;
use crate::otp::{Algorithm, Params};
use crate::secret::Secret;

use super::{
    Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, decode_secret, json, limits,
};

/// The strong format's header.
const STRONG_HEADER: &[u8] = b"AUTHENTICATORPRO";
/// The legacy format's header.
const LEGACY_HEADER: &[u8] = b"AuthenticatorPro";
/// Bytes of the derived key (both formats).
const KEY_BYTES: usize = 32;
/// Strong: Argon2id memory (KiB), passes and lanes.
const ARGON2_MEMORY_KIB: u32 = 64 * 1024;
const ARGON2_PASSES: u32 = 3;
const ARGON2_LANES: u32 = 4;
/// Strong: salt, IV and tag bytes.
const STRONG_SALT_BYTES: usize = 16;
const STRONG_IV_BYTES: usize = 12;
const GCM_TAG_BYTES: usize = 16;
/// Legacy: PBKDF2-SHA1 iterations, salt and IV bytes.
const LEGACY_ITERATIONS: u32 = 64_000;
const LEGACY_SALT_BYTES: usize = 20;
const LEGACY_IV_BYTES: usize = 16;

/// Stratum / Authenticator Pro backups.
pub(crate) struct Stratum;

/// A backup, as far as an import needs it.
#[derive(Deserialize)]
struct Backup {
    #[serde(rename = "Authenticators")]
    authenticators: Vec<Authenticator>,
}

/// One entry of a backup (wiped when dropped: it holds the secret).
#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(rename_all = "PascalCase")]
struct Authenticator {
    r#type: i64,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    algorithm: i64,
    #[serde(default = "default_digits")]
    digits: i64,
    #[serde(default = "default_period")]
    period: i64,
    #[serde(default)]
    counter: i64,
}

fn default_digits() -> i64 {
    6
}

fn default_period() -> i64 {
    30
}

impl Reader for Stratum {
    fn format(&self) -> Format {
        Format::Stratum
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        let sure = bytes.starts_with(STRONG_HEADER)
            || bytes.starts_with(LEGACY_HEADER)
            || json::object_has(bytes, &["Authenticators", "Categories"]);
        sure.then_some(Confidence::Sure)
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        let (encrypted, backup) = if let Some(rest) = bytes.strip_prefix(STRONG_HEADER) {
            (true, decrypt_strong(rest, needed(password)?)?)
        } else if let Some(rest) = bytes.strip_prefix(LEGACY_HEADER) {
            (true, decrypt_legacy(rest, needed(password)?)?)
        } else {
            (false, json::parse::<Backup>(Format::Stratum, bytes)?)
        };
        let entries = backup.authenticators.into_iter().map(entry).collect();
        Ok(Export::new(Format::Stratum, encrypted, entries))
    }
}

/// The password, or [`ImportError::PasswordNeeded`].
fn needed(password: Option<&str>) -> Result<&str, ImportError> {
    password.ok_or(ImportError::PasswordNeeded(Format::Stratum))
}

/// Opens a strong backup (after its header).
fn decrypt_strong(rest: &[u8], password: &str) -> Result<Backup, ImportError> {
    limits::argon2(
        Format::Stratum,
        ARGON2_MEMORY_KIB,
        ARGON2_PASSES,
        ARGON2_LANES,
    )?;
    if rest.len() < STRONG_SALT_BYTES + STRONG_IV_BYTES + GCM_TAG_BYTES {
        return Err(damaged("it ends too early"));
    }
    let (salt, rest) = rest.split_at(STRONG_SALT_BYTES);
    let (iv, ciphertext) = rest.split_at(STRONG_IV_BYTES);
    let key = argon2_key(password, salt)?;
    let cipher = Aes256Gcm::new_from_slice(key.as_ref()).expect("32 bytes is an AES-256 key");
    let nonce = Nonce::try_from(iv).expect("12 bytes is a GCM nonce");
    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_in_place(&nonce, b"", &mut *plaintext)
        .map_err(|_| ImportError::WrongPassword(Format::Stratum))?;
    json::parse(Format::Stratum, &plaintext)
}

/// Argon2id with Stratum's fixed parameters.
fn argon2_key(password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; KEY_BYTES]>, ImportError> {
    let params = argon2::Params::new(
        ARGON2_MEMORY_KIB,
        ARGON2_PASSES,
        ARGON2_LANES,
        Some(KEY_BYTES),
    )
    .expect("Stratum's Argon2 parameters are valid");
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    argon
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(|_| damaged("its salt is invalid"))?;
    Ok(key)
}

/// Opens a legacy backup (after its header).
fn decrypt_legacy(rest: &[u8], password: &str) -> Result<Backup, ImportError> {
    limits::pbkdf2(Format::Stratum, LEGACY_ITERATIONS)?;
    let block = LEGACY_IV_BYTES;
    if rest.len() < LEGACY_SALT_BYTES + LEGACY_IV_BYTES + block
        || !(rest.len() - LEGACY_SALT_BYTES - LEGACY_IV_BYTES).is_multiple_of(block)
    {
        return Err(damaged("it ends too early or has a partial block"));
    }
    let (salt, rest) = rest.split_at(LEGACY_SALT_BYTES);
    let (iv, ciphertext) = rest.split_at(LEGACY_IV_BYTES);
    let mut key = Zeroizing::new([0u8; KEY_BYTES]);
    pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), salt, LEGACY_ITERATIONS, key.as_mut());
    let cipher = cbc::Decryptor::<aes::Aes256>::new_from_slices(key.as_ref(), iv)
        .expect("a 32-byte key and a 16-byte IV");
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    let plaintext = cipher
        .decrypt_padded::<Pkcs7>(&mut buffer)
        .map_err(|_| ImportError::WrongPassword(Format::Stratum))?;
    // Without a tag, a wrong password shows as bytes that are not the backup's JSON
    // object; JSON that is damaged further on is damage.
    if plaintext.first() != Some(&b'{') {
        return Err(ImportError::WrongPassword(Format::Stratum));
    }
    json::parse(Format::Stratum, plaintext)
}

/// The entry for one authenticator.
fn entry(a: Authenticator) -> Entry {
    let issuer = a.issuer.as_deref();
    let name = a.username.as_deref().unwrap_or("");
    let label = Account::new(
        issuer,
        name,
        Secret::from_bytes(Vec::new()),
        Params::default(),
    )
    .label();
    let params = match params(&a) {
        Ok(params) => params,
        Err(reason) => return Entry::skipped(&label, reason),
    };
    let text = a.secret.as_deref().unwrap_or("");
    match decode_secret(text) {
        Ok((secret, warnings)) => {
            Entry::from_account(Account::new(issuer, name, secret, params), warnings)
        }
        Err(e) => Entry::skipped(&label, SkipReason::Invalid(e.to_string())),
    }
}

/// The code parameters of an authenticator, or why it is skipped.
fn params(a: &Authenticator) -> Result<Params, SkipReason> {
    let algorithm = match a.algorithm {
        0 => Algorithm::SHA1,
        1 => Algorithm::SHA256,
        2 => Algorithm::SHA512,
        n => {
            return Err(SkipReason::Invalid(format!(
                "unknown algorithm (number {n})"
            )));
        }
    };
    let digits = u8::try_from(a.digits).unwrap_or(u8::MAX);
    let number = |n: i64, what: &str| {
        u64::try_from(n).map_err(|_| SkipReason::Invalid(format!("a negative {what} ({n})")))
    };
    match a.r#type {
        1 => Ok(Params::hotp(
            algorithm,
            digits,
            number(a.counter, "counter")?,
        )),
        2 => Ok(Params::totp(algorithm, digits, number(a.period, "period")?)),
        3 => Err(SkipReason::UnsupportedKind("mOTP".into())),
        4 => Ok(Params::steam()),
        5 => Err(SkipReason::UnsupportedKind("Yandex".into())),
        n => Err(SkipReason::Invalid(format!("unknown type (number {n})"))),
    }
}

/// [`ImportError::Damaged`] for Stratum.
fn damaged(reason: &str) -> ImportError {
    ImportError::damaged(Format::Stratum, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes_gcm::aead::Aead;

    const PLAIN: &str = r#"{"Authenticators":[
        {"Type":2,"Issuer":"ACME","Username":"alice","Secret":"JBSWY3DPEHPK3PXP","Algorithm":1,"Digits":8,"Period":60,"Counter":0},
        {"Type":1,"Issuer":"Bank","Username":"bob","Secret":"jbsw y3dp ehpk 3pxp","Algorithm":2,"Digits":6,"Period":30,"Counter":5},
        {"Type":5,"Issuer":"Yandex","Username":"y","Secret":"JBSWY3DPEHPK3PXP","Algorithm":0,"Digits":8,"Period":30,"Counter":0},
        {"Type":9,"Issuer":"New","Username":"n","Secret":"JBSWY3DPEHPK3PXP","Algorithm":0,"Digits":6,"Period":30,"Counter":0},
        {"Type":2,"Issuer":"Odd","Username":"o","Secret":"JBSWY3DPEHPK3PXP","Algorithm":7,"Digits":6,"Period":30,"Counter":0},
        {"Type":2,"Issuer":"Long","Username":"l","Secret":"JBSWY3DPEHPK3PXP","Algorithm":0,"Digits":300,"Period":30,"Counter":0}
    ],"Categories":[],"AuthenticatorCategories":[],"CustomIcons":[]}"#;

    /// A strong backup of `plain` under `password` (Stratum's own layout).
    fn strong(plain: &[u8], password: &str) -> Vec<u8> {
        let salt = [5u8; STRONG_SALT_BYTES];
        let iv = [9u8; STRONG_IV_BYTES];
        let key = argon2_key(password, &salt).unwrap();
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).unwrap();
        let sealed = cipher
            .encrypt(&Nonce::try_from(&iv[..]).unwrap(), plain)
            .unwrap();
        [STRONG_HEADER, &salt, &iv, &sealed].concat()
    }

    #[test]
    fn plain_backups_map_types_and_algorithms() {
        assert_eq!(Stratum.detect(PLAIN.as_bytes()), Some(Confidence::Sure));
        assert_eq!(Stratum.detect(b"{\"Authenticators\":[]}"), None);
        let export = Stratum.read(PLAIN.as_bytes(), None).unwrap();
        assert!(!export.encrypted);
        let accounts: Vec<_> = export.accounts().map(|p| &p.account).collect();
        assert_eq!(accounts.len(), 2);
        assert_eq!(accounts[0].params, Params::totp(Algorithm::SHA256, 8, 60));
        assert_eq!(accounts[1].params, Params::hotp(Algorithm::SHA512, 6, 5));
        assert_eq!(accounts[1].secret, accounts[0].secret);
        let skipped: Vec<_> = export
            .skipped()
            .map(|s| (s.label.as_str(), &s.reason))
            .collect();
        assert_eq!(
            skipped[0],
            ("Yandex: y", &SkipReason::UnsupportedKind("Yandex".into()))
        );
        assert!(matches!(skipped[1], ("New: n", SkipReason::Invalid(_))));
        assert!(matches!(skipped[2], ("Odd: o", SkipReason::Invalid(_))));
        assert!(matches!(
            skipped[3],
            ("Long: l", SkipReason::CannotComputeCodes(_))
        ));
    }

    #[test]
    fn strong_backups_tell_a_wrong_password_from_damage() {
        let bytes = strong(PLAIN.as_bytes(), "pw");
        assert_eq!(Stratum.detect(&bytes), Some(Confidence::Sure));
        let export = Stratum.read(&bytes, Some("pw")).unwrap();
        assert!(export.encrypted);
        assert_eq!(export.accounts().count(), 2);
        assert!(matches!(
            Stratum.read(&bytes, None),
            Err(ImportError::PasswordNeeded(Format::Stratum))
        ));
        assert!(matches!(
            Stratum.read(&bytes, Some("wrong")),
            Err(ImportError::WrongPassword(Format::Stratum))
        ));
        assert!(matches!(
            Stratum.read(&bytes[..40], Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
        let not_json = strong(b"JBSWY3DPEHPK3PXP", "pw");
        let err = Stratum.read(&not_json, Some("pw")).unwrap_err();
        assert!(matches!(err, ImportError::Damaged { .. }), "{err:?}");
        assert!(!err.to_string().contains("JBSWY3DP"), "{err}");
    }

    #[test]
    fn legacy_backups_of_the_wrong_shape_are_damaged() {
        let mut bytes = LEGACY_HEADER.to_vec();
        bytes.extend_from_slice(&[1; LEGACY_SALT_BYTES + LEGACY_IV_BYTES + 15]);
        assert!(matches!(
            Stratum.read(&bytes, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
        bytes.push(0);
        assert!(matches!(
            Stratum.read(&bytes, Some("pw")),
            Err(ImportError::WrongPassword(Format::Stratum))
        ));
    }

    #[test]
    fn any_bytes_give_a_typed_error() {
        let mut seed = 11u32;
        for prefix in [&b""[..], STRONG_HEADER, LEGACY_HEADER] {
            for len in [0, 1, 16, 47, 64, 1000] {
                let mut bytes = prefix.to_vec();
                bytes.extend((0..len).map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed >> 16) as u8
                }));
                assert!(Stratum.read(&bytes, Some("x")).is_err());
            }
        }
    }
}
