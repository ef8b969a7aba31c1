//! IAM, as AWS evaluates identity-based policies: each access key is a principal with policy
//! documents; a request (an action, a resource ARN, condition keys) is allowed only if some
//! statement allows it and none denies it — an explicit deny wins, then an allow, and anything
//! else is denied by default (IAM User Guide, "Policy evaluation logic").
//!
//! What the documents may say: `Effect`, `Action`/`NotAction`, `Resource`/`NotResource` with
//! `*` and `?` wildcards (actions match case-insensitively, ARNs case-sensitively and part by
//! part), and `Condition` with the string, ARN, `Bool` and `Null` operators, their `IfExists`
//! forms and the `ForAllValues:`/`ForAnyValue:` set qualifiers. Anything else (numeric and date
//! operators, `Principal` in an identity policy, a resource that is neither `*` nor an ARN)
//! refuses the whole file at load, as IAM refuses a malformed policy: nothing is half-enforced.
//!
//! Nothing here knows IVS: the emulator's wire layer (and, in tests, a DynamoDB proxy) turn a
//! request into [`Request`]s and ask the [`Authorizer`]. It also remembers what it refused and
//! which statement granted what, so a test can prove each grant is needed.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How many refusals the authorizer keeps for [`Authorizer::denials`] (the oldest go first).
const DENIALS_KEPT: usize = 1000;

// ---- the policy file -----------------------------------------------------------------------

/// `--iam-policy FILE`: who may call, and what each may do.
///
/// ```json
/// {"principals": [{"accessKeyId": "AKIAEXAMPLE", "secretAccessKey": "…",
///   "arn": "arn:aws:sts::123456789012:assumed-role/Role/session",
///   "policies": [{"Version": "2012-10-17", "Statement": [ … ]}]}]}
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyFile {
    pub principals: Vec<Principal>,
}

/// One caller: its access key, the secret its signatures are checked with (none: the key alone
/// identifies it), the ARN AWS names it by in refusals, and its identity-based policies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Principal {
    pub access_key_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_access_key: Option<String>,
    pub arn: String,
    #[serde(default)]
    pub policies: Vec<Value>,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read the IAM policy file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("the IAM policy file is not valid: {0}")]
    File(String),
    #[error("principal {key}, policy {policy}: {message}")]
    Malformed {
        key: String,
        policy: usize,
        message: String,
    },
}

impl PolicyFile {
    pub fn load(path: &Path) -> Result<Self, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_json(&text)
    }

    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        serde_json::from_str(text).map_err(|e| PolicyError::File(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a policy file serializes")
    }

    pub fn principal(&self, access_key_id: &str) -> Option<&Principal> {
        self.principals
            .iter()
            .find(|p| p.access_key_id == access_key_id)
    }

    pub fn principal_mut(&mut self, access_key_id: &str) -> Option<&mut Principal> {
        self.principals
            .iter_mut()
            .find(|p| p.access_key_id == access_key_id)
    }
}

