//! The embedded engine: one SQLite file (bundled SQLite, WAL), two connections used from
//! tokio's blocking pool (one writes; one, `query_only`, reads), every batch in one `IMMEDIATE` transaction (the seq, the items and
//! the request id together). A user's tombstones past their 90 days are purged in the
//! transaction of the user's next batch, and `users.purged` keeps the highest seq purged.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;

use super::tombstones::TOMBSTONE_TTL_MS;
use super::{
    Batch, BatchOutcome, BoxFuture, Counters, DeviceStatus, KeyWrite, LAST_SEEN_EVERY_MS,
    REQUEST_TTL_MS, Store, StoreError,
};
use crate::wire::{Blob, Device, Item, ItemsApplied, ItemsPage, KeyRecord};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS users (
  sub TEXT PRIMARY KEY, seq INTEGER NOT NULL, live INTEGER NOT NULL,
  purged INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS keys (
  sub TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL, updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS items (
  sub TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, seq INTEGER NOT NULL,
  deleted INTEGER NOT NULL, data BLOB, modified INTEGER NOT NULL, device TEXT NOT NULL,
  PRIMARY KEY (sub, id));
CREATE INDEX IF NOT EXISTS items_by_seq ON items (sub, seq);
CREATE INDEX IF NOT EXISTS tombstones_by_age ON items (sub, modified) WHERE deleted = 1;
CREATE TABLE IF NOT EXISTS devices (
  sub TEXT NOT NULL, id TEXT NOT NULL, name TEXT, first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL, revoked INTEGER NOT NULL, PRIMARY KEY (sub, id));
CREATE TABLE IF NOT EXISTS requests (
  sub TEXT NOT NULL, id TEXT NOT NULL, answer TEXT NOT NULL, created INTEGER NOT NULL,
  PRIMARY KEY (sub, id));
CREATE INDEX IF NOT EXISTS requests_by_age ON requests (created);
";

/// The SQLite engine: one connection writes, another reads (WAL lets reads go on while a
/// write waits for its fsync).
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    reader: Arc<Mutex<Connection>>,
}

fn failed(reason: impl std::fmt::Display) -> StoreError {
    StoreError {
        engine: "sqlite",
        reason: reason.to_string(),
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)
            .map_err(|e| failed(format!("cannot open {}: {e}", path.display())))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(failed)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(failed)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(failed(format!(
                "{} cannot use write-ahead logging (journal mode {mode})",
                path.display()
            )));
        }
        // An answered batch survives a power cut; deleted records (a user's data, purged
        // tombstones) are overwritten with zeros, not left in free pages.
        conn.execute_batch(
            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;",
        )
        .map_err(failed)?;
        conn.execute_batch(SCHEMA).map_err(failed)?;
        // Databases made before tombstones were purged lack the column.
        let has_purged: bool = conn
            .query_row(
                "SELECT COUNT(*) FROM pragma_table_info('users') WHERE name = 'purged'",
                [],
                |r| r.get(0),
            )
            .map_err(failed)?;
        if !has_purged {
            conn.execute_batch("ALTER TABLE users ADD COLUMN purged INTEGER NOT NULL DEFAULT 0")
                .map_err(failed)?;
        }
        let reader = Connection::open(path)
            .map_err(|e| failed(format!("cannot open {}: {e}", path.display())))?;
        reader
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(failed)?;
        reader
            .execute_batch("PRAGMA query_only = ON;")
            .map_err(failed)?;
        Ok(SqliteStore {
            conn: Arc::new(Mutex::new(conn)),
            reader: Arc::new(Mutex::new(reader)),
        })
    }

    /// Runs `f` with the writing connection on the blocking pool.
    fn run<T, F>(&self, f: F) -> BoxFuture<'static, Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        Self::on(self.conn.clone(), f)
    }

    /// Runs `f` with the reading connection (`query_only`) on the blocking pool.
    fn read<T, F>(&self, f: F) -> BoxFuture<'static, Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        Self::on(self.reader.clone(), f)
    }

    fn on<T, F>(conn: Arc<Mutex<Connection>>, f: F) -> BoxFuture<'static, Result<T, StoreError>>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                f(&mut conn)
            })
            .await
            .map_err(failed)?
            .map_err(failed)
        })
    }
}

fn item_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let data: Option<Vec<u8>> = row.get("data")?;
    Ok(Item {
        id: row.get("id")?,
        version: row.get::<_, i64>("version")? as u64,
        seq: row.get::<_, i64>("seq")? as u64,
        deleted: row.get("deleted")?,
        data: data.map(Blob),
        modified: row.get::<_, i64>("modified")? as u64,
        device: row.get("device")?,
    })
}

fn get_key(conn: &Connection, sub: &str) -> rusqlite::Result<Option<KeyRecord>> {
    conn.query_row(
        "SELECT version, body, updated FROM keys WHERE sub = ?1",
        [sub],
        |r| {
            let body: String = r.get(1)?;
            Ok(KeyRecord {
                version: r.get::<_, i64>(0)? as u64,
                key: serde_json::from_str(&body).unwrap_or(Value::Null),
                updated: r.get::<_, i64>(2)? as u64,
            })
        },
    )
    .optional()
}

