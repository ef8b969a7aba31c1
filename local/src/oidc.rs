//! Tokens from an OpenID Connect issuer — Amazon Cognito, or any issuer that publishes its keys
//! as a JWKS — verified as API Gateway's JWT authorizer verifies them, beside chat-local's own
//! dev tokens (the `auth` module).
//!
//! - The issuer's keys are found through discovery: `{issuer}/.well-known/openid-configuration`
//!   names the `jwks_uri`; the document's `issuer` must be the configured one, exactly.
//! - Only RS256 is accepted, and only with a `kid` the JWKS lists (`use` absent or `sig`, `alg`
//!   absent or `RS256`). Keys named in the token itself (`jku`, `jwk`, `x5u`) are never used:
//!   `alg: none`, HS256 signed with the public key and self-signed keys all fail.
//! - An unknown `kid` refetches the JWKS (key rotation), at most once per
//!   `--oidc-jwks-min-refetch-secs`, so a flood of made-up kids costs the issuer one request.
//!   Keys older than an hour are refetched too (a key the issuer withdrew stops verifying).
//! - A fetch has [`FETCH_TIMEOUT`] and [`MAX_DOCUMENT`] bytes; a slow, failing or garbage
//!   answer keeps the keys already known (and refuses tokens signed with others). Redirects are
//!   not followed. Plain `http://` is accepted for an issuer on a loopback address only.
//! - `aud` must be one of the audiences; a token without `aud` must carry one in `client_id`
//!   (Cognito's access tokens carry `client_id`, its ID tokens `aud`). `iss`, `sub` and `exp`
//!   are required; `exp`, `nbf`, `iat` are checked with no leeway, as for dev tokens.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::{Duration, Instant};

use axum::http::{Request, StatusCode, Uri, header};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

use crate::authorizer::{LEEWAY_SECS, Unauthorized, check_iat};

/// How long one fetch (discovery or JWKS) may take.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(3);
/// The largest discovery document or JWKS read.
pub const MAX_DOCUMENT: usize = 256 * 1024;
/// Keys older than this are fetched again before use (kept if the fetch fails).
pub const KEYS_MAX_AGE: Duration = Duration::from_secs(3600);

/// chat-local's flags for an OIDC issuer (flattened into [`crate::LocalConfig`]).
#[derive(clap::Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct OidcArgs {
    /// Also accept RS256 JWTs from this OpenID Connect issuer (e.g. a Cognito user pool,
    /// https://cognito-idp.REGION.amazonaws.com/POOL_ID), verified against its JWKS as API
    /// Gateway's JWT authorizer does. Plain http only on a loopback address.
    #[arg(long, env = "CHAT_LOCAL_OIDC_ISSUER", requires = "oidc_audience", value_parser = parse_issuer)]
    pub oidc_issuer: Option<String>,
    /// The accepted audiences (app client ids), comma-separated: a token's `aud`, or its
    /// `client_id` when it has no `aud`.
    #[arg(long, env = "CHAT_LOCAL_OIDC_AUDIENCE", value_delimiter = ',')]
    pub oidc_audience: Vec<String>,
    /// The fewest seconds between two fetches of the issuer's keys forced by an unknown `kid`.
    #[arg(
        long,
        env = "CHAT_LOCAL_OIDC_JWKS_MIN_REFETCH_SECS",
        default_value_t = 30
    )]
    pub oidc_jwks_min_refetch_secs: u64,
}

fn loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An issuer URL: https (http on loopback only), a host, no query or fragment, no trailing `/`
/// (the `iss` claim is compared exactly).
pub fn parse_issuer(value: &str) -> Result<String, String> {
    let uri: Uri = value
        .parse()
        .map_err(|e| format!("not a URL ({e}): {value}"))?;
    let host = uri.host().ok_or("the issuer URL has no host")?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if loopback_host(host) => {}
        Some("http") => {
            return Err(
                "plain http is accepted for an issuer on a loopback address only: its keys decide who may act as whom"
                    .into(),
            );
        }
        _ => return Err("the issuer URL must start with https://".into()),
    }
    if value.contains('?') || value.contains('#') {
        return Err("the issuer URL takes no query or fragment".into());
    }
    if value.ends_with('/') {
        return Err(
            "the issuer URL has no trailing '/' (tokens' iss claims are compared exactly)".into(),
        );
    }
    Ok(value.to_owned())
}

