//! chat-local under hostile and careless use, over raw sockets and real files: slow and silent
//! clients, bodies too large or never finished, tokens that are not yet or no longer valid,
//! pages of other sites, and damaged files in the data directory.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

mod common;

use chat_local::config::Timeouts;
use chat_local::{LocalConfig, RunningStack};
use common::{http, preflight, sign_in, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The status of the response that arrives within `secs` seconds (`what` names it on failure).
async fn status_within(stream: &mut TcpStream, secs: u64, what: &str) -> u16 {
    response_within(stream, Duration::from_secs(secs))
        .await
        .expect(what)
        .0
}

/// Writes a request's head (request line and headers).
async fn send_head(
    stream: &mut TcpStream,
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) {
    stream
        .write_all(head(addr, method, path, headers).as_bytes())
        .await
        .unwrap();
}

/// `Authorization` for a freshly signed-in admin.
async fn admin_bearer(addr: std::net::SocketAddr) -> String {
    let admin = sign_in(addr, "alice", "Alice", &["admin"]).await;
    format!("Bearer {}", admin.token)
}

/// [`fresh`], with the short timeouts of [`start_impatient`].
async fn fresh_impatient() -> (tempfile::TempDir, chat_local::RunningStack) {
    let dir = tempfile::tempdir().unwrap();
    let stack = start_impatient(dir.path()).await;
    (dir, stack)
}

/// A running stack on a data dir of its own (kept as long as the returned guard).
async fn fresh() -> (tempfile::TempDir, chat_local::RunningStack) {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    (dir, stack)
}

const MB: usize = 1024 * 1024;

/// A stack whose timeouts are short enough to wait out in a test.
async fn start_impatient(dir: &std::path::Path) -> RunningStack {
    RunningStack::start(LocalConfig {
        timeouts: Timeouts {
            header_read: Duration::from_secs(1),
            body_idle: Duration::from_secs(1),
            request: Duration::from_secs(3),
            response_stall: Duration::from_secs(1),
        },
        ..LocalConfig::ephemeral(dir)
    })
    .await
    .expect("chat-local starts")
}

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.expect("chat-local listens")
}

/// How long until the server closes `stream` (whatever it sends first is read and dropped);
/// `None` if it is still open after `within`.
async fn closed_after(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        let left = within.checked_sub(started.elapsed())?;
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

/// One response's head and body, read off a raw connection; `None` if none came within `within`.
async fn response_within(stream: &mut TcpStream, within: Duration) -> Option<(u16, String)> {
    let read = async {
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().ok())?
                    })
                    .unwrap_or(0);
                if body.len() >= length {
                    let status = head.split(' ').nth(1)?.parse().ok()?;
                    return Some((status, text));
                }
            }
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => bytes.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read).await.ok().flatten()
}

/// The head of a request whose body is yet to come.
fn head(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: {addr}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head + "\r\n"
}

/// A chunk of a `transfer-encoding: chunked` body.
fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

