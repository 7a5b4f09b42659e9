//! The AWS engine: one DynamoDB table, one partition per user (`pk = USER#<sub>`), sort
//! keys `KEY`, `SEQ` (the change sequence and the live item count), `ITEM#<id>`,
//! `DEVICE#<id>` and `REQ#<request id>` (a batch's answer, expiring through the table's
//! TTL on `expires`). Items are listed by seq through the local secondary index `by_seq`
//! (sort key `iseq`). Every read is a `GetItem`, `TransactGetItems` or `Query` on one
//! partition; no scans.
//!
//! Tombstones carry `expires` too (90 days after the delete), so the table's TTL purges
//! them; until it does (TTL is days late at times) reads hide the expired ones, and `SEQ`
//! keeps per day the highest tombstone seq ([`TombstoneDays`], attribute `tdays`), which
//! gives each page its `purged`.
//!
//! A batch reads the request id, `SEQ` and its items in one `TransactGetItems`, decides it
//! with [`super::plan`], and writes them in one `TransactWriteItems` whose conditions
//! require `SEQ`, each item and the request id to be as read. Two batches of one user that
//! race both name `SEQ`, so one is cancelled and decided again from a fresh read.

use std::collections::HashMap;

use aws_sdk_dynamodb as ddb;
use ddb::config::{BehaviorVersion, Credentials, Region};
use ddb::error::{DisplayErrorContext, SdkError};
use ddb::operation::query::builders::QueryFluentBuilder;
use ddb::types::{
    AttributeDefinition, AttributeValue, BillingMode, DeleteRequest, Get, KeySchemaElement,
    KeyType, LocalSecondaryIndex, Projection, ProjectionType, Put, ScalarAttributeType,
    TimeToLiveSpecification, TransactGetItem, TransactWriteItem, WriteRequest,
};
use serde_json::Value;

use super::tombstones::{TOMBSTONE_TTL_MS, TombstoneDays, expired};
use super::{
    Batch, BatchOutcome, BoxFuture, Counters, DeviceStatus, KeyWrite, LAST_SEEN_EVERY_MS,
    REQUEST_TTL_MS, Store, StoreError,
};
use crate::wire::{Blob, Device, Item, ItemsApplied, ItemsPage, KeyRecord};

/// The local secondary index listing a user's items by seq.
pub const SEQ_INDEX: &str = "by_seq";
/// How often a batch is decided again after losing a race with another of the user's.
const ATTEMPTS: usize = 8;
/// The most deletes in one `BatchWriteItem`.
const DELETES_PER_BATCH: usize = 25;
/// How often `BatchWriteItem`'s unprocessed deletes are sent again before giving up.
const UNPROCESSED_ATTEMPTS: u32 = 10;

type Attrs = HashMap<String, AttributeValue>;

fn failed(reason: impl std::fmt::Display) -> StoreError {
    StoreError {
        engine: "dynamodb",
        reason: reason.to_string(),
    }
}

fn sdk_failed<E, R>(e: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    failed(DisplayErrorContext(e))
}

/// Where the table is and how to reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DynamoConfig {
    /// The table name.
    pub table: String,
    /// Its region.
    pub region: String,
    /// Another endpoint than AWS's (DynamoDB Local, an emulator).
    pub endpoint: Option<String>,
}

/// The DynamoDB engine.
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: ddb::Client,
    table: String,
}

/// A client for `config`, with credentials from `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` (what Lambda sets for its role).
pub fn client(config: &DynamoConfig) -> Result<ddb::Client, StoreError> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) else {
        return Err(failed(
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones)",
        ));
    };
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
            aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut sdk = ddb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(config.region.clone()))
        .credentials_provider(Credentials::new(
            id,
            secret,
            var("AWS_SESSION_TOKEN"),
            None,
            "environment",
        ))
        .http_client(http);
    sdk.set_endpoint_url(config.endpoint.clone());
    Ok(ddb::Client::from_conf(sdk.build()))
}

