//! The engine over the in-memory server (`sync::memory`), two or more devices of one user.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::account::Account;
use crate::otp::{Algorithm, Params};
use crate::secret::Secret;
use crate::sync::item::synced_part;
use crate::sync::key::SyncKey;
use crate::sync::memory::{Fault, MemoryServer, MemoryTransport, block_on};
use crate::vault::{Edit, VaultData};

const SERVER: &str = "http://127.0.0.1:8787";
const SUB: &str = "sub-of-the-user";

/// A device: its vault data, what its last save holds, and its connection.
struct Device<'a> {
    data: VaultData,
    saved: VaultData,
    net: MemoryTransport<'a>,
}

impl<'a> Device<'a> {
    fn new(server: &'a MemoryServer, state: SyncState) -> Self {
        let mut net = MemoryTransport::new(server);
        net.device = state.device.clone();
        let data = VaultData {
            sync: Some(state),
            ..VaultData::default()
        };
        Device {
            saved: data.clone(),
            data,
            net,
        }
    }

    /// A local change, saved at once (as `Vault::update` does).
    fn change<T>(&mut self, f: impl FnOnce(&mut VaultData) -> T) -> T {
        let out = f(&mut self.data);
        self.saved = self.data.clone();
        out
    }

    fn sync(&mut self, now_ms: u64) -> Result<RoundReport, SyncError> {
        let VaultData { accounts, sync, .. } = &mut self.data;
        let saved = &mut self.saved;
        block_on(sync_round(
            &self.net,
            accounts,
            sync.as_mut().expect("sync is on"),
            now_ms,
            &mut |accounts: &[StoredAccount], state: &SyncState| {
                saved.accounts = accounts.to_vec();
                saved.sync = Some(state.clone());
                Ok(())
            },
        ))
    }

    /// The process dies: only what was saved survives.
    fn crash(&mut self) {
        self.data = self.saved.clone();
    }

    fn state(&self) -> &SyncState {
        self.data.sync.as_ref().unwrap()
    }

    /// The synced part of every account, by id.
    fn synced(&self) -> BTreeMap<String, StoredAccount> {
        self.data
            .accounts
            .iter()
            .map(|a| (a.id.to_string(), synced_part(a)))
            .collect()
    }
}

fn account(name: &str, seed: u8) -> Account {
    Account::new(
        Some("ACME"),
        name,
        Secret::from_bytes(vec![seed; 20]),
        Params::hotp(Algorithm::SHA1, 6, 0),
    )
}

fn two_devices(server: &MemoryServer) -> (Device<'_>, Device<'_>) {
    let key = SyncKey::generate();
    (
        Device::new(server, SyncState::new(key.clone(), SERVER, SUB)),
        Device::new(server, SyncState::new(key, SERVER, SUB)),
    )
}

#[test]
fn the_first_device_creates_the_key_and_the_others_join_with_the_passphrase() {
    let server = MemoryServer::default();
    let net = MemoryTransport::new(&server);
    let (first, recovery) =
        block_on(enable(&net, SERVER, SUB, "pass phrase", KdfCost::MIN)).unwrap();
    let recovery = recovery.expect("the first device gets the recovery key");
    let (second, none) = block_on(enable(&net, SERVER, SUB, "pass phrase", KdfCost::MIN)).unwrap();
    assert!(none.is_none());
    assert_eq!(first.key, second.key);
    assert_ne!(first.device, second.device);
    assert!(matches!(
        block_on(enable(&net, SERVER, SUB, "pass phrasE", KdfCost::MIN)),
        Err(SyncError::Key(KeyError::WrongPassphrase))
    ));

    // A new passphrase: the old one stops working, the recovery key still works.
    assert!(matches!(
        block_on(change_passphrase(
            &net,
            &first,
            "wrong",
            "new one",
            KdfCost::MIN
        )),
        Err(SyncError::Key(KeyError::WrongPassphrase))
    ));
    block_on(change_passphrase(
        &net,
        &first,
        "pass phrase",
        "new one",
        KdfCost::MIN,
    ))
    .unwrap();
    let (third, _) = block_on(enable(&net, SERVER, SUB, "new one", KdfCost::MIN)).unwrap();
    assert_eq!(third.key, first.key);
    assert!(block_on(enable(&net, SERVER, SUB, "pass phrase", KdfCost::MIN)).is_err());
    let key = block_on(recover(&net, &recovery, "after recovery", KdfCost::MIN)).unwrap();
    assert_eq!(key, first.key);
    let (fourth, _) = block_on(enable(&net, SERVER, SUB, "after recovery", KdfCost::MIN)).unwrap();
    assert_eq!(fourth.key, first.key);
}

