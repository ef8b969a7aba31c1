//! token-issuer end to end: the handler against the IVS Chat emulator (over the real SDK) and
//! DynamoDB (moto on loopback): role → capabilities, escalation attempts, bans and timeouts.
//! Both enforce template.yaml's IAM policy for token-issuer: its calls go with its own key,
//! the tests set up what it reads with the harness's.

use chat_core::domain::records::{Ban, Moderator, RoomRecord};
use chat_core::store::{ChatStore, DynamoStore};
use chat_core::testing::{
    DynamoProxy, MotoServer, api_request, emulator_with_iam, function_ivs_client, iam_policy,
    ivs_client, status_and_json,
};
use ivschat_emulator::RunningEmulator;
use serde_json::json;
use token_issuer::{TokenIssuer, handle};

const ROUTE: &str = "POST /rooms/{roomId}/tokens";

type Claims<'a> = &'a [(&'a str, &'a str)];

struct World {
    emu: RunningEmulator,
    _moto: (MotoServer, DynamoProxy),
    issuer: TokenIssuer<DynamoStore>,
    /// The harness's store: what the test sets up, outside the function's policy.
    setup: ChatStore<DynamoStore>,
    room_id: String,
}

async fn world() -> World {
    let emu = emulator_with_iam(iam_policy()).await;
    let moto = MotoServer::start();
    let dynamo = moto.behind_iam(&iam_policy()).await;
    let setup = ChatStore::new(dynamo.table("chat").await);
    let store = ChatStore::new(dynamo.function_store("token-issuer", "chat"));
    let room = ivs_client(&emu.endpoint())
        .create_room()
        .name("lobby")
        .send()
        .await
        .unwrap();
    let room_id = room.id().unwrap().to_owned();
    let ivs = function_ivs_client(&emu.endpoint(), "token-issuer");
    setup
        .create_room(&RoomRecord::new(
            &room_id,
            room.arn().unwrap(),
            "owner-1",
            "lobby",
        ))
        .await
        .unwrap();
    setup
        .add_moderator(
            &room_id,
            &Moderator {
                user_id: "mod-1".into(),
                added_by: "owner-1".into(),
                added_at: 0,
            },
        )
        .await
        .unwrap();
    World {
        emu,
        _moto: (moto, dynamo),
        issuer: TokenIssuer { ivs, store },
        setup,
        room_id,
    }
}