/// Creates the table (on-demand billing, the `by_seq` index, TTL on `expires`) and waits
/// until it is active.
pub async fn create_table(client: &ddb::Client, table: &str) -> Result<(), StoreError> {
    let attr = |name: &str, kind: ScalarAttributeType| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(kind)
            .build()
            .map_err(failed)
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .map_err(failed)
    };
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk", ScalarAttributeType::S)?)
        .attribute_definitions(attr("sk", ScalarAttributeType::S)?)
        .attribute_definitions(attr("iseq", ScalarAttributeType::N)?)
        .key_schema(key("pk", KeyType::Hash)?)
        .key_schema(key("sk", KeyType::Range)?)
        .local_secondary_indexes(
            LocalSecondaryIndex::builder()
                .index_name(SEQ_INDEX)
                .key_schema(key("pk", KeyType::Hash)?)
                .key_schema(key("iseq", KeyType::Range)?)
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::All)
                        .build(),
                )
                .build()
                .map_err(failed)?,
        )
        .send()
        .await
        .map_err(sdk_failed)?;
    for _ in 0..600 {
        let described = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(sdk_failed)?;
        let active = described
            .table()
            .and_then(|t| t.table_status())
            .is_some_and(|s| s.as_str() == "ACTIVE");
        if active {
            client
                .update_time_to_live()
                .table_name(table)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .enabled(true)
                        .attribute_name("expires")
                        .build()
                        .map_err(failed)?,
                )
                .send()
                .await
                .map_err(sdk_failed)?;
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(failed(format!(
        "table {table} did not become active in a minute"
    )))
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: u64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn get_s(attrs: &Attrs, name: &str) -> Result<String, StoreError> {
    attrs
        .get(name)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .ok_or_else(|| failed(format!("a record has no text attribute {name}")))
}

fn get_n(attrs: &Attrs, name: &str) -> Result<u64, StoreError> {
    attrs
        .get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| failed(format!("a record has no number attribute {name}")))
}

fn get_bool(attrs: &Attrs, name: &str) -> bool {
    attrs
        .get(name)
        .and_then(|v| v.as_bool().ok())
        .copied()
        .unwrap_or(false)
}

fn pk(sub: &str) -> AttributeValue {
    s(format!("USER#{sub}"))
}

fn key_of(sub: &str, sk: String) -> Attrs {
    HashMap::from([("pk".to_owned(), pk(sub)), ("sk".to_owned(), s(sk))])
}

fn item_from(attrs: &Attrs) -> Result<Item, StoreError> {
    Ok(Item {
        id: get_s(attrs, "id")?,
        version: get_n(attrs, "version")?,
        seq: get_n(attrs, "iseq")?,
        deleted: get_bool(attrs, "deleted"),
        data: attrs
            .get("data")
            .and_then(|v| v.as_b().ok())
            .map(|b| Blob(b.clone().into_inner())),
        modified: get_n(attrs, "modified")?,
        device: get_s(attrs, "device")?,
    })
}

fn item_attrs(sub: &str, item: &Item) -> Attrs {
    let mut attrs = key_of(sub, format!("ITEM#{}", item.id));
    attrs.insert("id".into(), s(&item.id));
    attrs.insert("version".into(), n(item.version));
    attrs.insert("iseq".into(), n(item.seq));
    attrs.insert("deleted".into(), AttributeValue::Bool(item.deleted));
    if let Some(data) = &item.data {
        attrs.insert(
            "data".into(),
            AttributeValue::B(ddb::primitives::Blob::new(data.0.clone())),
        );
    }
    attrs.insert("modified".into(), n(item.modified));
    attrs.insert("device".into(), s(&item.device));
    if item.deleted {
        // The table's TTL (seconds) purges the tombstone once its 90 days are over.
        attrs.insert(
            "expires".into(),
            n((item.modified + TOMBSTONE_TTL_MS).div_ceil(1000)),
        );
    }
    attrs
}

/// The tombstone days kept on a `SEQ` record.
fn tombstone_days(attrs: &Attrs) -> Result<TombstoneDays, StoreError> {
    match attrs.get("tdays").and_then(|v| v.as_s().ok()) {
        Some(json) => serde_json::from_str(json).map_err(failed),
        None => Ok(TombstoneDays::default()),
    }
}

fn key_from(attrs: &Attrs) -> Result<KeyRecord, StoreError> {
    Ok(KeyRecord {
        version: get_n(attrs, "version")?,
        key: serde_json::from_str(&get_s(attrs, "body")?).map_err(failed)?,
        updated: get_n(attrs, "updated")?,
    })
}

