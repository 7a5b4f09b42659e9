//! The vault file, byte by byte.
//!
//! ```text
//! magic        8 bytes   "SESAMEVT"
//! header_len   u32 LE    length of the header (at most 64 KiB)
//! header       JSON      Header: format version, vault id, generation, KDF, wrapped key
//! header_mac   32 bytes  HMAC-SHA256 of magic‖header_len‖header, key derived from the device secret
//! nonce        24 bytes  fresh per save
//! ciphertext   …         XChaCha20-Poly1305(master key, nonce, payload JSON,
//!                        associated data = magic‖header_len‖header‖header_mac)
//! ```
//!
//! The MAC lets a damaged or edited header be told apart from a wrong password before any
//! password work is spent; the AEAD authenticates the header again with the master key.

use base64::engine::general_purpose::STANDARD_NO_PAD as B64;
use serde::{Deserialize, Serialize};

use crate::container::{self, ContainerError, FormatName, KdfAlgorithm, Layout, Parts};
use crate::crypto::{KEY_LEN, KdfCost, MAC_LEN, NONCE_LEN, TAG_LEN};

/// First bytes of every vault file.
pub const MAGIC: &[u8; 8] = b"SESAMEVT";
/// The format version this code writes.
pub const VERSION: u32 = 1;
/// The vault's container: its magic, and the header MAC after the header.
const LAYOUT: Layout = Layout {
    magic: MAGIC,
    header_tag_len: MAC_LEN,
};

/// Bytes as unpadded standard Base64 in JSON.
mod b64 {
    use super::B64;
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&B64.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        B64.decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

/// Argon2id settings for the password, when the vault has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordKdf {
    /// Always [`KdfAlgorithm::Argon2id`] once parsed.
    pub algorithm: KdfAlgorithm,
    /// Cost.
    #[serde(flatten)]
    pub cost: KdfCost,
    /// Random salt (16 bytes).
    #[serde(with = "b64")]
    pub salt: Vec<u8>,
}

/// The master key encrypted under the key-encryption key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    /// Nonce of the wrap.
    #[serde(with = "b64")]
    pub nonce: Vec<u8>,
    /// Sealed master key (32 bytes + 16-byte tag).
    #[serde(with = "b64")]
    pub sealed: Vec<u8>,
}

/// Everything needed to unlock the vault. Authenticated, not secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FormatName::Vault`] once parsed.
    pub format: FormatName,
    /// Format version.
    pub version: u32,
    /// Random id (32 hex digits); names the device secret in the keystore.
    pub vault_id: String,
    /// Counts saves; a reader can tell which of two files is newer.
    pub generation: u64,
    /// Password KDF, or `None` when the vault is bound to the device only.
    pub password: Option<PasswordKdf>,
    /// HMAC of the vault id under a key derived from the device secret (first 16 bytes):
    /// tells "another device" apart from "damaged".
    #[serde(with = "b64")]
    pub device_check: Vec<u8>,
    /// The master key, wrapped.
    pub master_key: WrappedKey,
}

/// A vault file split into its parts; nothing is trusted yet. `header_tag` is the header
/// MAC.
pub type RawVault<'a> = Parts<'a, Header>;

/// Why a file could not be split; becomes a `VaultError` with the path attached.
#[derive(Debug, PartialEq, Eq)]
pub enum FormatError {
    /// Wrong magic.
    NotAVault,
    /// Too short or structurally broken.
    Damaged(String),
    /// A version we don't know.
    UnsupportedVersion(u32),
    /// A format or algorithm name we don't know.
    UnknownName {
        /// Which header field.
        field: &'static str,
        /// The name read (shortened).
        name: String,
    },
}

fn damaged(reason: impl Into<String>) -> FormatError {
    FormatError::Damaged(reason.into())
}

/// Splits and checks the structure of a vault file.
pub fn parse(bytes: &[u8]) -> Result<RawVault<'_>, FormatError> {
    let raw: RawVault<'_> = container::split(LAYOUT, bytes).map_err(|e| match e {
        ContainerError::WrongMagic => FormatError::NotAVault,
        ContainerError::CutShort if bytes.len() < MAGIC.len() + 4 => {
            damaged("cut short in the header")
        }
        other => damaged(other.to_string()),
    })?;
    if raw.header.format != FormatName::Vault {
        return Err(FormatError::UnknownName {
            field: "format",
            name: container::shown_name(raw.header.format.as_str()),
        });
    }
    if raw.header.version != VERSION {
        return Err(FormatError::UnsupportedVersion(raw.header.version));
    }
    check_header_fields(&raw.header)?;
    Ok(raw)
}

