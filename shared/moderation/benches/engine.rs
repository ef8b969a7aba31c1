//! The moderation engine's cost per message: 500-code-point messages, a policy with 1,000
//! blocked terms, profanity on, links on an allowlist, spam rules on — one core.
//! Also: the first message after start-up (after `warm_up`, as `main` does) against warm ones.
//!
//! Run: `cargo bench -p chat-moderation --bench engine`.
//!
//! On a busy machine, count instructions instead of time: `ENGINE_BENCH_COUNT=<policy>:<n>`
//! reviews n messages with one policy (`skeleton`, `baseline` — every rule off —,
//! `hostility`, `full`) and exits, for `valgrind --tool=callgrind` (run it with n and with 0;
//! the difference over n is the cost of one message, whatever else the machine does).

use std::time::{Duration, Instant};

use chat_core::domain::policy::ModerationPolicy;
use chat_moderation::{CompiledPolicy, review, warm_up};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// A 500-code-point chat message, varied by `seed`.
fn message(seed: usize) -> String {
    const WORDS: &[&str] = &[
        "the",
        "stream",
        "was",
        "great",
        "today",
        "and",
        "I",
        "loved",
        "that",
        "boss",
        "fight",
        "clutch",
        "play",
        "chat",
        "moving",
        "fast",
        "héllo",
        "everyone",
        "what",
        "a",
        "comeback",
        "see",
        "clips.example.com",
        "gg",
        "wp",
        "spoilers",
        "ahead",
        "lol",
        "F U C K",
        "sh1t",
        "ｆｕｎ",
        "nice",
    ];
    let mut out = String::new();
    // A 64-bit LCG (Knuth's MMIX constants): varied words, the same every run.
    let mut state = seed as u64 ^ 0x9E37_79B9_7F4A_7C15;
    while out.chars().count() < 500 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        out.push_str(WORDS[(state >> 33) as usize % WORDS.len()]);
        out.push(' ');
    }
    out.chars().take(500).collect()
}

/// The policies the figures compare, by name.
fn named_policy(name: &str) -> ModerationPolicy {
    let terms: Vec<String> = (0..1000).map(|i| format!("blockedterm{i}")).collect();
    let off = serde_json::json!({"profanity": "off", "hostility": "off", "discrimination": "off"});
    let value = match name {
        "baseline" => off,
        "hostility" => serde_json::json!({"profanity": "off"}),
        // The full room with a moderator's queue: the borderline tier held, the learned model run.
        "queue" => serde_json::json!({
            "blockedTerms": terms,
            "profanity": "moderate",
            "links": {"mode": "allowlist", "domains": ["example.com"]},
            "actions": {"profanity": "mask", "blockedTerms": "deny", "links": "mask", "borderline": "hold"}
        }),
        _ => serde_json::json!({
            "blockedTerms": terms,
            "profanity": "moderate",
            "links": {"mode": "allowlist", "domains": ["example.com"]},
            "actions": {"profanity": "mask", "blockedTerms": "deny", "links": "mask"}
        }),
    };
    serde_json::from_value(value).unwrap()
}

/// `ENGINE_BENCH_COUNT=<policy>:<n>`: n reviews, nothing printed (see the module's comment).
fn count_only(spec: &str) {
    let (name, n) = spec.split_once(':').unwrap_or((spec, "640"));
    let n: usize = n.parse().unwrap_or(640);
    warm_up();
    let compiled = CompiledPolicy::new(named_policy(name));
    let messages: Vec<String> = (0..64).map(message).collect();
    for i in 0..n {
        if name == "skeleton" {
            std::hint::black_box(chat_moderation::text::Skeleton::of(&messages[i % 64]));
        } else {
            std::hint::black_box(review(&compiled, &messages[i % 64]));
        }
    }
}

fn main() {
    if let Ok(spec) = std::env::var("ENGINE_BENCH_COUNT") {
        count_only(&spec);
        return;
    }
    let started = Instant::now();
    warm_up();
    let warm_up_time = started.elapsed();
    let policy = named_policy("full");
    let compile_start = Instant::now();
    let compiled = CompiledPolicy::new(policy);
    let compile_time = compile_start.elapsed();

    let messages: Vec<String> = (0..64).map(message).collect();
    let first_start = Instant::now();
    let _ = review(&compiled, &messages[0]);
    let first = first_start.elapsed();

    // Where the time goes: each rule alone over the same messages.
    {
        use chat_moderation::text::Skeleton;
        let time = |name: &str, f: &dyn Fn(&str)| {
            let t = Instant::now();
            for i in 0..5000 {
                f(&messages[i % 64]);
            }
            println!("{name}: {:?}/msg", t.elapsed() / 5000);
        };
        time("skeleton", &|m| {
            std::hint::black_box(Skeleton::of(m));
        });
        let off = |v: serde_json::Value| CompiledPolicy::new(serde_json::from_value(v).unwrap());
        let p1 = CompiledPolicy::new(named_policy("baseline"));
        time("every rule off (spam only)", &|m| {
            std::hint::black_box(review(&p1, m));
        });
        let p5 = CompiledPolicy::new(named_policy("hostility"));
        time("hostility and discrimination only", &|m| {
            std::hint::black_box(review(&p5, m));
        });
        let p2 = off(
            serde_json::json!({"profanity": "moderate", "hostility": "off", "discrimination": "off"}),
        );
        time("profanity only", &|m| {
            std::hint::black_box(review(&p2, m));
        });
        let p3 = off(
            serde_json::json!({"profanity": "off", "hostility": "off", "discrimination": "off", "links": {"mode": "allowlist", "domains": ["example.com"]}}),
        );
        time("links only", &|m| {
            std::hint::black_box(review(&p3, m));
        });
        let terms: Vec<String> = (0..1000).map(|i| format!("blockedterm{i}")).collect();
        let p4 = off(
            serde_json::json!({"profanity": "off", "hostility": "off", "discrimination": "off", "blockedTerms": terms}),
        );
        time("terms only", &|m| {
            std::hint::black_box(review(&p4, m));
        });
    }
    let latencies = latencies_of(&compiled, &messages);
    let total: Duration = latencies.iter().sum();
    println!(
        "== moderation engine (500-code-point messages, 1,000 blocked terms, profanity, hostility and discrimination on, one core) =="
    );
    println!(
        "warm_up (tables built in main): {warm_up_time:?}; compiling the 1,000-term policy: {compile_time:?}"
    );
    println!(
        "per message: p50 {:?} p99 {:?} max {:?}; {:.0} messages/s; first message after start-up {first:?}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1],
        latencies.len() as f64 / total.as_secs_f64()
    );
    let queue = latencies_of(&CompiledPolicy::new(named_policy("queue")), &messages);
    println!(
        "the same room with a moderator's queue (borderline held, the learned model run): p50 {:?} p99 {:?}",
        percentile(&queue, 0.5),
        percentile(&queue, 0.99)
    );
}

/// Each review's time, 20,000 reviews over the messages in turn, sorted.
fn latencies_of(compiled: &CompiledPolicy, messages: &[String]) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(20_000);
    for i in 0..20_000 {
        let m = &messages[i % messages.len()];
        let t = Instant::now();
        std::hint::black_box(review(compiled, std::hint::black_box(m)));
        latencies.push(t.elapsed());
    }
    latencies.sort();
    latencies
}
