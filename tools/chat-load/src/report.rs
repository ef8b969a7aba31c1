//! The figures of a run: a summary table on stdout, JSON (`--json`) and the per-second CSV
//! (`--timeline`).

use serde_json::{Value, json};

use crate::args::Args;
use crate::client::EVENTS;
use crate::run::{ACTS, Figures};
use crate::server::Sample;
use crate::stats::{Percentiles, ms_text, round3};

/// Figures derived from the raw ones, shared by the table and the JSON.
pub struct Derived {
    pub reviewed: u64,
    pub reviewed_from_metrics: bool,
    pub reviewed_per_sec: f64,
    pub deliveries_per_sec: f64,
    pub review_p50_ms: Option<f64>,
    pub review_p99_ms: Option<f64>,
    pub review_mean_ms: Option<f64>,
    pub server_cpu_secs: Option<f64>,
    pub cpu_us_per_delivery: Option<f64>,
    pub cpu_us_per_review: Option<f64>,
    pub pass: bool,
}

pub fn derive(f: &Figures, args: &Args) -> Derived {
    let metrics = f.review_before.as_ref().zip(f.review_after.as_ref());
    let (reviewed, reviewed_from_metrics) = match metrics {
        Some((before, after)) => ((after.reviews() - before.reviews()).max(0.0) as u64, true),
        None => (f.allowed + f.refused + f.held, false),
    };
    let review_mean_ms = metrics.and_then(|(b, a)| {
        let n = a.duration_count - b.duration_count;
        (n > 0.0).then(|| (a.duration_sum_ms - b.duration_sum_ms) / n)
    });
    let after = f.review_after.as_ref();
    let server_cpu_secs = match (f.readings.ready, f.readings.end) {
        (Some(a), Some(b)) => Some(b.cpu_secs - a.cpu_secs),
        _ => None,
    };
    let per = |total: Option<f64>, n: u64| total.filter(|_| n > 0).map(|t| t * 1e6 / n as f64);
    let fallbacks_ok = !args.fail_on_fallback || f.fallbacks.unwrap_or(0) == 0;
    Derived {
        reviewed,
        reviewed_from_metrics,
        reviewed_per_sec: reviewed as f64 / args.duration,
        deliveries_per_sec: f.delivered as f64 / args.duration,
        review_p50_ms: after.and_then(|m| m.quantile("0.5")),
        review_p99_ms: after.and_then(|m| m.quantile("0.99")),
        review_mean_ms,
        server_cpu_secs,
        cpu_us_per_delivery: per(server_cpu_secs, f.delivered),
        cpu_us_per_review: per(server_cpu_secs, reviewed),
        pass: f.lost == 0 && f.unanswered == 0 && f.late.failed == 0 && fallbacks_ok,
    }
}

fn sample_json(s: Option<Sample>) -> Value {
    match s {
        Some(s) => {
            json!({"rssMib": round3(s.rss_mib()), "openFiles": s.open_files, "cpuSecs": round3(s.cpu_secs)})
        }
        None => Value::Null,
    }
}

