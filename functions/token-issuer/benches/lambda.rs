//! token-issuer performance:
//! - cold start: the release binary (`target/release/token-issuer`, or `LAMBDA_BINARY`) is
//!   started against a local Lambda Runtime API (served here, the same protocol as Lambda's)
//!   and timed from process start to its first poll for work (init done) and to its first
//!   handled event (a real token from the IVS Chat emulator);
//! - handler latency: p50/p99 of `handle` for 2,000 token requests against the emulator on
//!   loopback, with the embedded store.
//!
//! Run `bash scripts/bench-lambdas.sh` (builds the release binaries first and prints sizes).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use chat_core::domain::records::RoomRecord;
use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{api_request, emulator, ivs_client};
use serde_json::json;
use token_issuer::{TokenIssuer, handle};
use tokio::sync::{Mutex, mpsc};

/// What the fake Runtime API saw, with when.
enum Seen {
    Polled(Instant),
    Responded(Instant, String),
}

struct RuntimeApi {
    event: String,
    served: Mutex<bool>,
    seen: mpsc::UnboundedSender<Seen>,
}

async fn next(State(api): State<Arc<RuntimeApi>>) -> axum::response::Response {
    let _ = api.seen.send(Seen::Polled(Instant::now()));
    let already = std::mem::replace(&mut *api.served.lock().await, true);
    if already {
        // One event per cold start: later polls wait (the process is killed).
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    let deadline = (std::time::SystemTime::now() + Duration::from_secs(10))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string();
    (
        [
            ("lambda-runtime-aws-request-id", "req-1".to_owned()),
            ("lambda-runtime-deadline-ms", deadline),
            (
                "lambda-runtime-invoked-function-arn",
                "arn:aws:lambda:us-east-1:123456789012:function:token-issuer".to_owned(),
            ),
            (
                "lambda-runtime-trace-id",
                "Root=1-00000000-000000000000000000000000".to_owned(),
            ),
        ],
        api.event.clone(),
    )
        .into_response()
}

async fn respond(State(api): State<Arc<RuntimeApi>>, body: Bytes) -> &'static str {
    let _ = api.seen.send(Seen::Responded(
        Instant::now(),
        String::from_utf8_lossy(&body).into_owned(),
    ));
    ""
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Tokens for `count` requests, user `user(i)` each, timed one by one (sorted).
async fn latencies<S: chat_core::store::Store>(
    issuer: &TokenIssuer<S>,
    room_id: &str,
    count: usize,
    user: impl Fn(usize) -> String,
) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(count);
    for i in 0..count {
        let user = user(i);
        let req = api_request(
            "POST /rooms/{roomId}/tokens",
            &[("roomId", room_id)],
            &[],
            Some(&[("sub", &user)]),
            None,
        );
        let t = Instant::now();
        let response = handle(req, issuer).await.unwrap();
        latencies.push(t.elapsed());
        assert_eq!(response.status(), 200);
    }
    latencies.sort();
    latencies
}

fn moto_installed() -> bool {
    std::env::var_os("MOTO_SERVER").is_some()
        || PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../.venv/bin/moto_server")
            .exists()
}

