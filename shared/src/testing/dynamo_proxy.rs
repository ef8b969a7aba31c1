//! IAM in front of moto (which has none): a proxy on loopback that reads each DynamoDB request
//! as AWS's front door does — the SigV4 access key (and signature, where the policy gives the
//! secret), `X-Amz-Target: DynamoDB_20120810.<Op>` as the action `dynamodb:<Op>`, the table
//! ARN as the resource, the request's partition key values as `dynamodb:LeadingKeys` — and
//! asks the emulator's IAM evaluator. Allowed requests go on to moto unchanged; refused ones
//! get DynamoDB's answer (400, `AccessDeniedException`, AWS's wording).
//!
//! Transactions and batches are authorized per item and table, as IAM does (a
//! `TransactWriteItems` put needs `dynamodb:PutItem`); the partition key is `pk`, as in
//! template.yaml's table.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use ivschat_emulator::error::ServiceError;
use ivschat_emulator::iam::{Authorizer, Context, PolicyFile, Request};
use ivschat_emulator::wire::sigv4::SignatureVerifier;
use serde_json::{Value, json};

use super::{ACCOUNT_ID, HARNESS, REGION};

/// The table's partition key attribute (template.yaml: `pk`).
const PARTITION_KEY: &str = "pk";

/// The proxy for the life of the value (its task ends with the runtime).
pub struct DynamoProxy {
    pub endpoint: String,
    state: Arc<ProxyState>,
}

struct ProxyState {
    upstream: SocketAddr,
    verifier: SignatureVerifier,
    iam: Authorizer,
}

impl DynamoProxy {
    /// Serves on a free loopback port, in front of the DynamoDB endpoint at `upstream`.
    pub async fn start(upstream: &str, policy: &PolicyFile) -> Self {
        let iam = Authorizer::new(policy).expect("the policy file is valid");
        let mut verifier = SignatureVerifier::for_service("dynamodb", REGION.to_owned());
        for (key, secret) in iam.keys() {
            verifier = verifier.with_key(key, secret);
        }
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .parse()
            .expect("a loopback endpoint");
        let state = Arc::new(ProxyState {
            upstream,
            verifier,
            iam,
        });
        let app = axum::Router::new()
            .fallback(forward)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port");
        let endpoint = format!("http://{}", listener.local_addr().expect("bound"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { endpoint, state }
    }

    /// What IAM refused and which statements allowed what.
    pub fn iam(&self) -> &Authorizer {
        &self.state.iam
    }

    /// A DynamoDB client that signs with this key (the harness's: allowed everything).
    pub fn client_with_key(&self, access_key_id: &str, secret: &str) -> aws_sdk_dynamodb::Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version_latest()
            .region(aws_sdk_dynamodb::config::Region::new(REGION))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                access_key_id,
                secret,
                None,
                None,
                "proxy",
            ))
            .endpoint_url(&self.endpoint)
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }

    /// The harness's client (allowed everything), for setting up and checking.
    pub fn client(&self) -> aws_sdk_dynamodb::Client {
        self.client_with_key(HARNESS.0, HARNESS.1)
    }

    /// The client a function's code uses: its key from template.yaml's policy file.
    pub fn function_client(&self, function: &str) -> aws_sdk_dynamodb::Client {
        self.client_with_key(
            &iam_policies::access_key(function),
            &iam_policies::secret_key(function),
        )
    }
}

/// DynamoDB's error shape (awsJson1_0): 400 and `__type`.
fn dynamo_error(prefix: &str, code: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        [("content-type", "application/x-amz-json-1.0")],
        json!({"__type": format!("{prefix}#{code}"), "message": message}).to_string(),
    )
        .into_response()
}

