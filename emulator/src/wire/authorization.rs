//! What each control-plane request asks IAM (`--iam-policy`), after the Service Authorization
//! Reference for Amazon IVS Chat: the action `ivschat:<Operation>` on the resource it names —
//! a room or a logging configuration by its ARN; `*` for the two List operations; for the
//! Create operations the new resource's ARN pattern (`…:room/*`) — with the condition keys
//! the reference gives: `aws:ResourceTag/<key>` (the resource's tags now), and for calls that
//! set tags `aws:RequestTag/<key>` and `aws:TagKeys`. Tags given to a Create operation are
//! also authorized as `ivschat:TagResource` on the new resource (tag-on-create).
//!
//! A logging configuration sets up CloudWatch vended log delivery with the caller's
//! permissions, so IVS also asks for what CloudWatch Logs documents for that delivery: the
//! `logs:*LogDelivery` actions on `*` (create: `CreateLogDelivery`; a new destination:
//! `GetLogDelivery`, `UpdateLogDelivery`; delete: `GetLogDelivery`, `ListLogDeliveries`,
//! `DeleteLogDelivery`), and per destination: a log group `logs:PutResourcePolicy`,
//! `logs:DescribeResourcePolicies`, `logs:DescribeLogGroups`; a bucket `s3:GetBucketPolicy`,
//! `s3:PutBucketPolicy`; a delivery stream `firehose:TagDeliveryStream` and
//! `iam:CreateServiceLinkedRole` (the log-delivery service-linked role).
//!
//! Every request also carries `aws:PrincipalArn` and `aws:RequestedRegion`.

use axum::http::{Method, Uri};
use percent_encoding::percent_decode_str;
use serde_json::Value;

use crate::iam::{Context, Request};

use super::AppState;

/// The IAM requests one control-plane call makes, in the order they are decided; none for a
/// path that is no operation (the router answers it).
pub fn requests(
    app: &AppState,
    principal_arn: &str,
    method: &Method,
    uri: &Uri,
    body: &[u8],
) -> Vec<Request> {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let asked = Asked {
        app,
        region: app.service.region(),
        account: app.service.account_id(),
        base: Context::new()
            .with("aws:PrincipalArn", [principal_arn])
            .with("aws:RequestedRegion", [app.service.region()]),
        body: &body,
    };
    let path = uri.path();
    if let Some(arn) = path.strip_prefix("/tags/") {
        let arn = decode_resource_arn(arn).unwrap_or_default();
        return match *method {
            Method::GET => vec![asked.existing("ListTagsForResource", &arn)],
            Method::POST => {
                let mut request = asked.existing("TagResource", &arn);
                request.context.request_tags(tags(&body));
                vec![request]
            }
            Method::DELETE => {
                let keys: Vec<String> =
                    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                        .filter(|(name, _)| name == "tagKeys")
                        .map(|(_, value)| value.into_owned())
                        .collect();
                let mut request = asked.existing("UntagResource", &arn);
                request.context.set("aws:TagKeys", keys);
                vec![request]
            }
            _ => Vec::new(),
        };
    }
    if *method != Method::POST {
        return Vec::new();
    }
    let field = |name: &str| body[name].as_str().unwrap_or_default().to_owned();
    match path.trim_start_matches('/') {
        "CreateRoom" => asked.create("room", "CreateRoom"),
        op @ ("GetRoom" | "UpdateRoom" | "DeleteRoom") => {
            vec![asked.existing(op, &field("identifier"))]
        }
        op @ ("CreateChatToken" | "SendEvent" | "DeleteMessage" | "DisconnectUser") => {
            vec![asked.existing(op, &field("roomIdentifier"))]
        }
        op @ ("ListRooms" | "ListLoggingConfigurations") => {
            vec![Request::new(
                format!("ivschat:{op}"),
                "*",
                asked.base.clone(),
            )]
        }
        "CreateLoggingConfiguration" => {
            let mut out = asked.create("logging-configuration", "CreateLoggingConfiguration");
            out.push(asked.delivery("CreateLogDelivery"));
            out.extend(asked.destination(&body["destinationConfiguration"]));
            out
        }
        "GetLoggingConfiguration" => {
            vec![asked.existing("GetLoggingConfiguration", &field("identifier"))]
        }
        "UpdateLoggingConfiguration" => {
            let mut out = vec![asked.existing("UpdateLoggingConfiguration", &field("identifier"))];
            if body["destinationConfiguration"].is_object() {
                out.push(asked.delivery("GetLogDelivery"));
                out.push(asked.delivery("UpdateLogDelivery"));
                out.extend(asked.destination(&body["destinationConfiguration"]));
            }
            out
        }
        "DeleteLoggingConfiguration" => vec![
            asked.existing("DeleteLoggingConfiguration", &field("identifier")),
            asked.delivery("GetLogDelivery"),
            asked.delivery("ListLogDeliveries"),
            asked.delivery("DeleteLogDelivery"),
        ],
        _ => Vec::new(),
    }
}

