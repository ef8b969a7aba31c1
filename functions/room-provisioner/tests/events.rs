//! Every sample event in `events/room-provisioner/` (what `cargo lambda invoke --data-file`
//! sends) parses, carries a verified identity and reaches its route.

use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{emulator, ivs_client, sample_events, status_and_json};
use room_provisioner::{Provisioner, handle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_event_reaches_its_route() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let p = Provisioner {
        ivs: ivs_client(&emu.endpoint()),
        store: ChatStore::new(EmbeddedStore::open(dir.path()).unwrap()),
        review_handler_arn: None,
        region: "us-east-1".into(),
    };
    let events = sample_events("room-provisioner");
    assert_eq!(events.len(), 14);
    for (name, req) in events {
        let (status, body) = status_and_json(handle(req, &p).await.unwrap());
        let expected = match name.as_str() {
            "create-room.json" | "create-logging-configuration.json" => 201,
            "list-rooms.json" | "list-logging-configurations.json" => 200,
            // The sample ids name resources this fresh emulator does not have.
            _ => 404,
        };
        assert_eq!(status, expected, "{name}: {body}");
    }
}
