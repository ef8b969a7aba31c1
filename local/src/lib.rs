//! `chat-local`: the whole chat on one machine, in one process.
//!
//! - the IVS Chat emulator (control plane and Messaging WebSocket), its rooms kept under
//!   `<data-dir>/emulator`;
//! - the App HTTP API, routed exactly as `template.yaml` routes it ([`routes`]) and served by
//!   the functions' own handlers, each request turned into the API Gateway event the Lambda
//!   would receive ([`api`]), after its JWT is verified as the authorizer does ([`auth`]);
//! - the message-review function on a Lambda Invoke endpoint ([`invoke`]), the review handler
//!   of every room the API creates;
//! - the embedded store under `<data-dir>/store` (or a DynamoDB table, `--table-name`), and the chat page at `/` ([`page`]).
//!
//! IAM is enforced as on AWS: the emulator holds template.yaml's policy for each function
//! ([`iam_policy`]), and each function calls it with its own key, so a function can do here
//! only what its role could do deployed. The developer's key ([`DEVELOPER_KEY`]) may do
//! anything, as the account's administrator.

pub mod api;
pub mod auth;
pub mod authorizer;
pub mod body;
pub mod config;
pub mod invoke;
pub mod oidc;
pub mod origin;
pub mod page;
pub mod routes;
pub mod site_config;

/// The process's metrics recorder: every function's counters and timings, rendered at
/// `GET /metrics`. Installed once (several stacks in one test process share it).
pub fn prometheus() -> &'static metrics_exporter_prometheus::PrometheusHandle {
    static HANDLE: std::sync::OnceLock<metrics_exporter_prometheus::PrometheusHandle> =
        std::sync::OnceLock::new();
    HANDLE.get_or_init(|| {
        metrics_exporter_prometheus::PrometheusBuilder::new()
            .install_recorder()
            .expect("chat-local installs the only metrics recorder")
    })
}
pub mod serve;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use chat_core::config::AnyStore;
use chat_core::store::ChatStore;
use ivschat_emulator::{Emulator, EmulatorConfig, RunningEmulator};
use tokio::sync::oneshot;

pub use config::LocalConfig;

/// The name the review function goes by, in its ARN and on the Invoke endpoint.
pub const REVIEW_FUNCTION: &str = "message-review";

/// The access key and secret the AWS CLI and SDKs use on chat-local's emulator: allowed
/// everything, as the account's administrator is.
pub const DEVELOPER_KEY: (&str, &str) = ("local", "local");

/// What chat-local's emulator enforces: template.yaml's policy for each function, in this
/// region and account, and the developer allowed everything.
pub fn iam_policy(
    region: &str,
    account_id: &str,
) -> Result<ivschat_emulator::iam::PolicyFile, iam_policies::TemplateError> {
    let deployment = iam_policies::Deployment {
        region: region.to_owned(),
        account_id: account_id.to_owned(),
        ..iam_policies::Deployment::local()
    };
    let mut file = iam_policies::policy_file(iam_policies::TEMPLATE, &deployment)?;
    file.principals.push(ivschat_emulator::iam::Principal {
        access_key_id: DEVELOPER_KEY.0.to_owned(),
        secret_access_key: Some(DEVELOPER_KEY.1.to_owned()),
        arn: format!("arn:aws:iam::{account_id}:user/{}", DEVELOPER_KEY.0),
        policies: vec![serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        })],
    });
    Ok(file)
}

/// An IVS client for the emulator that signs as `function` (its key in [`iam_policy`]).
fn function_client(endpoint: &str, region: &str, function: &str) -> aws_sdk_ivschat::Client {
    chat_core::ivs::client_with_key(
        endpoint,
        region,
        &iam_policies::access_key(function),
        &iam_policies::secret_key(function),
    )
}

/// Everything the HTTP side serves with, built once at start-up (as each Lambda builds its
/// clients once per cold start).
pub struct App {
    pub auth: auth::DevAuth,
    /// The OIDC issuer whose RS256 tokens are accepted too (`--oidc-issuer`), if any.
    pub oidc: Option<oidc::OidcVerifier>,
    pub token_issuer: token_issuer::TokenIssuer<AnyStore>,
    pub provisioner: room_provisioner::Provisioner<AnyStore>,
    pub moderator: moderator::Moderator<AnyStore>,
    pub reviewer: message_review::Reviewer<AnyStore>,
    pub account_id: String,
    /// The policy of rooms that have none of their own (shown by the page's policy editor).
    pub default_policy: chat_core::domain::policy::ModerationPolicy,
    /// Where the emulator listens (the page's WebSocket goes there).
    pub emulator_addr: SocketAddr,
    /// The longest pause between two pieces of a request body.
    pub body_idle_timeout: std::time::Duration,
}