// ---- compiled policies ---------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` (any listed pattern matches) or `NotAction` (none does); the same for resources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Elements {
    Only(Vec<String>),
    AllBut(Vec<String>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operator {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    ArnEquals,
    ArnNotEquals,
    ArnLike,
    ArnNotLike,
    Bool,
    Null,
}

impl Operator {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "StringEquals" => Self::StringEquals,
            "StringNotEquals" => Self::StringNotEquals,
            "StringEqualsIgnoreCase" => Self::StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => Self::StringNotEqualsIgnoreCase,
            "StringLike" => Self::StringLike,
            "StringNotLike" => Self::StringNotLike,
            "ArnEquals" => Self::ArnEquals,
            "ArnNotEquals" => Self::ArnNotEquals,
            "ArnLike" => Self::ArnLike,
            "ArnNotLike" => Self::ArnNotLike,
            "Bool" => Self::Bool,
            "Null" => Self::Null,
            _ => return None,
        })
    }

    /// The negated operators hold when the key is absent (IAM User Guide, condition operators).
    fn negated(self) -> bool {
        matches!(
            self,
            Self::StringNotEquals
                | Self::StringNotEqualsIgnoreCase
                | Self::StringNotLike
                | Self::ArnNotEquals
                | Self::ArnNotLike
        )
    }

    /// Whether a request value matches a policy value, before negation.
    fn matches(self, policy: &str, request: &str) -> bool {
        match self {
            Self::StringEquals | Self::StringNotEquals => policy == request,
            Self::StringEqualsIgnoreCase | Self::StringNotEqualsIgnoreCase => {
                policy.to_lowercase() == request.to_lowercase()
            }
            Self::StringLike | Self::StringNotLike => glob(policy.as_bytes(), request.as_bytes()),
            // ArnEquals takes wildcards too: it behaves as ArnLike.
            Self::ArnEquals | Self::ArnNotEquals | Self::ArnLike | Self::ArnNotLike => {
                arn_matches(policy, request)
            }
            Self::Bool => policy.eq_ignore_ascii_case(request),
            Self::Null => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Qualifier {
    /// A single-valued key (or a multivalued one read as "any of its values").
    Single,
    ForAllValues,
    ForAnyValue,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Condition {
    operator: Operator,
    qualifier: Qualifier,
    if_exists: bool,
    /// Condition key names are case-insensitive: kept lowercase.
    key: String,
    values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Elements,
    pub resources: Elements,
    conditions: Vec<Condition>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

fn strings(value: &Value, what: &str) -> Result<Vec<String>, String> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("{what}: {other} is not a string")),
    };
    match value {
        Value::Array(items) if items.is_empty() => Err(format!("{what} is empty")),
        Value::Array(items) => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn elements(
    statement: &serde_json::Map<String, Value>,
    name: &str,
    not_name: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<Elements, String> {
    let parsed = match (statement.get(name), statement.get(not_name)) {
        (Some(v), None) => Elements::Only(strings(v, name)?),
        (None, Some(v)) => Elements::AllBut(strings(v, not_name)?),
        (Some(_), Some(_)) => {
            return Err(format!("a statement has {name} or {not_name}, not both"));
        }
        (None, None) => return Err(format!("a statement needs {name} or {not_name}")),
    };
    let (Elements::Only(patterns) | Elements::AllBut(patterns)) = &parsed;
    patterns.iter().try_for_each(|p| check(p))?;
    Ok(parsed)
}

fn check_action(pattern: &str) -> Result<(), String> {
    let ok = pattern == "*"
        || pattern.split_once(':').is_some_and(|(service, action)| {
            !service.is_empty() && !action.is_empty() && !service.contains(['*', '?'])
        });
    ok.then_some(())
        .ok_or_else(|| format!("action {pattern:?} is not \"*\" nor service:Action"))
}

fn check_resource(pattern: &str) -> Result<(), String> {
    let ok = pattern == "*" || (pattern.starts_with("arn:") && pattern.splitn(6, ':').count() == 6);
    ok.then_some(()).ok_or_else(|| {
        format!("resource {pattern:?} is not \"*\" nor an ARN (arn:partition:service:region:account:resource)")
    })
}

fn conditions(value: &Value) -> Result<Vec<Condition>, String> {
    let Value::Object(blocks) = value else {
        return Err("Condition is not an object".into());
    };
    let mut out = Vec::new();
    for (name, keys) in blocks {
        let (qualifier, rest) = if let Some(rest) = name.strip_prefix("ForAllValues:") {
            (Qualifier::ForAllValues, rest)
        } else if let Some(rest) = name.strip_prefix("ForAnyValue:") {
            (Qualifier::ForAnyValue, rest)
        } else {
            (Qualifier::Single, name.as_str())
        };
        let (base, if_exists) = match rest.strip_suffix("IfExists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let operator = Operator::parse(base)
            .filter(|op| !(if_exists && *op == Operator::Null))
            .ok_or_else(|| format!("condition operator {name:?} is not supported"))?;
        let Value::Object(keys) = keys else {
            return Err(format!("{name}: not an object of condition keys"));
        };
        for (key, values) in keys {
            out.push(Condition {
                operator,
                qualifier,
                if_exists,
                key: key.to_lowercase(),
                values: strings(values, key)?,
            });
        }
    }
    Ok(out)
}

const STATEMENT_KEYS: [&str; 8] = [
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "Principal",
];

fn statement(value: &Value) -> Result<Statement, String> {
    let Value::Object(s) = value else {
        return Err("a statement is not an object".into());
    };
    if let Some(key) = s.keys().find(|k| !STATEMENT_KEYS.contains(&k.as_str())) {
        return Err(format!("statement element {key:?} is not supported"));
    }
    if s.contains_key("Principal") {
        return Err("an identity-based policy names no Principal".into());
    }
    let effect = match s.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        other => return Err(format!("Effect {other:?} is not Allow or Deny")),
    };
    Ok(Statement {
        sid: s.get("Sid").and_then(Value::as_str).map(str::to_owned),
        effect,
        actions: elements(s, "Action", "NotAction", check_action)?,
        resources: elements(s, "Resource", "NotResource", check_resource)?,
        conditions: match s.get("Condition") {
            Some(c) => conditions(c)?,
            None => Vec::new(),
        },
    })
}

impl Policy {
    /// A policy document (`{"Version": …, "Statement": [ … ]}`), checked as IAM checks one.
    pub fn parse(document: &Value) -> Result<Self, String> {
        let Value::Object(doc) = document else {
            return Err("a policy document is not an object".into());
        };
        if let Some(key) = doc
            .keys()
            .find(|k| !["Version", "Id", "Statement"].contains(&k.as_str()))
        {
            return Err(format!("policy element {key:?} is not supported"));
        }
        let statements = match doc.get("Statement") {
            Some(Value::Array(items)) => items.iter().map(statement).collect::<Result<_, _>>()?,
            Some(one @ Value::Object(_)) => vec![statement(one)?],
            _ => return Err("a policy document needs a Statement".into()),
        };
        Ok(Self { statements })
    }
}

// ---- matching ------------------------------------------------------------------------------

/// `*` any run of characters, `?` any one; everything else literal.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// Action names are case-insensitive (`ivschat:sendevent` is `ivschat:SendEvent`).
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob(
        pattern.to_ascii_lowercase().as_bytes(),
        action.to_ascii_lowercase().as_bytes(),
    )
}

/// ARNs are case-sensitive and matched part by part: a wildcard in the region or the account
/// stays in its part; the last part (the resource, which may hold `/` and `:`) takes the rest.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let pattern: Vec<&str> = pattern.splitn(6, ':').collect();
    let arn: Vec<&str> = arn.splitn(6, ':').collect();
    pattern.len() == 6
        && arn.len() == 6
        && pattern
            .iter()
            .zip(&arn)
            .all(|(p, a)| glob(p.as_bytes(), a.as_bytes()))
}

/// Which of the elements match (`None` for a `Not…` list that nothing in matches), or `None`
/// if the statement does not apply.
fn matching(elements: &Elements, matches: impl Fn(&str) -> bool) -> Option<Vec<Option<usize>>> {
    match elements {
        Elements::Only(patterns) => {
            let hits: Vec<Option<usize>> = patterns
                .iter()
                .enumerate()
                .filter(|(_, p)| matches(p))
                .map(|(i, _)| Some(i))
                .collect();
            (!hits.is_empty()).then_some(hits)
        }
        Elements::AllBut(patterns) => (!patterns.iter().any(|p| matches(p))).then(|| vec![None]),
    }
}

// ---- requests and decisions ----------------------------------------------------------------

/// The request context: condition keys (lowercase) and their values; a multivalued key such
/// as `aws:TagKeys` holds several.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    values: BTreeMap<String, Vec<String>>,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a key to these values (a multivalued key; an empty set counts as absent).
    pub fn set(&mut self, key: &str, values: impl IntoIterator<Item = impl Into<String>>) {
        self.values.insert(
            key.to_lowercase(),
            values.into_iter().map(Into::into).collect(),
        );
    }

    pub fn with(mut self, key: &str, values: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.set(key, values);
        self
    }

    fn get(&self, key: &str) -> Option<&[String]> {
        self.values
            .get(key)
            .map(Vec::as_slice)
            .filter(|v| !v.is_empty())
    }

    /// The tags of a request (`aws:RequestTag/<key>`) and their keys (`aws:TagKeys`).
    pub fn request_tags<'a>(&mut self, tags: impl IntoIterator<Item = (&'a str, &'a str)>) {
        let mut keys = Vec::new();
        for (key, value) in tags {
            self.set(&format!("aws:RequestTag/{key}"), [value]);
            keys.push(key.to_owned());
        }
        self.set("aws:TagKeys", keys);
    }

    /// The tags the resource already has (`aws:ResourceTag/<key>`).
    pub fn resource_tags<'a>(&mut self, tags: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (key, value) in tags {
            self.set(&format!("aws:ResourceTag/{key}"), [value]);
        }
    }
}

