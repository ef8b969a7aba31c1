//! The wire formats: the rest-json control plane (and its SigV4 check), and the Messaging
//! WebSocket (its handshake, its frames, its connections).

pub mod frames;
pub mod rest_json;
pub mod sigv4;
pub mod websocket;

use crate::service::ChatService;
use sigv4::SignatureVerifier;

/// What every request handler shares: the service, and the SigV4 verifier when
/// `--credentials` asks for one.
pub struct AppState {
    pub service: ChatService,
    pub verifier: Option<SignatureVerifier>,
}
