//! FreeOTP 2.x backup: a Java-serialized `HashMap<String, String>` (see [`java`]).
//!
//! `masterKey` holds a 32-byte master key wrapped with AES-GCM under a key derived from
//! the password (PBKDF2 with HMAC-SHA512, HMAC-SHA1 on old Android). Each `<uuid>` holds
//! `{key}`, the token's secret wrapped with the master key, and `<uuid>-token` the token's
//! JSON (FreeOTP's token JSON, see [`Token`]; its HOTP counter is the next one). Each
//! wrapped key is `{mCipher, mCipherText, mParameters, mToken}`: the nonce is in the DER
//! `mParameters` and the AAD is `mToken`.

mod java;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::freeotp_plus::{Counter, Token, bytes_of};
use super::{Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, json, limits};

const FORMAT: Format = Format::FreeOtp;
const KEY_LEN: usize = 32;

/// FreeOTP 2's encrypted backup.
pub(crate) struct FreeOtp;

impl Reader for FreeOtp {
    fn format(&self) -> Format {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        if java::is_hash_map(bytes) {
            Some(Confidence::Sure)
        } else {
            java::is_serialized(bytes).then_some(Confidence::Maybe)
        }
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        let map = java::read_string_map(bytes).map_err(damaged)?;
        let master = map
            .get("masterKey")
            .ok_or_else(|| damaged("it has no master key"))?;
        let master: MasterKey = json::parse(FORMAT, master.as_bytes())?;
        let kdf = master.kdf()?;
        let password = password.ok_or(ImportError::PasswordNeeded(FORMAT))?;
        let wrapped = master.encrypted_key.parse()?;
        let key = kdf.derive(password);
        let master = wrapped
            .open(&key)
            .ok_or(ImportError::WrongPassword(FORMAT))?;
        let master: Zeroizing<[u8; KEY_LEN]> = Zeroizing::new(
            master
                .as_slice()
                .try_into()
                .map_err(|_| damaged("its master key is not 32 bytes"))?,
        );
        Ok(Export::new(FORMAT, true, entries(&map, &master)))
    }
}

/// One entry per `<uuid>` key, in stream order, and one per token without a key.
fn entries(map: &java::Map, master: &[u8; KEY_LEN]) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (name, value) in &map.entries {
        if name == "masterKey" {
            continue;
        }
        if let Some(uuid) = name.strip_suffix("-token") {
            if map.get(uuid).is_none() {
                entries.push(Entry::skipped(&token(value).label(), no_key()));
            }
            continue;
        }
        let token = match map.get(&format!("{name}-token")) {
            Some(json) => token(json),
            None => Token::default(),
        };
        let label = token.label();
        entries.push(match secret(value, master) {
            Ok(secret) => token.entry(secret.to_vec(), Counter::Next),
            Err(reason) => Entry::skipped(&label, reason),
        });
    }
    entries
}

/// A token's metadata (empty when it is not the JSON it should be).
fn token(text: &str) -> Token {
    serde_json::from_str(text).unwrap_or_default()
}

/// A token's secret, unwrapped with the master key.
fn secret(value: &str, master: &[u8; KEY_LEN]) -> Result<Zeroizing<Vec<u8>>, SkipReason> {
    let broken = || SkipReason::Invalid("its encrypted secret is damaged".into());
    let holder: KeyHolder = serde_json::from_str(value).map_err(|_| broken())?;
    let wrapped: EncryptedKey = serde_json::from_str(&holder.key).map_err(|_| broken())?;
    let wrapped = wrapped.parse().map_err(|_| broken())?;
    wrapped.open(master).ok_or_else(|| {
        SkipReason::Invalid("its secret does not decrypt with the backup's master key".into())
    })
}

fn no_key() -> SkipReason {
    SkipReason::Invalid("the backup has no secret for it".into())
}

/// `masterKey`.
#[derive(Deserialize)]
struct MasterKey {
    #[serde(rename = "mAlgorithm")]
    algorithm: String,
    #[serde(rename = "mIterations")]
    iterations: u32,
    #[serde(rename = "mSalt")]
    salt: Vec<i64>,
    #[serde(rename = "mEncryptedKey")]
    encrypted_key: EncryptedKey,
}

/// `<uuid>`: the token's wrapped secret, itself JSON in a string.
#[derive(Deserialize)]
struct KeyHolder {
    key: String,
}

/// A key wrapped with AES-GCM, as FreeOTP writes it.
#[derive(Deserialize)]
struct EncryptedKey {
    #[serde(rename = "mCipher")]
    cipher: String,
    #[serde(rename = "mCipherText")]
    ciphertext: Vec<i64>,
    #[serde(rename = "mParameters")]
    parameters: Vec<i64>,
    #[serde(rename = "mToken")]
    token: String,
}

