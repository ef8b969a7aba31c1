//! The IAM policies `template.yaml` gives each function, resolved as CloudFormation and SAM
//! resolve them, and written as the IVS Chat emulator's policy file (`--iam-policy`): one
//! principal per function, with a fixed access key (`AKIA` + the function's name) and secret,
//! named as AWS names a Lambda's role session (`assumed-role/<Function>Role/<function>`).
//!
//! Tests and chat-local call [`policy_file`] on [`TEMPLATE`] (the template compiled in), so the
//! template is the one source of what a function may do: no copy to drift.
//!
//! A function is an `AWS::Serverless::Function`; its name is the binary it is built from
//! (`Metadata.BuildProperties.Binary`), else its `FunctionName`, else its logical id. Its
//! `Policies` may be inline documents (`{Statement: [...]}`) or SAM policy templates
//! ([`sam`]); a managed policy name cannot be expanded here and is refused.

mod resolve;
mod sam;
mod yaml;

use std::collections::BTreeMap;

use ivschat_emulator::iam::{PolicyFile, Principal};
use serde_json::{Value, json};

/// The repository's `template.yaml`, as this crate was built with it.
pub const TEMPLATE: &str = include_str!("../../../template.yaml");

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("template.yaml: {0}")]
    Yaml(String),
    #[error("template.yaml: cannot resolve {0}")]
    Unsupported(String),
}

/// Where the stack is deployed: what the pseudo parameters and resource names resolve to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deployment {
    pub partition: String,
    pub region: String,
    pub account_id: String,
    pub stack_name: String,
    /// Physical names of resources, by logical id (others are named by their logical id).
    pub names: BTreeMap<String, String>,
}

impl Deployment {
    /// The emulator's region and account, and the table the test suites create (`chat`).
    pub fn local() -> Self {
        Self {
            partition: "aws".into(),
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            stack_name: "chat".into(),
            names: BTreeMap::from([("ChatTable".into(), "chat".into())]),
        }
    }

    /// The same deployment with this resource under this physical name.
    pub fn with_name(mut self, logical_id: &str, name: &str) -> Self {
        self.names.insert(logical_id.into(), name.into());
        self
    }

    fn physical_name(&self, logical_id: &str) -> String {
        self.names
            .get(logical_id)
            .cloned()
            .unwrap_or_else(|| logical_id.to_owned())
    }
}

/// One function of the template and its resolved policy documents.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionPolicies {
    pub logical_id: String,
    /// The function's name: the binary it is built from.
    pub name: String,
    pub policies: Vec<Value>,
}

impl FunctionPolicies {
    /// The function as the emulator's principal: its key, secret, role-session ARN, policies.
    pub fn principal(&self, deployment: &Deployment) -> Principal {
        Principal {
            access_key_id: access_key(&self.name),
            secret_access_key: Some(secret_key(&self.name)),
            arn: format!(
                "arn:{}:sts::{}:assumed-role/{}Role/{}",
                deployment.partition, deployment.account_id, self.logical_id, self.name
            ),
            policies: self.policies.clone(),
        }
    }
}

/// A function's access key: `AKIA` and its name in capitals, without dashes
/// (`token-issuer` → `AKIATOKENISSUER`).
pub fn access_key(function: &str) -> String {
    let name: String = function
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    format!("AKIA{name}")
}

/// A function's secret access key (fixed: it only ever signs for the local emulator).
pub fn secret_key(function: &str) -> String {
    format!("local-secret-{function}")
}

/// Every function of the template (by logical id), with its policies resolved.
pub fn function_policies(
    template: &str,
    deployment: &Deployment,
) -> Result<Vec<FunctionPolicies>, TemplateError> {
    let doc = yaml::template(template)?;
    let resolver = resolve::Resolver::new(&doc, deployment);
    let resources = doc["Resources"]
        .as_object()
        .ok_or_else(|| TemplateError::Yaml("no Resources".into()))?;
    let mut out = Vec::new();
    for (logical_id, resource) in resources {
        if resource["Type"] != "AWS::Serverless::Function" {
            continue;
        }
        let name = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .or_else(|| resource["Properties"]["FunctionName"].as_str())
            .unwrap_or(logical_id)
            .to_owned();
        let declared = match &resource["Properties"]["Policies"] {
            Value::Null => Vec::new(),
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        };
        let mut policies = Vec::new();
        for policy in declared {
            let document = match &policy {
                Value::Object(map) if map.contains_key("Statement") => policy.clone(),
                Value::Object(map) if map.len() == 1 => {
                    let (name, params) = map.iter().next().expect("one entry");
                    sam::expand(name, params)?
                }
                other => {
                    return Err(TemplateError::Unsupported(format!(
                        "{logical_id}: policy {other} (a managed policy cannot be expanded here)"
                    )));
                }
            };
            let Some(mut document) = resolver.resolve(&document)? else {
                continue;
            };
            if document.get("Version").is_none() {
                document["Version"] = json!("2012-10-17");
            }
            policies.push(document);
        }
        out.push(FunctionPolicies {
            logical_id: logical_id.clone(),
            name,
            policies,
        });
    }
    Ok(out)
}

/// The emulator's policy file: one principal per function of the template.
pub fn policy_file(template: &str, deployment: &Deployment) -> Result<PolicyFile, TemplateError> {
    Ok(PolicyFile {
        principals: function_policies(template, deployment)?
            .iter()
            .map(|f| f.principal(deployment))
            .collect(),
    })
}

/// [`policy_file`] of the repository's template for the local deployment.
pub fn local_policy_file() -> PolicyFile {
    policy_file(TEMPLATE, &Deployment::local()).expect("template.yaml's policies resolve")
}
