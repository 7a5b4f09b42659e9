//! The sync key and the blob the server keeps for it.
//!
//! A random 256-bit [`SyncKey`] seals every item. The server stores it only wrapped, in a
//! [`KeyBlob`] (the opaque `key` object of `PUT /v1/key`), twice:
//!
//! - under Argon2id(sync passphrase, salt, cost) → XChaCha20-Poly1305, the cost and salt in
//!   the blob and in the associated data;
//! - under a key derived (HKDF-SHA256) from a [`RecoveryKey`]: 256 random bits shown once as
//!   56 Base32 characters in groups of four, the last 24 bits a checksum, so a typo is an error
//!   of its own rather than a "wrong key".
//!
//! The blob comes from the server, so it is untrusted: its size, names, version and Argon2id
//! cost (at most [`KdfCost::BACKUP_MAX`]) are checked before any work.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::container::{FormatName, KdfAlgorithm, shown_name};
use crate::crypto::{self, KEY_LEN, KdfCost, KdfOutOfBounds, NONCE_LEN};

/// The `format` of a key blob.
pub const FORMAT: &str = "sesame-sync-key";
/// The blob version this Sesame writes and reads.
pub const VERSION: u32 = 1;
/// The largest blob the contract lets the server keep (serialized JSON).
pub const MAX_BLOB_LEN: usize = 8 * 1024;
const SALT_LEN: usize = 16;
const CHECKSUM_LEN: usize = 3;
const RECOVERY_CHARS: usize = 56;

/// Why a sync key could not be made, unwrapped or read. Never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The passphrase does not open the key (or the blob was changed).
    #[error("wrong sync passphrase (or the key on the server was changed)")]
    WrongPassphrase,
    /// The recovery key does not open the key (or the blob was changed).
    #[error("this recovery key does not open the sync key (or the key on the server was changed)")]
    WrongRecoveryKey,
    /// The recovery key's checksum does not match: a character was mistyped.
    #[error("the recovery key has a typo: check each group of four characters")]
    RecoveryKeyTypo,
    /// The recovery key has the wrong number of characters.
    #[error("a recovery key has {RECOVERY_CHARS} letters and digits; this one has {found}")]
    RecoveryKeyLength {
        /// How many letters and digits were given.
        found: usize,
    },
    /// A character that cannot be in a recovery key.
    #[error("a recovery key has only the letters A-Z and the digits 2-7; '{0}' is not one of them")]
    RecoveryKeyCharacter(char),
    /// The blob asks for an Argon2id cost outside the accepted range.
    #[error(
        "the sync key on the server asks for an Argon2id cost outside the accepted range; it is damaged or hostile"
    )]
    KdfOutOfBounds,
    /// A newer Sesame wrote the blob.
    #[error(
        "the sync key on the server uses format version {0}, which this Sesame cannot read; update Sesame"
    )]
    UnsupportedVersion(u32),
    /// The blob names a format or algorithm this Sesame does not know.
    #[error("the sync key on the server names a {field} this Sesame does not know (\"{name}\")")]
    UnknownName {
        /// Which field.
        field: &'static str,
        /// What it says (shortened).
        name: String,
    },
    /// The blob is not a sync key blob.
    #[error("the sync key on the server is damaged ({0})")]
    Damaged(String),
}

impl From<KdfOutOfBounds> for KeyError {
    fn from(_: KdfOutOfBounds) -> Self {
        KeyError::KdfOutOfBounds
    }
}

/// The key every item is sealed with. Zeroized on drop; `Debug` prints nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncKey(pub(crate) crypto::Key);

impl SyncKey {
    /// A fresh random key.
    pub fn generate() -> Self {
        SyncKey(crypto::random::<KEY_LEN>())
    }

    /// The key bytes (to keep in the vault).
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// A key from its bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        SyncKey(Zeroizing::new(bytes))
    }
}

impl std::fmt::Debug for SyncKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncKey(<redacted>)")
    }
}

