//! Amazon IVS Chat on one machine: the control-plane API (rest-json, all 17 operations) on
//! one address, wire-compatible with the AWS SDKs and CLI.
//!
//! Layers, outermost first: `wire` (HTTP routes, JSON shapes, SigV4) → `service` (operations,
//! validation, errors) → `state` (resources and indexes in memory) → `persist` (redb, with
//! `--data-dir`). `server` starts it all; tests use [`Emulator::start`].

pub mod config;
pub mod error;
pub mod model;
mod persist;
mod seal;
pub mod server;
pub mod service;
mod state;
pub mod wire;

pub use config::EmulatorConfig;
pub use server::{Emulator, RunningEmulator, StartError};
