//! `--iam-policy`: every control-plane call is authorized as IAM authorizes it, and a refusal
//! reaches the AWS SDK as IVS's `AccessDeniedException`. Written as an attacker would probe
//! it: no signature, unknown keys, wildcards, case, deny-with-NotResource, tag conditions.

mod common;

use aws_sdk_ivschat::error::ProvideErrorMetadata;
use aws_sdk_ivschat::types::{DestinationConfiguration, S3DestinationConfiguration};
use common::*;
use ivschat_emulator::config::Credential;
use ivschat_emulator::iam::{PolicyFile, Principal};
use ivschat_emulator::{Emulator, RunningEmulator};
use serde_json::{Value, json};

const ALL_ROOMS: &str = "arn:aws:ivschat:us-east-1:123456789012:room/*";
const ADMIN: (&str, &str) = ("AKIAADMIN", "admin-secret");
const CALLER: (&str, &str) = ("AKIACALLER", "caller-secret");
const CALLER_ARN: &str = "arn:aws:sts::123456789012:assumed-role/CallerRole/caller";

fn principal(key: (&str, &str), arn: &str, statements: Value) -> Principal {
    Principal {
        access_key_id: key.0.into(),
        secret_access_key: Some(key.1.into()),
        arn: arn.into(),
        policies: vec![json!({"Version": "2012-10-17", "Statement": statements})],
    }
}

/// An emulator whose admin may do everything and whose caller has these statements.
async fn with_caller(statements: Value) -> RunningEmulator {
    let file = PolicyFile {
        principals: vec![
            principal(
                ADMIN,
                "arn:aws:iam::123456789012:user/admin",
                json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]),
            ),
            principal(CALLER, CALLER_ARN, statements),
        ],
    };
    Emulator::start_with_iam(test_config(), Some(file))
        .await
        .expect("the emulator starts")
}

fn admin(emu: &RunningEmulator) -> aws_sdk_ivschat::Client {
    client_with_keys(&emu.endpoint(), ADMIN.0, ADMIN.1)
}

fn caller(emu: &RunningEmulator) -> aws_sdk_ivschat::Client {
    client_with_keys(&emu.endpoint(), CALLER.0, CALLER.1)
}

fn denied_message(action: &str, resource: &str) -> String {
    format!(
        "User: {CALLER_ARN} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action"
    )
}