impl Condition {
    fn holds(&self, context: &Context) -> bool {
        let values = context.get(&self.key);
        if self.operator == Operator::Null {
            let absent = values.is_none();
            return self
                .values
                .iter()
                .any(|v| v.eq_ignore_ascii_case("true") == absent);
        }
        let Some(values) = values else {
            return match self.qualifier {
                Qualifier::ForAllValues => true,
                Qualifier::ForAnyValue => false,
                Qualifier::Single => self.if_exists || self.operator.negated(),
            };
        };
        // A request value "matches" when it equals (is like…) one of the policy's values;
        // a negated operator holds for a request value that matches none of them.
        let holds_for = |request: &String| {
            let hit = self
                .values
                .iter()
                .any(|policy| self.operator.matches(policy, request));
            hit != self.operator.negated()
        };
        match self.qualifier {
            Qualifier::ForAllValues => values.iter().all(holds_for),
            Qualifier::ForAnyValue => values.iter().any(holds_for),
            Qualifier::Single if self.operator.negated() => values.iter().all(holds_for),
            Qualifier::Single => values.iter().any(holds_for),
        }
    }
}

/// What is asked: an action on a resource, with the request's condition keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub action: String,
    pub resource: String,
    pub context: Context,
}

impl Request {
    pub fn new(action: impl Into<String>, resource: impl Into<String>, context: Context) -> Self {
        Self {
            action: action.into(),
            resource: resource.into(),
            context,
        }
    }
}