// --- 1. The JWT before the body; limits while streaming; timeouts ---------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_half_sent_requests_are_disconnected_within_the_header_timeout() {
    let (_dir, stack) = fresh().await;
    let addr = stack.app_addr;
    // The default timeout (5 s), as `chat-local` runs.
    let limit = Timeouts::default().header_read + Duration::from_secs(3);

    let mut silent = connect(addr).await;
    let mut half_line = connect(addr).await;
    half_line.write_all(b"GET /roo").await.unwrap();
    let mut half_headers = connect(addr).await;
    half_headers
        .write_all(b"POST /rooms HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ")
        .await
        .unwrap();
    // A kept-alive connection left idle after its response.
    let mut idle = connect(addr).await;
    send_head(&mut idle, addr, "GET", "/style.css", &[]).await;
    assert_eq!(status_within(&mut idle, 5, "the stylesheet").await, 200);

    let (a, b, c, d) = tokio::join!(
        closed_after(&mut silent, limit),
        closed_after(&mut half_line, limit),
        closed_after(&mut half_headers, limit),
        closed_after(&mut idle, limit),
    );
    for (what, closed) in [
        ("silent", a),
        ("half a request line", b),
        ("half the headers", c),
        ("idle after a response", d),
    ] {
        let after = closed.unwrap_or_else(|| panic!("{what}: still open after {limit:?}"));
        assert!(
            after >= Duration::from_secs(3),
            "{what}: closed after {after:?}"
        );
    }
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_is_refused_from_the_headers_before_any_body_is_sent() {
    let (_dir, stack) = fresh().await;
    let addr = stack.app_addr;
    let length = (9 * MB).to_string();
    for authorization in [None, Some("Bearer garbage"), Some("Bearer a.b.c")] {
        let mut headers = vec![
            ("content-type", "application/json"),
            ("content-length", length.as_str()),
        ];
        headers.extend(authorization.map(|a| ("authorization", a)));
        let mut stream = connect(addr).await;
        send_head(&mut stream, addr, "POST", "/rooms", &headers).await;
        let (status, text) = response_within(&mut stream, Duration::from_secs(3))
            .await
            .unwrap_or_else(|| panic!("{authorization:?}: no answer before the body"));
        assert_eq!(status, 401, "{text}");
        // The unread body is never taken for the next request: the connection is closed.
        let _ = stream
            .write_all(head(addr, "GET", "/style.css", &[]).as_bytes())
            .await;
        assert!(
            response_within(&mut stream, Duration::from_secs(2))
                .await
                .is_none(),
            "a second response on a connection with an unread body"
        );
    }
    // The same with `Expect: 100-continue`: refused, and never told to continue.
    let mut stream = connect(addr).await;
    let headers = [
        ("authorization", "Bearer garbage"),
        ("content-length", length.as_str()),
        ("expect", "100-continue"),
    ];
    send_head(&mut stream, addr, "POST", "/rooms", &headers).await;
    assert_eq!(status_within(&mut stream, 3, "an answer").await, 401);
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_10_mb_get_413_declared_or_streamed_and_10_mb_still_passes() {
    let (_dir, stack) = fresh().await;
    let addr = stack.app_addr;
    let auth = admin_bearer(addr).await;

    // Declared too large: refused from the headers.
    let mut stream = connect(addr).await;
    let length = (11 * MB).to_string();
    let headers = [
        ("authorization", auth.as_str()),
        ("content-length", &length),
    ];
    send_head(&mut stream, addr, "POST", "/rooms", &headers).await;
    let (status, text) = response_within(&mut stream, Duration::from_secs(3))
        .await
        .expect("413 before the body");
    assert_eq!(status, 413, "{text}");
    assert!(
        text.contains(r#"{"message":"Request Entity Too Large"}"#),
        "{text}"
    );

    // Streamed without a length: refused as soon as it passes 10 MB.
    let mut stream = connect(addr).await;
    let headers = [
        ("authorization", auth.as_str()),
        ("transfer-encoding", "chunked"),
    ];
    send_head(&mut stream, addr, "POST", "/rooms", &headers).await;
    let piece = vec![b' '; 64 * 1024];
    for _ in 0..(10 * MB / piece.len()) {
        stream.write_all(&chunk(&piece)).await.unwrap();
    }
    // Exactly 10 MB so far: nothing answered yet.
    assert!(
        response_within(&mut stream, Duration::from_millis(300))
            .await
            .is_none()
    );
    stream.write_all(&chunk(b" ")).await.unwrap();
    let (status, text) = response_within(&mut stream, Duration::from_secs(5))
        .await
        .expect("413 once past 10 MB");
    assert_eq!(status, 413, "{text}");

    // Exactly 10 MB is within the limit: the function answers (the JSON is not a room).
    let mut body = vec![b' '; 10 * MB];
    body[0] = b'[';
    body[10 * MB - 1] = b']';
    let length = body.len().to_string();
    let mut stream = connect(addr).await;
    let headers = [
        ("authorization", auth.as_str()),
        ("content-length", &length),
    ];
    send_head(&mut stream, addr, "POST", "/rooms", &headers).await;
    stream.write_all(&body).await.unwrap();
    let (status, text) = response_within(&mut stream, Duration::from_secs(10))
        .await
        .expect("an answer");
    assert_eq!(status, 400, "{}", &text[..text.len().min(500)]);

    // Dev sign-in and the Invoke endpoint, which no token guards, take far less.
    for (path, length, error_type) in [
        ("/dev/login", 65 * 1024, None),
        (
            "/2015-03-31/functions/message-review/invocations",
            6 * MB + 1,
            Some("RequestTooLargeException"),
        ),
    ] {
        let mut stream = connect(addr).await;
        let length = length.to_string();
        stream
            .write_all(head(addr, "POST", path, &[("content-length", &length)]).as_bytes())
            .await
            .unwrap();
        let (status, text) = response_within(&mut stream, Duration::from_secs(3))
            .await
            .unwrap_or_else(|| panic!("{path}: 413 before the body"));
        assert_eq!(status, 413, "{path}: {text}");
        if let Some(error_type) = error_type {
            assert!(text.contains(error_type), "{text}");
        }
    }
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_and_trickled_bodies_time_out() {
    let (_dir, stack) = fresh_impatient().await;
    let addr = stack.app_addr;
    let auth = admin_bearer(addr).await;
    let length = (9 * MB).to_string();
    let headers = [
        ("authorization", auth.as_str()),
        ("content-length", &length),
    ];

    // Half a body, then nothing: 408 after the body idle timeout (1 s here).
    let mut stalled = connect(addr).await;
    send_head(&mut stalled, addr, "POST", "/rooms", &headers).await;
    stalled.write_all(&vec![b' '; MB]).await.unwrap();
    let started = Instant::now();
    assert_eq!(
        status_within(&mut stalled, 3, "408 for a stalled body").await,
        408
    );
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert!(
        closed_after(&mut stalled, Duration::from_secs(2))
            .await
            .is_some()
    );

    // A byte every 300 ms never stalls for 1 s, but the whole request gets 3 s.
    let mut trickle = connect(addr).await;
    send_head(&mut trickle, addr, "POST", "/rooms", &headers).await;
    let started = Instant::now();
    let answer = loop {
        if let Some(answer) = response_within(&mut trickle, Duration::from_millis(300)).await {
            break answer;
        }
        assert!(started.elapsed() < Duration::from_secs(6), "no answer");
        let _ = trickle.write_all(b" ").await;
    };
    assert_eq!(answer.0, 408, "{}", answer.1);
    assert!(started.elapsed() >= Duration::from_millis(2900));

    // Dev sign-in's body is bounded in time too.
    let mut login = connect(addr).await;
    login
        .write_all(head(addr, "POST", "/dev/login", &[("content-length", "100")]).as_bytes())
        .await
        .unwrap();
    login.write_all(b"{\"userId\":").await.unwrap();
    assert_eq!(
        status_within(&mut login, 3, "408 for a stalled sign-in").await,
        408
    );
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_its_responses_is_disconnected() {
    let (_dir, stack) = fresh_impatient().await;
    let addr = stack.app_addr;
    // 1,000 pipelined requests for the page's largest file: far more than the socket buffers
    // hold (tens of megabytes).
    let (largest, size) = chat_local::page::ASSETS
        .iter()
        .map(|(url, body)| (*url, body.len()))
        .max_by_key(|(_, len)| *len)
        .unwrap();
    assert!(size > 10_000, "{largest} is {size} bytes");
    let requests = 1000;
    let mut stream = connect(addr).await;
    let request = head(addr, "GET", largest, &[]);
    stream
        .write_all(request.repeat(requests).as_bytes())
        .await
        .unwrap();
    // Not reading for longer than the stall limit (1 s here)...
    tokio::time::sleep(Duration::from_secs(3)).await;
    // ...the server gave up on it: what it had written ends, well short of every response.
    let mut received = 0;
    let mut buf = vec![0u8; 64 * 1024];
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received += n,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "still open after {received} bytes");
    assert!(
        received < requests * size / 2,
        "{received} bytes: the server kept waiting"
    );
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_on_stalled_clients() {
    let (_dir, stack) = fresh_impatient().await;
    let addr = stack.app_addr;
    let admin = sign_in(addr, "alice", "Alice", &["admin"]).await;
    let auth = format!("Bearer {}", admin.token);
    let mut silent = connect(addr).await;
    silent.write_all(b"GET / HT").await.unwrap();
    let mut uploading = connect(addr).await;
    let headers = [("authorization", auth.as_str()), ("content-length", "1000")];
    send_head(&mut uploading, addr, "POST", "/rooms", &headers).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(6), stack.shutdown())
        .await
        .expect("shutdown within the timeouts")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(4));
}

// --- 2. Dev sign-in is not a cross-site admin login -------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_endpoints_refuse_other_sites_pages_and_serve_the_page_and_curl() {
    let (_dir, stack) = fresh().await;
    let addr = stack.app_addr;
    let port = addr.port();
    let login = r#"{"userId":"mallory","groups":["admin"]}"#;
    let invoke = "/2015-03-31/functions/message-review/invocations";
    let review = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/message-review/allow.json"
    ))
    .unwrap();
    let page_origins = [
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
    ];
    let foreign = [
        "https://evil.example".to_owned(),
        "null".to_owned(),
        format!("http://127.0.0.1:{}", port.wrapping_add(1)),
        format!("https://127.0.0.1:{port}"),
        format!("http://evil.example:{port}"),
    ];

    for origin in &foreign {
        let preflight = preflight(addr, "/dev/login", origin, "content-type").await;
        assert_eq!(preflight.status, 403, "preflight from {origin}");
        assert!(
            preflight
                .headers
                .get("access-control-allow-origin")
                .is_none()
        );
        // A "simple" cross-site POST needs no preflight: it is refused all the same.
        for content_type in ["application/json", "text/plain"] {
            let reply = http(
                addr,
                "POST",
                "/dev/login",
                &[("origin", origin), ("content-type", content_type)],
                Some(login),
            )
            .await;
            assert_eq!(reply.status, 403, "POST from {origin}: {}", reply.text);
            assert!(reply.headers.get("access-control-allow-origin").is_none());
            assert!(!reply.text.contains("token"), "{}", reply.text);
        }
        let reply = http(addr, "GET", "/dev/config", &[("origin", origin)], None).await;
        assert_eq!(reply.status, 403, "/dev/config from {origin}");
        let reply = http(addr, "POST", invoke, &[("origin", origin)], Some(&review)).await;
        assert_eq!(reply.status, 403, "Invoke from {origin}");
    }

    for origin in &page_origins {
        let preflight = preflight(addr, "/dev/login", origin, "content-type").await;
        assert_eq!(preflight.status, 200, "preflight from {origin}");
        assert_eq!(
            preflight.headers["access-control-allow-origin"],
            origin.as_str()
        );
        let reply = http(
            addr,
            "POST",
            "/dev/login",
            &[("origin", origin)],
            Some(login),
        )
        .await;
        assert_eq!(reply.status, 200, "{origin}: {}", reply.text);
        assert!(reply.body["token"].is_string());
        let reply = http(addr, "GET", "/dev/config", &[("origin", origin)], None).await;
        assert_eq!(reply.status, 200, "/dev/config from {origin}");
    }

    // curl, the SDKs and the emulator send no Origin.
    let reply = http(addr, "POST", "/dev/login", &[], Some(login)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = http(addr, "POST", invoke, &[], Some(&review)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["ReviewResult"], "ALLOW");

    // The API keeps the template's CORS: any origin, a JWT required.
    let preflight = preflight(
        addr,
        "/rooms",
        "https://evil.example",
        "authorization,content-type",
    )
    .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(preflight.headers["access-control-allow-origin"], "*");
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_origin_named_with_cors_allow_origin_may_sign_in() {
    let dir = tempfile::tempdir().unwrap();
    let stack = RunningStack::start(LocalConfig {
        cors_allow_origin: "http://localhost:5173".into(),
        ..LocalConfig::ephemeral(dir.path())
    })
    .await
    .unwrap();
    let addr = stack.app_addr;
    let login = r#"{"userId":"alice"}"#;
    let reply = http(
        addr,
        "POST",
        "/dev/login",
        &[("origin", "http://localhost:5173")],
        Some(login),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.headers["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let reply = http(
        addr,
        "POST",
        "/dev/login",
        &[("origin", "https://evil.example")],
        Some(login),
    )
    .await;
    assert_eq!(reply.status, 403);
    stack.shutdown().await.unwrap();
}

// --- 3. Bad files get a clear answer, not a panic and not silence ---------------------------

/// How the real binary ended: its exit code (`None`: still running after its patience, then
/// killed)
/// and what it wrote to stderr.
struct Ended {
    code: Option<i32>,
    stderr: String,
}

fn run_chat_local(data_dir: &std::path::Path, args: &[&str], patience: Duration) -> Ended {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_chat-local"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--host", "127.0.0.1"])
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("chat-local runs");
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = Instant::now() + patience;
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Ended {
        code,
        stderr: reader.join().unwrap(),
    }
}

