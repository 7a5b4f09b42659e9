//! One sync round against a [`SyncTransport`] (the HTTP client, or an in-memory server in
//! tests), and turning sync on, changing the passphrase and recovering with the recovery key.
//!
//! A round: reconcile the state with the accounts; send again a push whose answer was never
//! seen (same request id: the server applies it once); pull every page since the last seq
//! and merge it; fold duplicates; push what changed in batches of 50, each saved in the state
//! (through `checkpoint`, which the caller makes save the vault) before it is sent; on a 409,
//! merge the current items and push again.

use std::future::Future;

use super::item::RequestId;
use super::key::{self, KeyBlob, KeyError, RecoveryKey};
use super::merge::{self, MergeReport, Planned, RemoteItem};
use super::seal::{self, SealError};
use super::state::{PendingPush, SyncState};
use super::wire::{
    Blob, Change, Conflict, Item, ItemsPage, KeyRecord, MAX_CHANGES, PAGE_LIMIT, PostItems,
    PostItemsOk, PutKey, PutKeyOk,
};
use crate::account::StoredAccount;
use crate::crypto::KdfCost;
use crate::vault::VaultError;

/// How many times a round pushes again after conflicts before giving up for this round.
pub const MAX_PUSH_ATTEMPTS: usize = 5;
/// How long the server keeps tombstones (90 days), less a day of margin for clocks: a
/// device that has not synced for longer reads everything again (see [`sync_round`]), even
/// when the server does not say what it purged (`ItemsPage::purged`).
pub const TOMBSTONE_HORIZON_MS: u64 = 89 * 24 * 60 * 60 * 1000;

/// The answer to `PUT /v1/key`.
#[derive(Debug, Clone, PartialEq)]
pub enum PutKeyOutcome {
    /// Stored as this version.
    Stored(PutKeyOk),
    /// Refused (`key_exists` or `stale_key`): the key the server has now.
    Current(KeyRecord),
}

/// The answer to `POST /v1/items`.
#[derive(Debug, Clone, PartialEq)]
pub enum PostOutcome {
    /// Every change applied.
    Applied(PostItemsOk),
    /// Nothing applied: these items changed meanwhile (409 `conflict`).
    Conflict(Vec<Conflict>),
}

/// A request that did not get one of the answers above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// 401 `invalid_token`: the server no longer accepts this sign-in.
    #[error("the sync server does not accept this sign-in any more ({message})")]
    SignInAgain {
        /// The server's words.
        message: String,
    },
    /// 403 `device_revoked`: another device removed this one from sync.
    #[error("this device was removed from sync (revoked from another device)")]
    DeviceRevoked,
    /// 429 `rate_limited`: too many requests; try again after `retry_after_secs`.
    #[error("the sync server asks to slow down; try again in {retry_after_secs} s")]
    RateLimited {
        /// From `Retry-After` (1 when the server named none).
        retry_after_secs: u64,
    },
    /// The server answered with another error (`quota`, `too_large`, `invalid`, …).
    #[error("the sync server refused the request: {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The contract's snake_case code.
        code: String,
        /// The server's words.
        message: String,
    },
    /// No answer (network down, server gone, timeout): safe to retry.
    #[error("no answer from the sync server ({0})")]
    Unreachable(String),
    /// An answer the contract does not allow.
    #[error("the sync server's answer breaks the protocol ({0})")]
    Protocol(String),
}

/// The four calls a round needs. Implementations send the contract's requests; the
/// authentication headers are theirs to add.
pub trait SyncTransport {
    /// `GET /v1/key`: `None` on 404 `no_key`.
    fn get_key(&self) -> impl Future<Output = Result<Option<KeyRecord>, TransportError>> + Send;
    /// `PUT /v1/key`.
    fn put_key(
        &self,
        body: &PutKey,
    ) -> impl Future<Output = Result<PutKeyOutcome, TransportError>> + Send;
    /// `GET /v1/items?since=&limit=`.
    fn get_items(
        &self,
        since: u64,
        limit: u32,
    ) -> impl Future<Output = Result<ItemsPage, TransportError>> + Send;
    /// `POST /v1/items`.
    fn post_items(
        &self,
        body: &PostItems,
    ) -> impl Future<Output = Result<PostOutcome, TransportError>> + Send;
}

