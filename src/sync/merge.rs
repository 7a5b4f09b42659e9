//! The merge rules, as pure functions over a device's accounts and sync state (README,
//! "Sync", "How changes merge"):
//!
//! 1. One item per account. For an item changed on both sides, the last writer wins, by
//!    (`modified_ms`, device id).
//! 2. An HOTP counter is the maximum of both sides, whichever side wins: a counter is never
//!    used twice.
//! 3. A delete is a tombstone. An edit the deleting device had not seen wins over the delete:
//!    the account comes back (whether the delete or the edit reaches the server first).
//! 4. Two items with the same secret, issuer and account name (case-insensitive) become one
//!    account: the item with the smaller id is kept (so every device picks the same one),
//!    with the larger HOTP counter, and the other item is deleted.
//! 5. A push refused because an item changed meanwhile (409) merges the current item by
//!    these rules and pushes again.
//!
//! Before merging, [`SyncState::reconcile`] must have brought the state in line with the
//! accounts (the engine does it at the start of every round).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::item::{ItemId, ItemPlain, fingerprint, synced_part};
use super::state::{ItemState, PendingPush, SyncState};
use super::wire::PostItemsOk;
use crate::account::{AccountId, StoredAccount};
use crate::otp::Kind;

/// An item from the server, opened: its latest version, and the account (`None`: deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteItem {
    /// The item.
    pub id: ItemId,
    /// Its version on the server.
    pub version: u64,
    /// Its plaintext, or `None` for a tombstone.
    pub plain: Option<ItemPlain>,
}

/// What merging did, for the round's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Local accounts added, changed or removed by remote changes.
    pub pulled: usize,
    /// Items changed on both sides (resolved by the rules above).
    pub conflicts: usize,
    /// Duplicate accounts folded into one.
    pub folded: usize,
}

/// One change to push: the item, the version it replaces, and the account to seal (with
/// its edit time) or `None` for a delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The item.
    pub item: ItemId,
    /// The version it replaces (0: new).
    pub replaces: u64,
    /// What to seal, or `None` to delete.
    pub account: Option<(StoredAccount, u64)>,
}

fn counter(account: &StoredAccount) -> Option<u64> {
    match account.account.params.kind {
        Kind::Hotp { counter } => Some(counter),
        _ => None,
    }
}

/// Raises `account`'s HOTP counter to `other`'s when that is higher.
fn keep_max_counter(account: &mut StoredAccount, other: &StoredAccount) {
    if let (Some(mine), Some(theirs)) = (counter(account), counter(other)) {
        account.account.params.kind = Kind::Hotp {
            counter: mine.max(theirs),
        };
    }
}

/// The remote account as it lands here: under the local id, keeping when a code was last
/// used here.
fn landed(remote: &StoredAccount, local: &StoredAccount) -> StoredAccount {
    StoredAccount {
        id: local.id.clone(),
        last_used_ms: local.last_used_ms,
        ..remote.clone()
    }
}

/// Sets an item's state after its account became `result`, the server having `remote`
/// at `version`: clean when they agree, otherwise changed (to be pushed).
fn settle(
    state: &mut ItemState,
    result: &StoredAccount,
    remote: &StoredAccount,
    version: u64,
    modified_ms: u64,
) {
    let remote_fp = fingerprint(&StoredAccount {
        id: result.id.clone(),
        ..remote.clone()
    });
    state.version = version;
    state.dirty = fingerprint(result) != remote_fp;
    state.modified_ms = state.modified_ms.max(modified_ms);
    state.synced = Some(remote_fp);
}

/// Merges one remote item into the accounts and state.
pub fn apply_remote(
    accounts: &mut Vec<StoredAccount>,
    state: &mut SyncState,
    remote: RemoteItem,
    report: &mut MergeReport,
) {
    let local = state.account_of(&remote.id).cloned();
    if let Some(account_id) = local {
        apply_to_tracked(accounts, state, &account_id, remote, report);
    } else if let Some(at) = state.tombstones.iter().position(|t| t.item == remote.id) {
        if remote.version <= state.tombstones[at].version {
            return;
        }
        let tombstone = state.tombstones.remove(at);
        match remote.plain {
            // Deleted on both sides.
            None => {}
            // Edited elsewhere while deleted here, without having seen the delete: the
            // edit wins and the account comes back.
            Some(plain) => {
                report.conflicts += 1;
                insert_new(
                    accounts,
                    state,
                    &tombstone.item,
                    remote.version,
                    plain,
                    report,
                );
            }
        }
    } else if let Some(plain) = remote.plain {
        insert_new(accounts, state, &remote.id, remote.version, plain, report);
    }
}

