//! The IVS Chat service: every control-plane operation, its rules and its errors, with no HTTP.
//!
//! As in moto's `models.py`, the operations here are what every transport shares: the rest-json
//! edge (`wire::rest_json`) only parses requests into the types below and renders the results.
//! One module per operation family.

mod logging_configurations;
mod messaging;
mod pagination;
mod room_actions;
mod rooms;
mod tags;
mod tokens;
pub mod validate;

use std::sync::atomic::AtomicU64;
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

pub use logging_configurations::{
    CreateLoggingConfigurationRequest, DestinationInput, GetLoggingConfigurationRequest,
    ListLoggingConfigurationsRequest, UpdateLoggingConfigurationRequest,
};
pub use messaging::{ConnectError, Connection, FrameError, Participant};
pub use pagination::Page;
pub use room_actions::{DeleteMessageRequest, DisconnectUserRequest, SendEventRequest};
pub use rooms::{
    CreateRoomRequest, GetRoomRequest, ListRoomsRequest, MessageReviewHandlerInput,
    UpdateRoomRequest,
};
pub use tags::TagResourceRequest;
pub use tokens::{ChatTokenClaims, CreateChatTokenRequest, CreateChatTokenResponse};

use crate::chat_log::ChatLog;
use crate::config::EmulatorConfig;
use crate::error::{Result, ServiceError};
use crate::live::Live;
use crate::model::ResourceType;
use crate::persist::{PersistError, Persistence};
use crate::review::Reviewer;
use crate::seal::Sealer;
use crate::state::State;

/// Account-level quotas the service enforces.
#[derive(Clone, Copy, Debug)]
pub struct Quotas {
    pub max_rooms: u64,
    pub max_logging_configurations: u64,
}

pub struct ChatService {
    region: String,
    account_id: String,
    quotas: Quotas,
    token_ttl_secs: u64,
    session_minute_secs: u64,
    state: RwLock<State>,
    persistence: Persistence,
    sealer: Sealer,
    live: Live,
    /// Tokens used since start: every so often, persisting one also prunes expired ones.
    token_uses: AtomicU64,
    reviewer: Reviewer,
    chat_log: ChatLog,
}

impl ChatService {
    /// Builds the service, reading the persisted state when the config names a data dir.
    /// Starts the chat-log writer, so it must run inside a Tokio runtime.
    pub fn open(config: &EmulatorConfig) -> Result<Self, PersistError> {
        let live = Live::default();
        let (persistence, state, key) = match &config.data_dir {
            Some(dir) => {
                let (persistence, loaded) = Persistence::open(dir)?;
                let state = State::new(loaded.rooms, loaded.logging_configurations);
                for (token, expires) in &loaded.used_tokens {
                    live.use_token(token, *expires);
                }
                (persistence, state, loaded.sealing_key)
            }
            None => (Persistence::Memory, State::default(), Sealer::random_key()),
        };
        Ok(Self {
            region: config.region.clone(),
            account_id: config.account_id.clone(),
            quotas: Quotas {
                max_rooms: config.max_rooms,
                max_logging_configurations: config.max_logging_configurations,
            },
            token_ttl_secs: config.token_ttl_secs,
            session_minute_secs: config.session_minute_secs,
            state: RwLock::new(state),
            persistence,
            sealer: Sealer::new(&key),
            live,
            token_uses: AtomicU64::new(0),
            reviewer: Reviewer::new(
                config.lambda_endpoint.clone(),
                Duration::from_millis(config.review_timeout_ms),
            ),
            chat_log: ChatLog::start(
                config
                    .log_dir
                    .clone()
                    .or_else(|| config.data_dir.as_ref().map(|d| d.join("logs"))),
                config.account_id.clone(),
                config.region.clone(),
            ),
        })
    }

    /// Chat-log records and objects that could not be written since start.
    pub fn chat_log_write_errors(&self) -> u64 {
        self.chat_log.write_errors()
    }

    /// Live WebSocket connections.
    pub fn connections(&self) -> usize {
        self.live.connections()
    }

    /// Tells live connections the server stops (they close cleanly), waits for them up to
    /// `grace`, then writes out the chat logs.
    pub async fn shut_down_live_chat(&self, grace: Duration) {
        self.live.close_all(grace).await;
        self.chat_log.close().await;
    }

    pub fn shutdown_signal(&self) -> tokio::sync::watch::Receiver<bool> {
        self.live.shutdown_signal()
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// Counts for the health endpoint: (rooms, logging configurations).
    pub fn counts(&self) -> (usize, usize) {
        let state = self.read();
        (state.rooms.len(), state.logging_configurations.len())
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic while holding the lock cannot leave a half-applied change: changes are
        // applied to memory only after they are persisted, in one `Table::put`.
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn arn(&self, kind: ResourceType, id: &str) -> String {
        format!(
            "arn:aws:ivschat:{}:{}:{}/{}",
            self.region,
            self.account_id,
            kind.arn_word(),
            id
        )
    }

    /// The id an already-validated ARN names, if it names a resource of this region and
    /// account; anything else cannot exist here.
    fn id_in_arn<'a>(&self, kind: ResourceType, arn: &'a str) -> Option<&'a str> {
        let rest = arn.strip_prefix("arn:aws:ivschat:")?;
        let (region, rest) = rest.split_once(':')?;
        let (account, resource) = rest.split_once(':')?;
        let id = resource.strip_prefix(kind.arn_word())?.strip_prefix('/')?;
        (region == self.region && account == self.account_id).then_some(id)
    }

    /// Resolves an identifier ARN to an id, or answers ResourceNotFound.
    fn resolve<'a>(&self, kind: ResourceType, arn: &'a str) -> Result<&'a str> {
        self.id_in_arn(kind, arn).ok_or_else(|| {
            let id = arn.rsplit('/').next().unwrap_or(arn);
            ServiceError::not_found(kind, id)
        })
    }
}

impl ChatService {
    /// Validates a required identifier member and resolves it to the id it names.
    fn identifier(
        &self,
        kind: ResourceType,
        field: &str,
        identifier: &Option<String>,
    ) -> Result<String> {
        let mut check = validate::Check::new();
        if let Some(value) = check.required(field, identifier) {
            check.string(field, value, validate::identifier_rule(kind));
        }
        check.finish()?;
        let arn = identifier.as_deref().unwrap_or_default();
        self.resolve(kind, arn).map(str::to_owned)
    }
}

fn persist_failed(err: PersistError) -> ServiceError {
    ServiceError::internal(err)
}
