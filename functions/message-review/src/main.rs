// The runtime, the metrics layer and the review nest deep async types.
#![recursion_limit = "256"]

use chat_core::config::{Config, sdk_config};
use lambda_runtime::Error;
use message_review::{Reviewer, handle};
use metrics_cloudwatch_embedded::lambda::handler::run;

#[tokio::main]
async fn main() -> Result<(), Error> {
    chat_core::telemetry::init();
    // Every table and matcher is built before the first message arrives, on a thread of its
    // own while the clients are made (the same init, ~2 ms shorter where there are two cores).
    let tables = std::thread::spawn(chat_moderation::warm_up);
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let reviewer = Reviewer::new(config.store(&sdk)?, config.default_policy.clone())
        .with_events(aws_sdk_ivschat::Client::new(&sdk));
    tables
        .join()
        .map_err(|_| "building the moderation tables failed")?;
    run(chat_core::telemetry::emf(), |event| {
        handle(event, &reviewer)
    })
    .await
}
