//! One account sealed as one item, as the wire contract fixes it:
//!
//! ```text
//! sealed = "SSI1" ‖ nonce (24 random bytes) ‖ XChaCha20-Poly1305(sync key, nonce, item JSON,
//!          associated data = sub ‖ 0x00 ‖ item id ‖ 0x00 ‖ version as u64 big-endian)
//! ```
//!
//! The associated data ties the sealed bytes to one user, one item and one version: the
//! server cannot hand a device another user's item, move an item to another id, or replay an
//! old version as a newer one.

use super::item::{ItemId, ItemPlain};
use super::key::SyncKey;
use crate::crypto::{self, NONCE_LEN, TAG_LEN};

/// First bytes of a sealed item.
pub const MAGIC: &[u8; 4] = b"SSI1";
/// The largest sealed item the server accepts.
pub const MAX_SEALED_LEN: usize = 16 * 1024;

/// Why an item could not be sealed or opened. Never contains item contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// The account is too large to sync (most often a large custom icon).
    #[error(
        "this account is too large to sync ({len} bytes sealed, at most {MAX_SEALED_LEN}); a smaller icon helps"
    )]
    TooLarge {
        /// Sealed length.
        len: usize,
    },
    /// The bytes do not start like a sealed item, or are too short to be one.
    #[error("item {id} is not a Sesame item")]
    NotAnItem {
        /// The item.
        id: ItemId,
    },
    /// The sync key does not open it, or it was changed, or it belongs to another user,
    /// another item or another version.
    #[error(
        "item {id} does not open with the sync key: it was changed on the server, or belongs to another user, item or version"
    )]
    Tampered {
        /// The item.
        id: ItemId,
    },
    /// It opened but does not hold an account Sesame can read.
    #[error("item {id} holds no account this Sesame can read ({reason})")]
    Unreadable {
        /// The item.
        id: ItemId,
        /// The parser's message (no item contents).
        reason: String,
    },
}

/// `sub ‖ 0x00 ‖ item id ‖ 0x00 ‖ version (u64 big-endian)`.
pub fn associated_data(sub: &str, id: &ItemId, version: u64) -> Vec<u8> {
    let mut aad = Vec::with_capacity(sub.len() + id.as_str().len() + 10);
    aad.extend_from_slice(sub.as_bytes());
    aad.push(0);
    aad.extend_from_slice(id.as_str().as_bytes());
    aad.push(0);
    aad.extend_from_slice(&version.to_be_bytes());
    aad
}

