//! The backend end to end, as a team runs it: room-provisioner, token-issuer and moderator
//! handlers against the IVS Chat emulator (real SDK, real WebSockets) and DynamoDB (moto),
//! both enforcing template.yaml's IAM policies: each function calls with its own key.

use std::time::Duration;

use chat_core::store::{ChatStore, DynamoStore};
use chat_core::testing::{
    ApiCaller, ChatSocket, Claims, DynamoProxy, MotoServer, api_request, chat_connect,
    emulator_with_iam, function_ivs_client, iam_policy, ivs_client, status_and_json,
};
use futures_util::StreamExt;
use ivschat_emulator::RunningEmulator;
use lambda_http::{Body, Request, Response};
use moderator::Moderator;
use room_provisioner::Provisioner;
use serde_json::{Value, json};
use token_issuer::TokenIssuer;
use tokio_tungstenite::tungstenite::Message;

const ADMIN: &[(&str, &str)] = &[("sub", "admin-1"), ("cognito:groups", "[admin]")];
const OWNER: &[(&str, &str)] = &[("sub", "owner-1")];
const MOD: &[(&str, &str)] = &[("sub", "mod-1")];
const VIEWER: &[(&str, &str)] = &[("sub", "viewer-1"), ("name", "Vee")];

struct Backend {
    emu: RunningEmulator,
    _moto: (MotoServer, DynamoProxy),
    /// The harness's store: what a test sets up outside the functions' policies.
    setup: ChatStore<DynamoStore>,
    provisioner: Provisioner<DynamoStore>,
    issuer: TokenIssuer<DynamoStore>,
    moderator: Moderator<DynamoStore>,
}

/// route, path parameters, caller, body, expected status
type Case<'a> = (
    &'a str,
    Vec<(&'a str, &'a str)>,
    Claims<'a>,
    Option<Value>,
    u16,
);

impl ApiCaller for Backend {
    async fn handle(&self, req: Request) -> Response<Body> {
        let route = chat_core::http::request::route_key(&req);
        let response = if token_issuer::ROUTES.contains(&route.as_str()) {
            token_issuer::handle(req, &self.issuer).await
        } else if moderator::ROUTES.contains(&route.as_str()) {
            moderator::handle(req, &self.moderator).await
        } else {
            room_provisioner::handle(req, &self.provisioner).await
        };
        response.unwrap()
    }
}

impl Backend {
    async fn start() -> Self {
        // Boxed: the test futures are deep already, and debug builds keep them on the stack.
        let emu = Box::pin(emulator_with_iam(iam_policy())).await;
        let moto = MotoServer::start();
        let dynamo = Box::pin(moto.behind_iam(&iam_policy())).await;
        let setup = ChatStore::new(Box::pin(dynamo.table("chat")).await);
        let function = |name: &str| {
            (
                function_ivs_client(&emu.endpoint(), name),
                ChatStore::new(dynamo.function_store(name, "chat")),
            )
        };
        let (ivs, store) = function("room-provisioner");
        let provisioner = Provisioner {
            ivs,
            store,
            review_handler_arn: None,
            region: "us-east-1".into(),
        };
        let (ivs, store) = function("token-issuer");
        let issuer = TokenIssuer { ivs, store };
        let (ivs, store) = function("moderator");
        Self {
            provisioner,
            issuer,
            moderator: Moderator { ivs, store },
            setup,
            emu,
            _moto: (moto, dynamo),
        }
    }

