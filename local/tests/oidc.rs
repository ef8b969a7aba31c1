//! Tokens from an OIDC issuer (`--oidc-issuer`), verified as API Gateway's JWT authorizer does:
//! discovery, RS256 with a `kid` from the JWKS, `aud` or `client_id`, times; key rotation with a
//! rate-limited refetch; a slow, failing or garbage JWKS; algorithm confusion. The issuer here
//! is a small server of the test's own that signs with test-only keys (`fixtures/`).

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use chat_local::auth::{DevAuth, Unauthorized, verify_request};
use chat_local::oidc::{FETCH_TIMEOUT, OidcArgs, OidcVerifier};
use chat_local::{LocalConfig, RunningStack};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

const POOL: &str = "us-east-1_test";
const CLIENT: &str = "client-web";
const KEY_1: &[u8] = include_bytes!("fixtures/oidc-test-key-1.der");
const KEY_1_PUBLIC: &[u8] = include_bytes!("fixtures/oidc-test-key-1.pub.pem");
const KEY_2: &[u8] = include_bytes!("fixtures/oidc-test-key-2.der");

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    Slow,
    Garbage,
    Failing,
}

struct IssuerState {
    issuer: String,
    /// What the discovery document says the issuer is.
    claimed_issuer: Mutex<String>,
    keys: Mutex<Vec<(&'static str, &'static [u8])>>,
    mode: Mutex<Mode>,
    jwks_fetches: AtomicUsize,
}

struct Issuer {
    state: Arc<IssuerState>,
}

fn jwk(kid: &str, pem: &[u8]) -> Value {
    let key = EncodingKey::from_rsa_der(pem);
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::RS256).unwrap();
    jwk.common.key_id = Some(kid.into());
    let mut value = serde_json::to_value(jwk).unwrap();
    value["use"] = "sig".into();
    value
}

async fn discovery(State(state): State<Arc<IssuerState>>) -> Response {
    axum::Json(json!({
        "issuer": *state.claimed_issuer.lock().unwrap(),
        "jwks_uri": format!("{}/.well-known/jwks.json", state.issuer),
    }))
    .into_response()
}

async fn jwks(State(state): State<Arc<IssuerState>>) -> Response {
    state.jwks_fetches.fetch_add(1, Ordering::SeqCst);
    let mode = *state.mode.lock().unwrap();
    match mode {
        Mode::Slow => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "{}".into_response()
        }
        Mode::Garbage => "<html>not a JWKS".into_response(),
        Mode::Failing => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Mode::Normal => {
            let keys: Vec<Value> = state
                .keys
                .lock()
                .unwrap()
                .iter()
                .map(|(kid, pem)| jwk(kid, pem))
                .collect();
            axum::Json(json!({"keys": keys})).into_response()
        }
    }
}

impl Issuer {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        let issuer = format!("http://{addr}/{POOL}");
        let state = Arc::new(IssuerState {
            claimed_issuer: Mutex::new(issuer.clone()),
            issuer,
            keys: Mutex::new(vec![("kid-1", KEY_1)]),
            mode: Mutex::new(Mode::Normal),
            jwks_fetches: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route(
                &format!("/{POOL}/.well-known/openid-configuration"),
                get(discovery),
            )
            .route(&format!("/{POOL}/.well-known/jwks.json"), get(jwks))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { state }
    }

    fn url(&self) -> String {
        self.state.issuer.clone()
    }

    fn verifier(&self, min_refetch: Duration) -> OidcVerifier {
        OidcVerifier::new(
            self.url(),
            vec![CLIENT.into(), "client-cli".into()],
            min_refetch,
        )
    }

    fn fetches(&self) -> usize {
        self.state.jwks_fetches.load(Ordering::SeqCst)
    }

    fn set_keys(&self, keys: Vec<(&'static str, &'static [u8])>) {
        *self.state.keys.lock().unwrap() = keys;
    }

    fn set_mode(&self, mode: Mode) {
        *self.state.mode.lock().unwrap() = mode;
    }

    /// An ID token as Cognito makes it, signed with `pem` under `kid`, with `extra` claims
    /// over the defaults (a null removes one).
    fn token(&self, kid: Option<&str>, pem: &[u8], extra: Value) -> String {
        let now = jsonwebtoken::get_current_timestamp();
        let mut claims = json!({
            "iss": self.url(), "sub": "u-ann", "aud": CLIENT, "token_use": "id",
            "name": "Ann", "cognito:groups": ["admin"], "iat": now, "exp": now + 300,
        });
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                claims.as_object_mut().unwrap().remove(k);
            } else {
                claims[k] = v.clone();
            }
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = kid.map(str::to_owned);
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_rsa_der(pem)).unwrap()
    }

    fn id_token(&self, extra: Value) -> String {
        self.token(Some("kid-1"), KEY_1, extra)
    }
}

