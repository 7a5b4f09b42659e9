//! 2FAS backups (`.2fas`, schema versions 1–4), plain or encrypted.
//!
//! A plain backup lists `services`, each with its Base32 `secret` and an `otp` object
//! (issuer, account, digits, period, algorithm, counter, `tokenType`). An encrypted one
//! leaves `services` empty and holds them in `servicesEncrypted`,
//! `Base64(ciphertext‖tag):Base64(salt):Base64(iv)`: PBKDF2-HMAC-SHA256 with 10,000
//! iterations gives an AES-256-GCM key. `reference` is a fixed text sealed the same way,
//! so the password is checked on it before the accounts are opened.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::account::Account;
use crate::otp::Params;
use crate::uri::{self, shown};

use super::fields;
use super::{
    Confidence, Entry, Export, Format, ImportError, Reader, SkipReason, decode_secret, json, limits,
};

/// PBKDF2 iterations 2FAS uses.
const ITERATIONS: u32 = 10_000;
/// AES-256 key length.
const KEY_LEN: usize = 32;
/// AES-GCM IV length.
const IV_LEN: usize = 12;
/// AES-GCM tag length.
const TAG_LEN: usize = 16;
/// Longest salt accepted (2FAS writes 256 bytes).
const MAX_SALT_LEN: usize = 1024;

/// A 2FAS backup, plain or encrypted.
pub(crate) struct TwoFas;

/// The top level of a `.2fas` file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Backup {
    #[serde(default)]
    services: Option<Vec<Service>>,
    #[serde(default)]
    services_encrypted: Option<String>,
    #[serde(default)]
    reference: Option<String>,
}

/// One service (account).
#[derive(Deserialize)]
struct Service {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    otp: Option<Otp>,
}

/// A service's code parameters; every field may be missing or null.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Otp {
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    digits: Option<u64>,
    #[serde(default)]
    period: Option<u64>,
    #[serde(default)]
    algorithm: Option<String>,
    #[serde(default)]
    counter: Option<u64>,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    link: Option<String>,
}

/// One `Base64(ciphertext‖tag):Base64(salt):Base64(iv)` field.
struct Sealed {
    ciphertext: Vec<u8>,
    salt: Vec<u8>,
    iv: [u8; IV_LEN],
}

impl Reader for TwoFas {
    fn format(&self) -> Format {
        Format::TwoFas
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        if json::object_has(bytes, &["servicesEncrypted"])
            || json::object_has(bytes, &["services", "schemaVersion"])
        {
            Some(Confidence::Sure)
        } else if json::object_has(bytes, &["services"]) {
            Some(Confidence::Maybe)
        } else {
            None
        }
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        let backup: Backup = json::parse(Format::TwoFas, bytes)?;
        match backup.services_encrypted.filter(|s| !s.trim().is_empty()) {
            None => Ok(Export::new(
                Format::TwoFas,
                false,
                entries(&backup.services.unwrap_or_default()),
            )),
            Some(sealed) => {
                let password = password.ok_or(ImportError::PasswordNeeded(Format::TwoFas))?;
                let plaintext = open(&sealed, backup.reference.as_deref(), password)?;
                let services: Vec<Service> = json::parse(Format::TwoFas, &plaintext)?;
                Ok(Export::new(Format::TwoFas, true, entries(&services)))
            }
        }
    }
}

/// One entry per service, in file order.
fn entries(services: &[Service]) -> Vec<Entry> {
    services
        .iter()
        .enumerate()
        .map(|(i, s)| entry(i, s))
        .collect()
}

/// A service as an account, or skipped with the reason.
fn entry(index: usize, service: &Service) -> Entry {
    let default = Otp::default();
    let otp = service.otp.as_ref().unwrap_or(&default);
    let link = otp
        .link
        .as_deref()
        .and_then(|l| uri::parse_lenient(l).ok())
        .map(|p| p.account);
    let issuer = non_empty(otp.issuer.as_deref()).or(non_empty(service.name.as_deref()));
    let name = account_name(otp, issuer, link.as_ref());
    let label = match (issuer, name.is_empty()) {
        (Some(issuer), false) => format!("{issuer}: {name}"),
        (Some(issuer), true) => issuer.to_owned(),
        (None, false) => name.clone(),
        (None, true) => format!("service {}", index + 1),
    };
    let (secret, warnings) = match service.secret.as_deref().map(decode_secret) {
        Some(Ok(decoded)) => decoded,
        Some(Err(e)) => return Entry::skipped(&label, SkipReason::Invalid(e.to_string())),
        None => return Entry::skipped(&label, SkipReason::Invalid("no secret".into())),
    };
    match params(otp, link.map(|l| l.params).unwrap_or_default()) {
        Ok(params) => Entry::from_account(Account::new(issuer, &name, secret, params), warnings),
        Err(reason) => Entry::skipped(&label, reason),
    }
}

