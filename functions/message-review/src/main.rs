use chat_core::config::{Config, sdk_config};
use lambda_runtime::{Error, run, service_fn};
use message_review::{Reviewer, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    chat_core::telemetry::init();
    // Every table and matcher is built here, before the first message arrives.
    chat_moderation::warm_up();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let reviewer = Reviewer::new(config.store(&sdk)?, config.default_policy.clone())
        .with_events(aws_sdk_ivschat::Client::new(&sdk));
    run(service_fn(|event| handle(event, &reviewer))).await
}
