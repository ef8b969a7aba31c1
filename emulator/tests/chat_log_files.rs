//! Chat logging holds up: files are closed when idle, when their room goes and past a cap, so
//! room churn never runs the emulator out of descriptors; write failures are counted in the
//! health endpoint; every destination name the API accepts is written inside `--log-dir`.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use ivschat_emulator::testing::Client;
use serde_json::{Value, json};

async fn cloudwatch_configuration(api: &Client, group: &str) -> String {
    let resp = api
        .post(
            "CreateLoggingConfiguration",
            &json!({"destinationConfiguration": {"cloudWatchLogs": {"logGroupName": group}}}),
        )
        .await;
    assert_eq!(resp.status, 200, "{group:?}: {}", resp.text());
    resp.json()["arn"].as_str().unwrap().to_owned()
}

async fn logged_room(api: &Client, configurations: &[String]) -> Value {
    let resp = api
        .post(
            "CreateRoom",
            &json!({"loggingConfigurationIdentifiers": configurations}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
    resp.json()
}

async fn send_event(api: &Client, room_arn: &str) {
    let resp = api
        .post(
            "SendEvent",
            &json!({"roomIdentifier": room_arn, "eventName": "app:churn"}),
        )
        .await;
    assert_eq!(resp.status, 200, "{}", resp.text());
}

/// Waits (up to `wait`) until `check` holds, and says whether it did.
async fn eventually(wait: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    loop {
        if check() {
            return true;
        }
        if start.elapsed() > wait {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn room_churn_with_logging_keeps_open_files_bounded() {
    let logs = tempfile::tempdir().unwrap();
    let log_dir = logs.path().canonicalize().unwrap();
    let emu = EmulatorProcess::spawn(&["--log-dir", log_dir.to_str().unwrap()]);
    let api = Client::new(emu.addr);
    let configuration = cloudwatch_configuration(&api, "/churn").await;
    let fds_before = emu.open_fds();

    // Rooms created, logged to and deleted: each file is closed with its room.
    let mut deleted = Vec::new();
    for _ in 0..300 {
        let room = logged_room(&api, std::slice::from_ref(&configuration)).await;
        let arn = room["arn"].as_str().unwrap();
        send_event(&api, arn).await;
        let resp = api.post("DeleteRoom", &json!({"identifier": arn})).await;
        assert_eq!(resp.status, 204);
        deleted.push(room["id"].as_str().unwrap().to_owned());
    }
    assert!(
        eventually(Duration::from_secs(2), || emu.open_files_under(&log_dir)
            <= 1)
        .await,
        "files of deleted rooms stay open: {}",
        emu.open_files_under(&log_dir)
    );
    let fds_after = emu.open_fds();
    assert!(
        fds_after <= fds_before + 8,
        "descriptors grew from {fds_before} to {fds_after}"
    );

    // Rooms that stay: at most a capped number of files is open at once, and idle ones close.
    let mut kept = Vec::new();
    for _ in 0..300 {
        let room = logged_room(&api, std::slice::from_ref(&configuration)).await;
        send_event(&api, room["arn"].as_str().unwrap()).await;
        kept.push(room["id"].as_str().unwrap().to_owned());
    }
    let open = emu.open_files_under(&log_dir);
    assert!(open <= 128, "{open} chat-log files open at once");
    assert!(
        eventually(Duration::from_secs(10), || emu.open_files_under(&log_dir)
            == 0)
        .await,
        "idle chat-log files stay open: {}",
        emu.open_files_under(&log_dir)
    );

    // Closing files lost nothing: every room's stream has its one event.
    let streams = log_dir.join("cloudwatch-logs/%2Fchurn/aws/IVSChatLogs/1.0");
    for id in deleted.iter().chain(&kept) {
        let text = std::fs::read_to_string(streams.join(format!("room_{id}"))).unwrap();
        assert_eq!(text.lines().count(), 1, "room {id}");
    }
    // Still serving.
    assert_eq!(api.get("/_emulator/health").await.status, 200);
}

#[tokio::test]
async fn chat_log_write_failures_are_counted_in_health() {
    let logs = tempfile::tempdir().unwrap();
    // A file where the CloudWatch Logs directory should be: every write there fails.
    std::fs::write(logs.path().join("cloudwatch-logs"), b"in the way").unwrap();
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        log_dir: Some(logs.path().to_owned()),
        ..test_config()
    })
    .await;
    let api = Client::new(emu.addr);
    let health = api.get("/_emulator/health").await.json();
    assert_eq!(health["chatLogWriteErrors"], 0, "{health}");

    let configuration = cloudwatch_configuration(&api, "blocked").await;
    let room = logged_room(&api, &[configuration]).await;
    for _ in 0..3 {
        send_event(&api, room["arn"].as_str().unwrap()).await;
    }
    let start = Instant::now();
    loop {
        let health = api.get("/_emulator/health").await.json();
        if health["chatLogWriteErrors"] == 3 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(3), "{health}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn every_accepted_log_group_name_is_written_inside_the_log_dir() {
    let logs = tempfile::tempdir().unwrap();
    let log_dir = logs.path().canonicalize().unwrap();
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        log_dir: Some(log_dir.clone()),
        max_logging_configurations: 100,
        ..test_config()
    })
    .await;
    let api = Client::new(emu.addr);
    let long = "a".repeat(300);
    let names = [
        "a".repeat(255),
        "a".repeat(256),
        "a".repeat(512),
        "/".repeat(512),
        "/".repeat(85),
        ".".repeat(512),
        "..".to_owned(),
        ".".to_owned(),
        "#".repeat(512),
        format!("/{}/{}//x", "b".repeat(250), "c".repeat(250)),
        "%2F".repeat(10).replace('%', "#"),
        "_".to_owned(),
    ];
    let mut rooms = Vec::new();
    for name in &names {
        let configuration = cloudwatch_configuration(&api, name).await;
        let room = logged_room(&api, &[configuration]).await;
        send_event(&api, room["arn"].as_str().unwrap()).await;
        rooms.push(room["id"].as_str().unwrap().to_owned());
    }
    // Two names alike but for their end, on one room: two streams, one event each.
    let pair = [
        cloudwatch_configuration(&api, &long).await,
        cloudwatch_configuration(&api, &format!("{long}/")).await,
    ];
    let room = logged_room(&api, &pair).await;
    send_event(&api, room["arn"].as_str().unwrap()).await;
    let pair_room = room["id"].as_str().unwrap().to_owned();
    emu.shutdown().await.unwrap();

    let files = files_under(&log_dir);
    assert_eq!(
        outside_cloudwatch(&files),
        0,
        "no file outside the CloudWatch tree"
    );
    for (name, id) in names.iter().zip(&rooms) {
        let streams: Vec<&PathBuf> = files
            .iter()
            .filter(|p| p.file_name().unwrap() == format!("room_{id}").as_str())
            .collect();
        assert_eq!(streams.len(), 1, "{} chars of {:?}", name.len(), &name[..1]);
        let text = std::fs::read_to_string(streams[0]).unwrap();
        assert_eq!(text.lines().count(), 1, "{name:?}");
        let stream = streams[0].canonicalize().unwrap();
        assert!(
            stream.starts_with(log_dir.join("cloudwatch-logs")),
            "{stream:?}"
        );
    }
    let pair_streams = files
        .iter()
        .filter(|p| p.file_name().unwrap() == format!("room_{pair_room}").as_str())
        .count();
    assert_eq!(pair_streams, 2, "one stream per log group");
}

/// Files that are not under `cloudwatch-logs/` (there should be none here).
fn outside_cloudwatch(files: &[PathBuf]) -> usize {
    files
        .iter()
        .filter(|p| !p.components().any(|c| c.as_os_str() == "cloudwatch-logs"))
        .count()
}
