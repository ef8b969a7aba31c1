//! `chat-load`: N rooms × M clients × R messages/s through chat-local, every message reviewed,
//! with moderators and late joiners; a summary table, `--json` and `--timeline` CSV. Exit 1 if
//! a message was lost or went unanswered, or the run failed.
//!
//! Run: `cargo run -p chat-load --release -- --rooms 20 --clients 100 --rate 5 --duration 60`

mod api;
mod args;
mod client;
mod metrics;
mod mix;
mod recorder;
mod report;
mod run;
mod server;
mod stats;

use clap::Parser;

fn main() {
    let args = args::Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let figures = match runtime.block_on(run::run(&args)) {
        Ok(figures) => figures,
        Err(e) => {
            eprintln!("chat-load: the run failed: {e}");
            std::process::exit(1);
        }
    };
    let derived = report::derive(&figures, &args);
    println!("\nchat-load\n{}", report::table(&figures, &derived, &args));
    let write = |path: &std::path::Path, text: String| {
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("chat-load: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
    };
    if let Some(path) = &args.json {
        let json = report::json(&figures, &derived, &args);
        write(
            path,
            serde_json::to_string_pretty(&json).expect("JSON") + "\n",
        );
    }
    if let Some(path) = &args.timeline {
        write(path, figures.timeline.csv());
    }
    // The runtime's tasks (clients' sockets) are done; do not wait for idle pool connections.
    runtime.shutdown_background();
    if !derived.pass {
        std::process::exit(1);
    }
}
