//! Dev sign-in, standing in for the identity provider and API Gateway's JWT authorizer.
//!
//! `POST /dev/login` signs a JWT (HS256, issuer and audience `chat-local`) with a key kept under
//! the data directory, so sessions survive restarts. Each API request's token is verified as the
//! authorizer does — signature, issuer, audience, expiry — before any function sees it.

use std::io::Write;
use std::path::{Path, PathBuf};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::authorizer::check_iat;
pub use crate::authorizer::{LEEWAY_SECS, Unauthorized};

pub const ISSUER: &str = "chat-local";
pub const AUDIENCE: &str = "chat-local";
/// How long a dev sign-in lasts.
pub const SESSION_SECS: u64 = 12 * 3600;
const KEY_FILE: &str = "dev-signing-key";
/// The key chat-local makes; a shorter file is not one it wrote.
const KEY_LEN: usize = 32;

/// Why the signing key could not be had.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "{} is empty or damaged ({len} bytes, {KEY_LEN} expected): delete it to make a new key (sign-ins made with the old one end)",
        .path.display()
    )]
    Damaged { path: PathBuf, len: usize },
    #[error("cannot read or write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub struct DevAuth {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

/// The body of `POST /dev/login`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Login {
    pub user_id: String,
    pub display_name: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("userId: 1 to 128 letters, digits, '_', '-', '.' or '@'.")]
    UserId,
    #[error("displayName: 1 to 64 characters, no control characters.")]
    DisplayName,
    #[error("groups: at most 10, each 1 to 64 letters, digits, '_' or '-'.")]
    Groups,
    #[error("the token could not be signed: {0}")]
    Sign(#[from] jsonwebtoken::errors::Error),
}

/// The token of an `Authorization` header (`Bearer` prefix optional, as API Gateway accepts
/// it).
pub(crate) fn bearer(authorization: Option<&str>) -> Result<&str, Unauthorized> {
    let value = authorization
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or(Unauthorized::Missing)?;
    Ok(match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => value,
    })
}

/// The claims of a request's `Authorization` header, as the HTTP API's JWT authorizer would
/// give them: an HS256 token is a dev sign-in's, an RS256 token the OIDC issuer's (when
/// chat-local has one); each verifier takes its own algorithm only, so neither key can be
/// used as the other (HS256 signed with the issuer's public key fails), and `none` fails both.
pub async fn verify_request(
    dev: &DevAuth,
    oidc: Option<&crate::oidc::OidcVerifier>,
    authorization: Option<&str>,
) -> Result<Map<String, Value>, Unauthorized> {
    let token = bearer(authorization)?;
    let head = jsonwebtoken::decode_header(token).map_err(|_| Unauthorized::Malformed)?;
    match head.alg {
        Algorithm::HS256 => dev.verify(Some(token)),
        Algorithm::RS256 => match oidc {
            Some(oidc) => oidc.verify(token).await,
            None => Err(Unauthorized::WrongIssuerOrAudience),
        },
        _ => Err(Unauthorized::Algorithm),
    }
}

fn user_id_ok(id: &str) -> bool {
    chat_core::ivs::limits::chars_within(id, &chat_core::ivs::limits::USER_ID_CHARS)
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@'))
}

