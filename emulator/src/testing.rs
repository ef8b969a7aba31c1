//! Test support (feature `testing`): a raw HTTP/1.1 client for what SDKs hide (status codes,
//! headers, malformed bodies), shared by the emulator's tests and those of the crates around it.

use std::net::SocketAddr;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::Value;

pub struct RawResponse {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn error_type(&self) -> &str {
        self.headers
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// One unsigned HTTP/1.1 request, as any client could send it.
pub async fn raw(addr: SocketAddr, method: &str, path: &str, body: &str) -> RawResponse {
    raw_with_headers(addr, method, path, &[], body).await
}

/// One HTTP/1.1 request, as any client could send it (`content-type: application/json` unless
/// `headers` name another).
pub async fn raw_with_headers(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> RawResponse {
    let mut sender = connect(addr).await;
    send(
        &mut sender,
        addr,
        method,
        path,
        headers,
        Bytes::from(body.to_owned()),
    )
    .await
}

/// One keep-alive HTTP/1.1 connection for many requests (reopened if the server closed it),
/// as SDK clients hold them: for tests and benchmarks that send thousands of calls.
pub struct Client {
    addr: SocketAddr,
    sender: tokio::sync::Mutex<Option<SendRequest<Full<Bytes>>>>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            sender: tokio::sync::Mutex::new(None),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// POST a JSON body to an operation path (`op` without the leading `/`).
    pub async fn post(&self, op: &str, body: &Value) -> RawResponse {
        self.request("POST", &format!("/{op}"), Bytes::from(body.to_string()))
            .await
    }

    pub async fn get(&self, path: &str) -> RawResponse {
        self.request("GET", path, Bytes::new()).await
    }

    /// One request on the kept connection.
    pub async fn request(&self, method: &str, path: &str, body: Bytes) -> RawResponse {
        let mut guard = self.sender.lock().await;
        let reusable = match guard.as_mut() {
            Some(sender) => sender.ready().await.is_ok(),
            None => false,
        };
        if !reusable {
            *guard = Some(connect(self.addr).await);
        }
        let sender = guard.as_mut().expect("connected above");
        send(sender, self.addr, method, path, &[], body).await
    }
}

/// Sends one request on `sender` and reads the whole answer (`content-type: application/json`
/// unless `headers` name another).
async fn send(
    sender: &mut SendRequest<Full<Bytes>>,
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Bytes,
) -> RawResponse {
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string());
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        request = request.header("content-type", "application/json");
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request.body(Full::new(body)).expect("a valid request");
    let response = sender
        .send_request(request)
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("the whole body")
        .to_bytes();
    RawResponse {
        status,
        headers,
        body,
    }
}

async fn connect(addr: SocketAddr) -> SendRequest<Full<Bytes>> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("the server is listening");
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("an HTTP/1.1 connection");
    tokio::spawn(conn);
    sender
}