/// The resource ARN of a tag path (`/tags/{arn}`), percent-decoded as a whole (`:` → `%3A`,
/// `/` → `%2F`).
pub fn decode_resource_arn(raw: &str) -> Option<String> {
    percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|arn| arn.into_owned())
}

/// The `tags` member of a body, as (key, value) pairs.
fn tags(body: &Value) -> impl Iterator<Item = (&str, &str)> {
    body["tags"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
}

struct Asked<'a> {
    app: &'a AppState,
    region: &'a str,
    account: &'a str,
    base: Context,
    body: &'a Value,
}

impl Asked<'_> {
    /// An action on a resource that may exist: its tags are `aws:ResourceTag/<key>`.
    fn existing(&self, op: &str, arn: &str) -> Request {
        let mut context = self.base.clone();
        if let Some(tags) = self.app.service.tags_of(arn) {
            context.resource_tags(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Request::new(format!("ivschat:{op}"), arn, context)
    }

    /// A Create operation on the new resource's ARN pattern, then `TagResource` for its tags.
    fn create(&self, kind: &str, op: &str) -> Vec<Request> {
        let resource = format!("arn:aws:ivschat:{}:{}:{kind}/*", self.region, self.account);
        let mut context = self.base.clone();
        context.request_tags(tags(self.body));
        let mut out = vec![Request::new(
            format!("ivschat:{op}"),
            &resource,
            context.clone(),
        )];
        if tags(self.body).next().is_some() {
            out.push(Request::new("ivschat:TagResource", resource, context));
        }
        out
    }

    /// A CloudWatch Logs log-delivery action (they take no resource ARN).
    fn delivery(&self, action: &str) -> Request {
        Request::new(format!("logs:{action}"), "*", self.base.clone())
    }

    /// What the destination's service asks of whoever sets up delivery to it.
    fn destination(&self, destination: &Value) -> Vec<Request> {
        let (region, account) = (self.region, self.account);
        let on = |action: &str, resource: String| Request::new(action, resource, self.base.clone());
        if destination["cloudWatchLogs"].is_object() {
            vec![
                on("logs:PutResourcePolicy", "*".into()),
                on("logs:DescribeResourcePolicies", "*".into()),
                on(
                    "logs:DescribeLogGroups",
                    format!("arn:aws:logs:{region}:{account}:log-group:*"),
                ),
            ]
        } else if let Some(bucket) = destination["s3"]["bucketName"].as_str() {
            vec![
                on("s3:GetBucketPolicy", format!("arn:aws:s3:::{bucket}")),
                on("s3:PutBucketPolicy", format!("arn:aws:s3:::{bucket}")),
            ]
        } else if let Some(stream) = destination["firehose"]["deliveryStreamName"].as_str() {
            let mut role = Request::new(
                "iam:CreateServiceLinkedRole",
                format!(
                    "arn:aws:iam::{account}:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery"
                ),
                self.base.clone(),
            );
            role.context
                .set("iam:AWSServiceName", ["delivery.logs.amazonaws.com"]);
            vec![
                on(
                    "firehose:TagDeliveryStream",
                    format!("arn:aws:firehose:{region}:{account}:deliverystream/{stream}"),
                ),
                role,
            ]
        } else {
            Vec::new()
        }
    }
}
