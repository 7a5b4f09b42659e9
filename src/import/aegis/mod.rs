//! Aegis vault JSON, both ways: [`AegisVault`] reads Aegis's export (plain or encrypted) and
//! [`aegis_json`] writes one Aegis imports.
//!
//! The format is Aegis's `docs/vault.md`: `{version: 1, header: {slots, params}, db}`. In a
//! plain vault `slots` and `params` are null and `db` is `{version (1 to 3), entries,
//! groups}`. In an encrypted one `db` is the Base64 AES-256-GCM ciphertext of that object
//! under a random master key (`header.params` holds its nonce and tag, in hex), and each
//! slot holds the master key wrapped once more with AES-256-GCM. A password slot (type
//! one) wraps it under scrypt(password, `salt`, `n`, `r`, `p`); biometric slots (type two)
//! need the phone's keystore and are passed over.
//!
//! Sesame accounts carry no Aegis notes, icons or groups when read (an [`Entry`] is only an
//! account); the writer fills them from the vault: the note, and the tags as groups.

mod entries;
mod sealed;
mod write;

use aes_gcm::aead::{AeadInOut, Nonce, Tag};
use aes_gcm::{Aes256Gcm, KeyInit};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::crypto;

use super::{Confidence, Export, Format, ImportError, Reader, json};

use sealed::Sealed;
pub use write::{AegisExport, LeftOut, aegis_json};

const FORMAT: Format = Format::Aegis;
/// The only vault format version there is.
const VAULT_VERSION: u64 = 1;
/// The newest contents version Aegis writes (and the one [`aegis_json`] writes).
const DB_VERSION: u64 = 3;
/// Slot `type` of a password slot.
const PASSWORD_SLOT: u64 = 1;
/// What Aegis derives password keys with: scrypt N = 2^15, r = 8, p = 1.
const SCRYPT_LOG_N: u8 = 15;
const SCRYPT_R: u32 = 8;
const SCRYPT_P: u32 = 1;
const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// Password slots tried at most: each costs a scrypt run, and Aegis writes one (plus one
/// for a backup password).
const MAX_PASSWORD_SLOTS: usize = 8;
/// Aegis keeps a period in a Java `int` and a counter in a `long`.
const MAX_PERIOD: u64 = i32::MAX as u64;
const MAX_COUNTER: u64 = i64::MAX as u64;

/// Reads Aegis vault JSON.
pub(crate) struct AegisVault;

impl Reader for AegisVault {
    fn format(&self) -> Format {
        FORMAT
    }

    fn detect(&self, bytes: &[u8]) -> Option<Confidence> {
        json::object_has(bytes, &["version", "header", "db"]).then_some(Confidence::Sure)
    }

    fn read(&self, bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        let file: VaultFile = json::parse(FORMAT, bytes)?;
        if file.version != VAULT_VERSION {
            return Err(ImportError::Unsupported {
                format: FORMAT,
                reason: format!(
                    "it is a vault of format version {}, and Sesame reads version {VAULT_VERSION} (export it again from an up-to-date Aegis)",
                    file.version
                ),
            });
        }
        match file.db {
            Value::Object(_) => {
                let db = json::from_value(FORMAT, file.db)?;
                Ok(Export::new(FORMAT, false, entries::read(db)?))
            }
            Value::String(ciphertext) => {
                // Checked before a password is asked for.
                let sealed = Sealed::new(file.header, &ciphertext)?;
                let password = password.ok_or(ImportError::PasswordNeeded(FORMAT))?;
                let plaintext = sealed.open(password)?;
                let db = json::parse(FORMAT, &plaintext)?;
                Ok(Export::new(FORMAT, true, entries::read(db)?))
            }
            _ => Err(damaged("`db` is neither an object nor encrypted text")),
        }
    }
}

fn damaged(reason: &str) -> ImportError {
    ImportError::damaged(FORMAT, reason)
}

#[derive(Deserialize)]
struct VaultFile {
    version: u64,
    #[serde(default)]
    header: Header,
    db: Value,
}

#[derive(Default, Deserialize)]
struct Header {
    #[serde(default)]
    slots: Option<Vec<Value>>,
    #[serde(default)]
    params: Option<HexParams>,
}

