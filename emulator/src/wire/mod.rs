//! The wire formats: the rest-json control plane (and its SigV4 check). The Messaging
//! WebSocket joins here with its own frames.

pub mod rest_json;
pub mod sigv4;