/// Why a round (or turning sync on) failed. Whatever was saved through `checkpoint` stays
/// valid: the next round carries on from there.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server could not be reached or refused.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The sync key could not be made or unwrapped.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// An item could not be sealed or opened.
    #[error(transparent)]
    Seal(#[from] SealError),
    /// Saving the state failed.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// The server has no sync key (sync was turned off with the remote data deleted).
    #[error(
        "the sync server holds nothing for this user any more (the synced data was deleted from another device); the accounts stay here"
    )]
    NoKeyOnServer,
    /// The key on the server is not the one this device syncs with.
    #[error("the sync key on the server is not this device's; it was reset from another device")]
    KeyMismatch,
    /// Items kept changing under this round's pushes.
    #[error("other devices kept changing the same accounts; the changes wait for the next sync")]
    StillConflicting,
}

/// What a round did (`sesame sync now --json`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RoundReport {
    /// Changes pushed and applied.
    pub pushed: usize,
    /// Local accounts added, changed or removed by pulled changes.
    pub pulled: usize,
    /// Items changed on both sides, resolved by the merge rules.
    pub conflicts: usize,
    /// The seq read up to.
    pub seq: u64,
}

fn open(state: &SyncState, item: &Item) -> Result<RemoteItem, SyncError> {
    let plain = match (&item.deleted, &item.data) {
        (true, None) => None,
        (false, Some(Blob(bytes))) => Some(seal::open_item(
            &state.key,
            &state.user,
            &item.id,
            item.version,
            bytes,
        )?),
        _ => {
            return Err(TransportError::Protocol(format!(
                "item {} has data iff it is not deleted",
                item.id
            ))
            .into());
        }
    };
    Ok(RemoteItem {
        id: item.id.clone(),
        version: item.version,
        plain,
    })
}

fn build_push(state: &SyncState, planned: &[Planned]) -> Result<PendingPush, SyncError> {
    let mut changes = Vec::with_capacity(planned.len());
    let mut sent = std::collections::BTreeMap::new();
    for p in planned {
        let data = match &p.account {
            Some((account, modified_ms)) => {
                let plain = super::item::ItemPlain::new(account, *modified_ms, &state.device);
                sent.insert(p.item.clone(), Some(super::item::fingerprint(account)));
                Some(Blob(seal::seal_item(
                    &state.key,
                    &state.user,
                    &p.item,
                    p.replaces + 1,
                    &plain,
                )?))
            }
            None => {
                sent.insert(p.item.clone(), None);
                None
            }
        };
        changes.push(Change {
            id: p.item.clone(),
            replaces: p.replaces,
            deleted: data.is_none(),
            data,
        });
    }
    Ok(PendingPush {
        request: PostItems {
            request_id: RequestId::generate(),
            changes,
        },
        sent,
    })
}

/// Sends `push` and records its answer. `Ok(conflicts)`: how many items conflicted (their
/// current versions are merged; 0 when it applied).
async fn send<T: SyncTransport>(
    transport: &T,
    accounts: &mut Vec<StoredAccount>,
    state: &mut SyncState,
    push: PendingPush,
    merged: &mut MergeReport,
) -> Result<usize, SyncError> {
    match transport.post_items(&push.request).await? {
        PostOutcome::Applied(ok) => {
            merge::apply_pushed(accounts, state, &push, &ok);
            state.pending_push = None;
            Ok(0)
        }
        PostOutcome::Conflict(conflicts) => {
            state.pending_push = None;
            for conflict in &conflicts {
                match &conflict.current {
                    Some(item) => {
                        let remote = open(state, item)?;
                        merge::apply_remote(accounts, state, remote, merged);
                    }
                    None => merge::apply_missing(state, &conflict.id),
                }
            }
            merge::fold_duplicates(accounts, state, merged);
            Ok(conflicts.len().max(1))
        }
    }
}