/// A second way to unwrap the sync key, shown once at set-up for the day the passphrase is
/// forgotten. Zeroized on drop; `Debug` prints nothing.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey(crypto::Key);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

fn checksum(bytes: &[u8]) -> [u8; CHECKSUM_LEN] {
    let digest = Sha256::digest([b"sesame-sync-recovery".as_slice(), bytes].concat());
    digest[..CHECKSUM_LEN].try_into().expect("3 bytes")
}

impl RecoveryKey {
    /// A fresh random recovery key.
    pub fn generate() -> Self {
        RecoveryKey(crypto::random::<KEY_LEN>())
    }

    /// The key as a person writes it down: 14 groups of 4 Base32 characters joined by `-`.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(KEY_LEN + CHECKSUM_LEN));
        bytes.extend_from_slice(self.0.as_ref());
        bytes.extend_from_slice(&checksum(self.0.as_ref()));
        let plain = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&bytes));
        let mut out = Zeroizing::new(String::with_capacity(RECOVERY_CHARS + 13));
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(c);
        }
        out
    }

    /// Reads a recovery key as typed: any case, spaces and dashes anywhere, and the digits
    /// 0, 1 and 8 read as the letters O, I and B they are easily mistaken for.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let mut clean = Zeroizing::new(String::with_capacity(RECOVERY_CHARS));
        for c in text.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\t' | '\n' | '\r' => continue,
                '0' => 'O',
                '1' => 'I',
                '8' => 'B',
                c @ ('A'..='Z' | '2'..='7') => c,
                other => return Err(KeyError::RecoveryKeyCharacter(other)),
            };
            clean.push(c);
        }
        if clean.len() != RECOVERY_CHARS {
            return Err(KeyError::RecoveryKeyLength { found: clean.len() });
        }
        let bytes = Zeroizing::new(
            data_encoding::BASE32_NOPAD
                .decode(clean.as_bytes())
                .map_err(|_| KeyError::RecoveryKeyTypo)?,
        );
        let (key, sum) = bytes.split_at(KEY_LEN);
        if checksum(key) != sum {
            return Err(KeyError::RecoveryKeyTypo);
        }
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        out.copy_from_slice(key);
        Ok(RecoveryKey(out))
    }

    fn wrapping_key(&self) -> crypto::Key {
        crypto::derive(self.0.as_ref(), "sync", "sync-key/recovery")
    }
}