async fn ask(
    w: &World,
    claims: Option<&[(&str, &str)]>,
    room: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let req = api_request(ROUTE, &[("roomId", room)], &[], claims, Some(body));
    status_and_json(handle(req, &w.issuer).await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capabilities_and_sessions_follow_the_role() {
    // Every role's token only sends: deleting, kicking and banning go through the API, where
    // the hierarchy is checked and the act audited.
    let w = world().await;
    let cases: [(Claims, &str, &[&str], i64); 4] = [
        (
            &[("sub", "viewer-1"), ("name", "Vee")],
            "viewer",
            &["SEND_MESSAGE"],
            60,
        ),
        (&[("sub", "mod-1")], "moderator", &["SEND_MESSAGE"], 120),
        (&[("sub", "owner-1")], "owner", &["SEND_MESSAGE"], 180),
        (
            &[("sub", "boss"), ("cognito:groups", "[admin]")],
            "admin",
            &["SEND_MESSAGE"],
            180,
        ),
    ];
    for (claims, role, caps, minutes) in cases {
        let (status, body) = ask(
            &w,
            Some(claims),
            &w.room_id,
            json!({"displayAttributes": {"color": "#f80"}}),
        )
        .await;
        assert_eq!(status, 200, "{role}: {body}");
        assert_eq!(body["role"], role);
        // What the emulator sealed into the token is what the role gives, nothing more.
        let sealed = w
            .emu
            .service()
            .open_chat_token(body["token"].as_str().unwrap())
            .unwrap();
        let sealed_caps: Vec<String> = sealed
            .capabilities
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(sealed_caps, caps.to_vec(), "{role}");
        assert_eq!(
            sealed.user_id, claims[0].1,
            "the token carries the verified subject"
        );
        assert_eq!(sealed.attributes["role"], role);
        assert_eq!(sealed.attributes["color"], "#f80");
        assert!(sealed.attributes.contains_key("displayName"));
        let session = (sealed.session_expires.unix_nanos()
            - ivschat_emulator::model::Timestamp::now().unix_nanos()) as f64
            / 60e9;
        assert!(
            (minutes as f64 - 1.0..=minutes as f64).contains(&session),
            "{role}: {session}"
        );
    }
    let (_, body) = ask(
        &w,
        Some(&[("sub", "viewer-2"), ("name", "Vee Two")]),
        &w.room_id,
        json!({}),
    )
    .await;
    let sealed = w
        .emu
        .service()
        .open_chat_token(body["token"].as_str().unwrap())
        .unwrap();
    assert_eq!(sealed.attributes["displayName"], "Vee Two");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escalation_attempts_and_bad_input_are_refused() {
    let w = world().await;
    let viewer: &[(&str, &str)] = &[("sub", "viewer-1")];
    for (claims, room, body, status) in [
        // A viewer asking for more capabilities, or naming their own role.
        (
            Some(viewer),
            w.room_id.as_str(),
            json!({"capabilities": ["DELETE_MESSAGE"]}),
            400,
        ),
        (
            Some(viewer),
            w.room_id.as_str(),
            json!({"displayAttributes": {"role": "admin"}}),
            400,
        ),
        (
            Some(viewer),
            w.room_id.as_str(),
            json!({"displayAttributes": {"displayName": "Owner"}}),
            400,
        ),
        (
            Some(viewer),
            w.room_id.as_str(),
            json!({"displayAttributes": {"big": "x".repeat(1100)}}),
            400,
        ),
        (
            Some(viewer),
            w.room_id.as_str(),
            json!({"displayAttributes": {"n": 1}}),
            400,
        ),
        // No identity, a forged group name that is not `admin`, a malformed or unknown room.
        (None, w.room_id.as_str(), json!({}), 401),
        (
            Some(&[("name", "no subject")][..]),
            w.room_id.as_str(),
            json!({}),
            401,
        ),
        (Some(viewer), "not-a-room", json!({}), 400),
        (Some(viewer), "AAAAAAAAAAAA", json!({}), 404),
    ] {
        let (got, body) = ask(&w, claims, room, body.clone()).await;
        assert_eq!(got, status, "{body}");
        assert!(
            body["error"]["code"].is_string() && body["error"]["message"].is_string(),
            "{body}"
        );
    }
    let (status, body) = ask(
        &w,
        Some(&[("sub", "x"), ("groups", "[administrators]")]),
        &w.room_id,
        json!({}),
    )
    .await;
    assert_eq!((status, body["role"].as_str()), (200, Some("viewer")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn banned_and_timed_out_users_get_no_token() {
    let w = world().await;
    let now = chat_core::time::now_millis();
    let ban = |user: &str, until: Option<i64>| Ban {
        user_id: user.into(),
        until,
        reason: Some("spam".into()),
        by: "mod-1".into(),
        by_role: chat_core::domain::role::Role::Owner,
        at: now,
    };
    w.setup
        .put_ban(&w.room_id, &ban("banned-1", None))
        .await
        .unwrap();
    w.setup
        .put_ban(&w.room_id, &ban("timed-1", Some(now + 60_000)))
        .await
        .unwrap();
    w.setup
        .put_ban(&w.room_id, &ban("served-1", Some(now - 1000)))
        .await
        .unwrap();

    let (status, body) = ask(&w, Some(&[("sub", "banned-1")]), &w.room_id, json!({})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (403, Some("BANNED"))
    );
    assert!(body["error"]["until"].is_null());
    // A time-out leaves the user reading: a token that can receive but not send, and when.
    let (status, body) = ask(&w, Some(&[("sub", "timed-1")]), &w.room_id, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["readOnly"], true);
    assert_eq!(body["capabilities"], json!([]));
    assert!(body["until"].as_str().unwrap().ends_with('Z'));
    let (status, _) = ask(&w, Some(&[("sub", "served-1")]), &w.room_id, json!({})).await;
    assert_eq!(status, 200, "a timeout that has ended no longer applies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ivs_failures_answer_502() {
    let w = world().await;
    let dead = TokenIssuer {
        ivs: ivs_client("http://127.0.0.1:9"),
        store: w.issuer.store.clone(),
    };
    let req = api_request(
        ROUTE,
        &[("roomId", &w.room_id)],
        &[],
        Some(&[("sub", "viewer-1")]),
        None,
    );
    let (status, body) = status_and_json(handle(req, &dead).await.unwrap());
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (502, Some("IVS_ERROR")),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_is_written_only_when_it_says_something_new() {
    let w = world().await;
    let claims: Claims = &[("sub", "viewer-1"), ("name", "Vee")];
    let (status, _) = ask(&w, Some(claims), &w.room_id, json!({})).await;
    assert_eq!(status, 200);
    let first = w.setup.profile("viewer-1").await.unwrap().unwrap();
    assert_eq!(first.display_name, "Vee");
    // The same identity again: nothing new, no write (its seen time stays).
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let (status, _) = ask(&w, Some(claims), &w.room_id, json!({})).await;
    assert_eq!(status, 200);
    let again = w.setup.profile("viewer-1").await.unwrap().unwrap();
    assert_eq!(again.seen_at, first.seen_at);
    // A new name, or admin granted by the identity provider: written at once.
    let renamed: Claims = &[("sub", "viewer-1"), ("name", "Vera")];
    ask(&w, Some(renamed), &w.room_id, json!({})).await;
    let now = w.setup.profile("viewer-1").await.unwrap().unwrap();
    assert_eq!(now.display_name, "Vera");
    assert!(!now.admin);
    let promoted: Claims = &[
        ("sub", "viewer-1"),
        ("name", "Vera"),
        ("cognito:groups", "admin"),
    ];
    let (status, body) = ask(&w, Some(promoted), &w.room_id, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        w.setup.profile("viewer-1").await.unwrap().unwrap().admin,
        "{body}"
    );
}
