//! Every control-plane operation through `aws-sdk-ivschat`, over real HTTP.

mod common;

use std::collections::HashSet;

use aws_sdk_ivschat::Client;
use aws_sdk_ivschat::error::ProvideErrorMetadata;
use aws_sdk_ivschat::operation::create_logging_configuration::builders::CreateLoggingConfigurationFluentBuilder;
use aws_sdk_ivschat::types::{
    ChatTokenCapability, CloudWatchLogsDestinationConfiguration, DestinationConfiguration,
    FallbackResult, FirehoseDestinationConfiguration, LoggingConfigurationState,
    MessageReviewHandler, S3DestinationConfiguration,
};
use common::*;

/// The service error of a request that must fail (`.send()` of any operation's builder).
macro_rules! service_error {
    ($request:expr) => {
        $request.send().await.unwrap_err().into_service_error()
    };
}

/// A CreateLoggingConfiguration request with an S3 destination.
fn s3_logging_configuration(ivs: &Client, bucket: &str) -> CreateLoggingConfigurationFluentBuilder {
    ivs.create_logging_configuration()
        .destination_configuration(DestinationConfiguration::S3(
            S3DestinationConfiguration::builder()
                .bucket_name(bucket)
                .build()
                .unwrap(),
        ))
}

/// The tag keys ListTagsForResource answers for a resource.
async fn tag_keys(ivs: &Client, arn: &str) -> HashSet<String> {
    let listed = ivs
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap();
    listed.tags().keys().cloned().collect()
}

fn is_alnum_id(id: &str) -> bool {
    id.len() == 12 && id.chars().all(|c| c.is_ascii_alphanumeric())
}

