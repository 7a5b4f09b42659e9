//! One storage suite, run against both engines: SQLite in a temp file and DynamoDB on the
//! emulator (a fresh table per test). Each case drives the [`Store`] trait as the API does.

mod common;

use std::future::Future;
use std::sync::Arc;

use serde_json::json;
use sesame_sync::store::dynamodb::DynamoStore;
use sesame_sync::store::sqlite::SqliteStore;
use sesame_sync::store::{Batch, BatchOutcome, DeviceStatus, KeyWrite, Store};
use sesame_sync::wire::{Blob, Change, ItemsApplied, MAX_ITEM_BYTES};

#[derive(Clone, Copy)]
enum Engine {
    Sqlite,
    Dynamodb,
}

fn run<F, Fut>(engine: Engine, case: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let rt = common::rt();
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = match engine {
        Engine::Sqlite => Arc::new(SqliteStore::open(&dir.path().join("sync.db")).unwrap()),
        Engine::Dynamodb => {
            let table = rt.block_on(common::table());
            Arc::new(DynamoStore::new(common::dynamodb(), table))
        }
    };
    rt.block_on(case(store));
}

macro_rules! both_engines {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $case() { super::run(super::Engine::Sqlite, super::$case) } )*
        }
        mod dynamodb {
            $( #[test] fn $case() { super::run(super::Engine::Dynamodb, super::$case) } )*
        }
    };
}

both_engines!(
    a_key_is_created_once_and_replaced_only_by_its_current_version,
    items_are_listed_by_seq_in_pages,
    a_batch_with_a_stale_version_applies_nothing_and_names_each_conflict,
    a_replayed_request_id_is_applied_once,
    a_tombstone_is_listed_and_an_edit_naming_it_brings_the_item_back,
    two_users_with_the_same_item_id_never_see_each_other,
    devices_are_recorded_once_and_a_revoked_one_stays_revoked,
    the_item_quota_refuses_a_batch_that_would_pass_it,
    concurrent_batches_of_one_user_each_get_their_own_seqs,
    deleting_a_user_removes_all_of_theirs_and_nothing_of_another,
    tombstones_past_ninety_days_are_purged_and_pages_say_up_to_which_seq,
);

const DEVICE: &str = "device-aaaaaaaaaaaaaaaaaaaa";
/// The server time of the writes and reads (Unix ms).
const NOW: u64 = 1_700_000_000_000;
const DAY: u64 = 24 * 60 * 60 * 1000;

fn put(id: &str, replaces: u64, data: &[u8]) -> Change {
    Change {
        id: id.into(),
        replaces,
        deleted: false,
        data: Some(Blob(data.to_vec())),
    }
}

fn delete(id: &str, replaces: u64) -> Change {
    Change {
        id: id.into(),
        replaces,
        deleted: true,
        data: None,
    }
}

fn batch(sub: &str, changes: Vec<Change>) -> Batch {
    Batch {
        sub: sub.into(),
        device: DEVICE.into(),
        request_id: common::unique("req-"),
        changes,
        now: NOW,
        max_items: 10_000,
    }
}

async fn applied(store: &Arc<dyn Store>, batch: Batch) -> ItemsApplied {
    match store.apply(batch).await.unwrap() {
        BatchOutcome::Applied(answer) => answer,
        other => panic!("expected the batch to apply, got {other:?}"),
    }
}

async fn a_key_is_created_once_and_replaced_only_by_its_current_version(store: Arc<dyn Store>) {
    let sub = common::unique("user-");
    assert_eq!(store.get_key(sub.clone()).await.unwrap(), None);
    assert_eq!(
        store
            .put_key(sub.clone(), Some(1), json!({"k": 0}), 5)
            .await
            .unwrap(),
        KeyWrite::Missing
    );
    assert_eq!(
        store
            .put_key(sub.clone(), None, json!({"k": 1}), 10)
            .await
            .unwrap(),
        KeyWrite::Written(1)
    );
    let KeyWrite::Exists(current) = store
        .put_key(sub.clone(), None, json!({"k": 2}), 11)
        .await
        .unwrap()
    else {
        panic!("a second create must be refused");
    };
    assert_eq!(
        (current.version, current.key.clone(), current.updated),
        (1, json!({"k": 1}), 10)
    );
    assert_eq!(
        store
            .put_key(sub.clone(), Some(1), json!({"k": 3}), 12)
            .await
            .unwrap(),
        KeyWrite::Written(2)
    );
    let KeyWrite::Stale(current) = store
        .put_key(sub.clone(), Some(1), json!({"k": 4}), 13)
        .await
        .unwrap()
    else {
        panic!("a replace naming an old version must be refused");
    };
    assert_eq!((current.version, current.key), (2, json!({"k": 3})));
    let key = store.get_key(sub).await.unwrap().unwrap();
    assert_eq!(
        (key.version, key.key, key.updated),
        (2, json!({"k": 3}), 12)
    );
}

