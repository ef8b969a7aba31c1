//! Property tests over hostile input: arbitrary bytes and JSON to every rest-json route, any
//! `Authorization` header in strict SigV4 mode, and any frame on the Messaging WebSocket.
//! Nothing panics, every refusal is a 4xx (or an ERROR frame), and the server keeps serving.

mod common;

use std::sync::LazyLock;
use std::time::Duration;

use common::*;
use futures_util::{SinkExt, StreamExt};
use ivschat_emulator::RunningEmulator;
use ivschat_emulator::config::Credential;
use ivschat_emulator::testing::Client;
use proptest::prelude::*;
use serde_json::{Value, json};
use tokio::runtime::Runtime;
use tokio_tungstenite::tungstenite::Message;

static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
});

/// One emulator per property, open (any signature) or strict.
static OPEN: LazyLock<RunningEmulator> = LazyLock::new(|| RUNTIME.block_on(start()));
static STRICT: LazyLock<RunningEmulator> = LazyLock::new(|| {
    RUNTIME.block_on(start_with(ivschat_emulator::EmulatorConfig {
        credentials: vec!["AKIDSTRICT:s3cr3t".parse::<Credential>().unwrap()],
        ..test_config()
    }))
});

/// Now, as `X-Amz-Date` carries it: a signature must be fresh to reach the signer.
static NOW: LazyLock<String> = LazyLock::new(|| {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::now_utc().format(format).unwrap()
});

const ROUTES: &[&str] = &[
    "/CreateChatToken",
    "/CreateLoggingConfiguration",
    "/CreateRoom",
    "/DeleteLoggingConfiguration",
    "/DeleteMessage",
    "/DeleteRoom",
    "/DisconnectUser",
    "/GetLoggingConfiguration",
    "/GetRoom",
    "/ListLoggingConfigurations",
    "/ListRooms",
    "/SendEvent",
    "/UpdateLoggingConfiguration",
    "/UpdateRoom",
    "/tags/arn%3Aaws%3Aivschat%3Aus-east-1%3A123456789012%3Aroom%2Fabc",
    "/tags/x",
    "/",
    "/nope",
];

/// Any JSON value, a few levels deep, with the members the API knows among random ones.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        ".{0,40}".prop_map(Value::from),
        Just(json!(
            "arn:aws:ivschat:us-east-1:123456789012:room/abcdEFGH1234"
        )),
        Just(json!("a".repeat(600))),
    ];
    let key = prop_oneof![
        Just("identifier".to_owned()),
        Just("roomIdentifier".to_owned()),
        Just("name".to_owned()),
        Just("tags".to_owned()),
        Just("attributes".to_owned()),
        Just("maxResults".to_owned()),
        Just("nextToken".to_owned()),
        Just("destinationConfiguration".to_owned()),
        Just("messageReviewHandler".to_owned()),
        Just("userId".to_owned()),
        Just("capabilities".to_owned()),
        "[a-zA-Z]{1,12}",
    ];
    leaf.prop_recursive(3, 32, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json_value().prop_map(|v| v.to_string().into_bytes()),
    ]
}

fn method() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["POST", "GET", "DELETE", "PUT", "PATCH"])
}