/// The account name: `account`, else the label without its issuer prefix (when that is
/// not just the issuer again), else the name in the enrolment link.
fn account_name(otp: &Otp, issuer: Option<&str>, link: Option<&Account>) -> String {
    if let Some(account) = non_empty(otp.account.as_deref()) {
        return account.to_owned();
    }
    let Some(label) = non_empty(otp.label.as_deref()) else {
        return link.map(|l| l.name.clone()).unwrap_or_default();
    };
    let name = match label.split_once(':') {
        Some((prefix, rest)) if Some(prefix.trim()) == issuer => rest.trim(),
        _ => label,
    };
    if Some(name) == issuer {
        String::new()
    } else {
        name.to_owned()
    }
}

/// The code parameters; a missing one is taken from `link` (the enrolment link's, or
/// SHA1, 6 digits, 30 seconds without one).
fn params(otp: &Otp, link: Params) -> Result<Params, SkipReason> {
    let algorithm = fields::algorithm(otp.algorithm.as_deref(), link.algorithm)?;
    let digits = fields::digits(otp.digits.unwrap_or(u64::from(link.digits)))?;
    let kind = non_empty(otp.token_type.as_deref()).unwrap_or("TOTP");
    match kind.to_ascii_uppercase().as_str() {
        "TOTP" => Ok(Params::totp(
            algorithm,
            digits,
            otp.period.or(link.period()).unwrap_or(30),
        )),
        "HOTP" => Ok(Params::hotp(algorithm, digits, otp.counter.unwrap_or(0))),
        "STEAM" => Ok(Params::steam()),
        _ => Err(SkipReason::UnsupportedKind(shown(kind))),
    }
}

/// `Some(text)` when it is not blank.
fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// Checks the password on `reference` (when there is one), then opens the services.
fn open(
    services: &str,
    reference: Option<&str>,
    password: &str,
) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let services = sealed(services)?;
    limits::pbkdf2(Format::TwoFas, ITERATIONS)?;
    let key = derive(password, &services.salt);
    let checked = match reference.filter(|r| !r.trim().is_empty()) {
        Some(reference) => {
            let reference = sealed(reference)?;
            let reference_key = if reference.salt == services.salt {
                key.clone()
            } else {
                derive(password, &reference.salt)
            };
            decrypt(&reference_key, &reference)
                .ok_or(ImportError::WrongPassword(Format::TwoFas))?;
            true
        }
        None => false,
    };
    decrypt(&key, &services).ok_or(if checked {
        damaged("the accounts do not decrypt although the password is right")
    } else {
        ImportError::WrongPassword(Format::TwoFas)
    })
}

/// Splits and decodes one sealed field.
fn sealed(text: &str) -> Result<Sealed, ImportError> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    let [ciphertext, salt, iv] = parts[..] else {
        return Err(damaged("an encrypted field is not three Base64 parts"));
    };
    let decode = |part: &str| {
        BASE64
            .decode(part.trim())
            .map_err(|_| damaged("an encrypted field is not valid Base64"))
    };
    let (ciphertext, salt, iv) = (decode(ciphertext)?, decode(salt)?, decode(iv)?);
    let iv: [u8; IV_LEN] = iv
        .try_into()
        .map_err(|_| damaged("the IV is not 12 bytes"))?;
    if ciphertext.len() < TAG_LEN {
        return Err(damaged("an encrypted field is too short"));
    }
    if salt.is_empty() || salt.len() > MAX_SALT_LEN {
        return Err(damaged("the salt has an impossible length"));
    }
    Ok(Sealed {
        ciphertext,
        salt,
        iv,
    })
}

/// PBKDF2-HMAC-SHA256 of the password.
fn derive(password: &str, salt: &[u8]) -> Zeroizing<[u8; KEY_LEN]> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), salt, ITERATIONS, key.as_mut());
    key
}

/// AES-256-GCM decryption; `None` when the tag does not match.
fn decrypt(key: &[u8; KEY_LEN], sealed: &Sealed) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let payload = Payload {
        msg: &sealed.ciphertext,
        aad: &[],
    };
    cipher
        .decrypt(&Nonce::from(sealed.iv), payload)
        .ok()
        .map(Zeroizing::new)
}

