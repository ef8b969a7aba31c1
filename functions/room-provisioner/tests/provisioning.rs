//! room-provisioner end to end against the IVS Chat emulator and DynamoDB (moto), both
//! enforcing template.yaml's IAM policy for room-provisioner (its calls go with its own key;
//! the tests look with the harness's).

use chat_core::store::{ChatStore, DynamoStore};
use chat_core::testing::{
    ApiCaller, DynamoProxy, MotoServer, api_request, emulator_with_iam, function_ivs_client,
    iam_policy, ivs_client, status_and_json,
};
use ivschat_emulator::RunningEmulator;
use lambda_http::{Body, Request, Response};
use room_provisioner::{Provisioner, handle};
use serde_json::json;

const ADMIN: &[(&str, &str)] = &[("sub", "admin-1"), ("cognito:groups", "[admin]")];
const VIEWER: &[(&str, &str)] = &[("sub", "viewer-1")];
const REVIEW: &str = "arn:aws:lambda:us-east-1:123456789012:function:message-review";

struct World {
    _emu: RunningEmulator,
    _moto: (MotoServer, DynamoProxy),
    p: Provisioner<DynamoStore>,
    /// The harness's IVS client, for looking at what the function did.
    ivs: aws_sdk_ivschat::Client,
}

async fn world() -> World {
    let emu = emulator_with_iam(iam_policy()).await;
    let moto = MotoServer::start();
    let dynamo = moto.behind_iam(&iam_policy()).await;
    dynamo.table("chat").await;
    let p = Provisioner {
        ivs: function_ivs_client(&emu.endpoint(), "room-provisioner"),
        store: ChatStore::new(dynamo.function_store("room-provisioner", "chat")),
        review_handler_arn: Some(REVIEW.into()),
        region: "us-east-1".into(),
    };
    World {
        ivs: ivs_client(&emu.endpoint()),
        _emu: emu,
        _moto: (moto, dynamo),
        p,
    }
}

