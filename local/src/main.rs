use chat_local::{LocalConfig, RunningStack};
use clap::Parser;
use ivschat_emulator::EmulatorConfig;
use ivschat_emulator::server::shutdown_signal;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,chat_local=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let mut config = LocalConfig::parse();
    // The emulator's own settings, from its environment variables (flags are chat-local's).
    config.emulator = match EmulatorConfig::try_parse_from(["ivschat-emulator"]) {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("chat-local: an IVSCHAT_EMULATOR_* variable is not valid: {e}");
            std::process::exit(2);
        }
    };
    let stack = match RunningStack::start(config).await {
        Ok(stack) => stack,
        // One line that names what is wrong and what to do; a hint only when another process
        // is the cause. Exit code 2: chat-local could not start on what it was given.
        Err(e) => {
            eprintln!("chat-local: {e}");
            if let Some(hint) = e.hint() {
                eprintln!("{hint}");
            }
            std::process::exit(2);
        }
    };
    print_banner(&stack);
    shutdown_signal().await;
    eprintln!("chat-local: stopping (closing chat connections, flushing logs)");
    stack.shutdown().await?;
    Ok(())
}

fn print_banner(stack: &RunningStack) {
    let app = stack.app_url();
    let ivs = stack.emulator_url();
    let ws = ivs.replacen("http://", "ws://", 1);
    if !stack.app_addr.ip().is_loopback() {
        println!(
            "Warning: listening on {}: dev sign-in lets anyone who reaches it act as any user, admin included.\n",
            stack.app_addr
        );
    }
    println!(
        "chat-local is running — no AWS account needed

  Chat page        {app}/
  App HTTP API     {app}   (routes as in template.yaml; send Authorization: Bearer <JWT>)
  IVS Chat         {ivs}   (control plane; Messaging WebSocket at {ws})
  Review handler   {arn}
  IAM              enforced: each function calls IVS under its policy in template.yaml
  Metrics          {app}/metrics   (what the functions count, as CloudWatch will show it)
  Data             {data}   (delete it to start over)
  Store            {store}

Sign in on the chat page (tick \"admin\" to create rooms), or get a JWT for the API:
  curl -s -X POST {app}/dev/login -d '{{\"userId\":\"alice\",\"displayName\":\"Alice\",\"groups\":[\"admin\"]}}'
AWS CLI and SDKs reach the emulator with AWS_ENDPOINT_URL_IVSCHAT={ivs}
  and the key {key} / secret {secret} (allowed everything; other keys are refused)
Ctrl-C stops.",
        arn = stack.review_handler_arn,
        data = stack.data_dir.display(),
        store = stack.store_location,
        key = chat_local::DEVELOPER_KEY.0,
        secret = chat_local::DEVELOPER_KEY.1,
    );
}
