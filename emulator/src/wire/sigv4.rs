//! SigV4 verification for `--credentials` (and the keys of `--iam-policy`): the emulator
//! recomputes the signature with the `aws-sigv4` signer over exactly the headers the client
//! signed, and compares. A key given without its secret is recognised, not checked.
//!
//! Refusals use the names and messages of the AWS front door, all with status 403. The
//! verifier names its service, so a proxy in front of another AWS API can use it too.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::HeaderMap;
use subtle::ConstantTimeEq;
use time::PrimitiveDateTime;
use time::macros::format_description;

use crate::config::Credential;
use crate::error::ServiceError;

/// The service name in IVS Chat's credential scope (model: `signingName`).
pub const SIGNING_NAME: &str = "ivschat";
/// AWS refuses signatures more than 15 minutes away from its clock.
const MAX_CLOCK_SKEW: Duration = Duration::from_secs(15 * 60);

pub struct SignatureVerifier {
    /// Each access key, with the secret its signatures are checked with (none: not checked).
    keys: HashMap<String, Option<String>>,
    region: String,
    service: String,
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
struct Authorization<'a> {
    access_key_id: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn refuse(code: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::Unauthenticated {
        code,
        message: message.into(),
    }
}

fn incomplete() -> ServiceError {
    refuse(
        "IncompleteSignatureException",
        "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.",
    )
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, ServiceError> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ").ok_or_else(|| {
        refuse(
            "IncompleteSignatureException",
            "Unsupported signing algorithm.",
        )
    })?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        match part.trim().split_once('=') {
            Some(("Credential", v)) => credential = Some(v),
            Some(("SignedHeaders", v)) => signed_headers = Some(v),
            Some(("Signature", v)) => signature = Some(v),
            _ => {}
        }
    }
    let (credential, signed_headers, signature) = match (credential, signed_headers, signature) {
        (Some(c), Some(h), Some(s)) => (c, h, s),
        _ => return Err(incomplete()),
    };
    // Credential=AKID/20240101/us-east-1/ivschat/aws4_request
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key_id, _date, region, service, "aws4_request"] = scope[..] else {
        return Err(incomplete());
    };
    Ok(Authorization {
        access_key_id,
        region,
        service,
        signed_headers: parse_signed_headers(signed_headers)?,
        signature,
    })
}

/// `SignedHeaders=host;x-amz-date`: lowercase names, each once, `host` among them. AWS refuses
/// a signature that does not cover `host` (the signer cannot build the canonical request
/// without it), so those never reach the signer.
fn parse_signed_headers(value: &str) -> Result<Vec<&str>, ServiceError> {
    let names: Vec<&str> = value.split(';').collect();
    let well_formed = |name: &&str| {
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
    };
    if !names.iter().all(well_formed) {
        return Err(refuse(
            "IncompleteSignatureException",
            "SignedHeaders must be lowercase header names separated by ';'.",
        ));
    }
    if !names.contains(&"host") {
        return Err(refuse(
            "IncompleteSignatureException",
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    if sorted.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(refuse(
            "IncompleteSignatureException",
            "SignedHeaders must name each header once.",
        ));
    }
    Ok(names)
}

fn parse_amz_date(value: &str) -> Option<SystemTime> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    let t = PrimitiveDateTime::parse(value, format).ok()?.assume_utc();
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(t.unix_timestamp()).ok()?))
}

impl SignatureVerifier {
    /// IVS Chat's verifier for these credentials.
    pub fn new(credentials: Vec<Credential>, region: String) -> Self {
        let mut verifier = Self::for_service(SIGNING_NAME, region);
        for c in credentials {
            verifier = verifier.with_key(&c.access_key_id, Some(&c.secret_access_key));
        }
        verifier
    }

    /// A verifier with no keys yet, for the service named in the credential scope.
    pub fn for_service(service: &str, region: String) -> Self {
        Self {
            keys: HashMap::new(),
            region,
            service: service.to_owned(),
        }
    }

    /// Accepts this key; its signatures are checked if its secret is given. A key given twice
    /// keeps the secret it was first given with.
    pub fn with_key(mut self, access_key_id: &str, secret: Option<&str>) -> Self {
        let entry = self.keys.entry(access_key_id.to_owned()).or_default();
        if entry.is_none() {
            *entry = secret.map(str::to_owned);
        }
        self
    }

    /// Accepts the request only if it carries a valid signature by a known key: that key.
    pub fn verify(
        &self,
        method: &str,
        path_and_query: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<String, ServiceError> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let Some(authorization) = header("authorization") else {
            return Err(refuse(
                "MissingAuthenticationTokenException",
                "Missing Authentication Token",
            ));
        };
        let auth = parse_authorization(authorization)?;
        let Some(secret) = self.keys.get(auth.access_key_id) else {
            return Err(refuse(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ));
        };
        if auth.service != self.service || auth.region != self.region {
            return Err(refuse(
                "InvalidSignatureException",
                format!(
                    "Credential should be scoped to a valid region and service: '{}/{}'.",
                    self.region, self.service
                ),
            ));
        }
        let signed_at = header("x-amz-date")
            .and_then(parse_amz_date)
            .ok_or_else(|| {
                refuse(
                    "IncompleteSignatureException",
                    "X-Amz-Date is missing or invalid.",
                )
            })?;
        let now = SystemTime::now();
        let skew = now
            .duration_since(signed_at)
            .or_else(|_| signed_at.duration_since(now))
            .unwrap_or_default();
        if skew > MAX_CLOCK_SKEW {
            return Err(refuse(
                "InvalidSignatureException",
                "Signature expired: the request time is too far from the server time.",
            ));
        }

        let Some(secret) = secret else {
            return Ok(auth.access_key_id.to_owned());
        };
        // Re-sign over exactly the headers the client says it signed.
        let mut signed = Vec::with_capacity(auth.signed_headers.len());
        for name in &auth.signed_headers {
            let value = header(name).ok_or_else(|| {
                refuse(
                    "InvalidSignatureException",
                    format!("Signed header '{name}' is missing."),
                )
            })?;
            signed.push((*name, value));
        }
        let session_token = header("x-amz-security-token").map(str::to_owned);
        let identity: Identity = Credentials::new(
            auth.access_key_id,
            secret,
            session_token,
            None,
            "ivschat-emulator",
        )
        .into();
        let mut settings = SigningSettings::default();
        settings.excluded_headers = None;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(&self.service)
            .time(signed_at)
            .settings(settings)
            .build()
            .map_err(ServiceError::internal)?
            .into();
        let request = SignableRequest::new(
            method,
            path_and_query,
            signed.into_iter(),
            SignableBody::Bytes(body),
        )
        .map_err(|_| {
            refuse(
                "InvalidSignatureException",
                "The request URI cannot be signed.",
            )
        })?;
        let expected = sign(request, &params).map_err(ServiceError::internal)?;
        if bool::from(
            expected
                .signature()
                .as_bytes()
                .ct_eq(auth.signature.as_bytes()),
        ) {
            Ok(auth.access_key_id.to_owned())
        } else {
            Err(refuse(
                "InvalidSignatureException",
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method.",
            ))
        }
    }
}
