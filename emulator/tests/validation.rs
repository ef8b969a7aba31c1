//! Every length, pattern, enum and range of the service model, enforced by the emulator:
//! each bad request answers 400 `ValidationException`, reason `FIELD_VALIDATION_FAILED`, with
//! the failing field named in `fieldList`. Sent as raw JSON, since SDKs validate little.

mod common;

use aws_sdk_ivschat::operation::create_room::CreateRoomError;
use aws_sdk_ivschat::types::ValidationExceptionReason;
use common::*;
use serde_json::{Value, json};

fn tags(n: usize) -> Value {
    Value::Object((0..n).map(|i| (format!("k{i}"), json!("v"))).collect())
}

fn attributes_over_1kb() -> Value {
    json!({ "big": "x".repeat(1100) })
}

async fn expect_invalid(
    emu: &ivschat_emulator::RunningEmulator,
    op: &str,
    body: Value,
    field: &str,
) {
    let resp = post(emu.addr, op, body.clone()).await;
    let json = resp.json();
    assert_eq!(resp.status, 400, "{op} {body}: {json}");
    assert_eq!(resp.error_type(), "ValidationException", "{op} {body}");
    assert_eq!(
        json["reason"], "FIELD_VALIDATION_FAILED",
        "{op} {body}: {json}"
    );
    let fields: Vec<&str> = json["fieldList"]
        .as_array()
        .unwrap_or_else(|| panic!("{op} {body}: no fieldList in {json}"))
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&field),
        "{op} {body}: expected {field} in {fields:?}"
    );
    assert!(json["message"].as_str().unwrap().contains(field), "{json}");
}