pub fn json(f: &Figures, d: &Derived, args: &Args) -> Value {
    let by_kind: serde_json::Map<String, Value> = f
        .by_kind
        .iter()
        .filter(|(_, n)| n.iter().sum::<u64>() > 0)
        .map(|(k, n)| {
            (
                k.name().to_owned(),
                json!({"allowed": n[0], "refused": n[1], "held": n[2], "refusedByIvs": n[3], "unanswered": n[4]}),
            )
        })
        .collect();
    let reasons: serde_json::Map<String, Value> = f
        .reasons
        .iter()
        .map(|(r, n)| ((*r).to_owned(), json!(n)))
        .collect();
    let events: serde_json::Map<String, Value> = EVENTS
        .iter()
        .zip(f.events)
        .map(|(e, n)| ((*e).to_owned(), json!(n)))
        .collect();
    let acts: serde_json::Map<String, Value> = ACTS
        .iter()
        .zip(&f.moderation.acts)
        .map(|(a, s)| {
            (
                a.name().to_owned(),
                json!({"ok": s.ok, "failed": s.failed, "skipped": s.skipped,
                       "latency": Percentiles::json(Percentiles::of(&s.latency))}),
            )
        })
        .collect();
    let verdicts = match (&f.review_before, &f.review_after) {
        (Some(b), Some(a)) => a
            .verdicts
            .iter()
            .map(|(k, v)| (k.clone(), json!((v - b.verdict(k)).max(0.0) as u64)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        _ => Value::Null,
    };
    let r = &f.readings;
    json!({
        "config": {
            "rooms": args.rooms, "clientsPerRoom": args.clients, "ratePerRoom": args.rate,
            "durationSecs": args.duration, "mix": args.mix.to_string(), "late": args.late,
            "moderateEverySecs": args.moderate_every, "seed": args.seed, "server": f.server,
        },
        "setupSecs": round3(f.setup_secs),
        "loadSecs": round3(f.load_secs),
        "messages": {
            "sent": f.sent, "skipped": f.skipped, "reviewed": d.reviewed,
            "reviewedFrom": if d.reviewed_from_metrics { "chat-local /metrics Verdicts" } else { "answers to the senders" },
            "allowed": f.allowed, "refused": f.refused, "held": f.held,
            "refusedByIvs": f.ivs_refused, "unanswered": f.unanswered, "cutByBan": f.cut_by_ban,
            "deliveredThoughRefusable": f.delivered_unexpectedly,
            "byKind": by_kind, "reasons": reasons,
        },
        "reviewedPerSec": round3(d.reviewed_per_sec),
        "fallbacks": f.fallbacks,
        "deliveries": {
            "expected": f.expected, "delivered": f.delivered, "lost": f.lost,
            "extra": f.extra, "duplicates": f.duplicates, "perSec": round3(d.deliveries_per_sec),
            "lostSamples": f.lost_samples,
        },
        "droppedConnections": f.dropped_connections,
        "strayErrors": f.stray_errors,
        "latency": {
            "endToEnd": Percentiles::json(f.end_to_end),
            "senderAccepted": Percentiles::json(f.accepted),
            "senderRefusedOrHeld": Percentiles::json(f.refused_latency),
        },
        "review": {
            "source": "chat-local /metrics ReviewDuration (summary over about the last minute)",
            "p50Ms": d.review_p50_ms, "p99Ms": d.review_p99_ms,
            "meanMs": d.review_mean_ms.map(round3),
            "verdicts": verdicts,
            "errors": f.review_after.as_ref().map(|m| m.review_errors),
        },
        "moderation": {
            "acts": acts,
            "bansDisconnectedWithin1s": f.moderation.bans_disconnected,
            "bansRefusedANewToken": f.moderation.bans_token_refused,
            "failures": f.moderation.failures,
        },
        "lateJoiners": {
            "joined": f.late.joined, "failed": f.late.failed,
            "join": Percentiles::json(Percentiles::of(&f.late.join)),
            "history": Percentiles::json(Percentiles::of(&f.late.history)),
            "historyMessagesRead": f.late.history_messages,
            "failures": f.late.failures.iter().take(5).collect::<Vec<_>>(),
        },
        "events": events,
        "server": {
            "cpuSecs": d.server_cpu_secs.map(round3),
            "cpuPercentOfOneCore": d.server_cpu_secs.map(|c| round3(c / f.load_secs * 100.0)),
            "cpuMicrosPerDelivery": d.cpu_us_per_delivery.map(round3),
            "cpuMicrosPerReview": d.cpu_us_per_review.map(round3),
            "start": sample_json(r.start), "ready": sample_json(r.ready),
            "end": sample_json(r.end), "after": sample_json(r.after),
            "peakRssMib": (r.peak_rss_kib > 0).then(|| round3(r.peak_rss_kib as f64 / 1024.0)),
            "peakOpenFiles": (r.peak_open_files > 0).then_some(r.peak_open_files),
            "logWarnings": f.server_warnings.as_ref().map(|w| w.0),
            "logErrors": f.server_warnings.as_ref().map(|w| w.1),
            "logSamples": f.server_warnings.as_ref().map(|w| w.2.clone()),
        },
        "loadToolCpuSecs": f.own_cpu_secs.map(round3),
        "machineLoadAverage": {"start": f.load_average.0, "end": f.load_average.1},
        "pass": d.pass,
    })
}

fn opt_ms(v: Option<f64>) -> String {
    v.map(|v| format!("{} ms", ms_text(v)))
        .unwrap_or_else(|| "-".to_owned())
}

fn mib(s: Option<Sample>) -> String {
    s.map(|s| format!("{:.0}", s.rss_mib()))
        .unwrap_or_else(|| "-".to_owned())
}

fn files(s: Option<Sample>) -> String {
    s.map(|s| s.open_files.to_string())
        .unwrap_or_else(|| "-".to_owned())
}

/// The summary table.
pub fn table(f: &Figures, d: &Derived, args: &Args) -> String {
    let mut out = String::new();
    let mut row = |name: &str, value: String| {
        out.push_str(&format!("  {name:<26} {value}\n"));
    };
    row(
        "load",
        format!(
            "{} rooms × {} clients × {} msg/s for {} s, mix {}",
            args.rooms, args.clients, args.rate, args.duration, args.mix
        ),
    );
    row("server", f.server.clone());
    row(
        "messages sent",
        format!(
            "{} ({:.1}/s){}",
            f.sent,
            f.sent as f64 / args.duration,
            if f.skipped > 0 {
                format!(", {} turns skipped (nobody to send)", f.skipped)
            } else {
                String::new()
            }
        ),
    );
    row(
        "reviewed",
        format!(
            "{} ({:.1}/s, {})",
            d.reviewed,
            d.reviewed_per_sec,
            if d.reviewed_from_metrics {
                "chat-local's Verdicts"
            } else {
                "answers to the senders"
            }
        ),
    );
    row(
        "allowed / refused / held",
        format!(
            "{} / {} / {}{}",
            f.allowed,
            f.refused,
            f.held,
            if f.ivs_refused > 0 {
                format!(", {} refused by IVS itself", f.ivs_refused)
            } else {
                String::new()
            }
        ),
    );
    let kinds: Vec<String> = f
        .by_kind
        .iter()
        .filter(|(_, n)| n.iter().sum::<u64>() > 0)
        .map(|(k, n)| {
            let main = match k.expected() {
                crate::mix::Expected::Allowed => format!("{} allowed", n[0]),
                crate::mix::Expected::Refused => format!("{} refused", n[1]),
                crate::mix::Expected::Held => format!("{} held", n[2]),
            };
            format!("{k} {main} of {}", n.iter().sum::<u64>())
        })
        .collect();
    row("by kind", kinds.join(", "));
    if !f.reasons.is_empty() {
        let reasons: Vec<String> = f.reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
        row("refusals", reasons.join(", "));
    }
    row(
        "fallbacks",
        match f.fallbacks {
            Some(n) => {
                format!("{n} (the emulator's \"applying the fallback\" in chat-local's log)")
            }
            None => "not observable with --url (the emulator only logs them)".to_owned(),
        },
    );
    if f.delivered_unexpectedly > 0 {
        row(
            "delivered though refusable",
            format!(
                "{} (a fallback, or a rule that let it through)",
                f.delivered_unexpectedly
            ),
        );
    }
    row(
        "unanswered",
        format!(
            "{}{}",
            f.unanswered,
            if f.cut_by_ban > 0 {
                format!(" (+{} cut off by their sender's ban)", f.cut_by_ban)
            } else {
                String::new()
            }
        ),
    );
    row(
        "deliveries",
        format!(
            "{} of {} expected, lost {} ({:.0}/s){}{}",
            f.delivered,
            f.expected,
            f.lost,
            d.deliveries_per_sec,
            if f.extra > 0 {
                format!(", {} more to sockets that joined meanwhile", f.extra)
            } else {
                String::new()
            },
            if f.duplicates > 0 {
                format!(", {} DUPLICATES", f.duplicates)
            } else {
                String::new()
            }
        ),
    );
    for sample in &f.lost_samples {
        row("  lost", sample.clone());
    }
    if f.dropped_connections > 0 {
        row(
            "connections dropped",
            format!("{} closed by the server unasked", f.dropped_connections),
        );
    }
    row("end-to-end latency", Percentiles::text(f.end_to_end));
    row("sender: own copy back", Percentiles::text(f.accepted));
    row(
        "sender: refusal/held back",
        Percentiles::text(f.refused_latency),
    );
    row(
        "review (message-review)",
        format!(
            "p50 {} / p99 {} / mean {} (chat-local's ReviewDuration)",
            opt_ms(d.review_p50_ms),
            opt_ms(d.review_p99_ms),
            opt_ms(d.review_mean_ms)
        ),
    );
    let acts: Vec<String> = ACTS
        .iter()
        .zip(&f.moderation.acts)
        .map(|(a, s)| {
            let p = Percentiles::of(&s.latency)
                .map(|p| format!(" (p50 {} ms)", ms_text(p.p50_ms)))
                .unwrap_or_default();
            let failed = if s.failed > 0 {
                format!(", {} FAILED", s.failed)
            } else {
                String::new()
            };
            format!("{} {}{failed}{p}", s.ok, a.name())
        })
        .collect();
    row(
        "moderation",
        format!(
            "{}; banned users: {} cut off within 1 s, {} refused a new token",
            acts.join(", "),
            f.moderation.bans_disconnected,
            f.moderation.bans_token_refused
        ),
    );
    for failure in &f.moderation.failures {
        row("  moderation failed", failure.clone());
    }
    row(
        "late joiners",
        format!(
            "{} joined{}; token + handshake {}; history read {}, {:.1} messages each",
            f.late.joined,
            if f.late.failed > 0 {
                format!(", {} FAILED", f.late.failed)
            } else {
                String::new()
            },
            Percentiles::text(Percentiles::of(&f.late.join)),
            Percentiles::text(Percentiles::of(&f.late.history)),
            f.late.history_messages as f64 / f.late.joined.max(1) as f64
        ),
    );
    for failure in f.late.failures.iter().take(3) {
        row("  late joiner failed", failure.clone());
    }
    let events: Vec<String> = EVENTS
        .iter()
        .zip(f.events)
        .filter(|(_, n)| *n > 0)
        .map(|(e, n)| format!("{e} {n}"))
        .collect();
    row("events received", events.join(", "));
    row(
        "server CPU",
        match d.server_cpu_secs {
            Some(cpu) => format!(
                "{cpu:.1} s ({:.0}% of a core); {} µs per delivery, {} µs per review",
                cpu / f.load_secs * 100.0,
                d.cpu_us_per_delivery
                    .map(|v| format!("{v:.1}"))
                    .unwrap_or_else(|| "-".into()),
                d.cpu_us_per_review
                    .map(|v| format!("{v:.0}"))
                    .unwrap_or_else(|| "-".into()),
            ),
            None => "- (no process to read: --pid)".to_owned(),
        },
    );
    let r = &f.readings;
    row(
        "server RSS (MiB)",
        format!(
            "start {} / ready {} / peak {:.0} / end {} / after {}",
            mib(r.start),
            mib(r.ready),
            r.peak_rss_kib as f64 / 1024.0,
            mib(r.end),
            mib(r.after)
        ),
    );
    row(
        "server open files",
        format!(
            "start {} / ready {} / peak {} / end {} / after {}",
            files(r.start),
            files(r.ready),
            r.peak_open_files,
            files(r.end),
            files(r.after)
        ),
    );
    if let Some((warnings, errors, samples)) = &f.server_warnings {
        row(
            "server log",
            format!("{warnings} warnings, {errors} errors"),
        );
        for s in samples {
            row("  ", s.clone());
        }
    }
    row(
        "load tool CPU",
        f.own_cpu_secs
            .map(|c| format!("{c:.1} s ({:.0}% of a core)", c / f.load_secs * 100.0))
            .unwrap_or_else(|| "-".into()),
    );
    row(
        "machine load average",
        format!(
            "{} at the start, {} at the end (1 min, {} cores)",
            f.load_average
                .0
                .map(|l| format!("{l:.2}"))
                .unwrap_or_else(|| "-".into()),
            f.load_average
                .1
                .map(|l| format!("{l:.2}"))
                .unwrap_or_else(|| "-".into()),
            std::thread::available_parallelism().map_or(0, |n| n.get())
        ),
    );
    row(
        "result",
        if d.pass {
            "PASS".to_owned()
        } else {
            format!(
                "FAIL (lost {}, unanswered {}, late joiners failed {}{})",
                f.lost,
                f.unanswered,
                f.late.failed,
                if args.fail_on_fallback {
                    format!(", fallbacks {}", f.fallbacks.unwrap_or(0))
                } else {
                    String::new()
                }
            )
        },
    );
    out
}