/// Runs benches/node/issue.mjs against the same emulator and table: (p50, p99) in ms, or
/// `None` if its packages are not installed.
fn node_sample(ivs: &str, dynamo: &str, table: &str, room_id: &str) -> Option<(f64, f64)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/node");
    if !dir.join("node_modules").exists() {
        return None;
    }
    let output = std::process::Command::new("node")
        .arg("issue.mjs")
        .current_dir(&dir)
        .env("IVS_ENDPOINT", ivs)
        .env("DYNAMO_ENDPOINT", dynamo)
        .env("TABLE", table)
        .env("ROOM_ID", room_id)
        .env("TOKENS", "500")
        .env("USERS", "50")
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let figures: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    Some((figures["p50_ms"].as_f64()?, figures["p99_ms"].as_f64()?))
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let emu = emulator().await;
        let ivs = ivs_client(&emu.endpoint());
        let room = ivs.create_room().send().await.unwrap();
        let room_id = room.id().unwrap().to_owned();
        let dir = tempfile::tempdir().unwrap();
        let record = RoomRecord::new(&room_id, room.arn().unwrap(), "owner-1", "bench");

        // ---- cold start -----------------------------------------------------------------
        let binary = std::env::var("LAMBDA_BINARY").map(PathBuf::from).unwrap_or_else(|_| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/token-issuer")
        });
        // Another function's cold start: LAMBDA_BINARY, its event in LAMBDA_EVENT, and what
        // its answer contains in LAMBDA_EXPECT.
        let expect = std::env::var("LAMBDA_EXPECT").unwrap_or_else(|_| "\"statusCode\":200".to_owned());
        let custom_event = std::env::var("LAMBDA_EVENT").ok().map(|path| std::fs::read_to_string(path).expect("LAMBDA_EVENT is readable"));
        let event = custom_event.unwrap_or_else(|| serde_json::to_string(&json!({
            "version": "2.0", "routeKey": "POST /rooms/{roomId}/tokens", "rawPath": format!("/rooms/{room_id}/tokens"), "rawQueryString": "",
            "headers": {"content-type": "application/json"}, "pathParameters": {"roomId": room_id},
            "requestContext": {"accountId": "123456789012", "apiId": "api", "domainName": "api.example.com", "requestId": "r", "routeKey": "POST /rooms/{roomId}/tokens", "stage": "$default", "time": "", "timeEpoch": 0,
                "http": {"method": "POST", "path": format!("/rooms/{room_id}/tokens"), "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
                "authorizer": {"jwt": {"claims": {"sub": "viewer-1"}, "scopes": null}}},
            "body": "{}", "isBase64Encoded": false
        }))
        .unwrap());
        let mut inits = Vec::new();
        let mut firsts = Vec::new();
        let runs = 10;
        if binary.exists() {
            for run in 0..runs {
                let data_dir = dir.path().join(format!("cold-{run}"));
                {
                    let store = ChatStore::new(EmbeddedStore::open(&data_dir.join("store")).unwrap());
                    store.create_room(&record).await.unwrap();
                } // closed before the function opens it
                let (seen_tx, mut seen) = mpsc::unbounded_channel();
                let api = Arc::new(RuntimeApi { event: event.clone(), served: Mutex::new(false), seen: seen_tx });
                let app = Router::new()
                    .route("/2018-06-01/runtime/invocation/next", get(next))
                    .route("/2018-06-01/runtime/invocation/{id}/response", post(respond))
                    .with_state(api);
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let runtime_api = listener.local_addr().unwrap().to_string();
                let server = tokio::spawn(async move { axum::serve(listener, app).await });
                let started = Instant::now();
                let mut child = tokio::process::Command::new(&binary)
                    .env_clear()
                    .env("AWS_LAMBDA_RUNTIME_API", &runtime_api)
                    .env("AWS_LAMBDA_FUNCTION_NAME", binary.file_name().unwrap_or_default())
                    .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
                    .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                    .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
                    .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/token-issuer")
                    .env("AWS_REGION", "us-east-1")
                    .env("AWS_ACCESS_KEY_ID", "bench")
                    .env("AWS_SECRET_ACCESS_KEY", "bench")
                    .env("AWS_ENDPOINT_URL_IVSCHAT", emu.endpoint())
                    .env("CHAT_DATA_DIR", &data_dir)
                    .env("RUST_LOG", "error")
                    .kill_on_drop(true)
                    .spawn()
                    .expect("the function binary runs");
                let mut init = None;
                let first = loop {
                    match tokio::time::timeout(Duration::from_secs(20), seen.recv()).await.expect("the function answers").unwrap() {
                        Seen::Polled(at) => {
                            init.get_or_insert(at - started);
                        }
                        Seen::Responded(at, body) => {
                            assert!(body.contains(&expect), "{body}");
                            break at - started;
                        }
                    }
                };
                inits.push(init.unwrap_or(first));
                firsts.push(first);
                let _ = child.kill().await;
                server.abort();
            }
            inits.sort();
            firsts.sort();
        }

        // ---- handler latency --------------------------------------------------------------
        // Returning viewers (a reconnecting audience: their profile is current, so a token
        // costs reads and CreateChatToken only) and first-time viewers (the profile is written).
        let store = ChatStore::new(EmbeddedStore::open(&dir.path().join("warm")).unwrap());
        store.create_room(&record).await.unwrap();
        let issuer = TokenIssuer { ivs: ivs.clone(), store };
        let first = latencies(&issuer, &room_id, 2000, |i| format!("viewer-{i}")).await;
        let returning = latencies(&issuer, &room_id, 2000, |i| format!("viewer-{}", i % 200)).await;

        // The deployed shape: DynamoDB (moto on loopback) instead of the embedded store, and
        // the same job written in Node.js (benches/node/issue.mjs) against the same servers.
        let moto_figures = if moto_installed() {
            let moto = chat_core::testing::MotoServer::start();
            let store = ChatStore::new(moto.table("bench").await);
            store.create_room(&record).await.unwrap();
            let issuer = TokenIssuer { ivs: ivs.clone(), store };
            latencies(&issuer, &room_id, 50, |i| format!("viewer-{i}")).await;
            let ours = latencies(&issuer, &room_id, 500, |i| format!("viewer-{}", i % 50)).await;
            let node = node_sample(&emu.endpoint(), &moto.endpoint, "bench", &room_id);
            Some((ours, node))
        } else {
            None
        };

        println!("== {} ==", binary.file_name().unwrap_or_default().to_string_lossy());
        if binary.exists() {
            println!(
                "cold start ({runs} runs, {}): to init done (first poll) min {:?} p50 {:?}; to first handled event min {:?} p50 {:?} max {:?}",
                binary.display(),
                inits[0],
                percentile(&inits, 0.5),
                firsts[0],
                percentile(&firsts, 0.5),
                firsts[firsts.len() - 1]
            );
        } else {
            println!("cold start: skipped, {} not built (run scripts/bench-lambdas.sh)", binary.display());
        }
        let show = |what: &str, l: &[Duration]| {
            println!(
                "handler latency, {what}: p50 {:?} p99 {:?} max {:?}",
                percentile(l, 0.5),
                percentile(l, 0.99),
                l[l.len() - 1]
            )
        };
        show("embedded store, 2,000 first-time viewers", &first);
        show("embedded store, 2,000 tokens of 200 returning viewers", &returning);
        match moto_figures {
            Some((ours, node)) => {
                show("DynamoDB (moto), 500 tokens of 50 returning viewers", &ours);
                match node {
                    Some(node) => println!(
                        "  the same job in Node.js 20 (AWS SDK v3), same servers and users: p50 {:.3} ms p99 {:.3} ms — Rust is {:.1}x faster at p50",
                        node.0,
                        node.1,
                        node.0 / (percentile(&ours, 0.5).as_secs_f64() * 1e3)
                    ),
                    None => println!("  Node.js sample: skipped (run `npm ci` in functions/token-issuer/benches/node)"),
                }
            }
            None => println!("DynamoDB (moto): skipped, .venv/bin/moto_server not installed (bash scripts/test.sh installs it)"),
        }
        emu.shutdown().await.unwrap();
    });
}