/// What the page needs to sign in with the issuer: its Cognito user pool, when the issuer is
/// one (`…/REGION_ID`), for `/config.json`.
pub fn cognito_pool(issuer: &str) -> Option<(String, String, String)> {
    let (base, pool) = issuer.rsplit_once('/')?;
    let (region, id) = pool.split_once('_')?;
    let region_ok = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let id_ok = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric());
    (region_ok && id_ok).then(|| (pool.to_owned(), region.to_owned(), format!("{base}/")))
}

type HttpClient = Client<hyper_rustls::HttpsConnector<HttpConnector>, Empty<Bytes>>;

#[derive(Default)]
struct KeySet {
    keys: HashMap<String, DecodingKey>,
    fetched: Option<Instant>,
}

#[derive(Default)]
struct FetchState {
    /// The last fetch tried, whatever came of it (the rate limit counts tries).
    last_try: Option<Instant>,
    jwks_uri: Option<String>,
}

pub struct OidcVerifier {
    issuer: String,
    audiences: Vec<String>,
    min_refetch: Duration,
    keys: RwLock<KeySet>,
    fetching: tokio::sync::Mutex<FetchState>,
    client: OnceLock<Result<HttpClient, String>>,
}

impl OidcVerifier {
    /// The verifier the flags ask for, if any.
    pub fn from_args(args: &OidcArgs) -> Option<Self> {
        let issuer = args.oidc_issuer.clone()?;
        Some(Self::new(
            issuer,
            args.oidc_audience.clone(),
            Duration::from_secs(args.oidc_jwks_min_refetch_secs),
        ))
    }

