//! One contract, two sets of types: the server's (`sesame_sync::wire`, with the OpenAPI
//! schema derives and plain-string ids it checks itself, answering 422) and the client's
//! (`sesame::sync::wire`, with validated id types). Every body of the contract, read by both
//! and written back, is the same JSON; the shared limits and header names are equal.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sesame::sync::wire as client;
use sesame_sync::wire as server;

/// Both types read `body` and write it back unchanged.
fn same<S, C>(body: Value)
where
    S: Serialize + DeserializeOwned,
    C: Serialize + DeserializeOwned,
{
    let s: S = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("the server cannot read {body}: {e}"));
    let c: C = serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("the client cannot read {body}: {e}"));
    assert_eq!(serde_json::to_value(&s).unwrap(), body, "server");
    assert_eq!(serde_json::to_value(&c).unwrap(), body, "client");
}

const DEVICE: &str = "dev-AAAAAAAAAAAAAAAAAAAAA";

fn item(deleted: bool) -> Value {
    json!({"id": "item_1-x", "version": 3, "seq": 9, "deleted": deleted,
           "data": if deleted { Value::Null } else { json!("U1NJMf8=") },
           "modified": 1_764_900_000_123u64, "device": DEVICE})
}

#[test]
fn every_body_of_the_contract_reads_and_writes_the_same_on_both_sides() {
    let key = json!({"version": 2, "key": {"format": "sesame-sync-key", "n": [1, 2]},
                     "updated": 1_764_900_000_000u64});
    same::<server::KeyRecord, client::KeyRecord>(key.clone());
    same::<server::PutKey, client::PutKey>(json!({"replaces": null, "key": {"a": 1}}));
    same::<server::PutKey, client::PutKey>(json!({"replaces": 4, "key": {}}));
    same::<server::KeyVersion, client::PutKeyOk>(json!({"version": 5}));
    same::<server::KeyConflict, client::KeyConflict>(
        json!({"error": "stale_key", "message": "changed meanwhile", "current": key}),
    );
    same::<server::Item, client::Item>(item(false));
    same::<server::ItemsPage, client::ItemsPage>(
        json!({"items": [item(false), item(true)], "seq": 9, "more": true, "purged": 4}),
    );
    same::<server::DataDeleted, client::DataDeleted>(json!({"deleted": 17}));
    same::<server::PostItems, client::PostItems>(json!({
        "request_id": "req_0123456789abcdef",
        "changes": [
            {"id": "a", "replaces": 0, "deleted": false, "data": "AAEC"},
            {"id": "b", "replaces": 7, "deleted": true, "data": null}
        ]
    }));
    same::<server::ItemsApplied, client::PostItemsOk>(json!({
        "seq": 12, "applied": [{"id": "a", "version": 1, "seq": 11}, {"id": "b", "version": 8, "seq": 12}]
    }));
    same::<server::ConflictBody, client::ConflictBody>(json!({
        "error": "conflict", "message": "changed meanwhile",
        "conflicts": [{"id": "item_1-x", "current": item(false)}, {"id": "gone", "current": null}]
    }));
    same::<server::ErrorBody, client::ErrorBody>(
        json!({"error": "device_revoked", "message": "this device was removed"}),
    );
    same::<server::Devices, client::Devices>(json!({"devices": [
        {"id": DEVICE, "name": "laptop", "first_seen": 1, "last_seen": 2, "revoked": false},
        {"id": "dev-BBBBBBBBBBBBBBBBBBBBB", "name": null, "first_seen": 3, "last_seen": 4, "revoked": true}
    ]}));
}

#[test]
fn limits_and_header_names_are_the_same_on_both_sides() {
    assert_eq!(server::MAX_CHANGES, client::MAX_CHANGES);
    const { assert!(client::PAGE_LIMIT <= server::MAX_LIMIT) };
    assert_eq!(server::DEVICE_HEADER, client::DEVICE_HEADER);
    assert_eq!(server::DEVICE_NAME_HEADER, client::DEVICE_NAME_HEADER);
    assert_eq!(server::MAX_DEVICE_NAME_CHARS, client::MAX_DEVICE_NAME_CHARS);
    assert_eq!(server::MAX_KEY_BYTES, sesame::sync::key::MAX_BLOB_LEN);
}

#[test]
fn ids_the_server_refuses_the_client_cannot_hold() {
    for (id, ok) in [
        ("a", true),
        ("", false),
        ("a/b", false),
        (&*"x".repeat(65), false),
    ] {
        assert_eq!(server::valid_item_id(id), ok, "{id}");
        let parsed = serde_json::from_value::<client::Item>(json!({
            "id": id, "version": 1, "seq": 1, "deleted": true, "data": null,
            "modified": 1, "device": DEVICE
        }));
        assert_eq!(parsed.is_ok(), ok, "{id}");
    }
}
