//! The server: one address for the control plane and the Messaging WebSocket, graceful
//! shutdown (clients get a clean close, chat logs are written out), and the handle tests and
//! `chat-local` hold.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Router, middleware};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_http::catch_panic::CatchPanicLayer;

use crate::config::EmulatorConfig;
use crate::persist::PersistError;
use crate::service::ChatService;
use crate::wire::sigv4::SignatureVerifier;
use crate::wire::{AppState, rest_json, websocket};

/// How long live connections get to close when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    State(#[from] PersistError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
}

/// Amazon IVS Chat on one machine.
pub struct Emulator;

/// A started emulator. Dropping it leaves the server running until the runtime ends;
/// call [`RunningEmulator::shutdown`] to stop it cleanly.
pub struct RunningEmulator {
    pub addr: SocketAddr,
    app: Arc<AppState>,
    stop: oneshot::Sender<()>,
    task: JoinHandle<io::Result<()>>,
}

impl Emulator {
    /// Opens the state, binds the address and starts serving.
    pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, StartError> {
        let service = ChatService::open(&config)?;
        let verifier = (!config.credentials.is_empty())
            .then(|| SignatureVerifier::new(config.credentials.clone(), config.region.clone()));
        let app = Arc::new(AppState {
            service,
            verifier,
            ws_write_timeout: Duration::from_millis(config.ws_write_timeout_ms),
        });

        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.bind,
            source,
        })?;

        let api = rest_json::router().layer(middleware::from_fn_with_state(
            app.clone(),
            rest_json::verify_signature,
        ));
        let router = Router::new()
            .route("/_emulator/health", get(health))
            .route(
                "/",
                get(websocket::upgrade).fallback(rest_json::unknown_operation),
            )
            .merge(api)
            .layer(middleware::from_fn(rest_json::request_id))
            // A bug reached by one request fails that request (500), never the process.
            .layer(CatchPanicLayer::custom(rest_json::panic_response))
            .with_state(app.clone());

        let (stop, stopped) = oneshot::channel::<()>();
        let served = app.clone();
        let task = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, service)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                    // WebSockets are no longer HTTP requests: close them here, cleanly.
                    served.service.shut_down_live_chat(SHUTDOWN_GRACE).await;
                })
                .await
        });
        tracing::info!(%addr, "IVS Chat emulator started");
        Ok(RunningEmulator {
            addr,
            app,
            stop,
            task,
        })
    }
}

impl RunningEmulator {
    /// The base URL for SDK clients (`AWS_ENDPOINT_URL_IVSCHAT`) and the WebSocket.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn service(&self) -> &ChatService {
        &self.app.service
    }

    /// Stops accepting, lets requests in flight finish, and returns once the server is down.
    pub async fn shutdown(self) -> io::Result<()> {
        let _ = self.stop.send(());
        self.task.await.map_err(io::Error::other)?
    }
}

async fn health(State(app): State<Arc<AppState>>) -> impl IntoResponse {
    let (rooms, logging_configurations) = app.service.counts();
    let body: Value = json!({
        "status": "ok",
        "rooms": rooms,
        "loggingConfigurations": logging_configurations,
        "connections": app.service.connections(),
        "chatLogWriteErrors": app.service.chat_log_write_errors(),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM: when a binary should shut down gracefully.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
