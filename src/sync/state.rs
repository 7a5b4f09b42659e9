//! What a device keeps about sync in its vault (`VaultData::sync`): the sync key, where the
//! server is, who the user is, this device's id, how far it has read, and for every account
//! its item, the version it last agreed with the server and whether it has changes the
//! server has not seen; accounts deleted here wait as tombstones until they are pushed.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::item::{DeviceId, ItemId, fingerprint};
use super::key::SyncKey;
use super::wire::PostItems;
use crate::account::{AccountId, StoredAccount};

/// Sync's state in the vault. `Debug` hides the key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The key every item is sealed with.
    #[serde(serialize_with = "key_out", deserialize_with = "key_in")]
    pub key: SyncKey,
    /// The server's base URL.
    pub server: String,
    /// The user (the Cognito `sub` the items are bound to).
    pub user: String,
    /// This vault's device id.
    pub device: DeviceId,
    /// The name this device gives itself on the server (`Sesame-Device-Name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// The server seq this device has read up to.
    #[serde(default)]
    pub seq: u64,
    /// Each synced account's item.
    #[serde(default)]
    pub items: BTreeMap<AccountId, ItemState>,
    /// Accounts deleted here whose deletion the server has not applied yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tombstones: Vec<Tombstone>,
    /// A push that was sent (or about to be) without a known answer: sent again, with the
    /// same request id, before anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_push: Option<PendingPush>,
    /// When the last round finished (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync_ms: Option<u64>,
}

/// One account's item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemState {
    /// The item id (random, not derived from the account).
    pub item: ItemId,
    /// The version the server has (0: never pushed).
    pub version: u64,
    /// The account has changes the server has not seen.
    pub dirty: bool,
    /// When it was last edited (Unix ms): the merge's "last writer".
    pub modified_ms: u64,
    /// The fingerprint of what the server has (`item::fingerprint`), to notice changes made
    /// without going through [`SyncState::mark_changed`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced: Option<String>,
}

/// An account deleted here, waiting to be pushed as a deleted item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tombstone {
    /// The item.
    pub item: ItemId,
    /// The version being deleted.
    pub version: u64,
}

/// A push whose answer is not known yet, kept so a retry is the same request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPush {
    /// Exactly what is (re)sent.
    pub request: PostItems,
    /// For each changed item, the fingerprint of what it sent (`None` for a delete).
    pub sent: BTreeMap<ItemId, Option<String>>,
}

fn key_out<S: Serializer>(key: &SyncKey, s: S) -> Result<S::Ok, S::Error> {
    let text = zeroize::Zeroizing::new(STANDARD.encode(key.as_bytes()));
    s.serialize_str(&text)
}

fn key_in<'de, D: Deserializer<'de>>(d: D) -> Result<SyncKey, D::Error> {
    let text = zeroize::Zeroizing::new(String::deserialize(d)?);
    let bytes = zeroize::Zeroizing::new(
        STANDARD
            .decode(text.as_bytes())
            .map_err(|_| serde::de::Error::custom("invalid sync key"))?,
    );
    let key: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| serde::de::Error::custom("invalid sync key"))?;
    Ok(SyncKey::from_bytes(key))
}

impl std::fmt::Debug for SyncState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncState")
            .field("key", &"<redacted>")
            .field("server", &self.server)
            .field("device", &self.device)
            .field("seq", &self.seq)
            .field("items", &self.items.len())
            .field("unsynced", &self.unsynced())
            .finish()
    }
}

impl SyncState {
    /// Sync turned on for `user` at `server`, with `key`, as a new device that has read
    /// nothing yet. Every account present is tracked by [`SyncState::reconcile`].
    pub fn new(key: SyncKey, server: &str, user: &str) -> Self {
        SyncState {
            key,
            server: server.to_owned(),
            user: user.to_owned(),
            device: DeviceId::generate(),
            device_name: None,
            seq: 0,
            items: BTreeMap::new(),
            tombstones: Vec::new(),
            pending_push: None,
            last_sync_ms: None,
        }
    }

    /// Records that account `id` was added or edited at `now_ms`.
    pub fn mark_changed(&mut self, id: &AccountId, now_ms: u64) {
        let entry = self.items.entry(id.clone()).or_insert_with(|| ItemState {
            item: ItemId::generate(),
            version: 0,
            dirty: true,
            modified_ms: now_ms,
            synced: None,
        });
        entry.dirty = true;
        entry.modified_ms = entry.modified_ms.max(now_ms);
    }

