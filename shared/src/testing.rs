//! Test support (feature `testing`): the IVS Chat emulator on a free port (optionally enforcing
//! template.yaml's IAM policies), a real
//! DynamoDB-compatible server on loopback — moto's server, installed by the test command into
//! the workspace's `.venv` — with a fresh table in the single-table layout, API Gateway
//! requests as the JWT authorizer passes them on, and the sample events of `events/`. IAM in
//! front of moto: [`DynamoProxy`].

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::store::DynamoStore;
use ivschat_emulator::iam::{PolicyFile, Principal};

mod dynamo_proxy;
pub use dynamo_proxy::DynamoProxy;

/// The region and account the emulator reports and the policies name.
pub const REGION: &str = "us-east-1";
pub const ACCOUNT_ID: &str = "123456789012";
/// The key the test harness signs with ([`ivs_client`], [`DynamoProxy::client`]): where IAM
/// is enforced, it is allowed everything, as the account's administrator is.
pub const HARNESS: (&str, &str) = ("local", "local");

/// The harness as a principal: allowed everything.
pub fn harness_principal() -> Principal {
    Principal {
        access_key_id: HARNESS.0.to_owned(),
        secret_access_key: Some(HARNESS.1.to_owned()),
        arn: format!("arn:aws:iam::{ACCOUNT_ID}:user/{}", HARNESS.0),
        policies: vec![serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
        })],
    }
}

/// What the suites run under: template.yaml's policy for each function (for the table the
/// suites create, `chat`), and the harness.
pub fn iam_policy() -> PolicyFile {
    let mut file = iam_policies::local_policy_file();
    file.principals.push(harness_principal());
    file
}

/// A function's access key and secret (as template.yaml's policy file names them).
pub fn function_key(function: &str) -> (String, String) {
    (
        iam_policies::access_key(function),
        iam_policies::secret_key(function),
    )
}

/// An IVS client that signs as `function`: where IAM is enforced, template.yaml's policy for
/// that function decides what it may do.
pub fn function_ivs_client(endpoint: &str, function: &str) -> aws_sdk_ivschat::Client {
    crate::ivs::client_with_key(
        endpoint,
        REGION,
        &iam_policies::access_key(function),
        &iam_policies::secret_key(function),
    )
}

/// The IVS Chat emulator, in memory, on a free loopback port, enforcing `policy`.
pub async fn emulator_with_iam(policy: PolicyFile) -> ivschat_emulator::RunningEmulator {
    ivschat_emulator::Emulator::start_with_iam(
        ivschat_emulator::EmulatorConfig {
            bind: "127.0.0.1:0".parse().expect("address"),
            ..ivschat_emulator::EmulatorConfig::default()
        },
        Some(policy),
    )
    .await
    .expect("the emulator starts")
}

/// Creates a table laid out as `template.yaml` declares it (`pk`/`sk`, TTL on `expiresAt`),
/// through `client`; the store on it, through the same client.
pub async fn create_table(client: aws_sdk_dynamodb::Client, name: &str) -> DynamoStore {
    DynamoStore::ensure_table(client, name)
        .await
        .expect("table created")
}

impl DynamoProxy {
    /// Creates a table (as the harness) and returns the harness's store on it.
    pub async fn table(&self, name: &str) -> DynamoStore {
        create_table(self.client(), name).await
    }

    /// The store a function's code uses on `table`: its own key, its own policy.
    pub fn function_store(&self, function: &str, table: &str) -> DynamoStore {
        DynamoStore::new(self.function_client(function), table)
    }
}

/// A moto server for the life of the value.
pub struct MotoServer {
    child: Child,
    pub endpoint: String,
}

fn moto_binary() -> PathBuf {
    if let Ok(path) = std::env::var("MOTO_SERVER") {
        return PathBuf::from(path);
    }
    // CARGO_MANIFEST_DIR of chat-core is <workspace>/shared.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/moto_server")
}

