//! The wire types of the Sesame Sync API (`/v1`), shared by the server and its clients.
//! Only `serde`, `serde_json` and `base64`: a client depends on this crate with
//! `default-features = false` and gets this module alone.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// The header naming the calling device.
pub const DEVICE_HEADER: &str = "Sesame-Device";
/// The optional header with the device's name (percent-encoded UTF-8).
pub const DEVICE_NAME_HEADER: &str = "Sesame-Device-Name";
/// The most sealed bytes one item may hold.
pub const MAX_ITEM_BYTES: usize = 16 * 1024;
/// The most bytes a serialized key object may have.
pub const MAX_KEY_BYTES: usize = 8 * 1024;
/// The most bytes of a request body.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The most changes in one `POST /v1/items`.
pub const MAX_CHANGES: usize = 50;
/// Items per page when the client names no limit.
pub const DEFAULT_LIMIT: u32 = 500;
/// The largest page a client may ask for.
pub const MAX_LIMIT: u32 = 1000;
/// The most characters of a device name.
pub const MAX_DEVICE_NAME_CHARS: usize = 64;

/// Opaque bytes, as standard Base64 with padding (RFC 4648 §4) in JSON.
#[derive(Clone, PartialEq, Eq, Default)]
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
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        STANDARD
            .decode(text.as_bytes())
            .map(Blob)
            .map_err(|_| serde::de::Error::custom("not standard Base64 with padding"))
    }
}

#[cfg(feature = "server")]
impl utoipa::PartialSchema for Blob {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .content_encoding("base64")
            .description(Some("Sealed bytes, standard Base64 with padding"))
            .into()
    }
}
#[cfg(feature = "server")]
impl utoipa::ToSchema for Blob {}

/// Whether `id` is 1–64 characters of `[A-Za-z0-9_-]` (item ids).
pub fn valid_item_id(id: &str) -> bool {
    token_chars(id, 1, 64)
}

/// Whether `id` is 22–64 characters of `[A-Za-z0-9_-]` (device ids).
pub fn valid_device_id(id: &str) -> bool {
    token_chars(id, 22, 64)
}

/// Whether `id` is 16–64 characters of `[A-Za-z0-9_-]` (request ids).
pub fn valid_request_id(id: &str) -> bool {
    token_chars(id, 16, 64)
}

fn token_chars(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// An error answer: `{"error": code, "message": words}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// A snake_case code: `invalid_token`, `device_revoked`, `not_found`, `no_key`,
    /// `conflict`, `key_exists`, `stale_key`, `too_large`, `invalid`, `rate_limited`, `quota`.
    pub error: String,
    /// Words a person can act on.
    pub message: String,
}

/// The user's key record (`GET /v1/key`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct KeyRecord {
    /// 1 for the first key, one more for each replacement.
    pub version: u64,
    /// Opaque to the server (≤ 8 KiB serialized).
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub key: Value,
    /// Server time of the last write, Unix milliseconds.
    pub updated: u64,
}

/// `PUT /v1/key`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PutKey {
    /// `null` creates; a number replaces that version only.
    pub replaces: Option<u64>,
    /// The new key object.
    #[cfg_attr(feature = "server", schema(value_type = Object))]
    pub key: Value,
}

/// The answer to a `PUT /v1/key` that applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct KeyVersion {
    /// The version now stored.
    pub version: u64,
}

/// 409 `key_exists` / `stale_key`: the key the server holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct KeyConflict {
    /// `key_exists` or `stale_key`.
    pub error: String,
    /// Words a person can act on.
    pub message: String,
    /// The current key.
    pub current: KeyRecord,
}

/// One stored item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Item {
    /// 1–64 characters of `[A-Za-z0-9_-]`.
    pub id: String,
    /// 1 on creation, one more per write.
    pub version: u64,
    /// The user's change sequence number of the last write.
    pub seq: u64,
    /// A tombstone.
    pub deleted: bool,
    /// The sealed bytes; `null` iff deleted.
    pub data: Option<Blob>,
    /// Server time of the last write, Unix milliseconds.
    pub modified: u64,
    /// The device that wrote it.
    pub device: String,
}