fn apply_to_tracked(
    accounts: &mut Vec<StoredAccount>,
    state: &mut SyncState,
    account_id: &AccountId,
    remote: RemoteItem,
    report: &mut MergeReport,
) {
    let mut item = state.items[account_id].clone();
    if remote.version <= item.version {
        return; // seen already (most often this device's own push coming back)
    }
    let Some(at) = accounts.iter().position(|a| &a.id == account_id) else {
        // Deleted here behind the state's back: a delete like any other.
        state.mark_deleted(account_id);
        return apply_remote(accounts, state, remote, report);
    };
    match remote.plain {
        None if item.dirty => {
            // Edited here, deleted there: the edit wins; it is pushed over the tombstone.
            report.conflicts += 1;
            item.version = remote.version;
            item.synced = None;
            state.items.insert(account_id.clone(), item);
        }
        None => {
            accounts.remove(at);
            state.items.remove(account_id);
            report.pulled += 1;
        }
        Some(plain) => {
            let local = &accounts[at];
            let local_wins = item.dirty
                && (item.modified_ms, &state.device) > (plain.modified_ms, &plain.device);
            if item.dirty {
                report.conflicts += 1;
            }
            let mut result = if local_wins {
                local.clone()
            } else {
                report.pulled += 1;
                landed(&plain.account, local)
            };
            keep_max_counter(&mut result, local);
            keep_max_counter(&mut result, &plain.account);
            settle(
                &mut item,
                &result,
                &plain.account,
                remote.version,
                plain.modified_ms,
            );
            accounts[at] = result;
            state.items.insert(account_id.clone(), item);
        }
    }
}

fn insert_new(
    accounts: &mut Vec<StoredAccount>,
    state: &mut SyncState,
    item: &ItemId,
    version: u64,
    plain: ItemPlain,
    report: &mut MergeReport,
) {
    let mut account = plain.account.clone();
    // Account ids are random, so a clash means a damaged or hostile item: keep both.
    if accounts.iter().any(|a| a.id == account.id) || state.items.contains_key(&account.id) {
        account.id = AccountId::generate();
    }
    let mut item_state = ItemState {
        item: item.clone(),
        version,
        dirty: false,
        modified_ms: plain.modified_ms,
        synced: None,
    };
    settle(
        &mut item_state,
        &account,
        &plain.account,
        version,
        plain.modified_ms,
    );
    state.items.insert(account.id.clone(), item_state);
    accounts.push(account);
    report.pulled += 1;
}

/// The item is not on the server although this device knew a version of it (its
/// tombstone was purged after 90 days): an account is created again, a delete is done.
pub fn apply_missing(state: &mut SyncState, item: &ItemId) {
    if let Some(id) = state.account_of(item).cloned() {
        let entry = state.items.get_mut(&id).expect("tracked");
        entry.version = 0;
        entry.dirty = true;
        entry.synced = None;
    }
    state.tombstones.retain(|t| &t.item != item);
}

/// The item is not on the server after a full read although this device knew a version of
/// it: it was deleted on another device and its tombstone purged after 90 days. The delete
/// is applied as if the tombstone had been read (rule 3): an account unchanged here is
/// removed; one edited here since it was last synced wins and is pushed again as new; a
/// delete made here is done.
pub fn apply_purged(
    accounts: &mut Vec<StoredAccount>,
    state: &mut SyncState,
    item: &ItemId,
    report: &mut MergeReport,
) {
    match state.account_of(item).cloned() {
        Some(id) if state.items[&id].dirty => {
            report.conflicts += 1;
            apply_missing(state, item);
        }
        Some(id) => {
            accounts.retain(|a| a.id != id);
            state.items.remove(&id);
            report.pulled += 1;
        }
        None => apply_missing(state, item),
    }
}

