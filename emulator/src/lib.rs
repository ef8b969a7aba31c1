//! Amazon IVS Chat on one machine: the control-plane API (rest-json, all 17 operations) and
//! the Messaging WebSocket on one address, wire-compatible with the AWS SDKs, the AWS CLI and
//! the `amazon-ivs-chat-messaging` client.
//!
//! Layers, outermost first: `wire` (HTTP routes, JSON shapes, SigV4, WebSocket frames and
//! connections) → `service` (operations, validation, errors; message review and chat logging
//! through `review` and `chat_log`) → `state` and `live` (resources and indexes; live rooms
//! and their fan-out) → `persist` (redb, with `--data-dir`). `server` starts it all; tests
//! use [`Emulator::start`].

mod chat_log;
pub mod config;
pub mod error;
pub mod iam;
mod live;
pub mod model;
mod persist;
mod review;
mod seal;
pub mod server;
pub mod service;
mod state;
#[cfg(feature = "testing")]
pub mod testing;
pub mod wire;

pub use config::EmulatorConfig;
pub use server::{Emulator, RunningEmulator, StartError};