async fn items_are_listed_by_seq_in_pages(store: Arc<dyn Store>) {
    let sub = common::unique("user-");
    let empty = store.items(sub.clone(), 0, 500, NOW).await.unwrap();
    assert_eq!((empty.items.len(), empty.seq, empty.more), (0, 0, false));
    let big = vec![0xA5; MAX_ITEM_BYTES];
    let changes: Vec<_> = (0..5).map(|i| put(&format!("item{i}"), 0, &[i])).collect();
    let answer = applied(&store, batch(&sub, changes)).await;
    assert_eq!(answer.seq, 5);
    assert_eq!(
        answer
            .applied
            .iter()
            .map(|a| (a.version, a.seq))
            .collect::<Vec<_>>(),
        [(1, 1), (1, 2), (1, 3), (1, 4), (1, 5)]
    );
    // item1 written again: it moves to the end of the sequence.
    applied(&store, batch(&sub, vec![put("item1", 1, &big)])).await;

    let first = store.items(sub.clone(), 0, 2, NOW).await.unwrap();
    assert_eq!(
        first
            .items
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>(),
        ["item0", "item2"]
    );
    assert_eq!((first.seq, first.more), (3, true));
    let second = store.items(sub.clone(), first.seq, 2, NOW).await.unwrap();
    assert_eq!(
        second
            .items
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>(),
        ["item3", "item4"]
    );
    assert_eq!((second.seq, second.more), (5, true));
    let last = store.items(sub.clone(), second.seq, 2, NOW).await.unwrap();
    assert_eq!((last.items.len(), last.seq, last.more), (1, 6, false));
    let item1 = &last.items[0];
    assert_eq!(
        (item1.id.as_str(), item1.version, item1.seq),
        ("item1", 2, 6)
    );
    assert_eq!(
        item1.data.as_ref().unwrap().0,
        big,
        "a full-size item comes back whole"
    );
    assert_eq!(
        (item1.deleted, item1.modified, item1.device.as_str()),
        (false, 1_700_000_000_000, DEVICE)
    );
    let after = store.items(sub, 6, 500, NOW).await.unwrap();
    assert_eq!((after.items.len(), after.seq, after.more), (0, 6, false));
}

async fn a_batch_with_a_stale_version_applies_nothing_and_names_each_conflict(
    store: Arc<dyn Store>,
) {
    let sub = common::unique("user-");
    applied(
        &store,
        batch(&sub, vec![put("a", 0, b"a1"), put("b", 0, b"b1")]),
    )
    .await;
    let outcome = store
        .apply(batch(
            &sub,
            vec![
                put("a", 1, b"a2"),
                put("b", 0, b"b2"),
                put("c", 3, b"c1"),
                put("d", 0, b"d1"),
            ],
        ))
        .await
        .unwrap();
    let BatchOutcome::Conflicts(conflicts) = outcome else {
        panic!("expected conflicts, got {outcome:?}");
    };
    assert_eq!(conflicts.len(), 2);
    assert_eq!(conflicts[0].id, "b");
    let current = conflicts[0].current.as_ref().unwrap();
    assert_eq!(
        (current.version, current.data.as_ref().unwrap().0.as_slice()),
        (1, &b"b1"[..])
    );
    assert_eq!(
        (conflicts[1].id.as_str(), conflicts[1].current.is_none()),
        ("c", true)
    );
    let page = store.items(sub, 0, 500, NOW).await.unwrap();
    assert_eq!(page.seq, 2, "nothing of the refused batch was applied");
    assert!(page.items.iter().all(|i| i.version == 1));
}

async fn a_replayed_request_id_is_applied_once(store: Arc<dyn Store>) {
    let sub = common::unique("user-");
    let first = batch(&sub, vec![put("a", 0, b"a1"), put("b", 0, b"b1")]);
    let answer = applied(&store, first.clone()).await;
    let again = applied(&store, first.clone()).await;
    assert_eq!(again, answer, "a retry gets the first answer");
    let page = store.items(sub.clone(), 0, 500, NOW).await.unwrap();
    assert_eq!(
        (page.items.len(), page.seq),
        (2, 2),
        "nothing was applied twice"
    );
    // The same request id from another user is another request.
    let other = Batch {
        sub: common::unique("user-"),
        ..first
    };
    assert_eq!(applied(&store, other).await.seq, 2);
}

