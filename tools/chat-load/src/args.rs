//! The command line: the shape of the load (rooms × clients × rate × duration), what the
//! messages are made of, what the moderators and late joiners do, and where the figures go.

use std::path::PathBuf;

use clap::Parser;

use crate::mix::Mix;

#[derive(Parser, Clone, Debug)]
#[command(
    name = "chat-load",
    version,
    about = "Load for the whole chat: N rooms × M clients × R reviewed messages/s through chat-local",
    long_about = "Load for the whole chat: N rooms × M clients each × R messages/s per room, \
through chat-local (every message reviewed by message-review, recorded in the embedded store, \
delivered to every socket), with a moderator deleting, approving and banning in each room and \
clients joining late and reading history. Reports messages sent, reviewed, allowed, refused, \
held, fallbacks, deliveries against expected (lost must be 0), end-to-end and review latency, \
and the server's CPU per delivery, memory and open files. Exit 1 if anything was lost, a \
message went unanswered or the run failed."
)]
pub struct Args {
    /// Rooms.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub rooms: u32,
    /// Clients per room (each a signed-in viewer with its own chat token and WebSocket),
    /// late joiners included.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub clients: u32,
    /// Messages per second per room, sent by its clients in turn (IVS's room limit: 100).
    #[arg(long, default_value_t = 2.0, value_parser = rate)]
    pub rate: f64,
    /// Seconds of sending.
    #[arg(long, default_value_t = 10.0, value_parser = seconds)]
    pub duration: f64,
    /// Share of each kind of message, e.g. `clean=80,profane=5,borderline=4,link=4,spam=5,hostile=2`
    /// (kinds left out send nothing; the shares are weights, they need not add up to 100).
    #[arg(long, default_value = crate::mix::DEFAULT_MIX)]
    pub mix: Mix,
    /// Share of each room's clients that join during the run (at a random moment in its first
    /// four fifths) and read the room's history first.
    #[arg(long, default_value_t = 0.1, value_parser = share)]
    pub late: f64,
    /// Seconds between two acts of each room's moderator (delete a message, approve a held
    /// one, delete, ban a viewer, in turn); 0: no moderator.
    #[arg(long, default_value_t = 5.0, value_parser = non_negative)]
    pub moderate_every: f64,
    /// Seconds to wait after the last send for deliveries still on their way.
    #[arg(long, default_value_t = 5.0, value_parser = non_negative)]
    pub drain: f64,
    /// An already-running chat-local's App API (e.g. `http://127.0.0.1:3000`) instead of
    /// starting one.
    #[arg(long)]
    pub url: Option<String>,
    /// With `--url`: the chat-local process to read CPU, memory and open files of.
    #[arg(long, requires = "url")]
    pub pid: Option<u32>,
    /// The chat-local binary to start (default: `chat-local` beside this binary, i.e.
    /// `target/<profile>/chat-local`).
    #[arg(long, conflicts_with = "url")]
    pub server: Option<PathBuf>,
    /// Run the started chat-local on this DynamoDB table (its `--table-name`; created if
    /// missing) instead of the embedded store. The endpoint and credentials come from the AWS
    /// environment, e.g. `AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:5000` for moto's server.
    #[arg(long, conflicts_with = "url")]
    pub table_name: Option<String>,
    /// Write the figures as JSON here.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Write one CSV line per second here (sends, deliveries, latency p50/p99/max, server CPU
    /// and memory), for `scripts/plot-timeline.py`.
    #[arg(long)]
    pub timeline: Option<PathBuf>,
    /// Seed of the message mix, the senders' turns and the late joiners' moments.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also exit 1 when IVS delivered a message unreviewed (a review fallback).
    #[arg(long)]
    pub fail_on_fallback: bool,
    /// Connections opened (and chat tokens asked for) at once while setting up.
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub setup_concurrency: u32,
}

impl Args {
    /// Messages each room sends over the run.
    pub fn messages_per_room(&self) -> u32 {
        (self.rate * self.duration).round() as u32
    }

    /// How many of a room's clients join late (never all of them: someone is there at the start).
    pub fn late_per_room(&self) -> u32 {
        let late = (f64::from(self.clients) * self.late).round() as u32;
        late.min(self.clients.saturating_sub(1))
    }
}

fn parse_f64(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("{s:?} is not a number"))?;
    if v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{s:?} is not a finite number"))
    }
}

fn non_negative(s: &str) -> Result<f64, String> {
    let v = parse_f64(s)?;
    if v >= 0.0 {
        Ok(v)
    } else {
        Err("must be 0 or more".to_owned())
    }
}

fn seconds(s: &str) -> Result<f64, String> {
    let v = parse_f64(s)?;
    if v > 0.0 && v <= 86_400.0 {
        Ok(v)
    } else {
        Err("must be more than 0 and at most a day".to_owned())
    }
}

fn rate(s: &str) -> Result<f64, String> {
    let v = parse_f64(s)?;
    if v > 0.0 && v <= 100.0 {
        Ok(v)
    } else {
        Err("must be more than 0 and at most 100 (IVS's limit per room)".to_owned())
    }
}

fn share(s: &str) -> Result<f64, String> {
    let v = parse_f64(s)?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err("must be between 0 and 1".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mix::Kind;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("chat-load").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_make_a_small_run() {
        let a = parse(&[]).unwrap();
        assert_eq!((a.rooms, a.clients), (2, 5));
        assert_eq!(a.messages_per_room(), 20);
        assert_eq!(a.late_per_room(), 1);
        assert!(a.url.is_none() && a.server.is_none());
        assert!(a.mix.weight(Kind::Clean) > 0);
    }

    #[test]
    fn the_goal_run_parses() {
        let a = parse(&[
            "--rooms",
            "20",
            "--clients",
            "100",
            "--rate",
            "5",
            "--duration",
            "60",
            "--json",
            "out.json",
            "--timeline",
            "t.csv",
        ])
        .unwrap();
        assert_eq!(a.messages_per_room(), 300);
        assert_eq!(a.late_per_room(), 10);
        assert_eq!(a.json.unwrap(), PathBuf::from("out.json"));
    }

    #[test]
    fn bad_values_are_refused() {
        for bad in [
            &["--rate", "0"][..],
            &["--rate", "101"],
            &["--rate", "NaN"],
            &["--duration", "0"],
            &["--late", "1.5"],
            &["--rooms", "0"],
            &["--moderate-every", "-1"],
            &["--mix", "clean=80,shouting=5"],
            &["--pid", "12"],
            &["--url", "http://x", "--server", "y"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} parses");
        }
    }

    #[test]
    fn late_joiners_leave_someone_in_the_room() {
        let a = parse(&["--clients", "1", "--late", "1"]).unwrap();
        assert_eq!(a.late_per_room(), 0);
        let a = parse(&["--clients", "4", "--late", "1"]).unwrap();
        assert_eq!(a.late_per_room(), 3);
    }
}