    /// A room created by `owner-1`'s admin colleague, owned by the admin, with `mod-1` listed.
    async fn room_owned_by(&self, owner: Claims<'_>) -> String {
        let (status, room) = self
            .call(
                "POST /rooms",
                &[],
                &[],
                Some(ADMIN),
                Some(json!({"name": "lobby"})),
            )
            .await;
        assert_eq!(status, 201, "{room}");
        let id = room["id"].as_str().unwrap().to_owned();
        if owner != Some(ADMIN) {
            // Hand the room over to its owner, as an admin provisioning for a streamer would.
            let mut record = self.setup.room(&id).await.unwrap().unwrap();
            record.owner = owner.unwrap()[0].1.to_owned();
            self.setup.update_room(&record).await.unwrap();
        }
        // mod-1 has signed in before (the token issuer keeps a profile of everyone it serves).
        let profile = chat_core::domain::records::Profile {
            user_id: "mod-1".into(),
            display_name: "Mo".into(),
            admin: false,
            seen_at: chat_core::time::now_millis(),
        };
        self.setup.put_profile(&profile).await.unwrap();
        self.expect(
            200,
            "PUT /rooms/{roomId}/moderators/{userId}",
            &[("roomId", &id), ("userId", "mod-1")],
            owner,
            None,
        )
        .await;
        id
    }

    /// The backend, a room owned by `owner-1` and moderated by `mod-1`, and a viewer in it.
    async fn with_a_viewer_in_a_room() -> (Self, String, ChatSocket) {
        let b = Self::start().await;
        let room = b.room_owned_by(Some(OWNER)).await;
        let viewer = b.connect(&room, Some(VIEWER)).await;
        (b, room, viewer)
    }