type DuplicateKey = ([u8; 32], String, String);

fn duplicate_key(account: &StoredAccount) -> DuplicateKey {
    let a = &account.account;
    (
        Sha256::digest(a.secret.as_bytes()).into(),
        a.name.trim().to_ascii_lowercase(),
        a.issuer
            .as_deref()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase(),
    )
}

/// Folds accounts with the same secret, issuer and name into the one whose item id is
/// smallest; the others' items are deleted (rule 4).
pub fn fold_duplicates(
    accounts: &mut Vec<StoredAccount>,
    state: &mut SyncState,
    report: &mut MergeReport,
) {
    let mut groups: BTreeMap<DuplicateKey, Vec<usize>> = BTreeMap::new();
    for (i, account) in accounts.iter().enumerate() {
        groups.entry(duplicate_key(account)).or_default().push(i);
    }
    let mut drop = Vec::new();
    for group in groups.into_values().filter(|g| g.len() > 1) {
        let item_of = |i: &usize| state.items.get(&accounts[*i].id).map(|s| s.item.clone());
        let keeper = *group
            .iter()
            .min_by_key(|i| item_of(i))
            .expect("two or more");
        for &other in group.iter().filter(|&&i| i != keeper) {
            let before = fingerprint(&accounts[keeper]);
            let other_account = accounts[other].clone();
            keep_max_counter(&mut accounts[keeper], &other_account);
            if fingerprint(&accounts[keeper]) != before
                && let Some(s) = state.items.get_mut(&accounts[keeper].id)
            {
                s.dirty = true;
            }
            state.mark_deleted(&other_account.id);
            drop.push(other);
            report.folded += 1;
        }
    }
    drop.sort_unstable();
    for i in drop.into_iter().rev() {
        accounts.remove(i);
    }
}

/// What to push: every changed account and every pending tombstone, in a stable order.
pub fn plan_push(accounts: &[StoredAccount], state: &SyncState) -> Vec<Planned> {
    let mut out: Vec<Planned> = accounts
        .iter()
        .filter_map(|a| {
            let s = state.items.get(&a.id)?;
            s.dirty.then(|| Planned {
                item: s.item.clone(),
                replaces: s.version,
                account: Some((synced_part(a), s.modified_ms)),
            })
        })
        .collect();
    out.extend(state.tombstones.iter().map(|t| Planned {
        item: t.item.clone(),
        replaces: t.version,
        account: None,
    }));
    out
}

