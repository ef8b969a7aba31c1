//! The emulator's settings: command-line flags, each also read from an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

pub const DEFAULT_BIND: &str = "127.0.0.1:4600";
pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
/// IVS gives a review handler 200 ms, not adjustable (IVS Chat Service Quotas).
pub const DEFAULT_REVIEW_TIMEOUT_MS: u64 = 200;
/// Chat tokens have been observed to stay valid for about an hour before first use.
pub const DEFAULT_TOKEN_TTL_SECS: u64 = 3600;
/// Service quotas: 10 logging configurations per account per region (adjustable).
pub const DEFAULT_MAX_LOGGING_CONFIGURATIONS: u64 = 10;
/// Service quotas: 50,000 rooms per account per region (adjustable).
pub const DEFAULT_MAX_ROOMS: u64 = 50_000;
/// A client gets this long to send a request's headers (and, kept alive, its next request).
pub const DEFAULT_HEADER_READ_TIMEOUT_MS: u64 = 10_000;
/// A control-plane request gets this long to send its body and be answered.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 10_000;
/// A WebSocket whose socket takes no write for this long is closed (1008).
pub const DEFAULT_WS_WRITE_TIMEOUT_MS: u64 = 5_000;

/// An access key the emulator accepts when signatures are verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::str::FromStr for Credential {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((id, secret)) if !id.is_empty() && !secret.is_empty() => Ok(Self {
                access_key_id: id.to_owned(),
                secret_access_key: secret.to_owned(),
            }),
            _ => Err("expected ACCESS_KEY_ID:SECRET_ACCESS_KEY".to_owned()),
        }
    }
}

fn parse_region(s: &str) -> Result<String, String> {
    let ok = !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then(|| s.to_owned())
        .ok_or_else(|| "a region is lowercase letters, digits and '-'".to_owned())
}

fn parse_account_id(s: &str) -> Result<String, String> {
    (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.to_owned())
        .ok_or_else(|| "an account id is 12 digits".to_owned())
}

#[derive(Parser, Clone, Debug)]
#[command(
    name = "ivschat-emulator",
    version,
    about = "Amazon IVS Chat on one machine"
)]
pub struct EmulatorConfig {
    /// Address serving the control plane and the Messaging WebSocket (port 0: any free port).
    #[arg(long, env = "IVSCHAT_EMULATOR_BIND", default_value = DEFAULT_BIND)]
    pub bind: SocketAddr,
    /// Keep state here so it survives restarts; without it, state lives in memory.
    #[arg(long, env = "IVSCHAT_EMULATOR_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Region used in ARNs and accepted in identifiers.
    #[arg(long, env = "IVSCHAT_EMULATOR_REGION", default_value = DEFAULT_REGION, value_parser = parse_region)]
    pub region: String,
    /// Account id used in ARNs and accepted in identifiers.
    #[arg(long, env = "IVSCHAT_EMULATOR_ACCOUNT_ID", default_value = DEFAULT_ACCOUNT_ID, value_parser = parse_account_id)]
    pub account_id: String,
    /// Base URL of a Lambda Invoke API, used to call rooms' message review handlers.
    #[arg(long, env = "AWS_ENDPOINT_URL_LAMBDA")]
    pub lambda_endpoint: Option<String>,
    /// How long a review handler may take before the room's fallback result applies.
    #[arg(long, env = "IVSCHAT_EMULATOR_REVIEW_TIMEOUT_MS", default_value_t = DEFAULT_REVIEW_TIMEOUT_MS)]
    pub review_timeout_ms: u64,
    /// How long a chat token stays usable before it connects.
    #[arg(long, env = "IVSCHAT_EMULATOR_TOKEN_TTL_SECS", default_value_t = DEFAULT_TOKEN_TTL_SECS)]
    pub token_ttl_secs: u64,
    /// Seconds one minute of `sessionDurationInMinutes` lasts: lower it to see sessions expire
    /// (and clients reconnect) in seconds rather than minutes.
    #[arg(
        long,
        env = "IVSCHAT_EMULATOR_SESSION_MINUTE_SECS",
        default_value_t = 60
    )]
    pub session_minute_secs: u64,
    /// Where logging-configuration destinations (S3, CloudWatch Logs, Firehose) are written.
    #[arg(long, env = "IVSCHAT_EMULATOR_LOG_DIR")]
    pub log_dir: Option<PathBuf>,
    /// Verify SigV4 signatures and accept only these keys (ACCESS_KEY_ID:SECRET, repeatable).
    /// Without any, every signature is accepted, as local emulators do.
    #[arg(
        long = "credentials",
        env = "IVSCHAT_EMULATOR_CREDENTIALS",
        value_delimiter = ','
    )]
    pub credentials: Vec<Credential>,
    /// Enforce IAM: a JSON file of principals (access key, optional secret, ARN) and their
    /// identity-based policies; every control-plane call is then authorized as AWS authorizes
    /// it (`AccessDeniedException`, 403). Without it, every caller may do everything.
    #[arg(long = "iam-policy", env = "IVSCHAT_EMULATOR_IAM_POLICY")]
    pub iam_policy: Option<PathBuf>,
    /// Quota: logging configurations per account.
    #[arg(long, env = "IVSCHAT_EMULATOR_MAX_LOGGING_CONFIGURATIONS", default_value_t = DEFAULT_MAX_LOGGING_CONFIGURATIONS)]
    pub max_logging_configurations: u64,
    /// Quota: rooms per account.
    #[arg(long, env = "IVSCHAT_EMULATOR_MAX_ROOMS", default_value_t = DEFAULT_MAX_ROOMS)]
    pub max_rooms: u64,
    /// How long a client may take to send a request's headers, and how long a kept-alive
    /// connection may wait idle for its next request.
    #[arg(long, env = "IVSCHAT_EMULATOR_HEADER_READ_TIMEOUT_MS", default_value_t = DEFAULT_HEADER_READ_TIMEOUT_MS)]
    pub header_read_timeout_ms: u64,
    /// How long a control-plane request may take to send its body and be answered (408 after).
    #[arg(long, env = "IVSCHAT_EMULATOR_REQUEST_TIMEOUT_MS", default_value_t = DEFAULT_REQUEST_TIMEOUT_MS)]
    pub request_timeout_ms: u64,
    /// How long a WebSocket write may wait on a client that does not read before the
    /// connection is closed.
    #[arg(long, env = "IVSCHAT_EMULATOR_WS_WRITE_TIMEOUT_MS", default_value_t = DEFAULT_WS_WRITE_TIMEOUT_MS)]
    pub ws_write_timeout_ms: u64,
}

