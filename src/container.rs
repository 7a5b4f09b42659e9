//! The envelope both Sesame files share: the vault (`SESAMEVT`, see `vault::format`) and
//! the backup (`SESAMEBK`, see `backup`).
//!
//! ```text
//! magic        8 bytes     says which file it is
//! header_len   u32 LE      length of the header (at most 64 KiB)
//! header       JSON        the file's own header type (format name, version, KDF, …)
//! header_tag   fixed size  per file: the vault's header MAC (32 bytes); none in a backup
//! nonce        24 bytes    fresh per write
//! ciphertext   …           XChaCha20-Poly1305(key, nonce, payload JSON,
//!                          associated data = magic‖header_len‖header‖header_tag)
//! ```
//!
//! This module splits and joins those parts and names the format and algorithm fields of
//! headers; each file decides what its header holds and which key opens it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::crypto::{self, Key, NONCE_LEN, TAG_LEN};

/// Largest header accepted.
pub(crate) const MAX_HEADER_LEN: usize = 64 * 1024;
/// Largest file accepted (tens of thousands of accounts fit easily).
pub(crate) const MAX_FILE_LEN: usize = 64 * 1024 * 1024;

/// What tells one kind of Sesame file from another.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// First bytes of the file.
    pub magic: &'static [u8; 8],
    /// Length of the tag between the header and the nonce.
    pub header_tag_len: usize,
}

/// The `format` field of a header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum FormatName {
    /// `sesame-vault`.
    #[serde(rename = "sesame-vault")]
    Vault,
    /// `sesame-backup`.
    #[serde(rename = "sesame-backup")]
    Backup,
    /// `sesame-sync-key`: the sync key blob kept on the sync server (`sync::key`).
    #[serde(rename = "sesame-sync-key")]
    SyncKey,
    /// Any other name, kept as read.
    #[serde(untagged)]
    Unknown(String),
}

impl FormatName {
    /// The name as written in the header.
    pub fn as_str(&self) -> &str {
        match self {
            FormatName::Vault => "sesame-vault",
            FormatName::Backup => "sesame-backup",
            FormatName::SyncKey => "sesame-sync-key",
            FormatName::Unknown(name) => name,
        }
    }
}

/// The `algorithm` field of a header's password key derivation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum KdfAlgorithm {
    /// `argon2id`, the only one Sesame writes.
    #[serde(rename = "argon2id")]
    Argon2id,
    /// Any other name, kept as read.
    #[serde(untagged)]
    Unknown(String),
}

/// Names read from a file are shown in errors; a hostile file could make them long.
pub(crate) fn shown_name(name: &str) -> String {
    const MAX_CHARS: usize = 40;
    match name.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_owned(),
    }
}

/// Why bytes could not be split into a container; nothing about the keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ContainerError {
    /// The file does not start with the expected magic.
    #[error("wrong magic")]
    WrongMagic,
    /// Larger than [`MAX_FILE_LEN`].
    #[error("larger than {MAX_FILE_LEN} bytes")]
    TooLarge,
    /// The header length field is larger than [`MAX_HEADER_LEN`].
    #[error("header length out of range")]
    HeaderLength,
    /// Shorter than its header length says, or than a nonce and a tag.
    #[error("cut short")]
    CutShort,
    /// The header is not JSON of the expected shape (the parser's message, without data).
    #[error("unreadable header: {0}")]
    UnreadableHeader(String),
}

/// A container split into its parts; nothing is authenticated yet.
#[derive(Debug)]
pub(crate) struct Parts<'a, H> {
    /// magic‖header_len‖header: what a header tag covers.
    pub signed: &'a [u8],
    /// The header tag ([`Layout::header_tag_len`] bytes).
    pub header_tag: &'a [u8],
    /// signed‖header_tag: the AEAD's associated data.
    pub associated: &'a [u8],
    /// The parsed header.
    pub header: H,
    /// The payload nonce.
    pub nonce: [u8; NONCE_LEN],
    /// The payload ciphertext with its tag.
    pub ciphertext: &'a [u8],
}

/// Splits `bytes` laid out as `layout`, reading the header as `H`.
pub(crate) fn split<'a, H: DeserializeOwned>(
    layout: Layout,
    bytes: &'a [u8],
) -> Result<Parts<'a, H>, ContainerError> {
    let magic_len = layout.magic.len();
    if !bytes.starts_with(layout.magic) {
        return Err(ContainerError::WrongMagic);
    }
    if bytes.len() > MAX_FILE_LEN {
        return Err(ContainerError::TooLarge);
    }
    let len_bytes: [u8; 4] = bytes
        .get(magic_len..magic_len + 4)
        .and_then(|b| b.try_into().ok())
        .ok_or(ContainerError::CutShort)?;
    let header_len = u32::from_le_bytes(len_bytes) as usize;
    if header_len > MAX_HEADER_LEN {
        return Err(ContainerError::HeaderLength);
    }
    let header_end = magic_len + 4 + header_len;
    let tag_end = header_end + layout.header_tag_len;
    let nonce_end = tag_end + NONCE_LEN;
    if bytes.len() < nonce_end + TAG_LEN {
        return Err(ContainerError::CutShort);
    }
    let header = serde_json::from_slice(&bytes[magic_len + 4..header_end])
        .map_err(|e| ContainerError::UnreadableHeader(e.to_string()))?;
    let nonce = bytes[tag_end..nonce_end]
        .try_into()
        .expect("the slice is NONCE_LEN long");
    Ok(Parts {
        signed: &bytes[..header_end],
        header_tag: &bytes[header_end..tag_end],
        associated: &bytes[..tag_end],
        header,
        nonce,
        ciphertext: &bytes[nonce_end..],
    })
}

