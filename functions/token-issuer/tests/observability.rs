//! The deployed binary's metrics and logs: run against a local Lambda Runtime API and the IVS
//! Chat emulator, token-issuer counts tokens issued and refused (by code) in Embedded Metric
//! Format and writes one JSON log line per request (route, room, user, status, duration).

use chat_core::domain::records::{Ban, RoomRecord};
use chat_core::domain::role::Role;
use chat_core::store::{ChatStore, EmbeddedStore};
use chat_core::testing::{emulator_with_iam, function_key, iam_policy, ivs_client, run_function};
use serde_json::{Value, json};

fn token_request(room_id: &str, user: &str) -> Value {
    json!({
        "version": "2.0", "routeKey": "POST /rooms/{roomId}/tokens", "rawPath": format!("/rooms/{room_id}/tokens"),
        "rawQueryString": "", "headers": {"content-type": "application/json"}, "pathParameters": {"roomId": room_id},
        "requestContext": {"accountId": "123456789012", "apiId": "api", "domainName": "api.example.com",
            "requestId": format!("api-{user}"), "routeKey": "POST /rooms/{roomId}/tokens", "stage": "$default", "time": "", "timeEpoch": 0,
            "http": {"method": "POST", "path": format!("/rooms/{room_id}/tokens"), "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "test"},
            "authorizer": {"jwt": {"claims": {"sub": user}, "scopes": null}}},
        "body": "{}", "isBase64Encoded": false
    })
}

/// The value of `metric` in each EMF document that has it, with the document.
fn documents_with<'a>(stdout: &'a [Value], metric: &str) -> Vec<&'a Value> {
    stdout
        .iter()
        .filter(|doc| {
            doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
                .as_array()
                .is_some_and(|m| m.iter().any(|m| m["Name"] == metric))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_issued_and_refused_are_counted_and_each_request_logged() {
    let emu = emulator_with_iam(iam_policy()).await;
    let ivs = ivs_client(&emu.endpoint());
    let room = ivs.create_room().send().await.unwrap();
    let room_id = room.id().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    {
        let store = ChatStore::new(EmbeddedStore::open(&dir.path().join("store")).unwrap());
        store
            .create_room(&RoomRecord::new(
                &room_id,
                room.arn().unwrap(),
                "owner-1",
                "stage",
            ))
            .await
            .unwrap();
        let now = chat_core::time::now_millis();
        let ban = Ban {
            user_id: "banned-1".into(),
            until: None,
            reason: None,
            by: "owner-1".into(),
            by_role: Role::Owner,
            at: now,
        };
        store.put_ban(&room_id, &ban).await.unwrap();
    } // closed before the function opens it
    let data_dir = dir.path().to_string_lossy().into_owned();
    let (key, secret) = function_key("token-issuer");
    let run = run_function(
        std::path::Path::new(env!("CARGO_BIN_EXE_token-issuer")),
        vec![
            token_request(&room_id, "viewer-1"),
            token_request(&room_id, "banned-1"),
        ],
        &[
            ("CHAT_DATA_DIR", &data_dir),
            ("AWS_ENDPOINT_URL_IVSCHAT", &emu.endpoint()),
            // The function's own key: template.yaml's policy for it applies.
            ("AWS_ACCESS_KEY_ID", &key),
            ("AWS_SECRET_ACCESS_KEY", &secret),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
            ("RUST_LOG", "info"),
        ],
    )
    .await;
    assert_eq!(run.responses.len(), 2, "{:#?}", run.stdout);
    assert_eq!(run.responses[0]["statusCode"], 200, "{}", run.responses[0]);
    assert_eq!(run.responses[1]["statusCode"], 403, "{}", run.responses[1]);

    let lines: Vec<Value> = run
        .stdout
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let issued = documents_with(&lines, "TokensIssued");
    assert_eq!(issued.len(), 1, "{:#?}", run.stdout);
    assert_eq!(issued[0]["TokensIssued"], 1);
    assert_eq!(issued[0]["Function"], "token-issuer");
    let refused = documents_with(&lines, "TokensRefused");
    assert_eq!(refused.len(), 1, "{:#?}", run.stdout);
    assert_eq!(refused[0]["Code"], "BANNED");

    let requests: Vec<&Value> = lines
        .iter()
        .filter(|l| l["fields"]["message"] == "request")
        .collect();
    assert_eq!(requests.len(), 2, "{:#?}", run.stdout);
    let first = &requests[0]["fields"];
    assert_eq!(first["route"], "POST /rooms/{roomId}/tokens");
    assert_eq!(first["room"], room_id.as_str());
    assert_eq!(first["user"], "viewer-1");
    assert_eq!(first["status"], 200);
    assert_eq!(first["request_id"], "api-viewer-1");
    assert!(first["duration_ms"].as_f64().is_some());
    assert_eq!(requests[1]["fields"]["status"], 403);
}
