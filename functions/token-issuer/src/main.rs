use chat_core::config::{Config, sdk_config};
use lambda_http::Error;
use metrics_cloudwatch_embedded::lambda::handler::run_http;
use token_issuer::{TokenIssuer, handle};

#[tokio::main]
async fn main() -> Result<(), Error> {
    chat_core::telemetry::init();
    let config = Config::from_env()?;
    let sdk = sdk_config().await;
    let issuer = TokenIssuer {
        ivs: aws_sdk_ivschat::Client::new(&sdk),
        store: config.store(&sdk)?,
    };
    run_http(chat_core::telemetry::emf(), |req| handle(req, &issuer)).await
}
