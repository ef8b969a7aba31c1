//! Chat logging: every MESSAGE and EVENT of a room with ACTIVE logging configurations is
//! recorded under `--log-dir`, laid out per destination, and nothing is lost on a clean stop.

mod common;

use std::io::Read;

use aws_sdk_ivschat::types::{
    CloudWatchLogsDestinationConfiguration, DestinationConfiguration,
    FirehoseDestinationConfiguration, S3DestinationConfiguration,
};
use common::*;
use serde_json::Value;

fn records(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn messages_and_events_are_logged_per_destination() {
    let logs = tempfile::tempdir().unwrap();
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        log_dir: Some(logs.path().to_owned()),
        ..test_config()
    })
    .await;
    let ivs = client(&emu.endpoint());
    let mut arns = Vec::new();
    for destination in [
        DestinationConfiguration::S3(
            S3DestinationConfiguration::builder()
                .bucket_name("chat-archive")
                .build()
                .unwrap(),
        ),
        DestinationConfiguration::CloudWatchLogs(
            CloudWatchLogsDestinationConfiguration::builder()
                .log_group_name("/ivs/chat")
                .build()
                .unwrap(),
        ),
        DestinationConfiguration::Firehose(
            FirehoseDestinationConfiguration::builder()
                .delivery_stream_name("chat-stream")
                .build()
                .unwrap(),
        ),
    ] {
        let config = ivs
            .create_logging_configuration()
            .destination_configuration(destination)
            .send()
            .await
            .unwrap();
        arns.push(config.arn().unwrap().to_owned());
    }
    let room = ivs
        .create_room()
        .set_logging_configuration_identifiers(Some(arns))
        .send()
        .await
        .unwrap();
    let unlogged = ivs.create_room().send().await.unwrap();
    let room_id = room.id().unwrap().to_owned();

    let mut ws = ws_connect(
        emu.addr,
        &token(&ivs, room.arn().unwrap(), "alice", &["SEND_MESSAGE"]).await,
    )
    .await
    .unwrap();
    ws_send(&mut ws, send_message("r1", "first")).await;
    let message = ws_next(&mut ws).await;
    ivs.send_event()
        .room_identifier(room.arn().unwrap())
        .event_name("app:cheer")
        .send()
        .await
        .unwrap();
    let event = ws_next(&mut ws).await;
    let mut other = ws_connect(
        emu.addr,
        &token(&ivs, unlogged.arn().unwrap(), "bob", &["SEND_MESSAGE"]).await,
    )
    .await
    .unwrap();
    ws_send(&mut other, send_message("r2", "not logged")).await;
    ws_next(&mut other).await;
    emu.shutdown().await.unwrap();

    let expected = [("MESSAGE", &message), ("EVENT", &event)];
    let check = |found: Vec<Value>, place: &str| {
        assert_eq!(found.len(), 2, "{place}: {found:?}");
        for (record, (kind, frame)) in found.iter().zip(expected) {
            assert_eq!(record["type"], kind, "{place}");
            assert_eq!(record["version"], "1.0");
            assert_eq!(&record["payload"], frame, "{place}: the exact frame");
            assert!(record["event_timestamp"].as_str().unwrap().ends_with('Z'));
        }
    };

    let s3 = files_under(&logs.path().join("s3/chat-archive"));
    let prefix = logs.path().join(format!(
        "s3/chat-archive/AWSLogs/{ACCOUNT}/IVSChatLogs/1.0/{REGION}/room_{room_id}"
    ));
    assert!(
        !s3.is_empty() && s3.iter().all(|p| p.starts_with(&prefix)),
        "{s3:?}"
    );
    assert!(s3.iter().all(|p| p.extension().is_some_and(|e| e == "gz")));
    let mut lines = String::new();
    for object in &s3 {
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(object).unwrap())
            .read_to_string(&mut text)
            .unwrap();
        lines.push_str(&text);
    }
    check(records(&lines), "s3");

    let stream = logs
        .path()
        .join("cloudwatch-logs/%2Fivs%2Fchat/aws/IVSChatLogs/1.0")
        .join(format!("room_{room_id}"));
    check(
        records(&std::fs::read_to_string(&stream).unwrap()),
        "cloudwatch",
    );
    let firehose = logs.path().join("firehose/chat-stream");
    check(
        records(&std::fs::read_to_string(firehose).unwrap()),
        "firehose",
    );
    // Nothing from the room without logging.
    let all = files_under(logs.path());
    assert!(
        all.iter().all(|p| !std::fs::read(p)
            .unwrap()
            .windows(10)
            .any(|w| w == b"not logged")),
        "{all:?}"
    );
}
