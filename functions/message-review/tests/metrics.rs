//! The deployed binary's observability, as CloudWatch will see it: run against a local Lambda
//! Runtime API, message-review writes one Embedded Metric Format document per invocation (the
//! review's duration, its verdict by rule, a cold start on the first) and one JSON log line per
//! review, without the message's content.

use std::collections::HashMap;

use chat_core::testing::run_function;
use serde_json::{Value, json};

fn review(content: &str, id: &str) -> Value {
    json!({
        "Content": content,
        "MessageId": id,
        "RoomArn": "arn:aws:ivschat:us-east-1:123456789012:room/AbCdEf123456",
        "Attributes": {},
        "Sender": {"UserId": "viewer-1", "Attributes": {"role": "viewer"}, "Ip": "203.0.113.7"}
    })
}

/// The metric values of an EMF document, by name, and its dimensions and properties.
fn emf(line: &str) -> Option<(HashMap<String, Value>, Value)> {
    let doc: Value = serde_json::from_str(line).ok()?;
    let names = doc["_aws"]["CloudWatchMetrics"][0]["Metrics"].as_array()?;
    let values = names
        .iter()
        .filter_map(|m| m["Name"].as_str())
        .map(|name| (name.to_owned(), doc[name].clone()))
        .collect();
    Some((values, doc))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_review_writes_its_metrics_and_one_log_line_without_content() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().to_string_lossy().into_owned();
    let run = run_function(
        std::path::Path::new(env!("CARGO_BIN_EXE_message-review")),
        vec![
            review("hello there", "MsgAllow0001"),
            review("spoilers ahead", "MsgDeny00001"),
            review("this is fucking great", "MsgMasked001"),
        ],
        &[
            ("CHAT_DATA_DIR", &data_dir),
            (
                "CHAT_DEFAULT_POLICY",
                r#"{"blockedTerms": ["spoiler*"], "profanity": "moderate"}"#,
            ),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
            ("RUST_LOG", "info"),
        ],
    )
    .await;
    assert_eq!(run.responses.len(), 3, "{:?}", run.stdout);
    assert_eq!(run.responses[0]["ReviewResult"], "ALLOW");
    assert_eq!(run.responses[1]["ReviewResult"], "DENY");
    assert_eq!(run.responses[2]["Content"], "this is ******* great");

    let documents: Vec<_> = run.stdout.iter().filter_map(|l| emf(l)).collect();
    let verdicts: Vec<(String, String)> = documents
        .iter()
        .filter(|(values, _)| values.contains_key("Verdicts"))
        .map(|(_, doc)| {
            (
                doc["Verdict"].as_str().unwrap_or_default().to_owned(),
                doc["Rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("ALLOW", "NONE"),
        ("DENY", "BLOCKED_TERM"),
        ("MASKED", "NONE"),
    ] {
        assert!(
            verdicts.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {verdicts:?}\n{:#?}",
            run.stdout
        );
    }
    let durations: Vec<&Value> = documents
        .iter()
        .filter_map(|(values, _)| values.get("ReviewDuration"))
        .collect();
    assert!(!durations.is_empty(), "{:#?}", run.stdout);
    let (_, doc) = &documents[0];
    assert_eq!(
        doc["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "IvsChatToolkit"
    );
    assert_eq!(doc["Function"], "message-review");
    assert_eq!(doc["RequestId"], "req-1");
    assert!(
        documents
            .iter()
            .any(|(values, _)| values.get("ColdStart") == Some(&json!(1))),
        "{:#?}",
        run.stdout
    );

    // One JSON log line per review, and the content in none of them.
    let reviews: Vec<Value> = run
        .stdout
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "review")
        .collect();
    assert_eq!(reviews.len(), 3, "{:#?}", run.stdout);
    assert_eq!(reviews[1]["fields"]["rule"], "BLOCKED_TERM");
    assert!(
        run.stdout
            .iter()
            .all(|l| !l.contains("fucking") && !l.contains("spoilers ahead")),
        "content stays out of the logs: {:#?}",
        run.stdout
    );
}
