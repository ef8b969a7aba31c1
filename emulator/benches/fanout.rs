//! Messaging load tool: N WebSocket clients on loopback join one room; one more client sends
//! at the room's maximum rate (100 messages/s); every client receives every message.
//!
//! Reports, per N: deliveries per second reached, messages lost, send-to-receive latency
//! (p50/p99/max, measured by the receivers against the timestamp the sender put in the
//! message, same machine, same clock), the emulator's memory per connection, and its CPU use.
//!
//! Run: `cargo bench -p ivschat-emulator --bench fanout` — env `FANOUT_CLIENTS` (default
//! `1000,5000,10000`) and `FANOUT_SECS` (default 10). The emulator runs as its own process
//! (bench profile); this process is the load, so both share the machine's cores.

mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use ivschat_emulator::testing::Client;
use serde_json::json;
use support::{Emulator, Ws, join, ok};
use tokio::io::AsyncReadExt;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message;

const RATE: u64 = 100;

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_micros() as u64
}

const MARKER: &[u8] = b"\"Content\":\"t:";

/// The send timestamps of the complete markers in `bytes`, and how many bytes are done with
/// (an unfinished marker at the end is kept for the next read).
fn scan_markers(bytes: &[u8]) -> (Vec<u64>, usize) {
    let finder = memchr::memmem::Finder::new(MARKER);
    let mut stamps = Vec::new();
    let mut done = 0;
    let mut at = 0;
    while let Some(found) = finder.find(&bytes[at..]) {
        let digits = at + found + MARKER.len();
        match bytes[digits..].iter().position(|b| *b == b'"') {
            Some(end) => {
                let text = std::str::from_utf8(&bytes[digits..digits + end]).unwrap_or("0");
                stamps.push(text.parse().unwrap_or(0));
                at = digits + end;
                done = at;
            }
            None => return (stamps, at + found),
        }
    }
    // Keep a tail that could be the start of a marker.
    let keep_from = bytes.len().saturating_sub(MARKER.len() - 1).max(done);
    (stamps, keep_from)
}

/// Sends `RATE` messages a second for `secs` seconds; answers (sent, refused with an ERROR).
async fn send_at_rate(addr: SocketAddr, token: &str, secs: u64) -> (u64, u64) {
    let mut sender = join(addr, token).await;
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / RATE));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut sent, mut rejected) = (0u64, 0u64);
    while started.elapsed() < Duration::from_secs(secs) {
        tokio::select! {
            _ = tick.tick() => {
                let frame = json!({"Action": "SEND_MESSAGE", "RequestId": sent.to_string(), "Content": format!("t:{}", now_micros())});
                sender.send(Message::Text(frame.to_string().into())).await.expect("send");
                sent += 1;
            }
            // The sender's own copies and errors must be read too, or its socket backs up.
            incoming = sender.next() => match incoming {
                Some(Ok(Message::Text(text))) if text.as_str().contains("\"Type\":\"ERROR\"") => rejected += 1,
                Some(Ok(_)) => {}
                _ => break,
            },
        }
    }
    // Errors for the last sends may still be on their way.
    while let Ok(Some(Ok(message))) =
        tokio::time::timeout(Duration::from_millis(500), sender.next()).await
    {
        if matches!(&message, Message::Text(text) if text.as_str().contains("\"Type\":\"ERROR\"")) {
            rejected += 1;
        }
    }
    let _ = sender.close(None).await;
    (sent, rejected)
}

struct Round {
    clients: usize,
    sent: u64,
    rejected: u64,
    delivered: u64,
    expected: u64,
    span: Duration,
    latency: Histogram<u64>,
    rss_per_connection_kib: f64,
    rss_total_mib: f64,
    cpu_percent: f64,
    /// Emulator CPU (user + system) per delivered message, in microseconds.
    cpu_per_delivery_us: f64,
}

