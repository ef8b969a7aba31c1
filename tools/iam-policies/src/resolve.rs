//! CloudFormation's intrinsic functions, as far as a policy uses them: `Ref` (pseudo
//! parameters, parameters by their default, resources by their physical name), `Fn::GetAtt`
//! (`Arn` of a table, a function, a log group), `Fn::Sub` (both forms, `${!Literal}`
//! included) and `Fn::Join`; `AWS::NoValue` drops the element. Anything else — `Fn::If` on a
//! condition, an attribute it cannot know — is refused by name rather than guessed.

use serde_json::{Map, Value};

use crate::{Deployment, TemplateError};

pub struct Resolver<'a> {
    template: &'a Value,
    deployment: &'a Deployment,
}

impl<'a> Resolver<'a> {
    pub fn new(template: &'a Value, deployment: &'a Deployment) -> Self {
        Self {
            template,
            deployment,
        }
    }

    /// The value with every intrinsic function applied (`None`: `AWS::NoValue`).
    pub fn resolve(&self, value: &Value) -> Result<Option<Value>, TemplateError> {
        Ok(Some(match value {
            Value::Object(map) if map.len() == 1 => {
                let (key, arg) = map.iter().next().expect("one entry");
                match key.as_str() {
                    "Ref" => {
                        let name = arg.as_str().ok_or_else(|| bad("Ref", arg))?;
                        if name == "AWS::NoValue" {
                            return Ok(None);
                        }
                        self.reference(name)?
                    }
                    "Fn::GetAtt" => Value::String(self.get_att(arg)?),
                    "Fn::Sub" => Value::String(self.sub(arg)?),
                    "Fn::Join" => Value::String(self.join(arg)?),
                    other if other.starts_with("Fn::") || other == "Condition" => {
                        return Err(TemplateError::Unsupported(format!("{other} in a policy")));
                    }
                    _ => self.object(map)?,
                }
            }
            Value::Object(map) => self.object(map)?,
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.extend(self.resolve(item)?);
                }
                Value::Array(out)
            }
            other => other.clone(),
        }))
    }

    fn object(&self, map: &Map<String, Value>) -> Result<Value, TemplateError> {
        let mut out = Map::new();
        for (k, v) in map {
            if let Some(v) = self.resolve(v)? {
                out.insert(k.clone(), v);
            }
        }
        Ok(Value::Object(out))
    }

    fn string(&self, value: &Value) -> Result<String, TemplateError> {
        match self.resolve(value)? {
            Some(Value::String(s)) => Ok(s),
            Some(Value::Number(n)) => Ok(n.to_string()),
            other => Err(TemplateError::Unsupported(format!(
                "{value} does not resolve to a string (it is {other:?})"
            ))),
        }
    }

    fn resource(&self, logical_id: &str) -> Option<&'a Value> {
        self.template["Resources"].get(logical_id)
    }

    /// What `Ref` gives: a pseudo parameter, a parameter's default, a resource's name.
    fn reference(&self, name: &str) -> Result<Value, TemplateError> {
        let d = self.deployment;
        let pseudo = match name {
            "AWS::Partition" => Some(d.partition.clone()),
            "AWS::Region" => Some(d.region.clone()),
            "AWS::AccountId" => Some(d.account_id.clone()),
            "AWS::StackName" => Some(d.stack_name.clone()),
            "AWS::URLSuffix" => Some("amazonaws.com".to_owned()),
            _ => None,
        };
        if let Some(value) = pseudo {
            return Ok(Value::String(value));
        }
        if let Some(parameter) = self.template["Parameters"].get(name) {
            let default = parameter.get("Default").ok_or_else(|| {
                TemplateError::Unsupported(format!("parameter {name} has no default"))
            })?;
            let text = match default {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            return Ok(if parameter["Type"] == "CommaDelimitedList" {
                Value::from(text.split(',').map(str::to_owned).collect::<Vec<_>>())
            } else {
                Value::String(text)
            });
        }
        if self.resource(name).is_some() {
            return Ok(Value::String(d.physical_name(name)));
        }
        Err(TemplateError::Unsupported(format!(
            "Ref {name}: no such parameter or resource"
        )))
    }

    fn get_att(&self, arg: &Value) -> Result<String, TemplateError> {
        let (logical_id, attribute) = match arg {
            Value::Array(parts) if parts.len() == 2 => (
                parts[0]
                    .as_str()
                    .ok_or_else(|| bad("Fn::GetAtt", arg))?
                    .to_owned(),
                self.string(&parts[1])?,
            ),
            _ => return Err(bad("Fn::GetAtt", arg)),
        };
        self.attribute(&logical_id, &attribute)
    }

    fn attribute(&self, logical_id: &str, attribute: &str) -> Result<String, TemplateError> {
        let d = self.deployment;
        let kind = self
            .resource(logical_id)
            .and_then(|r| r["Type"].as_str())
            .ok_or_else(|| {
                TemplateError::Unsupported(format!("GetAtt {logical_id}: no such resource"))
            })?;
        let name = d.physical_name(logical_id);
        let (p, r, a) = (&d.partition, &d.region, &d.account_id);
        match (kind, attribute) {
            ("AWS::DynamoDB::Table", "Arn") => Ok(format!("arn:{p}:dynamodb:{r}:{a}:table/{name}")),
            ("AWS::Serverless::Function" | "AWS::Lambda::Function", "Arn") => {
                Ok(format!("arn:{p}:lambda:{r}:{a}:function:{name}"))
            }
            ("AWS::Logs::LogGroup", "Arn") => {
                Ok(format!("arn:{p}:logs:{r}:{a}:log-group:{name}:*"))
            }
            _ => Err(TemplateError::Unsupported(format!(
                "GetAtt {logical_id}.{attribute} ({kind})"
            ))),
        }
    }

    /// `Fn::Sub`: `${Name}` is a Ref (or the given variable), `${Resource.Attr}` a GetAtt,
    /// `${!Text}` the literal `${Text}`.
    fn sub(&self, arg: &Value) -> Result<String, TemplateError> {
        let (text, vars) = match arg {
            Value::String(text) => (text.as_str(), Map::new()),
            Value::Array(parts) if parts.len() == 2 => (
                parts[0].as_str().ok_or_else(|| bad("Fn::Sub", arg))?,
                parts[1]
                    .as_object()
                    .cloned()
                    .ok_or_else(|| bad("Fn::Sub", arg))?,
            ),
            _ => return Err(bad("Fn::Sub", arg)),
        };
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find("${") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            let end = after.find('}').ok_or_else(|| {
                TemplateError::Unsupported(format!("Fn::Sub {text:?}: unclosed ${{"))
            })?;
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(value) = vars.get(name) {
                out.push_str(&self.string(value)?);
            } else if let Some((resource, attribute)) = name.split_once('.') {
                out.push_str(&self.attribute(resource, attribute)?);
            } else {
                match self.reference(name)? {
                    Value::String(s) => out.push_str(&s),
                    other => {
                        return Err(TemplateError::Unsupported(format!(
                            "Fn::Sub ${{{name}}} is {other}, not a string"
                        )));
                    }
                }
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn join(&self, arg: &Value) -> Result<String, TemplateError> {
        let (Some(delimiter), Some(items)) = (arg[0].as_str(), self.resolve(&arg[1])?) else {
            return Err(bad("Fn::Join", arg));
        };
        let items = items
            .as_array()
            .cloned()
            .ok_or_else(|| bad("Fn::Join", arg))?;
        let parts: Vec<String> = items
            .iter()
            .map(|v| self.string(v))
            .collect::<Result<_, _>>()?;
        Ok(parts.join(delimiter))
    }
}

fn bad(function: &str, arg: &Value) -> TemplateError {
    TemplateError::Unsupported(format!("{function} {arg}: malformed"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_atts_subs_and_joins() {
        let template = json!({
            "Parameters": {"Env": {"Type": "String", "Default": "dev"}, "Ids": {"Type": "CommaDelimitedList", "Default": "a,b"}},
            "Resources": {"ChatTable": {"Type": "AWS::DynamoDB::Table"}, "F": {"Type": "AWS::Serverless::Function"}, "Q": {"Type": "AWS::SQS::Queue"}}
        });
        let d = Deployment::local();
        let r = Resolver::new(&template, &d);
        let one = |v: Value| r.resolve(&v).unwrap().unwrap();
        assert_eq!(
            one(json!({"Fn::GetAtt": ["ChatTable", "Arn"]})),
            "arn:aws:dynamodb:us-east-1:123456789012:table/chat"
        );
        assert_eq!(one(json!({"Ref": "ChatTable"})), "chat");
        assert_eq!(one(json!({"Ref": "Ids"})), json!(["a", "b"]));
        assert_eq!(
            one(
                json!({"Fn::Sub": "arn:${AWS::Partition}:x:${AWS::Region}:${AWS::AccountId}:${Env}/${F.Arn}/${!Literal}"})
            ),
            "arn:aws:x:us-east-1:123456789012:dev/arn:aws:lambda:us-east-1:123456789012:function:F/${Literal}"
        );
        assert_eq!(
            one(json!({"Fn::Sub": ["t/${n}", {"n": {"Ref": "ChatTable"}}]})),
            "t/chat"
        );
        assert_eq!(
            one(json!({"Fn::Join": [":", ["a", {"Ref": "Env"}]]})),
            "a:dev"
        );
        assert_eq!(one(json!(["x", {"Ref": "AWS::NoValue"}])), json!(["x"]));
        for bad in [
            json!({"Fn::If": ["C", "a", "b"]}),
            json!({"Ref": "Nothing"}),
            json!({"Fn::GetAtt": ["Q", "Arn"]}),
            json!({"Fn::Sub": "${Unclosed"}),
        ] {
            assert!(r.resolve(&bad).is_err(), "{bad}");
        }
    }
}