    /// Records that account `id` was deleted: its item becomes a pending tombstone (an item
    /// never pushed just stops being tracked).
    pub fn mark_deleted(&mut self, id: &AccountId) {
        if let Some(state) = self.items.remove(id) {
            let in_flight = self
                .pending_push
                .as_ref()
                .is_some_and(|p| p.sent.contains_key(&state.item));
            if state.version > 0 || in_flight {
                self.tombstones.push(Tombstone {
                    item: state.item,
                    version: state.version,
                });
            }
        }
    }

    /// Brings the state in line with `accounts`, whatever changed them: an account not
    /// tracked yet gets an item; an account whose synced part differs from what the server
    /// has is marked changed at `now_ms`; a tracked account that is gone leaves a tombstone.
    pub fn reconcile(&mut self, accounts: &[StoredAccount], now_ms: u64) {
        for account in accounts {
            let changed = match self.items.get(&account.id) {
                None => true,
                Some(state) => {
                    !state.dirty && state.synced.as_deref() != Some(&*fingerprint(account))
                }
            };
            if changed {
                self.mark_changed(&account.id, now_ms);
            }
        }
        let gone: Vec<AccountId> = self
            .items
            .keys()
            .filter(|id| !accounts.iter().any(|a| &a.id == *id))
            .cloned()
            .collect();
        for id in gone {
            self.mark_deleted(&id);
        }
    }

    /// How many changes wait to be pushed (edited accounts and deletions).
    pub fn unsynced(&self) -> usize {
        self.items.values().filter(|s| s.dirty).count() + self.tombstones.len()
    }

    /// The account an item belongs to, when it is tracked.
    pub fn account_of(&self, item: &ItemId) -> Option<&AccountId> {
        self.items
            .iter()
            .find(|(_, s)| &s.item == item)
            .map(|(id, _)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::item::tests::hotp_account;

    fn state() -> SyncState {
        SyncState::new(SyncKey::generate(), "https://sync.example", "sub-1")
    }

    #[test]
    fn state_round_trips_through_json_and_hides_the_key() {
        let mut s = state();
        s.mark_changed(&AccountId::generate(), 5);
        let json = serde_json::to_string(&s).unwrap();
        let back: SyncState = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
        let shown = format!("{s:?}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(
            !shown.contains(&STANDARD.encode(s.key.as_bytes())),
            "{shown}"
        );
        let mut bad: serde_json::Value = serde_json::from_str(&json).unwrap();
        bad["key"] = "AAAA".into();
        assert!(serde_json::from_value::<SyncState>(bad).is_err());
    }

    #[test]
    fn deleting_a_pushed_account_leaves_a_tombstone_and_an_unpushed_one_nothing() {
        let mut s = state();
        let (pushed, fresh) = (AccountId::generate(), AccountId::generate());
        s.mark_changed(&pushed, 1);
        s.mark_changed(&fresh, 1);
        let item = s.items[&pushed].item.clone();
        s.items.get_mut(&pushed).unwrap().version = 3;
        assert_eq!(s.unsynced(), 2);
        s.mark_deleted(&pushed);
        s.mark_deleted(&fresh);
        assert_eq!(s.tombstones, [Tombstone { item, version: 3 }]);
        assert!(s.items.is_empty());
        assert_eq!(s.unsynced(), 1);
    }

    #[test]
    fn reconcile_notices_changes_made_behind_its_back() {
        let mut s = state();
        let mut accounts = vec![hotp_account("a", 0), hotp_account("b", 0)];
        s.reconcile(&accounts, 10);
        assert_eq!(s.unsynced(), 2);
        // As if both were pushed.
        for a in &accounts {
            let st = s.items.get_mut(&a.id).unwrap();
            st.dirty = false;
            st.version = 1;
            st.synced = Some(fingerprint(a));
        }
        s.reconcile(&accounts, 20);
        assert_eq!(s.unsynced(), 0);
        accounts[0].last_used_ms = Some(30);
        s.reconcile(&accounts, 30);
        assert_eq!(s.unsynced(), 0, "using a code is not a change");
        accounts[0].account.name = "renamed".into();
        let gone = accounts.remove(1);
        s.reconcile(&accounts, 40);
        assert!(s.items[&accounts[0].id].dirty);
        assert_eq!(s.items[&accounts[0].id].modified_ms, 40);
        assert_eq!(s.tombstones.len(), 1);
        assert!(!s.items.contains_key(&gone.id));
    }
}