/// Seals `plain` as version `version` of item `id` of user `sub`.
pub fn seal_item(
    key: &SyncKey,
    sub: &str,
    id: &ItemId,
    version: u64,
    plain: &ItemPlain,
) -> Result<Vec<u8>, SealError> {
    let nonce = *crypto::random::<NONCE_LEN>();
    let json = plain.to_json();
    let ciphertext = crypto::seal(&key.0, &nonce, &json, &associated_data(sub, id, version));
    let mut out = Vec::with_capacity(MAGIC.len() + NONCE_LEN + ciphertext.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    if out.len() > MAX_SEALED_LEN {
        return Err(SealError::TooLarge { len: out.len() });
    }
    Ok(out)
}

/// Opens version `version` of item `id` of user `sub`.
pub fn open_item(
    key: &SyncKey,
    sub: &str,
    id: &ItemId,
    version: u64,
    sealed: &[u8],
) -> Result<ItemPlain, SealError> {
    if !sealed.starts_with(MAGIC) || sealed.len() < MAGIC.len() + NONCE_LEN + TAG_LEN {
        return Err(SealError::NotAnItem { id: id.clone() });
    }
    let nonce: [u8; NONCE_LEN] = sealed[MAGIC.len()..MAGIC.len() + NONCE_LEN]
        .try_into()
        .expect("NONCE_LEN bytes");
    let ciphertext = &sealed[MAGIC.len() + NONCE_LEN..];
    let json = crypto::open(
        &key.0,
        &nonce,
        ciphertext,
        &associated_data(sub, id, version),
    )
    .ok_or_else(|| SealError::Tampered { id: id.clone() })?;
    ItemPlain::from_json(&json).map_err(|e| SealError::Unreadable {
        id: id.clone(),
        // serde_json's messages name positions and expected types, not the input.
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::item::DeviceId;
    use crate::sync::item::tests::hotp_account;

    const SUB: &str = "7f2c1a9e-0000-4000-8000-000000000001";

    fn sealed() -> (SyncKey, ItemId, ItemPlain, Vec<u8>) {
        let key = SyncKey::generate();
        let id = ItemId::generate();
        let plain = ItemPlain::new(&hotp_account("alice", 3), 10, &DeviceId::generate());
        let bytes = seal_item(&key, SUB, &id, 4, &plain).unwrap();
        (key, id, plain, bytes)
    }

    #[test]
    fn a_sealed_item_opens_with_the_same_user_id_and_version() {
        let (key, id, plain, bytes) = sealed();
        assert!(bytes.starts_with(b"SSI1"));
        assert_eq!(open_item(&key, SUB, &id, 4, &bytes).unwrap(), plain);
        // The account's name and secret are not in the sealed bytes.
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("alice") && !text.contains("ACME"));
    }

    #[test]
    fn opening_refuses_tampering_and_every_other_binding() {
        let (key, id, _, bytes) = sealed();
        let tampered = |r: Result<ItemPlain, SealError>| {
            assert_eq!(r.unwrap_err(), SealError::Tampered { id: id.clone() })
        };
        for at in [4, 4 + NONCE_LEN, bytes.len() - 1] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x20;
            tampered(open_item(&key, SUB, &id, 4, &flipped));
        }
        tampered(open_item(&key, SUB, &id, 5, &bytes));
        tampered(open_item(&key, SUB, &id, 3, &bytes));
        tampered(open_item(&key, "another-user", &id, 4, &bytes));
        let other = ItemId::generate();
        assert_eq!(
            open_item(&key, SUB, &other, 4, &bytes).unwrap_err(),
            SealError::Tampered { id: other }
        );
        tampered(open_item(&SyncKey::generate(), SUB, &id, 4, &bytes));
        // The separators keep (sub, id) pairs apart: "ab"+"c" is not "a"+"bc".
        assert_ne!(
            associated_data("ab", &ItemId::try_from("c".to_owned()).unwrap(), 1),
            associated_data("a", &ItemId::try_from("bc".to_owned()).unwrap(), 1)
        );
    }

    #[test]
    fn bytes_that_are_not_an_item_are_said_so() {
        let (key, id, _, bytes) = sealed();
        for bad in [&b"SSI2"[..], &bytes[..20], b""] {
            assert_eq!(
                open_item(&key, SUB, &id, 4, bad).unwrap_err(),
                SealError::NotAnItem { id: id.clone() }
            );
        }
        let nonce = [1u8; NONCE_LEN];
        let aad = associated_data(SUB, &id, 1);
        let mut junk = MAGIC.to_vec();
        junk.extend_from_slice(&nonce);
        junk.extend_from_slice(&crypto::seal(&key.0, &nonce, b"[1,2]", &aad));
        assert!(matches!(
            open_item(&key, SUB, &id, 1, &junk),
            Err(SealError::Unreadable { .. })
        ));
    }

    #[test]
    fn an_account_too_large_for_the_server_is_refused_when_sealing() {
        let mut account = hotp_account("big", 0);
        account.icon = Some(format!(
            "data:image/png;base64,{}",
            "A".repeat(MAX_SEALED_LEN)
        ));
        let plain = ItemPlain::new(&account, 1, &DeviceId::generate());
        assert!(matches!(
            seal_item(&SyncKey::generate(), SUB, &ItemId::generate(), 1, &plain),
            Err(SealError::TooLarge { .. })
        ));
    }
}