/// How long a start that should fail may take.
const PATIENCE: Duration = Duration::from_secs(20);

/// Free ports for the binary (`--port 0` would do, but the banner is not read here).
const ANY_PORTS: [&str; 4] = ["--port", "0", "--emulator-port", "0"];

/// A start refused for a bad file: exit code 2, one line naming the file, no panic, no hint
/// about another chat-local.
fn assert_refused(ended: &Ended, file: &str) {
    assert_eq!(ended.code, Some(2), "stderr: {}", ended.stderr);
    assert!(!ended.stderr.contains("panicked"), "{}", ended.stderr);
    let lines: Vec<&str> = ended
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "one line: {}", ended.stderr);
    assert!(lines[0].contains(file), "{}", lines[0]);
    assert!(lines[0].contains("empty or damaged"), "{}", lines[0]);
    assert!(lines[0].contains("delete it"), "{}", lines[0]);
}

/// A data directory with a room and a sign-in in it, made by chat-local itself.
async fn used_data_dir() -> tempfile::TempDir {
    let (dir, stack) = fresh().await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let r = admin
        .call("POST", "/rooms", Some(serde_json::json!({"name": "kept"})))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    stack.shutdown().await.unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_store_file_is_refused_not_reset() {
    let dir = used_data_dir().await;
    let file = dir.path().join("store/store.redb");
    std::fs::write(&file, b"").unwrap();
    let ended = run_chat_local(dir.path(), &ANY_PORTS, PATIENCE);
    assert_refused(&ended, "store/store.redb");
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 0, "left as it was");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_store_file_is_refused_without_a_panic() {
    let dir = used_data_dir().await;
    let file = dir.path().join("store/store.redb");
    let good = std::fs::read(&file).unwrap();
    let len = good.len();
    // 8 bytes overwritten: at 4096, in the header, in the first pages in use (where a plain
    // redb open panics), at the end.
    let offsets = [4096, 0, 100, 8192, 12288, 20480, len - 4096];
    let refused = offsets.map(|offset| {
        let mut bad = good.clone();
        bad[offset..offset + 8].copy_from_slice(&[0xA5; 8]);
        std::fs::write(&file, &bad).unwrap();
        let ended = run_chat_local(dir.path(), &ANY_PORTS, Duration::from_secs(5));
        assert!(
            !ended.stderr.contains("panicked"),
            "{offset}: {}",
            ended.stderr
        );
        if ended.code.is_some() {
            assert_refused(&ended, "store/store.redb");
        }
        // Otherwise the bytes were in no page in use: it started, and was stopped.
        (offset, ended.code.is_some())
    });
    // Which pages are in use depends on what the store holds; the header always is.
    assert!(refused.contains(&(0, true)), "{refused:?}");
    assert!(
        refused.iter().filter(|(_, r)| *r).count() >= 3,
        "{refused:?}"
    );
    // A file that is not a store at all.
    std::fs::write(&file, b"not a database").unwrap();
    let ended = run_chat_local(dir.path(), &ANY_PORTS, PATIENCE);
    assert_refused(&ended, "store/store.redb");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_chat_local_is_not_taken_for_damage() {
    let dir = used_data_dir().await;
    // Killed (SIGKILL) while running, twice: redb recovers; nothing is refused or lost.
    for _ in 0..2 {
        let ended = run_chat_local(dir.path(), &ANY_PORTS, Duration::from_secs(3));
        assert_eq!(ended.code, None, "{}", ended.stderr);
        assert!(!ended.stderr.contains("chat-local:"), "{}", ended.stderr);
    }
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let r = admin.call("GET", "/rooms", None).await;
    assert_eq!(r.body["rooms"][0]["name"], "kept", "{}", r.text);
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_or_short_signing_key_is_refused_not_replaced() {
    let dir = used_data_dir().await;
    let key = dir.path().join("dev-signing-key");
    for content in [&b""[..], b"0123456789abcdef"] {
        std::fs::write(&key, content).unwrap();
        assert_refused(
            &run_chat_local(dir.path(), &ANY_PORTS, PATIENCE),
            "dev-signing-key",
        );
        assert_eq!(std::fs::read(&key).unwrap(), content, "left as it was");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_chat_local_is_named_only_when_it_is_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let running = start(dir.path()).await;
    // The same data directory: the store's lock.
    let ended = run_chat_local(dir.path(), &ANY_PORTS, PATIENCE);
    assert_eq!(ended.code, Some(2), "{}", ended.stderr);
    assert!(!ended.stderr.contains("panicked"), "{}", ended.stderr);
    assert!(
        ended
            .stderr
            .contains("Is another chat-local running on this data directory?"),
        "{}",
        ended.stderr
    );
    // The same port, another data directory.
    let other = tempfile::tempdir().unwrap();
    let port = running.app_addr.port().to_string();
    let ended = run_chat_local(
        other.path(),
        &["--port", &port, "--emulator-port", "0"],
        PATIENCE,
    );
    assert_eq!(ended.code, Some(2), "{}", ended.stderr);
    assert!(
        ended.stderr.contains("Pick other ports"),
        "{}",
        ended.stderr
    );
    running.shutdown().await.unwrap();
    // A damaged store says so, and nothing about another chat-local.
    std::fs::write(dir.path().join("store/store.redb"), b"").unwrap();
    let ended = run_chat_local(dir.path(), &ANY_PORTS, PATIENCE);
    assert_refused(&ended, "store/store.redb");
    assert!(
        !ended.stderr.contains("another chat-local"),
        "{}",
        ended.stderr
    );
}

// --- 4. JWTs as API Gateway's JWT authorizer checks them --------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_not_yet_valid_or_just_expired_are_refused() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use serde_json::{Value, json};

    let (dir, stack) = fresh().await;
    let addr = stack.app_addr;
    let key = std::fs::read(dir.path().join("dev-signing-key")).unwrap();
    let now = jsonwebtoken::get_current_timestamp();
    let token = |times: Value| {
        let mut claims =
            json!({"iss": "chat-local", "aud": "chat-local", "sub": "alice", "groups": ["admin"]});
        for (name, value) in times.as_object().unwrap() {
            claims[name] = value.clone();
        }
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&key),
        )
        .unwrap()
    };
    let cases = [
        (
            "expired 10 s ago",
            json!({"iat": now - 3600, "exp": now - 10}),
            "expired",
        ),
        (
            "expired 1 s ago",
            json!({"iat": now - 3600, "exp": now - 1}),
            "expired",
        ),
        (
            "nbf in a minute",
            json!({"iat": now, "nbf": now + 60, "exp": now + 3600}),
            "not valid yet",
        ),
        (
            "issued in a minute",
            json!({"iat": now + 60, "exp": now + 3600}),
            "not valid yet",
        ),
        ("no exp", json!({"iat": now}), "not a valid JWT"),
        (
            "exp not a number",
            json!({"iat": now, "exp": "tomorrow"}),
            "not a valid JWT",
        ),
    ];
    for (what, times, description) in cases {
        let auth = format!("Bearer {}", token(times));
        let reply = http(addr, "GET", "/rooms", &[("authorization", &auth)], None).await;
        assert_eq!(reply.status, 401, "{what}: {}", reply.text);
        let challenge = reply.headers["www-authenticate"].to_str().unwrap();
        assert!(challenge.contains(description), "{what}: {challenge}");
    }
    for (what, times) in [
        ("valid", json!({"iat": now, "exp": now + 3600})),
        (
            "valid from now",
            json!({"iat": now, "nbf": now, "exp": now + 60}),
        ),
        ("no iat or nbf", json!({"exp": now + 60})),
    ] {
        let auth = format!("Bearer {}", token(times));
        let reply = http(addr, "GET", "/rooms", &[("authorization", &auth)], None).await;
        assert_eq!(reply.status, 200, "{what}: {}", reply.text);
    }
    stack.shutdown().await.unwrap();
}
