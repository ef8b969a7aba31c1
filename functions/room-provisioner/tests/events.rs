//! Every sample event in `events/room-provisioner/` (what `cargo lambda invoke --data-file`
//! sends) parses, carries a verified identity and reaches its route.

use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{check_sample_events, emulator_with_iam, function_ivs_client, iam_policy};
use room_provisioner::{Provisioner, ROUTES, handle};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_sample_event_reaches_its_route() {
    // Under its own IAM policy, as deployed.
    let emu = emulator_with_iam(iam_policy()).await;
    let dir = tempfile::tempdir().unwrap();
    let p = Provisioner {
        ivs: function_ivs_client(&emu.endpoint(), "room-provisioner"),
        store: ChatStore::new(EmbeddedStore::open(dir.path()).unwrap()),
        review_handler_arn: None,
        region: "us-east-1".into(),
    };
    check_sample_events(
        "room-provisioner",
        ROUTES,
        |req| handle(req, &p),
        |name| {
            match name {
                "create-room.json" | "create-logging-configuration.json" => (201, None),
                "list-rooms.json" | "list-logging-configurations.json" => (200, None),
                // The sample ids name resources this fresh emulator does not have.
                _ => (404, None),
            }
        },
    )
    .await;
}
