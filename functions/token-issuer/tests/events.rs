//! Every sample event in `events/token-issuer/` (what `cargo lambda invoke --data-file` sends) parses,
//! carries a verified identity and reaches its route; the sample room does not exist here.

use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{emulator, ivs_client, sample_events, status_and_json};
use token_issuer::{TokenIssuer, handle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_event_reaches_its_route() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let function = TokenIssuer {
        ivs: ivs_client(&emu.endpoint()),
        store: ChatStore::new(EmbeddedStore::open(dir.path()).unwrap()),
    };
    let events = sample_events("token-issuer");
    assert_eq!(events.len(), 1);
    for (name, req) in events {
        let (status, body) = status_and_json(handle(req, &function).await.unwrap());
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(
            (status, message),
            (404, "Room AbCdEf123456 does not exist."),
            "{name}: {body}"
        );
    }
}