async fn a_tombstone_is_listed_and_an_edit_naming_it_brings_the_item_back(store: Arc<dyn Store>) {
    let sub = common::unique("user-");
    applied(&store, batch(&sub, vec![put("a", 0, b"a1")])).await;
    let deleted = applied(&store, batch(&sub, vec![delete("a", 1)])).await;
    assert_eq!((deleted.applied[0].version, deleted.seq), (2, 2));
    let page = store.items(sub.clone(), 1, 500, NOW).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.items[0].deleted && page.items[0].data.is_none());
    // A stale edit (naming version 1) conflicts with the tombstone...
    let BatchOutcome::Conflicts(c) = store
        .apply(batch(&sub, vec![put("a", 1, b"old")]))
        .await
        .unwrap()
    else {
        panic!("an edit of version 1 must conflict with the tombstone");
    };
    assert!(c[0].current.as_ref().unwrap().deleted);
    // ...one naming the tombstone brings it back.
    let back = applied(&store, batch(&sub, vec![put("a", 2, b"a3")])).await;
    assert_eq!(back.applied[0].version, 3);
    let page = store.items(sub, 2, 500, NOW).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(!page.items[0].deleted);
    assert_eq!(page.items[0].data.as_ref().unwrap().0, b"a3");
}

async fn two_users_with_the_same_item_id_never_see_each_other(store: Arc<dyn Store>) {
    let alice = common::unique("alice-");
    let bob = common::unique("bob-");
    applied(&store, batch(&alice, vec![put("shared", 0, b"alice's")])).await;
    store
        .put_key(alice.clone(), None, json!({"owner": "alice"}), 1)
        .await
        .unwrap();
    assert_eq!(
        store
            .items(bob.clone(), 0, 500, NOW)
            .await
            .unwrap()
            .items
            .len(),
        0
    );
    assert_eq!(store.get_key(bob.clone()).await.unwrap(), None);
    // Bob's write of the same id is his own item, version 1, seq 1.
    let answer = applied(&store, batch(&bob, vec![put("shared", 0, b"bob's")])).await;
    assert_eq!((answer.applied[0].version, answer.seq), (1, 1));
    let alices = store.items(alice, 0, 500, NOW).await.unwrap();
    assert_eq!(alices.items.len(), 1);
    assert_eq!(alices.items[0].data.as_ref().unwrap().0, b"alice's");
}

async fn devices_are_recorded_once_and_a_revoked_one_stays_revoked(store: Arc<dyn Store>) {
    let sub = common::unique("user-");
    let phone = "phone-bbbbbbbbbbbbbbbbbbbb".to_owned();
    assert_eq!(
        store
            .touch_device(sub.clone(), DEVICE.into(), Some("Laptop".into()), 1_000)
            .await
            .unwrap(),
        DeviceStatus::Active
    );
    store
        .touch_device(sub.clone(), DEVICE.into(), None, 2_000)
        .await
        .unwrap();
    store
        .touch_device(sub.clone(), phone.clone(), None, 3_000)
        .await
        .unwrap();
    store
        .touch_device(
            sub.clone(),
            DEVICE.into(),
            Some("Work laptop".into()),
            70_000,
        )
        .await
        .unwrap();
    let devices = store.devices(sub.clone()).await.unwrap();
    assert_eq!(devices.len(), 2);
    let laptop = &devices[0];
    assert_eq!(
        (
            laptop.id.as_str(),
            laptop.name.as_deref(),
            laptop.first_seen,
            laptop.last_seen,
            laptop.revoked
        ),
        (DEVICE, Some("Work laptop"), 1_000, 70_000, false)
    );
    assert_eq!(
        (devices[1].id.as_str(), devices[1].name.as_deref()),
        (phone.as_str(), None)
    );
    assert!(
        store
            .revoke_device(sub.clone(), phone.clone())
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_device(sub.clone(), "no-such-device-cccccccccc".into())
            .await
            .unwrap()
    );
    assert_eq!(
        store
            .touch_device(sub.clone(), phone.clone(), None, 200_000)
            .await
            .unwrap(),
        DeviceStatus::Revoked
    );
    assert!(store.devices(sub.clone()).await.unwrap()[1].revoked);
    // Another user's device list is theirs alone.
    assert!(
        store
            .devices(common::unique("user-"))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .revoke_device(common::unique("user-"), DEVICE.into())
            .await
            .unwrap()
    );
}