    async fn connect(&self, room: &str, who: Claims<'_>) -> ChatSocket {
        let (status, token) = self
            .room_call("POST /rooms/{roomId}/tokens", room, who, None)
            .await;
        assert_eq!(status, 200, "{token}");
        chat_connect(self.emu.addr, token["token"].as_str().unwrap()).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_cuts_the_user_off_at_once_and_refuses_new_tokens() {
    let (b, room, mut viewer) = Backend::with_a_viewer_in_a_room().await;
    let (backend, room_id) = (&b, room.as_str());
    let viewer_refused = move |code: &'static str| async move {
        let route = "POST /rooms/{roomId}/tokens";
        let params = [("roomId", room_id)];
        if code == "TIMED_OUT" {
            // A time-out leaves the viewer reading: a token that cannot send.
            let (status, body) = backend
                .call(route, &params, &[], Some(VIEWER), Some(json!({})))
                .await;
            assert_eq!((status, &body["readOnly"]), (200, &json!(true)), "{body}");
            assert_eq!(body["capabilities"], json!([]));
        } else {
            backend
                .expect_code(403, code, route, &params, Some(VIEWER), None)
                .await;
        }
    };

    let ban = b
        .expect_in(
            201,
            "POST /rooms/{roomId}/bans",
            &room,
            Some(MOD),
            Some(json!({"userId": "viewer-1", "durationSeconds": 2, "reason": "spam"})),
        )
        .await;
    assert!(ban["until"].is_string());
    // The live session ends now: the disconnect event, then a clean close.
    let mut saw_event = false;
    loop {
        match tokio::time::timeout(Duration::from_secs(5), viewer.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Text(text))) => {
                let frame: Value = serde_json::from_str(text.as_str()).unwrap();
                saw_event |= frame["EventName"] == "aws:DISCONNECT_USER"
                    && frame["Attributes"]["UserId"] == "viewer-1";
            }
            Some(Ok(Message::Close(frame))) => {
                assert_eq!(frame.map(|f| u16::from(f.code)), Some(1000));
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(saw_event);
    viewer_refused("TIMED_OUT").await;
    let (_, bans) = b
        .room_call("GET /rooms/{roomId}/bans", &room, Some(MOD), None)
        .await;
    assert_eq!(bans["bans"][0]["userId"], "viewer-1");
    let viewer_may_join = || {
        b.expect_in(
            200,
            "POST /rooms/{roomId}/tokens",
            &room,
            Some(VIEWER),
            None,
        )
    };

    // The timeout ends by itself.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    viewer_may_join().await;

    // A permanent ban, lifted by the owner.
    b.expect_in(
        201,
        "POST /rooms/{roomId}/bans",
        &room,
        Some(OWNER),
        Some(json!({"userId": "viewer-1"})),
    )
    .await;
    viewer_refused("BANNED").await;
    b.expect(
        204,
        "DELETE /rooms/{roomId}/bans/{userId}",
        &[("roomId", &room), ("userId", "viewer-1")],
        Some(OWNER),
        None,
    )
    .await;
    viewer_may_join().await;

    // Everything is in the audit log, newest first.
    let (status, audit) = b
        .room_call("GET /rooms/{roomId}/audit", &room, Some(MOD), None)
        .await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "USER_UNBANNED",
            "USER_BANNED",
            "USER_TIMED_OUT",
            "MODERATOR_ADDED",
            "ROOM_CREATED"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_and_deletions_reach_the_room() {
    let (b, room, mut viewer) = Backend::with_a_viewer_in_a_room().await;
    let sent = b
        .expect_in(
            200,
            "POST /rooms/{roomId}/events",
            &room,
            Some(MOD),
            Some(json!({"eventName": "poll", "attributes": {"q": "?"}})),
        )
        .await;
    let (status, _) = b
        .call(
            "DELETE /rooms/{roomId}/messages/{messageId}",
            &[("roomId", &room), ("messageId", "M2YcHkgffEvU")],
            &[("reason", "spoiler")],
            Some(OWNER),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let mut names = Vec::new();
    while names.len() < 2 {
        if let Some(Ok(Message::Text(text))) =
            tokio::time::timeout(Duration::from_secs(5), viewer.next())
                .await
                .unwrap()
        {
            let frame: Value = serde_json::from_str(text.as_str()).unwrap();
            names.push(frame["EventName"].as_str().unwrap().to_owned());
            if frame["EventName"] == "poll" {
                assert_eq!(frame["Id"], sent["id"]);
            }
        }
    }
    assert_eq!(names, ["poll", "aws:DELETE_MESSAGE"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_one_gets_more_power_than_their_role_gives() {
    let b = Backend::start().await;
    let room_a = b.room_owned_by(Some(OWNER)).await;
    let room_b = b.room_owned_by(Some(&[("sub", "owner-2")])).await;
    // mod-1 moderates room A only; room_owned_by listed mod-1 in B too, so take that back.
    b.expect(
        204,
        "DELETE /rooms/{roomId}/moderators/{userId}",
        &[("roomId", &room_b), ("userId", "mod-1")],
        Some(&[("sub", "owner-2")]),
        None,
    )
    .await;

    let ban = |user: &str| Some(json!({"userId": user}));
    #[rustfmt::skip]
    let cases: Vec<Case> = vec![
        // A viewer moderates nothing and manages nothing.
        ("POST /rooms/{roomId}/bans", vec![("roomId", &room_a)], Some(VIEWER), ban("someone"), 403),
        ("POST /rooms/{roomId}/events", vec![("roomId", &room_a)], Some(VIEWER), Some(json!({"eventName": "x"})), 403),
        ("DELETE /rooms/{roomId}/messages/{messageId}", vec![("roomId", &room_a), ("messageId", "M2YcHkgffEvU")], Some(VIEWER), None, 403),
        ("GET /rooms/{roomId}/audit", vec![("roomId", &room_a)], Some(VIEWER), None, 403),
        ("PATCH /rooms/{roomId}", vec![("roomId", &room_a)], Some(VIEWER), Some(json!({"name": "mine"})), 403),
        ("PUT /rooms/{roomId}/moderators/{userId}", vec![("roomId", &room_a), ("userId", "viewer-1")], Some(VIEWER), None, 403),
        ("POST /rooms", vec![], Some(VIEWER), Some(json!({})), 403),
        ("POST /logging-configurations", vec![], Some(OWNER), Some(json!({"destination": {"s3": {"bucketName": "abc"}}})), 403),
        // A moderator of room A has no power in room B, and does not manage room A.
        ("POST /rooms/{roomId}/bans", vec![("roomId", &room_b)], Some(MOD), ban("viewer-1"), 403),
        ("POST /rooms/{roomId}/events", vec![("roomId", &room_b)], Some(MOD), Some(json!({"eventName": "x"})), 403),
        ("PATCH /rooms/{roomId}", vec![("roomId", &room_a)], Some(MOD), Some(json!({"name": "mine"})), 403),
        ("PUT /rooms/{roomId}/moderators/{userId}", vec![("roomId", &room_a), ("userId", "viewer-1")], Some(MOD), None, 403),
        // Moderators cannot ban moderators, the owner, or themselves.
        ("POST /rooms/{roomId}/bans", vec![("roomId", &room_a)], Some(MOD), ban("owner-1"), 403),
        ("POST /rooms/{roomId}/bans", vec![("roomId", &room_a)], Some(MOD), ban("mod-1"), 400),
        // No identity at all.
        ("POST /rooms/{roomId}/bans", vec![("roomId", &room_a)], None, ban("viewer-1"), 401),
        ("GET /rooms", vec![], None, None, 401),
        ("POST /rooms/{roomId}/tokens", vec![("roomId", &room_a)], None, None, 401),
        // Bad input, clearly refused.
        ("POST /rooms/{roomId}/events", vec![("roomId", &room_a)], Some(MOD), Some(json!({"eventName": "aws:DISCONNECT_USER"})), 400),
        ("POST /rooms/{roomId}/events", vec![("roomId", &room_a)], Some(MOD), Some(json!({"eventName": ""})), 400),
        ("POST /rooms/{roomId}/events", vec![("roomId", &room_a)], Some(MOD), Some(json!({"name": "x"})), 400),
        ("DELETE /rooms/{roomId}/messages/{messageId}", vec![("roomId", &room_a), ("messageId", "bad")], Some(MOD), None, 400),
        ("POST /rooms/{roomId}/bans", vec![("roomId", &room_a)], Some(MOD), Some(json!({"userId": "v", "durationSeconds": 0})), 400),
        ("POST /rooms/{roomId}/bans", vec![("roomId", &room_a)], Some(MOD), Some(json!({"userId": ""})), 400),
        ("POST /rooms/{roomId}/bans", vec![("roomId", &room_a)], Some(MOD), Some(json!({"userId": "v", "reason": ""})), 400),
        ("GET /rooms/{roomId}/audit", vec![("roomId", &room_a)], Some(MOD), None, 200),
        ("GET /rooms/{roomId}/bans", vec![("roomId", "AAAAAAAAAAAA")], Some(MOD), None, 404),
        ("DELETE /rooms/{roomId}/bans/{userId}", vec![("roomId", &room_a), ("userId", "nobody")], Some(MOD), None, 404),
    ];
    for (route, params, who, body, expected) in cases {
        let (status, answer) = b.call(route, &params, &[], who, body.clone()).await;
        assert_eq!(status, expected, "{route} {params:?} {body:?}: {answer}");
        if expected >= 400 {
            assert!(answer["error"]["message"].is_string(), "{answer}");
        }
    }
    // The owner may ban a moderator.
    b.expect_in(
        201,
        "POST /rooms/{roomId}/bans",
        &room_a,
        Some(OWNER),
        ban("mod-1"),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_disconnect_leaves_no_ban_behind() {
    let b = Backend::start().await;
    let room = b.room_owned_by(Some(OWNER)).await;
    let broken = Moderator {
        ivs: ivs_client("http://127.0.0.1:9"),
        store: b.moderator.store.clone(),
    };
    let req = api_request(
        "POST /rooms/{roomId}/bans",
        &[("roomId", &room)],
        &[],
        Some(MOD),
        Some(json!({"userId": "viewer-1"})),
    );
    let (status, body) = status_and_json(moderator::handle(req, &broken).await.unwrap());
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (502, Some("IVS_ERROR"))
    );
    assert_eq!(
        b.moderator
            .store
            .active_ban(&room, "viewer-1")
            .await
            .unwrap(),
        None
    );
    b.expect_in(
        200,
        "POST /rooms/{roomId}/tokens",
        &room,
        Some(VIEWER),
        None,
    )
    .await;
}