fn counters(conn: &Connection, sub: &str) -> rusqlite::Result<Counters> {
    Ok(conn
        .query_row("SELECT seq, live FROM users WHERE sub = ?1", [sub], |r| {
            Ok(Counters {
                seq: r.get::<_, i64>(0)? as u64,
                live: r.get::<_, i64>(1)? as u64,
            })
        })
        .optional()?
        .unwrap_or_default())
}

/// The highest seq of the user's purged tombstones so far.
fn purged(conn: &Connection, sub: &str) -> rusqlite::Result<u64> {
    Ok(conn
        .query_row("SELECT purged FROM users WHERE sub = ?1", [sub], |r| {
            r.get::<_, i64>(0)
        })
        .optional()?
        .unwrap_or(0) as u64)
}

/// Deletes the user's tombstones past their 90 days at `now`; returns the highest seq
/// purged so far (the caller stores it in `users.purged`).
fn purge_tombstones(conn: &Connection, sub: &str, now: u64) -> rusqlite::Result<u64> {
    let before = purged(conn, sub)?;
    let cutoff = now.saturating_sub(TOMBSTONE_TTL_MS).min(i64::MAX as u64) as i64;
    let highest: Option<i64> = conn.query_row(
        "SELECT MAX(seq) FROM items WHERE sub = ?1 AND deleted = 1 AND modified < ?2",
        params![sub, cutoff],
        |r| r.get(0),
    )?;
    let Some(highest) = highest else {
        return Ok(before);
    };
    conn.execute(
        "DELETE FROM items WHERE sub = ?1 AND deleted = 1 AND modified < ?2",
        params![sub, cutoff],
    )?;
    Ok(before.max(highest as u64))
}

