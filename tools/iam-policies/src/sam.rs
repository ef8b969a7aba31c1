//! SAM policy templates (`Policies: [{DynamoDBCrudPolicy: {TableName: !Ref T}}]`), expanded as
//! SAM expands them: the definition from SAM's `policy_templates.json`, its parameters put in
//! place of their `Ref`s. The DynamoDB ones are here; any other is refused by name.

use serde_json::{Map, Value, json};

use crate::TemplateError;

fn table_resources() -> Value {
    json!([
        {"Fn::Sub": ["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}", {"tableName": {"Ref": "TableName"}}]},
        {"Fn::Sub": ["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*", {"tableName": {"Ref": "TableName"}}]}
    ])
}

/// The definition of a policy template, with `{"Ref": "<Parameter>"}` where a value goes.
fn definition(name: &str) -> Option<Value> {
    let actions: &[&str] = match name {
        "DynamoDBCrudPolicy" => &[
            "dynamodb:GetItem",
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
            "dynamodb:ConditionCheckItem",
        ],
        "DynamoDBReadPolicy" => &[
            "dynamodb:GetItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
        ],
        "DynamoDBWritePolicy" => &[
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:BatchWriteItem",
        ],
        _ => return None,
    };
    Some(
        json!({"Statement": [{"Effect": "Allow", "Action": actions, "Resource": table_resources()}]}),
    )
}

/// Puts each parameter's value in place of its `Ref`.
fn fill(value: &Value, params: &Map<String, Value>) -> Value {
    match value {
        Value::Object(map) => {
            if let (1, Some(Value::String(name))) = (map.len(), map.get("Ref"))
                && let Some(given) = params.get(name)
            {
                return given.clone();
            }
            Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), fill(v, params)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, params)).collect()),
        other => other.clone(),
    }
}

/// The policy document a policy template stands for.
pub fn expand(name: &str, params: &Value) -> Result<Value, TemplateError> {
    let definition = definition(name)
        .ok_or_else(|| TemplateError::Unsupported(format!("SAM policy template {name}")))?;
    let params = params.as_object().cloned().unwrap_or_default();
    if !params.contains_key("TableName") {
        return Err(TemplateError::Unsupported(format!(
            "{name} without its TableName parameter"
        )));
    }
    Ok(fill(&definition, &params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crud_template_names_the_table_and_its_indexes() {
        let doc = expand(
            "DynamoDBCrudPolicy",
            &json!({"TableName": {"Ref": "ChatTable"}}),
        )
        .unwrap();
        let statement = &doc["Statement"][0];
        assert_eq!(statement["Action"].as_array().unwrap().len(), 10);
        assert_eq!(
            statement["Resource"][1]["Fn::Sub"][1]["tableName"],
            json!({"Ref": "ChatTable"})
        );
        assert!(expand("S3CrudPolicy", &json!({"BucketName": "b"})).is_err());
        assert!(expand("DynamoDBReadPolicy", &json!({})).is_err());
    }
}