fn check_header_fields(header: &Header) -> Result<(), FormatError> {
    let id_ok = header.vault_id.len() == 32
        && header
            .vault_id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !id_ok {
        return Err(damaged("invalid vault id"));
    }
    if header.device_check.len() != 16 {
        return Err(damaged("invalid device check"));
    }
    if header.master_key.nonce.len() != NONCE_LEN
        || header.master_key.sealed.len() != KEY_LEN + TAG_LEN
    {
        return Err(damaged("invalid wrapped key"));
    }
    if let Some(kdf) = &header.password {
        if let KdfAlgorithm::Unknown(name) = &kdf.algorithm {
            return Err(FormatError::UnknownName {
                field: "password.algorithm",
                name: container::shown_name(name),
            });
        }
        if !(16..=64).contains(&kdf.salt.len()) {
            return Err(damaged("invalid salt"));
        }
    }
    Ok(())
}

/// magic‖header_len‖header, ready to be MACed.
pub fn signed_prefix(header: &Header) -> Vec<u8> {
    container::header_prefix(LAYOUT, header)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Header {
        Header {
            format: FormatName::Vault,
            version: VERSION,
            vault_id: "0123456789abcdef0123456789abcdef".into(),
            generation: 1,
            password: None,
            device_check: vec![1; 16],
            master_key: WrappedKey {
                nonce: vec![2; NONCE_LEN],
                sealed: vec![3; KEY_LEN + TAG_LEN],
            },
        }
    }

    fn file() -> Vec<u8> {
        let mut bytes = signed_prefix(&header());
        bytes.extend_from_slice(&[4; MAC_LEN]);
        bytes.extend_from_slice(&[5; NONCE_LEN]);
        bytes.extend_from_slice(&[6; TAG_LEN + 3]);
        bytes
    }

    #[test]
    fn parses_its_own_output() {
        let bytes = file();
        let raw = parse(&bytes).unwrap();
        assert_eq!(raw.header, header());
        assert_eq!(raw.nonce, [5; NONCE_LEN]);
        assert_eq!(raw.ciphertext.len(), TAG_LEN + 3);
        assert_eq!(raw.associated.len(), raw.signed.len() + MAC_LEN);
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = file();
        for len in 0..bytes.len() - 3 {
            let result = parse(&bytes[..len]);
            assert!(result.is_err(), "truncated to {len}");
        }
    }

    #[test]
    fn bad_magic_version_and_fields() {
        assert_eq!(
            parse(b"PK\x03\x04zipfile").unwrap_err(),
            FormatError::NotAVault
        );
        let mut h = header();
        h.version = 2;
        let mut bytes = signed_prefix(&h);
        bytes.extend_from_slice(&[0; MAC_LEN + NONCE_LEN + TAG_LEN]);
        assert_eq!(
            parse(&bytes).unwrap_err(),
            FormatError::UnsupportedVersion(2)
        );
        let mut h = header();
        h.vault_id = "../../etc".into();
        let mut bytes = signed_prefix(&h);
        bytes.extend_from_slice(&[0; MAC_LEN + NONCE_LEN + TAG_LEN]);
        assert!(matches!(parse(&bytes), Err(FormatError::Damaged(_))));
        let mut huge = MAGIC.to_vec();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(parse(&huge), Err(FormatError::Damaged(_))));
    }

    #[test]
    fn unknown_format_and_kdf_names_are_named() {
        let with = |h: &Header| {
            let mut bytes = signed_prefix(h);
            bytes.extend_from_slice(&[0; MAC_LEN + NONCE_LEN + TAG_LEN]);
            parse(&bytes).map(|_| ()).unwrap_err()
        };
        let mut h = header();
        h.format = FormatName::Backup;
        assert_eq!(
            with(&h),
            FormatError::UnknownName {
                field: "format",
                name: "sesame-backup".into()
            }
        );
        let mut h = header();
        h.password = Some(PasswordKdf {
            algorithm: KdfAlgorithm::Unknown("scrypt".into()),
            cost: KdfCost::MIN,
            salt: vec![0; 16],
        });
        assert_eq!(
            with(&h),
            FormatError::UnknownName {
                field: "password.algorithm",
                name: "scrypt".into()
            }
        );
    }
}
