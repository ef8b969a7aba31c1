//! Limits a client meets before any work: partial or missing headers and idle kept-alive
//! connections are closed after the header-read timeout, slow bodies are answered 408, and
//! oversized bodies 413 without being read. Raw TCP sockets, as an attacker would hold them.

mod common;

use std::time::{Duration, Instant};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HEADER_READ_TIMEOUT_MS: u64 = 500;
const REQUEST_TIMEOUT_MS: u64 = 500;

async fn limited() -> ivschat_emulator::RunningEmulator {
    start_with(ivschat_emulator::EmulatorConfig {
        header_read_timeout_ms: HEADER_READ_TIMEOUT_MS,
        request_timeout_ms: REQUEST_TIMEOUT_MS,
        ..test_config()
    })
    .await
}

/// Reads until the server closes the connection; returns what it sent and when it closed.
async fn read_until_closed(stream: &mut TcpStream, wait: Duration) -> (String, Duration) {
    let start = Instant::now();
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(wait.saturating_sub(start.elapsed()), stream.read(&mut buf))
            .await
        {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buf[..n]),
            Err(_) => panic!(
                "still open after {wait:?}; received {:?}",
                String::from_utf8_lossy(&received)
            ),
        }
    }
    (
        String::from_utf8_lossy(&received).into_owned(),
        start.elapsed(),
    )
}

#[tokio::test]
async fn partial_or_missing_headers_are_cut_off_after_the_timeout() {
    let emu = limited().await;
    let start = Instant::now();
    let mut silent = TcpStream::connect(emu.addr).await.unwrap();
    let mut half_line = TcpStream::connect(emu.addr).await.unwrap();
    half_line.write_all(b"POST /ListRo").await.unwrap();
    let mut half_headers = TcpStream::connect(emu.addr).await.unwrap();
    half_headers
        .write_all(b"POST /ListRooms HTTP/1.1\r\nhost: x\r\ncontent-")
        .await
        .unwrap();
    let wait = Duration::from_millis(HEADER_READ_TIMEOUT_MS * 4);
    for stream in [&mut silent, &mut half_line, &mut half_headers] {
        read_until_closed(stream, wait).await;
        let after = start.elapsed();
        assert!(
            after >= Duration::from_millis(HEADER_READ_TIMEOUT_MS / 2),
            "closed after {after:?}, before the timeout"
        );
    }
    // Meanwhile, and after, others are served.
    assert_eq!(
        raw(emu.addr, "GET", "/_emulator/health", "").await.status,
        200
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_kept_alive_connection_left_idle_is_closed() {
    let emu = limited().await;
    let mut stream = TcpStream::connect(emu.addr).await.unwrap();
    stream
        .write_all(b"GET /_emulator/health HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let (answer, _) = read_until_closed(
        &mut stream,
        Duration::from_millis(HEADER_READ_TIMEOUT_MS * 4),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_body_that_never_finishes_is_answered_408() {
    let emu = limited().await;
    let mut stream = TcpStream::connect(emu.addr).await.unwrap();
    stream
        .write_all(b"POST /ListRooms HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"maxRe")
        .await
        .unwrap();
    let (answer, _) =
        read_until_closed(&mut stream, Duration::from_millis(REQUEST_TIMEOUT_MS * 4)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_oversized_body_is_refused_413_unread() {
    let emu = limited().await;
    let mut stream = TcpStream::connect(emu.addr).await.unwrap();
    // Announces 100 MB and sends none of it: the answer must not wait for it.
    stream
        .write_all(b"POST /CreateRoom HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 12];
    tokio::time::timeout(
        Duration::from_millis(REQUEST_TIMEOUT_MS / 2),
        stream.read_exact(&mut buf),
    )
    .await
    .expect("an answer before the request timeout")
    .unwrap();
    assert_eq!(&buf, b"HTTP/1.1 413");
    // A body just over the limit, sent whole, is refused the same way.
    let resp = raw(emu.addr, "POST", "/CreateRoom", &" ".repeat(300 * 1024)).await;
    assert_eq!(resp.status, 413);
    emu.shutdown().await.unwrap();
}
