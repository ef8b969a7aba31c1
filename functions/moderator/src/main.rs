use chat_core::config::{Config, sdk_config};
use lambda_http::Error;
use metrics_cloudwatch_embedded::lambda::handler::run_http;
use moderator::{Moderator, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    chat_core::telemetry::init();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let moderator = Moderator {
        ivs: aws_sdk_ivschat::Client::new(&sdk),
        store: config.store(&sdk)?,
    };
    run_http(chat_core::telemetry::emf(), |req| handle(req, &moderator)).await
}