fn b64(value: &Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn cognito_tokens_verify_as_the_authorizer_verifies_them() {
    let issuer = Issuer::start().await;
    let oidc = issuer.verifier(Duration::from_secs(30));
    let now = jsonwebtoken::get_current_timestamp();

    let claims = oidc.verify(&issuer.id_token(json!({}))).await.unwrap();
    assert_eq!(claims["sub"], "u-ann");
    assert_eq!(claims["name"], "Ann");
    // An access token: `client_id`, no `aud`.
    let access = json!({"aud": null, "client_id": CLIENT, "token_use": "access"});
    assert!(oidc.verify(&issuer.id_token(access)).await.is_ok());
    // Any of the audiences; an `aud` array naming one.
    assert!(
        oidc.verify(&issuer.id_token(json!({"aud": "client-cli"})))
            .await
            .is_ok()
    );
    assert!(
        oidc.verify(&issuer.id_token(json!({"aud": ["other", CLIENT]})))
            .await
            .is_ok()
    );

    let refused = |extra: Value| {
        let token = issuer.id_token(extra);
        let oidc = &oidc;
        async move { oidc.verify(&token).await.unwrap_err() }
    };
    use Unauthorized::*;
    // Another app client of the same pool.
    assert_eq!(
        refused(json!({"aud": "other-client"})).await,
        WrongIssuerOrAudience
    );
    // `aud` decides when present, as API Gateway does: a right `client_id` does not rescue it.
    assert_eq!(
        refused(json!({"aud": "other-client", "client_id": CLIENT})).await,
        WrongIssuerOrAudience
    );
    assert_eq!(
        refused(json!({"aud": null, "client_id": "other-client"})).await,
        WrongIssuerOrAudience
    );
    assert_eq!(refused(json!({"aud": null})).await, WrongIssuerOrAudience);
    assert_eq!(refused(json!({"aud": 7})).await, WrongIssuerOrAudience);
    // Another issuer (another pool), even signed with this one's key.
    assert_eq!(
        refused(json!({"iss": format!("{}x", issuer.url())})).await,
        WrongIssuerOrAudience
    );
    // Times, with no leeway.
    assert_eq!(refused(json!({"exp": now - 1})).await, Expired);
    assert_eq!(refused(json!({"nbf": now + 5})).await, NotYetValid);
    assert_eq!(refused(json!({"iat": now + 5})).await, NotYetValid);
    assert_eq!(refused(json!({"exp": null})).await, Malformed);
    assert_eq!(refused(json!({"sub": null})).await, Malformed);

    // A token without a kid, with a kid the issuer never published, or signed by another key
    // under this kid.
    let no_kid = issuer.token(None, KEY_1, json!({}));
    assert_eq!(oidc.verify(&no_kid).await.unwrap_err(), UnknownKey);
    let other_kid = issuer.token(Some("kid-x"), KEY_1, json!({}));
    assert_eq!(oidc.verify(&other_kid).await.unwrap_err(), UnknownKey);
    let forged = issuer.token(Some("kid-1"), KEY_2, json!({}));
    assert_eq!(oidc.verify(&forged).await.unwrap_err(), Signature);
    // A valid token whose payload was changed (admin added).
    let good = issuer.id_token(json!({"cognito:groups": []}));
    let parts: Vec<&str> = good.split('.').collect();
    let mut payload: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .unwrap(),
    )
    .unwrap();
    payload["cognito:groups"] = json!(["admin"]);
    let tampered = format!("{}.{}.{}", parts[0], b64(&payload), parts[2]);
    assert_eq!(oidc.verify(&tampered).await.unwrap_err(), Signature);
    assert_eq!(oidc.verify("not.a.jwt").await.unwrap_err(), Malformed);
}