#[tokio::test]
async fn create_get_update_delete_room() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());

    let created = ivs
        .create_room()
        .name("lobby")
        .tags("team", "live")
        .send()
        .await
        .unwrap();
    let id = created.id().unwrap().to_owned();
    assert!(is_alnum_id(&id), "{id}");
    assert_eq!(created.arn(), Some(room_arn(&id).as_str()));
    assert_eq!(created.name(), Some("lobby"));
    // Defaults from the model docs.
    assert_eq!(created.maximum_message_rate_per_second(), Some(10));
    assert_eq!(created.maximum_message_length(), Some(500));
    assert!(created.message_review_handler().is_none());
    assert_eq!(
        created.tags().unwrap().get("team").map(String::as_str),
        Some("live")
    );
    assert!(created.logging_configuration_identifiers().is_empty());
    assert_eq!(created.create_time(), created.update_time());

    let got = ivs
        .get_room()
        .identifier(room_arn(&id))
        .send()
        .await
        .unwrap();
    assert_eq!(got.id(), Some(id.as_str()));
    assert_eq!(got.create_time(), created.create_time());

    // UpdateRoom changes only what is given.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let updated = ivs
        .update_room()
        .identifier(room_arn(&id))
        .maximum_message_length(200)
        .message_review_handler(
            MessageReviewHandler::builder()
                .uri(REVIEW_LAMBDA)
                .fallback_result(FallbackResult::Deny)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name(), Some("lobby"));
    assert_eq!(updated.maximum_message_length(), Some(200));
    assert_eq!(updated.maximum_message_rate_per_second(), Some(10));
    let handler = updated.message_review_handler().unwrap();
    assert_eq!(handler.uri(), Some(REVIEW_LAMBDA));
    assert_eq!(handler.fallback_result(), Some(&FallbackResult::Deny));
    assert!(updated.update_time() > created.update_time());
    assert_eq!(updated.create_time(), created.create_time());
    assert_eq!(updated.tags().unwrap().len(), 1);

    // An empty handler URI detaches the handler.
    let detached = ivs
        .update_room()
        .identifier(room_arn(&id))
        .message_review_handler(MessageReviewHandler::builder().uri("").build())
        .send()
        .await
        .unwrap();
    assert!(detached.message_review_handler().is_none());

    ivs.delete_room()
        .identifier(room_arn(&id))
        .send()
        .await
        .unwrap();
    let err = service_error!(ivs.get_room().identifier(room_arn(&id)));
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    let err = service_error!(ivs.delete_room().identifier(room_arn(&id)));
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn rooms_of_another_account_or_region_do_not_exist() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let id = ivs
        .create_room()
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    for arn in [
        format!("arn:aws:ivschat:eu-west-1:{ACCOUNT}:room/{id}"),
        format!("arn:aws:ivschat:{REGION}:999999999999:room/{id}"),
    ] {
        let err = service_error!(ivs.get_room().identifier(arn));
        let aws_sdk_ivschat::operation::get_room::GetRoomError::ResourceNotFoundException(e) = err
        else {
            panic!("expected not found, got {err:?}");
        };
        assert_eq!(e.resource_id(), id);
        assert_eq!(e.resource_type().as_str(), "ROOM");
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn list_rooms_filters_orders_and_paginates() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let logging = s3_logging_configuration(&ivs, "chat-logs")
        .send()
        .await
        .unwrap();
    let logging_arn = logging.arn().unwrap().to_owned();

    let mut created = Vec::new();
    for i in 0..7 {
        let mut req = ivs
            .create_room()
            .name(if i % 2 == 0 { "even" } else { "odd" });
        if i == 3 {
            req = req
                .message_review_handler(MessageReviewHandler::builder().uri(REVIEW_LAMBDA).build());
        }
        if i == 4 {
            req = req.logging_configuration_identifiers(&logging_arn);
        }
        created.push(req.send().await.unwrap().id().unwrap().to_owned());
    }

    // Newest updateTime first; an update moves a room to the front.
    ivs.update_room()
        .identifier(room_arn(&created[0]))
        .name("even")
        .send()
        .await
        .unwrap();
    let all = ivs.list_rooms().send().await.unwrap();
    let ids: Vec<&str> = all.rooms().iter().map(|r| r.id().unwrap()).collect();
    let mut expected: Vec<&str> = created[1..].iter().rev().map(String::as_str).collect();
    expected.insert(0, &created[0]);
    assert_eq!(ids, expected);
    assert!(all.next_token().is_none());
    // Summaries carry no message limits.
    let summary = &all.rooms()[0];
    assert!(summary.create_time().is_some() && summary.tags().is_some());

    let even = ivs.list_rooms().name("even").send().await.unwrap();
    assert_eq!(even.rooms().len(), 4);
    assert!(even.rooms().iter().all(|r| r.name() == Some("even")));
    let reviewed = ivs
        .list_rooms()
        .message_review_handler_uri(REVIEW_LAMBDA)
        .send()
        .await
        .unwrap();
    assert_eq!(reviewed.rooms().len(), 1);
    assert_eq!(reviewed.rooms()[0].id(), Some(created[3].as_str()));
    let logged = ivs
        .list_rooms()
        .logging_configuration_identifier(&logging_arn)
        .send()
        .await
        .unwrap();
    assert_eq!(logged.rooms().len(), 1);
    assert_eq!(logged.rooms()[0].id(), Some(created[4].as_str()));

    // Pages of 3: 3 + 3 + 1, no repeats, same order as one page.
    let mut paged = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = ivs
            .list_rooms()
            .max_results(3)
            .set_next_token(token.clone())
            .send()
            .await
            .unwrap();
        pages += 1;
        paged.extend(page.rooms().iter().map(|r| r.id().unwrap().to_owned()));
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(paged, ids);

    // The SDK paginator walks the same pages.
    let mut stream = ivs.list_rooms().max_results(2).into_paginator().send();
    let mut via_paginator = Vec::new();
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        via_paginator.extend(page.rooms().iter().map(|r| r.id().unwrap().to_owned()));
    }
    assert_eq!(via_paginator, ids);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn next_tokens_are_opaque_and_checked() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    for _ in 0..3 {
        ivs.create_room().send().await.unwrap();
        s3_logging_configuration(&ivs, "bucket")
            .send()
            .await
            .unwrap();
    }
    let rooms_token = ivs
        .list_rooms()
        .max_results(1)
        .send()
        .await
        .unwrap()
        .next_token()
        .unwrap()
        .to_owned();
    let mut forged = rooms_token.clone();
    forged.pop();
    for bad in [forged.as_str(), "not-a-token", "eyJyZXZpc2lvbiI6MX0"] {
        let err = ivs.list_rooms().next_token(bad).send().await.unwrap_err();
        assert_eq!(err.code(), Some("ValidationException"), "{bad}");
    }
    // A ListRooms token is not a ListLoggingConfigurations token.
    let err = service_error!(ivs.list_logging_configurations().next_token(&rooms_token));
    let aws_sdk_ivschat::operation::list_logging_configurations::ListLoggingConfigurationsError::ValidationException(e) = err else {
        panic!("expected validation error, got {err:?}");
    };
    assert_eq!(e.field_list()[0].name(), "nextToken");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn logging_configurations_lifecycle() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let created = ivs
        .create_logging_configuration()
        .name("audit")
        .destination_configuration(DestinationConfiguration::CloudWatchLogs(
            CloudWatchLogsDestinationConfiguration::builder()
                .log_group_name("/ivs/chat")
                .build()
                .unwrap(),
        ))
        .tags("env", "test")
        .send()
        .await
        .unwrap();
    let id = created.id().unwrap().to_owned();
    let arn = created.arn().unwrap().to_owned();
    assert!(is_alnum_id(&id));
    assert_eq!(arn, logging_arn(&id));
    assert_eq!(
        created.state(),
        Some(&aws_sdk_ivschat::types::CreateLoggingConfigurationState::Active)
    );
    assert_eq!(
        created.tags().unwrap().get("env").map(String::as_str),
        Some("test")
    );

    let got = ivs
        .get_logging_configuration()
        .identifier(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(got.state(), Some(&LoggingConfigurationState::Active));
    assert_eq!(got.name(), Some("audit"));
    let DestinationConfiguration::CloudWatchLogs(cw) = got.destination_configuration().unwrap()
    else {
        panic!("wrong destination");
    };
    assert_eq!(cw.log_group_name(), "/ivs/chat");

    let updated = ivs
        .update_logging_configuration()
        .identifier(&arn)
        .destination_configuration(DestinationConfiguration::Firehose(
            FirehoseDestinationConfiguration::builder()
                .delivery_stream_name("chat-stream")
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name(), Some("audit"));
    assert!(matches!(
        updated.destination_configuration(),
        Some(DestinationConfiguration::Firehose(_))
    ));

    // Attached to a room, it cannot be deleted: 409.
    let room = ivs
        .create_room()
        .logging_configuration_identifiers(&arn)
        .logging_configuration_identifiers(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        room.logging_configuration_identifiers(),
        std::slice::from_ref(&arn)
    );
    let err = service_error!(ivs.delete_logging_configuration().identifier(&arn));
    assert!(err.is_conflict_exception(), "{err:?}");

    // UpdateRoom replaces the list; then the configuration can go.
    let detached = ivs
        .update_room()
        .identifier(room.arn().unwrap())
        .set_logging_configuration_identifiers(Some(vec![]))
        .send()
        .await
        .unwrap();
    assert!(detached.logging_configuration_identifiers().is_empty());
    ivs.delete_logging_configuration()
        .identifier(&arn)
        .send()
        .await
        .unwrap();
    let err = service_error!(ivs.get_logging_configuration().identifier(&arn));
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    // A room cannot name a configuration that does not exist.
    let err = service_error!(ivs.create_room().logging_configuration_identifiers(&arn));
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn list_logging_configurations_paginates() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let mut created = Vec::new();
    for i in 0..5 {
        let c = s3_logging_configuration(&ivs, "bucket-name")
            .name(format!("c{i}"))
            .send()
            .await
            .unwrap();
        created.push(c.id().unwrap().to_owned());
    }
    let mut stream = ivs
        .list_logging_configurations()
        .max_results(2)
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        listed.extend(
            page.logging_configurations()
                .iter()
                .map(|c| c.id().unwrap().to_owned()),
        );
    }
    created.reverse();
    assert_eq!(listed, created);
    emu.shutdown().await.unwrap();
}

