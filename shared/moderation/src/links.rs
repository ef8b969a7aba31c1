//! Links in chat: URLs with or without a scheme, and bare domains (`example.com/x`).

use linkify::{LinkFinder, LinkKind};

pub struct Link {
    pub start: usize,
    pub end: usize,
    /// Lower-case host name.
    pub host: String,
}

pub fn find(text: &str) -> Vec<Link> {
    let mut finder = LinkFinder::new();
    finder.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    finder
        .links(text)
        .filter_map(|link| {
            let host = host_of(link.as_str())?;
            Some(Link {
                start: link.start(),
                end: link.end(),
                host,
            })
        })
        .collect()
}

fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host.contains('.').then_some(host)
}

/// Whether `host` is one of the domains or a subdomain of one.
pub fn host_allowed(host: &str, domains: &[String]) -> bool {
    domains.iter().any(|d| {
        let d = d.trim_end_matches('.').to_ascii_lowercase();
        host == d || host.ends_with(&format!(".{d}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_urls_and_bare_domains() {
        let hosts: Vec<String> =
            find("see https://Example.com/a, www.clips.tv and evil.io/x?y=1 or mail me")
                .into_iter()
                .map(|l| l.host)
                .collect();
        assert_eq!(hosts, ["example.com", "www.clips.tv", "evil.io"]);
        assert!(find("no links here, just a sentence. OK?").is_empty());
        assert!(host_allowed("clips.example.com", &["example.com".into()]));
        assert!(!host_allowed("badexample.com", &["example.com".into()]));
    }
}
