use chat_core::config::{Config, sdk_config};
use lambda_http::Error;
use metrics_cloudwatch_embedded::lambda::handler::run_http;
use room_provisioner::{Provisioner, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    chat_core::telemetry::init();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let provisioner = Provisioner {
        ivs: aws_sdk_ivschat::Client::new(&sdk),
        store: config.store(&sdk)?,
        review_handler_arn: config.review_handler_arn.clone(),
        region: sdk
            .region()
            .map(ToString::to_string)
            .unwrap_or_else(|| "us-east-1".into()),
    };
    run_http(chat_core::telemetry::emf(), |req| handle(req, &provisioner)).await
}