fn device_from(attrs: &Attrs) -> Result<Device, StoreError> {
    Ok(Device {
        id: get_s(attrs, "id")?,
        name: attrs.get("name").and_then(|v| v.as_s().ok()).cloned(),
        first_seen: get_n(attrs, "first_seen")?,
        last_seen: get_n(attrs, "last_seen")?,
        revoked: get_bool(attrs, "revoked"),
    })
}

/// Every record `query` finds, page after page.
async fn query_all(query: QueryFluentBuilder) -> Result<Vec<Attrs>, StoreError> {
    let mut found = Vec::new();
    let mut start = None;
    loop {
        let out = query
            .clone()
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(sdk_failed)?;
        found.extend(out.items.unwrap_or_default());
        start = out.last_evaluated_key;
        if start.is_none() {
            return Ok(found);
        }
    }
}

fn put(
    table: &str,
    item: Attrs,
    condition: &str,
    values: Attrs,
) -> Result<TransactWriteItem, StoreError> {
    let mut put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(condition);
    if !values.is_empty() {
        put = put.set_expression_attribute_values(Some(values));
    }
    Ok(TransactWriteItem::builder()
        .put(put.build().map_err(failed)?)
        .build())
}

impl DynamoStore {
    /// The engine over `table` through `client`.
    pub fn new(client: ddb::Client, table: impl Into<String>) -> DynamoStore {
        DynamoStore {
            client,
            table: table.into(),
        }
    }

