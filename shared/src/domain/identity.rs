//! The caller, as the API Gateway HTTP API JWT authorizer hands it over:
//! `requestContext.authorizer.jwt.claims`, a map of strings (array claims arrive as one
//! bracketed, space-separated string such as `"[admin moderators]"`).

use std::collections::HashMap;

/// The group whose members administer every room.
pub const ADMIN_GROUP: &str = "admin";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
    pub display_name: String,
    pub groups: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdentityError {
    #[error("the request carries no verified identity")]
    Missing,
    #[error("the identity has no subject (`sub` claim)")]
    NoSubject,
}

impl Caller {
    /// Reads the caller from verified JWT claims: `sub` is the user id; the display name is
    /// `name`, `preferred_username`, `cognito:username` or the user id; groups come from
    /// `cognito:groups` or `groups`.
    pub fn from_claims(claims: &HashMap<String, String>) -> Result<Self, IdentityError> {
        let user_id = claims
            .get("sub")
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .ok_or(IdentityError::NoSubject)?
            .to_owned();
        let display_name = ["name", "preferred_username", "cognito:username"]
            .iter()
            .find_map(|k| claims.get(*k).filter(|v| !v.trim().is_empty()))
            .cloned()
            .unwrap_or_else(|| user_id.clone());
        let groups = ["cognito:groups", "groups"]
            .iter()
            .filter_map(|k| claims.get(*k))
            .flat_map(|v| parse_list_claim(v))
            .collect();
        Ok(Self {
            user_id,
            display_name,
            groups,
        })
    }

    pub fn is_admin(&self) -> bool {
        self.groups.iter().any(|g| g == ADMIN_GROUP)
    }
}

/// `"[a b]"`, `"a,b"`, `"a"` or a JSON array string → the list.
fn parse_list_claim(value: &str) -> Vec<String> {
    let value = value.trim();
    if let Ok(list) = serde_json::from_str::<Vec<String>>(value) {
        return list;
    }
    value
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_cognito_and_plain_claims() {
        let c = Caller::from_claims(&claims(&[
            ("sub", "u1"),
            ("cognito:groups", "[admin moderators]"),
        ]))
        .unwrap();
        assert_eq!(c.user_id, "u1");
        assert_eq!(c.display_name, "u1");
        assert!(c.is_admin());
        let c = Caller::from_claims(&claims(&[
            ("sub", "u2"),
            ("name", "Ann"),
            ("groups", r#"["staff"]"#),
        ]))
        .unwrap();
        assert_eq!(c.display_name, "Ann");
        assert_eq!(c.groups, ["staff"]);
        assert!(!c.is_admin());
        // "administrators" is not "admin".
        let c =
            Caller::from_claims(&claims(&[("sub", "u3"), ("groups", "[administrators]")])).unwrap();
        assert!(!c.is_admin());
        assert_eq!(
            Caller::from_claims(&claims(&[("name", "x")])),
            Err(IdentityError::NoSubject)
        );
        assert_eq!(
            Caller::from_claims(&claims(&[("sub", "  ")])),
            Err(IdentityError::NoSubject)
        );
    }
}
