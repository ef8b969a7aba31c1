//! `chat-core`: what the chat backend's functions share.
//!
//! - the domain: [`records`] (rooms, moderators, bans and timeouts, audit entries), [`role`]
//!   (who may do what, and the IVS capabilities each role gets), [`policy`] (a room's
//!   moderation policy);
//! - API Gateway HTTP API events ([`gateway`]), as the functions receive them;
//! - the caller's [`identity`] from the API Gateway JWT authorizer's claims;
//! - the [`store`] port, its adapters (`DynamoStore`, `EmbeddedStore`) and the domain
//!   repository over it ([`store::ChatStore`]);
//! - the IVS message-review contract ([`review`]);
//! - errors mapped once to HTTP ([`error`]), configuration from the environment ([`config`]),
//!   and tracing set-up ([`telemetry`]).

pub mod config;
pub mod error;
pub mod gateway;
pub mod identity;
pub mod ivs;
pub mod moderation;
pub mod policy;
pub mod records;
pub mod request;
pub mod review;
pub mod role;
pub mod store;
pub mod telemetry;
#[cfg(feature = "testing")]
pub mod testing;
pub mod time;
