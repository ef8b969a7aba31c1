//! What the emulator's integration tests share: a started emulator, an SDK client pointed at
//! it, and a raw HTTP client for what SDKs hide (status codes, headers, malformed bodies).
#![allow(dead_code)]

use std::net::SocketAddr;

use aws_sdk_ivschat::Client;
use aws_sdk_ivschat::config::{Credentials, Region};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use ivschat_emulator::{Emulator, EmulatorConfig, RunningEmulator};
use serde_json::Value;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";

pub fn test_config() -> EmulatorConfig {
    EmulatorConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        ..EmulatorConfig::default()
    }
}

pub async fn start() -> RunningEmulator {
    start_with(test_config()).await
}

pub async fn start_with(config: EmulatorConfig) -> RunningEmulator {
    Emulator::start(config).await.expect("emulator starts")
}

pub fn client(endpoint: &str) -> Client {
    client_with_keys(endpoint, "AKIDEXAMPLE", "secret")
}

pub fn client_with_keys(endpoint: &str, access_key: &str, secret: &str) -> Client {
    let config = aws_sdk_ivschat::Config::builder()
        .behavior_version_latest()
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(access_key, secret, None, None, "tests"))
        .endpoint_url(endpoint)
        .build();
    Client::from_conf(config)
}

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

pub async fn raw_with_headers(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> RawResponse {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let mut request = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .header("content-type", "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    RawResponse {
        status,
        headers,
        body,
    }
}

/// POST a JSON body to an operation path.
pub async fn post(addr: SocketAddr, op: &str, body: Value) -> RawResponse {
    raw(addr, "POST", &format!("/{op}"), &body.to_string()).await
}

pub fn room_arn(id: &str) -> String {
    format!("arn:aws:ivschat:{REGION}:{ACCOUNT}:room/{id}")
}

pub fn logging_arn(id: &str) -> String {
    format!("arn:aws:ivschat:{REGION}:{ACCOUNT}:logging-configuration/{id}")
}

pub const REVIEW_LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:message-review";