    async fn get(&self, sub: &str, sk: String) -> Result<Option<Attrs>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_of(sub, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_failed)?;
        Ok(out.item)
    }

    async fn get_key(&self, sub: &str) -> Result<Option<KeyRecord>, StoreError> {
        self.get(sub, "KEY".into())
            .await?
            .as_ref()
            .map(key_from)
            .transpose()
    }

    async fn put_key(
        &self,
        sub: &str,
        replaces: Option<u64>,
        key: &Value,
        now: u64,
    ) -> Result<KeyWrite, StoreError> {
        let version = replaces.map_or(1, |v| v + 1);
        let mut record = key_of(sub, "KEY".into());
        record.insert("version".into(), n(version));
        record.insert("body".into(), s(key.to_string()));
        record.insert("updated".into(), n(now));
        let mut request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(record));
        request = match replaces {
            None => request.condition_expression("attribute_not_exists(pk)"),
            Some(current) => request
                .condition_expression("version = :v")
                .expression_attribute_values(":v", n(current)),
        };
        match request.send().await {
            Ok(_) => Ok(KeyWrite::Written(version)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(match (replaces, self.get_key(sub).await?) {
                    (None, Some(current)) => KeyWrite::Exists(current),
                    (Some(_), Some(current)) => KeyWrite::Stale(current),
                    (_, None) => KeyWrite::Missing,
                })
            }
            Err(e) => Err(sdk_failed(e)),
        }
    }

    async fn items(
        &self,
        sub: &str,
        since: u64,
        limit: u32,
        now: u64,
    ) -> Result<ItemsPage, StoreError> {
        // `SEQ` first: a batch writes it with its items in one transaction, so every item
        // up to this seq is there for the query that follows.
        let (current, days) = match self.get(sub, "SEQ".into()).await? {
            Some(attrs) => (get_n(&attrs, "seq")?, tombstone_days(&attrs)?),
            None => (0, TombstoneDays::default()),
        };
        let mut page = self.items_page(sub, since, limit, current).await?;
        // Past their 90 days but not purged by the TTL yet: gone all the same (`purged`
        // covers them, and `seq` still moves past them).
        page.items
            .retain(|item| !(item.deleted && expired(item.modified, now)));
        page.purged = days.horizon(now);
        Ok(page)
    }

    /// A page of the `by_seq` index.
    async fn items_page(
        &self,
        sub: &str,
        since: u64,
        limit: u32,
        current: u64,
    ) -> Result<ItemsPage, StoreError> {
        let want = limit as usize + 1;
        let mut candidates = Vec::new();
        let mut bytes = 0;
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(SEQ_INDEX)
                .key_condition_expression("pk = :pk AND iseq > :since")
                .expression_attribute_values(":pk", pk(sub))
                .expression_attribute_values(":since", n(since))
                .consistent_read(true)
                .limit((want - candidates.len()) as i32)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(sdk_failed)?;
            for attrs in out.items() {
                let item = item_from(attrs)?;
                bytes += item.data.as_ref().map_or(0, |d| d.0.len());
                candidates.push(item);
            }
            start = out.last_evaluated_key;
            if start.is_none() || candidates.len() >= want || bytes > super::PAGE_BYTES {
                break;
            }
        }
        Ok(super::page(candidates, limit, current))
    }

    async fn apply(&self, batch: &Batch) -> Result<BatchOutcome, StoreError> {
        for _ in 0..ATTEMPTS {
            match self.try_apply(batch).await? {
                Some(outcome) => return Ok(outcome),
                None => continue,
            }
        }
        Err(failed(
            "a batch lost the race with other batches of the same user too often",
        ))
    }

    /// One read-decide-write round; `None` when the write lost a race.
    async fn try_apply(&self, batch: &Batch) -> Result<Option<BatchOutcome>, StoreError> {
        let sub = batch.sub.as_str();
        let get = |sk: String| -> Result<TransactGetItem, StoreError> {
            Ok(TransactGetItem::builder()
                .get(
                    Get::builder()
                        .table_name(&self.table)
                        .set_key(Some(key_of(sub, sk)))
                        .build()
                        .map_err(failed)?,
                )
                .build())
        };
        let mut gets = vec![
            get(format!("REQ#{}", batch.request_id))?,
            get("SEQ".into())?,
        ];
        for change in &batch.changes {
            gets.push(get(format!("ITEM#{}", change.id))?);
        }
        let read = self
            .client
            .transact_get_items()
            .set_transact_items(Some(gets))
            .send()
            .await
            .map_err(sdk_failed)?;
        let responses = read.responses();
        if responses.len() != batch.changes.len() + 2 {
            return Err(failed(
                "TransactGetItems answered with another number of items",
            ));
        }
        if let Some(seen) = responses[0].item() {
            let answer: ItemsApplied =
                serde_json::from_str(&get_s(seen, "answer")?).map_err(failed)?;
            return Ok(Some(BatchOutcome::Applied(answer)));
        }
        let counters = match responses[1].item() {
            Some(attrs) => Counters {
                seq: get_n(attrs, "seq")?,
                live: get_n(attrs, "live")?,
            },
            None => Counters::default(),
        };
        // A tombstone past its 90 days that the TTL has not purged yet is gone already.
        let current = responses[2..]
            .iter()
            .map(|r| r.item().map(item_from).transpose())
            .map(|item| item.map(|i| i.filter(|i| !(i.deleted && expired(i.modified, batch.now)))))
            .collect::<Result<Vec<_>, _>>()?;
        let mut days = match responses[1].item() {
            Some(attrs) => tombstone_days(attrs)?,
            None => TombstoneDays::default(),
        };
        let plan = match super::plan(batch, &current, counters) {
            Ok(plan) => plan,
            Err(refused) => return Ok(Some(refused)),
        };
        let mut writes = Vec::with_capacity(plan.writes.len() + 2);
        let mut seq_record = key_of(sub, "SEQ".into());
        seq_record.insert("seq".into(), n(plan.counters.seq));
        seq_record.insert("live".into(), n(plan.counters.live));
        for item in plan.writes.iter().filter(|i| i.deleted) {
            days.record(batch.now, item.seq);
        }
        days.fold(batch.now);
        seq_record.insert(
            "tdays".into(),
            s(serde_json::to_string(&days).map_err(failed)?),
        );
        writes.push(if counters.seq == 0 && responses[1].item().is_none() {
            put(
                &self.table,
                seq_record,
                "attribute_not_exists(pk)",
                Attrs::new(),
            )?
        } else {
            put(
                &self.table,
                seq_record,
                "seq = :seq",
                HashMap::from([(":seq".to_owned(), n(counters.seq))]),
            )?
        });
        for (item, change) in plan.writes.iter().zip(&batch.changes) {
            let attrs = item_attrs(sub, item);
            writes.push(if change.replaces == 0 {
                put(
                    &self.table,
                    attrs,
                    "attribute_not_exists(pk) OR (deleted = :yes AND modified < :cutoff)",
                    HashMap::from([
                        (":yes".to_owned(), AttributeValue::Bool(true)),
                        (
                            ":cutoff".to_owned(),
                            n(batch.now.saturating_sub(TOMBSTONE_TTL_MS)),
                        ),
                    ]),
                )?
            } else {
                put(
                    &self.table,
                    attrs,
                    "version = :v",
                    HashMap::from([(":v".to_owned(), n(change.replaces))]),
                )?
            });
        }
        let mut request = key_of(sub, format!("REQ#{}", batch.request_id));
        request.insert(
            "answer".into(),
            s(serde_json::to_string(&plan.answer).map_err(failed)?),
        );
        request.insert("expires".into(), n((batch.now + REQUEST_TTL_MS) / 1000));
        writes.push(put(
            &self.table,
            request,
            "attribute_not_exists(pk)",
            Attrs::new(),
        )?);
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
        {
            Ok(_) => Ok(Some(BatchOutcome::Applied(plan.answer))),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_transaction_canceled_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(sdk_failed(e)),
        }
    }

    async fn touch_device(
        &self,
        sub: &str,
        device: &str,
        name: Option<String>,
        now: u64,
    ) -> Result<DeviceStatus, StoreError> {
        let sk = format!("DEVICE#{device}");
        match self.get(sub, sk.clone()).await? {
            None => {
                let mut record = key_of(sub, sk);
                record.insert("id".into(), s(device));
                if let Some(name) = name {
                    record.insert("name".into(), s(name));
                }
                record.insert("first_seen".into(), n(now));
                record.insert("last_seen".into(), n(now));
                record.insert("revoked".into(), AttributeValue::Bool(false));
                let put = self
                    .client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(record))
                    .condition_expression("attribute_not_exists(pk)")
                    .send()
                    .await;
                match put {
                    Ok(_) => Ok(DeviceStatus::Active),
                    // Recorded by a concurrent first request.
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                    {
                        Ok(DeviceStatus::Active)
                    }
                    Err(e) => Err(sdk_failed(e)),
                }
            }
            Some(attrs) if get_bool(&attrs, "revoked") => Ok(DeviceStatus::Revoked),
            Some(attrs) => {
                let last_seen = get_n(&attrs, "last_seen")?;
                let old_name = attrs.get("name").and_then(|v| v.as_s().ok());
                let renamed = name.is_some() && name.as_ref() != old_name;
                if now.saturating_sub(last_seen) >= LAST_SEEN_EVERY_MS || renamed {
                    let mut update = self
                        .client
                        .update_item()
                        .table_name(&self.table)
                        .set_key(Some(key_of(sub, sk)))
                        .condition_expression("revoked = :no")
                        .expression_attribute_values(":no", AttributeValue::Bool(false))
                        .expression_attribute_values(":now", n(now));
                    update = match name {
                        Some(name) => update
                            .update_expression("SET last_seen = :now, #name = :name")
                            .expression_attribute_names("#name", "name")
                            .expression_attribute_values(":name", s(name)),
                        None => update.update_expression("SET last_seen = :now"),
                    };
                    match update.send().await {
                        Ok(_) => {}
                        Err(e)
                            if e.as_service_error()
                                .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                        {
                            return Ok(DeviceStatus::Revoked);
                        }
                        Err(e) => return Err(sdk_failed(e)),
                    }
                }
                Ok(DeviceStatus::Active)
            }
        }
    }

    async fn devices(&self, sub: &str) -> Result<Vec<Device>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :device)")
            .expression_attribute_values(":pk", pk(sub))
            .expression_attribute_values(":device", s("DEVICE#"))
            .consistent_read(true);
        let mut devices = query_all(query)
            .await?
            .iter()
            .map(device_from)
            .collect::<Result<Vec<_>, _>>()?;
        devices.sort_by(|a, b| (a.first_seen, &a.id).cmp(&(b.first_seen, &b.id)));
        Ok(devices)
    }

    async fn revoke_device(&self, sub: &str, device: &str) -> Result<bool, StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_of(sub, format!("DEVICE#{device}"))))
            .update_expression("SET revoked = :yes")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .send()
            .await;
        match update {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(sdk_failed(e)),
        }
    }
}