async fn still_serving(addr: std::net::SocketAddr) {
    assert_eq!(raw(addr, "GET", "/_emulator/health", "").await.status, 200);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rest_json_routes_never_fail_on_any_body(
        route in prop::sample::select(ROUTES),
        method in method(),
        body in body(),
    ) {
        let emu = &*OPEN;
        RUNTIME.block_on(async {
            let api = Client::new(emu.addr);
            let resp = api.request(method, route, body.into()).await;
            assert!(resp.status < 500, "{method} {route}: {} {}", resp.status, resp.text());
            // `GET /` is the Messaging WebSocket: a refused handshake is not a rest-json error.
            let websocket = method == "GET" && route == "/";
            if resp.status >= 400 && !websocket {
                assert!(!resp.error_type().is_empty(), "{method} {route}: {}", resp.status);
            }
            still_serving(emu.addr).await;
        });
    }

    #[test]
    fn any_authorization_header_is_refused_403(
        scheme in prop_oneof![Just("AWS4-HMAC-SHA256 ".to_owned()), Just("".to_owned()), "[ -~]{0,20}"],
        key in prop_oneof![Just("AKIDSTRICT".to_owned()), Just("".to_owned()), "[ -~]{0,12}"],
        date in prop_oneof![Just(NOW[..8].to_owned()), "[0-9]{0,9}", "[ -~]{0,10}"],
        region in prop_oneof![Just("us-east-1".to_owned()), "[ -~]{0,10}"],
        signed in prop::collection::vec(
            prop_oneof![Just("host".to_owned()), Just("x-amz-date".to_owned()), Just("HOST".to_owned()), Just("".to_owned()), "[ -~]{0,10}"],
            0..5,
        ),
        signature in "[ -~]{0,70}",
        extra in "[ -~]{0,40}",
        amz_date in prop_oneof![Just(NOW.clone()), Just(NOW.clone()), "[ -~]{0,20}"],
    ) {
        let emu = &*STRICT;
        let auth = format!(
            "{scheme}Credential={key}/{date}/{region}/ivschat/aws4_request, SignedHeaders={}, Signature={signature}{extra}",
            signed.join(";")
        );
        RUNTIME.block_on(async {
            let headers = [("authorization", auth.trim()), ("x-amz-date", amz_date.trim())];
            let resp = raw_with_headers(emu.addr, "POST", "/ListRooms", &headers, "{}").await;
            assert_eq!(resp.status, 403, "{auth}: {}", resp.text());
            still_serving(emu.addr).await;
        });
    }
}

/// A client frame: one of the actions with random members, or anything at all.
fn frame() -> impl Strategy<Value = String> {
    let action = prop_oneof![
        Just(json!("SEND_MESSAGE")),
        Just(json!("DELETE_MESSAGE")),
        Just(json!("DISCONNECT_USER")),
        json_value(),
    ];
    let request = (
        action,
        prop::collection::btree_map(
            prop_oneof![
                Just("RequestId".to_owned()),
                Just("Content".to_owned()),
                Just("Attributes".to_owned()),
                Just("Id".to_owned()),
                Just("Reason".to_owned()),
                Just("UserId".to_owned()),
                "[A-Za-z]{1,8}",
            ],
            json_value(),
            0..5,
        ),
    )
        .prop_map(|(action, mut members)| {
            members.insert("Action".to_owned(), action);
            Value::Object(members.into_iter().collect()).to_string()
        });
    prop_oneof![
        request,
        ".{0,200}",
        json_value().prop_map(|v| v.to_string())
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_websocket_frames_get_answers_and_the_connection_lives(
        frames in prop::collection::vec(frame(), 1..12),
    ) {
        let emu = &*OPEN;
        RUNTIME.block_on(async {
            let api = Client::new(emu.addr);
            let room = api.post("CreateRoom", &json!({"maximumMessageRatePerSecond": 100})).await.json();
            let token = api.post("CreateChatToken", &json!({
                "roomIdentifier": room["arn"],
                // Not a user id the strategies produce: the fuzzer never disconnects itself.
                "userId": "fuzzer self",
                "capabilities": ["SEND_MESSAGE", "DELETE_MESSAGE", "DISCONNECT_USER"],
            })).await.json()["token"].as_str().unwrap().to_owned();
            let mut ws = ws_connect(emu.addr, &token).await.unwrap();
            for frame in &frames {
                ws.send(Message::Text(frame.clone().into())).await.unwrap();
            }
            ws_send(&mut ws, send_message("last", "still here")).await;
            loop {
                let next = tokio::time::timeout(Duration::from_secs(5), ws.next())
                    .await
                    .expect("an answer to the last request");
                match next {
                    Some(Ok(Message::Text(text))) => {
                        let frame: Value = serde_json::from_str(text.as_str()).unwrap();
                        if frame["Type"] == "ERROR" {
                            let code = frame["ErrorCode"].as_u64().unwrap();
                            assert!((400..500).contains(&code), "{frame}");
                        }
                        if frame["RequestId"] == "last" {
                            assert_eq!(frame["Type"], "MESSAGE", "{frame}");
                            break;
                        }
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    other => panic!("the connection ended: {other:?} after {frames:?}"),
                }
            }
            let _ = ws.close(None).await;
            still_serving(emu.addr).await;
        });
    }
}
