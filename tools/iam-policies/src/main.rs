//! `iam-policies`: writes the IVS Chat emulator's policy file from template.yaml's functions.
//!
//! ```sh
//! cargo run -p iam-policies -- --output policy.json
//! cargo run -p ivschat-emulator -- --iam-policy policy.json
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use iam_policies::{Deployment, TEMPLATE, policy_file};

#[derive(Parser)]
#[command(
    name = "iam-policies",
    about = "The IVS Chat emulator's --iam-policy file, from template.yaml"
)]
struct Args {
    /// The template to read (default: the repository's template.yaml, as built in).
    #[arg(long)]
    template: Option<PathBuf>,
    /// The region in ARNs (the emulator's --region).
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// The account in ARNs (the emulator's --account-id).
    #[arg(long, default_value = "123456789012")]
    account_id: String,
    /// A resource's physical name, as LogicalId=name (default: ChatTable=chat).
    #[arg(long = "name", value_parser = name_pair)]
    names: Vec<(String, String)>,
    /// Write here instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
}

fn name_pair(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| "expected LogicalId=name".to_owned())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let text = match &args.template {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("iam-policies: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
        None => TEMPLATE.to_owned(),
    };
    let mut deployment = Deployment::local();
    deployment.region = args.region;
    deployment.account_id = args.account_id;
    for (logical_id, name) in &args.names {
        deployment = deployment.with_name(logical_id, name);
    }
    let json = match policy_file(&text, &deployment) {
        Ok(file) => file.to_json(),
        Err(e) => {
            eprintln!("iam-policies: {e}");
            return ExitCode::FAILURE;
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, json + "\n") {
                eprintln!("iam-policies: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
        None => println!("{json}"),
    }
    ExitCode::SUCCESS
}