/// An AES-GCM nonce and tag, in hex.
#[derive(Deserialize, Serialize)]
struct HexParams {
    nonce: String,
    tag: String,
}

/// An AES-GCM nonce and tag, decoded.
struct GcmParams {
    nonce: [u8; NONCE_LEN],
    tag: [u8; TAG_LEN],
}

impl GcmParams {
    fn new(params: &HexParams, what: &str) -> Result<Self, ImportError> {
        Ok(GcmParams {
            nonce: hex_array(&params.nonce, &format!("{what} nonce"))?,
            tag: hex_array(&params.tag, &format!("{what} tag"))?,
        })
    }
}

fn hex_array<const N: usize>(text: &str, what: &str) -> Result<[u8; N], ImportError> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.as_bytes())
        .ok()
        .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
        .ok_or_else(|| damaged(&format!("the {what} is not {N} bytes of hexadecimal")))
}

/// AES-256-GCM decryption with a detached tag; `None` when the key is wrong or anything was
/// changed.
fn gcm_open(
    key: &[u8; KEY_LEN],
    params: &GcmParams,
    ciphertext: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let cipher = Aes256Gcm::new_from_slice(key).ok()?;
    let mut buffer = Zeroizing::new(ciphertext.to_vec());
    cipher
        .decrypt_inout_detached(
            &Nonce::<Aes256Gcm>::from(params.nonce),
            &[],
            buffer.as_mut_slice().into(),
            &Tag::<Aes256Gcm>::from(params.tag),
        )
        .ok()?;
    Some(buffer)
}

