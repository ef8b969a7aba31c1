use chat_core::config::{Config, sdk_config};
use lambda_http::{Error, run, service_fn};
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
    run(service_fn(|req| handle(req, &moderator))).await
}