/// An [`EncryptedKey`] checked and decoded.
struct Wrapped {
    nonce: [u8; 12],
    ciphertext: Vec<u8>,
    aad: Vec<u8>,
}

/// The password KDF, bounded.
struct Kdf {
    sha512: bool,
    iterations: u32,
    salt: Vec<u8>,
}

impl MasterKey {
    /// The KDF the file names, refused when it asks for too much work.
    fn kdf(&self) -> Result<Kdf, ImportError> {
        let sha512 = match self.algorithm.to_ascii_lowercase().as_str() {
            "pbkdf2withhmacsha512" => true,
            "pbkdf2withhmacsha1" => false,
            _ => {
                return Err(ImportError::Unsupported {
                    format: FORMAT,
                    reason: "its key derivation is not one Sesame knows".into(),
                });
            }
        };
        limits::pbkdf2(FORMAT, self.iterations)?;
        if self.iterations == 0 {
            return Err(damaged("its PBKDF2 iteration count is 0"));
        }
        let salt =
            bytes_of(&self.salt).ok_or_else(|| damaged("its salt is not a list of bytes"))?;
        Ok(Kdf {
            sha512,
            iterations: self.iterations,
            salt,
        })
    }
}

impl Kdf {
    /// The key that unwraps the master key.
    fn derive(&self, password: &str) -> Zeroizing<[u8; KEY_LEN]> {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        let (password, salt) = (password.as_bytes(), self.salt.as_slice());
        if self.sha512 {
            pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, self.iterations, key.as_mut());
        } else {
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, self.iterations, key.as_mut());
        }
        key
    }
}

impl EncryptedKey {
    /// Checks the cipher and decodes the bytes and the nonce.
    fn parse(&self) -> Result<Wrapped, ImportError> {
        if !self.cipher.eq_ignore_ascii_case("AES/GCM/NoPadding") {
            return Err(ImportError::Unsupported {
                format: FORMAT,
                reason: "a key is wrapped with a cipher Sesame does not know".into(),
            });
        }
        let bytes = |numbers: &[i64]| {
            bytes_of(numbers).ok_or_else(|| damaged("a wrapped key is not a list of bytes"))
        };
        let nonce = gcm_nonce(&bytes(&self.parameters)?)
            .ok_or_else(|| damaged("a wrapped key's parameters are not a 12-byte GCM nonce"))?;
        Ok(Wrapped {
            nonce,
            ciphertext: bytes(&self.ciphertext)?,
            aad: self.token.as_bytes().to_vec(),
        })
    }
}

impl Wrapped {
    /// The key, or `None` when the tag does not match (a wrong key, or a change).
    fn open(&self, key: &[u8; KEY_LEN]) -> Option<Zeroizing<Vec<u8>>> {
        let cipher = Aes256Gcm::new_from_slice(key).ok()?;
        let payload = Payload {
            msg: &self.ciphertext,
            aad: &self.aad,
        };
        cipher
            .decrypt(&Nonce::from(self.nonce), payload)
            .ok()
            .map(Zeroizing::new)
    }
}

/// The nonce in DER GCM parameters: a bare OCTET STRING (Android 6) or
/// `SEQUENCE { OCTET STRING nonce, INTEGER tagLength }` with a 16-byte tag (Android 7+).
fn gcm_nonce(der: &[u8]) -> Option<[u8; 12]> {
    let (tag, body, rest) = der_item(der)?;
    let octets = match tag {
        0x04 if rest.is_empty() => body,
        0x30 if rest.is_empty() => {
            let (tag, octets, rest) = der_item(body)?;
            if tag != 0x04 {
                return None;
            }
            if !rest.is_empty() {
                let (tag, tag_len, rest) = der_item(rest)?;
                if tag != 0x02 || tag_len != [16] || !rest.is_empty() {
                    return None;
                }
            }
            octets
        }
        _ => return None,
    };
    octets.try_into().ok()
}

/// One DER item with a short-form length: tag, contents and what follows.
fn der_item(der: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = der.split_first()?;
    let (&len, rest) = rest.split_first()?;
    if len & 0x80 != 0 || usize::from(len) > rest.len() {
        return None;
    }
    let (body, rest) = rest.split_at(usize::from(len));
    Some((tag, body, rest))
}