#[test]
fn adds_renames_deletes_and_hotp_counters_travel_between_devices() {
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    a.change(|d| {
        d.add(account("alice", 1), 1);
        d.add(account("bob", 2), 1);
    });
    let report = a.sync(10).unwrap();
    assert_eq!((report.pushed, report.pulled), (2, 0));
    assert_eq!(b.sync(11).unwrap().pulled, 2);
    assert_eq!(a.synced(), b.synced());

    let alice = b.data.find("alice").unwrap().id.clone();
    b.change(|d| {
        let edit = Edit {
            name: Some("alice@work".into()),
            ..Edit::default()
        };
        d.edit(&alice, edit, 20).unwrap();
        d.next_hotp(&alice, 21).unwrap();
        d.next_hotp(&alice, 22).unwrap();
    });
    assert_eq!(b.sync(23).unwrap().pushed, 1);
    assert_eq!(a.sync(24).unwrap().pulled, 1);
    let on_a = a.data.find("alice@work").unwrap();
    assert_eq!(on_a.account.params.counter(), Some(2));

    let bob = a.data.find("bob").unwrap().id.clone();
    a.change(|d| d.remove(&bob).unwrap());
    assert_eq!(a.state().unsynced(), 1, "the deletion waits as a tombstone");
    assert_eq!(a.sync(30).unwrap().pushed, 1);
    b.sync(31).unwrap();
    assert!(b.data.find("bob").is_err());
    assert_eq!(a.synced(), b.synced());
    assert!(server.items().iter().any(|i| i.deleted && i.data.is_none()));

    // Nothing to do: nothing pushed, nothing pulled.
    let idle = a.sync(40).unwrap();
    assert_eq!((idle.pushed, idle.pulled, idle.conflicts), (0, 0, 0));
}

#[test]
fn a_push_whose_answer_was_lost_is_applied_once_when_retried() {
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    a.change(|d| d.add(account("alice", 1), 1));
    a.net.fail_next_post(Fault::LostAnswer);
    assert!(matches!(
        a.sync(10),
        Err(SyncError::Transport(TransportError::Unreachable(_)))
    ));
    a.crash();
    let pending = a
        .state()
        .pending_push
        .clone()
        .expect("the push was saved before it was sent");
    assert_eq!(server.posts_applied(), 1);
    let seq = server.seq();

    let report = a.sync(11).unwrap();
    assert_eq!(report.pushed, 1);
    assert_eq!(
        server.posts_applied(),
        1,
        "the retry was answered from the first time"
    );
    assert_eq!(server.seq(), seq, "nothing was written twice");
    assert!(a.state().pending_push.is_none());
    assert_eq!(a.state().unsynced(), 0);
    let item = &server.items()[0];
    assert_eq!(
        (item.id.clone(), item.version),
        (pending.request.changes[0].id.clone(), 1)
    );
    b.sync(12).unwrap();
    assert_eq!(a.synced(), b.synced());
}

#[test]
fn a_push_that_never_arrived_is_sent_again_with_the_same_request_id() {
    let server = MemoryServer::default();
    let (mut a, _) = two_devices(&server);
    a.change(|d| d.add(account("alice", 1), 1));
    a.net.fail_next_post(Fault::LostRequest);
    assert!(a.sync(10).is_err());
    a.crash();
    let request = a.state().pending_push.clone().unwrap().request;
    assert_eq!(server.posts_applied(), 0);
    // Edited before the retry: the saved request goes out unchanged, then the edit.
    let id = a.data.accounts[0].id.clone();
    a.change(|d| {
        d.edit(
            &id,
            Edit {
                note: Some(Some("n".into())),
                ..Edit::default()
            },
            11,
        )
        .unwrap()
    });
    let report = a.sync(12).unwrap();
    assert_eq!(report.pushed, 2);
    assert_eq!(server.posts_applied(), 2);
    assert!(a.state().pending_push.is_none());
    assert_eq!(server.items()[0].id, request.changes[0].id);
    assert_eq!(server.items()[0].version, 2);
}

