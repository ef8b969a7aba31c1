//! The wire formats: the rest-json control plane (and its SigV4 check), and the Messaging
//! WebSocket (its handshake, its frames, its connections).

pub mod authorization;
pub mod frames;
pub mod rest_json;
pub mod sigv4;
pub mod websocket;

use std::time::Duration;

use crate::iam::Authorizer;
use crate::service::ChatService;
use sigv4::SignatureVerifier;

/// What every request handler shares: the service, the SigV4 verifier when `--credentials`
/// or `--iam-policy` asks for one, IAM with `--iam-policy`, and how long a WebSocket write
/// may wait on its client.
pub struct AppState {
    pub service: ChatService,
    pub verifier: Option<SignatureVerifier>,
    pub iam: Option<Authorizer>,
    pub ws_write_timeout: Duration,
}