#[tokio::test]
async fn algorithm_confusion_and_keys_named_by_the_token_are_refused() {
    let issuer = Issuer::start().await;
    let oidc = issuer.verifier(Duration::from_secs(30));
    let dev = DevAuth::from_secret(&[7; 32]);
    let verify = |token: String| {
        let (dev, oidc) = (&dev, &oidc);
        async move { verify_request(dev, Some(oidc), Some(&format!("Bearer {token}"))).await }
    };
    assert!(verify(issuer.id_token(json!({}))).await.is_ok());

    let now = jsonwebtoken::get_current_timestamp();
    let claims = json!({"iss": issuer.url(), "sub": "u-eve", "aud": CLIENT, "exp": now + 300,
        "cognito:groups": ["admin"]});
    // alg none, unsigned.
    for alg in ["none", "None", "NONE"] {
        let unsigned = format!(
            "{}.{}.",
            b64(&json!({"alg": alg, "kid": "kid-1"})),
            b64(&claims)
        );
        assert!(verify(unsigned).await.is_err(), "alg {alg}");
    }
    // HS256 signed with the issuer's public key (as PEM, and as the JWK's modulus).
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("kid-1".into());
    for secret in [
        KEY_1_PUBLIC.to_vec(),
        jwk("kid-1", KEY_1)["n"]
            .as_str()
            .unwrap()
            .as_bytes()
            .to_vec(),
    ] {
        let token =
            jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&secret)).unwrap();
        assert!(verify(token).await.is_err());
    }
    // RS256 from another issuer is not a dev token, nor the reverse: each verifier its own alg.
    let mut rs384 = Header::new(Algorithm::RS384);
    rs384.kid = Some("kid-1".into());
    let token = jsonwebtoken::encode(&rs384, &claims, &EncodingKey::from_rsa_der(KEY_1)).unwrap();
    assert_eq!(verify(token).await.unwrap_err(), Unauthorized::Algorithm);
    // A key the token names itself (jku, an embedded jwk) is never fetched nor used.
    let mut jku = Header::new(Algorithm::RS256);
    jku.kid = Some("attacker".into());
    jku.jku = Some("http://127.0.0.1:9/jwks.json".into());
    jku.jwk = serde_json::from_value(jwk("attacker", KEY_2)).ok();
    let token = jsonwebtoken::encode(&jku, &claims, &EncodingKey::from_rsa_der(KEY_2)).unwrap();
    assert_eq!(verify(token).await.unwrap_err(), Unauthorized::UnknownKey);
    // Without an issuer configured, RS256 tokens are refused outright.
    let token = issuer.id_token(json!({}));
    assert_eq!(
        verify_request(&dev, None, Some(&token)).await.unwrap_err(),
        Unauthorized::WrongIssuerOrAudience
    );
}

