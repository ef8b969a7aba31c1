//! Every sample event in `events/token-issuer/` (what `cargo lambda invoke --data-file` sends)
//! parses, carries a verified identity and reaches its route; the sample room does not exist.

use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{check_sample_events, emulator, ivs_client};
use token_issuer::{ROUTES, TokenIssuer, handle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_event_reaches_its_route() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let function = TokenIssuer {
        ivs: ivs_client(&emu.endpoint()),
        store: ChatStore::new(EmbeddedStore::open(dir.path()).unwrap()),
    };
    check_sample_events(
        "token-issuer",
        ROUTES,
        |req| handle(req, &function),
        |_| (404, Some("Room AbCdEf123456 does not exist.")),
    )
    .await;
}
