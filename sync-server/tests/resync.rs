//! Tombstones purged after 90 days, end to end: the server runs in this process on a
//! loopback port with a clock the test moves (no sleeping), on SQLite and on DynamoDB; two
//! devices are the core's sync engine over its HTTP transport with a real access token. A
//! device that did not read a delete before its tombstone was purged reads everything again
//! and applies the delete: the account is not brought back, and nothing else is lost.

mod common;

use std::sync::Arc;

use sesame::account::{Account, StoredAccount};
use sesame::clock::FixedClock;
use sesame::otp::Params;
use sesame::secret::Secret;
use sesame::sync::SyncState;
use sesame::sync::engine::{RoundReport, sync_round};
use sesame::sync::http::HttpTransport;
use sesame::sync::key::SyncKey;
use sesame_sync::api::{AppState, router};
use sesame_sync::auth::Auth;
use sesame_sync::limits::Limits;
use sesame_sync::store::Store;
use sesame_sync::store::dynamodb::DynamoStore;
use sesame_sync::store::sqlite::SqliteStore;

const DAY: u64 = 24 * 60 * 60 * 1000;
/// The server's time when the test starts (Unix ms).
const T0: u64 = 1_750_000_000_000;

/// The server on a free loopback port; its clock is the test's.
async fn serve(store: Arc<dyn Store>, clock: Arc<FixedClock>) -> String {
    let config = common::tokens::fixture().auth_config();
    let mut state = AppState::new(
        store,
        Auth::new(&config, Arc::new(sesame::clock::SystemClock)),
        Limits::default(),
    );
    state.clock = clock;
    state.log = false;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router(state)).await });
    url
}

/// A device: its accounts and sync state, synced through `HttpTransport`.
struct Device {
    accounts: Vec<StoredAccount>,
    state: SyncState,
    net: HttpTransport,
}

impl Device {
    fn new(url: &str, key: &SyncKey) -> Device {
        let state = SyncState::new(key.clone(), url, "alice");
        let f = common::tokens::fixture();
        let net = HttpTransport::new(url, &f.alice, &state.device, None).unwrap();
        Device {
            accounts: Vec::new(),
            state,
            net,
        }
    }

    async fn sync(&mut self, now_ms: u64) -> RoundReport {
        sync_round(
            &self.net,
            &mut self.accounts,
            &mut self.state,
            now_ms,
            &mut |_: &[StoredAccount], _: &SyncState| Ok(()),
        )
        .await
        .unwrap()
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .accounts
            .iter()
            .map(|a| a.account.name.clone())
            .collect();
        names.sort();
        names
    }
}

fn account(name: &str, seed: u8) -> StoredAccount {
    StoredAccount::new(
        Account::new(
            Some("ACME"),
            name,
            Secret::from_bytes(vec![seed; 20]),
            Params::default(),
        ),
        T0,
    )
}

async fn a_delete_whose_tombstone_was_purged_is_applied_not_undone(store: Arc<dyn Store>) {
    let clock = Arc::new(FixedClock::at_ms(T0));
    let url = serve(store, clock.clone()).await;
    let key = SyncKey::generate();
    let (mut a, mut b) = (Device::new(&url, &key), Device::new(&url, &key));
    a.accounts = vec![account("alice", 1), account("bob", 2), account("carol", 3)];
    assert_eq!(a.sync(T0).await.pushed, 3);
    assert_eq!(b.sync(T0).await.pulled, 3);

    // Day 1: B deletes bob. A does not sync for a while.
    clock.set_ms(T0 + DAY);
    b.accounts.retain(|x| x.account.name != "bob");
    assert_eq!(b.sync(T0 + DAY).await.pushed, 1);

    // Day 92: the tombstone is past its 90 days; B writes (SQLite purges on writes).
    clock.set_ms(T0 + 92 * DAY);
    b.accounts.push(account("dave", 4));
    assert_eq!(b.sync(T0 + 92 * DAY).await.pushed, 1);

    // A's own clock says it synced yesterday, so only the server can tell it missed a
    // delete: it reads everything again, removes bob and takes dave, and pushes nothing.
    let report = a.sync(T0 + DAY).await;
    assert_eq!((report.pushed, report.pulled), (0, 2), "{report:?}");
    assert_eq!(a.names(), ["alice", "carol", "dave"]);
    assert_eq!(a.sync(T0 + DAY).await.pulled, 0);
    assert_eq!(
        b.sync(T0 + 92 * DAY).await,
        RoundReport {
            seq: b.state.seq,
            ..RoundReport::default()
        }
    );
    assert_eq!(a.names(), b.names());

    // Edited on A while its delete from B was purged unseen: the edit wins, carol comes back.
    clock.set_ms(T0 + 93 * DAY);
    b.accounts.retain(|x| x.account.name != "carol");
    b.sync(T0 + 93 * DAY).await;
    clock.set_ms(T0 + 184 * DAY);
    b.accounts.push(account("erin", 5));
    b.sync(T0 + 184 * DAY).await;
    let carol = a
        .accounts
        .iter_mut()
        .find(|x| x.account.name == "carol")
        .unwrap();
    carol.account.name = "carol@work".into();
    let report = a.sync(T0 + 94 * DAY).await;
    assert_eq!(report.pushed, 1, "{report:?}");
    b.sync(T0 + 184 * DAY).await;
    assert_eq!(a.names(), ["alice", "carol@work", "dave", "erin"]);
    assert_eq!(a.names(), b.names());
}

#[test]
fn a_delete_whose_tombstone_was_purged_is_applied_not_undone_on_sqlite() {
    common::tokens::fixture();
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("sync.db")).unwrap());
    common::rt().block_on(a_delete_whose_tombstone_was_purged_is_applied_not_undone(
        store,
    ));
}

#[test]
fn a_delete_whose_tombstone_was_purged_is_applied_not_undone_on_dynamodb() {
    common::tokens::fixture();
    let rt = common::rt();
    let table = rt.block_on(common::table());
    let store = Arc::new(DynamoStore::new(common::dynamodb(), table));
    rt.block_on(a_delete_whose_tombstone_was_purged_is_applied_not_undone(
        store,
    ));
}