/// The opaque object the server keeps under `key`: the sync key wrapped twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyBlob {
    format: FormatName,
    version: u32,
    passphrase: PassphraseWrap,
    recovery: Wrapped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct PassphraseWrap {
    kdf: Kdf,
    #[serde(flatten)]
    wrapped: Wrapped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Kdf {
    algorithm: KdfAlgorithm,
    #[serde(flatten)]
    cost: KdfCost,
    salt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Wrapped {
    nonce: String,
    wrapped: String,
}

impl Kdf {
    fn associated_data(&self) -> Vec<u8> {
        let c = self.cost;
        format!(
            "{FORMAT}/{VERSION}/passphrase/argon2id/{}/{}/{}/{}",
            c.memory_kib, c.iterations, c.lanes, self.salt
        )
        .into_bytes()
    }

    fn key(&self, passphrase: &str) -> Result<crypto::Key, KeyError> {
        self.cost.check_backup()?;
        let salt = STANDARD
            .decode(&self.salt)
            .map_err(|_| KeyError::Damaged("invalid salt".into()))?;
        if !(16..=64).contains(&salt.len()) {
            return Err(KeyError::Damaged("invalid salt".into()));
        }
        Ok(crypto::hash_password(
            passphrase.as_bytes(),
            &salt,
            self.cost,
        )?)
    }
}

const RECOVERY_AAD: &[u8] = b"sesame-sync-key/1/recovery";

fn wrap(kek: &crypto::Key, key: &SyncKey, aad: &[u8]) -> Wrapped {
    let nonce = *crypto::random::<NONCE_LEN>();
    Wrapped {
        nonce: STANDARD.encode(nonce),
        wrapped: STANDARD.encode(crypto::seal(kek, &nonce, key.0.as_ref(), aad)),
    }
}

fn unwrap(
    kek: &crypto::Key,
    wrapped: &Wrapped,
    aad: &[u8],
    wrong: KeyError,
) -> Result<SyncKey, KeyError> {
    let damaged = |what: &str| KeyError::Damaged(format!("invalid {what}"));
    let nonce: [u8; NONCE_LEN] = STANDARD
        .decode(&wrapped.nonce)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or_else(|| damaged("nonce"))?;
    let ciphertext = STANDARD
        .decode(&wrapped.wrapped)
        .map_err(|_| damaged("wrapped key"))?;
    let plain = crypto::open(kek, &nonce, &ciphertext, aad).ok_or(wrong)?;
    let bytes: [u8; KEY_LEN] = plain
        .as_slice()
        .try_into()
        .map_err(|_| damaged("key length"))?;
    Ok(SyncKey::from_bytes(bytes))
}

fn passphrase_wrap(
    key: &SyncKey,
    passphrase: &str,
    cost: KdfCost,
) -> Result<PassphraseWrap, KeyError> {
    cost.check_backup()?;
    let kdf = Kdf {
        algorithm: KdfAlgorithm::Argon2id,
        cost,
        salt: STANDARD.encode(*crypto::random::<SALT_LEN>()),
    };
    let kek = kdf.key(passphrase)?;
    let wrapped = wrap(&kek, key, &kdf.associated_data());
    Ok(PassphraseWrap { kdf, wrapped })
}

/// A new sync key, its blob for the server and the recovery key to show once. `cost` is the
/// Argon2id cost for the passphrase (at most [`KdfCost::BACKUP_MAX`]; tests use
/// [`KdfCost::MIN`], set-up uses `crypto::calibrate`).
pub fn create(
    passphrase: &str,
    cost: KdfCost,
) -> Result<(SyncKey, KeyBlob, RecoveryKey), KeyError> {
    let key = SyncKey::generate();
    let recovery = RecoveryKey::generate();
    let blob = KeyBlob {
        format: FormatName::SyncKey,
        version: VERSION,
        passphrase: passphrase_wrap(&key, passphrase, cost)?,
        recovery: wrap(&recovery.wrapping_key(), &key, RECOVERY_AAD),
    };
    Ok((key, blob, recovery))
}

impl KeyBlob {
    /// Reads the server's `key` object, refusing anything this Sesame did not write before
    /// any key derivation: oversized, another format, a newer version, an unknown KDF, or an
    /// Argon2id cost above [`KdfCost::BACKUP_MAX`].
    pub fn from_value(value: &serde_json::Value) -> Result<Self, KeyError> {
        let len = serde_json::to_vec(value)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        if len > MAX_BLOB_LEN {
            return Err(KeyError::Damaged(format!(
                "larger than {MAX_BLOB_LEN} bytes"
            )));
        }
        let blob: KeyBlob =
            serde_json::from_value(value.clone()).map_err(|e| KeyError::Damaged(e.to_string()))?;
        if blob.format != FormatName::SyncKey {
            return Err(KeyError::UnknownName {
                field: "format",
                name: shown_name(blob.format.as_str()),
            });
        }
        if blob.version != VERSION {
            return Err(KeyError::UnsupportedVersion(blob.version));
        }
        if let KdfAlgorithm::Unknown(name) = &blob.passphrase.kdf.algorithm {
            return Err(KeyError::UnknownName {
                field: "passphrase.kdf.algorithm",
                name: shown_name(name),
            });
        }
        blob.passphrase.kdf.cost.check_backup()?;
        Ok(blob)
    }

    /// The object to send as `key`.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a key blob always serializes")
    }

    /// The Argon2id cost a passphrase attempt pays.
    pub fn cost(&self) -> KdfCost {
        self.passphrase.kdf.cost
    }

    /// Unwraps the sync key with the sync passphrase.
    pub fn unwrap_with_passphrase(&self, passphrase: &str) -> Result<SyncKey, KeyError> {
        let kdf = &self.passphrase.kdf;
        let kek = kdf.key(passphrase)?;
        unwrap(
            &kek,
            &self.passphrase.wrapped,
            &kdf.associated_data(),
            KeyError::WrongPassphrase,
        )
    }

    /// Unwraps the sync key with the recovery key.
    pub fn unwrap_with_recovery(&self, recovery: &RecoveryKey) -> Result<SyncKey, KeyError> {
        unwrap(
            &recovery.wrapping_key(),
            &self.recovery,
            RECOVERY_AAD,
            KeyError::WrongRecoveryKey,
        )
    }

    /// The same blob with `key` wrapped under a new passphrase (fresh salt and nonce); the
    /// recovery key keeps working. `key` must be the one this blob wraps (unwrap it first).
    pub fn rewrap(
        &self,
        key: &SyncKey,
        new_passphrase: &str,
        cost: KdfCost,
    ) -> Result<KeyBlob, KeyError> {
        Ok(KeyBlob {
            passphrase: passphrase_wrap(key, new_passphrase, cost)?,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made() -> (SyncKey, KeyBlob, RecoveryKey) {
        create("correct horse battery", KdfCost::MIN).unwrap()
    }

    #[test]
    fn the_passphrase_and_the_recovery_key_each_unwrap_the_key() {
        let (key, blob, recovery) = made();
        let read = KeyBlob::from_value(&blob.to_value()).unwrap();
        assert_eq!(read, blob);
        assert_eq!(
            read.unwrap_with_passphrase("correct horse battery")
                .unwrap(),
            key
        );
        assert_eq!(read.unwrap_with_recovery(&recovery).unwrap(), key);
        let typed = RecoveryKey::parse(&recovery.to_text()).unwrap();
        assert_eq!(read.unwrap_with_recovery(&typed).unwrap(), key);
    }

    #[test]
    fn a_wrong_passphrase_or_recovery_key_is_a_typed_error() {
        let (_, blob, _) = made();
        assert_eq!(
            blob.unwrap_with_passphrase("correct horse batterY"),
            Err(KeyError::WrongPassphrase)
        );
        assert_eq!(
            blob.unwrap_with_recovery(&RecoveryKey::generate()),
            Err(KeyError::WrongRecoveryKey)
        );
    }

    #[test]
    fn rewrap_changes_the_passphrase_and_keeps_key_and_recovery() {
        let (key, blob, recovery) = made();
        let new = blob.rewrap(&key, "new passphrase", KdfCost::MIN).unwrap();
        assert_eq!(new.unwrap_with_passphrase("new passphrase").unwrap(), key);
        assert_eq!(
            new.unwrap_with_passphrase("correct horse battery"),
            Err(KeyError::WrongPassphrase)
        );
        assert_eq!(new.unwrap_with_recovery(&recovery).unwrap(), key);
    }

    #[test]
    fn changed_kdf_parameters_do_not_open_the_key() {
        let (_, blob, _) = made();
        let mut value = blob.to_value();
        value["passphrase"]["kdf"]["iterations"] = 2.into();
        let changed = KeyBlob::from_value(&value).unwrap();
        assert_eq!(
            changed.unwrap_with_passphrase("correct horse battery"),
            Err(KeyError::WrongPassphrase)
        );
    }

    #[test]
    fn a_hostile_blob_is_refused_before_any_key_derivation() {
        let (_, blob, _) = made();
        let with = |path: &str, v: serde_json::Value| {
            let mut value = blob.to_value();
            value["passphrase"]["kdf"][path] = v;
            KeyBlob::from_value(&value)
        };
        // 4 GiB of memory or a thousand passes: refused by reading alone (a derivation at
        // these costs would take minutes; the test finishing at all shows none ran).
        assert_eq!(
            with("memory_kib", (4u32 << 20).into()),
            Err(KeyError::KdfOutOfBounds)
        );
        assert_eq!(
            with("iterations", 1000.into()),
            Err(KeyError::KdfOutOfBounds)
        );
        assert_eq!(with("lanes", 64.into()), Err(KeyError::KdfOutOfBounds));
        assert!(matches!(
            with("algorithm", "scrypt".into()),
            Err(KeyError::UnknownName {
                field: "passphrase.kdf.algorithm",
                ..
            })
        ));
        let mut value = blob.to_value();
        value["version"] = 2.into();
        assert_eq!(
            KeyBlob::from_value(&value),
            Err(KeyError::UnsupportedVersion(2))
        );
        value = blob.to_value();
        value["format"] = "sesame-vault".into();
        assert!(matches!(
            KeyBlob::from_value(&value),
            Err(KeyError::UnknownName {
                field: "format",
                ..
            })
        ));
        value = blob.to_value();
        value["padding"] = "x".repeat(MAX_BLOB_LEN).into();
        assert!(matches!(
            KeyBlob::from_value(&value),
            Err(KeyError::Damaged(_))
        ));
        assert!(matches!(
            KeyBlob::from_value(&serde_json::json!({"format": FORMAT})),
            Err(KeyError::Damaged(_))
        ));
        // Costs Sesame would never write are refused when creating, too.
        assert!(matches!(
            create(
                "pw",
                KdfCost {
                    memory_kib: 512 * 1024,
                    ..KdfCost::MIN
                }
            ),
            Err(KeyError::KdfOutOfBounds)
        ));
    }

    #[test]
    fn a_mangled_salt_or_nonce_is_damage_not_a_wrong_passphrase() {
        let (_, blob, _) = made();
        let mut value = blob.to_value();
        value["passphrase"]["kdf"]["salt"] = "AAAA".into();
        let short = KeyBlob::from_value(&value).unwrap();
        assert!(matches!(
            short.unwrap_with_passphrase("x"),
            Err(KeyError::Damaged(_))
        ));
        let mut value = blob.to_value();
        value["recovery"]["nonce"] = "not base64!".into();
        let bad = KeyBlob::from_value(&value).unwrap();
        assert!(matches!(
            bad.unwrap_with_recovery(&RecoveryKey::generate()),
            Err(KeyError::Damaged(_))
        ));
    }

    #[test]
    fn recovery_keys_are_typed_forgivingly_and_typos_are_caught() {
        let recovery = RecoveryKey::generate();
        let text = recovery.to_text();
        assert_eq!(text.len(), 56 + 13);
        assert_eq!(text.split('-').count(), 14);
        let relaxed = text
            .to_lowercase()
            .replace('-', " ")
            .replace('o', "0")
            .replace('i', "1");
        assert_eq!(RecoveryKey::parse(&relaxed).unwrap(), recovery);
        // One character changed: the checksum says so.
        let mut typo: Vec<char> = text.chars().collect();
        typo[5] = if typo[5] == 'A' { 'B' } else { 'A' };
        let typo: String = typo.into_iter().collect();
        assert_eq!(RecoveryKey::parse(&typo), Err(KeyError::RecoveryKeyTypo));
        assert_eq!(
            RecoveryKey::parse(&text[..text.len() - 2]),
            Err(KeyError::RecoveryKeyLength { found: 54 })
        );
        assert_eq!(
            RecoveryKey::parse("ABC9"),
            Err(KeyError::RecoveryKeyCharacter('9'))
        );
        assert_eq!(format!("{recovery:?}"), "RecoveryKey(<redacted>)");
        assert!(!format!("{:?}", SyncKey::generate()).contains('['));
    }
}