/// Why the server's seq is behind what this device read: the user's data was deleted there
/// (`sync disable --delete-remote` on another device), perhaps set up again with a new key.
async fn went_back<T: SyncTransport>(transport: &T) -> SyncError {
    match transport.get_key().await {
        Ok(None) => SyncError::NoKeyOnServer,
        Ok(Some(_)) => SyncError::KeyMismatch,
        Err(e) => e.into(),
    }
}

/// One sync round (see the module comment). `checkpoint` must save `accounts` and `state`
/// (the vault) before returning `Ok`; it runs before each push is sent and at the end.
pub async fn sync_round<T: SyncTransport>(
    transport: &T,
    accounts: &mut Vec<StoredAccount>,
    state: &mut SyncState,
    now_ms: u64,
    checkpoint: &mut impl FnMut(&[StoredAccount], &SyncState) -> Result<(), VaultError>,
) -> Result<RoundReport, SyncError> {
    let mut merged = MergeReport::default();
    let mut report = RoundReport::default();
    state.reconcile(accounts, now_ms);

    if let Some(pending) = state.pending_push.clone() {
        let count = pending.request.changes.len();
        if send(transport, accounts, state, pending, &mut merged).await? == 0 {
            report.pushed += count;
        }
        checkpoint(accounts, state)?;
    }

    // Tombstones are kept 90 days. A device that may have missed some (the server's
    // `purged` is past what it read, or by its own clock it was away that long) reads
    // everything again: an item it knew that is gone was deleted elsewhere (README, "How
    // changes merge").
    let before = state.seq;
    let mut full = state
        .last_sync_ms
        .is_some_and(|last| now_ms.saturating_sub(last) > TOMBSTONE_HORIZON_MS);
    let mut seen = std::collections::BTreeSet::new();
    if full {
        state.seq = 0;
    }
    loop {
        let page = transport.get_items(state.seq, PAGE_LIMIT).await?;
        if page.items.iter().any(|i| i.seq <= state.seq) || page.seq < state.seq {
            return Err(went_back(transport).await);
        }
        if !full && state.seq > 0 && page.purged > state.seq {
            full = true;
            state.seq = 0;
            continue;
        }
        for item in &page.items {
            if full {
                seen.insert(item.id.clone());
            }
            let remote = open(state, item)?;
            merge::apply_remote(accounts, state, remote, &mut merged);
        }
        state.seq = page.seq;
        if !page.more {
            break;
        }
    }
    if full {
        // The server's seq never goes back: if it did, its data was deleted (or replaced),
        // and "gone" would mean that, not a delete.
        if state.seq < before {
            return Err(went_back(transport).await);
        }
        let known = state
            .items
            .values()
            .filter(|s| s.version > 0)
            .map(|s| s.item.clone());
        let tombstones = state
            .tombstones
            .iter()
            .filter(|t| t.version > 0)
            .map(|t| t.item.clone());
        let missing: Vec<_> = known
            .chain(tombstones)
            .filter(|i| !seen.contains(i))
            .collect();
        // Nothing at all where this device had pushed: emptied, not deleted item by item.
        if state.seq == 0 && !missing.is_empty() {
            return Err(went_back(transport).await);
        }
        for item in missing {
            merge::apply_purged(accounts, state, &item, &mut merged);
        }
    }
    merge::fold_duplicates(accounts, state, &mut merged);

    let mut settled = false;
    for _ in 0..MAX_PUSH_ATTEMPTS {
        let plan = merge::plan_push(accounts, state);
        if plan.is_empty() {
            settled = true;
            break;
        }
        let mut conflicted = false;
        for batch in plan.chunks(MAX_CHANGES) {
            let push = build_push(state, batch)?;
            state.pending_push = Some(push.clone());
            checkpoint(accounts, state)?;
            let conflicts = send(transport, accounts, state, push, &mut merged).await?;
            if conflicts == 0 {
                report.pushed += batch.len();
            } else {
                report.conflicts += conflicts;
                conflicted = true;
                break;
            }
        }
        if !conflicted {
            settled = merge::plan_push(accounts, state).is_empty();
            break;
        }
    }
    state.last_sync_ms = Some(now_ms);
    checkpoint(accounts, state)?;
    if !settled {
        return Err(SyncError::StillConflicting);
    }
    report.pulled = merged.pulled + merged.folded;
    report.conflicts += merged.conflicts;
    report.seq = state.seq;
    Ok(report)
}

