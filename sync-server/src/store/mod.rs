//! Where the items live: the [`Store`] trait and the rules both engines share (which
//! changes of a batch conflict, the quota, versions and seqs), so that SQLite
//! ([`sqlite`]) and DynamoDB ([`dynamodb`]) only differ in how they read and write.

pub mod dynamodb;
pub mod sqlite;
pub mod tombstones;

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::wire::{Applied, Change, Conflict, Device, Item, ItemsApplied, ItemsPage, KeyRecord};

/// A boxed `Send` future (the trait is used as `dyn Store`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The most sealed bytes one page of `GET /v1/items` carries (a page may end before its
/// limit, with `more: true`): keeps answers under API Gateway's and Lambda's 6 MB.
pub const PAGE_BYTES: usize = 4 * 1024 * 1024;
/// How long a request id is remembered (the contract promises at least 24 h).
pub const REQUEST_TTL_MS: u64 = 48 * 3600 * 1000;
/// `last_seen` of a device is written at most this often.
pub const LAST_SEEN_EVERY_MS: u64 = 60 * 1000;

/// The storage engine failed (not the caller's fault). The message names the engine's
/// problem, never a user's data.
#[derive(Debug, thiserror::Error)]
#[error("the {engine} store failed: {reason}")]
pub struct StoreError {
    /// `sqlite` or `dynamodb`.
    pub engine: &'static str,
    /// What went wrong.
    pub reason: String,
}

/// What a `PUT /v1/key` did.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyWrite {
    /// Stored as this version.
    Written(u64),
    /// A create, but a key exists.
    Exists(KeyRecord),
    /// A replace naming another version than the current.
    Stale(KeyRecord),
    /// A replace, but there is no key.
    Missing,
}

/// One `POST /v1/items`, checked by [`check_batch`].
#[derive(Debug, Clone)]
pub struct Batch {
    /// The user (token `sub`).
    pub sub: String,
    /// The device writing.
    pub device: String,
    /// The client's request id.
    pub request_id: String,
    /// The changes, distinct ids.
    pub changes: Vec<Change>,
    /// Server time, Unix ms.
    pub now: u64,
    /// The most live (not deleted) items the user may hold.
    pub max_items: u64,
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchOutcome {
    /// Every change applied (or the request id was seen before: its first answer).
    Applied(ItemsApplied),
    /// Nothing applied: these changes named versions the server does not hold.
    Conflicts(Vec<Conflict>),
    /// Nothing applied: the user would hold more than this many items.
    Quota(u64),
}

/// Whether a device may use the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceStatus {
    /// Recorded and not revoked.
    Active,
    /// Revoked by another of the user's devices.
    Revoked,
}

/// The user's per-user counters: the change sequence and the number of live items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// The last seq handed out (0: none).
    pub seq: u64,
    /// Items not deleted.
    pub live: u64,
}

/// One engine. Every method touches one user's data only (`sub`).
pub trait Store: Send + Sync {
    /// `sqlite` or `dynamodb`.
    fn kind(&self) -> &'static str;
    /// The user's key.
    fn get_key(&self, sub: String) -> BoxFuture<'_, Result<Option<KeyRecord>, StoreError>>;
    /// Creates (`replaces: None`) or replaces the key.
    fn put_key(
        &self,
        sub: String,
        replaces: Option<u64>,
        key: Value,
        now: u64,
    ) -> BoxFuture<'_, Result<KeyWrite, StoreError>>;
    /// Items with seq above `since`, ascending, at most `limit` (and [`PAGE_BYTES`]),
    /// without tombstones past their 90 days at `now`, and with the seq up to which
    /// tombstones may be purged ([`tombstones`]).
    fn items(
        &self,
        sub: String,
        since: u64,
        limit: u32,
        now: u64,
    ) -> BoxFuture<'_, Result<ItemsPage, StoreError>>;
    /// Applies a batch atomically, once per request id.
    fn apply(&self, batch: Batch) -> BoxFuture<'_, Result<BatchOutcome, StoreError>>;
    /// Records the device on its first request, refreshes `last_seen` (at most once a
    /// minute) and its name, and says whether it is revoked.
    fn touch_device(
        &self,
        sub: String,
        device: String,
        name: Option<String>,
        now: u64,
    ) -> BoxFuture<'_, Result<DeviceStatus, StoreError>>;
    /// The user's devices.
    fn devices(&self, sub: String) -> BoxFuture<'_, Result<Vec<Device>, StoreError>>;
    /// Revokes a device; false when the user has no such device.
    fn revoke_device(&self, sub: String, device: String)
    -> BoxFuture<'_, Result<bool, StoreError>>;
    /// Deletes everything of the user: key, items, devices, counters, request ids. Returns
    /// how many records went.
    fn delete_user(&self, sub: String) -> BoxFuture<'_, Result<u64, StoreError>>;
}

/// Why a batch is refused before it reaches the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Malformed (422).
    #[error("{0}")]
    Invalid(String),
    /// An item's sealed data is over the limit (413).
    #[error("item {id} holds {bytes} bytes; an item may hold at most {max}")]
    TooLarge {
        /// The item.
        id: String,
        /// Its size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
}

