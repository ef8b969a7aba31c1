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

/// A list claim, read exactly as it can arrive:
/// - a JSON array string (`["admin","ops"]`): its elements, as they are;
/// - API Gateway's flattened array (`[admin ops]`): the names between the brackets, separated
///   by single spaces. Names cannot contain spaces in that form (Cognito group names never do:
///   their pattern excludes white space), so this is exact for them;
/// - anything else: one name, the whole value (`x admin` is one group, not two).
pub fn parse_list_claim(value: &str) -> Vec<String> {
    let value = value.trim();
    if value.starts_with('[') && value.ends_with(']') {
        if let Ok(list) = serde_json::from_str::<Vec<String>>(value) {
            return list;
        }
        return value[1..value.len() - 1]
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
    }
    if value.is_empty() {
        Vec::new()
    } else {
        vec![value.to_owned()]
    }
}

/// Whether a group name survives API Gateway's flattened array form unchanged (no white
/// space, no brackets): the names this backend supports.
pub fn is_supported_group_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c == '[' || c == ']')
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
        // Groups are matched exactly: a name containing "admin" is not admin.
        for value in [
            "x admin",
            "x,admin",
            r#"["x admin"]"#,
            "[x,admin]",
            "admins",
            "[]",
            "",
        ] {
            let c = Caller::from_claims(&claims(&[("sub", "u4"), ("groups", value)])).unwrap();
            assert!(!c.is_admin(), "{value:?} -> {:?}", c.groups);
        }
        for value in ["admin", "[admin]", "[ops admin]", r#"["ops","admin"]"#] {
            let c = Caller::from_claims(&claims(&[("sub", "u5"), ("groups", value)])).unwrap();
            assert!(c.is_admin(), "{value:?} -> {:?}", c.groups);
        }
        assert!(!is_supported_group_name("x admin") && is_supported_group_name("ops-team"));
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
