//! Every sample event in `events/room-provisioner/` (what `cargo lambda invoke --data-file`
//! sends) parses, carries a verified identity and reaches its route.

use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{ivs_client, status_and_json};
use ivschat_emulator::{Emulator, EmulatorConfig};
use room_provisioner::{Provisioner, handle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_event_reaches_its_route() {
    let emu = Emulator::start(EmulatorConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = Provisioner {
        ivs: ivs_client(&emu.endpoint()),
        store: ChatStore::new(EmbeddedStore::open(dir.path()).unwrap()),
        review_handler_arn: None,
        region: "us-east-1".into(),
    };
    let events =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/room-provisioner");
    let mut seen = 0;
    for entry in std::fs::read_dir(events).unwrap() {
        let path = entry.unwrap().path();
        let req = lambda_http::request::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (status, body) = status_and_json(handle(req, &p).await.unwrap());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            status != 401 && !message.starts_with("No route"),
            "{name}: {status} {body}"
        );
        let expected = match name.as_str() {
            "create-room.json" | "create-logging-configuration.json" => 201,
            "list-rooms.json" | "list-logging-configurations.json" => 200,
            // The sample ids name resources this fresh emulator does not have.
            _ => 404,
        };
        assert_eq!(status, expected, "{name}: {body}");
        seen += 1;
    }
    assert_eq!(seen, 14);
}
