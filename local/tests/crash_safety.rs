//! Rooms survive a crash at any point of their creation or deletion: the real chat-local binary
//! is killed (SIGKILL) under concurrent creates and deletes, restarted, and the two sides —
//! IVS's rooms and the backend's records — must agree: `GET /rooms` lists exactly the IVS
//! rooms, each of which every other route knows; acknowledged creations are there, and
//! acknowledged deletions are gone.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use common::{Client, free_port, sign_in};
use serde_json::json;

struct Running {
    child: Child,
    app: SocketAddr,
    emulator: SocketAddr,
}

/// Starts the real binary on the data dir and waits until its API answers.
async fn spawn(dir: &std::path::Path) -> Running {
    let (app_port, emulator_port) = (free_port(), free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_chat-local"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--port", &app_port.to_string()])
        .args(["--emulator-port", &emulator_port.to_string()])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("chat-local runs");
    let app: SocketAddr = format!("127.0.0.1:{app_port}").parse().unwrap();
    let started = Instant::now();
    while tokio::net::TcpStream::connect(app).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "chat-local did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Running {
        child,
        app,
        emulator: format!("127.0.0.1:{emulator_port}").parse().unwrap(),
    }
}

/// What the workers were told: created (201), being deleted, deleted (204).
#[derive(Clone, Default)]
struct Ledger {
    created: BTreeSet<String>,
    deleting: BTreeSet<String>,
    deleted: BTreeSet<String>,
}

/// Every room `GET /rooms` lists, over all its pages.
async fn listed(admin: &Client) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            Some(token) => format!("/rooms?nextToken={token}"),
            None => "/rooms".to_owned(),
        };
        let r = admin.call("GET", &path, None).await;
        assert_eq!(r.status, 200, "{}", r.text);
        for room in r.body["rooms"].as_array().unwrap() {
            ids.insert(room["id"].as_str().unwrap().to_owned());
        }
        match r.body["nextToken"].as_str() {
            Some(token) => next = Some(token.to_owned()),
            None => return ids,
        }
    }
}

async fn in_ivs(emulator: SocketAddr) -> BTreeSet<String> {
    let ivs = chat_core::ivs::client_for_endpoint(&format!("http://{emulator}"), "us-east-1");
    let mut ids = BTreeSet::new();
    let mut next: Option<String> = None;
    loop {
        let page = ivs.list_rooms().set_next_token(next).send().await.unwrap();
        ids.extend(
            page.rooms()
                .iter()
                .filter_map(|r| r.id())
                .map(str::to_owned),
        );
        match page.next_token() {
            Some(token) => next = Some(token.to_owned()),
            None => return ids,
        }
    }
}

/// After a restart: both sides agree, and what was acknowledged held.
async fn check(round: usize, running: &Running, admin: &Client, ledger: &Ledger) {
    let listed = listed(admin).await;
    let ivs = in_ivs(running.emulator).await;
    assert_eq!(listed, ivs, "round {round}: GET /rooms and IVS disagree");
    for id in &listed {
        let r = admin.call("GET", &format!("/rooms/{id}"), None).await;
        assert_eq!(r.status, 200, "round {round}: listed room {id}: {}", r.text);
    }
    for id in ledger.created.difference(&ledger.deleting) {
        assert!(
            listed.contains(id),
            "round {round}: acknowledged room {id} lost"
        );
    }
    for id in &ledger.deleted {
        assert!(
            !ivs.contains(id),
            "round {round}: deleted room {id} is back in IVS"
        );
        let r = admin.call("GET", &format!("/rooms/{id}"), None).await;
        assert_eq!(
            r.status, 404,
            "round {round}: deleted room {id}: {}",
            r.text
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kill_at_any_point_leaves_no_orphan_rooms() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    for round in 0..6 {
        let mut running = spawn(dir.path()).await;
        let admin = Arc::new(sign_in(running.app, "alice", "Alice", &["admin"]).await);
        let seen = ledger.lock().unwrap().clone();
        check(round, &running, &admin, &seen).await;

        // Three workers create rooms and delete every other one, until the process dies.
        let mut workers = Vec::new();
        for worker in 0..3 {
            let (admin, ledger) = (admin.clone(), ledger.clone());
            workers.push(tokio::spawn(async move {
                for n in 0.. {
                    let name = format!("w{worker}-{n}");
                    let r = admin
                        .call("POST", "/rooms", Some(json!({"name": name})))
                        .await;
                    if r.status != 201 {
                        return;
                    }
                    let id = r.body["id"].as_str().unwrap().to_owned();
                    ledger.lock().unwrap().created.insert(id.clone());
                    if n % 2 == 1 {
                        ledger.lock().unwrap().deleting.insert(id.clone());
                        let r = admin.call("DELETE", &format!("/rooms/{id}"), None).await;
                        if r.status != 204 {
                            return;
                        }
                        ledger.lock().unwrap().deleted.insert(id);
                    }
                }
            }));
        }
        // Kill once work is flowing, at a moment that differs from round to round.
        let flowing = Instant::now();
        while ledger.lock().unwrap().created.is_empty()
            && flowing.elapsed() < Duration::from_secs(20)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let jitter = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
            % 400;
        tokio::time::sleep(Duration::from_millis(
            20 + u64::from(jitter) + round as u64 * 30,
        ))
        .await;
        running.child.kill().unwrap(); // SIGKILL
        running.child.wait().unwrap();
        // A worker whose request the kill cut off ends there (the test client panics on a
        // dropped connection): what it was told before is in the ledger.
        for w in workers {
            let _ = w.await;
        }
    }
    let mut running = spawn(dir.path()).await;
    let admin = sign_in(running.app, "alice", "Alice", &["admin"]).await;
    let ledger = ledger.lock().unwrap().clone();
    assert!(!ledger.created.is_empty() && !ledger.deleted.is_empty());
    check(6, &running, &admin, &ledger).await;
    running.child.kill().unwrap();
    running.child.wait().unwrap();
}