/// A statement element that matched: policy and statement (by position), and which `Action`
/// and `Resource` entries (`None` for `NotAction`/`NotResource`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant {
    pub policy: usize,
    pub statement: usize,
    pub action: Option<usize>,
    pub resource: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Allowed, by every grant listed.
    Allow(Vec<Grant>),
    /// Refused by this Deny statement.
    ExplicitDeny(Grant),
    /// No statement allows it.
    ImplicitDeny,
}

/// Every statement's verdict on the request: a matching Deny wins, then any matching Allow.
pub fn evaluate(policies: &[Policy], request: &Request) -> Decision {
    let mut allowed = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        for (s, statement) in policy.statements.iter().enumerate() {
            let Some(actions) = matching(&statement.actions, |pat| {
                action_matches(pat, &request.action)
            }) else {
                continue;
            };
            let Some(resources) = matching(&statement.resources, |pat| {
                arn_matches(pat, &request.resource)
            }) else {
                continue;
            };
            if !statement
                .conditions
                .iter()
                .all(|c| c.holds(&request.context))
            {
                continue;
            }
            let grants = actions.iter().flat_map(|&action| {
                resources.iter().map(move |&resource| Grant {
                    policy: p,
                    statement: s,
                    action,
                    resource,
                })
            });
            match statement.effect {
                Effect::Deny => {
                    return Decision::ExplicitDeny(grants.into_iter().next().expect("one grant"));
                }
                Effect::Allow => allowed.extend(grants),
            }
        }
    }
    if allowed.is_empty() {
        Decision::ImplicitDeny
    } else {
        Decision::Allow(allowed)
    }
}

// ---- the authorizer ------------------------------------------------------------------------

/// A refused request, worded as AWS words it in `AccessDeniedException`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub access_key_id: String,
    pub principal_arn: String,
    pub action: String,
    pub resource: String,
    /// Refused by a Deny statement (rather than allowed by none).
    pub explicit: bool,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "User: {} is not authorized to perform: {} on resource: {} ",
            self.principal_arn, self.action, self.resource
        )?;
        if self.explicit {
            write!(f, "with an explicit deny in an identity-based policy")
        } else {
            write!(
                f,
                "because no identity-based policy allows the {} action",
                self.action
            )
        }
    }
}

struct CompiledPrincipal {
    arn: String,
    secret_access_key: Option<String>,
    policies: Vec<Policy>,
}

#[derive(Default)]
struct Record {
    denials: VecDeque<Refusal>,
    used: BTreeSet<(String, Grant)>,
}

/// The principals of a policy file, compiled, and what was decided for them.
pub struct Authorizer {
    principals: HashMap<String, CompiledPrincipal>,
    record: Mutex<Record>,
}

impl Authorizer {
    /// Compiles every principal's policies; one malformed statement refuses the whole file.
    pub fn new(file: &PolicyFile) -> Result<Self, PolicyError> {
        let mut principals = HashMap::new();
        for principal in &file.principals {
            let policies = principal
                .policies
                .iter()
                .enumerate()
                .map(|(i, doc)| {
                    Policy::parse(doc).map_err(|message| PolicyError::Malformed {
                        key: principal.access_key_id.clone(),
                        policy: i,
                        message,
                    })
                })
                .collect::<Result<_, _>>()?;
            let compiled = CompiledPrincipal {
                arn: principal.arn.clone(),
                secret_access_key: principal.secret_access_key.clone(),
                policies,
            };
            if principals
                .insert(principal.access_key_id.clone(), compiled)
                .is_some()
            {
                return Err(PolicyError::File(format!(
                    "access key {} is given twice",
                    principal.access_key_id
                )));
            }
        }
        Ok(Self {
            principals,
            record: Mutex::new(Record::default()),
        })
    }