#[test]
fn a_conflict_is_merged_and_pushed_again() {
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    a.change(|d| d.add(account("alice", 1), 1));
    a.sync(2).unwrap();
    b.sync(3).unwrap();
    let id = a.data.accounts[0].id.clone();
    // Both edit offline; B's edit is later; A's HOTP counter is higher.
    a.change(|d| {
        d.next_hotp(&id, 10).unwrap();
        d.next_hotp(&id, 11).unwrap();
        d.next_hotp(&id, 12).unwrap();
    });
    b.change(|d| {
        d.edit(
            &id,
            Edit {
                note: Some(Some("from B".into())),
                ..Edit::default()
            },
            20,
        )
        .unwrap()
    });
    a.sync(30).unwrap();
    // B pushes first without pulling: simulate by giving B a stale seq (its pull saw nothing new).
    b.data.sync.as_mut().unwrap().seq = server.seq();
    let report = b.sync(31).unwrap();
    assert!(report.conflicts >= 1, "{report:?}");
    a.sync(32).unwrap();
    assert_eq!(a.synced(), b.synced());
    let merged = a.data.find(id.as_str()).unwrap();
    assert_eq!(
        merged.note.as_deref(),
        Some("from B"),
        "the later edit wins"
    );
    assert_eq!(
        merged.account.params.counter(),
        Some(3),
        "the higher counter stays"
    );
}

#[test]
fn the_same_account_added_on_two_devices_syncs_to_one() {
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    a.change(|d| d.add(account("alice", 1), 1));
    b.change(|d| d.add(account("Alice", 1), 2));
    a.sync(3).unwrap();
    b.sync(4).unwrap();
    a.sync(5).unwrap();
    assert_eq!(a.data.accounts.len(), 1);
    assert_eq!(a.synced(), b.synced());
    let live = server.items().iter().filter(|i| !i.deleted).count();
    assert_eq!(live, 1, "the other item is a tombstone");
}

#[test]
fn a_tampered_or_foreign_item_stops_the_round_with_a_typed_error() {
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    a.change(|d| d.add(account("alice", 1), 1));
    a.sync(2).unwrap();
    let item = server.items()[0].clone();
    let mut bytes = item.data.clone().unwrap().0;
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    server.tamper(&item.id, bytes);
    assert!(matches!(
        b.sync(3),
        Err(SyncError::Seal(SealError::Tampered { .. }))
    ));
    assert!(b.data.accounts.is_empty());

    // Another user's sub: the same bytes do not open.
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    b.data.sync.as_mut().unwrap().user = "someone-else".into();
    a.change(|d| d.add(account("alice", 1), 1));
    a.sync(2).unwrap();
    assert!(matches!(
        b.sync(3),
        Err(SyncError::Seal(SealError::Tampered { .. }))
    ));
}

#[test]
fn more_than_one_batch_and_one_page() {
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    a.change(|d| {
        for i in 0..120u8 {
            d.add(account(&format!("user{i}"), i), 1);
        }
    });
    assert_eq!(a.sync(2).unwrap().pushed, 120);
    assert_eq!(server.posts_applied(), 3);
    assert_eq!(b.sync(3).unwrap().pulled, 120);
    assert_eq!(a.synced(), b.synced());
}

#[test]
fn changes_made_without_the_sync_hooks_are_found_and_pushed() {
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    a.change(|d| d.add(account("alice", 1), 1));
    a.sync(2).unwrap();
    b.sync(3).unwrap();
    // As a build without the `sync` feature would: straight to the accounts.
    a.change(|d| {
        d.accounts[0].tags = vec!["work".into()];
        d.accounts
            .push(crate::account::StoredAccount::new(account("bob", 2), 4));
    });
    assert_eq!(a.sync(5).unwrap().pushed, 2);
    b.sync(6).unwrap();
    assert_eq!(a.synced(), b.synced());
    a.change(|d| d.accounts.clear());
    a.sync(7).unwrap();
    b.sync(8).unwrap();
    assert!(b.data.accounts.is_empty());
}

const DAY: u64 = 24 * 60 * 60 * 1000;