impl MotoServer {
    /// Starts `moto_server` on a free loopback port and waits until it answers.
    pub fn start() -> Self {
        let binary = moto_binary();
        assert!(
            binary.exists(),
            "moto_server not found at {}: run the README's test command (bash scripts/test.sh), which installs it, or set MOTO_SERVER",
            binary.display()
        );
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(&binary)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start listening"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version_latest()
            .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "test", "test", None, None, "moto",
            ))
            .endpoint_url(&self.endpoint)
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }

    /// Creates a table laid out as `template.yaml` declares it (`pk`/`sk`, TTL on `expiresAt`).
    pub async fn table(&self, name: &str) -> DynamoStore {
        create_table(self.client(), name).await
    }

    /// A proxy in front of this server that enforces `policy` (moto itself has no IAM).
    pub async fn behind_iam(&self, policy: &PolicyFile) -> DynamoProxy {
        DynamoProxy::start(&self.endpoint, policy).await
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An API Gateway HTTP API (payload 2.0) request for a route of `template.yaml`, as the JWT
/// authorizer passes it on: `route_key` like `POST /rooms/{roomId}/tokens`, path parameters
/// substituted into the path, and the caller's claims (none: no identity).
pub fn api_request(
    route_key: &str,
    path_params: &[(&str, &str)],
    query: &[(&str, &str)],
    claims: Option<&[(&str, &str)]>,
    body: Option<serde_json::Value>,
) -> lambda_http::Request {
    let (method, template) = route_key.split_once(' ').expect("METHOD /path");
    let mut path = template.to_owned();
    for (name, value) in path_params {
        path = path.replace(&format!("{{{name}}}"), value);
    }
    let owned = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    crate::http::gateway::HttpApiEvent {
        method: method.to_owned(),
        raw_path: path,
        raw_query: form_urlencoded::Serializer::new(String::new())
            .extend_pairs(query)
            .finish(),
        route_key: route_key.to_owned(),
        path_parameters: owned(path_params),
        headers: owned(&[
            ("content-type", "application/json"),
            ("host", "api.example.com"),
        ]),
        claims: claims.map(|claims| {
            claims
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
                .collect()
        }),
        body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        account_id: "123456789012".to_owned(),
        source_ip: "127.0.0.1".to_owned(),
        request_id: "request".to_owned(),
    }
    .into_request()
    .expect("a valid API Gateway v2 event")
}

/// The status and JSON body of a handler's response.
pub fn status_and_json(
    response: lambda_http::Response<lambda_http::Body>,
) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    let body = match response.body() {
        lambda_http::Body::Text(text) => {
            serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
        }
        lambda_http::Body::Binary(bytes) => {
            serde_json::from_slice(bytes).unwrap_or(serde_json::Value::Null)
        }
        _ => serde_json::Value::Null,
    };
    (status, body)
}

/// An `aws-sdk-ivschat` client pointed at an emulator (or anything else) at `endpoint`.
pub fn ivs_client(endpoint: &str) -> aws_sdk_ivschat::Client {
    crate::ivs::client_for_endpoint(endpoint, "us-east-1")
}

/// A connection to the Messaging WebSocket.
pub type ChatSocket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the Messaging WebSocket at `addr` with the token as subprotocol, as the official
/// client does.
pub async fn chat_connect(addr: std::net::SocketAddr, token: &str) -> ChatSocket {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{addr}")
        .into_client_request()
        .expect("a WebSocket URL");
    request.headers_mut().insert(
        "sec-websocket-protocol",
        token.parse().expect("a token is a valid subprotocol"),
    );
    tokio_tungstenite::connect_async(request)
        .await
        .expect("the handshake succeeds")
        .0
}

/// The IVS Chat emulator, in memory, on a free loopback port.
pub async fn emulator() -> ivschat_emulator::RunningEmulator {
    ivschat_emulator::Emulator::start(ivschat_emulator::EmulatorConfig {
        bind: "127.0.0.1:0".parse().expect("address"),
        ..ivschat_emulator::EmulatorConfig::default()
    })
    .await
    .expect("the emulator starts")
}