#[tokio::test]
async fn rotated_keys_are_fetched_again_at_most_once_per_interval() {
    let issuer = Issuer::start().await;
    let oidc = issuer.verifier(Duration::from_millis(300));
    assert!(oidc.verify(&issuer.id_token(json!({}))).await.is_ok());
    assert_eq!(issuer.fetches(), 1);
    // Known keys cost no fetch.
    for _ in 0..20 {
        assert!(oidc.verify(&issuer.id_token(json!({}))).await.is_ok());
    }
    assert_eq!(issuer.fetches(), 1);

    // The issuer rotates: key 2 comes in, key 1 goes.
    issuer.set_keys(vec![("kid-2", KEY_2)]);
    tokio::time::sleep(Duration::from_millis(350)).await;
    let rotated = issuer.token(Some("kid-2"), KEY_2, json!({}));
    assert!(oidc.verify(&rotated).await.is_ok());
    assert_eq!(issuer.fetches(), 2);
    // The withdrawn key no longer verifies (the fresh set replaced the old one).
    assert_eq!(
        oidc.verify(&issuer.id_token(json!({}))).await.unwrap_err(),
        Unauthorized::UnknownKey
    );

    // A flood of made-up kids, all at once and one after another: one fetch at most.
    tokio::time::sleep(Duration::from_millis(350)).await;
    let before = issuer.fetches();
    let flood: Vec<String> = (0..50)
        .map(|i| issuer.token(Some(&format!("made-up-{i}")), KEY_2, json!({})))
        .collect();
    let results =
        futures_util::future::join_all(flood.iter().map(|token| oidc.verify(token))).await;
    assert!(results.iter().all(|r| *r == Err(Unauthorized::UnknownKey)));
    assert_eq!(
        issuer.fetches() - before,
        1,
        "one fetch for 50 unknown kids"
    );
    assert!(oidc.verify(&rotated).await.is_ok());
}

