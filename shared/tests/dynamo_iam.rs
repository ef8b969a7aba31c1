//! IAM in front of moto: the proxy authorizes each DynamoDB call of a function's own SDK
//! client against template.yaml's policy for it, and refuses as DynamoDB does.

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::AttributeValue;
use chat_core::domain::records::Profile;
use chat_core::store::{ChatStore, DynamoStore, Store};
use chat_core::testing::{MotoServer, iam_policy};

fn key(pk: &str) -> std::collections::HashMap<String, AttributeValue> {
    [("pk", pk), ("sk", "META")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), AttributeValue::S(v.to_owned())))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_may_do_only_what_its_policy_allows() {
    let moto = MotoServer::start();
    let proxy = moto.behind_iam(&iam_policy()).await;
    proxy.table("chat").await;
    // token-issuer writes profiles (USER#...) and nothing else.
    let issuer = ChatStore::new(proxy.function_store("token-issuer", "chat"));
    issuer
        .put_profile(&Profile {
            user_id: "alice".into(),
            display_name: "Alice".into(),
            admin: false,
            seen_at: 0,
        })
        .await
        .unwrap();
    let client = proxy.function_client("token-issuer");
    let err = client
        .put_item()
        .table_name("chat")
        .set_item(Some(key("ROOM#1")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
    assert_eq!(
        err.message(),
        Some(
            "User: arn:aws:sts::123456789012:assumed-role/TokenIssuerFunctionRole/token-issuer is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:123456789012:table/chat because no identity-based policy allows the dynamodb:PutItem action"
        )
    );
    // ... and the store says so, naming the action and resource in its error.
    let raw = DynamoStore::new(client.clone(), "chat");
    let item = chat_core::store::Item {
        pk: "ROOM#1".into(),
        sk: "META".into(),
        expires_at: None,
        data: Default::default(),
    };
    let refused = raw
        .put(item, chat_core::store::Condition::Always)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("AccessDeniedException"),
        "{refused}"
    );
    // Reads it may do, as the one batched read it makes; a single GetItem it was not given, nor
    // a table it was given nothing on.
    raw.get_many(&[("ROOM#1", "META")]).await.unwrap();
    let err = client
        .get_item()
        .table_name("chat")
        .set_key(Some(key("ROOM#1")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AccessDeniedException"));
    let elsewhere = DynamoStore::new(client.clone(), "other");
    let refused = elsewhere.get_many(&[("ROOM#1", "META")]).await.unwrap_err();
    assert!(
        refused.to_string().contains("AccessDeniedException"),
        "{refused}"
    );
    let denied: Vec<String> = proxy
        .iam()
        .denials()
        .iter()
        .map(|d| format!("{} {}", d.action, d.resource))
        .collect();
    assert_eq!(
        denied,
        [
            "dynamodb:PutItem arn:aws:dynamodb:us-east-1:123456789012:table/chat",
            "dynamodb:PutItem arn:aws:dynamodb:us-east-1:123456789012:table/chat",
            "dynamodb:GetItem arn:aws:dynamodb:us-east-1:123456789012:table/chat",
            "dynamodb:BatchGetItem arn:aws:dynamodb:us-east-1:123456789012:table/other",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_and_bad_signatures_are_refused_as_dynamodb_does() {
    let moto = MotoServer::start();
    let proxy = moto.behind_iam(&iam_policy()).await;
    proxy.table("chat").await;
    let stranger = proxy.client_with_key("AKIASTRANGER", "x");
    let err = stranger.list_tables().send().await.unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));
    let forged = proxy.client_with_key("AKIAMODERATOR", "not-its-secret");
    let err = forged
        .get_item()
        .table_name("chat")
        .set_key(Some(key("ROOM#1")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidSignatureException"));
    let unsigned = ivschat_emulator::testing::raw_with_headers(
        proxy
            .endpoint
            .trim_start_matches("http://")
            .parse()
            .unwrap(),
        "POST",
        "/",
        &[
            ("x-amz-target", "DynamoDB_20120810.ListTables"),
            ("content-type", "application/x-amz-json-1.0"),
        ],
        "{}",
    )
    .await;
    assert_eq!(unsigned.status, 400);
    assert_eq!(
        unsigned.json()["__type"],
        "com.amazon.coral.service#MissingAuthenticationTokenException"
    );
    // The harness may do anything: it set the table up.
    proxy.client().list_tables().send().await.unwrap();
}