/// Sync turned on: the first device creates the key (and gets the recovery key to show
/// once); the others unwrap the server's key with the passphrase. `user` is the Cognito
/// `sub` of the signed-in user.
pub async fn enable<T: SyncTransport>(
    transport: &T,
    server: &str,
    user: &str,
    passphrase: &str,
    cost: KdfCost,
) -> Result<(SyncState, Option<RecoveryKey>), SyncError> {
    let existing = match transport.get_key().await? {
        Some(record) => record,
        None => {
            let (key, blob, recovery) = key::create(passphrase, cost)?;
            let body = PutKey {
                replaces: None,
                key: blob.to_value(),
            };
            match transport.put_key(&body).await? {
                PutKeyOutcome::Stored(_) => {
                    return Ok((SyncState::new(key, server, user), Some(recovery)));
                }
                // Another device created it first: join that one.
                PutKeyOutcome::Current(record) => record,
            }
        }
    };
    let key = KeyBlob::from_value(&existing.key)?.unwrap_with_passphrase(passphrase)?;
    Ok((SyncState::new(key, server, user), None))
}

async fn replace_key<T: SyncTransport>(
    transport: &T,
    record: &KeyRecord,
    blob: &KeyBlob,
) -> Result<(), SyncError> {
    let body = PutKey {
        replaces: Some(record.version),
        key: blob.to_value(),
    };
    match transport.put_key(&body).await? {
        PutKeyOutcome::Stored(_) => Ok(()),
        PutKeyOutcome::Current(_) => Err(TransportError::Refused {
            status: 409,
            code: "stale_key".into(),
            message: "the sync key changed on another device meanwhile; try again".into(),
        }
        .into()),
    }
}

/// Changes the sync passphrase: the key is re-wrapped (the recovery key keeps working).
pub async fn change_passphrase<T: SyncTransport>(
    transport: &T,
    state: &SyncState,
    old: &str,
    new: &str,
    cost: KdfCost,
) -> Result<(), SyncError> {
    let record = transport.get_key().await?.ok_or(SyncError::NoKeyOnServer)?;
    let blob = KeyBlob::from_value(&record.key)?;
    if blob.unwrap_with_passphrase(old)? != state.key {
        return Err(SyncError::KeyMismatch);
    }
    replace_key(transport, &record, &blob.rewrap(&state.key, new, cost)?).await
}

/// Sets a new passphrase with the recovery key (the passphrase was forgotten) and returns
/// the sync key, for [`SyncState::new`].
pub async fn recover<T: SyncTransport>(
    transport: &T,
    recovery: &RecoveryKey,
    new: &str,
    cost: KdfCost,
) -> Result<key::SyncKey, SyncError> {
    let record = transport.get_key().await?.ok_or(SyncError::NoKeyOnServer)?;
    let blob = KeyBlob::from_value(&record.key)?;
    let key = blob.unwrap_with_recovery(recovery)?;
    replace_key(transport, &record, &blob.rewrap(&key, new, cost)?).await?;
    Ok(key)
}

#[cfg(test)]
mod tests;
