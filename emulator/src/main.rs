use clap::Parser;
use ivschat_emulator::server::shutdown_signal;
use ivschat_emulator::{Emulator, EmulatorConfig};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let config = EmulatorConfig::parse();
    let running = Emulator::start(config).await?;
    println!("listening on {}", running.endpoint());
    shutdown_signal().await;
    tracing::info!("shutting down");
    running.shutdown().await?;
    Ok(())
}
