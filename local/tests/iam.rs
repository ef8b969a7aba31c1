//! chat-local enforces IAM as AWS would: its emulator holds template.yaml's policy for each
//! function, each function calls with its own key, and a call outside a function's policy is
//! refused and logged with the action and resource it needed.

use std::sync::{Arc, Mutex};

use aws_sdk_ivschat::error::ProvideErrorMetadata;
use chat_core::ivs::{client_with_key, ivs_error};
use chat_local::{DEVELOPER_KEY, LocalConfig, RunningStack};

/// Log lines written while a test runs, for checking what was logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_function_calls_under_its_own_policy_and_refusals_are_logged() {
    let dir = tempfile::tempdir().unwrap();
    let stack = RunningStack::start(LocalConfig::ephemeral(dir.path()))
        .await
        .unwrap();
    let url = stack.emulator_url();
    let developer = client_with_key(&url, "us-east-1", DEVELOPER_KEY.0, DEVELOPER_KEY.1);
    let room = developer.create_room().send().await.unwrap();
    let arn = room.arn().unwrap().to_owned();

    // Another key is no one here.
    let stranger = client_with_key(&url, "us-east-1", "AKIASTRANGER", "x");
    let err = stranger.list_rooms().send().await.unwrap_err();
    assert_eq!(err.code(), Some("UnrecognizedClientException"));

    // token-issuer's key mints tokens, and may not delete a room.
    let issuer = client_with_key(
        &url,
        "us-east-1",
        &iam_policies::access_key("token-issuer"),
        &iam_policies::secret_key("token-issuer"),
    );
    issuer
        .create_chat_token()
        .room_identifier(&arn)
        .user_id("u")
        .send()
        .await
        .unwrap();
    let refused = issuer
        .delete_room()
        .identifier(&arn)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("AccessDeniedException"));

    // Mapped for the API, the refusal is logged naming what the policy lacks.
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let api_error = tracing::subscriber::with_default(subscriber, || ivs_error(refused));
    assert_eq!(api_error.status, 502);
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("refused by IAM: this function's policy does not allow ivschat:DeleteRoom on")
            && log.contains(&arn),
        "{log}"
    );
    stack.shutdown().await.unwrap();
}
