//! The server: one address for the control plane and the Messaging WebSocket, graceful
//! shutdown (clients get a clean close, chat logs are written out), and the handle tests and
//! `chat-local` hold.
//!
//! Connections are served by hyper's HTTP/1 builder rather than `axum::serve`, for the limits
//! a hostile or slow client meets before any work: a header-read timeout (which also ends
//! kept-alive connections left idle), a request timeout (body and answer, 408), a body limit.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Router, middleware};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tower_http::add_extension::AddExtension;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::EmulatorConfig;
use crate::iam::{Authorizer, PolicyError, PolicyFile};
pub use crate::persist::BadStateFile;
use crate::persist::PersistError;
use crate::service::ChatService;
use crate::wire::sigv4::SignatureVerifier;
use crate::wire::{AppState, rest_json, websocket};

/// How long live connections get to close when the server stops.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// After a failed accept (out of descriptors, say), wait this long before the next.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The state file under `--data-dir` is damaged or empty: it must be restored or removed
    /// (nothing was changed). The binary exits 2 on it.
    #[error(transparent)]
    StateFile(BadStateFile),
    #[error(transparent)]
    State(PersistError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: io::Error },
    /// `--iam-policy` cannot be read, or a policy in it is malformed.
    #[error(transparent)]
    IamPolicy(#[from] PolicyError),
}

impl From<PersistError> for StartError {
    fn from(err: PersistError) -> Self {
        match err {
            PersistError::BadFile(bad) => Self::StateFile(bad),
            err => Self::State(err),
        }
    }
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
    /// Opens the state, binds the address and starts serving (enforcing IAM if
    /// `--iam-policy` names a policy file).
    pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator, StartError> {
        let iam = match &config.iam_policy {
            Some(path) => Some(PolicyFile::load(path)?),
            None => None,
        };
        Self::start_with_iam(config, iam).await
    }

    /// [`Emulator::start`] with this IAM policy in place of `--iam-policy` (none: IAM off).
    pub async fn start_with_iam(
        config: EmulatorConfig,
        iam: Option<PolicyFile>,
    ) -> Result<RunningEmulator, StartError> {
        let mut iam = iam.as_ref().map(Authorizer::new).transpose()?;
        if let Some(iam) = &mut iam {
            // A key of `--credentials` the policy file does not name is allowed nothing.
            for c in &config.credentials {
                let arn = format!(
                    "arn:aws:iam::{}:user/{}",
                    config.account_id, c.access_key_id
                );
                iam.add_key_without_policies(&c.access_key_id, arn);
            }
        }
        let verifier = (iam.is_some() || !config.credentials.is_empty()).then(|| {
            let mut verifier =
                SignatureVerifier::new(config.credentials.clone(), config.region.clone());
            for (key, secret) in iam.iter().flat_map(Authorizer::keys) {
                verifier = verifier.with_key(key, secret);
            }
            verifier
        });
        let service = ChatService::open(&config)?;
        let app = Arc::new(AppState {
            service,
            verifier,
            iam,
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
            // Refuses by Content-Length before reading, and caps chunked bodies as they come.
            .layer(RequestBodyLimitLayer::new(rest_json::MAX_BODY_BYTES))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                Duration::from_millis(config.request_timeout_ms),
            ))
            .layer(middleware::from_fn(rest_json::request_id))
            // A bug reached by one request fails that request (500), never the process.
            .layer(CatchPanicLayer::custom(rest_json::panic_response))
            .with_state(app.clone());

        let (stop, stopped) = oneshot::channel::<()>();
        let header_read_timeout = Duration::from_millis(config.header_read_timeout_ms);
        let task = tokio::spawn(serve(
            listener,
            router,
            header_read_timeout,
            stopped,
            app.clone(),
        ));
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

    /// IAM, when enforced: what it refused and what it allowed by which statement.
    pub fn iam(&self) -> Option<&Authorizer> {
        self.app.iam.as_ref()
    }

    /// Stops accepting, lets requests in flight finish, and returns once the server is down.
    pub async fn shutdown(self) -> io::Result<()> {
        let _ = self.stop.send(());
        self.task.await.map_err(io::Error::other)?
    }
}

/// Accepts and serves connections until `stopped`, then shuts down gracefully: live chat
/// first (WebSockets are no longer HTTP requests), then every HTTP connection once its
/// request in flight is answered.
async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    stopped: oneshot::Receiver<()>,
    app: Arc<AppState>,
) -> io::Result<()> {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    // Dropping `stopping` tells connections to finish; `closed` resolves when all have.
    let (stopping, stop_signal) = watch::channel(());
    let (closed, open) = watch::channel(());
    tokio::pin!(stopped);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors, most likely: wait rather than spin.
                    tracing::warn!(%err, "accepting a connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
            _ = &mut stopped => break,
        };
        let service =
            TowerToHyperService::new(AddExtension::new(router.clone(), ConnectInfo(peer)));
        let conn = builder
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades();
        let (mut stop_signal, open) = (stop_signal.clone(), open.clone());
        tokio::spawn(async move {
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                _ = stop_signal.changed() => conn.as_mut().graceful_shutdown(),
            }
            let _ = conn.await;
            drop(open);
        });
    }
    drop(listener);
    app.service.shut_down_live_chat(SHUTDOWN_GRACE).await;
    drop(stopping);
    drop(open);
    closed.closed().await;
    Ok(())
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
