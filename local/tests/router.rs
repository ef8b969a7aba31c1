//! chat-local over real HTTP and WebSockets: every App HTTP API route through the router with
//! real JWTs, the tokens it refuses, the review function on the Invoke endpoint as every room's
//! review handler, the page, CORS, and state that survives a restart.

use std::collections::BTreeSet;

mod common;

use chat_local::routes::all_routes;
use common::{Client, Reply, chat, http, next_frame, preflight, send_frame, sign_in, start};
use futures_util::SinkExt;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

/// The concrete path of a route key, with sample parameters.
fn sample_path(route_key: &str) -> (String, String) {
    let (method, template) = route_key.split_once(' ').unwrap();
    let path = template
        .replace("{roomId}", "AbCdEf123456")
        .replace("{userId}", "bob")
        .replace("{messageId}", "M2YcHkgffEvU")
        .replace("{id}", "AbCdEf123456");
    (method.to_owned(), path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_is_served_by_its_function_for_a_verified_caller() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let addr = stack.app_addr;
    let admin = sign_in(addr, "alice", "Alice", &["admin"]).await;
    let bob = sign_in(addr, "bob", "Bob", &[]).await;
    sign_in(addr, "carol", "Carol", &[]).await;
    let mut served = BTreeSet::new();
    let mut step = |route: &str, reply: &Reply, expected: u16| {
        assert_eq!(reply.status, expected, "{route}: {}", reply.text);
        served.insert(route.to_owned());
    };

    let r = admin
        .call("POST", "/rooms", Some(json!({"name": "lobby"})))
        .await;
    step("POST /rooms", &r, 201);
    let room = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["owner"], "alice");
    assert_eq!(
        r.body["messageReviewHandler"]["uri"],
        stack.review_handler_arn
    );
    // The caller's groups reach the function: a non-admin may not create rooms.
    let r = bob.call("POST", "/rooms", Some(json!({}))).await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(r.body["error"]["message"].is_string());

    step("GET /rooms", &bob.call("GET", "/rooms", None).await, 200);
    let r = bob.call("GET", &format!("/rooms/{room}"), None).await;
    step("GET /rooms/{roomId}", &r, 200);
    assert_eq!(r.body["role"], "viewer");
    let policy = json!({"policy": {"blockedTerms": ["spoiler*"]}});
    let r = admin
        .call("PATCH", &format!("/rooms/{room}"), Some(policy))
        .await;
    step("PATCH /rooms/{roomId}", &r, 200);
    let r = admin
        .call("PUT", &format!("/rooms/{room}/moderators/carol"), None)
        .await;
    step("PUT /rooms/{roomId}/moderators/{userId}", &r, 200);
    assert_eq!(r.body["role"], "moderator");
    let r = admin
        .call("DELETE", &format!("/rooms/{room}/moderators/carol"), None)
        .await;
    step("DELETE /rooms/{roomId}/moderators/{userId}", &r, 204);
    let tags = json!({"tags": {"env": "dev", "team": "chat"}});
    let r = admin
        .call("POST", &format!("/rooms/{room}/tags"), Some(tags))
        .await;
    step("POST /rooms/{roomId}/tags", &r, 200);
    let r = admin
        .call("DELETE", &format!("/rooms/{room}/tags?keys=env,team"), None)
        .await;
    step("DELETE /rooms/{roomId}/tags", &r, 204);
    let r = admin.call("GET", &format!("/rooms/{room}"), None).await;
    assert_eq!(
        r.body["tags"],
        json!({}),
        "the query string reached the function"
    );

    let r = bob
        .call(
            "POST",
            &format!("/rooms/{room}/tokens"),
            Some(json!({"displayAttributes": {"color": "#ff8800"}})),
        )
        .await;
    step("POST /rooms/{roomId}/tokens", &r, 200);
    assert_eq!(r.body["userId"], "bob");
    assert_eq!(r.body["capabilities"], json!(["SEND_MESSAGE"]));
    let bob_token = r.body["token"].as_str().unwrap().to_owned();
    let r = admin
        .call("POST", &format!("/rooms/{room}/tokens"), Some(json!({})))
        .await;
    let admin_token = r.body["token"].as_str().unwrap().to_owned();

    // Messages go through the review function on the Invoke endpoint.
    let mut bob_ws = chat(&stack, &bob_token).await;
    let mut admin_ws = chat(&stack, &admin_token).await;
    let send = send_frame;
    bob_ws.send(send("r1", "a SPOILER ahead")).await.unwrap();
    let refused = next_frame(&mut bob_ws).await;
    assert_eq!(refused["Type"], "ERROR", "{refused}");
    assert_eq!(refused["ErrorCode"], 406);
    assert_eq!(refused["ErrorMessage"], "BLOCKED_TERM");
    bob_ws.send(send("r2", "hello everyone")).await.unwrap();
    let delivered = next_frame(&mut admin_ws).await;
    assert_eq!(delivered["Type"], "MESSAGE", "{delivered}");
    assert_eq!(delivered["Content"], "hello everyone");
    assert_eq!(delivered["Sender"]["Attributes"]["displayName"], "Bob");
    assert_eq!(delivered["Sender"]["Attributes"]["color"], "#ff8800");
    let message_id = delivered["Id"].as_str().unwrap().to_owned();

    let event = json!({"eventName": "poll", "attributes": {"question": "Best moment?"}});
    let r = admin
        .call("POST", &format!("/rooms/{room}/events"), Some(event))
        .await;
    step("POST /rooms/{roomId}/events", &r, 200);
    assert_eq!(next_frame(&mut admin_ws).await["EventName"], "poll");
    let r = admin
        .call(
            "DELETE",
            &format!("/rooms/{room}/messages/{message_id}?reason=off-topic"),
            None,
        )
        .await;
    step("DELETE /rooms/{roomId}/messages/{messageId}", &r, 200);
    let deleted = next_frame(&mut admin_ws).await;
    assert_eq!(deleted["EventName"], "aws:DELETE_MESSAGE");
    assert_eq!(deleted["Attributes"]["MessageID"], message_id.as_str());

    let ban = json!({"userId": "bob", "durationSeconds": 600, "reason": "spam"});
    let r = admin
        .call("POST", &format!("/rooms/{room}/bans"), Some(ban))
        .await;
    step("POST /rooms/{roomId}/bans", &r, 201);
    let r = bob
        .call("POST", &format!("/rooms/{room}/tokens"), Some(json!({})))
        .await;
    // Timed out: he keeps reading, with a token that cannot send.
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["readOnly"], true);
    assert_eq!(r.body["capabilities"], json!([]));
    let r = admin
        .call("GET", &format!("/rooms/{room}/bans"), None)
        .await;
    step("GET /rooms/{roomId}/bans", &r, 200);
    assert_eq!(r.body["bans"][0]["userId"], "bob");
    let r = admin
        .call("DELETE", &format!("/rooms/{room}/bans/bob"), None)
        .await;
    step("DELETE /rooms/{roomId}/bans/{userId}", &r, 204);
    let kick = json!({"userId": "bob", "reason": "cool off"});
    let r = admin
        .call("POST", &format!("/rooms/{room}/disconnects"), Some(kick))
        .await;
    step("POST /rooms/{roomId}/disconnects", &r, 200);
    let r = bob
        .call("GET", &format!("/rooms/{room}/messages?limit=10"), None)
        .await;
    step("GET /rooms/{roomId}/messages", &r, 200);
    let r = admin
        .call("GET", &format!("/rooms/{room}/held"), None)
        .await;
    step("GET /rooms/{roomId}/held", &r, 200);
    for decision in ["approve", "reject"] {
        // Nothing is held: the route answers, and says so.
        let r = admin
            .call(
                "POST",
                &format!("/rooms/{room}/held/001795003100000-M2YcHkgffEvU/{decision}"),
                None,
            )
            .await;
        step(
            &format!("POST /rooms/{{roomId}}/held/{{heldId}}/{decision}"),
            &r,
            404,
        );
    }
    let r = admin
        .call("GET", &format!("/rooms/{room}/audit?limit=50"), None)
        .await;
    step("GET /rooms/{roomId}/audit", &r, 200);
    let actions: Vec<&str> = r.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "MESSAGE_DENIED",
        "MESSAGE_DELETED",
        "USER_TIMED_OUT",
        "USER_UNBANNED",
        "USER_KICKED",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }

    let destination =
        json!({"name": "archive", "destination": {"s3": {"bucketName": "chat-archive"}}});
    let r = admin
        .call("POST", "/logging-configurations", Some(destination))
        .await;
    step("POST /logging-configurations", &r, 201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let r = admin.call("GET", "/logging-configurations", None).await;
    step("GET /logging-configurations", &r, 200);
    let r = admin
        .call("GET", &format!("/logging-configurations/{id}"), None)
        .await;
    step("GET /logging-configurations/{id}", &r, 200);
    let change = json!({"destination": {"cloudWatchLogs": {"logGroupName": "/ivs/chat"}}});
    let r = admin
        .call(
            "PATCH",
            &format!("/logging-configurations/{id}"),
            Some(change),
        )
        .await;
    step("PATCH /logging-configurations/{id}", &r, 200);
    let r = bob
        .call("DELETE", &format!("/logging-configurations/{id}"), None)
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = admin
        .call("DELETE", &format!("/logging-configurations/{id}"), None)
        .await;
    step("DELETE /logging-configurations/{id}", &r, 204);
    let r = admin.call("DELETE", &format!("/rooms/{room}"), None).await;
    step("DELETE /rooms/{roomId}", &r, 204);
    let r = admin.call("GET", &format!("/rooms/{room}"), None).await;
    assert_eq!(r.status, 404);

    let all: BTreeSet<String> = all_routes().map(|(key, _)| key.to_string()).collect();
    assert_eq!(served, all, "every route of template.yaml was exercised");
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_expired_forged_and_foreign_tokens_are_refused_on_every_route() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let addr = stack.app_addr;
    let secret = std::fs::read(dir.path().join("dev-signing-key")).unwrap();
    let now = jsonwebtoken::get_current_timestamp();
    let sign = |claims: Value, key: &[u8]| {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(key),
        )
        .unwrap()
    };
    let claims = |exp: u64, aud: &str| json!({"iss": "chat-local", "aud": aud, "sub": "mallory", "groups": ["admin"], "iat": now - 7200, "exp": exp});
    let expired = sign(claims(now - 3600, "chat-local"), &secret);
    let forged = sign(
        claims(now + 3600, "chat-local"),
        b"not-the-key-not-the-key-not-the-key",
    );
    let foreign = sign(claims(now + 3600, "another-app"), &secret);
    let valid = sign(claims(now + 3600, "chat-local"), &secret);
    let cases: [(&str, Option<String>, &str); 5] = [
        ("missing", None, "missing"),
        ("expired", Some(format!("Bearer {expired}")), "expired"),
        ("forged", Some(format!("Bearer {forged}")), "signature"),
        (
            "foreign",
            Some(format!("Bearer {foreign}")),
            "issuer or audience",
        ),
        (
            "garbage",
            Some("Bearer not.a.jwt".into()),
            "not a valid JWT",
        ),
    ];
    for (route_key, _) in all_routes() {
        let (method, path) = sample_path(route_key);
        for (what, header, description) in &cases {
            let headers: Vec<(&str, &str)> = header
                .as_deref()
                .map(|h| vec![("authorization", h)])
                .unwrap_or_default();
            let reply = http(addr, &method, &path, &headers, Some("{}")).await;
            assert_eq!(reply.status, 401, "{route_key} with a {what} token");
            assert_eq!(reply.body, json!({"message": "Unauthorized"}));
            let challenge = reply.headers["www-authenticate"].to_str().unwrap();
            assert!(challenge.contains(description), "{what}: {challenge}");
        }
        // The same claims, properly signed, get through to the function.
        let auth = format!("Bearer {valid}");
        let reply = http(
            addr,
            &method,
            &path,
            &[("authorization", &auth)],
            Some("{}"),
        )
        .await;
        assert_ne!(reply.status, 401, "{route_key}: {}", reply.text);
        assert!(
            reply.body.get("error").is_some() || reply.status < 300,
            "{route_key} answered by its function: {}",
            reply.text
        );
    }
    // Unknown routes are API Gateway's 404, before any authorization.
    let reply = http(addr, "GET", "/nowhere", &[], None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, json!({"message": "Not Found"}));
    let reply = http(addr, "PUT", "/rooms", &[], None).await;
    assert_eq!(reply.status, 404);
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_sign_in_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let addr = stack.app_addr;
    for body in [
        "not json",
        r#"{"displayName": "No id"}"#,
        r#"{"userId": "has space"}"#,
        r#"{"userId": "ok", "groups": ["a b"]}"#,
        r#"{"userId": "ok", "role": "admin"}"#,
    ] {
        let reply = http(addr, "POST", "/dev/login", &[], Some(body)).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text);
        assert!(reply.body["error"]["message"].is_string(), "{body}");
    }
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_invoke_endpoint_serves_only_the_review_function() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let addr = stack.app_addr;
    let path = "/2015-03-31/functions/message-review/invocations";
    let request = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../events/message-review/allow.json"),
    )
    .unwrap();
    let reply = http(addr, "POST", path, &[], Some(&request)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["ReviewResult"], "ALLOW");
    assert!(reply.headers.get("x-amz-function-error").is_none());

    let reply = http(addr, "POST", path, &[], Some("not json")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["x-amz-function-error"], "Unhandled");

    let other = "/2015-03-31/functions/token-issuer/invocations";
    let reply = http(addr, "POST", other, &[], Some("{}")).await;
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.headers["x-amzn-errortype"],
        "ResourceNotFoundException"
    );
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_config_and_cors_preflights_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let addr = stack.app_addr;
    let page = http(addr, "GET", "/", &[], None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text.contains("/js/main.js"));
    for (asset, kind) in [
        ("/js/main.js", "text/javascript"),
        ("/style.css", "text/css"),
    ] {
        let reply = http(addr, "GET", asset, &[], None).await;
        assert_eq!(reply.status, 200);
        assert!(
            reply.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with(kind)
        );
    }
    let config = http(addr, "GET", "/dev/config", &[], None).await;
    assert_eq!(
        config.body["messagingEndpoint"],
        format!("ws://{}", stack.emulator.addr)
    );
    assert_eq!(config.body["defaultPolicy"]["profanity"], "moderate");

    let preflight = preflight(
        addr,
        "/rooms",
        "http://localhost:5173",
        "authorization,content-type",
    )
    .await;
    assert_eq!(preflight.status, 200);
    assert_eq!(preflight.headers["access-control-allow-origin"], "*");
    let methods = preflight.headers["access-control-allow-methods"]
        .to_str()
        .unwrap();
    assert!(methods.contains("PATCH"), "{methods}");
    stack.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_bans_and_sign_ins_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let stack = start(dir.path()).await;
    let admin = sign_in(stack.app_addr, "alice", "Alice", &["admin"]).await;
    let r = admin
        .call("POST", "/rooms", Some(json!({"name": "kept"})))
        .await;
    let room = r.body["id"].as_str().unwrap().to_owned();
    let ban = json!({"userId": "bob", "reason": "spam"});
    let r = admin
        .call("POST", &format!("/rooms/{room}/bans"), Some(ban))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    stack.shutdown().await.unwrap();

    let stack = start(dir.path()).await;
    // The same JWT still verifies: the signing key is kept with the data.
    let admin = Client {
        addr: stack.app_addr,
        token: admin.token,
    };
    let r = admin.call("GET", "/rooms", None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["rooms"][0]["id"], room.as_str());
    let r = admin
        .call("POST", &format!("/rooms/{room}/tokens"), Some(json!({})))
        .await;
    assert_eq!(r.status, 200, "the emulator kept the room: {}", r.text);
    let bob = sign_in(stack.app_addr, "bob", "Bob", &[]).await;
    let r = bob
        .call("POST", &format!("/rooms/{room}/tokens"), Some(json!({})))
        .await;
    assert_eq!(r.status, 403, "the store kept the ban: {}", r.text);
    assert_eq!(r.body["error"]["code"], "BANNED");
    stack.shutdown().await.unwrap();
}

/// `template.yaml`'s HttpApi events: (route key, function resource).
fn template_routes() -> BTreeSet<(String, String)> {
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    let mut routes = BTreeSet::new();
    let mut resource = String::new();
    for line in template.lines() {
        // Resources sit at two spaces of indentation under `Resources:`.
        if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'))
            && !name.starts_with(' ')
        {
            resource = name.to_owned();
        }
        let Some(at) = line.find(" Method: ") else {
            continue;
        };
        let rest = &line[at + " Method: ".len()..];
        let (method, rest) = rest.split_once(',').unwrap();
        let path = rest.split_once("Path: ").unwrap().1;
        let path = match path.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next().unwrap(),
            None => path.split('}').next().unwrap(),
        };
        routes.insert((format!("{method} {}", path.trim()), resource.clone()));
    }
    routes
}

#[test]
fn the_routes_are_exactly_those_of_template_yaml() {
    let ours: BTreeSet<(String, String)> = all_routes()
        .map(|(key, function)| (key.to_string(), function.resource_name().to_owned()))
        .collect();
    let template = template_routes();
    assert_eq!(template.len(), 26, "{template:?}");
    assert_eq!(ours, template);
}
