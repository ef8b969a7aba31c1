//! `--credentials`: the emulator verifies SigV4 signatures and refuses everything else with
//! 403 in the AWS error format. Without it, any signature is accepted.

mod common;

use aws_sdk_ivschat::config::{Credentials, Region};
use aws_sdk_ivschat::error::ProvideErrorMetadata;
use common::*;
use ivschat_emulator::config::Credential;
use serde_json::json;

async fn strict() -> ivschat_emulator::RunningEmulator {
    start_with(ivschat_emulator::EmulatorConfig {
        credentials: vec![
            "AKIDSTRICT:s3cr3t".parse::<Credential>().unwrap(),
            "OTHER:other".parse().unwrap(),
        ],
        ..test_config()
    })
    .await
}

#[tokio::test]
async fn correctly_signed_requests_pass_for_every_kind_of_route() {
    let emu = strict().await;
    for (key, secret) in [("AKIDSTRICT", "s3cr3t"), ("OTHER", "other")] {
        let ivs = client_with_keys(&emu.endpoint(), key, secret);
        let room = ivs
            .create_room()
            .name("signed")
            .tags("a", "b")
            .send()
            .await
            .unwrap();
        let arn = room.arn().unwrap();
        ivs.get_room().identifier(arn).send().await.unwrap();
        // Percent-encoded path labels and a repeated query parameter.
        ivs.tag_resource()
            .resource_arn(arn)
            .tags("c d", "e/f")
            .send()
            .await
            .unwrap();
        ivs.list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .unwrap();
        ivs.untag_resource()
            .resource_arn(arn)
            .tag_keys("a")
            .tag_keys("c d")
            .send()
            .await
            .unwrap();
        ivs.delete_room().identifier(arn).send().await.unwrap();
    }
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn temporary_credentials_sign_the_session_token_too() {
    let emu = strict().await;
    let config = aws_sdk_ivschat::Config::builder()
        .behavior_version_latest()
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new(
            "AKIDSTRICT",
            "s3cr3t",
            Some("session-token".into()),
            None,
            "t",
        ))
        .endpoint_url(emu.endpoint())
        .build();
    aws_sdk_ivschat::Client::from_conf(config)
        .list_rooms()
        .send()
        .await
        .unwrap();
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn wrong_secret_unknown_key_and_wrong_region_are_refused() {
    let emu = strict().await;
    let err = client_with_keys(&emu.endpoint(), "AKIDSTRICT", "wrong")
        .list_rooms()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 403);

    let err = client_with_keys(&emu.endpoint(), "NOBODY", "s3cr3t")
        .create_room()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));

    let config = aws_sdk_ivschat::Config::builder()
        .behavior_version_latest()
        .region(Region::new("eu-west-1"))
        .credentials_provider(Credentials::new("AKIDSTRICT", "s3cr3t", None, None, "t"))
        .endpoint_url(emu.endpoint())
        .build();
    let err = aws_sdk_ivschat::Client::from_conf(config)
        .list_rooms()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    // Nothing was created by the refused CreateRoom.
    let ok = client_with_keys(&emu.endpoint(), "AKIDSTRICT", "s3cr3t");
    assert!(ok.list_rooms().send().await.unwrap().rooms().is_empty());
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn unsigned_and_tampered_requests_are_refused() {
    let emu = strict().await;
    let resp = post(emu.addr, "CreateRoom", json!({})).await;
    assert_eq!(resp.status, 403);
    assert_eq!(resp.error_type(), "MissingAuthenticationTokenException");
    assert!(resp.json()["message"].is_string());

    let resp = raw_with_auth(
        &emu,
        "AWS4-HMAC-SHA256 Credential=AKIDSTRICT/20260101/us-east-1/ivschat/aws4_request, SignedHeaders=host;x-amz-date, Signature=deadbeef",
        "20260101T000000Z",
    )
    .await;
    assert_eq!(resp.status, 403);
    assert_eq!(resp.error_type(), "InvalidSignatureException", "stale date");

    let resp = raw_with_auth(
        &emu,
        "AWS4-HMAC-SHA256 Credential=AKIDSTRICT",
        "20260101T000000Z",
    )
    .await;
    assert_eq!(resp.status, 403);
    assert_eq!(resp.error_type(), "IncompleteSignatureException");

    // The health endpoint is the emulator's own and needs no signature.
    let resp = raw(emu.addr, "GET", "/_emulator/health", "").await;
    assert_eq!(resp.status, 200);
    emu.shutdown().await.unwrap();
}

#[tokio::test]
async fn by_default_any_signature_is_accepted() {
    let emu = start().await;
    client_with_keys(&emu.endpoint(), "ANYTHING", "whatever")
        .create_room()
        .send()
        .await
        .unwrap();
    assert_eq!(post(emu.addr, "ListRooms", json!({})).await.status, 200);
    emu.shutdown().await.unwrap();
}

async fn raw_with_auth(
    emu: &ivschat_emulator::RunningEmulator,
    auth: &str,
    date: &str,
) -> RawResponse {
    let headers = [("x-amz-date", date), ("authorization", auth)];
    raw_with_headers(emu.addr, "POST", "/ListRooms", &headers, "{}").await
}

/// Now, as `X-Amz-Date` carries it.
fn amz_now() -> String {
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    time::OffsetDateTime::now_utc().format(format).unwrap()
}

#[tokio::test]
async fn signatures_that_leave_host_out_are_refused_and_the_server_keeps_serving() {
    let emu = strict().await;
    let date = amz_now();
    for signed_headers in [
        "x-amz-date",
        "content-type;x-amz-date",
        "host;host;x-amz-date",
        "host;x-amz-date;x-amz-date",
        "",
        ";",
        "host;;x-amz-date",
        "HOST;x-amz-date",
    ] {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=AKIDSTRICT/{}/us-east-1/ivschat/aws4_request, \
             SignedHeaders={signed_headers}, Signature=deadbeef",
            &date[..8]
        );
        let resp = raw_with_auth(&emu, &auth, &date).await;
        assert_eq!(resp.status, 403, "SignedHeaders={signed_headers:?}");
        assert_eq!(
            resp.error_type(),
            "IncompleteSignatureException",
            "SignedHeaders={signed_headers:?}: {}",
            resp.text()
        );
    }
    // Still serving, and a good signature still passes.
    client_with_keys(&emu.endpoint(), "AKIDSTRICT", "s3cr3t")
        .list_rooms()
        .send()
        .await
        .unwrap();
    emu.shutdown().await.unwrap();
}
