//! The rest-json wire contract seen from a plain HTTP client: status codes, error headers and
//! bodies, malformed input, unknown operations, percent-encoded ARNs in tag paths.

mod common;

use common::*;
use serde_json::json;

fn encode_arn(arn: &str) -> String {
    arn.replace(':', "%3A").replace('/', "%2F")
}

#[tokio::test]
async fn deletes_answer_204_with_no_body() {
    let emu = start().await;
    let room = post(emu.addr, "CreateRoom", json!({})).await.json();
    let resp = post(emu.addr, "DeleteRoom", json!({"identifier": room["arn"]})).await;
    assert_eq!(resp.status, 204);
    assert!(resp.body.is_empty());
    let config = post(
        emu.addr,
        "CreateLoggingConfiguration",
        json!({"destinationConfiguration": {"firehose": {"deliveryStreamName": "s"}}}),
    )
    .await
    .json();
    let resp = post(
        emu.addr,
        "DeleteLoggingConfiguration",
        json!({"identifier": config["arn"]}),
    )
    .await;
    assert_eq!(resp.status, 204);
    assert!(resp.body.is_empty());
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn responses_use_camel_case_and_iso8601() {
    let emu = start().await;
    let resp = post(emu.addr, "CreateRoom", json!({"name": "r"})).await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.headers["content-type"], "application/json");
    assert!(resp.headers.contains_key("x-amzn-requestid"));
    let room = resp.json();
    let created = room["createTime"].as_str().unwrap();
    assert!(
        time::OffsetDateTime::parse(
            created,
            &time::format_description::well_known::Iso8601::DEFAULT
        )
        .is_ok(),
        "{created}"
    );
    assert!(created.ends_with('Z'));
    for key in [
        "maximumMessageRatePerSecond",
        "maximumMessageLength",
        "loggingConfigurationIdentifiers",
        "updateTime",
    ] {
        assert!(room.get(key).is_some(), "{key} missing in {room}");
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn malformed_bodies_answer_serialization_exception() {
    let emu = start().await;
    for body in [
        "{not json",
        "[1,2]",
        "\"text\"",
        r#"{"maximumMessageLength": "ten"}"#,
        r#"{"maximumMessageLength": 1.5}"#,
        r#"{"tags": ["a"]}"#,
    ] {
        let resp = raw(emu.addr, "POST", "/CreateRoom", body).await;
        assert_eq!(resp.status, 400, "{body}");
        assert_eq!(resp.error_type(), "SerializationException", "{body}");
        assert!(resp.json()["message"].is_string());
    }
    // An empty body is an empty request.
    let resp = raw(emu.addr, "POST", "/CreateRoom", "").await;
    assert_eq!(resp.status, 200);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn unknown_operations_and_methods() {
    let emu = start().await;
    for (method, path) in [
        ("POST", "/CreateChannel"),
        ("GET", "/CreateRoom"),
        ("PUT", "/tags/x"),
        ("POST", "/"),
    ] {
        let resp = raw(emu.addr, method, path, "{}").await;
        assert_eq!(resp.status, 400, "{method} {path}");
        assert_eq!(resp.error_type(), "ValidationException");
        assert_eq!(resp.json()["reason"], "UNKNOWN_OPERATION");
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn error_bodies_carry_the_modelled_members() {
    let emu = start().await;
    let resp = post(
        emu.addr,
        "GetRoom",
        json!({"identifier": room_arn("AAAAAAAAAAAA")}),
    )
    .await;
    assert_eq!(resp.status, 404);
    assert_eq!(resp.error_type(), "ResourceNotFoundException");
    let body = resp.json();
    assert_eq!(body["resourceId"], "AAAAAAAAAAAA");
    assert_eq!(body["resourceType"], "ROOM");
    assert!(body["message"].is_string());

    let config = post(
        emu.addr,
        "CreateLoggingConfiguration",
        json!({"destinationConfiguration": {"s3": {"bucketName": "abc"}}}),
    )
    .await
    .json();
    post(
        emu.addr,
        "CreateRoom",
        json!({"loggingConfigurationIdentifiers": [config["arn"]]}),
    )
    .await;
    let resp = post(
        emu.addr,
        "DeleteLoggingConfiguration",
        json!({"identifier": config["arn"]}),
    )
    .await;
    assert_eq!(resp.status, 409);
    assert_eq!(resp.error_type(), "ConflictException");
    let body = resp.json();
    assert_eq!(body["resourceId"], config["id"]);
    assert!(body["resourceType"].is_string());
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn tag_paths_accept_encoded_and_plain_arns() {
    let emu = start().await;
    let room = post(emu.addr, "CreateRoom", json!({"tags": {"a": "1"}}))
        .await
        .json();
    let arn = room["arn"].as_str().unwrap();
    let resp = raw(emu.addr, "GET", &format!("/tags/{}", encode_arn(arn)), "").await;
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json(), json!({"tags": {"a": "1"}}));
    // Only ':' encoded, '/' left as is.
    let resp = raw(
        emu.addr,
        "GET",
        &format!("/tags/{}", arn.replace(':', "%3A")),
        "",
    )
    .await;
    assert_eq!(resp.json(), json!({"tags": {"a": "1"}}));
    let resp = raw(
        emu.addr,
        "POST",
        &format!("/tags/{}", encode_arn(arn)),
        r#"{"tags":{"b":"2"}}"#,
    )
    .await;
    assert_eq!(resp.status, 200);
    let resp = raw(
        emu.addr,
        "DELETE",
        &format!("/tags/{}?tagKeys=a&tagKeys=b", encode_arn(arn)),
        "",
    )
    .await;
    assert_eq!(resp.status, 200);
    let resp = raw(emu.addr, "GET", &format!("/tags/{}", encode_arn(arn)), "").await;
    assert_eq!(resp.json(), json!({"tags": {}}));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn health_reports_counts() {
    let emu = start().await;
    post(emu.addr, "CreateRoom", json!({})).await;
    let resp = raw(emu.addr, "GET", "/_emulator/health", "").await;
    assert_eq!(resp.status, 200);
    let body = resp.json();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["rooms"], 1);
    assert_eq!(body["loggingConfigurations"], 0);
    emu.shutdown().await.unwrap();
}
