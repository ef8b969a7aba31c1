//! API Gateway HTTP API events (payload format 2.0), as the HTTP functions receive them.
//!
//! `chat-local` turns each HTTP request into one of these and hands it to the same handler the
//! Lambda runs, so a route behaves alike on both; tests build theirs the same way. The event is
//! built as the JSON API Gateway sends and parsed by `lambda_http` itself, so the request a
//! handler sees locally is exactly the one it would see in Lambda.

use serde_json::{Map, Value, json};

/// One request as API Gateway hands it to a function after routing and authorization.
#[derive(Clone, Debug, Default)]
pub struct HttpApiEvent {
    pub method: String,
    /// The path as requested, still percent-encoded.
    pub raw_path: String,
    /// The query string without its `?`.
    pub raw_query: String,
    /// The matched route, e.g. `POST /rooms/{roomId}/tokens`.
    pub route_key: String,
    /// Decoded values of the route's `{name}` segments.
    pub path_parameters: Vec<(String, String)>,
    /// Header names and values; repeated names are joined with commas, as API Gateway does.
    pub headers: Vec<(String, String)>,
    /// The JWT authorizer's claims (already flattened to strings, see [`authorizer_claims`]);
    /// `None` for a route without an authorizer.
    pub claims: Option<Map<String, Value>>,
    pub body: Vec<u8>,
    pub account_id: String,
    pub source_ip: String,
    pub request_id: String,
}

/// How API Gateway's JWT authorizer passes claims on: every value becomes a string, and an
/// array reads `[a b c]` (the form `cognito:groups` arrives in).
pub fn authorizer_claims(claims: &Map<String, Value>) -> Map<String, Value> {
    fn flat(value: &Value) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => Some(format!(
                "[{}]",
                items.iter().filter_map(flat).collect::<Vec<_>>().join(" ")
            )),
            other => Some(other.to_string()),
        }
    }
    claims
        .iter()
        .filter_map(|(name, value)| flat(value).map(|v| (name.clone(), Value::String(v))))
        .collect()
}

fn join_repeated(pairs: impl IntoIterator<Item = (String, String)>) -> Map<String, Value> {
    let mut map = Map::new();
    for (name, value) in pairs {
        match map.get_mut(&name) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            _ => {
                map.insert(name, Value::String(value));
            }
        }
    }
    map
}

impl HttpApiEvent {
    /// The event as the JSON API Gateway delivers to Lambda.
    pub fn to_json(&self) -> Value {
        let now = time::OffsetDateTime::now_utc();
        let header = |name: &str| {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        // Cookies travel in their own field, not among the headers.
        let cookies: Vec<String> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
            .flat_map(|(_, v)| v.split(';').map(|c| c.trim().to_owned()))
            .filter(|c| !c.is_empty())
            .collect();
        let headers = join_repeated(
            self.headers
                .iter()
                .filter(|(n, _)| !n.eq_ignore_ascii_case("cookie"))
                .map(|(n, v)| (n.to_ascii_lowercase(), v.clone())),
        );
        let query = join_repeated(
            form_urlencoded::parse(self.raw_query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned())),
        );
        let mut context = json!({
            "accountId": self.account_id,
            "apiId": "local",
            "domainName": header("host").unwrap_or_default(),
            "domainPrefix": "local",
            "http": {
                "method": self.method,
                "path": self.raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": self.source_ip,
                "userAgent": header("user-agent").unwrap_or_default(),
            },
            "requestId": self.request_id,
            "routeKey": self.route_key,
            "stage": "$default",
            "time": now
                .format(time::macros::format_description!(
                    "[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000"
                ))
                .unwrap_or_default(),
            "timeEpoch": now.unix_timestamp() * 1000 + i64::from(now.millisecond()),
        });
        if let Some(claims) = &self.claims {
            context["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
        }
        let mut event = json!({
            "version": "2.0",
            "routeKey": self.route_key,
            "rawPath": self.raw_path,
            "rawQueryString": self.raw_query,
            "headers": headers,
            "requestContext": context,
            "isBase64Encoded": false,
        });
        if !cookies.is_empty() {
            event["cookies"] = json!(cookies);
        }
        if !query.is_empty() {
            event["queryStringParameters"] = Value::Object(query);
        }
        if !self.path_parameters.is_empty() {
            event["pathParameters"] = Value::Object(
                self.path_parameters
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect(),
            );
        }
        if !self.body.is_empty() {
            match std::str::from_utf8(&self.body) {
                Ok(text) => event["body"] = Value::String(text.to_owned()),
                Err(_) => {
                    use base64::Engine;
                    event["body"] =
                        Value::String(base64::engine::general_purpose::STANDARD.encode(&self.body));
                    event["isBase64Encoded"] = Value::Bool(true);
                }
            }
        }
        event
    }

    /// The request a `lambda_http` handler receives for this event.
    pub fn into_request(self) -> Result<lambda_http::Request, serde_json::Error> {
        lambda_http::request::from_str(&self.to_json().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::RequestExt;

    #[test]
    fn claims_flatten_as_api_gateway_does() {
        let claims = json!({"sub": "u1", "groups": ["admin", "ops"], "exp": 17, "none": null});
        let flat = authorizer_claims(claims.as_object().unwrap());
        assert_eq!(flat["groups"], "[admin ops]");
        assert_eq!(flat["exp"], "17");
        assert!(!flat.contains_key("none"));
    }

    #[test]
    fn the_handler_sees_route_parameters_query_claims_and_body() {
        let event = HttpApiEvent {
            method: "DELETE".into(),
            raw_path: "/rooms/AbCdEf123456/tags".into(),
            raw_query: "keys=a,b&x=1&x=2".into(),
            route_key: "DELETE /rooms/{roomId}/tags".into(),
            path_parameters: vec![("roomId".into(), "AbCdEf123456".into())],
            headers: vec![
                ("Host".into(), "127.0.0.1:3000".into()),
                ("Cookie".into(), "a=1; b=2".into()),
            ],
            claims: Some(authorizer_claims(
                json!({"sub": "alice"}).as_object().unwrap(),
            )),
            body: b"{\"k\":1}".to_vec(),
            account_id: "123456789012".into(),
            ..HttpApiEvent::default()
        };
        let json = event.to_json();
        assert_eq!(json["cookies"], json!(["a=1", "b=2"]));
        assert!(json["headers"].get("cookie").is_none());
        let req = event.into_request().unwrap();
        assert_eq!(
            crate::http::request::route_key(&req),
            "DELETE /rooms/{roomId}/tags"
        );
        assert_eq!(crate::http::request::room_id(&req).unwrap(), "AbCdEf123456");
        assert_eq!(
            crate::http::request::query_param(&req, "keys").as_deref(),
            Some("a,b")
        );
        // lambda_http reads repeated parameters back as separate values.
        assert_eq!(
            req.query_string_parameters_ref().unwrap().all("x"),
            Some(vec!["1", "2"])
        );
        assert_eq!(crate::http::request::caller(&req).unwrap().user_id, "alice");
        assert_eq!(
            crate::http::request::account_id(&req).as_deref(),
            Some("123456789012")
        );
        assert_eq!(req.body().as_ref(), b"{\"k\":1}");
    }
}
