//! Dev endpoints answer the chat page, curl and the emulator — never another site's page.
//!
//! Dev sign-in mints any user's JWT, admin included, for whoever asks, so a page of another
//! site (which a browser lets POST to any address, CORS or not) must be refused: a request that
//! carries an `Origin` must come from the page's own origin. Requests without one (curl, the
//! SDKs, the emulator's review calls) are not from a browser page and pass.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The origins the chat page is served from.
#[derive(Clone, Debug)]
pub struct PageOrigin {
    addr: SocketAddr,
    /// The origin named by `--cors-allow-origin`, trusted by whoever ran chat-local (not `*`).
    configured: Option<String>,
}

impl PageOrigin {
    pub fn new(addr: SocketAddr, cors_allow_origin: &str) -> Self {
        Self {
            addr,
            configured: (cors_allow_origin != "*").then(|| cors_allow_origin.to_owned()),
        }
    }

    /// Whether a request with this `Origin` (and `Host`) comes from the page itself.
    pub fn allows(&self, origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        if self.configured.as_deref() == Some(origin) {
            return true;
        }
        let Some(authority) = origin.strip_prefix("http://") else {
            return false;
        };
        let port = self.addr.port();
        let ip = self.addr.ip();
        if !ip.is_unspecified() {
            let named = |name: &str| {
                authority == format!("{name}:{port}") || (port == 80 && authority == name)
            };
            let ip_name = SocketAddr::new(ip, port).to_string();
            let ip_name = ip_name.rsplit_once(':').map_or("", |(name, _)| name);
            return named(ip_name) || (ip.is_loopback() && named("localhost"));
        }
        // Bound to every address: the page is wherever the browser reached it, as long as that
        // is an address, not a name (a name can be rebound to this machine by another site).
        let Some(host) = host.and_then(|h| h.to_str().ok()) else {
            return false;
        };
        let same_port = match host.rsplit_once(':') {
            Some((_, p)) if !host.ends_with(']') => p.parse() == Ok(port),
            _ => port == 80,
        };
        let name = match host.rsplit_once(':') {
            Some((name, _)) if !host.ends_with(']') => name,
            _ => host,
        };
        let literal = name == "localhost"
            || name.parse::<IpAddr>().is_ok()
            || name
                .strip_prefix('[')
                .and_then(|n| n.strip_suffix(']'))
                .is_some_and(|n| n.parse::<IpAddr>().is_ok());
        authority == host && same_port && literal
    }

    /// For the dev endpoints' CORS: a preflight from the page itself is granted.
    pub fn allows_parts(&self, origin: &HeaderValue, parts: &Parts) -> bool {
        self.allows(origin, parts.headers.get(header::HOST))
    }
}

/// Refuses (403, no CORS grant) a request sent by another site's page.
pub async fn page_only(State(page): State<PageOrigin>, request: Request, next: Next) -> Response {
    if let Some(origin) = request.headers().get(header::ORIGIN)
        && !page.allows(origin, request.headers().get(header::HOST))
    {
        tracing::warn!(
            origin = ?origin,
            path = request.uri().path(),
            "refused a dev endpoint to another site's page"
        );
        return (
            StatusCode::FORBIDDEN,
            axum::Json(json!({
                "message": "Forbidden: dev endpoints answer only the chat page's own origin"
            })),
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(bind: &str, origin: &str, host: Option<&str>) -> bool {
        PageOrigin::new(bind.parse().unwrap(), "*").allows(
            &HeaderValue::from_str(origin).unwrap(),
            host.map(|h| HeaderValue::from_str(h).unwrap()).as_ref(),
        )
    }

    #[test]
    fn only_the_pages_own_origin_is_allowed() {
        assert!(allows("127.0.0.1:3000", "http://127.0.0.1:3000", None));
        assert!(allows("127.0.0.1:3000", "http://localhost:3000", None));
        assert!(!allows("127.0.0.1:3000", "https://evil.example", None));
        assert!(!allows("127.0.0.1:3000", "http://127.0.0.1:5173", None));
        assert!(!allows("127.0.0.1:3000", "https://127.0.0.1:3000", None));
        assert!(!allows("127.0.0.1:3000", "null", None));
        assert!(!allows(
            "127.0.0.1:3000",
            "http://127.0.0.1:3000.evil",
            None
        ));
        assert!(allows("[::1]:3000", "http://[::1]:3000", None));
        assert!(allows("127.0.0.1:80", "http://127.0.0.1", None));
        // Every address: the Host the browser used, if it is an address.
        let any = "0.0.0.0:3000";
        assert!(allows(
            any,
            "http://192.168.1.5:3000",
            Some("192.168.1.5:3000")
        ));
        assert!(allows(any, "http://localhost:3000", Some("localhost:3000")));
        assert!(!allows(
            any,
            "http://evil.example:3000",
            Some("evil.example:3000")
        ));
        assert!(!allows(
            any,
            "http://10.0.0.9:3000",
            Some("192.168.1.5:3000")
        ));
        assert!(!allows(
            any,
            "http://192.168.1.5:3001",
            Some("192.168.1.5:3001")
        ));
        assert!(!allows(any, "http://192.168.1.5:3000", None));
    }

    #[test]
    fn an_origin_named_by_the_operator_is_trusted() {
        let page = PageOrigin::new("127.0.0.1:3000".parse().unwrap(), "http://localhost:5173");
        let origin = HeaderValue::from_static("http://localhost:5173");
        assert!(page.allows(&origin, None));
    }
}