impl<H> Parts<'_, H> {
    /// Decrypts the payload; `None` when the key is wrong or anything was changed.
    pub fn open(&self, key: &Key) -> Option<Zeroizing<Vec<u8>>> {
        crypto::open(key, &self.nonce, self.ciphertext, self.associated)
    }
}

/// magic‖header_len‖header: the start of a container, ready for its header tag.
pub(crate) fn header_prefix<H: Serialize>(layout: Layout, header: &H) -> Vec<u8> {
    let json = serde_json::to_vec(header).expect("a header always serializes");
    let mut out = Vec::with_capacity(layout.magic.len() + 4 + json.len());
    out.extend_from_slice(layout.magic);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    out
}

/// Completes a container: `associated` (magic‖header_len‖header‖header_tag), a fresh
/// nonce, and `payload` sealed under `key` with `associated` as associated data.
pub(crate) fn seal(mut associated: Vec<u8>, key: &Key, payload: &[u8]) -> Vec<u8> {
    let nonce = *crypto::random::<NONCE_LEN>();
    let ciphertext = crypto::seal(key, &nonce, payload, &associated);
    associated.extend_from_slice(&nonce);
    associated.extend_from_slice(&ciphertext);
    associated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::KEY_LEN;

    const LAYOUT: Layout = Layout {
        magic: b"SESAMETT",
        header_tag_len: 3,
    };

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Header {
        format: FormatName,
        algorithm: KdfAlgorithm,
    }

    fn header() -> Header {
        Header {
            format: FormatName::Vault,
            algorithm: KdfAlgorithm::Argon2id,
        }
    }

    #[test]
    fn seals_and_splits_back() {
        let key = crypto::random::<KEY_LEN>();
        let mut associated = header_prefix(LAYOUT, &header());
        associated.extend_from_slice(b"tag");
        let bytes = seal(associated, &key, b"payload");
        let parts = split::<Header>(LAYOUT, &bytes).unwrap();
        assert_eq!(parts.header, header());
        assert_eq!(parts.header_tag, b"tag");
        assert_eq!(parts.associated.len(), parts.signed.len() + 3);
        assert_eq!(parts.open(&key).unwrap().as_slice(), b"payload");
        assert!(parts.open(&crypto::random::<KEY_LEN>()).is_none());
        for len in 0..bytes.len() - "payload".len() {
            assert!(split::<Header>(LAYOUT, &bytes[..len]).is_err(), "{len}");
        }
    }

    #[test]
    fn structural_errors_are_typed() {
        let other = Layout {
            magic: b"SESAMEXX",
            ..LAYOUT
        };
        let bytes = seal(header_prefix(other, &header()), &crypto::random(), b"");
        let err = |bytes: &[u8]| split::<Header>(LAYOUT, bytes).unwrap_err();
        assert_eq!(err(&bytes), ContainerError::WrongMagic);
        let mut huge = LAYOUT.magic.to_vec();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(err(&huge), ContainerError::HeaderLength);
        let mut not_json = header_prefix(LAYOUT, &"text");
        not_json.extend_from_slice(&[0; 3 + NONCE_LEN + TAG_LEN]);
        assert!(matches!(
            err(&not_json),
            ContainerError::UnreadableHeader(_)
        ));
    }

    #[test]
    fn names_read_from_files_are_enums_with_an_unknown_case() {
        let json = r#"{"format":"sesame-vault","algorithm":"argon2id"}"#;
        assert_eq!(serde_json::from_str::<Header>(json).unwrap(), header());
        assert_eq!(serde_json::to_string(&header()).unwrap(), json);
        let odd: Header =
            serde_json::from_str(r#"{"format":"sesame-vault2","algorithm":"scrypt"}"#).unwrap();
        assert_eq!(odd.format, FormatName::Unknown("sesame-vault2".into()));
        assert_eq!(odd.format.as_str(), "sesame-vault2");
        assert_eq!(odd.algorithm, KdfAlgorithm::Unknown("scrypt".into()));
        assert_eq!(
            serde_json::to_string(&odd).unwrap(),
            r#"{"format":"sesame-vault2","algorithm":"scrypt"}"#
        );
        assert!(serde_json::from_str::<Header>(r#"{"format":1,"algorithm":"x"}"#).is_err());
        assert_eq!(shown_name("short"), "short");
        assert_eq!(shown_name(&"é".repeat(50)), format!("{}…", "é".repeat(40)));
    }
}
