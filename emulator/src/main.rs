use std::process::ExitCode;

use clap::Parser;
use ivschat_emulator::server::shutdown_signal;
use ivschat_emulator::{Emulator, EmulatorConfig, StartError};
use tracing_subscriber::EnvFilter;

/// A state file that must be restored or removed: the operator's move, not a crash.
const EXIT_BAD_STATE_FILE: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let config = EmulatorConfig::parse();
    let running = match Emulator::start(config).await {
        Ok(running) => running,
        Err(err) => {
            // One line, for the operator.
            eprintln!("ivschat-emulator: {err}");
            return match err {
                StartError::StateFile { .. } => ExitCode::from(EXIT_BAD_STATE_FILE),
                _ => ExitCode::FAILURE,
            };
        }
    };
    println!("listening on {}", running.endpoint());
    shutdown_signal().await;
    tracing::info!("shutting down");
    if let Err(err) = running.shutdown().await {
        eprintln!("ivschat-emulator: shutting down: {err}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