#[tokio::test]
async fn every_model_constraint_is_enforced() {
    let emu = start().await;
    let room = post(emu.addr, "CreateRoom", json!({})).await.json();
    let room_arn = room["arn"].as_str().unwrap().to_owned();
    let logging = post(
        emu.addr,
        "CreateLoggingConfiguration",
        json!({"destinationConfiguration": {"s3": {"bucketName": "logs"}}}),
    )
    .await
    .json();
    let logging_arn = logging["arn"].as_str().unwrap().to_owned();
    let long = |n: usize| "a".repeat(n);
    let bare_id = room["id"].as_str().unwrap().to_owned();
    let room_tags = format!("tags/{}", room_arn.replace(':', "%3A").replace('/', "%2F"));
    let lambda_wrong_account = "arn:aws:lambda:us-east-1:12345:function:review";

    let cases: Vec<(&str, Value, &str)> = vec![
        // CreateRoom
        ("CreateRoom", json!({"name": long(129)}), "name"),
        ("CreateRoom", json!({"name": "no spaces"}), "name"),
        (
            "CreateRoom",
            json!({"maximumMessageRatePerSecond": 0}),
            "maximumMessageRatePerSecond",
        ),
        (
            "CreateRoom",
            json!({"maximumMessageRatePerSecond": 101}),
            "maximumMessageRatePerSecond",
        ),
        (
            "CreateRoom",
            json!({"maximumMessageLength": 0}),
            "maximumMessageLength",
        ),
        (
            "CreateRoom",
            json!({"maximumMessageLength": 501}),
            "maximumMessageLength",
        ),
        (
            "CreateRoom",
            json!({"messageReviewHandler": {"uri": "arn:aws:sns:us-east-1:123456789012:topic"}}),
            "messageReviewHandler.uri",
        ),
        (
            "CreateRoom",
            json!({"messageReviewHandler": {"uri": lambda_wrong_account}}),
            "messageReviewHandler.uri",
        ),
        (
            "CreateRoom",
            json!({"messageReviewHandler": {"uri": format!("{REVIEW_LAMBDA}{}", long(150))}}),
            "messageReviewHandler.uri",
        ),
        (
            "CreateRoom",
            json!({"messageReviewHandler": {"uri": REVIEW_LAMBDA, "fallbackResult": "MAYBE"}}),
            "messageReviewHandler.fallbackResult",
        ),
        ("CreateRoom", json!({"tags": tags(51)}), "tags"),
        ("CreateRoom", json!({"tags": {long(129): "v"}}), "tags"),
        ("CreateRoom", json!({"tags": {"": "v"}}), "tags"),
        ("CreateRoom", json!({"tags": {"k": long(257)}}), "tags"),
        ("CreateRoom", json!({"tags": {"aws:reserved": "v"}}), "tags"),
        (
            "CreateRoom",
            json!({"loggingConfigurationIdentifiers": [logging_arn, logging_arn, logging_arn, logging_arn]}),
            "loggingConfigurationIdentifiers",
        ),
        (
            "CreateRoom",
            json!({"loggingConfigurationIdentifiers": ["not-an-arn"]}),
            "loggingConfigurationIdentifiers",
        ),
        (
            "CreateRoom",
            json!({"loggingConfigurationIdentifiers": [room_arn]}),
            "loggingConfigurationIdentifiers",
        ),
        // GetRoom / DeleteRoom / UpdateRoom
        ("GetRoom", json!({}), "identifier"),
        ("GetRoom", json!({"identifier": ""}), "identifier"),
        ("GetRoom", json!({"identifier": bare_id}), "identifier"),
        (
            "GetRoom",
            json!({"identifier": format!("{room_arn}{}", long(120))}),
            "identifier",
        ),
        ("GetRoom", json!({"identifier": logging_arn}), "identifier"),
        ("DeleteRoom", json!({}), "identifier"),
        ("DeleteRoom", json!({"identifier": "room"}), "identifier"),
        ("UpdateRoom", json!({}), "identifier"),
        (
            "UpdateRoom",
            json!({"identifier": room_arn, "name": "bad name"}),
            "name",
        ),
        (
            "UpdateRoom",
            json!({"identifier": room_arn, "maximumMessageRatePerSecond": 1000}),
            "maximumMessageRatePerSecond",
        ),
        (
            "UpdateRoom",
            json!({"identifier": room_arn, "maximumMessageLength": -1}),
            "maximumMessageLength",
        ),
        (
            "UpdateRoom",
            json!({"identifier": room_arn, "messageReviewHandler": {"uri": "lambda"}}),
            "messageReviewHandler.uri",
        ),
        (
            "UpdateRoom",
            json!({"identifier": room_arn, "messageReviewHandler": {"fallbackResult": "allow"}}),
            "messageReviewHandler.fallbackResult",
        ),
        (
            "UpdateRoom",
            json!({"identifier": room_arn, "loggingConfigurationIdentifiers": ["x", "y", "z", "w"]}),
            "loggingConfigurationIdentifiers",
        ),
        // ListRooms
        ("ListRooms", json!({"maxResults": 0}), "maxResults"),
        ("ListRooms", json!({"maxResults": 51}), "maxResults"),
        ("ListRooms", json!({"nextToken": long(1025)}), "nextToken"),
        ("ListRooms", json!({"nextToken": "garbage"}), "nextToken"),
        ("ListRooms", json!({"name": "a b"}), "name"),
        (
            "ListRooms",
            json!({"messageReviewHandlerUri": "not-lambda"}),
            "messageReviewHandlerUri",
        ),
        (
            "ListRooms",
            json!({"loggingConfigurationIdentifier": "nope"}),
            "loggingConfigurationIdentifier",
        ),
        // CreateChatToken
        ("CreateChatToken", json!({"userId": "u"}), "roomIdentifier"),
        (
            "CreateChatToken",
            json!({"roomIdentifier": room_arn}),
            "userId",
        ),
        (
            "CreateChatToken",
            json!({"roomIdentifier": room_arn, "userId": ""}),
            "userId",
        ),
        (
            "CreateChatToken",
            json!({"roomIdentifier": room_arn, "userId": long(129)}),
            "userId",
        ),
        (
            "CreateChatToken",
            json!({"roomIdentifier": room_arn, "userId": "u", "capabilities": ["SEND_MESSAGE", "BAN_USER"]}),
            "capabilities",
        ),
        (
            "CreateChatToken",
            json!({"roomIdentifier": room_arn, "userId": "u", "sessionDurationInMinutes": 0}),
            "sessionDurationInMinutes",
        ),
        (
            "CreateChatToken",
            json!({"roomIdentifier": room_arn, "userId": "u", "sessionDurationInMinutes": 181}),
            "sessionDurationInMinutes",
        ),
        (
            "CreateChatToken",
            json!({"roomIdentifier": room_arn, "userId": "u", "attributes": attributes_over_1kb()}),
            "attributes",
        ),
        (
            "CreateChatToken",
            json!({"roomIdentifier": bare_id, "userId": "u"}),
            "roomIdentifier",
        ),
        // Logging configurations
        (
            "CreateLoggingConfiguration",
            json!({}),
            "destinationConfiguration",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {}}),
            "destinationConfiguration",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"s3": {"bucketName": "abc"}, "firehose": {"deliveryStreamName": "s"}}}),
            "destinationConfiguration",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"s3": {}}}),
            "destinationConfiguration.s3.bucketName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"s3": {"bucketName": "ab"}}}),
            "destinationConfiguration.s3.bucketName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"s3": {"bucketName": long(64)}}}),
            "destinationConfiguration.s3.bucketName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"s3": {"bucketName": "Upper_Case"}}}),
            "destinationConfiguration.s3.bucketName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"cloudWatchLogs": {"logGroupName": ""}}}),
            "destinationConfiguration.cloudWatchLogs.logGroupName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"cloudWatchLogs": {"logGroupName": "has space"}}}),
            "destinationConfiguration.cloudWatchLogs.logGroupName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"cloudWatchLogs": {"logGroupName": long(513)}}}),
            "destinationConfiguration.cloudWatchLogs.logGroupName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"firehose": {"deliveryStreamName": "a/b"}}}),
            "destinationConfiguration.firehose.deliveryStreamName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"firehose": {"deliveryStreamName": long(65)}}}),
            "destinationConfiguration.firehose.deliveryStreamName",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"name": "bad/name", "destinationConfiguration": {"s3": {"bucketName": "abc"}}}),
            "name",
        ),
        (
            "CreateLoggingConfiguration",
            json!({"destinationConfiguration": {"s3": {"bucketName": "abc"}}, "tags": tags(51)}),
            "tags",
        ),
        ("GetLoggingConfiguration", json!({}), "identifier"),
        (
            "GetLoggingConfiguration",
            json!({"identifier": room_arn}),
            "identifier",
        ),
        (
            "UpdateLoggingConfiguration",
            json!({"identifier": logging_arn, "name": long(129)}),
            "name",
        ),
        (
            "UpdateLoggingConfiguration",
            json!({"identifier": logging_arn, "destinationConfiguration": {"s3": {"bucketName": "x"}}}),
            "destinationConfiguration.s3.bucketName",
        ),
        (
            "UpdateLoggingConfiguration",
            json!({"name": "n"}),
            "identifier",
        ),
        (
            "DeleteLoggingConfiguration",
            json!({"identifier": "abc"}),
            "identifier",
        ),
        (
            "ListLoggingConfigurations",
            json!({"maxResults": 51}),
            "maxResults",
        ),
        (
            "ListLoggingConfigurations",
            json!({"nextToken": "garbage"}),
            "nextToken",
        ),
        // SendEvent, DeleteMessage, DisconnectUser
        ("SendEvent", json!({"eventName": "e"}), "roomIdentifier"),
        (
            "SendEvent",
            json!({"roomIdentifier": room_arn}),
            "eventName",
        ),
        (
            "SendEvent",
            json!({"roomIdentifier": room_arn, "eventName": ""}),
            "eventName",
        ),
        (
            "SendEvent",
            json!({"roomIdentifier": room_arn, "eventName": long(101)}),
            "eventName",
        ),
        (
            "SendEvent",
            json!({"roomIdentifier": room_arn, "eventName": "e", "attributes": attributes_over_1kb()}),
            "attributes",
        ),
        ("DeleteMessage", json!({"roomIdentifier": room_arn}), "id"),
        (
            "DeleteMessage",
            json!({"roomIdentifier": room_arn, "id": "short"}),
            "id",
        ),
        (
            "DeleteMessage",
            json!({"roomIdentifier": room_arn, "id": "M2YcHkgffEv!"}),
            "id",
        ),
        (
            "DeleteMessage",
            json!({"roomIdentifier": room_arn, "id": "M2YcHkgffEvU", "reason": ""}),
            "reason",
        ),
        (
            "DeleteMessage",
            json!({"roomIdentifier": room_arn, "id": "M2YcHkgffEvU", "reason": long(257)}),
            "reason",
        ),
        (
            "DeleteMessage",
            json!({"id": "M2YcHkgffEvU"}),
            "roomIdentifier",
        ),
        (
            "DisconnectUser",
            json!({"roomIdentifier": room_arn}),
            "userId",
        ),
        (
            "DisconnectUser",
            json!({"roomIdentifier": room_arn, "userId": long(129)}),
            "userId",
        ),
        (
            "DisconnectUser",
            json!({"roomIdentifier": room_arn, "userId": "u", "reason": long(257)}),
            "reason",
        ),
        // Tags (path operations)
        (
            "tags/arn%3Aaws%3Aivschat%3Aus-east-1%3A123456789012%3Achannel%2Fabc",
            json!({"tags": {"a": "b"}}),
            "resourceArn",
        ),
        (&room_tags, json!({}), "tags"),
        (&room_tags, json!({"tags": {"aws:x": "1"}}), "tags"),
    ];
    for (op, body, field) in cases {
        expect_invalid(&emu, op, body, field).await;
    }
    // Nothing invalid was created on the way.
    let listed = post(emu.addr, "ListRooms", json!({})).await.json();
    assert_eq!(listed["rooms"].as_array().unwrap().len(), 1);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn one_answer_names_every_bad_field() {
    let emu = start().await;
    let resp = post(
        emu.addr,
        "CreateRoom",
        json!({"name": "a b", "maximumMessageLength": 0, "maximumMessageRatePerSecond": 0}),
    )
    .await;
    let body = resp.json();
    assert_eq!(body["fieldList"].as_array().unwrap().len(), 3, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("3 validation errors detected")
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn untag_validates_its_query() {
    let emu = start().await;
    let room = post(emu.addr, "CreateRoom", json!({})).await.json();
    let path = format!(
        "/tags/{}",
        room["arn"]
            .as_str()
            .unwrap()
            .replace(':', "%3A")
            .replace('/', "%2F")
    );
    let resp = raw(emu.addr, "DELETE", &path, "").await;
    assert_eq!(resp.status, 400);
    assert_eq!(resp.json()["fieldList"][0]["name"], "tagKeys");
    let too_many: Vec<String> = (0..51).map(|i| format!("tagKeys=k{i}")).collect();
    let resp = raw(
        emu.addr,
        "DELETE",
        &format!("{path}?{}", too_many.join("&")),
        "",
    )
    .await;
    assert_eq!(resp.status, 400);
    let resp = raw(emu.addr, "DELETE", &format!("{path}?tagKeys="), "").await;
    assert_eq!(resp.status, 400);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_sdk_sees_reason_and_field_list() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let err = ivs
        .create_room()
        .maximum_message_rate_per_second(500)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let CreateRoomError::ValidationException(e) = err else {
        panic!("expected validation error, got {err:?}");
    };
    assert_eq!(
        e.reason(),
        &ValidationExceptionReason::FieldValidationFailed
    );
    assert_eq!(e.field_list()[0].name(), "maximumMessageRatePerSecond");
    assert!(e.message().contains("less than or equal to 100"));
    emu.shutdown().await.unwrap();
}
