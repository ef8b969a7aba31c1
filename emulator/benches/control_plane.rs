//! Control-plane benchmark, on loopback against the real emulator binary (bench profile):
//!
//! - `GetRoom` requests per second from 32 keep-alive clients (target ≥ 10,000/s on 2 cores);
//! - `ListRooms` page latency with 10,000 rooms stored (target p99 ≤ 5 ms);
//! - the emulator's resident memory with 10,000 rooms.
//!
//! Run: `cargo bench -p ivschat-emulator --bench control_plane` (`BENCH_SECS` sets the load
//! duration, default 5). The emulator runs as its own process so its memory is its own.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ivschat_emulator::testing::Client;
use serde_json::json;
use support::{Emulator, ok};

const CLIENTS: usize = 32;
const ROOMS: usize = 10_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    // Leave the cores to the emulator as much as possible: the load comes from one thread.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let secs: u64 = std::env::var("BENCH_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let emu = Emulator::spawn(&["--max-rooms", "100000"]);
    let addr = emu.addr;
    let rss_empty = emu.rss_kib();
    rt.block_on(async move {
        // Seed 10,000 rooms (names spread over 100 values so filters have work to do).
        let started = Instant::now();
        let mut arns = Vec::with_capacity(ROOMS);
        let mut seeders = Vec::new();
        for worker in 0..8 {
            seeders.push(tokio::spawn(async move {
                let api = Client::new(addr);
                let mut out = Vec::new();
                for i in (worker..ROOMS).step_by(8) {
                    let body = json!({"name": format!("room-{}", i % 100), "tags": {"n": i.to_string()}});
                    let room = ok(&api, "CreateRoom", &body).await;
                    out.push(room["arn"].as_str().expect("arn").to_owned());
                }
                out
            }));
        }
        for s in seeders {
            arns.extend(s.await.expect("seeder"));
        }
        let seed_time = started.elapsed();
        let rss_rooms = emu.rss_kib();

        // GetRoom throughput: 32 keep-alive clients for `secs` seconds.
        let arns = Arc::new(arns);
        let done = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicU64::new(0));
        let mut clients = Vec::new();
        for c in 0..CLIENTS {
            let (arns, done, count) = (arns.clone(), done.clone(), count.clone());
            clients.push(tokio::spawn(async move {
                let api = Client::new(addr);
                let mut i = c * 97;
                let mut latencies = Vec::new();
                while !done.load(Ordering::Relaxed) {
                    let body = json!({"identifier": arns[i % arns.len()]});
                    let t = Instant::now();
                    ok(&api, "GetRoom", &body).await;
                    latencies.push(t.elapsed());
                    count.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
                latencies
            }));
        }
        let load_start = Instant::now();
        tokio::time::sleep(Duration::from_secs(secs)).await;
        done.store(true, Ordering::Relaxed);
        let mut latencies = Vec::new();
        for c in clients {
            latencies.extend(c.await.expect("client"));
        }
        let elapsed = load_start.elapsed();
        latencies.sort();
        let rps = count.load(Ordering::Relaxed) as f64 / elapsed.as_secs_f64();

        // ListRooms pages: walk every page of 50 (200 pages), then filtered first pages.
        let api = Client::new(addr);
        let mut pages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"maxResults": 50});
            if let Some(t) = &token {
                body["nextToken"] = json!(t);
            }
            let t = Instant::now();
            let page = ok(&api, "ListRooms", &body).await;
            pages.push(t.elapsed());
            token = page["nextToken"].as_str().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        let walked = pages.len();
        let mut filtered = Vec::new();
        for i in 0..200 {
            let body = json!({"name": format!("room-{}", i % 100), "maxResults": 50});
            let t = Instant::now();
            let page = ok(&api, "ListRooms", &body).await;
            filtered.push(t.elapsed());
            // 100 rooms carry each name: a full first page, and more to come.
            assert_eq!(page["rooms"].as_array().map(Vec::len), Some(50));
            assert!(page["nextToken"].is_string());
        }
        pages.sort();
        filtered.sort();

        println!("== ivschat-emulator control plane (loopback, bench profile) ==");
        println!("seeded {ROOMS} rooms in {:.2} s ({:.0} CreateRoom/s, 8 clients)", seed_time.as_secs_f64(), ROOMS as f64 / seed_time.as_secs_f64());
        println!(
            "GetRoom, {CLIENTS} keep-alive clients, {secs} s: {rps:.0} req/s; latency p50 {:?} p99 {:?}",
            percentile(&latencies, 0.50),
            percentile(&latencies, 0.99)
        );
        println!(
            "ListRooms, {walked} pages of 50 over {ROOMS} rooms: p50 {:?} p99 {:?} max {:?}",
            percentile(&pages, 0.50),
            percentile(&pages, 0.99),
            pages.last().copied().unwrap_or_default()
        );
        println!(
            "ListRooms filtered by name (100 matches of {ROOMS}), first page of 50: p50 {:?} p99 {:?}",
            percentile(&filtered, 0.50),
            percentile(&filtered, 0.99)
        );
        println!(
            "emulator RSS: {:.1} MiB empty, {:.1} MiB with {ROOMS} rooms ({:.2} KiB per room)",
            rss_empty as f64 / 1024.0,
            rss_rooms as f64 / 1024.0,
            (rss_rooms.saturating_sub(rss_empty)) as f64 / ROOMS as f64
        );
    });
}
