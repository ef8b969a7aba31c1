//! The App HTTP API's routes as each function declares them (its `ROUTES`; a test holds them
//! equal to `template.yaml`), and API Gateway's route matching.

/// The function a route is integrated with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    TokenIssuer,
    RoomProvisioner,
    Moderator,
}

impl Function {
    /// The function's logical id in `template.yaml`.
    pub fn resource_name(self) -> &'static str {
        match self {
            Self::TokenIssuer => "TokenIssuerFunction",
            Self::RoomProvisioner => "RoomProvisionerFunction",
            Self::Moderator => "ModeratorFunction",
        }
    }
}

impl Function {
    /// The routes the function's own crate declares (`ROUTES`, beside its dispatch).
    pub fn route_keys(self) -> &'static [&'static str] {
        match self {
            Self::TokenIssuer => token_issuer::ROUTES,
            Self::RoomProvisioner => room_provisioner::ROUTES,
            Self::Moderator => moderator::ROUTES,
        }
    }
}

const FUNCTIONS: [Function; 3] = [
    Function::TokenIssuer,
    Function::RoomProvisioner,
    Function::Moderator,
];

/// Every route key (`METHOD /path`) and its function, from the functions themselves.
pub fn all_routes() -> impl Iterator<Item = (&'static str, Function)> {
    FUNCTIONS
        .into_iter()
        .flat_map(|f| f.route_keys().iter().map(move |key| (*key, f)))
}

/// A request matched to its route.
#[derive(Debug, PartialEq, Eq)]
pub struct Matched {
    pub route_key: &'static str,
    pub function: Function,
    /// Decoded values of the route's `{name}` segments.
    pub path_parameters: Vec<(String, String)>,
}

/// The route for a method and a raw (percent-encoded) path, as API Gateway picks it: segments
/// compared one by one, a `{name}` segment takes any non-empty segment, and a literal segment
/// beats a parameter (the most specific route wins). No match: API Gateway's 404.
pub fn route(method: &str, raw_path: &str) -> Option<Matched> {
    let segments: Vec<&str> = raw_path.split('/').skip(1).collect();
    all_routes()
        .filter_map(|(route_key, function)| {
            let (route_method, template) = route_key.split_once(' ')?;
            if route_method != method {
                return None;
            }
            let parts: Vec<&str> = template.split('/').skip(1).collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut path_parameters = Vec::new();
            let mut literals = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    if segment.is_empty() {
                        return None;
                    }
                    let value = percent_encoding::percent_decode_str(segment)
                        .decode_utf8()
                        .ok()?
                        .into_owned();
                    path_parameters.push((name.to_owned(), value));
                } else if part == segment {
                    literals += 1;
                } else {
                    return None;
                }
            }
            Some((
                literals,
                Matched {
                    route_key,
                    function,
                    path_parameters,
                },
            ))
        })
        .max_by_key(|(literals, _)| *literals)
        .map(|(_, matched)| matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_match_with_their_parameters() {
        let m = route("DELETE", "/rooms/AbCdEf123456/messages/M2YcHkgffEvU").unwrap();
        assert_eq!(m.route_key, "DELETE /rooms/{roomId}/messages/{messageId}");
        assert_eq!(m.function, Function::Moderator);
        assert_eq!(
            m.path_parameters,
            vec![
                ("roomId".to_owned(), "AbCdEf123456".to_owned()),
                ("messageId".to_owned(), "M2YcHkgffEvU".to_owned())
            ]
        );
        let m = route("PUT", "/rooms/AbCdEf123456/moderators/bob%40example.com").unwrap();
        assert_eq!(m.path_parameters[1].1, "bob@example.com");
        assert_eq!(route("GET", "/rooms").unwrap().route_key, "GET /rooms");
    }

    #[test]
    fn unknown_paths_methods_and_empty_segments_do_not_match() {
        assert!(route("GET", "/nope").is_none());
        assert!(route("PUT", "/rooms").is_none());
        assert!(route("GET", "/rooms/").is_none());
        assert!(route("GET", "/rooms/x/unknown").is_none());
        assert!(route("POST", "/rooms//tokens").is_none());
    }
}