impl DynamoStore {
    /// Deletes the user's partition: `KEY` first (so no device unwraps it any more), then
    /// every record a `Query` of the partition finds, in `BatchWriteItem`s of 25, until a
    /// query finds nothing (records written meanwhile go too).
    async fn delete_user(&self, sub: &str) -> Result<u64, StoreError> {
        let mut deleted = 0;
        if self.get(sub, "KEY".into()).await?.is_some() {
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(key_of(sub, "KEY".into())))
                .send()
                .await
                .map_err(sdk_failed)?;
            deleted += 1;
        }
        loop {
            let query = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", pk(sub))
                .projection_expression("pk, sk")
                .consistent_read(true);
            let keys = query_all(query).await?;
            if keys.is_empty() {
                return Ok(deleted);
            }
            for chunk in keys.chunks(DELETES_PER_BATCH) {
                let requests = chunk
                    .iter()
                    .map(|key| {
                        Ok(WriteRequest::builder()
                            .delete_request(
                                DeleteRequest::builder()
                                    .set_key(Some(key.clone()))
                                    .build()
                                    .map_err(failed)?,
                            )
                            .build())
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                self.delete_batch(requests).await?;
                deleted += chunk.len() as u64;
            }
        }
    }

    /// One `BatchWriteItem` of deletes, sending what DynamoDB left unprocessed again.
    async fn delete_batch(&self, mut requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        for attempt in 0..UNPROCESSED_ATTEMPTS {
            let out = self
                .client
                .batch_write_item()
                .request_items(&self.table, requests)
                .send()
                .await
                .map_err(sdk_failed)?;
            requests = out
                .unprocessed_items
                .and_then(|mut left| left.remove(&self.table))
                .unwrap_or_default();
            if requests.is_empty() {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50 << attempt.min(5))).await;
        }
        Err(failed(
            "DynamoDB kept leaving deletes unprocessed (throttled); try again",
        ))
    }
}

