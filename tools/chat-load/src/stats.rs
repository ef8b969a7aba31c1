//! Latency histograms (microseconds, HdrHistogram), their percentiles, and the per-second
//! timeline the CSV is made of.

use hdrhistogram::Histogram;

/// The longest latency a histogram holds: a minute, in microseconds (longer ones are clamped).
const MAX_MICROS: u64 = 60_000_000;

/// A histogram of latencies in microseconds, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_MICROS, 3).expect("valid bounds")
}

/// Records one latency (clamped to the histogram's range).
pub fn record(h: &mut Histogram<u64>, micros: u64) {
    h.saturating_record(micros.clamp(1, MAX_MICROS));
}

/// p50, p99 and max of a histogram, in milliseconds (none when it is empty).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Percentiles {
    pub count: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Percentiles {
    pub fn of(h: &Histogram<u64>) -> Option<Self> {
        if h.is_empty() {
            return None;
        }
        let ms = |v: u64| v as f64 / 1000.0;
        Some(Self {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.50)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            max_ms: ms(h.max()),
        })
    }

    pub fn json(p: Option<Self>) -> serde_json::Value {
        match p {
            Some(p) => serde_json::json!({
                "count": p.count, "p50Ms": round3(p.p50_ms), "p99Ms": round3(p.p99_ms), "maxMs": round3(p.max_ms)
            }),
            None => serde_json::Value::Null,
        }
    }

    /// `p50 1.2 / p99 8.4 / max 30.1 ms`, or `-`.
    pub fn text(p: Option<Self>) -> String {
        match p {
            Some(p) => format!(
                "p50 {} / p99 {} / max {} ms",
                ms_text(p.p50_ms),
                ms_text(p.p99_ms),
                ms_text(p.max_ms)
            ),
            None => "-".to_owned(),
        }
    }
}

pub fn round3(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Milliseconds with the precision that matters: `0.42`, `8.4`, `143`.
pub fn ms_text(ms: f64) -> String {
    if ms < 1.0 {
        format!("{ms:.2}")
    } else if ms < 100.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

/// One second of the run.
#[derive(Clone, Debug)]
pub struct Second {
    pub sent: u64,
    pub answered: u64,
    pub deliveries: u64,
    pub latency: Histogram<u64>,
    /// The server's CPU in this second, in percent of one core (none without a process).
    pub server_cpu_percent: Option<f64>,
    pub server_rss_mib: Option<f64>,
}

impl Second {
    fn new() -> Self {
        Self {
            sent: 0,
            answered: 0,
            deliveries: 0,
            // Two significant digits are plenty for one second's p50/p99 and keep it small.
            latency: Histogram::new_with_bounds(1, MAX_MICROS, 2).expect("valid bounds"),
            server_cpu_percent: None,
            server_rss_mib: None,
        }
    }
}

/// The run second by second, from the first send.
#[derive(Debug, Default)]
pub struct Timeline {
    pub seconds: Vec<Second>,
}

impl Timeline {
    pub fn at(&mut self, second: usize) -> &mut Second {
        while self.seconds.len() <= second {
            self.seconds.push(Second::new());
        }
        &mut self.seconds[second]
    }

    pub const CSV_HEADER: &'static str =
        "second,sent,answered,deliveries,p50_ms,p99_ms,max_ms,server_cpu_percent,server_rss_mib";

    /// The CSV the plot script reads: one line per second (empty cells where nothing was seen).
    pub fn csv(&self) -> String {
        let mut out = String::from(Self::CSV_HEADER);
        out.push('\n');
        let opt = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
        for (i, s) in self.seconds.iter().enumerate() {
            let p = Percentiles::of(&s.latency);
            out.push_str(&format!(
                "{i},{},{},{},{},{},{},{},{}\n",
                s.sent,
                s.answered,
                s.deliveries,
                p.map(|p| format!("{:.3}", p.p50_ms)).unwrap_or_default(),
                p.map(|p| format!("{:.3}", p.p99_ms)).unwrap_or_default(),
                p.map(|p| format!("{:.3}", p.max_ms)).unwrap_or_default(),
                opt(s.server_cpu_percent),
                opt(s.server_rss_mib),
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_spread() {
        let mut h = histogram();
        for ms in 1..=100u64 {
            record(&mut h, ms * 1000);
        }
        let p = Percentiles::of(&h).unwrap();
        assert_eq!(p.count, 100);
        assert!((p.p50_ms - 50.0).abs() < 0.1, "{p:?}");
        assert!((p.p99_ms - 99.0).abs() < 0.1, "{p:?}");
        assert!((p.max_ms - 100.0).abs() < 0.1, "{p:?}");
        assert_eq!(
            Percentiles::text(Some(p)),
            "p50 50.0 / p99 99.0 / max 100 ms"
        );
    }

    #[test]
    fn empty_and_out_of_range_latencies() {
        let mut h = histogram();
        assert!(Percentiles::of(&h).is_none());
        assert_eq!(Percentiles::text(None), "-");
        record(&mut h, 0);
        record(&mut h, u64::MAX);
        let p = Percentiles::of(&h).unwrap();
        assert_eq!(p.count, 2);
        assert!(p.max_ms >= 59_000.0 && p.max_ms <= 60_100.0, "{p:?}");
    }

    #[test]
    fn the_timeline_fills_gaps_and_writes_csv() {
        let mut t = Timeline::default();
        t.at(2).deliveries = 10;
        record(&mut t.at(2).latency, 1500);
        t.at(0).sent = 3;
        t.at(0).server_cpu_percent = Some(42.0);
        let csv = t.csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], Timeline::CSV_HEADER);
        assert_eq!(lines[1], "0,3,0,0,,,,42.0,");
        assert_eq!(lines[2], "1,0,0,0,,,,,");
        assert!(lines[3].starts_with("2,0,0,10,1.50"), "{}", lines[3]);
    }

    #[test]
    fn milliseconds_read_well() {
        assert_eq!(ms_text(0.423), "0.42");
        assert_eq!(ms_text(8.44), "8.4");
        assert_eq!(ms_text(143.2), "143");
    }
}