    pub fn new(issuer: String, audiences: Vec<String>, min_refetch: Duration) -> Self {
        Self {
            issuer,
            audiences: audiences
                .into_iter()
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect(),
            min_refetch,
            keys: RwLock::default(),
            fetching: tokio::sync::Mutex::default(),
            client: OnceLock::new(),
        }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn audiences(&self) -> &[String] {
        &self.audiences
    }

    fn client(&self) -> Result<&HttpClient, String> {
        self.client
            .get_or_init(|| {
                let connector = hyper_rustls::HttpsConnectorBuilder::new()
                    .with_native_roots()
                    .map_err(|e| format!("no CA certificates to check the issuer with: {e}"))?
                    .https_or_http()
                    .enable_http1()
                    .build();
                Ok(Client::builder(TokioExecutor::new()).build(connector))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// One JSON document, within the time and size limits; redirects are errors.
    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let client = self.client()?;
        let uri: Uri = url.parse().map_err(|e| format!("{url}: {e}"))?;
        let request = Request::get(uri)
            .header(header::ACCEPT, "application/json")
            .body(Empty::new())
            .map_err(|e| e.to_string())?;
        let fetch = async {
            let response = client.request(request).await.map_err(|e| e.to_string())?;
            if response.status() != StatusCode::OK {
                return Err(format!("answered {}", response.status()));
            }
            let body = Limited::new(response.into_body(), MAX_DOCUMENT)
                .collect()
                .await
                .map_err(|e| format!("the answer could not be read ({e})"))?
                .to_bytes();
            serde_json::from_slice(&body).map_err(|e| format!("the answer is not JSON ({e})"))
        };
        tokio::time::timeout(FETCH_TIMEOUT, fetch)
            .await
            .map_err(|_| format!("no answer within {FETCH_TIMEOUT:?}"))?
            .map_err(|e| format!("{url}: {e}"))
    }

    /// The issuer's `jwks_uri`, from its discovery document.
    async fn discover(&self) -> Result<String, String> {
        let url = format!("{}/.well-known/openid-configuration", self.issuer);
        let doc = self.get_json(&url).await?;
        if doc.get("issuer").and_then(Value::as_str) != Some(&self.issuer) {
            return Err(format!("{url} names another issuer"));
        }
        let jwks_uri = doc
            .get("jwks_uri")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{url} has no jwks_uri"))?;
        let uri: Uri = jwks_uri
            .parse()
            .map_err(|e| format!("jwks_uri {jwks_uri}: {e}"))?;
        let secure = uri.scheme_str() == Some("https")
            || (uri.scheme_str() == Some("http") && uri.host().is_some_and(loopback_host));
        if !secure {
            return Err(format!(
                "jwks_uri {jwks_uri} is not https (http only on a loopback address)"
            ));
        }
        Ok(jwks_uri.to_owned())
    }

    /// Fetches the keys again if allowed (not tried within `min_refetch`, or never), replacing
    /// the set on success. Returns whether the set changed.
    async fn refresh(&self, why: &str) -> bool {
        let mut state = self.fetching.lock().await;
        // Whoever held the lock may have just fetched: the caller then looks again.
        if state
            .last_try
            .is_some_and(|t| t.elapsed() < self.min_refetch)
        {
            return false;
        }
        state.last_try = Some(Instant::now());
        let jwks_uri = match &state.jwks_uri {
            Some(uri) => uri.clone(),
            None => match self.discover().await {
                Ok(uri) => {
                    state.jwks_uri = Some(uri.clone());
                    uri
                }
                Err(e) => {
                    tracing::warn!(issuer = %self.issuer, "OIDC discovery failed: {e}");
                    return false;
                }
            },
        };
        let keys = match self
            .get_json(&jwks_uri)
            .await
            .and_then(|doc| parse_jwks(&doc))
        {
            Ok(keys) => keys,
            Err(e) => {
                // Discovery again next time: the issuer may have moved its keys.
                state.jwks_uri = None;
                tracing::warn!(issuer = %self.issuer, "the issuer's keys could not be fetched ({why}): {e}");
                return false;
            }
        };
        tracing::info!(issuer = %self.issuer, keys = keys.len(), "OIDC keys fetched ({why})");
        let mut set = self.keys.write().expect("key set lock");
        set.keys = keys;
        set.fetched = Some(Instant::now());
        true
    }

    /// Fetches the keys once now (at start, so the first request does not wait on it).
    pub async fn prefetch(&self) {
        self.refresh("start").await;
    }

    fn cached(&self, kid: &str) -> (Option<DecodingKey>, bool) {
        let set = self.keys.read().expect("key set lock");
        let stale = set.fetched.is_none_or(|t| t.elapsed() > KEYS_MAX_AGE);
        (set.keys.get(kid).cloned(), stale)
    }

    /// The key named `kid`: from the set if it is fresh, else after a fetch (rate-limited).
    /// A fetch that fails keeps the set as it was; one that succeeds replaces it, so a key the
    /// issuer withdrew stops verifying.
    async fn key(&self, kid: &str) -> Result<DecodingKey, Unauthorized> {
        let (cached, stale) = self.cached(kid);
        match cached {
            Some(key) if !stale => return Ok(key),
            Some(_) => self.refresh("keys older than an hour").await,
            None => self.refresh("a token signed with an unknown key").await,
        };
        self.cached(kid).0.ok_or(Unauthorized::UnknownKey)
    }

    /// The claims of a token from this issuer (the bearer value, without `Bearer`).
    pub async fn verify(&self, token: &str) -> Result<Map<String, Value>, Unauthorized> {
        let head = jsonwebtoken::decode_header(token).map_err(|_| Unauthorized::Malformed)?;
        if head.alg != Algorithm::RS256 {
            return Err(Unauthorized::Algorithm);
        }
        let kid = head.kid.ok_or(Unauthorized::UnknownKey)?;
        let key = self.key(&kid).await?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        // `aud`, or `client_id` without it: checked below, as API Gateway does.
        validation.validate_aud = false;
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        use jsonwebtoken::errors::ErrorKind;
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => Unauthorized::Expired,
                ErrorKind::ImmatureSignature => Unauthorized::NotYetValid,
                ErrorKind::InvalidSignature => Unauthorized::Signature,
                ErrorKind::InvalidIssuer => Unauthorized::WrongIssuerOrAudience,
                ErrorKind::InvalidAlgorithm => Unauthorized::Algorithm,
                _ => Unauthorized::Malformed,
            })?;
        let audience_ok = match claims.get("aud") {
            Some(Value::String(aud)) => self.audiences.contains(aud),
            Some(Value::Array(auds)) => auds.iter().any(|a| {
                a.as_str()
                    .is_some_and(|a| self.audiences.iter().any(|x| x == a))
            }),
            Some(_) => false,
            None => claims
                .get("client_id")
                .and_then(Value::as_str)
                .is_some_and(|id| self.audiences.iter().any(|x| x == id)),
        };
        if !audience_ok {
            return Err(Unauthorized::WrongIssuerOrAudience);
        }
        check_iat(&claims)?;
        Ok(claims)
    }
}

/// The RS256 signing keys of a JWKS, by `kid`; an error if it has none.
fn parse_jwks(doc: &Value) -> Result<HashMap<String, DecodingKey>, String> {
    let listed = doc
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("the JWKS has no keys array")?;
    let mut keys = HashMap::new();
    for jwk in listed {
        let field = |name: &str| jwk.get(name).and_then(Value::as_str);
        let usable = field("kty") == Some("RSA")
            && field("use").is_none_or(|u| u == "sig")
            && field("alg").is_none_or(|a| a == "RS256");
        let (Some(kid), Some(n), Some(e), true) = (field("kid"), field("n"), field("e"), usable)
        else {
            continue;
        };
        match DecodingKey::from_rsa_components(n, e) {
            Ok(key) => {
                keys.insert(kid.to_owned(), key);
            }
            Err(err) => tracing::warn!(kid, "a JWKS key is not a valid RSA key: {err}"),
        }
    }
    if keys.is_empty() {
        return Err("the JWKS lists no RS256 signing key".into());
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_must_be_https_except_on_loopback() {
        assert!(parse_issuer("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12").is_ok());
        assert!(parse_issuer("http://127.0.0.1:9229/us-east-1_local").is_ok());
        assert!(parse_issuer("http://localhost:9229/x").is_ok());
        assert!(parse_issuer("http://[::1]:9229/x").is_ok());
        assert!(parse_issuer("http://10.0.0.1/x").is_err());
        assert!(parse_issuer("http://issuer.example.com/x").is_err());
        assert!(parse_issuer("ftp://127.0.0.1/x").is_err());
        assert!(parse_issuer("https://issuer.example.com/x/").is_err());
        assert!(parse_issuer("https://issuer.example.com/x?a=b").is_err());
        assert!(parse_issuer("issuer.example.com").is_err());
    }

    #[test]
    fn cognito_pools_are_recognised_from_the_issuer() {
        assert_eq!(
            cognito_pool("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"),
            Some((
                "eu-west-1_AbC123".into(),
                "eu-west-1".into(),
                "https://cognito-idp.eu-west-1.amazonaws.com/".into()
            ))
        );
        assert_eq!(
            cognito_pool("http://127.0.0.1:9/us-east-1_local")
                .unwrap()
                .2,
            "http://127.0.0.1:9/"
        );
        assert_eq!(cognito_pool("https://login.example.com/tenant"), None);
        assert_eq!(cognito_pool("https://login.example.com/a_b-c"), None);
    }

    #[test]
    fn only_rs256_signing_keys_are_taken_from_a_jwks() {
        let n = "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw";
        let jwks = serde_json::json!({"keys": [
            {"kty": "RSA", "kid": "a", "n": n, "e": "AQAB", "alg": "RS256", "use": "sig"},
            {"kty": "RSA", "kid": "b", "n": n, "e": "AQAB"},
            {"kty": "RSA", "kid": "enc", "n": n, "e": "AQAB", "use": "enc"},
            {"kty": "RSA", "kid": "ps", "n": n, "e": "AQAB", "alg": "PS256"},
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            {"kty": "RSA", "n": n, "e": "AQAB"},
            "garbage"
        ]});
        let keys = parse_jwks(&jwks).unwrap();
        let mut kids: Vec<_> = keys.keys().cloned().collect();
        kids.sort();
        assert_eq!(kids, ["a", "b"]);
        assert!(parse_jwks(&serde_json::json!({"keys": []})).is_err());
        assert!(parse_jwks(&serde_json::json!({"nokeys": 1})).is_err());
        assert!(parse_jwks(&serde_json::json!([1, 2])).is_err());
    }
}