impl Store for DynamoStore {
    fn kind(&self) -> &'static str {
        "dynamodb"
    }

    fn get_key(&self, sub: String) -> BoxFuture<'_, Result<Option<KeyRecord>, StoreError>> {
        Box::pin(async move { DynamoStore::get_key(self, &sub).await })
    }

    fn put_key(
        &self,
        sub: String,
        replaces: Option<u64>,
        key: Value,
        now: u64,
    ) -> BoxFuture<'_, Result<KeyWrite, StoreError>> {
        Box::pin(async move { DynamoStore::put_key(self, &sub, replaces, &key, now).await })
    }

    fn items(
        &self,
        sub: String,
        since: u64,
        limit: u32,
        now: u64,
    ) -> BoxFuture<'_, Result<ItemsPage, StoreError>> {
        Box::pin(async move { DynamoStore::items(self, &sub, since, limit, now).await })
    }

    fn apply(&self, batch: Batch) -> BoxFuture<'_, Result<BatchOutcome, StoreError>> {
        Box::pin(async move { DynamoStore::apply(self, &batch).await })
    }

    fn touch_device(
        &self,
        sub: String,
        device: String,
        name: Option<String>,
        now: u64,
    ) -> BoxFuture<'_, Result<DeviceStatus, StoreError>> {
        Box::pin(async move { DynamoStore::touch_device(self, &sub, &device, name, now).await })
    }

    fn devices(&self, sub: String) -> BoxFuture<'_, Result<Vec<Device>, StoreError>> {
        Box::pin(async move { DynamoStore::devices(self, &sub).await })
    }

    fn revoke_device(
        &self,
        sub: String,
        device: String,
    ) -> BoxFuture<'_, Result<bool, StoreError>> {
        Box::pin(async move { DynamoStore::revoke_device(self, &sub, &device).await })
    }

    fn delete_user(&self, sub: String) -> BoxFuture<'_, Result<u64, StoreError>> {
        Box::pin(async move { DynamoStore::delete_user(self, &sub).await })
    }
}