fn apply(conn: &mut Connection, batch: &Batch) -> rusqlite::Result<BatchOutcome> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let seen: Option<String> = tx
        .query_row(
            "SELECT answer FROM requests WHERE sub = ?1 AND id = ?2",
            [&batch.sub, &batch.request_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(answer) = seen.and_then(|a| serde_json::from_str::<ItemsApplied>(&a).ok()) {
        return Ok(BatchOutcome::Applied(answer));
    }
    let purged = purge_tombstones(&tx, &batch.sub, batch.now)?;
    let before = counters(&tx, &batch.sub)?;
    let mut current = Vec::with_capacity(batch.changes.len());
    {
        let mut stmt = tx.prepare_cached("SELECT * FROM items WHERE sub = ?1 AND id = ?2")?;
        for change in &batch.changes {
            current.push(
                stmt.query_row([&batch.sub, &change.id], item_from_row)
                    .optional()?,
            );
        }
    }
    let plan = match super::plan(batch, &current, before) {
        Ok(plan) => plan,
        Err(refused) => return Ok(refused),
    };
    {
        let mut put = tx.prepare_cached(
            "INSERT OR REPLACE INTO items (sub, id, version, seq, deleted, data, modified, device)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for item in &plan.writes {
            put.execute(params![
                batch.sub,
                item.id,
                item.version as i64,
                item.seq as i64,
                item.deleted,
                item.data.as_ref().map(|d| d.0.as_slice()),
                item.modified as i64,
                item.device,
            ])?;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO users (sub, seq, live, purged) VALUES (?1, ?2, ?3, ?4)",
        params![
            batch.sub,
            plan.counters.seq as i64,
            plan.counters.live as i64,
            purged as i64
        ],
    )?;
    let answer = serde_json::to_string(&plan.answer).expect("an answer serializes");
    tx.execute(
        "INSERT INTO requests (sub, id, answer, created) VALUES (?1, ?2, ?3, ?4)",
        params![batch.sub, batch.request_id, answer, batch.now as i64],
    )?;
    tx.execute(
        "DELETE FROM requests WHERE created < ?1",
        [batch.now.saturating_sub(REQUEST_TTL_MS) as i64],
    )?;
    tx.commit()?;
    Ok(BatchOutcome::Applied(plan.answer))
}

type DeviceRow = (bool, i64, Option<String>);

fn device_row(conn: &Connection, sub: &str, device: &str) -> rusqlite::Result<Option<DeviceRow>> {
    conn.query_row(
        "SELECT revoked, last_seen, name FROM devices WHERE sub = ?1 AND id = ?2",
        [sub, device],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

/// Records the device, or refreshes its `last_seen` and name; says whether it is revoked.
fn touch(
    conn: &Connection,
    sub: &str,
    device: &str,
    name: Option<String>,
    now: u64,
) -> rusqlite::Result<DeviceStatus> {
    match device_row(conn, sub, device)? {
        None => {
            conn.execute(
                "INSERT OR IGNORE INTO devices (sub, id, name, first_seen, last_seen, revoked)
                 VALUES (?1, ?2, ?3, ?4, ?4, 0)",
                params![sub, device, name, now as i64],
            )?;
            Ok(DeviceStatus::Active)
        }
        Some((true, _, _)) => Ok(DeviceStatus::Revoked),
        Some((false, last_seen, old_name)) => {
            let stale = now.saturating_sub(last_seen as u64) >= LAST_SEEN_EVERY_MS;
            let renamed = name.is_some() && name != old_name;
            if stale || renamed {
                conn.execute(
                    "UPDATE devices SET last_seen = ?3, name = COALESCE(?4, name)
                     WHERE sub = ?1 AND id = ?2 AND revoked = 0",
                    params![sub, device, now as i64, name],
                )?;
            }
            Ok(DeviceStatus::Active)
        }
    }
}

impl Store for SqliteStore {
    fn kind(&self) -> &'static str {
        "sqlite"
    }

    fn get_key(&self, sub: String) -> BoxFuture<'_, Result<Option<KeyRecord>, StoreError>> {
        self.read(move |conn| get_key(conn, &sub))
    }

    fn put_key(
        &self,
        sub: String,
        replaces: Option<u64>,
        key: Value,
        now: u64,
    ) -> BoxFuture<'_, Result<KeyWrite, StoreError>> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let current = get_key(&tx, &sub)?;
            let version = match (replaces, current) {
                (None, Some(current)) => return Ok(KeyWrite::Exists(current)),
                (Some(_), None) => return Ok(KeyWrite::Missing),
                (Some(wanted), Some(current)) if wanted != current.version => {
                    return Ok(KeyWrite::Stale(current));
                }
                (Some(wanted), Some(_)) => wanted + 1,
                (None, None) => 1,
            };
            tx.execute(
                "INSERT OR REPLACE INTO keys (sub, version, body, updated) VALUES (?1, ?2, ?3, ?4)",
                params![sub, version as i64, key.to_string(), now as i64],
            )?;
            tx.commit()?;
            Ok(KeyWrite::Written(version))
        })
    }

    fn items(
        &self,
        sub: String,
        since: u64,
        limit: u32,
        _now: u64,
    ) -> BoxFuture<'_, Result<ItemsPage, StoreError>> {
        // Tombstones are purged by writes (`purge_tombstones`), so what is stored is
        // what is listed; `purged` says what went.
        self.read(move |conn| {
            let tx = conn.transaction()?;
            let candidates = {
                let mut stmt = tx.prepare_cached(
                    "SELECT * FROM items WHERE sub = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
                )?;
                stmt.query_map(
                    params![sub, since.min(i64::MAX as u64) as i64, i64::from(limit) + 1],
                    item_from_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?
            };
            let current = counters(&tx, &sub)?.seq;
            let mut page = super::page(candidates, limit, current);
            page.purged = purged(&tx, &sub)?;
            Ok(page)
        })
    }

    fn apply(&self, batch: Batch) -> BoxFuture<'_, Result<BatchOutcome, StoreError>> {
        self.run(move |conn| apply(conn, &batch))
    }

    fn touch_device(
        &self,
        sub: String,
        device: String,
        name: Option<String>,
        now: u64,
    ) -> BoxFuture<'_, Result<DeviceStatus, StoreError>> {
        Box::pin(async move {
            // Most requests only read; the writing connection is taken when a device is
            // new, renamed or last seen over a minute ago.
            let (s, d) = (sub.clone(), device.clone());
            let known = self.read(move |conn| device_row(conn, &s, &d)).await?;
            match &known {
                Some((true, _, _)) => return Ok(DeviceStatus::Revoked),
                Some((false, last_seen, old_name))
                    if now.saturating_sub(*last_seen as u64) < LAST_SEEN_EVERY_MS
                        && (name.is_none() || &name == old_name) =>
                {
                    return Ok(DeviceStatus::Active);
                }
                _ => {}
            }
            self.run(move |conn| touch(conn, &sub, &device, name, now))
                .await
        })
    }

    fn devices(&self, sub: String) -> BoxFuture<'_, Result<Vec<Device>, StoreError>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, name, first_seen, last_seen, revoked FROM devices
                 WHERE sub = ?1 ORDER BY first_seen, id",
            )?;
            stmt.query_map([&sub], |r| {
                Ok(Device {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    first_seen: r.get::<_, i64>(2)? as u64,
                    last_seen: r.get::<_, i64>(3)? as u64,
                    revoked: r.get(4)?,
                })
            })?
            .collect()
        })
    }

    fn revoke_device(
        &self,
        sub: String,
        device: String,
    ) -> BoxFuture<'_, Result<bool, StoreError>> {
        self.run(move |conn| {
            Ok(conn.execute(
                "UPDATE devices SET revoked = 1 WHERE sub = ?1 AND id = ?2",
                [&sub, &device],
            )? > 0)
        })
    }

    fn delete_user(&self, sub: String) -> BoxFuture<'_, Result<u64, StoreError>> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut deleted = 0;
            for table in ["keys", "items", "devices", "requests", "users"] {
                deleted += tx.execute(&format!("DELETE FROM {table} WHERE sub = ?1"), [&sub])?;
            }
            tx.commit()?;
            // The write-ahead log still holds the pages as they were: fold it into the
            // database and empty it, so no copy of the user's records is left.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(deleted as u64)
        })
    }
}
