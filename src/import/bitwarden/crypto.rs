//! Bitwarden's password-protected JSON export: a key from the password (PBKDF2-SHA256 or
//! Argon2id, over the UTF-8 of the base64 salt text), split by HKDF-Expand-SHA256 into an
//! encryption key ("enc") and a MAC key ("mac"). Each EncString `2.iv|ct|mac` is
//! AES-256-CBC with an HMAC-SHA256 over iv‖ct. `encKeyValidation_DO_NOT_EDIT` checks the
//! password; `data` is the plain export.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, KeyIvInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use hmac::{KeyInit, Mac};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::import::{Format, ImportError, json, limits};

const FORMAT: Format = Format::Bitwarden;
const KEY_LEN: usize = 32;

/// The fields of a password-protected export.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Protected {
    salt: String,
    kdf_type: u32,
    kdf_iterations: u32,
    #[serde(default)]
    kdf_memory: Option<u32>,
    #[serde(default)]
    kdf_parallelism: Option<u32>,
    #[serde(rename = "encKeyValidation_DO_NOT_EDIT")]
    validation: String,
    data: String,
}

/// How the key is derived, bounded.
enum Kdf {
    Pbkdf2 {
        iterations: u32,
    },
    Argon2 {
        memory_kib: u32,
        passes: u32,
        lanes: u32,
    },
}

/// The two keys HKDF derives from the password key.
struct Keys {
    enc: Zeroizing<[u8; KEY_LEN]>,
    mac: Zeroizing<[u8; KEY_LEN]>,
}

/// The decrypted `data` of a password-protected export: a plain export's JSON.
pub(super) fn decrypt(
    bytes: &[u8],
    password: Option<&str>,
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let file: Protected = json::parse(FORMAT, bytes)?;
    let kdf = kdf(&file)?;
    let password = password.ok_or(ImportError::PasswordNeeded(FORMAT))?;
    let validation = EncString::parse(&file.validation)?;
    let data = EncString::parse(&file.data)?;
    let key = derive(&kdf, password, &file.salt)?;
    let keys = keys(&key);
    if !validation.authentic(&keys) {
        return Err(ImportError::WrongPassword(FORMAT));
    }
    if !data.authentic(&keys) {
        return Err(damaged("its data does not match its key check"));
    }
    data.decrypt(&keys)
}

/// The file's KDF, refused when it asks for too much work.
fn kdf(file: &Protected) -> Result<Kdf, ImportError> {
    match file.kdf_type {
        0 => {
            limits::pbkdf2(FORMAT, file.kdf_iterations)?;
            if file.kdf_iterations == 0 {
                return Err(damaged("its PBKDF2 iteration count is 0"));
            }
            Ok(Kdf::Pbkdf2 {
                iterations: file.kdf_iterations,
            })
        }
        1 => {
            let (Some(memory_mib), Some(lanes)) = (file.kdf_memory, file.kdf_parallelism) else {
                return Err(damaged("its Argon2 memory or parallelism is missing"));
            };
            let memory_kib = memory_mib.saturating_mul(1024);
            limits::argon2(FORMAT, memory_kib, file.kdf_iterations, lanes)?;
            Ok(Kdf::Argon2 {
                memory_kib,
                passes: file.kdf_iterations,
                lanes,
            })
        }
        other => Err(ImportError::Unsupported {
            format: FORMAT,
            reason: format!("its key derivation (type {other}) is not one Sesame knows"),
        }),
    }
}

/// The 32-byte key from the password.
fn derive(kdf: &Kdf, password: &str, salt: &str) -> Result<Zeroizing<[u8; KEY_LEN]>, ImportError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    match *kdf {
        Kdf::Pbkdf2 { iterations } => {
            pbkdf2::pbkdf2_hmac::<Sha256>(
                password.as_bytes(),
                salt.as_bytes(),
                iterations,
                key.as_mut(),
            );
        }
        Kdf::Argon2 {
            memory_kib,
            passes,
            lanes,
        } => {
            let invalid = |_| damaged("its Argon2 parameters are invalid");
            let params =
                argon2::Params::new(memory_kib, passes, lanes, Some(KEY_LEN)).map_err(invalid)?;
            let salt = Sha256::digest(salt.as_bytes());
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
                .hash_password_into(password.as_bytes(), &salt, key.as_mut())
                .map_err(invalid)?;
        }
    }
    Ok(key)
}