/// Creates `quota` logging configurations, then one more; that one's error.
async fn exceed_logging_quota(
    ivs: &Client,
    quota: usize,
) -> aws_sdk_ivschat::operation::create_logging_configuration::CreateLoggingConfigurationError {
    let create = || s3_logging_configuration(ivs, "bucket").send();
    for _ in 0..quota {
        create().await.unwrap();
    }
    create().await.unwrap_err().into_service_error()
}

#[tokio::test]
async fn logging_configuration_quota_answers_402() {
    let emu = start_with(ivschat_emulator::EmulatorConfig {
        max_logging_configurations: 2,
        ..test_config()
    })
    .await;
    let err = exceed_logging_quota(&client(&emu.endpoint()), 2).await;
    let aws_sdk_ivschat::operation::create_logging_configuration::CreateLoggingConfigurationError::ServiceQuotaExceededException(e) = err else {
        panic!("expected quota error, got {err:?}");
    };
    assert_eq!(e.limit(), 2);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn default_logging_quota_is_ten_per_account() {
    let emu = start().await;
    let err = exceed_logging_quota(&client(&emu.endpoint()), 10).await;
    assert_eq!(err.code(), Some("ServiceQuotaExceededException"));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn tags_on_rooms_and_logging_configurations() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let room = ivs.create_room().tags("a", "1").send().await.unwrap();
    let config = s3_logging_configuration(&ivs, "bucket")
        .send()
        .await
        .unwrap();
    for arn in [room.arn().unwrap(), config.arn().unwrap()] {
        ivs.tag_resource()
            .resource_arn(arn)
            .tags("b", "2")
            .tags("c", "")
            .send()
            .await
            .unwrap();
        let keys = tag_keys(&ivs, arn).await;
        assert!(keys.contains("b") && keys.contains("c"), "{keys:?}");
        ivs.untag_resource()
            .resource_arn(arn)
            .tag_keys("b")
            .tag_keys("c")
            .send()
            .await
            .unwrap();
        let keys = tag_keys(&ivs, arn).await;
        assert!(!keys.contains("b") && !keys.contains("c"), "{keys:?}");
    }
    // Tagging does not count as a change to the room.
    let after = ivs
        .get_room()
        .identifier(room.arn().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(after.update_time(), room.update_time());
    assert_eq!(
        after.tags().unwrap().get("a").map(String::as_str),
        Some("1")
    );

    let missing = room_arn("AAAAAAAAAAAA");
    let err = service_error!(ivs.list_tags_for_resource().resource_arn(&missing));
    assert!(err.is_resource_not_found_exception(), "{err:?}");

    // At most 50 tags on a resource, counting those it has.
    let mut req = ivs.tag_resource().resource_arn(room.arn().unwrap());
    for i in 0..50 {
        req = req.tags(format!("k{i}"), "v");
    }
    let err = req.send().await.unwrap_err();
    assert_eq!(err.code(), Some("ValidationException"));
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn chat_tokens() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let room = ivs.create_room().send().await.unwrap();
    let before = std::time::SystemTime::now();
    let out = ivs
        .create_chat_token()
        .room_identifier(room.arn().unwrap())
        .user_id("viewer-1")
        .capabilities(ChatTokenCapability::SendMessage)
        .capabilities(ChatTokenCapability::DeleteMessage)
        .session_duration_in_minutes(30)
        .attributes("displayName", "Viewer One")
        .send()
        .await
        .unwrap();
    let token = out.token().unwrap();
    assert!(token.len() > 40);
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)),
        "token must be a valid WebSocket subprotocol: {token}"
    );
    let session = std::time::SystemTime::try_from(*out.session_expiration_time().unwrap()).unwrap();
    let minutes = session.duration_since(before).unwrap().as_secs_f64() / 60.0;
    assert!((29.9..30.1).contains(&minutes), "{minutes}");
    assert!(
        out.token_expiration_time().unwrap() > &aws_sdk_ivschat::primitives::DateTime::from(before)
    );

    // The sealed token carries what was asked, and nothing can be read from it otherwise.
    let claims = emu.service().open_chat_token(token).unwrap();
    assert_eq!(claims.user_id, "viewer-1");
    assert_eq!(claims.room_id, room.id().unwrap());
    assert_eq!(claims.capabilities.len(), 2);
    assert_eq!(claims.attributes["displayName"], "Viewer One");
    assert!(!token.contains("viewer"));

    // Tokens are unique even for the same request.
    let again = ivs
        .create_chat_token()
        .room_identifier(room.arn().unwrap())
        .user_id("viewer-1")
        .send()
        .await
        .unwrap();
    assert_ne!(again.token(), out.token());
    // Default session: 60 minutes.
    let default_claims = emu
        .service()
        .open_chat_token(again.token().unwrap())
        .unwrap();
    let now = ivschat_emulator::model::Timestamp::now().unix_nanos();
    let default_minutes = (default_claims.session_expires.unix_nanos() - now) as f64 / 60e9;
    assert!((59.0..60.1).contains(&default_minutes), "{default_minutes}");

    let err = service_error!(
        ivs.create_chat_token()
            .room_identifier(room_arn("AAAAAAAAAAAA"))
            .user_id("u")
    );
    assert!(err.is_resource_not_found_exception(), "{err:?}");
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn room_actions_answer_as_aws_does() {
    let emu = start().await;
    let ivs = client(&emu.endpoint());
    let room = ivs.create_room().send().await.unwrap();
    let arn = room.arn().unwrap();
    let event = ivs
        .send_event()
        .room_identifier(arn)
        .event_name("app:poll")
        .attributes("question", "Best stream?")
        .send()
        .await
        .unwrap();
    assert!(is_alnum_id(event.id().unwrap()));
    let deleted = ivs
        .delete_message()
        .room_identifier(arn)
        .id("M2YcHkgffEvU")
        .reason("spam")
        .send()
        .await
        .unwrap();
    assert!(is_alnum_id(deleted.id().unwrap()));
    assert_ne!(deleted.id(), Some("M2YcHkgffEvU"));
    ivs.disconnect_user()
        .room_identifier(arn)
        .user_id("troll")
        .reason("banned")
        .send()
        .await
        .unwrap();
    for err in [
        ivs.send_event()
            .room_identifier(room_arn("AAAAAAAAAAAA"))
            .event_name("x")
            .send()
            .await
            .unwrap_err()
            .code()
            .map(str::to_owned),
        ivs.disconnect_user()
            .room_identifier(room_arn("AAAAAAAAAAAA"))
            .user_id("x")
            .send()
            .await
            .unwrap_err()
            .code()
            .map(str::to_owned),
    ] {
        assert_eq!(err.as_deref(), Some("ResourceNotFoundException"));
    }
    emu.shutdown().await.unwrap();
}