impl Login {
    fn check(&self) -> Result<(), LoginError> {
        if !user_id_ok(&self.user_id) {
            return Err(LoginError::UserId);
        }
        if let Some(name) = &self.display_name {
            let chars = name.chars().count();
            if !(1..=64).contains(&chars) || name.chars().any(char::is_control) {
                return Err(LoginError::DisplayName);
            }
        }
        let group_ok = |g: &String| {
            (1..=64).contains(&g.len())
                && g.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        if self.groups.len() > 10 || !self.groups.iter().all(group_ok) {
            return Err(LoginError::Groups);
        }
        Ok(())
    }
}

impl DevAuth {
    pub fn from_secret(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // jsonwebtoken allows 60 s by default, and skips `nbf`.
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// The signing key kept in `dir`, made on first use (readable by the owner only). A key
    /// file that is there but short is refused, not replaced: replacing it would silently end
    /// every sign-in made with it.
    pub fn load_or_create(dir: &Path) -> Result<Self, KeyError> {
        let path = dir.join(KEY_FILE);
        let io = |source| KeyError::Io {
            path: path.clone(),
            source,
        };
        match std::fs::read(&path) {
            Ok(secret) if secret.len() >= KEY_LEN => return Ok(Self::from_secret(&secret)),
            Ok(short) => {
                return Err(KeyError::Damaged {
                    path,
                    len: short.len(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let secret: [u8; KEY_LEN] = rand::random();
        // Written aside and renamed into place: a crash mid-write leaves no short key behind.
        let partial = dir.join(format!("{KEY_FILE}.partial"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&partial).map_err(io)?;
        file.write_all(&secret).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&partial, &path).map_err(io)?;
        Ok(Self::from_secret(&secret))
    }

    /// A signed JWT for a dev sign-in, and its claims.
    pub fn issue(&self, login: &Login) -> Result<(String, Value), LoginError> {
        login.check()?;
        let now = jsonwebtoken::get_current_timestamp();
        let claims = json!({
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": login.user_id,
            "name": login.display_name.as_deref().unwrap_or(&login.user_id),
            "groups": login.groups,
            "iat": now,
            "exp": now + SESSION_SECS,
        });
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok((token, claims))
    }

    /// The claims of a request's `Authorization` header (`Bearer` prefix optional, as API
    /// Gateway accepts it).
    pub fn verify(&self, authorization: Option<&str>) -> Result<Map<String, Value>, Unauthorized> {
        let token = bearer(authorization)?;
        use jsonwebtoken::errors::ErrorKind;
        let claims =
            jsonwebtoken::decode::<Map<String, Value>>(token, &self.decoding, &self.validation)
                .map(|data| data.claims)
                .map_err(|e| match e.kind() {
                    ErrorKind::ExpiredSignature => Unauthorized::Expired,
                    ErrorKind::ImmatureSignature => Unauthorized::NotYetValid,
                    ErrorKind::InvalidSignature => Unauthorized::Signature,
                    ErrorKind::InvalidIssuer | ErrorKind::InvalidAudience => {
                        Unauthorized::WrongIssuerOrAudience
                    }
                    _ => Unauthorized::Malformed,
                })?;
        check_iat(&claims)?;
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login(user: &str, groups: &[&str]) -> Login {
        Login {
            user_id: user.into(),
            display_name: None,
            groups: groups.iter().map(|g| g.to_string()).collect(),
        }
    }

    #[test]
    fn issued_tokens_verify_and_others_do_not() {
        let auth = DevAuth::from_secret(&[7; 32]);
        let (token, _) = auth.issue(&login("alice", &["admin"])).unwrap();
        let claims = auth.verify(Some(&format!("Bearer {token}"))).unwrap();
        assert_eq!(claims["sub"], "alice");
        assert_eq!(claims["name"], "alice");
        assert_eq!(claims["groups"], json!(["admin"]));
        assert!(auth.verify(Some(&token)).is_ok());
        assert_eq!(auth.verify(None), Err(Unauthorized::Missing));
        assert_eq!(
            auth.verify(Some("Bearer x.y.z")),
            Err(Unauthorized::Malformed)
        );
        let other = DevAuth::from_secret(&[8; 32]);
        assert_eq!(other.verify(Some(&token)), Err(Unauthorized::Signature));
    }

    #[test]
    fn exp_nbf_and_iat_are_enforced_without_leeway() {
        let auth = DevAuth::from_secret(&[7; 32]);
        let now = jsonwebtoken::get_current_timestamp();
        let token = |extra: Value| {
            let mut claims = json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "alice"});
            claims
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let token =
                jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &auth.encoding)
                    .unwrap();
            auth.verify(Some(&token))
        };
        assert!(token(json!({"exp": now + 60})).is_ok());
        assert!(token(json!({"exp": now + 60, "nbf": now, "iat": now})).is_ok());
        assert_eq!(token(json!({})), Err(Unauthorized::Malformed));
        assert_eq!(token(json!({"exp": now - 1})), Err(Unauthorized::Expired));
        assert_eq!(
            token(json!({"exp": now + 60, "nbf": now + 2})),
            Err(Unauthorized::NotYetValid)
        );
        assert_eq!(
            token(json!({"exp": now + 60, "iat": now + 2})),
            Err(Unauthorized::NotYetValid)
        );
        assert_eq!(
            token(json!({"exp": now + 60, "iat": "yesterday"})),
            Err(Unauthorized::Malformed)
        );
        assert_eq!(
            token(json!({"exp": "tomorrow"})),
            Err(Unauthorized::Malformed)
        );
    }

    #[test]
    fn bad_sign_ins_are_refused() {
        let auth = DevAuth::from_secret(&[7; 32]);
        assert!(matches!(
            auth.issue(&login("a b", &[])),
            Err(LoginError::UserId)
        ));
        assert!(matches!(
            auth.issue(&login("", &[])),
            Err(LoginError::UserId)
        ));
        assert!(matches!(
            auth.issue(&login("a", &["ad min"])),
            Err(LoginError::Groups)
        ));
        let mut l = login("a", &[]);
        l.display_name = Some("x\u{7}".into());
        assert!(matches!(auth.issue(&l), Err(LoginError::DisplayName)));
    }

    #[test]
    fn the_key_is_kept_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let first = DevAuth::load_or_create(dir.path()).unwrap();
        let (token, _) = first.issue(&login("alice", &[])).unwrap();
        let again = DevAuth::load_or_create(dir.path()).unwrap();
        assert!(again.verify(Some(&token)).is_ok());
    }

    #[test]
    fn a_short_key_file_is_refused_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        for content in [&b""[..], b"0123456789"] {
            std::fs::write(&path, content).unwrap();
            let err = DevAuth::load_or_create(dir.path()).err().unwrap();
            assert!(matches!(err, KeyError::Damaged { .. }), "{err}");
            assert!(err.to_string().contains("dev-signing-key"), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), content);
        }
    }
}
