//! The DynamoDB adapter: the only code that knows DynamoDB. Items are stored with their
//! attributes at the top level (readable in the console), `pk`/`sk` as the key and
//! `expiresAt` as the table's TTL attribute.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, KeysAndAttributes,
    ScalarAttributeType, TableDescription, TableStatus, TimeToLiveSpecification,
};
use serde_json::{Map, Value};

use super::{Condition, Item, Page, Query, Store, StoreError, now_secs};

/// Why [`DynamoStore::ensure_table`] could not give a store on the table.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The table exists with another key: its first write would fail, so it is refused at start.
    #[error("DynamoDB table {table} is keyed {found}, not {wanted} as template.yaml lays it out")]
    Layout {
        table: String,
        found: String,
        wanted: String,
    },
    /// DynamoDB could not be reached or refused a call.
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
}

const PK: &str = "pk";
const SK: &str = "sk";
const EXPIRES_AT: &str = "expiresAt";
/// A live item: no TTL, or a TTL still ahead (expired items linger until DynamoDB deletes them).
const LIVE: &str = "(attribute_not_exists(expiresAt) OR expiresAt > :now)";

fn backend<E: ProvideErrorMetadata + std::fmt::Debug>(err: SdkError<E>) -> StoreError {
    let code = err.code().unwrap_or("Unknown").to_owned();
    let message = err.message().unwrap_or_default().to_owned();
    crate::telemetry::aws_error("DynamoDB", &code);
    if code == "AccessDeniedException" {
        crate::telemetry::access_denied("DynamoDB", &message);
    }
    StoreError::Backend(format!("DynamoDB {code}: {message}"))
}

fn to_attributes(item: &Item) -> Result<HashMap<String, AttributeValue>, StoreError> {
    let mut attributes: HashMap<String, AttributeValue> =
        serde_dynamo::to_item(&item.data).map_err(|e| StoreError::Backend(e.to_string()))?;
    attributes.insert(PK.into(), AttributeValue::S(item.pk.clone()));
    attributes.insert(SK.into(), AttributeValue::S(item.sk.clone()));
    if let Some(t) = item.expires_at {
        attributes.insert(EXPIRES_AT.into(), AttributeValue::N(t.to_string()));
    }
    Ok(attributes)
}

fn from_attributes(mut attributes: HashMap<String, AttributeValue>) -> Result<Item, StoreError> {
    let text = |v: Option<AttributeValue>| match v {
        Some(AttributeValue::S(s)) => Ok(s),
        _ => Err(StoreError::Backend("item without a string key".into())),
    };
    let pk = text(attributes.remove(PK))?;
    let sk = text(attributes.remove(SK))?;
    let expires_at = match attributes.remove(EXPIRES_AT) {
        Some(AttributeValue::N(n)) => n.parse().ok(),
        _ => None,
    };
    let data: Map<String, Value> =
        serde_dynamo::from_item(attributes).map_err(|e| StoreError::Backend(e.to_string()))?;
    Ok(Item {
        pk,
        sk,
        expires_at,
        data,
    })
}

fn key(pk: &str, sk: &str) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(pk.to_owned())),
        (SK.to_owned(), AttributeValue::S(sk.to_owned())),
    ])
}

fn now_value() -> AttributeValue {
    AttributeValue::N(now_secs().to_string())
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The store on table `name`, created first if it does not exist, laid out as
    /// `template.yaml` declares it (`pk`/`sk` strings, on-demand, TTL on `expiresAt`). For a
    /// local DynamoDB (moto, DynamoDB Local) under chat-local and the tests; a deployed stack's
    /// table comes from its template.
    pub async fn ensure_table(client: Client, name: &str) -> Result<Self, TableError> {
        let exists = match client.describe_table().table_name(name).send().await {
            // A table of another layout would fail on the first write; refuse it at start.
            Ok(found) => {
                check_layout(name, found.table.as_ref())?;
                true
            }
            Err(e) if e.code() == Some("ResourceNotFoundException") => false,
            Err(e) => return Err(backend(e).into()),
        };
        if !exists {
            let created = client
                .create_table()
                .table_name(name)
                .billing_mode(BillingMode::PayPerRequest)
                .key_schema(key_element(PK, KeyType::Hash)?)
                .key_schema(key_element(SK, KeyType::Range)?)
                .attribute_definitions(string_attribute(PK)?)
                .attribute_definitions(string_attribute(SK)?)
                .send()
                .await;
            match created {
                // Another process created it first: as good.
                Err(e) if e.code() == Some("ResourceInUseException") => {}
                other => {
                    other.map_err(backend)?;
                }
            }
        }
        wait_until_active(&client, name).await?;
        if !exists {
            let ttl = TimeToLiveSpecification::builder()
                .attribute_name(EXPIRES_AT)
                .enabled(true)
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            client
                .update_time_to_live()
                .table_name(name)
                .time_to_live_specification(ttl)
                .send()
                .await
                .map_err(backend)?;
        }
        Ok(Self::new(client, name))
    }
}

/// The table's key must be template.yaml's: `pk` (string) as the partition key, `sk` (string)
/// as the sort key.
fn check_layout(name: &str, table: Option<&TableDescription>) -> Result<(), TableError> {
    let Some(table) = table else {
        return Ok(());
    };
    let type_of = |attribute: &str| {
        table
            .attribute_definitions()
            .iter()
            .find(|d| d.attribute_name() == attribute)
            .map(|d| d.attribute_type().as_str().to_owned())
            .unwrap_or_else(|| "?".into())
    };
    let found: Vec<String> = table
        .key_schema()
        .iter()
        .map(|k| {
            let attribute = k.attribute_name();
            format!(
                "{attribute} ({}, {})",
                k.key_type().as_str(),
                type_of(attribute)
            )
        })
        .collect();
    let wanted = [format!("{PK} (HASH, S)"), format!("{SK} (RANGE, S)")];
    if found == wanted {
        return Ok(());
    }
    Err(TableError::Layout {
        table: name.to_owned(),
        found: found.join(" + "),
        wanted: wanted.join(" + "),
    })
}

