//! `chat-core`: what the chat backend's functions share, grouped by concept.
//!
//! - [`domain`]: the caller's identity, roles and what they may do, a room's moderation policy,
//!   and the records the store keeps (rooms, moderators, bans and timeouts, audit entries);
//! - [`http`]: the App HTTP API edge (caller, parameters, access checks, errors mapped once to
//!   HTTP, each function's route table); the API Gateway event builder behind feature `gateway`;
//! - [`ivs`]: IVS Chat's limits, the message-review contract, clients and error mapping;
//! - [`store`]: the store port, its adapters (`DynamoStore`, `EmbeddedStore`) and the domain
//!   repository over it ([`store::ChatStore`]);
//! - configuration from the environment ([`config`]), tracing set-up ([`telemetry`]), [`time`],
//!   [`hex`].
//!
//! The moderation engine is its own crate (`chat-moderation`): only message-review runs it.

pub mod config;
pub mod domain;
pub mod hex;
pub mod http;
pub mod ivs;
pub mod store;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