async fn the_item_quota_refuses_a_batch_that_would_pass_it(store: Arc<dyn Store>) {
    let sub = common::unique("user-");
    let small = |changes| Batch {
        max_items: 3,
        ..batch(&sub, changes)
    };
    applied(
        &store,
        small(vec![
            put("a", 0, b"1"),
            put("b", 0, b"1"),
            put("c", 0, b"1"),
        ]),
    )
    .await;
    assert_eq!(
        store.apply(small(vec![put("d", 0, b"1")])).await.unwrap(),
        BatchOutcome::Quota(3)
    );
    assert_eq!(
        store.items(sub.clone(), 0, 500, NOW).await.unwrap().seq,
        3,
        "nothing applied"
    );
    // Edits of existing items and deletes still go through; a delete makes room.
    applied(&store, small(vec![put("a", 1, b"2"), delete("b", 1)])).await;
    applied(&store, small(vec![put("d", 0, b"1")])).await;
    // A tombstone coming back counts again.
    assert_eq!(
        store
            .apply(small(vec![put("b", 2, b"back")]))
            .await
            .unwrap(),
        BatchOutcome::Quota(3)
    );
}

async fn concurrent_batches_of_one_user_each_get_their_own_seqs(store: Arc<dyn Store>) {
    let sub = common::unique("user-");
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let store = store.clone();
            let batch = batch(
                &sub,
                vec![
                    put(&format!("x{i}"), 0, b"x"),
                    put(&format!("y{i}"), 0, b"y"),
                ],
            );
            tokio::spawn(async move { store.apply(batch).await.unwrap() })
        })
        .collect();
    let mut seqs = Vec::new();
    for task in tasks {
        let BatchOutcome::Applied(answer) = task.await.unwrap() else {
            panic!("batches on distinct items never conflict");
        };
        seqs.extend(answer.applied.iter().map(|a| a.seq));
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=12).collect::<Vec<_>>());
    let page = store.items(sub, 0, 500, NOW).await.unwrap();
    assert_eq!((page.items.len(), page.seq), (12, 12));
}

/// What the DynamoDB engine relies on, checked on the emulator the suite runs against: a
/// transaction with one failing condition is cancelled as a whole.
#[test]
fn the_emulator_cancels_a_whole_transaction_when_one_condition_fails() {
    use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
    let rt = common::rt();
    rt.block_on(async {
        let table = common::table().await;
        let client = common::dynamodb();
        let put = |sk: &str, condition: &str| {
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&table)
                        .item("pk", AttributeValue::S("USER#t".into()))
                        .item("sk", AttributeValue::S(sk.into()))
                        .condition_expression(condition)
                        .build()
                        .unwrap(),
                )
                .build()
        };
        client
            .transact_write_items()
            .transact_items(put("ITEM#a", "attribute_not_exists(pk)"))
            .send()
            .await
            .unwrap();
        let err = client
            .transact_write_items()
            .transact_items(put("ITEM#b", "attribute_not_exists(pk)"))
            .transact_items(put("ITEM#a", "attribute_not_exists(pk)"))
            .send()
            .await
            .unwrap_err();
        assert!(
            err.as_service_error()
                .is_some_and(|e| e.is_transaction_canceled_exception())
        );
        let b = client
            .get_item()
            .table_name(&table)
            .key("pk", AttributeValue::S("USER#t".into()))
            .key("sk", AttributeValue::S("ITEM#b".into()))
            .consistent_read(true)
            .send()
            .await
            .unwrap();
        assert!(b.item.is_none(), "the cancelled transaction wrote nothing");
    });
}