#[tokio::test]
async fn the_sdk_gets_access_denied_with_the_aws_wording() {
    let emu = with_caller(json!([
        {"Effect": "Allow", "Action": "ivschat:GetRoom", "Resource": ALL_ROOMS}
    ]))
    .await;
    let room = new_room(&admin(&emu)).await;
    let ivs = caller(&emu);
    ivs.get_room().identifier(&room).send().await.unwrap();
    let err = ivs
        .send_event()
        .room_identifier(&room)
        .event_name("app:x")
        .send()
        .await
        .unwrap_err();
    let service = err.as_service_error().expect("a modelled error");
    assert!(service.is_access_denied_exception(), "{service:?}");
    assert_eq!(err.code(), Some("AccessDeniedException"));
    assert_eq!(
        err.message(),
        Some(denied_message("ivschat:SendEvent", &room).as_str())
    );
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);
    // What it refused is on record, for tests that prove a grant is needed.
    let denials = emu.iam().unwrap().denials();
    assert_eq!(denials.len(), 1);
    assert_eq!(
        (denials[0].action.as_str(), denials[0].resource.as_str()),
        ("ivschat:SendEvent", room.as_str())
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn unsigned_unknown_and_badly_signed_callers_are_refused_before_iam() {
    let emu = with_caller(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])).await;
    let unsigned = post(emu.addr, "ListRooms", json!({})).await;
    assert_eq!(
        (unsigned.status, unsigned.error_type()),
        (403, "MissingAuthenticationTokenException")
    );
    let unknown = client_with_keys(&emu.endpoint(), "AKIAINTRUDER", "x")
        .list_rooms()
        .send()
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Some("UnrecognizedClientException"));
    assert_eq!(unknown.raw_response().unwrap().status().as_u16(), 403);
    let forged = client_with_keys(&emu.endpoint(), CALLER.0, "not-the-secret")
        .list_rooms()
        .send()
        .await
        .unwrap_err();
    assert_eq!(forged.code(), Some("InvalidSignatureException"));
    // The WebSocket and the health check are not the control plane: no IAM there.
    assert_eq!(
        raw(emu.addr, "GET", "/_emulator/health", "").await.status,
        200
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_key_without_a_secret_is_recognised_and_a_credentials_key_is_allowed_nothing() {
    let mut file = PolicyFile {
        principals: vec![principal(
            CALLER,
            CALLER_ARN,
            json!([{"Effect": "Allow", "Action": "ivschat:ListRooms", "Resource": "*"}]),
        )],
    };
    file.principals[0].secret_access_key = None;
    let emu = Emulator::start_with_iam(
        ivschat_emulator::EmulatorConfig {
            credentials: vec!["AKIDPLAIN:plain".parse::<Credential>().unwrap()],
            ..test_config()
        },
        Some(file),
    )
    .await
    .unwrap();
    // Any secret signs for a key the file gives without one.
    client_with_keys(&emu.endpoint(), CALLER.0, "whatever")
        .list_rooms()
        .send()
        .await
        .unwrap();
    let err = client_with_keys(&emu.endpoint(), "AKIDPLAIN", "plain")
        .list_rooms()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"));
    assert!(
        err.message()
            .unwrap()
            .starts_with("User: arn:aws:iam::123456789012:user/AKIDPLAIN is not authorized to perform: ivschat:ListRooms on resource: *"),
        "{err:?}"
    );
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn wildcards_and_case() {
    let emu = with_caller(json!([
        // Every action with Room in its name, in any region and account, typed in odd case.
        {"Effect": "Allow", "Action": ["IVSCHAT:*room*"], "Resource": ["arn:aws:ivschat:*:*:room/*", "*"]}
    ]))
    .await;
    let ivs = caller(&emu);
    let room = ivs.create_room().send().await.unwrap();
    let arn = room.arn().unwrap();
    ivs.get_room().identifier(arn).send().await.unwrap();
    ivs.list_rooms().send().await.unwrap();
    let err = ivs
        .create_chat_token()
        .room_identifier(arn)
        .user_id("u")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"));
    // ARNs are case-sensitive: a room named in another case is another resource.
    let emu2 = with_caller(json!([
        {"Effect": "Allow", "Action": "ivschat:GetRoom", "Resource": arn.to_uppercase().replace("ARN:AWS:IVSCHAT", "arn:aws:ivschat")},
        {"Effect": "Allow", "Action": "ivschat:GetRoom", "Resource": "arn:aws:ivschat:us-east-1:123456789012:room/?"}
    ]))
    .await;
    let err = caller(&emu2)
        .get_room()
        .identifier(arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"));
    assert_eq!(
        err.message(),
        Some(denied_message("ivschat:GetRoom", arn).as_str())
    );
    emu.shutdown().await.unwrap();
    emu2.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_explicit_deny_with_not_resource_wins_over_any_allow() {
    let emu = with_caller(json!([
        {"Effect": "Allow", "Action": "ivschat:*", "Resource": "*"},
        // Only rooms: logging configurations are off limits, whatever the Allow says.
        {"Effect": "Deny", "Action": "ivschat:*", "NotResource": [ALL_ROOMS, "*"]},
    ]))
    .await;
    // NotResource "*" excludes everything: the Deny applies to nothing.
    caller(&emu).list_rooms().send().await.unwrap();
    let emu2 = with_caller(json!([
        {"Effect": "Allow", "Action": "ivschat:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ivschat:*LoggingConfiguration*", "NotResource": ALL_ROOMS},
    ]))
    .await;
    let ivs = caller(&emu2);
    let room = ivs.create_room().send().await.unwrap();
    ivs.get_room()
        .identifier(room.arn().unwrap())
        .send()
        .await
        .unwrap();
    let err = ivs
        .create_logging_configuration()
        .destination_configuration(DestinationConfiguration::S3(
            S3DestinationConfiguration::builder()
                .bucket_name("logs")
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"));
    assert_eq!(
        err.message(),
        Some(format!("User: {CALLER_ARN} is not authorized to perform: ivschat:CreateLoggingConfiguration on resource: arn:aws:ivschat:us-east-1:123456789012:logging-configuration/* with an explicit deny in an identity-based policy").as_str())
    );
    emu.shutdown().await.unwrap();
    emu2.shutdown().await.unwrap();
}

#[tokio::test]
async fn tag_conditions_and_tag_on_create() {
    let emu = with_caller(json!([
        // Create rooms only with a team tag of chat, and only these tag keys.
        {"Effect": "Allow", "Action": "ivschat:CreateRoom", "Resource": ALL_ROOMS,
         "Condition": {"StringEquals": {"aws:RequestTag/team": "chat"},
                       "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "topic"]}}},
        // Tagging on create needs TagResource too, with the same conditions.
        {"Effect": "Allow", "Action": "ivschat:TagResource", "Resource": ALL_ROOMS,
         "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "topic"]}}},
        // Events only to the team's rooms; untagging only of topic.
        {"Effect": "Allow", "Action": "ivschat:SendEvent", "Resource": ALL_ROOMS,
         "Condition": {"StringEquals": {"aws:ResourceTag/team": "chat"}}},
        {"Effect": "Allow", "Action": "ivschat:UntagResource", "Resource": ALL_ROOMS,
         "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": "topic"}}},
    ]))
    .await;
    let ivs = caller(&emu);
    let denied = |r: Result<(), String>| r.expect_err("refused");
    let create = |tags: &[(&str, &str)]| {
        let mut request = ivs.create_room();
        for (k, v) in tags {
            request = request.tags(*k, *v);
        }
        async move {
            request
                .send()
                .await
                .map(|r| r.arn().unwrap().to_owned())
                .map_err(|e| e.code().unwrap_or_default().to_owned())
        }
    };
    let ours = create(&[("team", "chat"), ("topic", "news")])
        .await
        .unwrap();
    assert_eq!(
        create(&[("team", "video")]).await.unwrap_err(),
        "AccessDeniedException"
    );
    assert_eq!(create(&[]).await.unwrap_err(), "AccessDeniedException");
    assert_eq!(
        create(&[("team", "chat"), ("cost", "x")])
            .await
            .unwrap_err(),
        "AccessDeniedException"
    );
    let theirs = new_room(&admin(&emu)).await;
    let event = |room: String| {
        let ivs = ivs.clone();
        async move {
            ivs.send_event()
                .room_identifier(room)
                .event_name("e")
                .send()
                .await
                .map(drop)
                .map_err(|e| e.code().unwrap_or_default().to_owned())
        }
    };
    event(ours.clone()).await.unwrap();
    assert_eq!(denied(event(theirs).await), "AccessDeniedException");
    let untag = |key: &'static str| {
        let (ivs, ours) = (ivs.clone(), ours.clone());
        async move {
            ivs.untag_resource()
                .resource_arn(ours)
                .tag_keys(key)
                .send()
                .await
                .map(drop)
                .map_err(|e| e.code().unwrap_or_default().to_owned())
        }
    };
    assert_eq!(denied(untag("team").await), "AccessDeniedException");
    untag("topic").await.unwrap();
    // Without TagResource, a room cannot be created with tags at all.
    let emu2 = with_caller(json!([
        {"Effect": "Allow", "Action": "ivschat:CreateRoom", "Resource": ALL_ROOMS}
    ]))
    .await;
    caller(&emu2).create_room().send().await.unwrap();
    let err = caller(&emu2)
        .create_room()
        .tags("team", "chat")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.message(),
        Some(denied_message("ivschat:TagResource", ALL_ROOMS).as_str())
    );
    emu.shutdown().await.unwrap();
    emu2.shutdown().await.unwrap();
}

#[tokio::test]
async fn logging_configurations_need_the_log_delivery_permissions() {
    let ivschat = json!({"Effect": "Allow", "Action": "ivschat:*", "Resource": "*"});
    let emu = with_caller(json!([ivschat])).await;
    let s3 = DestinationConfiguration::S3(
        S3DestinationConfiguration::builder()
            .bucket_name("chat-logs")
            .build()
            .unwrap(),
    );
    let err = caller(&emu)
        .create_logging_configuration()
        .destination_configuration(s3.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.message(),
        Some(denied_message("logs:CreateLogDelivery", "*").as_str())
    );
    let emu2 = with_caller(json!([ivschat,
        {"Effect": "Allow", "Action": ["logs:*LogDeliver*", "s3:GetBucketPolicy"], "Resource": "*"}]))
    .await;
    let err = caller(&emu2)
        .create_logging_configuration()
        .destination_configuration(s3.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.message(),
        Some(denied_message("s3:PutBucketPolicy", "arn:aws:s3:::chat-logs").as_str())
    );
    let emu3 = with_caller(json!([ivschat,
        {"Effect": "Allow", "Action": ["logs:*LogDeliver*", "s3:*BucketPolicy"], "Resource": "*"}]))
    .await;
    let config = caller(&emu3)
        .create_logging_configuration()
        .destination_configuration(s3)
        .send()
        .await
        .unwrap();
    caller(&emu3)
        .delete_logging_configuration()
        .identifier(config.arn().unwrap())
        .send()
        .await
        .unwrap();
    for emu in [emu, emu2, emu3] {
        emu.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn the_policy_file_flag_loads_and_a_malformed_file_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("policy.json");
    let file = PolicyFile {
        principals: vec![principal(
            CALLER,
            CALLER_ARN,
            json!([{"Effect": "Allow", "Action": "ivschat:ListRooms", "Resource": "*"}]),
        )],
    };
    std::fs::write(&path, file.to_json()).unwrap();
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        iam_policy: Some(path.clone()),
        ..test_config()
    })
    .await;
    caller(&emu).list_rooms().send().await.unwrap();
    let err = caller(&emu).create_room().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"));
    emu.shutdown().await.unwrap();
    std::fs::write(
        &path,
        json!({"principals": [{"accessKeyId": "A", "arn": "x", "policies": [{"Statement": [{"Effect": "Allow", "Action": "ivschat:*"}]}]}]}).to_string(),
    )
    .unwrap();
    let refused = Emulator::start(ivschat_emulator::EmulatorConfig {
        iam_policy: Some(path),
        ..test_config()
    })
    .await;
    let Err(err) = refused else {
        panic!("a malformed policy must not start");
    };
    assert!(err.to_string().contains("Resource"), "{err}");
}

#[tokio::test]
async fn without_a_policy_file_any_caller_may_do_anything() {
    let emu = start().await;
    assert!(emu.iam().is_none());
    let ivs = client_with_keys(&emu.endpoint(), "anything", "at-all");
    let room = new_room(&ivs).await;
    ivs.send_event()
        .room_identifier(room)
        .event_name("e")
        .send()
        .await
        .unwrap();
    emu.shutdown().await.unwrap();
}
