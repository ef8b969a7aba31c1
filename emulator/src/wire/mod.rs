//! The wire formats: the rest-json control plane (and its SigV4 check), and the Messaging
//! WebSocket (its handshake, its frames, its connections).

pub mod frames;
pub mod rest_json;
pub mod sigv4;
pub mod websocket;
