//! Item ids, device ids and request ids (random, URL-safe), and an item's plaintext: the
//! account plus when and on which device it was last edited (what the merge compares).

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::account::StoredAccount;

/// Text that is not a valid id of the wire contract (1–64 characters of `[A-Za-z0-9_-]`,
/// or 22–64 for a device id).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} \"{shown}\": expected {min} to 64 characters of A-Z, a-z, 0-9, _ and -")]
pub struct InvalidId {
    /// Which kind of id.
    pub what: &'static str,
    /// The refused text (at most 70 characters of it).
    pub shown: String,
    /// The shortest length accepted.
    pub min: usize,
}

fn check_id(text: &str, what: &'static str, min: usize) -> Result<(), InvalidId> {
    let ok = (min..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(InvalidId {
            what,
            shown: text.chars().take(70).collect(),
            min,
        })
    }
}

/// 16 random bytes as 22 base64url characters.
fn random_id() -> String {
    URL_SAFE_NO_PAD.encode(*crate::crypto::random::<16>())
}

macro_rules! wire_id {
    ($(#[$doc:meta])* $name:ident, $what:literal, $min:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// A fresh random id (22 base64url characters, 128 random bits).
            pub fn generate() -> Self {
                $name(random_id())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;

            fn try_from(text: String) -> Result<Self, InvalidId> {
                check_id(&text, $what, $min)?;
                Ok($name(text))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

wire_id!(
    /// The server's name for one account's item: random, never derived from the account.
    ItemId,
    "item id",
    1
);
wire_id!(
    /// This vault's name on the server (`Sesame-Device`), chosen once when sync is turned on.
    DeviceId,
    "device id",
    22
);
wire_id!(
    /// A push's idempotency key: a retried push with the same id is applied once.
    RequestId,
    "request id",
    16
);

/// What an item decrypts to: the account and its last local edit's time and device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemPlain {
    /// The account as the vault keeps it (the HOTP counter included; `last_used_ms` is not
    /// synced and always absent).
    #[serde(flatten)]
    pub account: StoredAccount,
    /// When the account was last edited (Unix ms, the editing device's clock).
    pub modified_ms: u64,
    /// The device that made that edit.
    pub device: DeviceId,
}

impl ItemPlain {
    /// The plaintext for `account` as edited at `modified_ms` on `device`.
    pub fn new(account: &StoredAccount, modified_ms: u64, device: &DeviceId) -> Self {
        ItemPlain {
            account: synced_part(account),
            modified_ms,
            device: device.clone(),
        }
    }

    /// The JSON that gets sealed.
    pub fn to_json(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(serde_json::to_vec(self).expect("an item always serializes"))
    }

    /// Reads decrypted JSON.
    pub fn from_json(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }
}

/// The part of an account that syncs: everything but when a code was last used (a local
/// habit; syncing it would push on every copy).
pub fn synced_part(account: &StoredAccount) -> StoredAccount {
    StoredAccount {
        last_used_ms: None,
        ..account.clone()
    }
}

/// A fingerprint of the synced part of an account: a change the merge has not seen yet
/// shows as a different fingerprint, whichever code path (or older Sesame) made it.
pub fn fingerprint(account: &StoredAccount) -> String {
    let json = Zeroizing::new(
        serde_json::to_vec(&synced_part(account)).expect("an account always serializes"),
    );
    data_encoding::HEXLOWER.encode(&Sha256::digest(json.as_slice()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::account::Account;
    use crate::otp::{Algorithm, Params};
    use crate::secret::Secret;

    pub(crate) fn hotp_account(name: &str, counter: u64) -> StoredAccount {
        StoredAccount::new(
            Account::new(
                Some("ACME"),
                name,
                Secret::from_bytes(vec![7; 20]),
                Params::hotp(Algorithm::SHA1, 6, counter),
            ),
            1_700_000_000_000,
        )
    }

    #[test]
    fn generated_ids_are_22_url_safe_characters_and_distinct() {
        let a = ItemId::generate();
        assert_eq!(a.as_str().len(), 22);
        assert!(ItemId::try_from(a.to_string()).is_ok());
        assert_ne!(a, ItemId::generate());
        assert!(DeviceId::try_from(DeviceId::generate().to_string()).is_ok());
        assert_eq!(RequestId::generate().as_str().len(), 22);
    }

    #[test]
    fn ids_outside_the_contract_are_refused_when_read() {
        for bad in ["", "a b", "é", &"x".repeat(65), "a/b"] {
            assert!(ItemId::try_from(bad.to_owned()).is_err(), "{bad:?}");
        }
        let short = serde_json::from_value::<DeviceId>("abc".into()).unwrap_err();
        assert!(short.to_string().contains("22 to 64"), "{short}");
        assert!(RequestId::try_from("x".repeat(15)).is_err());
        assert!(ItemId::try_from("a".to_owned()).is_ok());
    }

    #[test]
    fn plaintext_carries_the_account_with_its_counter_but_not_last_use() {
        let mut account = hotp_account("alice", 41);
        account.last_used_ms = Some(5);
        let device = DeviceId::generate();
        let plain = ItemPlain::new(&account, 99, &device);
        let json = String::from_utf8(plain.to_json().to_vec()).unwrap();
        assert!(json.contains("\"counter\":41"), "{json}");
        assert!(json.contains("\"modified_ms\":99"), "{json}");
        assert!(!json.contains("last_used_ms"), "{json}");
        let back = ItemPlain::from_json(json.as_bytes()).unwrap();
        assert_eq!(back, plain);
        assert_eq!(back.account.id, account.id);
    }

    #[test]
    fn fingerprint_changes_with_synced_fields_only() {
        let account = hotp_account("alice", 1);
        let mut used = account.clone();
        used.last_used_ms = Some(123);
        assert_eq!(fingerprint(&account), fingerprint(&used));
        let mut renamed = account.clone();
        renamed.account.name = "alicia".into();
        assert_ne!(fingerprint(&account), fingerprint(&renamed));
        let mut bumped = account.clone();
        bumped.account.params.kind = crate::otp::Kind::Hotp { counter: 2 };
        assert_ne!(fingerprint(&account), fingerprint(&bumped));
    }
}