/// A and B hold alice and bob; B deletes bob on day 2 and the server purges the tombstone
/// (`say`: and tells so in `purged`). Returns the devices and bob's item.
fn bob_deleted_on_b_and_purged<'a>(
    server: &'a MemoryServer,
    say: bool,
) -> (Device<'a>, Device<'a>) {
    let (mut a, mut b) = two_devices(server);
    a.change(|d| {
        d.add(account("alice", 1), 1);
        d.add(account("bob", 2), 1);
    });
    a.sync(DAY).unwrap();
    b.sync(DAY).unwrap();
    let bob = b.data.find("bob").unwrap().id.clone();
    let item = b.state().items[&bob].item.clone();
    b.change(|d| d.remove(&bob).unwrap());
    b.sync(2 * DAY).unwrap();
    if say {
        server.purge(&item);
    } else {
        server.purge_silently(&item);
    }
    (a, b)
}

#[test]
fn a_device_that_missed_a_purged_delete_reads_everything_and_applies_the_delete() {
    let server = MemoryServer::default();
    let (mut a, mut b) = bob_deleted_on_b_and_purged(&server, true);
    // A's clock says it synced yesterday; the server's `purged` says what it missed.
    let report = a.sync(3 * DAY).unwrap();
    assert_eq!((report.pushed, report.pulled), (0, 1), "{report:?}");
    assert!(a.data.find("bob").is_err(), "bob is not brought back");
    assert!(a.data.find("alice").is_ok());
    b.sync(4 * DAY).unwrap();
    assert_eq!(a.synced(), b.synced());
    // Read up to date now: the next round reads incrementally and does nothing.
    assert_eq!(
        a.sync(5 * DAY).unwrap(),
        RoundReport {
            seq: a.state().seq,
            ..RoundReport::default()
        }
    );
}

#[test]
fn an_account_edited_while_its_delete_was_purged_comes_back() {
    let server = MemoryServer::default();
    let (mut a, mut b) = bob_deleted_on_b_and_purged(&server, true);
    let bob = a.data.find("bob").unwrap().id.clone();
    a.change(|d| {
        let edit = Edit {
            name: Some("bob2".into()),
            ..Edit::default()
        };
        d.edit(&bob, edit, 2 * DAY + 5).unwrap();
    });
    let report = a.sync(3 * DAY).unwrap();
    assert_eq!(
        report.pushed, 1,
        "the edit wins over the unseen delete: {report:?}"
    );
    b.sync(4 * DAY).unwrap();
    assert!(b.data.find("bob2").is_ok(), "and comes back on B");
    assert_eq!(a.synced(), b.synced());
}

#[test]
fn a_device_away_longer_than_tombstones_are_kept_reads_everything_even_if_the_server_does_not_say()
{
    let server = MemoryServer::default();
    let (mut a, mut b) = bob_deleted_on_b_and_purged(&server, false);
    let report = a.sync(93 * DAY).unwrap();
    assert_eq!((report.pushed, report.pulled), (0, 1), "{report:?}");
    assert!(a.data.find("bob").is_err());
    b.sync(94 * DAY).unwrap();
    assert_eq!(a.synced(), b.synced(), "both devices agree again");
}

#[test]
fn a_device_whose_server_was_emptied_is_told_so_and_keeps_its_accounts() {
    let server = MemoryServer::default();
    let (mut a, mut b) = two_devices(&server);
    a.change(|d| d.add(account("alice", 1), 1));
    a.sync(DAY).unwrap();
    b.sync(DAY).unwrap();
    server.wipe();
    assert!(matches!(b.sync(2 * DAY), Err(SyncError::NoKeyOnServer)));
    // Away long enough to read everything again: still an error, nothing deleted here.
    assert!(matches!(a.sync(100 * DAY), Err(SyncError::NoKeyOnServer)));
    assert!(a.data.find("alice").is_ok() && b.data.find("alice").is_ok());
}

#[derive(Debug, Clone)]
enum Op {
    Add(usize, u8),
    Rename(usize, usize, u8),
    Delete(usize, usize),
    Hotp(usize, usize),
    Sync(usize),
    Lost(usize, bool),
}