async fn deleting_a_user_removes_all_of_theirs_and_nothing_of_another(store: Arc<dyn Store>) {
    let alice = common::unique("alice-");
    let bob = common::unique("bob-");
    for sub in [&alice, &bob] {
        store
            .put_key(sub.clone(), None, json!({"owner": sub}), 1)
            .await
            .unwrap();
        store
            .touch_device(sub.clone(), DEVICE.into(), Some("Laptop".into()), 1)
            .await
            .unwrap();
    }
    // More than one BatchWriteItem of deletes (25), a tombstone among them.
    let mut replayed = None;
    for round in 0..2 {
        let changes = (0..30)
            .map(|i| put(&format!("item-{round}-{i}"), 0, b"sealed"))
            .collect();
        let first = batch(&alice, changes);
        replayed = Some(first.clone());
        applied(&store, first).await;
    }
    applied(&store, batch(&alice, vec![delete("item-0-0", 1)])).await;
    applied(&store, batch(&bob, vec![put("item-0-0", 0, b"bob's")])).await;

    let deleted = store.delete_user(alice.clone()).await.unwrap();
    // The key, 60 items, the device, 3 request ids and the counters.
    assert_eq!(deleted, 1 + 60 + 1 + 3 + 1);
    assert_eq!(store.get_key(alice.clone()).await.unwrap(), None);
    let page = store.items(alice.clone(), 0, 1000, NOW).await.unwrap();
    assert!(
        page.items.is_empty() && page.seq == 0 && !page.more,
        "{page:?}"
    );
    assert!(store.devices(alice.clone()).await.unwrap().is_empty());
    // The request ids went too: the same request is a new batch, from seq 1.
    let again = applied(&store, replayed.unwrap()).await;
    assert_eq!(again.applied[0].seq, 1);
    // 30 items, one request id, the counters.
    assert_eq!(store.delete_user(alice.clone()).await.unwrap(), 30 + 1 + 1);
    assert_eq!(store.delete_user(alice).await.unwrap(), 0);

    assert_eq!(
        store.get_key(bob.clone()).await.unwrap().unwrap().key,
        json!({"owner": bob})
    );
    let bobs = store.items(bob.clone(), 0, 500, NOW).await.unwrap();
    assert_eq!(bobs.items.len(), 1);
    assert_eq!(bobs.items[0].data.as_ref().unwrap().0, b"bob's");
    assert_eq!(store.devices(bob).await.unwrap().len(), 1);
}

async fn tombstones_past_ninety_days_are_purged_and_pages_say_up_to_which_seq(
    store: Arc<dyn Store>,
) {
    let sub = common::unique("user-");
    let at = |changes, now| Batch {
        now,
        ..batch(&sub, changes)
    };
    let ids = |page: &sesame_sync::wire::ItemsPage| -> Vec<(String, bool)> {
        page.items
            .iter()
            .map(|i| (i.id.clone(), i.deleted))
            .collect()
    };
    applied(
        &store,
        at(
            vec![put("a", 0, b"1"), put("b", 0, b"2"), put("c", 0, b"3")],
            NOW,
        ),
    )
    .await;
    applied(&store, at(vec![delete("a", 1)], NOW)).await; // seq 4
    // Day 89: the tombstone is listed; nothing may be gone.
    let page = store
        .items(sub.clone(), 0, 500, NOW + 89 * DAY)
        .await
        .unwrap();
    assert!(ids(&page).contains(&("a".into(), true)), "{page:?}");
    assert_eq!(page.purged, 0);

    // Day 91, a write (b deleted, seq 5): a's tombstone is gone, and every page says
    // tombstones up to seq 4 may be.
    let day91 = NOW + 91 * DAY;
    applied(&store, at(vec![delete("b", 1)], day91)).await;
    let page = store.items(sub.clone(), 0, 500, day91).await.unwrap();
    assert_eq!(ids(&page), [("c".into(), false), ("b".into(), true)]);
    assert_eq!((page.seq, page.purged), (5, 4));
    let page = store.items(sub.clone(), 3, 500, day91).await.unwrap();
    assert_eq!((ids(&page), page.purged), (vec![("b".into(), true)], 4));
    let page = store.items(sub.clone(), 5, 500, day91).await.unwrap();
    assert!(
        page.items.is_empty() && page.seq == 5 && page.purged == 4,
        "{page:?}"
    );

    // The purged id is free again: created anew, version 1.
    let answer = applied(&store, at(vec![put("a", 0, b"again")], day91)).await;
    assert_eq!((answer.applied[0].version, answer.seq), (1, 6));
    // b's tombstone (version 2) is kept until its own 90 days are over.
    match store
        .apply(at(vec![put("b", 1, b"x")], day91 + 1))
        .await
        .unwrap()
    {
        BatchOutcome::Conflicts(c) => assert_eq!(c[0].current.as_ref().map(|i| i.version), Some(2)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Day 182: b's tombstone is past its 90 days too, written or not.
    let later = day91 + 91 * DAY;
    applied(&store, at(vec![put("c", 1, b"3'")], later)).await;
    let page = store.items(sub.clone(), 0, 500, later).await.unwrap();
    assert_eq!(ids(&page), [("a".into(), false), ("c".into(), false)]);
    assert_eq!(page.purged, 5);
}
