//! Tracing for the functions: `RUST_LOG` / `AWS_LAMBDA_LOG_LEVEL` set the level, and JSON lines
//! (what CloudWatch Logs indexes) when SAM's `LoggingConfig: {LogFormat: JSON}` sets
//! `AWS_LAMBDA_LOG_FORMAT=JSON`.

pub fn init() {
    lambda_http::tracing::init_default_subscriber();
}
