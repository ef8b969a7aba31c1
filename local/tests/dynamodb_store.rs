//! chat-local on a DynamoDB table (`--table-name`, the endpoint from the AWS environment) as a
//! user runs it: the real binary against moto's server. The table is created as template.yaml
//! lays it out, a reviewed message lands in it (not in an embedded file), the state outlives a
//! restart, and a second chat-local on the same data directory is refused.

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chat_core::testing::{MotoServer, chat_connect};
use common::{contents, free_port, history, new_room, say, sign_in, token};

fn chat_local(dir: &std::path::Path, moto: &MotoServer, ports: (u16, u16)) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chat-local"));
    command
        .arg("--data-dir")
        .arg(dir)
        .args(["--table-name", "chat"])
        .args(["--port", &ports.0.to_string()])
        .args(["--emulator-port", &ports.1.to_string()])
        .env("AWS_ENDPOINT_URL_DYNAMODB", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_PROFILE")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
    command
}

/// Starts chat-local and waits until its API answers.
async fn spawn(dir: &std::path::Path, moto: &MotoServer) -> (Child, SocketAddr, SocketAddr) {
    let ports = (free_port(), free_port());
    let mut child = chat_local(dir, moto, ports)
        .spawn()
        .expect("chat-local runs");
    let app: SocketAddr = format!("127.0.0.1:{}", ports.0).parse().unwrap();
    let started = Instant::now();
    while tokio::net::TcpStream::connect(app).await.is_err() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "chat-local exited on a DynamoDB table"
        );
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "chat-local did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let emulator = format!("127.0.0.1:{}", ports.1).parse().unwrap();
    (child, app, emulator)
}

/// Every item of the table, as text (what a look in the console would show).
async fn table_items(moto: &MotoServer) -> Vec<String> {
    let scan = moto
        .client()
        .scan()
        .table_name("chat")
        .send()
        .await
        .unwrap();
    scan.items()
        .iter()
        .map(|item| format!("{item:?}"))
        .collect()
}

#[tokio::test]
async fn the_whole_chat_runs_on_a_dynamodb_table() {
    let moto = MotoServer::start();
    let dir = tempfile::tempdir().unwrap();
    let (mut first, app, emulator) = spawn(dir.path(), &moto).await;

    let admin = sign_in(app, "ada", "Ada", &["admin"]).await;
    let room = new_room(&admin, "on-dynamodb").await;
    let viewer = sign_in(app, "vic", "Vic", &[]).await;
    let mut ws = chat_connect(emulator, &token(&viewer, &room).await).await;
    say(&mut ws, "hello from a table")
        .await
        .expect("reviewed and delivered");
    assert_eq!(
        contents(&history(&viewer, &room, "").await),
        ["hello from a table"]
    );
    let items = table_items(&moto).await;
    assert!(
        items.iter().any(|i| i.contains("hello from a table")),
        "the message is in the DynamoDB table: {items:?}"
    );
    assert!(
        !dir.path().join("store").exists(),
        "no embedded store is opened beside the table"
    );

    // A second chat-local on the same data directory is refused, in one line, exit code 2.
    let second = chat_local(dir.path(), &moto, (free_port(), free_port()))
        .stderr(Stdio::piped())
        .output()
        .expect("chat-local runs");
    assert_eq!(second.status.code(), Some(2));
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(said.contains("held by another process"), "{said}");
    assert!(said.contains("another chat-local"), "{said}");

    // The state is the table's: a restart reads the same room and history back.
    first.kill().unwrap();
    first.wait().unwrap();
    drop(ws);
    let (mut again, app, _) = spawn(dir.path(), &moto).await;
    let viewer = sign_in(app, "vic", "Vic", &[]).await;
    assert_eq!(
        contents(&history(&viewer, &room, "").await),
        ["hello from a table"]
    );
    again.kill().unwrap();
    again.wait().unwrap();
}

#[tokio::test]
async fn an_unreachable_table_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let dead = format!("http://127.0.0.1:{}", free_port());
    let out = Command::new(env!("CARGO_BIN_EXE_chat-local"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "--table-name",
            "chat",
            "--port",
            "0",
            "--emulator-port",
            "0",
        ])
        .env("AWS_ENDPOINT_URL_DYNAMODB", &dead)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_MAX_ATTEMPTS", "1")
        .output()
        .expect("chat-local runs");
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("cannot use the DynamoDB table chat"),
        "{said}"
    );
    assert!(said.contains("AWS_ENDPOINT_URL_DYNAMODB"), "{said}");
}

#[tokio::test]
async fn a_table_keyed_otherwise_is_refused_at_start() {
    let moto = MotoServer::start();
    // A table named as chat-local is told, but keyed on `id` alone (someone else's table).
    let id = aws_sdk_dynamodb::types::KeySchemaElement::builder()
        .attribute_name("id")
        .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
        .build()
        .unwrap();
    let id_type = aws_sdk_dynamodb::types::AttributeDefinition::builder()
        .attribute_name("id")
        .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
        .build()
        .unwrap();
    moto.client()
        .create_table()
        .table_name("chat")
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .key_schema(id)
        .attribute_definitions(id_type)
        .send()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut child = chat_local(dir.path(), &moto, (free_port(), free_port()))
        .stderr(Stdio::piped())
        .spawn()
        .expect("chat-local runs");
    // It must stop by itself; one that runs on is killed, and the test fails.
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("chat-local started on a table keyed otherwise");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains(
            "DynamoDB table chat is keyed id (HASH, S), not pk (HASH, S) + sk (RANGE, S)"
        ),
        "{said}"
    );
    // Nothing was written to it.
    assert!(table_items(&moto).await.is_empty());
}