fn op() -> impl Strategy<Value = Op> {
    let dev = 0..2usize;
    prop_oneof![
        3 => (dev.clone(), 0..6u8).prop_map(|(d, s)| Op::Add(d, s)),
        2 => (dev.clone(), any::<usize>(), 0..3u8).prop_map(|(d, p, n)| Op::Rename(d, p, n)),
        2 => (dev.clone(), any::<usize>()).prop_map(|(d, p)| Op::Delete(d, p)),
        2 => (dev.clone(), any::<usize>()).prop_map(|(d, p)| Op::Hotp(d, p)),
        3 => dev.clone().prop_map(Op::Sync),
        1 => (dev, any::<bool>()).prop_map(|(d, a)| Op::Lost(d, a)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// No account is ever lost silently: after random edits, deletes, HOTP codes, syncs and
    /// lost requests or answers on two devices, syncing both ways leaves both with the same
    /// accounts, every account never deleted is there, and no HOTP counter went back.
    #[test]
    fn no_account_is_lost_and_both_devices_agree(ops in proptest::collection::vec(op(), 1..40)) {
        let server = MemoryServer::default();
        let (a, b) = two_devices(&server);
        let mut devices = [a, b];
        let mut added = BTreeSet::new();
        let mut deleted = BTreeSet::new();
        let mut used: BTreeMap<u8, u64> = BTreeMap::new();
        let seed_of = |a: &StoredAccount| a.account.secret.as_bytes()[0];
        for (now, op) in (100u64..).zip(ops) {
            match op {
                Op::Add(d, seed) => {
                    devices[d].change(|data| data.add(account(&format!("acct{seed}"), seed), now));
                    added.insert(seed);
                }
                Op::Rename(d, pick, n) => devices[d].change(|data| {
                    if data.accounts.is_empty() { return; }
                    let id = data.accounts[pick % data.accounts.len()].id.clone();
                    let edit = Edit { name: Some(format!("renamed{n}")), ..Edit::default() };
                    data.edit(&id, edit, now).unwrap();
                }),
                Op::Delete(d, pick) => devices[d].change(|data| {
                    if data.accounts.is_empty() { return; }
                    let id = data.accounts[pick % data.accounts.len()].id.clone();
                    deleted.insert(seed_of(&data.remove(&id).unwrap()));
                }),
                Op::Hotp(d, pick) => devices[d].change(|data| {
                    if data.accounts.is_empty() { return; }
                    let stored = &data.accounts[pick % data.accounts.len()];
                    let (id, seed) = (stored.id.clone(), seed_of(stored));
                    let counter = stored.account.params.counter().unwrap();
                    data.next_hotp(&id, now).unwrap();
                    let top = used.entry(seed).or_default();
                    *top = (*top).max(counter + 1);
                }),
                Op::Sync(d) => {
                    devices[d].sync(now).unwrap();
                }
                Op::Lost(d, after_apply) => {
                    let fault = if after_apply { Fault::LostAnswer } else { Fault::LostRequest };
                    devices[d].net.fail_next_post(fault);
                    if devices[d].sync(now).is_err() {
                        devices[d].crash();
                    }
                    devices[d].net.fail_next_post(Fault::None);
                }
            }
        }
        for round in 0..4u64 {
            devices[(round % 2) as usize].sync(1_000 + round).unwrap();
        }
        for (i, dev) in devices.iter_mut().enumerate() {
            let idle = dev.sync(2_000).unwrap();
            prop_assert_eq!((idle.pushed, idle.pulled), (0, 0), "device {} settled", i);
            prop_assert_eq!(dev.state().unsynced(), 0);
            prop_assert!(dev.state().pending_push.is_none());
        }
        prop_assert_eq!(devices[0].synced(), devices[1].synced());
        let accounts = &devices[0].data.accounts;
        for seed in added.difference(&deleted) {
            prop_assert!(accounts.iter().any(|a| seed_of(a) == *seed), "account {} lost", seed);
        }
        for (seed, top) in &used {
            if deleted.contains(seed) { continue; }
            let counter = accounts.iter().filter(|a| seed_of(a) == *seed)
                .filter_map(|a| a.account.params.counter()).max().unwrap();
            prop_assert!(counter >= *top, "seed {} counter {} went back below {}", seed, counter, top);
        }
        let live = server.items().iter().filter(|i| !i.deleted).count();
        prop_assert_eq!(live, accounts.len(), "one live item per account");
        let mut shown = BTreeSet::new();
        for a in accounts {
            let key = (seed_of(a), a.account.name.to_ascii_lowercase());
            prop_assert!(shown.insert(key), "a duplicate is left: {}", a.account.label());
        }
    }
}