async fn forward(
    axum::extract::State(state): axum::extract::State<Arc<ProxyState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let key = match state
        .verifier
        .verify(method.as_str(), path, &headers, &body)
    {
        Ok(key) => key,
        Err(ServiceError::Unauthenticated { code, message }) => {
            let message = if code == "MissingAuthenticationTokenException" {
                "Request is missing Authentication Token".to_owned()
            } else {
                message
            };
            return dynamo_error("com.amazon.coral.service", code, &message);
        }
        Err(other) => {
            return dynamo_error(
                "com.amazon.coral.service",
                "InternalFailure",
                &other.to_string(),
            );
        }
    };
    let operation = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_prefix("DynamoDB_20120810."))
        .unwrap_or_default()
        .to_owned();
    let principal = state.iam.principal_arn(&key).unwrap_or(&key).to_owned();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    for asked in requests(&operation, &request, &principal) {
        if let Err(refusal) = state.iam.authorize(&key, &asked) {
            return dynamo_error(
                "com.amazonaws.dynamodb.v20120810",
                "AccessDeniedException",
                &refusal.to_string(),
            );
        }
    }
    let passed: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| {
            !matches!(
                name.as_str(),
                "host" | "content-length" | "connection" | "transfer-encoding"
            )
        })
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let passed: Vec<(&str, &str)> = passed
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let text = String::from_utf8_lossy(&body);
    let answer = ivschat_emulator::testing::raw_with_headers(
        state.upstream,
        method.as_str(),
        path,
        &passed,
        &text,
    )
    .await;
    let mut response = (
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY),
        answer.body,
    )
        .into_response();
    for (name, value) in &answer.headers {
        if !matches!(
            name.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

fn table_arn(table: &str) -> String {
    format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{table}")
}

/// The partition key value of a key or an item (`{"pk": {"S": "ROOM#1"}, ...}`).
fn partition_key(key: &Value) -> Option<String> {
    key[PARTITION_KEY]["S"].as_str().map(str::to_owned)
}

/// The partition key a Query's key condition fixes (`pk = :pk`, or `#k = :v` through
/// `ExpressionAttributeNames`).
fn queried_partition_key(request: &Value) -> Option<String> {
    let condition = request["KeyConditionExpression"].as_str()?;
    let names = &request["ExpressionAttributeNames"];
    condition
        .split(" AND ")
        .chain(condition.split(" and "))
        .filter_map(|part| part.split_once('='))
        .find_map(|(name, value)| {
            let name = name.trim().trim_start_matches('(');
            let name = names[name].as_str().unwrap_or(name);
            (name == PARTITION_KEY).then(|| {
                let value = value.trim().trim_end_matches(')');
                request["ExpressionAttributeValues"][value]["S"]
                    .as_str()
                    .map(str::to_owned)
            })?
        })
}

/// What one DynamoDB call asks IAM: per table (and, in a transaction, per item).
fn requests(operation: &str, request: &Value, principal: &str) -> Vec<Request> {
    let base = Context::new()
        .with("aws:PrincipalArn", [principal])
        .with("aws:RequestedRegion", [REGION]);
    let on = |action: &str, table: &str, leading: Vec<String>| {
        let mut context = base.clone();
        if !leading.is_empty() {
            context.set("dynamodb:LeadingKeys", leading);
        }
        Request::new(format!("dynamodb:{action}"), table_arn(table), context)
    };
    let table = request["TableName"].as_str().unwrap_or_default();
    match operation {
        "GetItem" | "DeleteItem" | "UpdateItem" => {
            vec![on(
                operation,
                table,
                partition_key(&request["Key"]).into_iter().collect(),
            )]
        }
        "PutItem" => vec![on(
            operation,
            table,
            partition_key(&request["Item"]).into_iter().collect(),
        )],
        "Query" => vec![on(
            operation,
            table,
            queried_partition_key(request).into_iter().collect(),
        )],
        "BatchGetItem" | "BatchWriteItem" => request["RequestItems"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(table, asked)| {
                let keys = asked["Keys"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .cloned()
                    .chain(asked.as_array().into_iter().flatten().filter_map(|w| {
                        w["PutRequest"]["Item"]
                            .as_object()
                            .or(w["DeleteRequest"]["Key"].as_object())
                            .map(|m| Value::Object(m.clone()))
                    }))
                    .filter_map(|k| partition_key(&k))
                    .collect();
                on(operation, table, keys)
            })
            .collect(),
        "TransactWriteItems" | "TransactGetItems" => request["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| {
                let (action, part, key) = [
                    ("Put", "PutItem", "Item"),
                    ("Update", "UpdateItem", "Key"),
                    ("Delete", "DeleteItem", "Key"),
                    ("ConditionCheck", "ConditionCheckItem", "Key"),
                    ("Get", "GetItem", "Key"),
                ]
                .into_iter()
                .find(|(name, _, _)| item[*name].is_object())?;
                let inner = &item[action];
                Some(on(
                    part,
                    inner["TableName"].as_str().unwrap_or_default(),
                    partition_key(&inner[key]).into_iter().collect(),
                ))
            })
            .collect(),
        "ListTables" => vec![Request::new("dynamodb:ListTables", "*", base.clone())],
        other => vec![on(other, table, Vec::new())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_keys_come_from_keys_items_and_key_conditions() {
        let get = requests(
            "GetItem",
            &json!({"TableName": "chat", "Key": {"pk": {"S": "ROOM#1"}, "sk": {"S": "META"}}}),
            "p",
        );
        assert_eq!(get[0].action, "dynamodb:GetItem");
        assert_eq!(get[0].resource, table_arn("chat"));
        assert_eq!(
            get[0].context,
            Context::new()
                .with("aws:PrincipalArn", ["p"])
                .with("aws:RequestedRegion", [REGION])
                .with("dynamodb:LeadingKeys", ["ROOM#1"])
        );
        let query = json!({"TableName": "chat",
            "KeyConditionExpression": "#k = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeNames": {"#k": "pk"},
            "ExpressionAttributeValues": {":pk": {"S": "USER#a"}, ":prefix": {"S": "X"}}});
        assert_eq!(queried_partition_key(&query).as_deref(), Some("USER#a"));
        let plain = json!({"KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "ROOM#2"}}});
        assert_eq!(queried_partition_key(&plain).as_deref(), Some("ROOM#2"));
        let transact = requests(
            "TransactWriteItems",
            &json!({"TransactItems": [
                {"Put": {"TableName": "chat", "Item": {"pk": {"S": "ROOM#1"}}}},
                {"Delete": {"TableName": "other", "Key": {"pk": {"S": "USER#1"}}}}]}),
            "p",
        );
        let asked: Vec<(&str, &str)> = transact
            .iter()
            .map(|r| (r.action.as_str(), r.resource.as_str()))
            .collect();
        assert_eq!(
            asked,
            [
                ("dynamodb:PutItem", table_arn("chat").as_str()),
                ("dynamodb:DeleteItem", table_arn("other").as_str())
            ]
        );
    }
}
