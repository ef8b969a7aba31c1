use chat_core::config::{Config, sdk_config};
use lambda_http::{Error, run, service_fn};
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
    run(service_fn(|req| handle(req, &issuer))).await
}