/// Why chat-local did not start: each says what is wrong and with what.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot use the data directory {}: {source}", .dir.display())]
    DataDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the IVS Chat emulator did not start: {0}")]
    Emulator(#[from] ivschat_emulator::StartError),
    /// template.yaml's policies could not be made into the emulator's.
    #[error("IAM from template.yaml: {0}")]
    Iam(#[from] iam_policies::TemplateError),
    /// The store (its message names it and what to do).
    #[error(transparent)]
    Store(#[from] chat_core::config::OpenStoreError),
    #[error(transparent)]
    SigningKey(#[from] auth::KeyError),
}

impl StartError {
    /// What to try, when the cause is another process holding what chat-local needs.
    pub fn hint(&self) -> Option<&'static str> {
        let in_use = |e: &std::io::Error| e.kind() == std::io::ErrorKind::AddrInUse;
        match self {
            Self::Listen { source, .. }
            | Self::Emulator(ivschat_emulator::StartError::Bind { source, .. })
                if in_use(source) =>
            {
                Some(
                    "Is another chat-local running? Pick other ports with --port and --emulator-port.",
                )
            }
            Self::Store(e) if e.is_locked() => Some(
                "Is another chat-local running on this data directory? Stop it, or pick another --data-dir.",
            ),
            _ => None,
        }
    }
}

/// The running stack; [`RunningStack::shutdown`] stops it cleanly.
pub struct RunningStack {
    /// The chat page and the App HTTP API.
    pub app_addr: SocketAddr,
    pub emulator: RunningEmulator,
    pub review_handler_arn: String,
    pub data_dir: PathBuf,
    /// The store the functions share (for tests that set up what the API cannot).
    pub store: ChatStore<AnyStore>,
    /// Where the store is: its file, or `dynamodb:<table>`.
    pub store_location: String,
    /// Keeps the data directory's lock (one chat-local per directory) while the stack runs.
    _owned_store: chat_core::config::OwnedStore,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// The URL callers reach a listener at: loopback for one bound to "any address".
fn http_url(addr: SocketAddr) -> String {
    let addr = if addr.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
    } else {
        addr
    };
    format!("http://{addr}")
}

impl RunningStack {
    /// Starts the emulator and the App HTTP API.
    pub async fn start(config: LocalConfig) -> Result<Self, StartError> {
        let dir = config.data_dir.clone();
        std::fs::create_dir_all(&dir).map_err(|source| StartError::DataDir {
            dir: dir.clone(),
            source,
        })?;
        // The store first: its lock keeps a second chat-local off this data directory before
        // it touches anything else (the signing key, the emulator's files).
        let owned = chat_core::config::open_owned_store(
            &dir,
            config.table_name.as_deref(),
            &config.emulator.region,
        )
        .await?;
        let (store, store_location) = (owned.store.clone(), owned.location.clone());
        let auth = auth::DevAuth::load_or_create(&dir)?;
        // The app listens first: the emulator needs its address to invoke the review function.
        let wanted = SocketAddr::new(config.host, config.port);
        let listener = tokio::net::TcpListener::bind(wanted)
            .await
            .map_err(|source| StartError::Listen {
                addr: wanted,
                source,
            })?;
        let app_addr = listener.local_addr().map_err(|source| StartError::Listen {
            addr: wanted,
            source,
        })?;
        let emulator_config = EmulatorConfig {
            bind: SocketAddr::new(config.host, config.emulator_port),
            data_dir: Some(dir.join("emulator")),
            lambda_endpoint: Some(http_url(app_addr)),
            ..config.emulator.clone()
        };
        let region = emulator_config.region.clone();
        let account_id = emulator_config.account_id.clone();
        let policy = iam_policy(&region, &account_id)?;
        let emulator = Emulator::start_with_iam(emulator_config, Some(policy)).await?;
        let review_handler_arn =
            format!("arn:aws:lambda:{region}:{account_id}:function:{REVIEW_FUNCTION}");

        // One client per function, each with its own key: its own policy applies.
        let ivs_url = http_url(emulator.addr);
        let ivs = |function: &str| function_client(&ivs_url, &region, function);
        // As the review function's `main` does: every table built before the first message.
        chat_moderation::warm_up();
        prometheus();
        let default_policy = config.default_policy.clone().unwrap_or_default();
        let oidc = oidc::OidcVerifier::from_args(&config.oidc);
        let app = Arc::new(App {
            auth,
            oidc,
            token_issuer: token_issuer::TokenIssuer {
                ivs: ivs("token-issuer"),
                store: store.clone(),
            },
            provisioner: room_provisioner::Provisioner {
                ivs: ivs("room-provisioner"),
                store: store.clone(),
                review_handler_arn: Some(review_handler_arn.clone()),
                region: region.clone(),
            },
            moderator: moderator::Moderator {
                ivs: ivs("moderator"),
                store: store.clone(),
            },
            reviewer: message_review::Reviewer::new(store.clone(), default_policy.clone())
                .with_events(ivs(REVIEW_FUNCTION)),
            default_policy,
            account_id,
            emulator_addr: emulator.addr,
            body_idle_timeout: config.timeouts.body_idle,
        });

        if app.oidc.is_some() {
            let app = app.clone();
            tokio::spawn(async move { app.oidc.as_ref().expect("checked").prefetch().await });
        }
        let page = origin::PageOrigin::new(app_addr, &config.cors_allow_origin);
        let router = api::router(
            app,
            page,
            &config.cors_allow_origin,
            config.timeouts.request,
        );
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(serve::serve(
            listener,
            router,
            config.timeouts.clone(),
            stopped,
        ));
        Ok(Self {
            app_addr,
            emulator,
            review_handler_arn,
            store,
            store_location,
            _owned_store: owned,
            data_dir: dir,
            stop,
            server,
        })
    }

    /// The chat page and API, e.g. `http://127.0.0.1:3000`.
    pub fn app_url(&self) -> String {
        http_url(self.app_addr)
    }

    /// The emulator's control plane, e.g. `http://127.0.0.1:4600`.
    pub fn emulator_url(&self) -> String {
        http_url(self.emulator.addr)
    }

    /// Stops taking requests, lets those in flight finish, then stops the emulator (which
    /// closes chat connections with 1001 and flushes chat logs).
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.stop.send(());
        self.server.await.map_err(std::io::Error::other)??;
        self.emulator.shutdown().await
    }
}
