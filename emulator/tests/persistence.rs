//! `--data-dir`: state survives a clean restart and a `kill -9` at any moment; without it,
//! state lives in memory only.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::*;
use ivschat_emulator::EmulatorConfig;
use tokio::sync::Mutex;

fn with_dir(dir: &Path) -> EmulatorConfig {
    EmulatorConfig {
        data_dir: Some(dir.to_owned()),
        ..test_config()
    }
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start_with(with_dir(dir.path())).await;
    let ivs = client(&emu.endpoint());
    let config = ivs
        .create_logging_configuration()
        .name("logs")
        .destination_configuration(aws_sdk_ivschat::types::DestinationConfiguration::S3(
            aws_sdk_ivschat::types::S3DestinationConfiguration::builder()
                .bucket_name("bucket")
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let room = ivs
            .create_room()
            .name(format!("room{i}"))
            .logging_configuration_identifiers(config.arn().unwrap())
            .send()
            .await
            .unwrap();
        ids.push(room.id().unwrap().to_owned());
    }
    ivs.tag_resource()
        .resource_arn(room_arn(&ids[0]))
        .tags("kept", "yes")
        .send()
        .await
        .unwrap();
    ivs.delete_room()
        .identifier(room_arn(&ids[4]))
        .send()
        .await
        .unwrap();
    let first_page = ivs.list_rooms().max_results(2).send().await.unwrap();
    let token = ivs
        .create_chat_token()
        .room_identifier(room_arn(&ids[1]))
        .user_id("u1")
        .send()
        .await
        .unwrap();
    emu.shutdown().await.unwrap();

    let emu = start_with(with_dir(dir.path())).await;
    let ivs = client(&emu.endpoint());
    let listed = ivs.list_rooms().send().await.unwrap();
    let listed_ids: Vec<&str> = listed.rooms().iter().map(|r| r.id().unwrap()).collect();
    let expected: Vec<&str> = ids[..4].iter().rev().map(String::as_str).collect();
    assert_eq!(listed_ids, expected, "same rooms, same newest-first order");
    let room0 = ivs
        .get_room()
        .identifier(room_arn(&ids[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(room0.name(), Some("room0"));
    assert_eq!(room0.tags().unwrap()["kept"], "yes");
    assert_eq!(
        room0.logging_configuration_identifiers(),
        [config.arn().unwrap().to_owned()]
    );
    let got = ivs
        .get_logging_configuration()
        .identifier(config.arn().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(got.name(), Some("logs"));
    // Tokens and page tokens issued before the restart stay valid: the key is persisted.
    let next = ivs
        .list_rooms()
        .max_results(2)
        .next_token(first_page.next_token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(next.rooms()[0].id(), Some(ids[1].as_str()));
    let claims = emu
        .service()
        .open_chat_token(token.token().unwrap())
        .unwrap();
    assert_eq!(claims.user_id, "u1");
    // A new room still sorts first.
    let new = ivs.create_room().send().await.unwrap();
    let listed = ivs.list_rooms().max_results(1).send().await.unwrap();
    assert_eq!(listed.rooms()[0].id(), new.id());
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn without_a_data_dir_state_is_in_memory() {
    let emu = start().await;
    client(&emu.endpoint()).create_room().send().await.unwrap();
    emu.shutdown().await.unwrap();
    let emu = start().await;
    let listed = client(&emu.endpoint()).list_rooms().send().await.unwrap();
    assert!(listed.rooms().is_empty());
    emu.shutdown().await.unwrap();
}

async fn count_rooms(ivs: &aws_sdk_ivschat::Client) -> usize {
    let pages = ivs
        .list_rooms()
        .max_results(50)
        .into_paginator()
        .send()
        .collect::<Vec<_>>()
        .await;
    pages
        .iter()
        .map(|p| p.as_ref().unwrap().rooms().len())
        .sum()
}

/// Runs the real binary and waits for its `listening on` line.
fn spawn_emulator(dir: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ivschat-emulator"))
        .args(["--bind", "127.0.0.1:0", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("emulator binary runs");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let endpoint = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();
    (child, endpoint)
}

#[tokio::test]
async fn acknowledged_changes_survive_kill_9_at_any_moment() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..3 {
        let (mut child, endpoint) = spawn_emulator(dir.path());
        let ivs = client(&endpoint);
        let known_before = count_rooms(&ivs).await;
        // Four writers create rooms as fast as they can; the process is killed under them.
        let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut writers = Vec::new();
        for _ in 0..4 {
            let (ivs, acknowledged, stop) = (ivs.clone(), acknowledged.clone(), stop.clone());
            writers.push(tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    match ivs.create_room().tags("round", "x").send().await {
                        Ok(room) => acknowledged
                            .lock()
                            .await
                            .push(room.id().unwrap().to_owned()),
                        Err(_) => break,
                    }
                }
            }));
        }
        // Kill once writes are flowing (a client's first call can be slow on a busy machine),
        // at a moment that differs from round to round.
        let flowing = std::time::Instant::now();
        while acknowledged.lock().await.is_empty()
            && flowing.elapsed() < std::time::Duration::from_secs(20)
        {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(30 + round * 70)).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            w.await.unwrap();
        }
        let acknowledged = acknowledged.lock().await.clone();
        assert!(
            !acknowledged.is_empty(),
            "round {round}: no write completed before the kill"
        );

        let (mut child, endpoint) = spawn_emulator(dir.path());
        let ivs = client(&endpoint);
        for id in &acknowledged {
            ivs.get_room()
                .identifier(room_arn(id))
                .send()
                .await
                .unwrap_or_else(|e| panic!("round {round}: acknowledged room {id} lost: {e:?}"));
        }
        let known_after = count_rooms(&ivs).await;
        assert!(known_after >= known_before + acknowledged.len());
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[tokio::test]
async fn a_used_token_stays_used_across_restarts_and_kills() {
    use ivschat_emulator::testing::Client;
    use serde_json::json;

    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_str().unwrap();
    let first = EmulatorProcess::spawn(&["--data-dir", data_dir]);
    let api = Client::new(first.addr);
    let room = api.post("CreateRoom", &json!({})).await.json();
    let mut tokens = Vec::new();
    for user in ["alice", "bob"] {
        let resp = api
            .post(
                "CreateChatToken",
                &json!({"roomIdentifier": room["arn"], "userId": user}),
            )
            .await;
        tokens.push(resp.json()["token"].as_str().unwrap().to_owned());
    }
    let ws = ws_connect(first.addr, &tokens[0]).await.unwrap();
    // Killed (SIGKILL) with the connection open: nothing gets to run at exit.
    drop(first);
    drop(ws);

    let mut second = EmulatorProcess::spawn(&["--data-dir", data_dir]);
    assert_eq!(ws_refused_status(second.addr, &tokens[0]).await, 401);
    // An unused token of before the restart still connects, once.
    let ws = ws_connect(second.addr, &tokens[1]).await.unwrap();
    drop(ws);
    assert!(second.interrupt().success());

    let third = EmulatorProcess::spawn(&["--data-dir", data_dir]);
    for token in &tokens {
        assert_eq!(ws_refused_status(third.addr, token).await, 401);
    }
}