async fn round(emu: &Emulator, clients: usize, secs: u64) -> Round {
    let addr = emu.addr;
    // One keep-alive connection for the set-up calls (CreateRoom, CreateChatToken).
    let http = Client::new(addr);
    let room = ok(
        &http,
        "CreateRoom",
        &json!({"maximumMessageRatePerSecond": RATE}),
    )
    .await;
    let arn = room["arn"].as_str().expect("arn").to_owned();
    let mut tokens = Vec::with_capacity(clients + 1);
    for i in 0..=clients {
        let caps = if i == 0 {
            json!(["SEND_MESSAGE"])
        } else {
            json!([])
        };
        let t = ok(
            &http,
            "CreateChatToken",
            &json!({"roomIdentifier": arn, "userId": format!("u{i}"), "capabilities": caps}),
        )
        .await;
        tokens.push(t["token"].as_str().expect("token").to_owned());
    }

    let rss_before = emu.rss_kib();
    // Connect the receivers, 200 handshakes at a time.
    let mut receivers: Vec<Ws> = Vec::with_capacity(clients);
    for chunk in tokens[1..].chunks(200) {
        let handshakes = chunk.iter().map(|t| join(addr, t));
        receivers.extend(futures_util::future::join_all(handshakes).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_after = emu.rss_kib();

    let delivered = Arc::new(AtomicU64::new(0));
    let last_receive = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut readers = Vec::with_capacity(clients);
    for ws in receivers {
        let (delivered, last_receive, stop) =
            (delivered.clone(), last_receive.clone(), stop.clone());
        // After the handshake the reader counts frames in the raw byte stream: server frames
        // are unmasked text, each MESSAGE carries one `"Content":"t:<micros>"`. Decoding every
        // frame with a WebSocket library would make the load tool, not the emulator, the limit.
        let MaybeTlsStream::Plain(mut stream) = ws.into_inner() else {
            unreachable!("plain ws://")
        };
        readers.push(tokio::spawn(async move {
            let mut latency =
                Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
            let mut buf = vec![0u8; 8 * 1024];
            let mut kept = 0; // bytes of an unfinished marker carried to the next read
            loop {
                let read =
                    tokio::time::timeout(Duration::from_millis(200), stream.read(&mut buf[kept..]))
                        .await;
                let n = match read {
                    Ok(Ok(0)) | Ok(Err(_)) => break,
                    Ok(Ok(n)) => n,
                    Err(_) if stop.load(Ordering::Relaxed) => break,
                    Err(_) => continue,
                };
                let now = now_micros();
                let filled = kept + n;
                let (stamps, consumed) = scan_markers(&buf[..filled]);
                for t in &stamps {
                    let _ = latency.record(now.saturating_sub(*t).max(1));
                }
                if !stamps.is_empty() {
                    delivered.fetch_add(stamps.len() as u64, Ordering::Relaxed);
                    last_receive.fetch_max(now, Ordering::Relaxed);
                }
                buf.copy_within(consumed..filled, 0);
                kept = filled - consumed;
            }
            latency
        }));
    }

    // The sender runs on its own thread so that it keeps the rate however busy the readers are.
    let cpu_before = emu.cpu_ticks();
    let started = Instant::now();
    let first_send = now_micros();
    let sender_token = tokens[0].clone();
    let sending = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(send_at_rate(addr, &sender_token, secs))
    });
    let (sent, rejected) = tokio::task::spawn_blocking(move || sending.join().expect("sender"))
        .await
        .expect("sender thread");
    // Let the last messages drain, then stop the readers once they go quiet.
    let expected_total = sent * clients as u64;
    let drain_deadline = Instant::now() + Duration::from_secs(30);
    let mut quiet = 0;
    let mut previous = 0;
    while Instant::now() < drain_deadline && quiet < 4 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = delivered.load(Ordering::Relaxed);
        quiet = if now == previous { quiet + 1 } else { 0 };
        previous = now;
    }
    let cpu_ticks = emu.cpu_ticks() - cpu_before;
    let wall = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
    for reader in readers {
        latency.add(reader.await.expect("reader")).expect("merge");
    }
    let ticks_per_sec = 100.0; // USER_HZ on Linux
    Round {
        clients,
        sent,
        rejected,
        delivered: delivered.load(Ordering::Relaxed),
        expected: expected_total - rejected * clients as u64,
        span: Duration::from_micros(
            last_receive
                .load(Ordering::Relaxed)
                .saturating_sub(first_send),
        ),
        latency,
        rss_per_connection_kib: rss_after.saturating_sub(rss_before) as f64 / clients as f64,
        rss_total_mib: rss_after as f64 / 1024.0,
        cpu_percent: cpu_ticks as f64 / ticks_per_sec / wall.as_secs_f64() * 100.0,
        cpu_per_delivery_us: cpu_ticks as f64 / ticks_per_sec * 1e6
            / delivered.load(Ordering::Relaxed).max(1) as f64,
    }
}

fn main() {
    let counts: Vec<usize> = std::env::var("FANOUT_CLIENTS")
        .unwrap_or_else(|_| "1000,5000,10000".to_owned())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let secs: u64 = std::env::var("FANOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "== ivschat-emulator Messaging fan-out (loopback, bench profile, {RATE} messages/s, {secs} s per round) =="
    );
    println!(
        "clients | deliveries/s | delivered/expected | refused sends | latency p50 / p99 / max | emulator RSS, per connection | emulator CPU, per delivery"
    );
    for clients in counts {
        // A fresh emulator per round, so memory per connection is measured from a clean start.
        let emu = Emulator::spawn(&[]);
        let r = runtime.block_on(round(&emu, clients, secs));
        let rate = r.delivered as f64 / r.span.as_secs_f64().max(1e-9);
        println!(
            "{:>7} | {:>12.0} | {:>9}/{:<9} | {:>5} of {:<5} | {:>6.1} / {:>6.1} / {:>6.1} ms | {:>6.1} MiB, {:>5.1} KiB | {:>4.0}%, {:>4.2} µs",
            r.clients,
            rate,
            r.delivered,
            r.expected,
            r.rejected,
            r.sent,
            r.latency.value_at_quantile(0.50) as f64 / 1000.0,
            r.latency.value_at_quantile(0.99) as f64 / 1000.0,
            r.latency.max() as f64 / 1000.0,
            r.rss_total_mib,
            r.rss_per_connection_kib,
            r.cpu_percent,
            r.cpu_per_delivery_us,
        );
    }
}
