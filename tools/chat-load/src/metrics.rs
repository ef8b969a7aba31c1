//! What chat-local's `GET /metrics` (Prometheus text) tells of the reviews: verdicts by kind,
//! failed review steps, and message-review's own duration (`ReviewDuration`, a summary whose
//! quantiles cover the last minute or so: metrics-exporter-prometheus's default window).

use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewMetrics {
    /// Verdicts counted so far, by `Verdict` (ALLOW, MASKED, DENY, HELD).
    pub verdicts: BTreeMap<String, f64>,
    pub review_errors: f64,
    /// `ReviewDuration` quantiles (milliseconds), by quantile ("0.5", "0.99", ...).
    pub duration_quantiles: BTreeMap<String, f64>,
    pub duration_sum_ms: f64,
    pub duration_count: f64,
}

/// The value of `label` in a `{a="x",b="y"}` label set.
fn label<'a>(labels: &'a str, name: &str) -> Option<&'a str> {
    labels.split(',').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"'))
    })
}

impl ReviewMetrics {
    pub fn parse(text: &str) -> Self {
        let mut m = Self::default();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Ok(value) = value.trim().parse::<f64>() else {
                continue;
            };
            let (name, labels) = match series.split_once('{') {
                Some((name, rest)) => (name, rest.trim_end_matches('}')),
                None => (series, ""),
            };
            match name {
                "Verdicts" => {
                    let verdict = label(labels, "Verdict").unwrap_or("?").to_owned();
                    *m.verdicts.entry(verdict).or_default() += value;
                }
                "ReviewErrors" => m.review_errors += value,
                "ReviewDuration" => {
                    if let Some(q) = label(labels, "quantile") {
                        m.duration_quantiles.insert(q.to_owned(), value);
                    }
                }
                "ReviewDuration_sum" => m.duration_sum_ms = value,
                "ReviewDuration_count" => m.duration_count = value,
                _ => {}
            }
        }
        m
    }

    /// Reviews counted (every verdict).
    pub fn reviews(&self) -> f64 {
        self.verdicts.values().sum()
    }

    pub fn verdict(&self, name: &str) -> f64 {
        self.verdicts.get(name).copied().unwrap_or(0.0)
    }

    pub fn quantile(&self, q: &str) -> Option<f64> {
        self.duration_quantiles.get(q).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"# TYPE Verdicts counter
Verdicts{Verdict="ALLOW",Rule="NONE"} 4790
Verdicts{Verdict="DENY",Rule="PROFANITY"} 300
Verdicts{Verdict="DENY",Rule="LINK_NOT_ALLOWED"} 240
Verdicts{Verdict="HELD",Rule="HELD"} 310

# TYPE ReviewDuration summary
ReviewDuration{quantile="0"} 0.08
ReviewDuration{quantile="0.5"} 0.41
ReviewDuration{quantile="0.99"} 2.1
ReviewDuration{quantile="1"} 9.7
ReviewDuration_sum 2630.5
ReviewDuration_count 5640
# TYPE TokensIssued counter
TokensIssued 2000
"#;

    #[test]
    fn verdicts_and_review_duration_are_read() {
        let m = ReviewMetrics::parse(SAMPLE);
        assert_eq!(m.verdict("ALLOW"), 4790.0);
        assert_eq!(m.verdict("DENY"), 540.0);
        assert_eq!(m.verdict("MASKED"), 0.0);
        assert_eq!(m.reviews(), 5640.0);
        assert_eq!(m.quantile("0.5"), Some(0.41));
        assert_eq!(m.quantile("0.99"), Some(2.1));
        assert_eq!(m.duration_count, 5640.0);
        assert_eq!(m.review_errors, 0.0);
    }

    #[test]
    fn nothing_yet_is_empty() {
        let m = ReviewMetrics::parse("# TYPE TokensIssued counter\nTokensIssued 1\n");
        assert_eq!(m.reviews(), 0.0);
        assert_eq!(m.quantile("0.99"), None);
    }
}