/// A damaged-file error.
fn damaged(reason: &str) -> ImportError {
    ImportError::damaged(Format::TwoFas, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seals `plaintext` as 2FAS does, with a short salt to keep tests fast.
    fn seal(password: &str, salt: &[u8], iv: [u8; IV_LEN], plaintext: &[u8]) -> String {
        let key = derive(password, salt);
        let cipher = Aes256Gcm::new_from_slice(key.as_ref()).unwrap();
        let ct = cipher.encrypt(&Nonce::from(iv), plaintext).unwrap();
        format!(
            "{}:{}:{}",
            BASE64.encode(ct),
            BASE64.encode(salt),
            BASE64.encode(iv)
        )
    }

    fn encrypted(password: &str, services: &str) -> Vec<u8> {
        let salt = [7u8; 256];
        serde_json::json!({
            "services": [],
            "schemaVersion": 4,
            "servicesEncrypted": seal(password, &salt, [1; 12], services.as_bytes()),
            "reference": seal(password, &salt, [2; 12], b"reference text"),
        })
        .to_string()
        .into_bytes()
    }

    const SERVICES: &str = r#"[{"name":"Example","secret":"JBSWY3DPEHPK3PXP",
        "otp":{"account":"alice","tokenType":"TOTP"}}]"#;

    #[test]
    fn plain_services_use_the_defaults_and_skip_what_cannot_be_read() {
        let file = br#"{"schemaVersion":4,"services":[
            {"name":"Example","secret":"JBSWY3DPEHPK3PXP","otp":{"label":"Example:bob","algorithm":null}},
            {"name":"Odd","secret":"JBSWY3DPEHPK3PXP","otp":{"algorithm":"SHA384"}},
            {"name":"Yandex","secret":"JBSWY3DPEHPK3PXP","otp":{"tokenType":"YAOTP"}},
            {"name":"Broken","otp":{}}]}"#;
        assert_eq!(TwoFas.detect(file), Some(Confidence::Sure));
        let export = TwoFas.read(file, None).unwrap();
        let account = &export.accounts().next().unwrap().account;
        assert_eq!(account.label(), "Example: bob");
        assert_eq!(account.params, Params::default());
        let reasons: Vec<_> = export.skipped().map(|s| s.reason.clone()).collect();
        assert!(matches!(reasons[0], SkipReason::CannotComputeCodes(_)));
        assert_eq!(reasons[1], SkipReason::UnsupportedKind("YAOTP".into()));
        assert!(matches!(reasons[2], SkipReason::Invalid(_)));
    }

    #[test]
    fn an_encrypted_backup_opens_with_its_password_only() {
        let file = encrypted("pw", SERVICES);
        assert_eq!(TwoFas.detect(&file), Some(Confidence::Sure));
        assert!(matches!(
            TwoFas.read(&file, None),
            Err(ImportError::PasswordNeeded(Format::TwoFas))
        ));
        assert!(matches!(
            TwoFas.read(&file, Some("nope")),
            Err(ImportError::WrongPassword(Format::TwoFas))
        ));
        let export = TwoFas.read(&file, Some("pw")).unwrap();
        assert!(export.encrypted);
        assert_eq!(export.accounts().count(), 1);
    }

    #[test]
    fn damage_after_the_password_check_is_damage() {
        let mut value: serde_json::Value =
            serde_json::from_slice(&encrypted("pw", "not json")).unwrap();
        let export = TwoFas.read(value.to_string().as_bytes(), Some("pw"));
        assert!(
            matches!(export, Err(ImportError::Damaged { .. })),
            "{export:?}"
        );
        let services = value["servicesEncrypted"].as_str().unwrap().to_owned();
        value["servicesEncrypted"] = format!("AAAA{services}").into();
        let err = TwoFas
            .read(value.to_string().as_bytes(), Some("pw"))
            .unwrap_err();
        assert!(matches!(err, ImportError::Damaged { .. }), "{err:?}");
    }

    #[test]
    fn truncated_and_random_files_are_typed_errors() {
        let file = encrypted("pw", SERVICES);
        for len in [0, 1, file.len() / 2, file.len() - 1] {
            assert!(matches!(
                TwoFas.read(&file[..len], Some("pw")),
                Err(ImportError::Damaged { .. })
            ));
        }
        let broken = br#"{"services":[],"servicesEncrypted":"AAAA:AAAA","reference":"x"}"#;
        assert!(matches!(
            TwoFas.read(broken, Some("pw")),
            Err(ImportError::Damaged { .. })
        ));
        let mut state = 1u32;
        for len in [0usize, 3, 64, 1000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (state >> 16) as u8
                })
                .collect();
            assert!(TwoFas.read(&bytes, Some("pw")).is_err());
        }
    }
}
