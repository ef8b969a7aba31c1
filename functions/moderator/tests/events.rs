//! Every sample event in `events/moderator/` (what `cargo lambda invoke --data-file` sends)
//! parses, carries a verified identity and reaches its route; the sample room does not exist.

use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{check_sample_events, emulator_with_iam, function_ivs_client, iam_policy};
use moderator::{Moderator, ROUTES, handle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_event_reaches_its_route() {
    // Under its own IAM policy, as deployed.
    let emu = emulator_with_iam(iam_policy()).await;
    let dir = tempfile::tempdir().unwrap();
    let function = Moderator {
        ivs: function_ivs_client(&emu.endpoint(), "moderator"),
        store: ChatStore::new(EmbeddedStore::open(dir.path()).unwrap()),
    };
    check_sample_events(
        "moderator",
        ROUTES,
        |req| handle(req, &function),
        |_| (404, Some("Room AbCdEf123456 does not exist.")),
    )
    .await;
}
