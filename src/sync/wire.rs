//! The JSON bodies of the Sesame Sync API (`/v1`), as the client sends and reads them. The
//! contract is fixed in the issue (and in the server's `openapi.json`); these are the client's
//! own types for it, so the core does not depend on the server crate.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::item::{DeviceId, ItemId, RequestId};

/// The header naming the calling device.
pub const DEVICE_HEADER: &str = "Sesame-Device";
/// The optional header with the device's name (percent-encoded UTF-8, ≤ 64 characters).
pub const DEVICE_NAME_HEADER: &str = "Sesame-Device-Name";
/// The most characters of a device name.
pub const MAX_DEVICE_NAME_CHARS: usize = 64;
/// Most changes one `POST /v1/items` may carry.
pub const MAX_CHANGES: usize = 50;
/// The page size the client asks for (the server's default; at most 1000).
pub const PAGE_LIMIT: u32 = 500;

/// Bytes sent as standard Base64 with padding.
#[derive(Clone, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl std::fmt::Debug for Blob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Blob({} bytes)", self.0.len())
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map(Blob)
            .map_err(|_| serde::de::Error::custom("invalid Base64"))
    }
}

/// `GET /v1/key` → 200.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyRecord {
    /// The key's version (1 for the first).
    pub version: u64,
    /// The opaque blob (`key::KeyBlob`).
    pub key: serde_json::Value,
    /// When it was last written (Unix ms, server time).
    pub updated: u64,
}

/// `PUT /v1/key` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PutKey {
    /// `None` creates; a version replaces exactly that version.
    pub replaces: Option<u64>,
    /// The opaque blob.
    pub key: serde_json::Value,
}

/// `PUT /v1/key` → 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PutKeyOk {
    /// The new version.
    pub version: u64,
}

/// One item as the server returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// The item id.
    pub id: ItemId,
    /// Its version (≥ 1).
    pub version: u64,
    /// The per-user sequence number of its last write.
    pub seq: u64,
    /// A tombstone.
    pub deleted: bool,
    /// The sealed bytes (`None` iff deleted).
    pub data: Option<Blob>,
    /// Server time of the write (Unix ms).
    pub modified: u64,
    /// The device that wrote it.
    pub device: DeviceId,
}

/// `GET /v1/items` → 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemsPage {
    /// Items with `seq > since`, ascending.
    pub items: Vec<Item>,
    /// The seq to ask from next.
    pub seq: u64,
    /// Whether another page follows.
    pub more: bool,
    /// Tombstones with a seq up to this one may be purged (kept 90 days): a device that
    /// read up to a lower seq reads everything again (0 from servers that never purge).
    #[serde(default)]
    pub purged: u64,
}

/// One change of a push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The item.
    pub id: ItemId,
    /// The version it replaces (0: the item must not exist yet).
    pub replaces: u64,
    /// A delete.
    pub deleted: bool,
    /// The sealed bytes (`None` iff deleted).
    pub data: Option<Blob>,
}

/// `POST /v1/items` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostItems {
    /// The idempotency key: the same request again is applied once.
    pub request_id: RequestId,
    /// 1–50 changes, distinct ids.
    pub changes: Vec<Change>,
}

/// One applied change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applied {
    /// The item.
    pub id: ItemId,
    /// Its new version.
    pub version: u64,
    /// Its new seq.
    pub seq: u64,
}

/// `POST /v1/items` → 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostItemsOk {
    /// The user's seq after the push.
    pub seq: u64,
    /// Every change, applied.
    pub applied: Vec<Applied>,
}

/// One conflict of a refused push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// The item.
    pub id: ItemId,
    /// The item as it is now (`None`: it does not exist).
    pub current: Option<Item>,
}

/// `POST /v1/items` → 409 `conflict`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictBody {
    /// `conflict`.
    pub error: String,
    /// Words for a person.
    pub message: String,
    /// Every change that did not apply because of its version.
    pub conflicts: Vec<Conflict>,
}

/// `PUT /v1/key` → 409 `key_exists` / `stale_key`: the key the server holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyConflict {
    /// `key_exists` or `stale_key`.
    pub error: String,
    /// Words for a person.
    pub message: String,
    /// The current key.
    pub current: KeyRecord,
}

/// A device of the user (`GET /v1/devices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// The `Sesame-Device` id.
    pub id: String,
    /// The `Sesame-Device-Name` it last sent.
    pub name: Option<String>,
    /// Its first authenticated request (Unix ms).
    pub first_seen: u64,
    /// Its latest request (updated at most once a minute, Unix ms).
    pub last_seen: u64,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// `GET /v1/devices` → 200.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Devices {
    /// Every device the user has used, revoked ones included.
    pub devices: Vec<Device>,
}

/// `DELETE /v1/data` → 200.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataDeleted {
    /// How many records the server deleted (0: it held nothing of the user).
    pub deleted: u64,
}

/// Any other error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A snake_case code (`device_revoked`, `rate_limited`, …).
    pub error: String,
    /// Words a person can act on.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_match_the_contract_json() {
        let json = serde_json::json!({
            "items": [{"id": "abc", "version": 2, "seq": 7, "deleted": false,
                       "data": "U1NJMQ==", "modified": 1700000000000u64,
                       "device": "AAAAAAAAAAAAAAAAAAAAAA"},
                      {"id": "def", "version": 3, "seq": 8, "deleted": true, "data": null,
                       "modified": 1, "device": "AAAAAAAAAAAAAAAAAAAAAA"}],
            "seq": 8, "more": false, "purged": 0
        });
        let page: ItemsPage = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(page.items[0].data, Some(Blob(b"SSI1".to_vec())));
        assert!(page.items[1].deleted && page.items[1].data.is_none());
        assert_eq!(serde_json::to_value(&page).unwrap(), json);
        let post = PostItems {
            request_id: RequestId::try_from("r".repeat(16)).unwrap(),
            changes: vec![Change {
                id: ItemId::try_from("abc".to_owned()).unwrap(),
                replaces: 0,
                deleted: false,
                data: Some(Blob(vec![0xff])),
            }],
        };
        assert_eq!(
            serde_json::to_value(&post).unwrap(),
            serde_json::json!({"request_id": "rrrrrrrrrrrrrrrr",
                "changes": [{"id": "abc", "replaces": 0, "deleted": false, "data": "/w=="}]})
        );
        assert_eq!(
            serde_json::to_value(PutKey {
                replaces: None,
                key: serde_json::json!({})
            })
            .unwrap(),
            serde_json::json!({"replaces": null, "key": {}})
        );
        assert!(serde_json::from_str::<Blob>("\"not base64!\"").is_err());
    }
}
