//! Every sample event in `events/moderator/` (what `cargo lambda invoke --data-file` sends) parses,
//! carries a verified identity and reaches its route; the sample room does not exist here.

use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{ivs_client, status_and_json};
use ivschat_emulator::{Emulator, EmulatorConfig};
use moderator::{Moderator, handle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_event_reaches_its_route() {
    let emu = Emulator::start(EmulatorConfig {
        bind: "127.0.0.1:0".parse().unwrap(),
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let function = Moderator {
        ivs: ivs_client(&emu.endpoint()),
        store: ChatStore::new(EmbeddedStore::open(dir.path()).unwrap()),
    };
    let events = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/moderator");
    let mut seen = 0;
    for entry in std::fs::read_dir(events).unwrap() {
        let path = entry.unwrap().path();
        let req = lambda_http::request::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (status, body) = status_and_json(handle(req, &function).await.unwrap());
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(
            (status, message),
            (404, "Room AbCdEf123456 does not exist."),
            "{}: {body}",
            path.display()
        );
        seen += 1;
    }
    assert_eq!(seen, 6);
}
