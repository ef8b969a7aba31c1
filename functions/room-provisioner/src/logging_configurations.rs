//! Logging configurations (admins only): where IVS records a room's messages and events.

use std::collections::HashMap;

use aws_sdk_ivschat::types::{
    CloudWatchLogsDestinationConfiguration, DestinationConfiguration,
    FirehoseDestinationConfiguration, S3DestinationConfiguration,
};
use chat_core::http::error::{ApiError, json_response, no_content};
use chat_core::http::request::{account_id, caller, json_body, path_param, require_admin};
use chat_core::ivs::{is_resource_id, ivs_error, logging_configuration_arn};
use chat_core::store::Store;
use lambda_http::{Body, Request, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{Provisioner, page_params, time};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
enum Destination {
    S3 {
        #[serde(rename = "bucketName")]
        bucket_name: String,
    },
    CloudWatchLogs {
        #[serde(rename = "logGroupName")]
        log_group_name: String,
    },
    Firehose {
        #[serde(rename = "deliveryStreamName")]
        delivery_stream_name: String,
    },
}

impl Destination {
    fn to_ivs(&self) -> Result<DestinationConfiguration, ApiError> {
        let bad = |e: aws_sdk_ivschat::error::BuildError| ApiError::bad_request(e.to_string());
        Ok(match self {
            Self::S3 { bucket_name } => DestinationConfiguration::S3(
                S3DestinationConfiguration::builder()
                    .bucket_name(bucket_name)
                    .build()
                    .map_err(bad)?,
            ),
            Self::CloudWatchLogs { log_group_name } => DestinationConfiguration::CloudWatchLogs(
                CloudWatchLogsDestinationConfiguration::builder()
                    .log_group_name(log_group_name)
                    .build()
                    .map_err(bad)?,
            ),
            Self::Firehose {
                delivery_stream_name,
            } => DestinationConfiguration::Firehose(
                FirehoseDestinationConfiguration::builder()
                    .delivery_stream_name(delivery_stream_name)
                    .build()
                    .map_err(bad)?,
            ),
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfigurationBody {
    name: Option<String>,
    destination: Option<Destination>,
    tags: Option<HashMap<String, String>>,
}

fn destination_view(d: Option<&DestinationConfiguration>) -> Value {
    match d {
        Some(DestinationConfiguration::S3(s)) => json!({"s3": {"bucketName": s.bucket_name()}}),
        Some(DestinationConfiguration::CloudWatchLogs(c)) => {
            json!({"cloudWatchLogs": {"logGroupName": c.log_group_name()}})
        }
        Some(DestinationConfiguration::Firehose(f)) => {
            json!({"firehose": {"deliveryStreamName": f.delivery_stream_name()}})
        }
        _ => Value::Null,
    }
}

macro_rules! view {
    ($c:expr) => {
        json!({
            "id": $c.id(),
            "arn": $c.arn(),
            "name": $c.name(),
            "destination": destination_view($c.destination_configuration()),
            "state": $c.state().map(|s| s.as_str()),
            "tags": $c.tags(),
            "createTime": time($c.create_time()),
            "updateTime": time($c.update_time()),
        })
    };
}

/// The ARN of the configuration the path names (admins only).
fn named_arn<S>(req: &Request, p: &Provisioner<S>) -> Result<String, ApiError> {
    require_admin(&caller(req)?)?;
    let id = path_param(req, "id")?;
    if !is_resource_id(&id) {
        return Err(ApiError::bad_request(
            "id must be the 12-character logging configuration id.",
        ));
    }
    Ok(logging_configuration_arn(
        &p.region,
        &account_id(req).unwrap_or_default(),
        &id,
    ))
}

pub async fn create<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    require_admin(&caller(req)?)?;
    let body: ConfigurationBody = json_body(req)?;
    let destination = body
        .destination
        .as_ref()
        .ok_or_else(|| ApiError::bad_request("destination: one of s3, cloudWatchLogs, firehose."))?
        .to_ivs()?;
    let c = p
        .ivs
        .create_logging_configuration()
        .set_name(body.name)
        .destination_configuration(destination)
        .set_tags(body.tags)
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(json_response(201, &view!(c)))
}

pub async fn list<S: Store>(req: &Request, p: &Provisioner<S>) -> Result<Response<Body>, ApiError> {
    require_admin(&caller(req)?)?;
    let (limit, next_token) = page_params(req)?;
    let page = p
        .ivs
        .list_logging_configurations()
        .set_max_results(limit)
        .set_next_token(next_token)
        .send()
        .await
        .map_err(ivs_error)?;
    let items: Vec<Value> = page
        .logging_configurations()
        .iter()
        .map(|c| view!(c))
        .collect();
    Ok(json_response(
        200,
        &json!({"loggingConfigurations": items, "nextToken": page.next_token()}),
    ))
}

pub async fn get<S: Store>(req: &Request, p: &Provisioner<S>) -> Result<Response<Body>, ApiError> {
    let arn = named_arn(req, p)?;
    let c = p
        .ivs
        .get_logging_configuration()
        .identifier(arn)
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(json_response(200, &view!(c)))
}

pub async fn update<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    let arn = named_arn(req, p)?;
    let body: ConfigurationBody = json_body(req)?;
    if body.tags.is_some() {
        return Err(ApiError::bad_request(
            "tags are set when a logging configuration is created.",
        ));
    }
    let destination = body
        .destination
        .as_ref()
        .map(Destination::to_ivs)
        .transpose()?;
    let c = p
        .ivs
        .update_logging_configuration()
        .identifier(arn)
        .set_name(body.name)
        .set_destination_configuration(destination)
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(json_response(200, &view!(c)))
}

pub async fn delete<S: Store>(
    req: &Request,
    p: &Provisioner<S>,
) -> Result<Response<Body>, ApiError> {
    let arn = named_arn(req, p)?;
    p.ivs
        .delete_logging_configuration()
        .identifier(arn)
        .send()
        .await
        .map_err(ivs_error)?;
    Ok(no_content())
}