impl ApiCaller for World {
    async fn handle(&self, req: Request) -> Response<Body> {
        handle(req, &self.p).await.unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_are_created_with_the_review_handler_and_recorded() {
    let w = world().await;
    let policy = json!({"blockedTerms": ["spoiler*"], "profanity": "strict", "slowModeSeconds": 5});
    let (status, room) = w
        .call("POST /rooms", &[], &[], Some(ADMIN), Some(json!({"name": "launch", "maximumMessageLength": 300, "tags": {"team": "live"}, "policy": policy})))
        .await;
    assert_eq!(status, 201, "{room}");
    let id = room["id"].as_str().unwrap();
    assert_eq!(room["owner"], "admin-1");
    assert_eq!(room["messageReviewHandler"]["uri"], REVIEW);
    assert_eq!(room["maximumMessageLength"], 300);
    assert_eq!(room["policy"]["profanity"], "strict");
    // IVS has it as we said.
    let ivs_room = w
        .ivs
        .get_room()
        .identifier(room["arn"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        ivs_room.message_review_handler().unwrap().uri(),
        Some(REVIEW)
    );
    assert_eq!(ivs_room.tags().unwrap()["team"], "live");
    // Anyone signed in may read it, and sees their role.
    let (status, got) = w
        .room_call("GET /rooms/{roomId}", id, Some(VIEWER), None)
        .await;
    assert_eq!((status, got["role"].as_str()), (200, Some("viewer")));
    assert_eq!(got["policy"]["blockedTerms"][0], "spoiler*");

    // Changes: IVS settings and the policy.
    let (status, updated) = w
        .room_call("PATCH /rooms/{roomId}", id, Some(ADMIN), Some(json!({"name": "launch-2", "maximumMessageRatePerSecond": 5, "policy": {"profanity": "off"}})))
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["name"], "launch-2");
    assert_eq!(updated["maximumMessageRatePerSecond"], 5);
    assert_eq!(updated["policy"]["profanity"], "off");
    assert_eq!(w.p.store.room(id).await.unwrap().unwrap().name, "launch-2");

    // Refused changes change nothing.
    for body in [
        json!({"policy": {"slowModeSeconds": 999_999}}),
        json!({"policy": {"profanity": "extreme"}}),
        json!({"maximumMessageLength": 501}),
        json!({"name": "has space"}),
        json!({"owner": "viewer-1"}),
        json!({"tags": {"a": "b"}}),
    ] {
        let (status, answer) = w
            .room_call("PATCH /rooms/{roomId}", id, Some(ADMIN), Some(body.clone()))
            .await;
        assert_eq!(status, 400, "{body}: {answer}");
    }
    w.expect_in(
        403,
        "PATCH /rooms/{roomId}",
        id,
        Some(VIEWER),
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!(
        w.p.store
            .room(id)
            .await
            .unwrap()
            .unwrap()
            .policy
            .unwrap()
            .profanity,
        chat_core::domain::policy::ProfanityLevel::Off
    );

    // Tags.
    let (status, tags) = w
        .room_call(
            "POST /rooms/{roomId}/tags",
            id,
            Some(ADMIN),
            Some(json!({"tags": {"env": "prod"}})),
        )
        .await;
    assert_eq!((status, tags["tags"]["env"].as_str()), (200, Some("prod")));
    let (status, _) = w
        .call(
            "DELETE /rooms/{roomId}/tags",
            &[("roomId", id)],
            &[("keys", "env,team")],
            Some(ADMIN),
            None,
        )
        .await;
    assert_eq!(status, 204);
    w.expect_in(400, "DELETE /rooms/{roomId}/tags", id, Some(ADMIN), None)
        .await;

    // Deleting removes it from IVS and every record of it.
    w.expect_in(403, "DELETE /rooms/{roomId}", id, Some(VIEWER), None)
        .await;
    w.expect_in(204, "DELETE /rooms/{roomId}", id, Some(ADMIN), None)
        .await;
    assert!(
        w.ivs
            .get_room()
            .identifier(room["arn"].as_str().unwrap())
            .send()
            .await
            .is_err()
    );
    assert_eq!(w.p.store.room(id).await.unwrap(), None);
    w.expect_in(404, "GET /rooms/{roomId}", id, Some(ADMIN), None)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_page_through_ivs() {
    let w = world().await;
    for i in 0..3 {
        w.expect(
            201,
            "POST /rooms",
            &[],
            Some(ADMIN),
            Some(json!({"name": format!("r{i}")})),
        )
        .await;
    }
    let (status, first) = w
        .call("GET /rooms", &[], &[("limit", "2")], Some(VIEWER), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(first["rooms"].as_array().unwrap().len(), 2);
    let token = first["nextToken"].as_str().unwrap();
    let (_, second) = w
        .call(
            "GET /rooms",
            &[],
            &[("limit", "2"), ("nextToken", token)],
            Some(VIEWER),
            None,
        )
        .await;
    assert_eq!(second["rooms"].as_array().unwrap().len(), 1);
    assert!(second["nextToken"].is_null());
    for limit in ["0", "51", "ten"] {
        let (status, _) = w
            .call("GET /rooms", &[], &[("limit", limit)], Some(VIEWER), None)
            .await;
        assert_eq!(status, 400, "{limit}");
    }
    let (status, _) = w
        .call(
            "GET /rooms",
            &[],
            &[("nextToken", "forged")],
            Some(VIEWER),
            None,
        )
        .await;
    assert_eq!(status, 400, "IVS refuses the token: a clear 400");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_configurations_are_for_admins() {
    let w = world().await;
    let (status, config) = w
        .call(
            "POST /logging-configurations",
            &[],
            &[],
            Some(ADMIN),
            Some(json!({"name": "archive", "destination": {"s3": {"bucketName": "chat-archive"}}})),
        )
        .await;
    assert_eq!(status, 201, "{config}");
    let id = config["id"].as_str().unwrap();
    assert_eq!(config["state"], "ACTIVE");
    assert_eq!(config["destination"]["s3"]["bucketName"], "chat-archive");
    w.expect(403, "GET /logging-configurations", &[], Some(VIEWER), None)
        .await;
    let (status, list) = w
        .call("GET /logging-configurations", &[], &[], Some(ADMIN), None)
        .await;
    assert_eq!(
        (status, list["loggingConfigurations"][0]["id"].as_str()),
        (200, Some(id))
    );
    let (status, updated) = w
        .call(
            "PATCH /logging-configurations/{id}",
            &[("id", id)],
            &[],
            Some(ADMIN),
            Some(json!({"destination": {"firehose": {"deliveryStreamName": "chat"}}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        updated["destination"]["firehose"]["deliveryStreamName"],
        "chat"
    );

    // Attached to a room, it cannot be deleted (409); detached, it can.
    let (_, room) = w
        .call(
            "POST /rooms",
            &[],
            &[],
            Some(ADMIN),
            Some(json!({"loggingConfigurationIds": [id]})),
        )
        .await;
    assert_eq!(room["loggingConfigurationIds"][0], id);
    w.expect_code(
        409,
        "CONFLICT",
        "DELETE /logging-configurations/{id}",
        &[("id", id)],
        Some(ADMIN),
        None,
    )
    .await;
    let room_id = room["id"].as_str().unwrap();
    w.expect_in(
        200,
        "PATCH /rooms/{roomId}",
        room_id,
        Some(ADMIN),
        Some(json!({"loggingConfigurationIds": []})),
    )
    .await;
    w.expect(
        204,
        "DELETE /logging-configurations/{id}",
        &[("id", id)],
        Some(ADMIN),
        None,
    )
    .await;
    w.expect(
        404,
        "GET /logging-configurations/{id}",
        &[("id", id)],
        Some(ADMIN),
        None,
    )
    .await;

    for body in [
        json!({}),
        json!({"destination": {}}),
        json!({"destination": {"s3": {"bucketName": "A"}}}),
        json!({"destination": {"ftp": {}}}),
    ] {
        let (status, answer) = w
            .call(
                "POST /logging-configurations",
                &[],
                &[],
                Some(ADMIN),
                Some(body.clone()),
            )
            .await;
        assert_eq!(status, 400, "{body}: {answer}");
    }
    w.expect(
        400,
        "GET /logging-configurations/{id}",
        &[("id", "short")],
        Some(ADMIN),
        None,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_that_cannot_be_recorded_is_not_left_in_ivs() {
    let w = world().await;
    // A store whose table does not exist: every write fails.
    let moto = MotoServer::start();
    let broken = Provisioner {
        ivs: w.p.ivs.clone(),
        store: ChatStore::new(DynamoStore::new(moto.client(), "no-such-table")),
        review_handler_arn: None,
        region: "us-east-1".into(),
    };
    let req = api_request(
        "POST /rooms",
        &[],
        &[],
        Some(ADMIN),
        Some(json!({"name": "orphan"})),
    );
    let (status, body) = status_and_json(handle(req, &broken).await.unwrap());
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (500, Some("STORE_UNAVAILABLE"))
    );
    let rooms = w.ivs.list_rooms().send().await.unwrap();
    assert!(rooms.rooms().is_empty(), "the IVS room was deleted again");
}