    /// Adds a caller with no policies (a key known only from `--credentials`): it is
    /// authenticated, and allowed nothing.
    pub fn add_key_without_policies(&mut self, access_key_id: &str, arn: String) {
        self.principals
            .entry(access_key_id.to_owned())
            .or_insert(CompiledPrincipal {
                arn,
                secret_access_key: None,
                policies: Vec::new(),
            });
    }

    /// The ARN refusals name this caller by.
    pub fn principal_arn(&self, access_key_id: &str) -> Option<&str> {
        self.principals.get(access_key_id).map(|p| p.arn.as_str())
    }

    pub fn knows(&self, access_key_id: &str) -> bool {
        self.principals.contains_key(access_key_id)
    }

    /// Every access key, with its secret where the file gives one.
    pub fn keys(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.principals
            .iter()
            .map(|(k, p)| (k.as_str(), p.secret_access_key.as_deref()))
    }

    /// Decides one request by one caller; an unknown key is allowed nothing.
    pub fn authorize(&self, access_key_id: &str, request: &Request) -> Result<(), Refusal> {
        let principal = self.principals.get(access_key_id);
        let decision = principal.map_or(Decision::ImplicitDeny, |p| evaluate(&p.policies, request));
        let mut record = self.record.lock().unwrap_or_else(|e| e.into_inner());
        let explicit = match decision {
            Decision::Allow(grants) => {
                for grant in grants {
                    record.used.insert((access_key_id.to_owned(), grant));
                }
                return Ok(());
            }
            Decision::ExplicitDeny(_) => true,
            Decision::ImplicitDeny => false,
        };
        let refusal = Refusal {
            access_key_id: access_key_id.to_owned(),
            principal_arn: principal.map_or_else(|| access_key_id.to_owned(), |p| p.arn.clone()),
            action: request.action.clone(),
            resource: request.resource.clone(),
            explicit,
        };
        if record.denials.len() == DENIALS_KEPT {
            record.denials.pop_front();
        }
        record.denials.push_back(refusal.clone());
        Err(refusal)
    }

    /// The refusals so far (the latest [`DENIALS_KEPT`]), oldest first.
    pub fn denials(&self) -> Vec<Refusal> {
        let record = self.record.lock().unwrap_or_else(|e| e.into_inner());
        record.denials.iter().cloned().collect()
    }

    /// The refusals so far, forgotten as they are returned.
    pub fn take_denials(&self) -> Vec<Refusal> {
        let mut record = self.record.lock().unwrap_or_else(|e| e.into_inner());
        record.denials.drain(..).collect()
    }