fn key_element(name: &str, kind: KeyType) -> Result<KeySchemaElement, StoreError> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(|e| StoreError::Backend(e.to_string()))
}

fn string_attribute(name: &str) -> Result<AttributeDefinition, StoreError> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(|e| StoreError::Backend(e.to_string()))
}

/// A new table takes seconds to become ACTIVE on AWS (at once on moto and DynamoDB Local).
async fn wait_until_active(client: &Client, name: &str) -> Result<(), StoreError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let table = client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .map_err(backend)?
            .table;
        let status = table.and_then(|t| t.table_status);
        if status.is_none() || status == Some(TableStatus::Active) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(StoreError::Backend(format!(
                "DynamoDB table {name} is not ACTIVE after two minutes"
            )));
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

impl Store for DynamoStore {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(backend)?;
        let Some(attributes) = out.item else {
            return Ok(None);
        };
        let item = from_attributes(attributes)?;
        Ok(super::is_live(item.expires_at, now_secs()).then_some(item))
    }

    async fn get_many(&self, keys: &[(&str, &str)]) -> Result<Vec<Option<Item>>, StoreError> {
        // BatchGetItem refuses a key asked twice, and takes 100 at most.
        let mut unique: Vec<(&str, &str)> = keys.to_vec();
        unique.sort_unstable();
        unique.dedup();
        let mut found: HashMap<(String, String), Item> = HashMap::new();
        for chunk in unique.chunks(100) {
            let asked = KeysAndAttributes::builder()
                .set_keys(Some(chunk.iter().map(|(pk, sk)| key(pk, sk)).collect()))
                .consistent_read(true)
                .build()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            let mut request = HashMap::from([(self.table.clone(), asked)]);
            // DynamoDB may leave keys unprocessed (throttled, or past 16 MB): ask for those
            // again, backing off, as its documentation says to.
            for attempt in 0.. {
                let out = self
                    .client
                    .batch_get_item()
                    .set_request_items(Some(request))
                    .send()
                    .await
                    .map_err(backend)?;
                for attributes in out
                    .responses
                    .into_iter()
                    .flatten()
                    .flat_map(|(_, items)| items)
                {
                    let item = from_attributes(attributes)?;
                    found.insert((item.pk.clone(), item.sk.clone()), item);
                }
                request = out.unprocessed_keys.unwrap_or_default();
                request.retain(|_, asked| !asked.keys().is_empty());
                if request.is_empty() {
                    break;
                }
                if attempt == 8 {
                    return Err(StoreError::Backend(
                        "DynamoDB left keys of a BatchGetItem unprocessed nine times".into(),
                    ));
                }
                tokio::time::sleep(std::time::Duration::from_millis(10 << attempt)).await;
            }
        }
        let now = now_secs();
        Ok(keys
            .iter()
            .map(|(pk, sk)| {
                found
                    .get(&((*pk).to_owned(), (*sk).to_owned()))
                    .filter(|item| super::is_live(item.expires_at, now))
                    .cloned()
            })
            .collect())
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        let mut request = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_attributes(&item)?));
        request = match condition {
            Condition::Always => request,
            Condition::Absent => request
                .condition_expression("attribute_not_exists(pk) OR expiresAt <= :now")
                .expression_attribute_values(":now", now_value()),
            Condition::Exists => request
                .condition_expression(format!("attribute_exists(pk) AND {LIVE}"))
                .expression_attribute_values(":now", now_value()),
            Condition::AbsentOrAtMost { attribute, max } => request
                .condition_expression("attribute_not_exists(pk) OR expiresAt <= :now OR #a <= :max")
                .expression_attribute_names("#a", attribute)
                .expression_attribute_values(":now", now_value())
                .expression_attribute_values(":max", AttributeValue::N(max.to_string())),
        };
        match request.send().await {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::ConditionFailed)
            }
            Err(err) => Err(backend(err)),
        }
    }

    async fn delete(&self, pk: &str, sk: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .send()
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn query(&self, pk: &str, prefix: &str, query: Query) -> Result<Page, StoreError> {
        let limit = if query.limit == 0 {
            usize::MAX
        } else {
            query.limit
        };
        let mut items = Vec::new();
        let mut start = query.after.map(|after| key(pk, &after));
        // DynamoDB applies the filter after `Limit`: keep reading until the page is full.
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .filter_expression(LIVE)
                .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
                .expression_attribute_values(":now", now_value());
            // DynamoDB refuses an empty string in a key condition: no prefix, no begins_with.
            request = if prefix.is_empty() {
                request.key_condition_expression("pk = :pk")
            } else {
                request
                    .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                    .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned()))
            };
            // Read about a page at a time (one more, to know whether another page follows), not
            // the partition's first megabyte: history and audit partitions grow long.
            if limit < usize::MAX {
                request = request.limit(i32::try_from(limit.saturating_add(1)).unwrap_or(i32::MAX));
            }
            let out = request
                .scan_index_forward(!query.descending)
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(backend)?;
            for attributes in out.items.unwrap_or_default() {
                if items.len() == limit {
                    let next = items.last().map(|i: &Item| i.sk.clone());
                    return Ok(Page { items, next });
                }
                items.push(from_attributes(attributes)?);
            }
            match out.last_evaluated_key {
                Some(last) => start = Some(last),
                None => break,
            }
        }
        Ok(Page { items, next: None })
    }
}
