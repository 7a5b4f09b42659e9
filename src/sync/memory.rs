//! Test-only: an in-memory server that follows the wire contract (versions, per-user seq,
//! atomic batches, conflicts, request-id replay, tombstones), and a transport to it that can
//! be told to lose an answer. It is the mock under the engine's unit tests; the real server
//! is `sync-server/`.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Mutex;
use std::task::{Context, Poll, Waker};

use super::engine::{PostOutcome, PutKeyOutcome, SyncTransport, TransportError};
use super::item::{DeviceId, ItemId, RequestId};
use super::wire::{
    Applied, Conflict, Item, ItemsPage, KeyRecord, MAX_CHANGES, PostItems, PostItemsOk, PutKey,
    PutKeyOk,
};

/// Runs a future that never waits (every call here answers at once).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the in-memory transport never waits"),
    }
}

#[derive(Default)]
struct Store {
    key: Option<KeyRecord>,
    items: BTreeMap<ItemId, Item>,
    seq: u64,
    purged: u64,
    answered: HashMap<RequestId, PostItemsOk>,
    posts_applied: usize,
}

/// One user's data on a server.
#[derive(Default)]
pub(crate) struct MemoryServer {
    store: Mutex<Store>,
}

/// What the next post should suffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Fault {
    /// Nothing.
    #[default]
    None,
    /// The request never reaches the server.
    LostRequest,
    /// The server applies it, but the answer is lost.
    LostAnswer,
}

/// A device's connection to a [`MemoryServer`].
pub(crate) struct MemoryTransport<'a> {
    pub server: &'a MemoryServer,
    pub device: DeviceId,
    pub fault: Mutex<Fault>,
}

impl<'a> MemoryTransport<'a> {
    pub fn new(server: &'a MemoryServer) -> Self {
        MemoryTransport {
            server,
            device: DeviceId::generate(),
            fault: Mutex::new(Fault::None),
        }
    }

    pub fn fail_next_post(&self, fault: Fault) {
        *self.fault.lock().unwrap() = fault;
    }
}

impl MemoryServer {
    pub fn items(&self) -> Vec<Item> {
        self.store.lock().unwrap().items.values().cloned().collect()
    }

    pub fn posts_applied(&self) -> usize {
        self.store.lock().unwrap().posts_applied
    }

    pub fn seq(&self) -> u64 {
        self.store.lock().unwrap().seq
    }

    /// Forgets an item, as the server does with a tombstone after 90 days (and says so in
    /// every page's `purged`).
    pub fn purge(&self, id: &ItemId) {
        let mut store = self.store.lock().unwrap();
        if let Some(item) = store.items.remove(id) {
            store.purged = store.purged.max(item.seq);
        }
    }

    /// Forgets everything of the user (`DELETE /v1/data`).
    pub fn wipe(&self) {
        *self.store.lock().unwrap() = Store::default();
    }

    /// Forgets an item without saying so (a server that predates `purged`).
    pub fn purge_silently(&self, id: &ItemId) {
        self.store.lock().unwrap().items.remove(id);
    }

    /// Replaces an item's sealed bytes as a hostile server would (same version and seq).
    pub fn tamper(&self, id: &ItemId, data: Vec<u8>) {
        let mut store = self.store.lock().unwrap();
        store.items.get_mut(id).unwrap().data = Some(super::wire::Blob(data));
    }

    fn post(&self, body: &PostItems, device: &DeviceId) -> Result<PostOutcome, TransportError> {
        let mut store = self.store.lock().unwrap();
        if let Some(answer) = store.answered.get(&body.request_id) {
            return Ok(PostOutcome::Applied(answer.clone()));
        }
        let mut ids: Vec<&ItemId> = body.changes.iter().map(|c| &c.id).collect();
        ids.sort();
        ids.dedup();
        let invalid = body.changes.is_empty()
            || body.changes.len() > MAX_CHANGES
            || ids.len() != body.changes.len()
            || body.changes.iter().any(|c| c.deleted == c.data.is_some());
        if invalid {
            return Err(TransportError::Refused {
                status: 422,
                code: "invalid".into(),
                message: "invalid batch".into(),
            });
        }
        let conflicts: Vec<Conflict> = body
            .changes
            .iter()
            .filter_map(|c| {
                let current = store.items.get(&c.id);
                let fits = match current {
                    Some(item) => item.version == c.replaces,
                    None => c.replaces == 0,
                };
                (!fits).then(|| Conflict {
                    id: c.id.clone(),
                    current: current.cloned(),
                })
            })
            .collect();
        if !conflicts.is_empty() {
            return Ok(PostOutcome::Conflict(conflicts));
        }
        let mut applied = Vec::new();
        for c in &body.changes {
            store.seq += 1;
            let item = Item {
                id: c.id.clone(),
                version: c.replaces + 1,
                seq: store.seq,
                deleted: c.deleted,
                data: c.data.clone(),
                modified: 1_700_000_000_000 + store.seq,
                device: device.clone(),
            };
            applied.push(Applied {
                id: item.id.clone(),
                version: item.version,
                seq: item.seq,
            });
            store.items.insert(c.id.clone(), item);
        }
        let answer = PostItemsOk {
            seq: store.seq,
            applied,
        };
        store
            .answered
            .insert(body.request_id.clone(), answer.clone());
        store.posts_applied += 1;
        Ok(PostOutcome::Applied(answer))
    }
}

impl SyncTransport for MemoryTransport<'_> {
    async fn get_key(&self) -> Result<Option<KeyRecord>, TransportError> {
        Ok(self.server.store.lock().unwrap().key.clone())
    }

    async fn put_key(&self, body: &PutKey) -> Result<PutKeyOutcome, TransportError> {
        let mut store = self.server.store.lock().unwrap();
        let current = store.key.as_ref().map(|k| k.version);
        if current != body.replaces {
            return Ok(PutKeyOutcome::Current(store.key.clone().unwrap()));
        }
        let version = current.unwrap_or(0) + 1;
        store.key = Some(KeyRecord {
            version,
            key: body.key.clone(),
            updated: 1_700_000_000_000,
        });
        Ok(PutKeyOutcome::Stored(PutKeyOk { version }))
    }

    async fn get_items(&self, since: u64, limit: u32) -> Result<ItemsPage, TransportError> {
        let store = self.server.store.lock().unwrap();
        let mut newer: Vec<&Item> = store.items.values().filter(|i| i.seq > since).collect();
        newer.sort_by_key(|i| i.seq);
        let more = newer.len() > limit as usize;
        newer.truncate(limit as usize);
        Ok(ItemsPage {
            seq: if more {
                newer.last().map_or(store.seq, |i| i.seq)
            } else {
                store.seq
            },
            items: newer.into_iter().cloned().collect(),
            more,
            purged: store.purged,
        })
    }

    async fn post_items(&self, body: &PostItems) -> Result<PostOutcome, TransportError> {
        let fault = std::mem::take(&mut *self.fault.lock().unwrap());
        match fault {
            Fault::LostRequest => Err(TransportError::Unreachable("connection reset".into())),
            Fault::LostAnswer => {
                self.server.post(body, &self.device)?;
                Err(TransportError::Unreachable("connection reset".into()))
            }
            Fault::None => self.server.post(body, &self.device),
        }
    }
}