/// Records a push the server applied: new versions; an account is clean when it still is
/// what was sent; a pushed tombstone is done.
pub fn apply_pushed(
    accounts: &[StoredAccount],
    state: &mut SyncState,
    push: &PendingPush,
    ok: &PostItemsOk,
) {
    let contiguous = ok
        .applied
        .iter()
        .all(|a| a.seq > state.seq && a.seq <= ok.seq)
        && ok.seq.checked_sub(state.seq) == Some(ok.applied.len() as u64);
    for applied in &ok.applied {
        let Some(sent) = push.sent.get(&applied.id) else {
            continue;
        };
        if let Some(id) = state.account_of(&applied.id).cloned() {
            let entry = state.items.get_mut(&id).expect("tracked");
            entry.version = applied.version;
            if let Some(sent) = sent {
                entry.synced = Some(sent.clone());
                let now = accounts.iter().find(|a| a.id == id).map(fingerprint);
                entry.dirty = now.as_ref() != Some(sent);
            } else {
                // A delete was pushed but the account is back (an edit won meanwhile).
                entry.synced = None;
                entry.dirty = true;
            }
        } else if let Some(t) = state.tombstones.iter_mut().find(|t| t.item == applied.id) {
            t.version = applied.version;
        }
        if sent.is_none() {
            state.tombstones.retain(|t| t.item != applied.id);
        }
    }
    // Nobody else wrote in between: the pull need not fetch these writes back.
    if contiguous {
        state.seq = ok.seq;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Account;
    use crate::otp::{Algorithm, Params};
    use crate::secret::Secret;
    use crate::sync::item::DeviceId;
    use crate::sync::key::SyncKey;
    use crate::sync::wire::Applied;

    fn totp(name: &str, seed: u8) -> StoredAccount {
        StoredAccount::new(
            Account::new(
                Some("ACME"),
                name,
                Secret::from_bytes(vec![seed; 20]),
                Params::default(),
            ),
            1,
        )
    }

    fn hotp(name: &str, seed: u8, counter: u64) -> StoredAccount {
        let mut a = totp(name, seed);
        a.account.params = Params::hotp(Algorithm::SHA1, 6, counter);
        a
    }

    fn device(fill: char) -> DeviceId {
        DeviceId::try_from(fill.to_string().repeat(22)).unwrap()
    }

    /// A device with `accounts`, all pushed once (version 1, clean).
    fn synced(device_fill: char, accounts: Vec<StoredAccount>) -> (Vec<StoredAccount>, SyncState) {
        let mut state = SyncState::new(SyncKey::generate(), "http://127.0.0.1:1", "sub");
        state.device = device(device_fill);
        state.reconcile(&accounts, 1);
        for a in &accounts {
            let s = state.items.get_mut(&a.id).unwrap();
            s.version = 1;
            s.dirty = false;
            s.synced = Some(fingerprint(a));
        }
        (accounts, state)
    }

    fn remote(
        state: &SyncState,
        account: &StoredAccount,
        version: u64,
        modified_ms: u64,
        dev: char,
    ) -> RemoteItem {
        RemoteItem {
            id: state.items[&account.id].item.clone(),
            version,
            plain: Some(ItemPlain::new(account, modified_ms, &device(dev))),
        }
    }

    fn merge(
        accounts: &mut Vec<StoredAccount>,
        state: &mut SyncState,
        items: Vec<RemoteItem>,
    ) -> MergeReport {
        let mut report = MergeReport::default();
        for r in items {
            apply_remote(accounts, state, r, &mut report);
        }
        fold_duplicates(accounts, state, &mut report);
        report
    }

    #[test]
    fn a_remote_edit_lands_on_a_clean_account() {
        let (mut accounts, mut state) = synced('a', vec![totp("alice", 1)]);
        accounts[0].last_used_ms = Some(77);
        let mut edited = accounts[0].clone();
        edited.account.name = "alice@work".into();
        let item = remote(&state, &edited, 2, 50, 'b');
        let report = merge(&mut accounts, &mut state, vec![item.clone()]);
        assert_eq!(accounts[0].account.name, "alice@work");
        assert_eq!(accounts[0].last_used_ms, Some(77), "last use stays local");
        assert_eq!(report.pulled, 1);
        assert!(plan_push(&accounts, &state).is_empty());
        // The same version again (a re-read page, or this device's own push) changes nothing.
        assert_eq!(
            merge(&mut accounts, &mut state, vec![item]),
            MergeReport::default()
        );
    }

    #[test]
    fn the_last_writer_wins_by_time_then_device_id() {
        for (local_ms, remote_ms, remote_dev, local_wins) in [
            (200, 100, 'b', true),
            (100, 200, 'b', false),
            (100, 100, 'b', false), // same time: device "bbb…" > "aaa…"
            (100, 100, '0', true),  // same time: device "aaa…" > "000…"
        ] {
            let (mut accounts, mut state) = synced('a', vec![totp("alice", 1)]);
            let id = accounts[0].id.clone();
            accounts[0].note = Some("local".into());
            state.mark_changed(&id, local_ms);
            state.items.get_mut(&id).unwrap().modified_ms = local_ms;
            let mut theirs = accounts[0].clone();
            theirs.note = Some("remote".into());
            let item = remote(&state, &theirs, 2, remote_ms, remote_dev);
            let report = merge(&mut accounts, &mut state, vec![item]);
            assert_eq!(report.conflicts, 1);
            let expected = if local_wins { "local" } else { "remote" };
            assert_eq!(
                accounts[0].note.as_deref(),
                Some(expected),
                "{local_ms} {remote_ms} {remote_dev}"
            );
            let push = plan_push(&accounts, &state);
            assert_eq!(push.len(), usize::from(local_wins));
            if local_wins {
                assert_eq!(
                    push[0].replaces, 2,
                    "the push names the version it overrides"
                );
            }
        }
    }

    #[test]
    fn hotp_counters_take_the_maximum_even_when_the_other_side_wins() {
        // Here: counter used up to 9, edited early. There: renamed later, counter 5.
        let (mut accounts, mut state) = synced('a', vec![hotp("h", 1, 3)]);
        let id = accounts[0].id.clone();
        accounts[0].account.params.kind = Kind::Hotp { counter: 9 };
        state.mark_changed(&id, 10);
        let mut theirs = hotp("renamed", 1, 5);
        theirs.id = id.clone();
        let item = remote(&state, &theirs, 2, 500, 'b');
        merge(&mut accounts, &mut state, vec![item]);
        assert_eq!(accounts[0].account.name, "renamed", "the later edit wins");
        assert_eq!(
            accounts[0].account.params.counter(),
            Some(9),
            "the counter does not go back"
        );
        let push = plan_push(&accounts, &state);
        assert_eq!(push.len(), 1, "the higher counter goes back to the server");
        assert_eq!(
            push[0].account.as_ref().unwrap().0.account.params.counter(),
            Some(9)
        );

        // A clean account with a stale counter pulled: the counter still never goes back.
        let (mut accounts, mut state) = synced('a', vec![hotp("h", 1, 7)]);
        let older = hotp("h", 1, 2);
        let mut older = StoredAccount {
            id: accounts[0].id.clone(),
            ..older
        };
        older.created_ms = accounts[0].created_ms;
        let item = remote(&state, &older, 2, 500, 'b');
        merge(&mut accounts, &mut state, vec![item]);
        assert_eq!(accounts[0].account.params.counter(), Some(7));
        assert_eq!(plan_push(&accounts, &state).len(), 1);
    }

    #[test]
    fn a_remote_delete_removes_a_clean_account_and_a_local_delete_is_pushed() {
        let (mut accounts, mut state) = synced('a', vec![totp("a", 1), totp("b", 2)]);
        let gone = RemoteItem {
            id: state.items[&accounts[0].id].item.clone(),
            version: 2,
            plain: None,
        };
        let report = merge(&mut accounts, &mut state, vec![gone]);
        assert_eq!(report.pulled, 1);
        assert_eq!(accounts.len(), 1);
        assert!(plan_push(&accounts, &state).is_empty());
        let b = accounts.remove(0);
        state.mark_deleted(&b.id);
        let push = plan_push(&accounts, &state);
        assert_eq!(
            push,
            [Planned {
                item: state.tombstones[0].item.clone(),
                replaces: 1,
                account: None
            }]
        );
    }

    #[test]
    fn an_account_edited_here_after_a_delete_there_comes_back() {
        let (mut accounts, mut state) = synced('a', vec![totp("a", 1)]);
        let id = accounts[0].id.clone();
        accounts[0].note = Some("edited".into());
        state.mark_changed(&id, 5);
        let item = state.items[&id].item.clone();
        merge(
            &mut accounts,
            &mut state,
            vec![RemoteItem {
                id: item.clone(),
                version: 2,
                plain: None,
            }],
        );
        assert_eq!(accounts.len(), 1, "the edit beats the delete");
        let push = plan_push(&accounts, &state);
        assert_eq!(
            (push[0].item.clone(), push[0].replaces),
            (item, 2),
            "pushed over the tombstone"
        );
    }

    #[test]
    fn an_account_deleted_here_and_edited_there_comes_back() {
        let (mut accounts, mut state) = synced('a', vec![totp("a", 1)]);
        let mut theirs = accounts[0].clone();
        theirs.note = Some("edited there".into());
        let item = remote(&state, &theirs, 2, 5, 'b');
        let removed = accounts.remove(0);
        state.mark_deleted(&removed.id);
        let report = merge(&mut accounts, &mut state, vec![item]);
        assert_eq!(report.conflicts, 1);
        assert_eq!(accounts.len(), 1);
        assert_eq!(accounts[0].note.as_deref(), Some("edited there"));
        assert!(state.tombstones.is_empty() && plan_push(&accounts, &state).is_empty());
        // Deleted on both sides: nothing left to do.
        let removed = accounts.remove(0);
        state.mark_deleted(&removed.id);
        let item = state.tombstones[0].item.clone();
        merge(
            &mut accounts,
            &mut state,
            vec![RemoteItem {
                id: item,
                version: 3,
                plain: None,
            }],
        );
        assert!(state.tombstones.is_empty() && accounts.is_empty());
    }

    #[test]
    fn the_same_account_added_on_two_devices_ends_as_one() {
        let (mut accounts, mut state) = synced('a', vec![]);
        accounts.push(hotp("alice", 9, 4));
        state.reconcile(&accounts, 10);
        let mine = state.items[&accounts[0].id].item.clone();
        // The other device's copy: another account id, another item id, a higher counter,
        // and the issuer and name in another case.
        let mut theirs = hotp("ALICE ", 9, 6);
        theirs.account.issuer = Some("acme".into());
        let their_item = ItemId::generate();
        let report = merge(
            &mut accounts,
            &mut state,
            vec![RemoteItem {
                id: their_item.clone(),
                version: 1,
                plain: Some(ItemPlain::new(&theirs, 20, &device('b'))),
            }],
        );
        assert_eq!(report.folded, 1);
        assert_eq!(accounts.len(), 1, "one account, not two");
        assert_eq!(accounts[0].account.params.counter(), Some(6));
        let keeper = mine.clone().min(their_item.clone());
        let kept = state
            .account_of(&keeper)
            .expect("the smaller item id is kept");
        assert_eq!(kept, &accounts[0].id);
        let push = plan_push(&accounts, &state);
        if keeper == mine {
            // Ours is kept (and is new): pushed; theirs is deleted.
            assert!(push.iter().any(|p| p.item == mine && p.account.is_some()));
            assert!(
                push.iter()
                    .any(|p| p.item == their_item && p.account.is_none() && p.replaces == 1)
            );
        } else {
            // Theirs is kept, with our higher-or-equal counter; ours was never pushed.
            assert!(push.iter().all(|p| p.item != mine));
        }
    }

    #[test]
    fn a_purged_tombstone_recreates_a_changed_account() {
        let (accounts, mut state) = synced('a', vec![totp("a", 1)]);
        let item = state.items[&accounts[0].id].item.clone();
        state.mark_changed(&accounts[0].id, 9);
        apply_missing(&mut state, &item);
        assert_eq!(plan_push(&accounts, &state)[0].replaces, 0);
    }

    #[test]
    fn an_applied_push_cleans_only_what_was_sent() {
        let (mut accounts, mut state) = synced('a', vec![totp("a", 1), totp("b", 2)]);
        state.seq = 10;
        for a in &accounts {
            state.mark_changed(&a.id, 5);
        }
        let plan = plan_push(&accounts, &state);
        let sent = plan
            .iter()
            .map(|p| {
                (
                    p.item.clone(),
                    p.account.as_ref().map(|(a, _)| fingerprint(a)),
                )
            })
            .collect();
        let push = PendingPush {
            request: crate::sync::wire::PostItems {
                request_id: super::super::item::RequestId::generate(),
                changes: vec![],
            },
            sent,
        };
        // Edited again while the push was on its way.
        accounts[1].note = Some("later".into());
        let ok = PostItemsOk {
            seq: 12,
            applied: plan
                .iter()
                .zip(11..)
                .map(|(p, seq)| Applied {
                    id: p.item.clone(),
                    version: 2,
                    seq,
                })
                .collect(),
        };
        apply_pushed(&accounts, &mut state, &push, &ok);
        assert!(!state.items[&accounts[0].id].dirty);
        assert!(
            state.items[&accounts[1].id].dirty,
            "the later edit still waits"
        );
        assert_eq!(state.items[&accounts[0].id].version, 2);
        assert_eq!(state.seq, 12, "no one else wrote in between");
    }
}
