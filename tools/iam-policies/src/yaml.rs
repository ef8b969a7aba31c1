//! A CloudFormation template in YAML, as the JSON CloudFormation reads: the short tags become
//! their long forms (`!Sub x` → `{"Fn::Sub": x}`, `!Ref x` → `{"Ref": x}`, `!GetAtt A.B` →
//! `{"Fn::GetAtt": ["A", "B"]}`), so one resolver handles both spellings.

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{Map, Value};

use crate::TemplateError;

/// Parses a template (its first YAML document).
pub fn template(text: &str) -> Result<Value, TemplateError> {
    let docs = Yaml::load_from_str(text).map_err(|e| TemplateError::Yaml(e.to_string()))?;
    let doc = docs
        .first()
        .ok_or_else(|| TemplateError::Yaml("the template is empty".into()))?;
    json(doc)
}

fn json(node: &Yaml) -> Result<Value, TemplateError> {
    Ok(match node {
        Yaml::Value(scalar) => scalar_json(scalar),
        Yaml::Representation(text, ..) => Value::String(text.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(json).collect::<Result<_, _>>()?),
        Yaml::Mapping(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key = match json(key)? {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                map.insert(key, json(value)?);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tag, inner) => {
            let inner = json(inner)?;
            match tag.suffix.as_str() {
                "Ref" => single("Ref", inner),
                "Condition" => single("Condition", inner),
                "GetAtt" => match inner {
                    // `!GetAtt Resource.Attribute` (the attribute may hold dots itself).
                    Value::String(s) => {
                        let (resource, attribute) = s.split_once('.').ok_or_else(|| {
                            TemplateError::Yaml(format!("!GetAtt {s}: expected Resource.Attribute"))
                        })?;
                        single("Fn::GetAtt", Value::from(vec![resource, attribute]))
                    }
                    list => single("Fn::GetAtt", list),
                },
                // Every other short tag is the `Fn::` function of its name (`!Sub`, `!Join`,
                // `!If`, the rules' `!Contains`...); the resolver says which it can apply.
                name if tag.handle == "!" => single(&format!("Fn::{name}"), inner),
                other => {
                    return Err(TemplateError::Yaml(format!(
                        "tag {}{other} is not CloudFormation's",
                        tag.handle
                    )));
                }
            }
        }
        Yaml::Alias(_) | Yaml::BadValue => {
            return Err(TemplateError::Yaml(
                "aliases and unreadable values are not supported".into(),
            ));
        }
    })
}

fn scalar_json(scalar: &Scalar<'_>) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => Value::from(f.into_inner()),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

fn single(key: &str, value: Value) -> Value {
    Value::Object(Map::from_iter([(key.to_owned(), value)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn short_tags_become_long_forms() {
        let doc = template(
            "A: !Sub arn:${AWS::Partition}:x\nB: !GetAtt ChatTable.Arn\nC: !Ref T\nD: !Join [':', [a, !Ref B]]\nE: [1, true, ~]\n",
        )
        .unwrap();
        assert_eq!(
            doc,
            json!({
                "A": {"Fn::Sub": "arn:${AWS::Partition}:x"},
                "B": {"Fn::GetAtt": ["ChatTable", "Arn"]},
                "C": {"Ref": "T"},
                "D": {"Fn::Join": [":", ["a", {"Ref": "B"}]]},
                "E": [1, true, null],
            })
        );
        assert_eq!(
            template("A: !Bogus x").unwrap(),
            json!({"A": {"Fn::Bogus": "x"}})
        );
        assert!(template("A: !GetAtt NoDot").is_err());
    }
}
