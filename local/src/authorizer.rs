//! What API Gateway's HTTP API JWT authorizer checks of every token, whoever issued it (dev
//! sign-in's HS256 tokens in `auth`, an OIDC issuer's RS256 tokens in `oidc`): the clock rules
//! and the reasons a token is refused.

use serde_json::{Map, Value};

/// Clock skew allowed on `exp`, `nbf` and `iat`: none. AWS documents none for HTTP API JWT
/// authorizers ("must be after / before the current time"), and here the issuer and the
/// verifier read the same clock.
pub const LEEWAY_SECS: u64 = 0;

/// Why a request's token was refused (the authorizer's `error_description`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Unauthorized {
    #[error("the Authorization header is missing")]
    Missing,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet (nbf or iat in the future)")]
    NotYetValid,
    #[error("the token's signature does not verify")]
    Signature,
    #[error("the token was not issued for this API (issuer or audience)")]
    WrongIssuerOrAudience,
    #[error("the token is not a valid JWT")]
    Malformed,
    #[error(
        "the token's algorithm is not accepted (RS256 from the OIDC issuer, HS256 from dev sign-in)"
    )]
    Algorithm,
    #[error("the token's signing key (kid) is not one of the issuer's keys")]
    UnknownKey,
}

/// `iat`, which jsonwebtoken does not check: a token issued in the future is refused.
pub(crate) fn check_iat(claims: &Map<String, Value>) -> Result<(), Unauthorized> {
    match claims.get("iat") {
        None => Ok(()),
        Some(iat) => {
            let iat = iat.as_f64().ok_or(Unauthorized::Malformed)?;
            let now = jsonwebtoken::get_current_timestamp();
            if iat > (now + LEEWAY_SECS) as f64 {
                return Err(Unauthorized::NotYetValid);
            }
            Ok(())
        }
    }
}