/// The sample events of `events/<function>/`, by file name, parsed as the runtime parses them.
pub fn sample_events(function: &str) -> Vec<(String, lambda_http::Request)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(function);
    let mut out: Vec<(String, lambda_http::Request)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("readable");
            let request = lambda_http::request::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (
                path.file_name()
                    .expect("file")
                    .to_string_lossy()
                    .into_owned(),
                request,
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Feeds every sample event of `events/<function>/` to the function's handler, as
/// `cargo lambda invoke --data-file` would: each must name one of the function's `routes`, every
/// route must have a sample, and each answer must be `expected(file name)`: a status and, where
/// given, the error message.
pub async fn check_sample_events<F, Fut>(
    function: &str,
    routes: &[&str],
    handle: F,
    expected: impl Fn(&str) -> (u16, Option<&'static str>),
) where
    F: Fn(lambda_http::Request) -> Fut,
    Fut: std::future::Future<
            Output = Result<lambda_http::Response<lambda_http::Body>, lambda_http::Error>,
        >,
{
    let mut covered = std::collections::BTreeSet::new();
    for (name, req) in sample_events(function) {
        let route = crate::http::request::route_key(&req);
        assert!(
            routes.contains(&route.as_str()),
            "{name}: unknown route {route}"
        );
        covered.insert(route);
        let (status, body) = status_and_json(handle(req).await.expect("the handler answers"));
        let (want_status, want_message) = expected(&name);
        assert_eq!(status, want_status, "{name}: {body}");
        if let Some(message) = want_message {
            assert_eq!(body["error"]["message"], message, "{name}: {body}");
        }
    }
    let declared: std::collections::BTreeSet<String> =
        routes.iter().map(|r| r.to_string()).collect();
    assert_eq!(covered, declared, "every route has a sample event");
}

/// Who a test calls as: the API Gateway authorizer's claims, or no identity.
pub type Claims<'a> = Option<&'a [(&'a str, &'a str)]>;

/// A test's way into the App API: implement [`ApiCaller::handle`] (hand an API Gateway request
/// to the function that serves its route), and get the calls and checks.
#[allow(async_fn_in_trait)]
pub trait ApiCaller {
    async fn handle(&self, req: lambda_http::Request) -> lambda_http::Response<lambda_http::Body>;

    /// Calls a route (route key, path parameters, query, caller, body): status and JSON.
    async fn call(
        &self,
        route: &str,
        params: &[(&str, &str)],
        query: &[(&str, &str)],
        who: Claims<'_>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        status_and_json(
            self.handle(api_request(route, params, query, who, body))
                .await,
        )
    }

    /// Calls a route whose only path parameter is the room.
    async fn room_call(
        &self,
        route: &str,
        room: &str,
        who: Claims<'_>,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        self.call(route, &[("roomId", room)], &[], who, body).await
    }

    /// Calls a route and checks its status; the body for further checks.
    async fn expect(
        &self,
        status: u16,
        route: &str,
        params: &[(&str, &str)],
        who: Claims<'_>,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let (got, answer) = self.call(route, params, &[], who, body).await;
        assert_eq!(got, status, "{route} {params:?}: {answer}");
        answer
    }

    /// [`ApiCaller::expect`] for a route whose only path parameter is the room.
    async fn expect_in(
        &self,
        status: u16,
        route: &str,
        room: &str,
        who: Claims<'_>,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        self.expect(status, route, &[("roomId", room)], who, body)
            .await
    }

    /// Calls a route that must fail with this status and error code.
    async fn expect_code(
        &self,
        status: u16,
        code: &str,
        route: &str,
        params: &[(&str, &str)],
        who: Claims<'_>,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let answer = self.expect(status, route, params, who, body).await;
        assert_eq!(answer["error"]["code"], code, "{route}: {answer}");
        answer
    }
}

/// What a function binary printed and answered when run against [`run_function`].
pub struct FunctionRun {
    /// The bodies it posted back, one per event, in order.
    pub responses: Vec<serde_json::Value>,
    /// Its standard output, line by line (logs and Embedded Metric Format documents).
    pub stdout: Vec<String>,
}

/// Runs a function's binary as Lambda does: against a local Lambda Runtime API (the same
/// protocol, served here) that hands it `events` one at a time. Returns once it has answered
/// every event (or after 30 s); the process is then stopped.
pub async fn run_function(
    binary: &std::path::Path,
    events: Vec<serde_json::Value>,
    env: &[(&str, &str)],
) -> FunctionRun {
    use axum::extract::State;
    use axum::routing::{get, post};
    use std::sync::Arc;
    use tokio::io::AsyncBufReadExt;
    use tokio::sync::Mutex;

    struct RuntimeApi {
        events: Mutex<std::collections::VecDeque<serde_json::Value>>,
        answered: tokio::sync::mpsc::UnboundedSender<serde_json::Value>,
    }
    async fn next(State(api): State<Arc<RuntimeApi>>) -> axum::response::Response {
        use axum::response::IntoResponse;
        let Some(event) = api.events.lock().await.pop_front() else {
            // No more work: the poll waits, as Lambda's does, until the process is stopped.
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return axum::http::StatusCode::NO_CONTENT.into_response();
        };
        let deadline = (std::time::SystemTime::now() + Duration::from_secs(10))
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_millis()
            .to_string();
        (
            [
                ("lambda-runtime-aws-request-id", "req-1".to_owned()),
                ("lambda-runtime-deadline-ms", deadline),
                (
                    "lambda-runtime-invoked-function-arn",
                    "arn:aws:lambda:us-east-1:123456789012:function:test".to_owned(),
                ),
                (
                    "lambda-runtime-trace-id",
                    "Root=1-00000000-000000000000000000000000".to_owned(),
                ),
            ],
            event.to_string(),
        )
            .into_response()
    }
    async fn respond(State(api): State<Arc<RuntimeApi>>, body: axum::body::Bytes) -> &'static str {
        let value = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        let _ = api.answered.send(value);
        ""
    }

    let count = events.len();
    let (answered, mut responses_rx) = tokio::sync::mpsc::unbounded_channel();
    let api = Arc::new(RuntimeApi {
        events: Mutex::new(events.into()),
        answered,
    });
    let app = axum::Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(respond),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(respond))
        .route("/2018-06-01/runtime/init/error", post(respond))
        .with_state(api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let runtime_api = listener.local_addr().expect("bound").to_string();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let name = binary
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut command = tokio::process::Command::new(binary);
    command
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", &runtime_api)
        .env("AWS_LAMBDA_FUNCTION_NAME", &name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "test")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = command.spawn().expect("the function binary runs");
    let mut responses = Vec::with_capacity(count);
    while responses.len() < count {
        match tokio::time::timeout(Duration::from_secs(30), responses_rx.recv()).await {
            Ok(Some(response)) => responses.push(response),
            _ => break,
        }
    }
    // Give the flush after the last invocation a moment, then stop the process.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = child.start_kill();
    let mut stdout = Vec::new();
    if let Some(out) = child.stdout.take() {
        let mut lines = tokio::io::BufReader::new(out).lines();
        while let Ok(Ok(Some(line))) =
            tokio::time::timeout(Duration::from_secs(5), lines.next_line()).await
        {
            stdout.push(line);
        }
    }
    let _ = child.wait().await;
    server.abort();
    FunctionRun { responses, stdout }
}