    /// Which statement elements allowed something this caller asked.
    pub fn used_grants(&self, access_key_id: &str) -> BTreeSet<Grant> {
        let record = self.record.lock().unwrap_or_else(|e| e.into_inner());
        record
            .used
            .iter()
            .filter(|(key, _)| key == access_key_id)
            .map(|(_, grant)| *grant)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ROOM: &str = "arn:aws:ivschat:us-east-1:123456789012:room/AbCdEf123456";
    const CONFIG: &str = "arn:aws:ivschat:us-east-1:123456789012:logging-configuration/Zz9";

    fn policy(statements: Value) -> Vec<Policy> {
        vec![Policy::parse(&json!({"Version": "2012-10-17", "Statement": statements})).unwrap()]
    }

    fn decide(policies: &[Policy], action: &str, resource: &str, context: Context) -> Decision {
        evaluate(policies, &Request::new(action, resource, context))
    }

    fn allowed(policies: &[Policy], action: &str, resource: &str) -> bool {
        matches!(
            decide(policies, action, resource, Context::new()),
            Decision::Allow(_)
        )
    }

    #[test]
    fn default_deny_then_allow_then_explicit_deny_wins() {
        let none = policy(json!([]));
        assert_eq!(
            decide(&none, "ivschat:GetRoom", ROOM, Context::new()),
            Decision::ImplicitDeny
        );
        let allow =
            policy(json!([{"Effect": "Allow", "Action": "ivschat:GetRoom", "Resource": ROOM}]));
        assert!(allowed(&allow, "ivschat:GetRoom", ROOM));
        assert!(!allowed(&allow, "ivschat:DeleteRoom", ROOM));
        // The Deny comes after the Allow and in another policy: order does not matter.
        let mut both = allow.clone();
        both.extend(policy(
            json!({"Effect": "Deny", "Action": "ivschat:*", "Resource": "*"}),
        ));
        assert!(matches!(
            decide(&both, "ivschat:GetRoom", ROOM, Context::new()),
            Decision::ExplicitDeny(Grant {
                policy: 1,
                statement: 0,
                ..
            })
        ));
    }

    #[test]
    fn actions_are_case_insensitive_and_take_wildcards() {
        let p = policy(
            json!([{"Effect": "Allow", "Action": ["ivschat:*Room*", "ivschat:Get?oggingConfiguration"], "Resource": "*"}]),
        );
        for action in [
            "ivschat:CreateRoom",
            "ivschat:listrooms",
            "IVSCHAT:GETROOM",
            "ivschat:GetLoggingConfiguration",
        ] {
            assert!(allowed(&p, action, ROOM), "{action}");
        }
        for action in [
            "ivschat:SendEvent",
            "ivschat:GetXXoggingConfiguration",
            "ivs:CreateRoom",
            "dynamodb:GetItem",
        ] {
            assert!(!allowed(&p, action, ROOM), "{action}");
        }
        let everything = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]));
        assert!(allowed(&everything, "dynamodb:PutItem", "*"));
    }

    #[test]
    fn arns_are_case_sensitive_and_matched_part_by_part() {
        let p = policy(
            json!([{"Effect": "Allow", "Action": "ivschat:GetRoom", "Resource": "arn:aws:ivschat:*:*:room/*"}]),
        );
        assert!(allowed(&p, "ivschat:GetRoom", ROOM));
        assert!(allowed(
            &p,
            "ivschat:GetRoom",
            "arn:aws:ivschat:eu-west-1:999999999999:room/x"
        ));
        assert!(!allowed(&p, "ivschat:GetRoom", CONFIG));
        assert!(!allowed(
            &p,
            "ivschat:GetRoom",
            "arn:aws:ivschat:us-east-1:123456789012:ROOM/AbCdEf123456"
        ));
        // A wildcard in the account does not reach across the colon after it.
        let account = policy(
            json!([{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:ivschat:us-east-1:*:room/*"}]),
        );
        assert!(allowed(&account, "ivschat:GetRoom", ROOM));
        assert!(!allowed(
            &account,
            "ivschat:GetRoom",
            "arn:aws:ivschat:us-east-1:1:2:room/x"
        ));
        let ids = policy(
            json!([{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:ivschat:us-east-1:123456789012:room/AbCdEf12345?"}]),
        );
        assert!(allowed(&ids, "ivschat:GetRoom", ROOM));
        assert!(!allowed(&ids, "ivschat:GetRoom", &format!("{ROOM}7")));
        // The resource part takes the rest, slashes and colons included.
        let table = policy(
            json!([{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/chat*"}]),
        );
        assert!(allowed(
            &table,
            "dynamodb:Query",
            "arn:aws:dynamodb:us-east-1:123456789012:table/chat/index/byUser"
        ));
    }

    #[test]
    fn not_action_and_not_resource() {
        let p = policy(json!([
            {"Effect": "Allow", "NotAction": "ivschat:Delete*", "Resource": "*"},
            // Nothing outside this account's rooms, whatever else allows it.
            {"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:ivschat:us-east-1:123456789012:room/*"}
        ]));
        assert!(allowed(&p, "ivschat:GetRoom", ROOM));
        assert!(!allowed(&p, "ivschat:DeleteRoom", ROOM));
        assert!(matches!(
            decide(
                &p,
                "ivschat:GetLoggingConfiguration",
                CONFIG,
                Context::new()
            ),
            Decision::ExplicitDeny(Grant {
                statement: 1,
                action: Some(0),
                resource: None,
                ..
            })
        ));
        assert!(matches!(
            decide(&p, "ivschat:GetRoom", ROOM, Context::new()),
            Decision::Allow(grants) if grants == [Grant { policy: 0, statement: 0, action: None, resource: Some(0) }]
        ));
    }

    #[test]
    fn grants_name_the_elements_that_matched() {
        let p = policy(json!([{"Effect": "Allow",
            "Action": ["ivschat:SendEvent", "ivschat:Send*", "ivschat:GetRoom"],
            "Resource": [CONFIG, "arn:aws:ivschat:us-east-1:123456789012:room/*"]}]));
        let Decision::Allow(grants) = decide(&p, "ivschat:SendEvent", ROOM, Context::new()) else {
            panic!("allowed");
        };
        let pairs: Vec<_> = grants.iter().map(|g| (g.action, g.resource)).collect();
        assert_eq!(pairs, [(Some(0), Some(1)), (Some(1), Some(1))]);
    }

    fn tagged(tags: &[(&str, &str)]) -> Context {
        let mut c = Context::new();
        c.request_tags(tags.iter().copied());
        c
    }

    #[test]
    fn request_tags_and_tag_keys() {
        let p = policy(
            json!([{"Effect": "Allow", "Action": "ivschat:CreateRoom", "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:RequestTag/team": ["chat", "video"]},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team", "chat:owner"]}
            }}]),
        );
        let create = |c| decide(&p, "ivschat:CreateRoom", ROOM, c);
        assert!(matches!(
            create(tagged(&[("team", "chat")])),
            Decision::Allow(_)
        ));
        assert!(matches!(
            create(tagged(&[("team", "video"), ("chat:owner", "u")])),
            Decision::Allow(_)
        ));
        // Values are case-sensitive (aws:TagKeys holds "TEAM", which is not "team")...
        assert_eq!(create(tagged(&[("team", "Chat")])), Decision::ImplicitDeny);
        assert_eq!(create(tagged(&[("TEAM", "chat")])), Decision::ImplicitDeny);
        // ...condition key names are not (aws:RequestTag/TEAM is aws:RequestTag/team).
        let by_tag = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringEquals": {"AWS:REQUESTTAG/Team": "chat"}}}]));
        assert!(matches!(
            decide(&by_tag, "x:Y", "*", tagged(&[("TEAM", "chat")])),
            Decision::Allow(_)
        ));
        assert_eq!(
            create(tagged(&[("team", "chat"), ("cost", "1")])),
            Decision::ImplicitDeny
        );
        assert_eq!(
            create(Context::new()),
            Decision::ImplicitDeny,
            "no team tag"
        );
    }

    #[test]
    fn set_qualifiers_on_missing_and_present_keys() {
        let all = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["USER#*"]}}}]));
        let keys = |v: &[&str]| Context::new().with("dynamodb:LeadingKeys", v.iter().copied());
        let put = |c| decide(&all, "dynamodb:PutItem", "*", c);
        assert!(matches!(put(keys(&["USER#alice"])), Decision::Allow(_)));
        assert_eq!(put(keys(&["ROOM#1"])), Decision::ImplicitDeny);
        assert_eq!(put(keys(&["USER#a", "ROOM#1"])), Decision::ImplicitDeny);
        assert_eq!(put(keys(&["user#alice"])), Decision::ImplicitDeny, "case");
        // ForAllValues holds for an absent key (the trap AWS documents).
        assert!(matches!(put(Context::new()), Decision::Allow(_)));
        let any = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}}]));
        let tags = |v: &[&str]| Context::new().with("aws:TagKeys", v.iter().copied());
        assert!(matches!(
            decide(&any, "x:Y", "*", tags(&["a", "team"])),
            Decision::Allow(_)
        ));
        assert_eq!(
            decide(&any, "x:Y", "*", tags(&["a"])),
            Decision::ImplicitDeny
        );
        assert_eq!(
            decide(&any, "x:Y", "*", Context::new()),
            Decision::ImplicitDeny
        );
        let none_of = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": ["chat:*"]}}}]));
        assert!(matches!(
            decide(&none_of, "x:Y", "*", tags(&["team"])),
            Decision::Allow(_)
        ));
        assert_eq!(
            decide(&none_of, "x:Y", "*", tags(&["team", "chat:owner"])),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn negated_if_exists_and_null() {
        let key = "aws:ResourceTag/owner";
        let not = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringNotEquals": {(key): "mallory"}}}]));
        let owner = |v: &str| Context::new().with(key, [v]);
        assert!(matches!(
            decide(&not, "x:Y", "*", owner("alice")),
            Decision::Allow(_)
        ));
        assert_eq!(
            decide(&not, "x:Y", "*", owner("mallory")),
            Decision::ImplicitDeny
        );
        assert!(
            matches!(decide(&not, "x:Y", "*", Context::new()), Decision::Allow(_)),
            "a negated operator holds on an absent key"
        );
        let like = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringLike": {(key): "a*"}}}]));
        assert_eq!(
            decide(&like, "x:Y", "*", Context::new()),
            Decision::ImplicitDeny
        );
        let if_exists = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"StringLikeIfExists": {(key): "a*"}}}]));
        assert!(matches!(
            decide(&if_exists, "x:Y", "*", Context::new()),
            Decision::Allow(_)
        ));
        assert_eq!(
            decide(&if_exists, "x:Y", "*", owner("bob")),
            Decision::ImplicitDeny
        );
        let null = policy(json!([{"Effect": "Deny", "Action": "*", "Resource": "*",
            "Condition": {"Null": {"aws:RequestTag/team": "true"}}},
            {"Effect": "Allow", "Action": "*", "Resource": "*"}]));
        assert!(matches!(
            decide(&null, "x:Y", "*", Context::new()),
            Decision::ExplicitDeny(_)
        ));
        assert!(matches!(
            decide(&null, "x:Y", "*", tagged(&[("team", "a")])),
            Decision::Allow(_)
        ));
        let bool_op = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": true}}}]));
        assert_eq!(
            decide(&bool_op, "x:Y", "*", Context::new()),
            Decision::ImplicitDeny
        );
        let arn = policy(json!([{"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:sts::*:assumed-role/*Function*/*"}}}]));
        let principal = Context::new().with(
            "aws:PrincipalArn",
            ["arn:aws:sts::1:assumed-role/XFunctionRole/f"],
        );
        assert!(matches!(
            decide(&arn, "x:Y", "*", principal),
            Decision::Allow(_)
        ));
    }

    #[test]
    fn malformed_policies_are_refused_whole() {
        let bad = [
            json!({"Statement": [{"Effect": "Allow", "Action": "x:Y"}]}),
            json!({"Statement": [{"Effect": "allow", "Action": "x:Y", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "x:Y", "NotAction": "x:Z", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "*Room", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "room/*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "arn:aws:ivschat:*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "*", "Principal": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "*",
                "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": [], "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "*", "Unknown": 1}]}),
            json!({"Version": "2012-10-17"}),
        ];
        for doc in bad {
            assert!(Policy::parse(&doc).is_err(), "{doc}");
        }
        let single = json!({"Statement": {"Sid": "One", "Effect": "Allow", "Action": "x:Y", "Resource": "*"}});
        assert_eq!(
            Policy::parse(&single).unwrap().statements[0].sid.as_deref(),
            Some("One")
        );
    }

    #[test]
    fn the_authorizer_words_refusals_as_aws_and_remembers() {
        let file = PolicyFile::from_json(
            &json!({"principals": [{
                "accessKeyId": "AKIAMODERATOR",
                "arn": "arn:aws:sts::123456789012:assumed-role/ModeratorFunctionRole/moderator",
                "policies": [{"Statement": [
                    {"Effect": "Allow", "Action": "ivschat:SendEvent", "Resource": "arn:aws:ivschat:us-east-1:123456789012:room/*"},
                    {"Effect": "Deny", "Action": "ivschat:DeleteRoom", "Resource": "*"}]}]
            }]})
            .to_string(),
        )
        .unwrap();
        let authorizer = Authorizer::new(&file).unwrap();
        let ask = |action: &str| {
            authorizer.authorize("AKIAMODERATOR", &Request::new(action, ROOM, Context::new()))
        };
        assert!(ask("ivschat:SendEvent").is_ok());
        assert_eq!(
            ask("ivschat:DisconnectUser").unwrap_err().to_string(),
            format!(
                "User: arn:aws:sts::123456789012:assumed-role/ModeratorFunctionRole/moderator is not authorized to perform: ivschat:DisconnectUser on resource: {ROOM} because no identity-based policy allows the ivschat:DisconnectUser action"
            )
        );
        assert!(
            ask("ivschat:DeleteRoom")
                .unwrap_err()
                .to_string()
                .ends_with("on resource: arn:aws:ivschat:us-east-1:123456789012:room/AbCdEf123456 with an explicit deny in an identity-based policy")
        );
        let unknown = authorizer
            .authorize(
                "NOBODY",
                &Request::new("ivschat:GetRoom", ROOM, Context::new()),
            )
            .unwrap_err();
        assert!(!unknown.explicit);
        assert_eq!(authorizer.denials().len(), 3);
        assert_eq!(authorizer.take_denials().len(), 3);
        assert!(authorizer.denials().is_empty());
        assert_eq!(
            authorizer
                .used_grants("AKIAMODERATOR")
                .into_iter()
                .collect::<Vec<_>>(),
            [Grant {
                policy: 0,
                statement: 0,
                action: Some(0),
                resource: Some(0)
            }]
        );
        let twice = PolicyFile {
            principals: vec![file.principals[0].clone(), file.principals[0].clone()],
        };
        assert!(Authorizer::new(&twice).is_err());
    }

    #[test]
    fn glob_edge_cases() {
        assert!(glob(b"*", b""));
        assert!(glob(b"a*b*c", b"aXXbYYc"));
        assert!(!glob(b"a*b*c", b"aXXbYY"));
        assert!(glob(b"?", b"x"));
        assert!(!glob(b"?", b""));
        assert!(glob(b"**a", b"a"));
        assert!(!glob(b"abc", b"abcd"));
    }
}