/// HKDF-Expand-SHA256 of the password key into the encryption and MAC keys.
fn keys(key: &[u8; KEY_LEN]) -> Keys {
    let hkdf = Hkdf::<Sha256>::from_prk(key).expect("a 32-byte PRK is long enough");
    let mut keys = Keys {
        enc: Zeroizing::new([0; KEY_LEN]),
        mac: Zeroizing::new([0; KEY_LEN]),
    };
    hkdf.expand(b"enc", keys.enc.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 length");
    hkdf.expand(b"mac", keys.mac.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 length");
    keys
}

/// A type-2 EncString: AES-256-CBC, HMAC-SHA256.
struct EncString {
    iv: [u8; 16],
    ciphertext: Vec<u8>,
    mac: Vec<u8>,
}

impl EncString {
    /// Reads `2.iv|ct|mac`.
    fn parse(text: &str) -> Result<Self, ImportError> {
        let Some(rest) = text.strip_prefix("2.") else {
            return Err(ImportError::Unsupported {
                format: FORMAT,
                reason: "it is encrypted in a way Sesame does not know (not type 2)".into(),
            });
        };
        let mut parts = rest.split('|').map(|p| STANDARD.decode(p.trim()).ok());
        let (Some(Some(iv)), Some(Some(ciphertext)), Some(Some(mac)), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(damaged("an encrypted value is not iv|data|mac in base64"));
        };
        let iv = iv
            .try_into()
            .map_err(|_| damaged("an encrypted value's IV is not 16 bytes"))?;
        Ok(EncString {
            iv,
            ciphertext,
            mac,
        })
    }

    /// Whether the MAC over iv‖ct is right.
    fn authentic(&self, keys: &Keys) -> bool {
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(keys.mac.as_ref())
            .expect("HMAC accepts any key length");
        mac.update(&self.iv);
        mac.update(&self.ciphertext);
        mac.verify_slice(&self.mac).is_ok()
    }

    /// The plaintext (call [`EncString::authentic`] first).
    fn decrypt(&self, keys: &Keys) -> Result<Zeroizing<Vec<u8>>, ImportError> {
        cbc::Decryptor::<aes::Aes256>::new_from_slices(keys.enc.as_ref(), &self.iv)
            .expect("32-byte key and 16-byte IV")
            .decrypt_padded_vec::<Pkcs7>(&self.ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| damaged("its data does not decrypt (bad padding)"))
    }
}

fn damaged(reason: &str) -> ImportError {
    ImportError::damaged(FORMAT, reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aes::cipher::BlockModeEncrypt;

    /// A password-protected export of `plain` (PBKDF2 with `iterations`).
    pub(crate) fn protect(plain: &str, password: &str, iterations: u32) -> String {
        let salt = "c2FsdHNhbHRzYWx0c2FsdA==";
        let keys = keys(&derive(&Kdf::Pbkdf2 { iterations }, password, salt).unwrap());
        let seal = |text: &[u8]| {
            let iv = [7u8; 16];
            let ct = cbc::Encryptor::<aes::Aes256>::new_from_slices(keys.enc.as_ref(), &iv)
                .unwrap()
                .encrypt_padded_vec::<Pkcs7>(text);
            let mut mac =
                <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(keys.mac.as_ref()).unwrap();
            mac.update(&iv);
            mac.update(&ct);
            let mac = mac.finalize().into_bytes();
            format!(
                "2.{}|{}|{}",
                STANDARD.encode(iv),
                STANDARD.encode(ct),
                STANDARD.encode(mac)
            )
        };
        serde_json::json!({
            "encrypted": true, "passwordProtected": true, "salt": salt,
            "kdfType": 0, "kdfIterations": iterations, "kdfMemory": null, "kdfParallelism": null,
            "encKeyValidation_DO_NOT_EDIT": seal(b"a uuid"),
            "data": seal(plain.as_bytes()),
        })
        .to_string()
    }

    #[test]
    fn a_wrong_password_is_told_apart_from_damage() {
        let file = protect(r#"{"encrypted":false,"items":[]}"#, "right", 10);
        assert!(decrypt(file.as_bytes(), Some("right")).is_ok());
        assert!(matches!(
            decrypt(file.as_bytes(), Some("wrong")),
            Err(ImportError::WrongPassword(Format::Bitwarden))
        ));
        assert!(matches!(
            decrypt(file.as_bytes(), None),
            Err(ImportError::PasswordNeeded(Format::Bitwarden))
        ));
        let mut value: serde_json::Value = serde_json::from_str(&file).unwrap();
        value["data"] = value["encKeyValidation_DO_NOT_EDIT"].clone();
        value["data"] =
            serde_json::Value::String(value["data"].as_str().unwrap().replacen("2.B", "2.C", 1));
        assert!(matches!(
            decrypt(value.to_string().as_bytes(), Some("right")),
            Err(ImportError::Damaged { .. })
        ));
        value["data"] = "2.AAAA|AAAA".into();
        assert!(matches!(
            decrypt(value.to_string().as_bytes(), Some("right")),
            Err(ImportError::Damaged { .. })
        ));
    }

    #[test]
    fn costly_kdfs_are_refused_before_any_work() {
        let base = serde_json::json!({
            "encrypted": true, "passwordProtected": true, "salt": "x",
            "kdfType": 0, "kdfIterations": u32::MAX,
            "encKeyValidation_DO_NOT_EDIT": "2.a|b|c", "data": "2.a|b|c",
        });
        let started = std::time::Instant::now();
        assert!(matches!(
            decrypt(base.to_string().as_bytes(), Some("pw")),
            Err(ImportError::TooCostly { .. })
        ));
        let mut argon = base.clone();
        argon["kdfType"] = 1.into();
        argon["kdfIterations"] = 3.into();
        argon["kdfMemory"] = 1_000_000.into();
        argon["kdfParallelism"] = 4.into();
        assert!(matches!(
            decrypt(argon.to_string().as_bytes(), None),
            Err(ImportError::TooCostly { .. })
        ));
        argon["kdfMemory"] = u32::MAX.into();
        assert!(matches!(
            decrypt(argon.to_string().as_bytes(), None),
            Err(ImportError::TooCostly { .. })
        ));
        assert!(started.elapsed().as_secs() < 1);
        argon["kdfType"] = 7.into();
        assert!(matches!(
            decrypt(argon.to_string().as_bytes(), None),
            Err(ImportError::Unsupported { .. })
        ));
    }
}