#[tokio::test]
async fn a_slow_failing_or_garbage_jwks_keeps_the_known_keys() {
    let issuer = Issuer::start().await;
    let oidc = Arc::new(issuer.verifier(Duration::from_millis(0)));
    let known = issuer.id_token(json!({}));
    assert!(oidc.verify(&known).await.is_ok());
    issuer.set_keys(vec![("kid-1", KEY_1), ("kid-2", KEY_2)]);
    let new_key = issuer.token(Some("kid-2"), KEY_2, json!({}));

    for mode in [Mode::Garbage, Mode::Failing] {
        issuer.set_mode(mode);
        assert_eq!(
            oidc.verify(&new_key).await.unwrap_err(),
            Unauthorized::UnknownKey
        );
        assert!(oidc.verify(&known).await.is_ok(), "known keys stay");
    }

    // A JWKS that never answers: the token waits FETCH_TIMEOUT at most, and tokens with known
    // keys do not wait at all meanwhile.
    issuer.set_mode(Mode::Slow);
    let started = Instant::now();
    let slow = tokio::spawn({
        let (oidc, token) = (oidc.clone(), new_key.clone());
        async move { oidc.verify(&token).await }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let quick = Instant::now();
    assert!(oidc.verify(&known).await.is_ok());
    assert!(
        quick.elapsed() < Duration::from_millis(200),
        "known keys wait for no fetch"
    );
    assert_eq!(slow.await.unwrap().unwrap_err(), Unauthorized::UnknownKey);
    let waited = started.elapsed();
    // Discovery was done before; the JWKS fetch alone times out (plus one discovery retry).
    assert!(
        waited >= FETCH_TIMEOUT && waited < FETCH_TIMEOUT * 3,
        "waited {waited:?}"
    );

    // Back to normal: the new key is fetched and verifies.
    issuer.set_mode(Mode::Normal);
    assert!(oidc.verify(&new_key).await.is_ok());
}

#[tokio::test]
async fn a_discovery_document_naming_another_issuer_is_not_trusted() {
    let issuer = Issuer::start().await;
    *issuer.state.claimed_issuer.lock().unwrap() = "https://evil.example.com/x".into();
    let oidc = issuer.verifier(Duration::from_millis(0));
    assert_eq!(
        oidc.verify(&issuer.id_token(json!({}))).await.unwrap_err(),
        Unauthorized::UnknownKey
    );
    assert_eq!(issuer.fetches(), 0, "its jwks_uri was never fetched");
}

#[tokio::test]
async fn the_stack_takes_issuer_tokens_and_tells_the_page_how_to_sign_in() {
    let issuer = Issuer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = LocalConfig::ephemeral(dir.path());
    config.oidc = OidcArgs {
        oidc_issuer: Some(issuer.url()),
        oidc_audience: vec![CLIENT.into()],
        oidc_jwks_min_refetch_secs: 30,
    };
    let stack = RunningStack::start(config).await.unwrap();
    let addr = stack.app_addr;

    let config = common::http(addr, "GET", "/config.json", &[], None).await;
    assert_eq!(config.status, 200);
    assert_eq!(config.body["apiUrl"], "/");
    assert_eq!(
        config.body["messaging"]["endpoint"],
        format!("ws://{}", stack.emulator.addr)
    );
    assert_eq!(config.body["messaging"]["region"], "us-east-1");
    let identity = &config.body["identity"];
    assert_eq!(identity["kind"], "cognito");
    assert_eq!(identity["userPoolId"], POOL);
    assert_eq!(identity["region"], "us-east-1");
    assert_eq!(identity["clientId"], CLIENT);
    assert_eq!(identity["issuer"], issuer.url());
    assert_eq!(
        identity["endpoint"],
        format!("{}/", issuer.url().rsplit_once('/').unwrap().0)
    );

    let call = |token: String| async move {
        let auth = format!("Bearer {token}");
        common::http(addr, "GET", "/rooms", &[("authorization", &auth)], None).await
    };
    assert_eq!(call(issuer.id_token(json!({}))).await.status, 200);
    let access = json!({"aud": null, "client_id": CLIENT, "token_use": "access"});
    assert_eq!(call(issuer.id_token(access)).await.status, 200);
    let other = call(issuer.id_token(json!({"aud": "other-client"}))).await;
    assert_eq!(other.status, 401);
    assert_eq!(other.body, json!({"message": "Unauthorized"}));
    // Dev sign-in still works beside it.
    let dev = common::sign_in(addr, "bob", "Bob", &[]).await;
    assert_eq!(call(dev.token).await.status, 200);
    // The ID token's groups make an administrator, as on AWS.
    let created = common::http(
        addr,
        "POST",
        "/rooms",
        &[(
            "authorization",
            &format!("Bearer {}", issuer.id_token(json!({}))),
        )],
        Some(r#"{"name":"lobby"}"#),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text);
    stack.shutdown().await.unwrap();

    // Without an issuer: dev sign-in, and RS256 tokens refused.
    let dir = tempfile::tempdir().unwrap();
    let stack = RunningStack::start(LocalConfig::ephemeral(dir.path()))
        .await
        .unwrap();
    let config = common::http(stack.app_addr, "GET", "/config.json", &[], None).await;
    assert_eq!(config.body["identity"], json!({"kind": "dev"}));
    let auth = format!("Bearer {}", issuer.id_token(json!({})));
    let refused = common::http(
        stack.app_addr,
        "GET",
        "/rooms",
        &[("authorization", &auth)],
        None,
    )
    .await;
    assert_eq!(refused.status, 401);
    stack.shutdown().await.unwrap();
}

#[test]
fn the_flags_require_an_audience_and_a_safe_issuer() {
    use clap::Parser;
    let parse = |args: &[&str]| {
        LocalConfig::try_parse_from(std::iter::once("chat-local").chain(args.iter().copied()))
    };
    let c = parse(&[
        "--oidc-issuer",
        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab1",
        "--oidc-audience",
        "a,b",
    ])
    .unwrap();
    assert_eq!(c.oidc.oidc_audience, ["a", "b"]);
    assert_eq!(c.oidc.oidc_jwks_min_refetch_secs, 30);
    assert!(
        parse(&[
            "--oidc-issuer",
            "https://cognito-idp.us-east-1.amazonaws.com/x"
        ])
        .is_err()
    );
    assert!(
        parse(&[
            "--oidc-issuer",
            "http://issuer.example.com/x",
            "--oidc-audience",
            "a"
        ])
        .is_err()
    );
    assert!(parse(&[]).unwrap().oidc.oidc_issuer.is_none());
}