/// Checks a batch's shape: request id, 1–50 changes with distinct valid ids, data
/// present iff not deleted, data within `max_item_bytes`.
pub fn check_batch(
    request_id: &str,
    changes: &[Change],
    max_item_bytes: usize,
) -> Result<(), BatchError> {
    use crate::wire::{MAX_CHANGES, valid_item_id, valid_request_id};
    if !valid_request_id(request_id) {
        return Err(BatchError::Invalid(
            "request_id must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -".into(),
        ));
    }
    if changes.is_empty() || changes.len() > MAX_CHANGES {
        return Err(BatchError::Invalid(format!(
            "a batch holds 1 to {MAX_CHANGES} changes, not {}",
            changes.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for change in changes {
        if !valid_item_id(&change.id) {
            return Err(BatchError::Invalid(
                "an item id must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -".into(),
            ));
        }
        if !seen.insert(change.id.as_str()) {
            return Err(BatchError::Invalid(format!(
                "item {} appears twice in one batch",
                change.id
            )));
        }
        match (&change.data, change.deleted) {
            (Some(_), true) => {
                return Err(BatchError::Invalid(format!(
                    "item {}: a delete carries no data (data must be null)",
                    change.id
                )));
            }
            (None, false) => {
                return Err(BatchError::Invalid(format!(
                    "item {}: data is missing (only a delete has null data)",
                    change.id
                )));
            }
            (Some(data), false) if data.0.len() > max_item_bytes => {
                return Err(BatchError::TooLarge {
                    id: change.id.clone(),
                    bytes: data.0.len(),
                    max: max_item_bytes,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// What a batch writes once it is known to apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The items as they will be stored, in the batch's order.
    pub writes: Vec<Item>,
    /// The counters after the batch.
    pub counters: Counters,
    /// The answer (also kept under the request id).
    pub answer: ItemsApplied,
}

/// Decides a batch against what is stored: `current[i]` is the stored item named by
/// `batch.changes[i]`. Conflicts (every change whose `replaces` is not the stored version)
/// and the quota refuse the whole batch.
pub fn plan(
    batch: &Batch,
    current: &[Option<Item>],
    counters: Counters,
) -> Result<Plan, BatchOutcome> {
    let conflicts: Vec<Conflict> = batch
        .changes
        .iter()
        .zip(current)
        .filter(|(change, item)| item.as_ref().map_or(0, |i| i.version) != change.replaces)
        .map(|(change, item)| Conflict {
            id: change.id.clone(),
            current: item.clone(),
        })
        .collect();
    if !conflicts.is_empty() {
        return Err(BatchOutcome::Conflicts(conflicts));
    }
    let mut seq = counters.seq;
    let mut live = counters.live as i64;
    let mut writes = Vec::with_capacity(batch.changes.len());
    let mut applied = Vec::with_capacity(batch.changes.len());
    for (change, item) in batch.changes.iter().zip(current) {
        seq += 1;
        let was_live = item.as_ref().is_some_and(|i| !i.deleted);
        live += i64::from(!change.deleted) - i64::from(was_live);
        let version = change.replaces + 1;
        writes.push(Item {
            id: change.id.clone(),
            version,
            seq,
            deleted: change.deleted,
            data: if change.deleted {
                None
            } else {
                change.data.clone()
            },
            modified: batch.now,
            device: batch.device.clone(),
        });
        applied.push(Applied {
            id: change.id.clone(),
            version,
            seq,
        });
    }
    let live = live.max(0) as u64;
    if live > batch.max_items && live > counters.live {
        return Err(BatchOutcome::Quota(batch.max_items));
    }
    Ok(Plan {
        writes,
        counters: Counters { seq, live },
        answer: ItemsApplied { seq, applied },
    })
}

/// Fills a page from items in ascending seq (at most `limit + 1` of them are looked at):
/// stops at `limit` or at [`PAGE_BYTES`] of data (always at least one item). `current` is
/// the user's seq, read before the items: a page after which nothing follows says it (so
/// a device learns it has read everything, even when the last writes were tombstones that
/// are purged since).
pub fn page(candidates: Vec<Item>, limit: u32, current: u64) -> ItemsPage {
    let limit = limit as usize;
    let total = candidates.len();
    let mut items = Vec::new();
    let mut bytes = 0;
    for item in candidates {
        let size = item.data.as_ref().map_or(0, |d| d.0.len());
        if items.len() == limit || (!items.is_empty() && bytes + size > PAGE_BYTES) {
            break;
        }
        bytes += size;
        items.push(item);
    }
    let more = items.len() < total;
    let last = items.last().map_or(0, |item| item.seq);
    ItemsPage {
        seq: if more { last } else { last.max(current) },
        items,
        more,
        purged: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Blob;

    fn change(id: &str, replaces: u64) -> Change {
        Change {
            id: id.into(),
            replaces,
            deleted: false,
            data: Some(Blob(vec![1])),
        }
    }

    #[test]
    fn a_batch_is_checked_before_it_is_stored() {
        let rid = "0123456789abcdef";
        assert!(check_batch(rid, &[change("a", 0)], 16).is_ok());
        assert!(matches!(
            check_batch("short", &[change("a", 0)], 16),
            Err(BatchError::Invalid(_))
        ));
        assert!(matches!(
            check_batch(rid, &[], 16),
            Err(BatchError::Invalid(_))
        ));
        assert!(matches!(
            check_batch(rid, &[change("a", 0), change("a", 1)], 16),
            Err(BatchError::Invalid(m)) if m.contains("twice")
        ));
        let mut delete_with_data = change("a", 1);
        delete_with_data.deleted = true;
        assert!(check_batch(rid, &[delete_with_data], 16).is_err());
        let big = Change {
            data: Some(Blob(vec![0; 17])),
            ..change("a", 0)
        };
        assert_eq!(
            check_batch(rid, &[big], 16),
            Err(BatchError::TooLarge {
                id: "a".into(),
                bytes: 17,
                max: 16
            })
        );
        let many: Vec<_> = (0..51).map(|i| change(&i.to_string(), 0)).collect();
        assert!(check_batch(rid, &many, 16).is_err());
    }
}
