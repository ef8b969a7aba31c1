//! Configuration from the environment, and the clients built from it once per cold start.
//!
//! `CHAT_TABLE_NAME` set → the DynamoDB store; unset → the embedded store under
//! `CHAT_DATA_DIR` (default `.chat-local`). `AWS_ENDPOINT_URL_IVSCHAT` and
//! `AWS_ENDPOINT_URL_DYNAMODB` point the SDKs elsewhere (the emulator, a local DynamoDB).

use std::path::{Path, PathBuf};

use crate::domain::policy::ModerationPolicy;
use crate::store::{
    ChatStore, Condition, DynamoStore, EmbeddedStore, Item, OpenError, Page, Query, Store,
    StoreError, TableError,
};

#[derive(Clone, Debug)]
pub struct Config {
    pub table_name: Option<String>,
    pub data_dir: PathBuf,
    /// The message-review function new rooms get as their review handler.
    pub review_handler_arn: Option<String>,
    /// The policy of rooms that have none of their own.
    pub default_policy: ModerationPolicy,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("CHAT_DEFAULT_POLICY is not a valid moderation policy: {0}")]
    DefaultPolicy(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let default_policy = match var("CHAT_DEFAULT_POLICY") {
            None => ModerationPolicy::default(),
            Some(json) => ModerationPolicy::from_json(&json).map_err(ConfigError::DefaultPolicy)?,
        };
        Ok(Self {
            table_name: var("CHAT_TABLE_NAME"),
            data_dir: var("CHAT_DATA_DIR")
                .map_or_else(|| PathBuf::from(".chat-local"), PathBuf::from),
            review_handler_arn: var("CHAT_REVIEW_HANDLER_ARN"),
            default_policy,
        })
    }

    /// The store the configuration names.
    pub fn store(&self, sdk: &aws_config::SdkConfig) -> Result<ChatStore<AnyStore>, ConfigError> {
        let store = match &self.table_name {
            Some(table) => {
                AnyStore::Dynamo(DynamoStore::new(aws_sdk_dynamodb::Client::new(sdk), table))
            }
            None => AnyStore::Embedded(EmbeddedStore::open(&self.data_dir.join("store"))?),
        };
        Ok(ChatStore::new(store))
    }
}

/// The store one long-running process owns (chat-local): what [`open_owned_store`] opened.
pub struct OwnedStore {
    pub store: ChatStore<AnyStore>,
    /// Where it is: its file, or `dynamodb:<table>`.
    pub location: String,
    /// With a DynamoDB table, the data directory's lock (redb locks the embedded store's file).
    _dir_lock: Option<std::fs::File>,
}

/// Why [`open_owned_store`] did not open the store: each names what is wrong and with what.
#[derive(Debug, thiserror::Error)]
pub enum OpenStoreError {
    #[error(transparent)]
    Embedded(#[from] OpenError),
    #[error("cannot use the data directory {}: {source}", .dir.display())]
    DataDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is held by another process", .0.display())]
    DirLocked(PathBuf),
    #[error(transparent)]
    Layout(TableError),
    #[error(
        "cannot use the DynamoDB table {table} (is AWS_ENDPOINT_URL_DYNAMODB right?): {source}"
    )]
    Unreachable { table: String, source: StoreError },
}

impl OpenStoreError {
    /// Another process holds the data directory (or the store's file in it).
    pub fn is_locked(&self) -> bool {
        match self {
            Self::Embedded(e) => e.is_locked(),
            Self::DirLocked(_) => true,
            _ => false,
        }
    }
}

/// The store of a process that owns `data_dir` for as long as it runs: the embedded store under
/// it, or, with `table_name`, that DynamoDB table (created as template.yaml lays it out when
/// missing, refused when keyed otherwise) with the directory locked beside it. Either way a
/// second process on the same directory is refused.
pub async fn open_owned_store(
    data_dir: &Path,
    table_name: Option<&str>,
    fallback_region: &str,
) -> Result<OwnedStore, OpenStoreError> {
    let Some(table) = table_name else {
        let path = data_dir.join("store");
        let store = EmbeddedStore::open_file(&path)?;
        return Ok(OwnedStore {
            store: ChatStore::new(AnyStore::Embedded(store)),
            location: path.display().to_string(),
            _dir_lock: None,
        });
    };
    let lock_path = data_dir.join("chat-local.lock");
    let lock = std::fs::File::create(&lock_path).map_err(|source| OpenStoreError::DataDir {
        dir: data_dir.to_owned(),
        source,
    })?;
    if lock.try_lock().is_err() {
        return Err(OpenStoreError::DirLocked(lock_path));
    }
    let client = dynamodb_client(fallback_region).await;
    let store = DynamoStore::ensure_table(client, table)
        .await
        .map_err(|e| match e {
            TableError::Store(source) => OpenStoreError::Unreachable {
                table: table.to_owned(),
                source,
            },
            layout => OpenStoreError::Layout(layout),
        })?;
    Ok(OwnedStore {
        store: ChatStore::new(AnyStore::Dynamo(store)),
        location: format!("dynamodb:{table}"),
        _dir_lock: Some(lock),
    })
}

/// The AWS SDK configuration from the environment (region, credentials, endpoints).
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await
}

/// A DynamoDB client from the AWS environment (`AWS_ENDPOINT_URL_DYNAMODB`, credentials), in
/// `fallback_region` when the environment names none (chat-local on moto or DynamoDB Local).
pub async fn dynamodb_client(fallback_region: &str) -> aws_sdk_dynamodb::Client {
    let sdk = sdk_config().await;
    let mut config = aws_sdk_dynamodb::config::Builder::from(&sdk);
    if sdk.region().is_none() {
        config = config.region(aws_sdk_dynamodb::config::Region::new(
            fallback_region.to_owned(),
        ));
    }
    aws_sdk_dynamodb::Client::from_conf(config.build())
}

/// Either adapter, chosen at start-up.
#[derive(Clone)]
pub enum AnyStore {
    Dynamo(DynamoStore),
    Embedded(EmbeddedStore),
}

impl Store for AnyStore {
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        match self {
            Self::Dynamo(s) => s.get(pk, sk).await,
            Self::Embedded(s) => s.get(pk, sk).await,
        }
    }

    async fn put(&self, item: Item, condition: Condition) -> Result<(), StoreError> {
        match self {
            Self::Dynamo(s) => s.put(item, condition).await,
            Self::Embedded(s) => s.put(item, condition).await,
        }
    }

    async fn delete(&self, pk: &str, sk: &str) -> Result<(), StoreError> {
        match self {
            Self::Dynamo(s) => s.delete(pk, sk).await,
            Self::Embedded(s) => s.delete(pk, sk).await,
        }
    }

    async fn query(&self, pk: &str, prefix: &str, query: Query) -> Result<Page, StoreError> {
        match self {
            Self::Dynamo(s) => s.query(pk, prefix, query).await,
            Self::Embedded(s) => s.query(pk, prefix, query).await,
        }
    }

    async fn get_many(&self, keys: &[(&str, &str)]) -> Result<Vec<Option<Item>>, StoreError> {
        match self {
            Self::Dynamo(s) => s.get_many(keys).await,
            Self::Embedded(s) => s.get_many(keys).await,
        }
    }
}
