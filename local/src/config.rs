//! chat-local's settings: command-line flags, each also read from an environment variable.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use chat_core::domain::policy::ModerationPolicy;
use clap::Parser;
use ivschat_emulator::EmulatorConfig;

#[derive(Parser, Clone, Debug)]
#[command(
    name = "chat-local",
    version,
    about = "The whole chat on one machine: IVS Chat, the app's HTTP API, the store and the chat page"
)]
pub struct LocalConfig {
    /// Address both servers listen on (0.0.0.0 to reach them from other machines).
    #[arg(long, env = "CHAT_LOCAL_HOST", default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Port of the chat page and the App HTTP API (0: any free port).
    #[arg(long, env = "CHAT_LOCAL_PORT", default_value_t = 3000)]
    pub port: u16,
    /// Port of the IVS Chat emulator: control plane and Messaging WebSocket (0: any free port).
    #[arg(long, env = "CHAT_LOCAL_EMULATOR_PORT", default_value_t = 4600)]
    pub emulator_port: u16,
    /// Where the store, the emulator's rooms and chat logs, and the sign-in key are kept.
    #[arg(long, env = "CHAT_DATA_DIR", default_value = ".chat-local")]
    pub data_dir: PathBuf,
    /// Keep the app's state in this DynamoDB table instead of the embedded store (created if
    /// missing, laid out as template.yaml's). Endpoint, region and credentials come from the
    /// AWS environment: `AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:5000` for moto or DynamoDB
    /// Local, as the deployed functions read theirs.
    #[arg(long, env = "CHAT_TABLE_NAME")]
    pub table_name: Option<String>,
    /// The origin allowed to call the API from another page (the template's CorsAllowOrigin).
    #[arg(long, env = "CHAT_LOCAL_CORS_ALLOW_ORIGIN", default_value = "*")]
    pub cors_allow_origin: String,
    /// JSON moderation policy for rooms that have none of their own.
    #[arg(long, env = "CHAT_DEFAULT_POLICY", value_parser = ModerationPolicy::from_json)]
    pub default_policy: Option<ModerationPolicy>,
    /// An OIDC issuer whose tokens the API accepts besides dev sign-in's (`crate::oidc`).
    #[command(flatten)]
    pub oidc: crate::oidc::OidcArgs,
    /// The emulator's other settings (review timeout, session length, quotas...): `main` reads
    /// them from its `IVSCHAT_EMULATOR_*` variables; its address, data directory and Lambda
    /// endpoint are chat-local's.
    #[arg(skip = EmulatorConfig::default())]
    pub emulator: EmulatorConfig,
    /// How long the App HTTP API waits on a client (fixed; tests shorten them).
    #[arg(skip = Timeouts::default())]
    pub timeouts: Timeouts,
}

/// What a slow or silent client may cost: each bound holds a connection for a few seconds at
/// most, so stalled clients cannot pile up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// From the moment a connection is ready for a request (just accepted, or idle after a
    /// response) until that request's headers are complete: also the keep-alive idle time.
    pub header_read: Duration,
    /// The longest pause between two pieces of a request body.
    pub body_idle: Duration,
    /// A whole request, body and handler, until its response starts: API Gateway's 30 s
    /// integration timeout.
    pub request: Duration,
    /// The longest a response may wait on a client that does not read it.
    pub response_stall: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(5),
            body_idle: Duration::from_secs(10),
            request: Duration::from_secs(30),
            response_stall: Duration::from_secs(10),
        }
    }
}

impl LocalConfig {
    /// The defaults on the given data directory, with free ports (for tests and embedding).
    pub fn ephemeral(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            host: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            emulator_port: 0,
            data_dir: data_dir.into(),
            table_name: None,
            cors_allow_origin: "*".into(),
            default_policy: None,
            oidc: crate::oidc::OidcArgs::default(),
            emulator: EmulatorConfig::default(),
            timeouts: Timeouts::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_bad_policies_are_refused() {
        let c = LocalConfig::try_parse_from(["chat-local", "--port", "0"]).unwrap();
        assert_eq!(c.port, 0);
        assert_eq!(c.emulator_port, 4600);
        assert!(
            LocalConfig::try_parse_from([
                "chat-local",
                "--default-policy",
                r#"{"profanity":"loud"}"#
            ])
            .is_err()
        );
        let c = LocalConfig::try_parse_from([
            "chat-local",
            "--default-policy",
            r#"{"blockedTerms":["spoiler*"]}"#,
        ])
        .unwrap();
        assert_eq!(c.default_policy.unwrap().blocked_terms, ["spoiler*"]);
    }
}