impl Default for EmulatorConfig {
    /// The flag defaults, without reading the environment (for tests and embedding).
    fn default() -> Self {
        Self {
            bind: DEFAULT_BIND.parse().expect("default bind address parses"),
            data_dir: None,
            region: DEFAULT_REGION.to_owned(),
            account_id: DEFAULT_ACCOUNT_ID.to_owned(),
            lambda_endpoint: None,
            review_timeout_ms: DEFAULT_REVIEW_TIMEOUT_MS,
            token_ttl_secs: DEFAULT_TOKEN_TTL_SECS,
            session_minute_secs: 60,
            log_dir: None,
            credentials: Vec::new(),
            iam_policy: None,
            max_logging_configurations: DEFAULT_MAX_LOGGING_CONFIGURATIONS,
            max_rooms: DEFAULT_MAX_ROOMS,
            header_read_timeout_ms: DEFAULT_HEADER_READ_TIMEOUT_MS,
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
            ws_write_timeout_ms: DEFAULT_WS_WRITE_TIMEOUT_MS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_defaults_agree() {
        let parsed = EmulatorConfig::try_parse_from([
            "ivschat-emulator",
            "--bind",
            "127.0.0.1:0",
            "--credentials",
            "AKID:secret",
            "--credentials",
            "OTHER:s2",
            "--iam-policy",
            "policy.json",
        ])
        .unwrap();
        assert_eq!(parsed.credentials.len(), 2);
        assert_eq!(parsed.iam_policy, Some(PathBuf::from("policy.json")));
        assert!(EmulatorConfig::default().iam_policy.is_none());
        assert_eq!(parsed.credentials[1].access_key_id, "OTHER");
        assert!(EmulatorConfig::try_parse_from(["x", "--account-id", "12"]).is_err());
        assert!(EmulatorConfig::try_parse_from(["x", "--credentials", "nocolon"]).is_err());
        let defaults = EmulatorConfig::default();
        assert_eq!(defaults.region, DEFAULT_REGION);
        assert_eq!(defaults.review_timeout_ms, 200);
    }
}