fn damaged(reason: &str) -> ImportError {
    ImportError::damaged(FORMAT, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::{Algorithm, Params};

    const PASSWORD: &str = "pw";

    fn signed(bytes: &[u8]) -> Vec<i64> {
        bytes.iter().map(|b| i64::from(*b as i8)).collect()
    }

    fn wrap(key: &[u8; KEY_LEN], plain: &[u8], aad: &str, sequence: bool) -> serde_json::Value {
        let nonce = [9u8; 12];
        let ciphertext = Aes256Gcm::new_from_slice(key)
            .unwrap()
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: aad.as_bytes(),
                },
            )
            .unwrap();
        let mut parameters = vec![0x04, 12];
        parameters.extend_from_slice(&nonce);
        if sequence {
            parameters.extend_from_slice(&[0x02, 0x01, 0x10]);
            parameters.splice(0..0, [0x30, 17]);
        }
        serde_json::json!({
            "mCipher": "AES/GCM/NoPadding", "mCipherText": signed(&ciphertext),
            "mParameters": signed(&parameters), "mToken": aad,
        })
    }

    /// A backup with one HOTP token (counter 7) and a token without its key.
    fn backup(iterations: u32) -> Vec<u8> {
        let kdf = Kdf {
            sha512: true,
            iterations,
            salt: vec![3; 32],
        };
        let key = kdf.derive(PASSWORD);
        let master = [5u8; KEY_LEN];
        let master_key = serde_json::json!({
            "mAlgorithm": "PBKDF2withHmacSHA512", "mIterations": iterations,
            "mSalt": signed(&kdf.salt), "mEncryptedKey": wrap(&key, &master, "AES", true),
        })
        .to_string();
        let secret = serde_json::json!({
            "key": wrap(&master, &[0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9], "HmacSHA256", false).to_string()
        })
        .to_string();
        let token =
            r#"{"algo":"SHA256","counter":7,"issuerExt":"ACME","label":"bob","type":"HOTP"}"#;
        java::serialize(&[
            ("u1-token", token),
            ("masterKey", &master_key),
            ("u1", &secret),
            ("u2-token", r#"{"label":"lost","type":"TOTP"}"#),
        ])
    }

    #[test]
    fn a_backup_opens_with_its_password_and_only_with_it() {
        let bytes = backup(10);
        assert_eq!(FreeOtp.detect(&bytes), Some(Confidence::Sure));
        let export = FreeOtp.read(&bytes, Some(PASSWORD)).unwrap();
        let account = &export.accounts().next().unwrap().account;
        assert_eq!(account.label(), "ACME: bob");
        assert_eq!(account.params, Params::hotp(Algorithm::SHA256, 6, 7));
        assert_eq!(account.secret.as_bytes(), [0xff, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        let skipped: Vec<_> = export.skipped().collect();
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].label, "lost");
        assert!(matches!(
            FreeOtp.read(&bytes, Some("wrong")),
            Err(ImportError::WrongPassword(Format::FreeOtp))
        ));
        assert!(matches!(
            FreeOtp.read(&bytes, None),
            Err(ImportError::PasswordNeeded(Format::FreeOtp))
        ));
    }

    #[test]
    fn damage_and_noise_are_typed_errors() {
        let bytes = backup(1);
        for end in 0..bytes.len() {
            assert!(FreeOtp.read(&bytes[..end], Some(PASSWORD)).is_err());
        }
        let mut noise = vec![0xac, 0xed, 0, 5];
        noise.extend((0..200u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        assert_eq!(FreeOtp.detect(&noise), Some(Confidence::Maybe));
        assert!(matches!(
            FreeOtp.read(&noise, Some(PASSWORD)),
            Err(ImportError::Damaged {
                format: Format::FreeOtp,
                ..
            })
        ));
        assert!(matches!(
            FreeOtp.read(b"{}", None),
            Err(ImportError::Damaged { .. })
        ));
        assert_eq!(gcm_nonce(&[0x04, 0x81, 12]), None);
        assert_eq!(gcm_nonce(&[0x30, 3, 0x04, 1, 0]), None);
    }

    #[test]
    fn costly_kdfs_are_refused_before_any_work() {
        let costly = java::serialize(&[(
            "masterKey",
            r#"{"mAlgorithm":"PBKDF2withHmacSHA512","mIterations":4000000000,"mSalt":[1],
                "mEncryptedKey":{"mCipher":"AES/GCM/NoPadding","mCipherText":[],"mParameters":[],"mToken":"AES"}}"#,
        )]);
        assert!(matches!(
            FreeOtp.read(&costly, None),
            Err(ImportError::TooCostly {
                format: Format::FreeOtp,
                ..
            })
        ));
    }
}