/// AES-256-GCM encryption under a fresh random nonce: the ciphertext, nonce and tag.
fn gcm_seal(key: &[u8; KEY_LEN], plaintext: &[u8]) -> (Vec<u8>, GcmParams) {
    let nonce = *crypto::random::<NONCE_LEN>();
    let cipher = Aes256Gcm::new_from_slice(key).expect("a 32-byte key");
    let mut buffer = plaintext.to_vec();
    let tag = cipher
        .encrypt_inout_detached(
            &Nonce::<Aes256Gcm>::from(nonce),
            &[],
            buffer.as_mut_slice().into(),
        )
        .expect("AES-GCM encryption of an in-memory buffer cannot fail");
    (
        buffer,
        GcmParams {
            nonce,
            tag: tag.into(),
        },
    )
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use base64::Engine;
    use serde_json::json;

    use super::*;
    use crate::account::{Account, StoredAccount};
    use crate::import::Entry;
    use crate::otp::{Algorithm, Kind, Params};
    use crate::secret::Secret;

    const PASSWORD: &str = "correct horse battery staple";

    fn stored(account: Account, note: Option<&str>, tags: &[&str]) -> StoredAccount {
        let mut stored = StoredAccount::new(account, 1_700_000_000_000);
        stored.note = note.map(str::to_owned);
        stored.tags = tags.iter().map(|t| (*t).to_owned()).collect();
        stored
    }

    fn secret(seed: u8, len: usize) -> Secret {
        Secret::from_bytes(
            (0..len)
                .map(|i| seed.wrapping_add((i as u8).wrapping_mul(7)))
                .collect(),
        )
    }

    /// Every kind Aegis holds, with what can go wrong on the way: no issuer and an `@` in
    /// the name, a counter at Aegis's ceiling, Steam, non-ASCII text, 10 digits.
    fn accounts() -> Vec<StoredAccount> {
        vec![
            stored(
                Account::new(
                    Some("GitHub"),
                    "alice@example.com",
                    secret(1, 20),
                    Params::default(),
                ),
                Some("recovery codes: in the safe"),
                &["work", "dev"],
            ),
            stored(
                Account::new(
                    None,
                    "bob@host",
                    secret(2, 32),
                    Params::totp(Algorithm::SHA256, 8, 60),
                ),
                None,
                &["work"],
            ),
            stored(
                Account::new(
                    Some("Bank"),
                    "carol",
                    secret(3, 64),
                    Params::hotp(Algorithm::SHA512, 7, MAX_COUNTER),
                ),
                None,
                &[],
            ),
            stored(
                Account::new(Some("Steam"), "gabe", secret(4, 10), Params::steam()),
                None,
                &["games"],
            ),
            stored(
                Account::new(
                    Some("Kasse"),
                    "Björn",
                    secret(5, 16),
                    Params::totp(Algorithm::SHA512, 10, 15),
                ),
                Some("ÆØÅ"),
                &[],
            ),
        ]
    }

    /// One encrypted export of [`accounts`], made once (scrypt is slow in tests).
    fn encrypted() -> &'static (Vec<StoredAccount>, Vec<u8>) {
        static VAULT: OnceLock<(Vec<StoredAccount>, Vec<u8>)> = OnceLock::new();
        VAULT.get_or_init(|| {
            let accounts = accounts();
            let export = aegis_json(&accounts, Some(PASSWORD));
            (accounts, export.bytes.to_vec())
        })
    }

    fn read(bytes: &[u8], password: Option<&str>) -> Result<Export, ImportError> {
        assert_eq!(AegisVault.detect(bytes), Some(Confidence::Sure));
        AegisVault.read(bytes, password)
    }

    fn assert_same_accounts(export: &Export, accounts: &[StoredAccount]) {
        let read: Vec<&Account> = export
            .entries
            .iter()
            .map(|e| match e {
                Entry::Account(parsed) => &parsed.account,
                Entry::Skipped(s) => panic!("skipped {s:?}"),
            })
            .collect();
        let expected: Vec<&Account> = accounts.iter().map(|s| &s.account).collect();
        assert_eq!(read, expected);
    }

    fn value(bytes: &[u8]) -> Value {
        serde_json::from_slice(bytes).unwrap()
    }

    fn edited(bytes: &[u8], edit: impl FnOnce(&mut Value)) -> Vec<u8> {
        let mut v = value(bytes);
        edit(&mut v);
        serde_json::to_vec(&v).unwrap()
    }

    #[test]
    fn a_plain_export_reads_back_field_for_field() {
        let accounts = accounts();
        let export = aegis_json(&accounts, None);
        assert_eq!(export.written, accounts.len());
        assert!(export.left_out.is_empty());
        let read = read(&export.bytes, None).unwrap();
        assert_eq!(read.format, Format::Aegis);
        assert!(!read.encrypted);
        assert_same_accounts(&read, &accounts);
    }

    #[test]
    fn an_encrypted_export_reads_back_field_for_field_with_its_password_only() {
        let (accounts, bytes) = encrypted();
        let read = read(bytes, Some(PASSWORD)).unwrap();
        assert!(read.encrypted);
        assert_same_accounts(&read, accounts);
        assert!(matches!(
            AegisVault.read(bytes, None),
            Err(ImportError::PasswordNeeded(Format::Aegis))
        ));
        assert!(matches!(
            AegisVault.read(bytes, Some("correct horse battery stapler")),
            Err(ImportError::WrongPassword(Format::Aegis))
        ));
        let text = String::from_utf8(bytes.clone()).unwrap();
        for stored in accounts {
            let b32 = stored.account.secret.to_base32();
            assert!(!text.contains(b32.as_str()), "a secret in the clear");
            assert!(!text.contains(&stored.account.name));
        }
    }

    fn is_hex(value: &Value, bytes: usize) -> bool {
        value.as_str().is_some_and(|t| {
            t.len() == 2 * bytes && t.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        })
    }

    fn is_uuid_v4(value: &Value) -> bool {
        let Some(text) = value.as_str() else {
            return false;
        };
        let groups: Vec<&str> = text.split('-').collect();
        groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && groups.iter().all(|g| is_hex(&json!(g), g.len() / 2))
            && groups[2].starts_with('4')
            && groups[3].starts_with(['8', '9', 'a', 'b'])
    }

    fn keys(value: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = value
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        keys
    }

    /// The contents as Aegis's `docs/vault.md` describes version 3.
    fn check_contents(db: &Value, accounts: &[StoredAccount]) {
        assert_eq!(
            keys(db),
            ["entries", "groups", "icons_optimized", "version"]
        );
        assert_eq!(db["version"], 3);
        let groups = db["groups"].as_array().unwrap();
        for group in groups {
            assert_eq!(keys(group), ["name", "uuid"]);
            assert!(is_uuid_v4(&group["uuid"]), "{group}");
        }
        let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["work", "dev", "games"]);
        let group_name = |uuid: &Value| {
            groups
                .iter()
                .find(|g| g["uuid"] == *uuid)
                .map(|g| g["name"].as_str().unwrap())
                .expect("an entry's group is in the list")
        };
        let entries = db["entries"].as_array().unwrap();
        assert_eq!(entries.len(), accounts.len());
        let mut uuids = Vec::new();
        for (entry, stored) in entries.iter().zip(accounts) {
            let account = &stored.account;
            assert_eq!(
                keys(entry),
                [
                    "favorite",
                    "groups",
                    "icon",
                    "icon_hash",
                    "icon_mime",
                    "info",
                    "issuer",
                    "name",
                    "note",
                    "type",
                    "uuid"
                ]
            );
            assert!(is_uuid_v4(&entry["uuid"]), "{}", entry["uuid"]);
            uuids.push(entry["uuid"].as_str().unwrap());
            assert_eq!(entry["type"], account.params.kind.as_str());
            assert_eq!(entry["name"], account.name.as_str());
            assert_eq!(entry["issuer"], account.issuer.as_deref().unwrap_or(""));
            assert_eq!(entry["note"], stored.note.as_deref().unwrap_or(""));
            assert_eq!(entry["favorite"], false);
            for icon in ["icon", "icon_mime", "icon_hash"] {
                assert!(entry[icon].is_null());
            }
            let tags: Vec<&str> = entry["groups"]
                .as_array()
                .unwrap()
                .iter()
                .map(group_name)
                .collect();
            assert_eq!(tags, stored.tags);
            let info = &entry["info"];
            let moving = match account.params.kind {
                Kind::Hotp { counter } => {
                    assert_eq!(info["counter"], counter);
                    "counter"
                }
                Kind::Totp { period } | Kind::Steam { period } => {
                    assert_eq!(info["period"], period);
                    "period"
                }
            };
            let mut expected = vec!["algo", "digits", moving, "secret"];
            expected.sort_unstable();
            assert_eq!(keys(info), expected);
            assert_eq!(info["secret"], account.secret.to_base32().as_str());
            assert!(
                info["secret"]
                    .as_str()
                    .unwrap()
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
            );
            assert_eq!(info["algo"], account.params.algorithm.as_str());
            assert_eq!(info["digits"], account.params.digits);
        }
        uuids.sort_unstable();
        uuids.dedup();
        assert_eq!(uuids.len(), entries.len(), "entry uuids are unique");
    }

    #[test]
    fn a_plain_export_has_the_documented_shape() {
        let accounts = accounts();
        let vault = value(&aegis_json(&accounts, None).bytes);
        assert_eq!(keys(&vault), ["db", "header", "version"]);
        assert_eq!(vault["version"], 1);
        assert_eq!(vault["header"], json!({"slots": null, "params": null}));
        check_contents(&vault["db"], &accounts);
    }

    #[test]
    fn an_encrypted_export_has_the_documented_shape() {
        let (accounts, bytes) = encrypted();
        let vault = value(bytes);
        assert_eq!(keys(&vault), ["db", "header", "version"]);
        assert_eq!(vault["version"], 1);
        let header = &vault["header"];
        assert_eq!(keys(header), ["params", "slots"]);
        assert_eq!(keys(&header["params"]), ["nonce", "tag"]);
        assert!(is_hex(&header["params"]["nonce"], NONCE_LEN));
        assert!(is_hex(&header["params"]["tag"], TAG_LEN));
        let slots = header["slots"].as_array().unwrap();
        assert_eq!(slots.len(), 1);
        let slot = &slots[0];
        assert_eq!(
            keys(slot),
            [
                "is_backup",
                "key",
                "key_params",
                "n",
                "p",
                "r",
                "repaired",
                "salt",
                "type",
                "uuid"
            ]
        );
        assert_eq!(slot["type"], 1);
        assert!(is_uuid_v4(&slot["uuid"]));
        assert!(is_hex(&slot["key"], KEY_LEN));
        assert_eq!(keys(&slot["key_params"]), ["nonce", "tag"]);
        assert!(is_hex(&slot["key_params"]["nonce"], NONCE_LEN));
        assert!(is_hex(&slot["key_params"]["tag"], TAG_LEN));
        assert_eq!(
            (&slot["n"], &slot["r"], &slot["p"]),
            (&json!(32768), &json!(8), &json!(1))
        );
        assert!(is_hex(&slot["salt"], 32));
        assert_eq!(slot["repaired"], true);
        assert_eq!(slot["is_backup"], false);
        assert_ne!(slot["key_params"]["nonce"], header["params"]["nonce"]);
        // `db` is padded Base64 of the contents, which are the plain export's `db`.
        let db = vault["db"].as_str().unwrap();
        let ciphertext = base64::engine::general_purpose::STANDARD
            .decode(db)
            .unwrap();
        let sealed = Sealed::new(json::from_value(FORMAT, header.clone()).unwrap(), db).unwrap();
        let contents = sealed.open(PASSWORD).unwrap();
        assert_eq!(ciphertext.len(), contents.len());
        check_contents(&value(&contents), accounts);
    }

    #[test]
    fn every_export_has_its_own_key_salt_and_nonces() {
        let accounts = &accounts()[..1];
        let (a, b) = (
            value(&aegis_json(accounts, Some("pw")).bytes),
            value(&aegis_json(accounts, Some("pw")).bytes),
        );
        for path in [
            "/header/params/nonce",
            "/header/slots/0/salt",
            "/header/slots/0/key",
            "/header/slots/0/key_params/nonce",
            "/header/slots/0/uuid",
            "/db",
        ] {
            assert_ne!(a.pointer(path), b.pointer(path), "{path}");
        }
    }

    #[test]
    fn accounts_aegis_cannot_hold_are_left_out_and_named() {
        let mut accounts = accounts();
        accounts.push(stored(
            Account::new(
                Some("Old"),
                "md5",
                secret(6, 20),
                Params::totp(Algorithm::MD5, 6, 30),
            ),
            None,
            &["legacy"],
        ));
        accounts.push(stored(
            Account::new(
                None,
                "forever",
                secret(7, 20),
                Params::totp(Algorithm::SHA1, 6, MAX_PERIOD + 1),
            ),
            None,
            &[],
        ));
        accounts.push(stored(
            Account::new(
                None,
                "far",
                secret(8, 20),
                Params::hotp(Algorithm::SHA1, 6, MAX_COUNTER + 1),
            ),
            None,
            &[],
        ));
        let export = aegis_json(&accounts, None);
        assert_eq!(export.written, accounts.len() - 3);
        let labels: Vec<&str> = export.left_out.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["Old: md5", "forever", "far"]);
        assert_eq!(export.left_out[0].reason, "Aegis computes no MD5 codes");
        let vault = value(&export.bytes);
        // The left-out account's tag makes no group.
        check_contents(&vault["db"], &accounts[..accounts.len() - 3]);
    }

    #[test]
    fn encrypted_vaults_that_cannot_be_opened_say_why() {
        let (_, bytes) = encrypted();
        let damaged =
            |bytes: &[u8], password, expected: &str| match AegisVault.read(bytes, password) {
                Err(e @ ImportError::Damaged { .. }) => {
                    assert!(e.to_string().contains(expected), "{e}")
                }
                other => panic!("{other:?}"),
            };
        // The contents changed after sealing: the password is right, the file is not.
        let tampered = edited(bytes, |v| {
            let db = v["db"].as_str().unwrap();
            let flipped = if db.starts_with('A') { "B" } else { "A" };
            v["db"] = json!(format!("{flipped}{}", &db[1..]));
        });
        damaged(&tampered, Some(PASSWORD), "were changed");
        // Structure problems are found before a password is asked for.
        let no_params = edited(bytes, |v| v["header"]["params"] = Value::Null);
        damaged(&no_params, None, "no slots or no parameters");
        let short_nonce = edited(bytes, |v| v["header"]["params"]["nonce"] = json!("00ff"));
        damaged(&short_nonce, None, "contents nonce is not 12 bytes");
        let bad_salt = edited(bytes, |v| v["header"]["slots"][0]["salt"] = json!("xyz"));
        damaged(&bad_salt, None, "salt is not hexadecimal");
        let not_base64 = edited(bytes, |v| v["db"] = json!("%%%"));
        damaged(&not_base64, None, "not Base64");
        let odd_n = edited(bytes, |v| v["header"]["slots"][0]["n"] = json!(1000));
        damaged(&odd_n, None, "power of two");
        damaged(
            &edited(bytes, |v| v["db"] = json!(7)),
            None,
            "neither an object",
        );
        // Only a fingerprint slot: nothing a password opens.
        let biometric = edited(bytes, |v| v["header"]["slots"][0]["type"] = json!(2));
        assert!(matches!(
            AegisVault.read(&biometric, Some(PASSWORD)),
            Err(ImportError::Unsupported { .. })
        ));
        // A hostile work factor is refused before any work.
        let costly = edited(bytes, |v| v["header"]["slots"][0]["n"] = json!(1u64 << 30));
        assert!(matches!(
            AegisVault.read(&costly, None),
            Err(ImportError::TooCostly { .. })
        ));
        let many = edited(bytes, |v| {
            let slot = v["header"]["slots"][0].clone();
            v["header"]["slots"] = json!(vec![slot; MAX_PASSWORD_SLOTS + 1]);
        });
        assert!(matches!(
            AegisVault.read(&many, None),
            Err(ImportError::TooCostly { .. })
        ));
        // A biometric slot before the password slot is passed over (as in Aegis's files).
        let with_biometric = edited(bytes, |v| {
            let mut fingerprint = v["header"]["slots"][0].clone();
            fingerprint["type"] = json!(2);
            v["header"]["slots"]
                .as_array_mut()
                .unwrap()
                .insert(0, fingerprint);
        });
        assert!(AegisVault.read(&with_biometric, Some(PASSWORD)).is_ok());
    }

    #[test]
    fn other_versions_are_refused_with_the_reason() {
        let plain = aegis_json(&accounts()[..1], None).bytes;
        for (edit, expected) in [
            (json!({"/version": 2}), "format version 2"),
            (json!({"/db/version": 4}), "contents are version 4"),
        ] {
            let (path, new) = edit.as_object().unwrap().iter().next().unwrap();
            let bytes = edited(&plain, |v| *v.pointer_mut(path).unwrap() = new.clone());
            match AegisVault.read(&bytes, None) {
                Err(e @ ImportError::Unsupported { .. }) => {
                    assert!(e.to_string().contains(expected), "{e}")
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(AegisVault.detect(br#"{"version": 1, "db": {}}"#), None);
        assert_eq!(AegisVault.detect(b"otpauth://totp/x?secret=AA"), None);
    }

    #[test]
    fn truncated_and_foreign_files_are_typed_errors() {
        let plain = aegis_json(&accounts(), None).bytes;
        let (_, encrypted) = encrypted();
        for bytes in [&plain[..], &encrypted[..]] {
            for cut in [1, bytes.len() / 2, bytes.len() - 2] {
                let err = AegisVault.read(&bytes[..cut], Some(PASSWORD)).unwrap_err();
                assert!(
                    matches!(
                        err,
                        ImportError::Damaged {
                            format: Format::Aegis,
                            ..
                        }
                    ),
                    "{err:?}"
                );
            }
        }
        // Anything read as Aegis because the user said so.
        let options = crate::import::Options {
            format: Some(Format::Aegis),
            password: Some(PASSWORD),
        };
        for bytes in [
            &b"\x00\x01\xff"[..],
            b"otpauth://totp/x?secret=AA",
            b"[1, 2]",
            b"{}",
        ] {
            let err = crate::import::read_bytes(bytes, "the file", options).unwrap_err();
            assert!(
                matches!(
                    err,
                    ImportError::Damaged {
                        format: Format::Aegis,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any bytes, and any byte of a real vault changed: an error or entries, no panic.
        #[test]
        fn no_input_panics(
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..512),
            at in proptest::num::usize::ANY,
            byte in proptest::num::u8::ANY,
        ) {
            let _ = AegisVault.read(&noise, Some(PASSWORD));
            let mut plain = aegis_json(&accounts(), None).bytes.to_vec();
            let at = at % plain.len();
            plain[at] = byte;
            let _ = AegisVault.read(&plain, Some(PASSWORD));
        }
    }
}