/// `GET /v1/items?since=&limit=` query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::IntoParams))]
pub struct ItemsQuery {
    /// Only items written after this seq (default 0).
    pub since: Option<u64>,
    /// At most this many items (default 500, at most 1000).
    pub limit: Option<u32>,
}

/// A page of changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ItemsPage {
    /// Ascending seq, each above `since`.
    pub items: Vec<Item>,
    /// The seq to ask from next: the last item's when `more` follow, else the user's
    /// current seq.
    pub seq: u64,
    /// Whether more items follow (ask again with `since = seq`).
    pub more: bool,
    /// Tombstones (deletes) are kept 90 days: those with a seq up to this one may be gone.
    /// A device that read up to a lower seq (and not from 0) may have missed deletes and
    /// must read everything again from `since=0`.
    pub purged: u64,
}

/// One change in a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Change {
    /// The item.
    pub id: String,
    /// The version this change replaces; 0 = the item must not exist yet.
    pub replaces: u64,
    /// Whether the change deletes (leaves a tombstone).
    pub deleted: bool,
    /// The sealed bytes; `null` iff `deleted`.
    pub data: Option<Blob>,
}

/// `POST /v1/items`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct PostItems {
    /// Chosen by the client (16–64 chars `[A-Za-z0-9_-]`); a retry reuses it.
    pub request_id: String,
    /// 1–50 changes with distinct ids.
    pub changes: Vec<Change>,
}

/// What one applied change became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Applied {
    /// The item.
    pub id: String,
    /// Its new version (`replaces + 1`).
    pub version: u64,
    /// Its new seq.
    pub seq: u64,
}

/// The answer to a batch that applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ItemsApplied {
    /// The user's seq after the batch.
    pub seq: u64,
    /// One entry per change, in the request's order.
    pub applied: Vec<Applied>,
}

/// One change that named a version the server does not hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Conflict {
    /// The item.
    pub id: String,
    /// The item as stored, or `null` when it does not exist.
    pub current: Option<Item>,
}

/// 409 `conflict`: nothing was applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ConflictBody {
    /// `conflict`.
    pub error: String,
    /// Words a person can act on.
    pub message: String,
    /// Each change that could not apply.
    pub conflicts: Vec<Conflict>,
}

/// A device of the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Device {
    /// The `Sesame-Device` id.
    pub id: String,
    /// The `Sesame-Device-Name` it last sent.
    pub name: Option<String>,
    /// Its first authenticated request, Unix ms.
    pub first_seen: u64,
    /// Its latest request (updated at most once a minute), Unix ms.
    pub last_seen: u64,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// `GET /v1/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Devices {
    /// Every device the user has used, revoked ones included.
    pub devices: Vec<Device>,
}

/// `DELETE /v1/data`: what was deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct DataDeleted {
    /// How many stored records went (the key, items, tombstones, devices, request ids and
    /// counters); 0 when the user had nothing stored.
    pub deleted: u64,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// `sqlite` or `dynamodb`.
    pub store: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_are_standard_base64_with_padding() {
        let blob = Blob(vec![0xfb, 0xff]);
        assert_eq!(serde_json::to_string(&blob).unwrap(), r#""+/8=""#);
        assert_eq!(serde_json::from_str::<Blob>(r#""+/8=""#).unwrap(), blob);
        assert!(serde_json::from_str::<Blob>(r#""-_8""#).is_err());
        assert!(serde_json::from_str::<Blob>(r#""+/8""#).is_err());
    }

    #[test]
    fn ids_are_checked_by_length_and_alphabet() {
        assert!(valid_item_id("a") && valid_item_id(&"x".repeat(64)));
        assert!(!valid_item_id("") && !valid_item_id(&"x".repeat(65)) && !valid_item_id("a/b"));
        assert!(valid_device_id(&"d".repeat(22)) && !valid_device_id(&"d".repeat(21)));
        assert!(valid_request_id("0123456789abcdef") && !valid_request_id("short"));
    }
}
