//! One run: set up (rooms, moderators, signed-in clients on their sockets), load (each room's
//! sender, moderator and late joiners, a sampler of the server each second), drain, and count.
//!
//! Losses are counted exactly, at the end: a message the review let through is expected on
//! every socket of its room that had completed its handshake before the message was sent (the
//! emulator joins a connection to its room before answering the handshake) and was not banned
//! during the run; each client's bitset says which it got.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::stream;
use hdrhistogram::Histogram;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::api::{Api, User};
use crate::args::Args;
use crate::client::{self, ClientResult, ClientState, Command, EVENTS, RoomView, Slot};
use crate::metrics::ReviewMetrics;
use crate::mix::{Kind, Outcome, REASONS};
use crate::recorder::{Clock, Recorded, Recorder};
use crate::server::{Sample, ServerLog, Spawned};
use crate::stats::{self, Percentiles, Timeline};

/// A room of the run.
struct Room {
    index: u32,
    id: String,
    slots: Arc<[Slot]>,
    recent: Arc<Mutex<VecDeque<String>>>,
    clients: Vec<Arc<ClientState>>,
    moderator: User,
}

impl Room {
    fn view(&self) -> RoomView {
        RoomView {
            slots: self.slots.clone(),
            recent: self.recent.clone(),
        }
    }
}

/// A moderator's acts, counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    Delete,
    Approve,
    Ban,
}

pub const ACTS: [Act; 3] = [Act::Delete, Act::Approve, Act::Ban];

impl Act {
    pub fn name(self) -> &'static str {
        match self {
            Act::Delete => "delete",
            Act::Approve => "approve",
            Act::Ban => "ban",
        }
    }
}

/// Each moderator's turn: delete, approve a held message, delete, ban.
const TURNS: [Act; 4] = [Act::Delete, Act::Approve, Act::Delete, Act::Ban];

pub struct ActStats {
    pub ok: u64,
    pub failed: u64,
    /// Nothing to act on (no message to delete yet, an empty held queue, too few to ban).
    pub skipped: u64,
    pub latency: Histogram<u64>,
}

pub struct Moderation {
    pub acts: Vec<ActStats>,
    /// Banned users whose socket had closed a second after the ban's answer.
    pub bans_disconnected: u64,
    /// Banned users refused a new chat token (403).
    pub bans_token_refused: u64,
    pub failures: Vec<String>,
}

pub struct Late {
    pub joined: u64,
    pub failed: u64,
    /// Chat token + handshake.
    pub join: Histogram<u64>,
    /// The room's history read right after joining.
    pub history: Histogram<u64>,
    pub history_messages: u64,
    pub failures: Vec<String>,
}

/// Readings of the server at the run's moments.
#[derive(Default)]
pub struct Readings {
    pub start: Option<Sample>,
    pub ready: Option<Sample>,
    pub end: Option<Sample>,
    pub after: Option<Sample>,
    pub peak_rss_kib: u64,
    pub peak_open_files: u64,
}

/// Everything the report shows.
pub struct Figures {
    pub server: String,
    pub load_secs: f64,
    pub setup_secs: f64,
    pub sent: u64,
    pub skipped: u64,
    pub by_kind: Vec<(Kind, [u64; 5])>,
    pub reasons: Vec<(&'static str, u64)>,
    pub allowed: u64,
    pub refused: u64,
    pub held: u64,
    pub ivs_refused: u64,
    pub unanswered: u64,
    /// Sent by someone banned before the answer came: neither answered nor counted lost.
    pub cut_by_ban: u64,
    /// Refused or held kinds that were delivered (a fallback, or a rule that missed).
    pub delivered_unexpectedly: u64,
    pub expected: u64,
    pub delivered: u64,
    pub lost: u64,
    pub lost_samples: Vec<String>,
    /// Deliveries to sockets that joined after the send (not expected, not counted lost).
    pub extra: u64,
    pub duplicates: u64,
    pub dropped_connections: u64,
    pub stray_errors: u64,
    pub events: [u64; EVENTS.len()],
    pub end_to_end: Option<Percentiles>,
    pub accepted: Option<Percentiles>,
    pub refused_latency: Option<Percentiles>,
    pub review_before: Option<ReviewMetrics>,
    pub review_after: Option<ReviewMetrics>,
    pub fallbacks: Option<u64>,
    pub server_warnings: Option<(u64, u64, Vec<String>)>,
    pub moderation: Moderation,
    pub late: Late,
    pub readings: Readings,
    pub own_cpu_secs: Option<f64>,
    /// The machine's 1-minute load average when the load started and when it ended (other
    /// work on the machine shows here).
    pub load_average: (Option<f64>, Option<f64>),
    pub timeline: Timeline,
}

/// What the loop over the run's seconds needs to print and sample.
struct Sampler {
    pid: Option<u32>,
    clock: Clock,
    recorder: Arc<Recorder>,
    total_secs: f64,
    peak: Arc<Mutex<(u64, u64)>>,
    stop: Arc<AtomicBool>,
}

impl Sampler {
    async fn run(self) {
        let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let mut last = self.pid.and_then(Sample::of);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.tick().await;
        let mut n = 0u64;
        while !self.stop.load(Ordering::Relaxed) {
            tick.tick().await;
            n += 1;
            let now = self.pid.and_then(Sample::of);
            let second = self.clock.second(self.clock.now_us()).saturating_sub(1);
            let cpu = match (last, now) {
                (Some(a), Some(b)) => Some((b.cpu_secs - a.cpu_secs) * 100.0),
                _ => None,
            };
            if let Some(s) = now {
                let mut peak = self.peak.lock().expect("not poisoned");
                peak.0 = peak.0.max(s.rss_kib);
                peak.1 = peak.1.max(s.open_files);
            }
            last = now;
            let line = {
                let mut r = self.recorder.lock();
                let at = r.timeline.at(second);
                at.server_cpu_percent = cpu;
                at.server_rss_mib = now.map(|s| s.rss_mib());
                let p99 = Percentiles::of(&at.latency)
                    .map(|p| format!("{} ms", stats::ms_text(p.p99_ms)))
                    .unwrap_or_else(|| "-".to_owned());
                format!(
                    "[{:>4.0}/{:.0} s] sent {}  answered {}  deliveries {}  last second: p99 {}, server CPU {}, RSS {}, files {}",
                    (second + 1) as f64,
                    self.total_secs,
                    r.sent,
                    r.answered,
                    r.deliveries,
                    p99,
                    cpu.map(|c| format!("{c:.0}%"))
                        .unwrap_or_else(|| "-".into()),
                    now.map(|s| format!("{:.0} MiB", s.rss_mib()))
                        .unwrap_or_else(|| "-".into()),
                    now.map(|s| s.open_files.to_string())
                        .unwrap_or_else(|| "-".into()),
                )
            };
            if tty {
                eprint!("\r{line}\x1b[K");
            } else if n.is_multiple_of(5) {
                eprintln!("{line}");
            }
        }
        if tty {
            eprintln!();
        }
    }
}

fn user_name(tag: &str, what: &str) -> String {
    format!("load{tag}-{what}")
}

type Handles = Arc<Mutex<Vec<(u32, JoinHandle<ClientResult>)>>>;

/// Connects a client: chat token, handshake, and its task; when it is connected.
async fn join(
    api: &Api,
    endpoint: &str,
    room: &Room,
    client: &Arc<ClientState>,
    clock: &Clock,
    recorder: &Arc<Recorder>,
    handles: &Handles,
) -> Result<(), String> {
    let reply = api.token(&client.user, &room.id).await?;
    let token = reply.body["token"]
        .as_str()
        .filter(|_| reply.ok())
        .ok_or_else(|| format!("chat token: {} {}", reply.status, reply.body))?
        .to_owned();
    let ws = client::connect(endpoint, &token).await?;
    let (tx, rx) = mpsc::unbounded_channel();
    *client.commands.lock().expect("not poisoned") = Some(tx);
    client.connected_us.store(clock.now_us(), Ordering::Release);
    let task = tokio::spawn(client::run(
        ws,
        client.clone(),
        room.view(),
        rx,
        clock.clone(),
        recorder.clone(),
    ));
    handles
        .lock()
        .expect("not poisoned")
        .push((room.index, task));
    Ok(())
}

/// Runs `f` over `items`, `limit` at a time; the first error stops the run.
async fn each<T, F, Fut>(items: Vec<T>, limit: usize, f: F) -> Result<(), String>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let mut results = stream::iter(items.into_iter().map(f)).buffer_unordered(limit);
    while let Some(result) = results.next().await {
        result?;
    }
    Ok(())
}

pub async fn run(args: &Args) -> Result<Figures, String> {
    let clock = Clock::new();
    let setup_started = Instant::now();
    let (spawned, api_url, pid) = match &args.url {
        Some(url) => (None, url.clone(), args.pid),
        None => {
            let binary = args
                .server
                .clone()
                .unwrap_or_else(crate::server::default_binary);
            eprintln!("chat-load: starting {}", binary.display());
            let spawned = Spawned::start(&binary, args.table_name.as_deref())?;
            let (url, pid) = (spawned.app_url.clone(), spawned.pid());
            (Some(spawned), url, Some(pid))
        }
    };
    let server = match &spawned {
        Some(_) => format!(
            "{} (started here, {})",
            args.server
                .clone()
                .unwrap_or_else(crate::server::default_binary)
                .display(),
            match &args.table_name {
                Some(table) => format!("DynamoDB table {table}"),
                None => "empty embedded store".to_owned(),
            }
        ),
        None => api_url.clone(),
    };
    let log: Option<Arc<ServerLog>> = spawned.as_ref().map(|s| s.log.clone());
    let api = Api::new(&api_url);
    let endpoint = api.messaging_endpoint().await?;
    let mut readings = Readings {
        start: pid.and_then(Sample::of),
        ..Readings::default()
    };
    let own_start = Sample::of_self();

    // Names unique to this run, so that a chat-local used before (--url) has no bans on them.
    let tag = format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64 & 0xff_ffff)
            .unwrap_or(0)
    );
    let limit = args.setup_concurrency as usize;
    eprintln!(
        "chat-load: setting up {} rooms × {} clients on {api_url} (Messaging {endpoint})",
        args.rooms, args.clients
    );
    let admin = api.sign_in(&user_name(&tag, "admin"), true).await?;
    let per_room = args.messages_per_room() as usize;
    let late = args.late_per_room();
    let mut rooms = Vec::new();
    for r in 0..args.rooms {
        let id = api
            .create_room(&admin, &user_name(&tag, &format!("room{r}")))
            .await?;
        let moderator = api
            .sign_in(&user_name(&tag, &format!("r{r}-mod")), false)
            .await?;
        api.add_moderator(&admin, &id, &moderator.id).await?;
        rooms.push(Room {
            index: r,
            id,
            slots: (0..per_room).map(|_| Slot::default()).collect(),
            recent: Arc::default(),
            clients: Vec::new(),
            moderator,
        });
    }
    // Sign everyone in.
    let names: Vec<(u32, u32)> = (0..args.rooms)
        .flat_map(|r| (0..args.clients).map(move |c| (r, c)))
        .collect();
    let signed: Arc<Mutex<Vec<(u32, u32, User)>>> = Arc::default();
    each(names, limit, |(r, c)| {
        let (api, signed, tag) = (&api, signed.clone(), &tag);
        async move {
            let user = api
                .sign_in(&user_name(tag, &format!("r{r}-c{c}")), false)
                .await?;
            signed.lock().expect("not poisoned").push((r, c, user));
            Ok(())
        }
    })
    .await?;
    let mut signed = std::mem::take(&mut *signed.lock().expect("not poisoned"));
    signed.sort_by_key(|(r, c, _)| (*r, *c));
    for (r, c, user) in signed {
        let is_late = c >= args.clients - late;
        rooms[r as usize]
            .clients
            .push(Arc::new(ClientState::new(c, user, is_late)));
    }
    let rooms: Arc<Vec<Room>> = Arc::new(rooms);
    let recorder = Arc::new(Recorder::new());
    let handles: Handles = Arc::default();
    let on_time: Vec<(usize, usize)> = rooms
        .iter()
        .enumerate()
        .flat_map(|(r, room)| {
            room.clients
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.late)
                .map(move |(c, _)| (r, c))
        })
        .collect();
    each(on_time, limit, |(r, c)| {
        let (api, endpoint, rooms, clock, recorder, handles) =
            (&api, &endpoint, &rooms, &clock, &recorder, &handles);
        async move {
            let room = &rooms[r];
            join(
                api,
                endpoint,
                room,
                &room.clients[c],
                clock,
                recorder,
                handles,
            )
            .await
        }
    })
    .await?;
    let setup_secs = setup_started.elapsed().as_secs_f64();

    // The load.
    let review_before = api.metrics().await.map(|t| ReviewMetrics::parse(&t));
    tokio::time::sleep(Duration::from_millis(500)).await;
    readings.ready = pid.and_then(Sample::of);
    let stop_sampler = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(Mutex::new((0u64, 0u64)));
    clock.start_load();
    let load_average_start = crate::server::load_average();
    let load_started = Instant::now();
    eprintln!(
        "chat-load: {} rooms × {} clients × {} msg/s for {} s ({} late joiners a room, mix {}), set up in {setup_secs:.1} s",
        args.rooms, args.clients, args.rate, args.duration, late, args.mix
    );
    let sampler = tokio::spawn(
        Sampler {
            pid,
            clock: clock.clone(),
            recorder: recorder.clone(),
            total_secs: args.duration,
            peak: peak.clone(),
            stop: stop_sampler.clone(),
        }
        .run(),
    );
    let skipped = Arc::new(AtomicU64::new(0));
    let period = Duration::from_secs_f64(1.0 / args.rate);
    let mut senders = Vec::new();
    for r in 0..rooms.len() {
        let (rooms, mix, skipped) = (rooms.clone(), args.mix.clone(), skipped.clone());
        let mut rng = StdRng::seed_from_u64(args.seed.wrapping_mul(1_000_003) + r as u64);
        // Rooms take turns within a period, so sends spread evenly over time.
        let first = tokio::time::Instant::now() + period.mul_f64(r as f64 / rooms.len() as f64);
        senders.push(tokio::spawn(async move {
            let room = &rooms[r];
            let mut tick = tokio::time::interval_at(first, period);
            let mut active = Vec::with_capacity(room.clients.len());
            for seq in 0..room.slots.len() {
                tick.tick().await;
                active.clear();
                active.extend(room.clients.iter().filter(|c| c.active()));
                let kind = mix.pick(&mut rng);
                let variant = rng.random_range(0..64);
                if active.is_empty() {
                    skipped.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                let client = active[rng.random_range(0..active.len())];
                let slot = &room.slots[seq];
                slot.kind.store(kind.index() as u8, Ordering::Relaxed);
                slot.sender.store(client.index, Ordering::Relaxed);
                let content = kind.content(seq as u64, variant);
                if !client.command(Command::Send {
                    seq: seq as u32,
                    content,
                }) {
                    skipped.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let deadline = Instant::now() + Duration::from_secs_f64(args.duration);
    let moderation = Arc::new(Mutex::new(Moderation {
        acts: ACTS
            .iter()
            .map(|_| ActStats {
                ok: 0,
                failed: 0,
                skipped: 0,
                latency: stats::histogram(),
            })
            .collect(),
        bans_disconnected: 0,
        bans_token_refused: 0,
        failures: Vec::new(),
    }));
    let mut moderators = Vec::new();
    if args.moderate_every > 0.0 {
        let every = Duration::from_secs_f64(args.moderate_every);
        for r in 0..rooms.len() {
            let (api, rooms, moderation) = (api.clone(), rooms.clone(), moderation.clone());
            let offset = every.mul_f64((r as f64 + 0.5) / rooms.len() as f64);
            let seed = args.seed.wrapping_mul(7_000_003) + r as u64;
            moderators.push(tokio::spawn(async move {
                moderate(&api, &rooms[r], every, offset, deadline, seed, &moderation).await
            }));
        }
    }
    let late_stats = Arc::new(Mutex::new(Late {
        joined: 0,
        failed: 0,
        join: stats::histogram(),
        history: stats::histogram(),
        history_messages: 0,
        failures: Vec::new(),
    }));
    let mut joiners = Vec::new();
    let mut rng = StdRng::seed_from_u64(args.seed.wrapping_mul(3_000_017));
    for r in 0..rooms.len() {
        for c in 0..rooms[r].clients.len() {
            if !rooms[r].clients[c].late {
                continue;
            }
            let at = Duration::from_secs_f64(rng.random_range(0.0..=0.8) * args.duration);
            let (api, endpoint, rooms, clock, recorder, handles, late_stats) = (
                api.clone(),
                endpoint.clone(),
                rooms.clone(),
                clock.clone(),
                recorder.clone(),
                handles.clone(),
                late_stats.clone(),
            );
            joiners.push(tokio::spawn(async move {
                tokio::time::sleep_until((load_started + at).into()).await;
                let room = &rooms[r];
                let client = &room.clients[c];
                let started = Instant::now();
                let joined = join(&api, &endpoint, room, client, &clock, &recorder, &handles).await;
                let join_us = started.elapsed().as_micros() as u64;
                let history = match &joined {
                    Ok(()) => Some(
                        api.call(
                            "GET",
                            &format!("/rooms/{}/messages", room.id),
                            Some(&client.user.jwt),
                            None,
                        )
                        .await,
                    ),
                    Err(_) => None,
                };
                let mut s = late_stats.lock().expect("not poisoned");
                match joined {
                    Ok(()) => {
                        s.joined += 1;
                        stats::record(&mut s.join, join_us);
                    }
                    Err(e) => {
                        s.failed += 1;
                        s.failures.push(e);
                    }
                }
                match history {
                    Some(Ok(reply)) if reply.ok() => {
                        stats::record(&mut s.history, reply.took.as_micros() as u64);
                        s.history_messages += reply.body["messages"]
                            .as_array()
                            .map_or(0, |m| m.len() as u64);
                    }
                    Some(Ok(reply)) => {
                        s.failures
                            .push(format!("history: {} {}", reply.status, reply.body));
                    }
                    Some(Err(e)) => s.failures.push(format!("history: {e}")),
                    None => {}
                }
            }));
        }
    }
    for sender in senders {
        sender
            .await
            .map_err(|e| format!("a room's sender failed: {e}"))?;
    }
    for joiner in joiners {
        joiner
            .await
            .map_err(|e| format!("a late joiner failed: {e}"))?;
    }
    // Drain: until every message has its answer and deliveries have stopped, or the time is up.
    let drain_until = Instant::now() + Duration::from_secs_f64(args.drain);
    let mut last = (u64::MAX, Instant::now());
    while Instant::now() < drain_until {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (deliveries, answered, sent) = {
            let r = recorder.lock();
            (r.deliveries, r.answered, r.sent)
        };
        if deliveries != last.0 {
            last = (deliveries, Instant::now());
        } else if answered >= sent && last.1.elapsed() > Duration::from_millis(500) {
            break;
        }
    }
    let load_secs = load_started.elapsed().as_secs_f64();
    for m in moderators {
        m.await.map_err(|e| format!("a moderator failed: {e}"))?;
    }
    let review_after = api.metrics().await.map(|t| ReviewMetrics::parse(&t));
    readings.end = pid.and_then(Sample::of);
    let load_average_end = crate::server::load_average();
    stop_sampler.store(true, Ordering::Relaxed);
    let _ = sampler.await;

    // Close every client, then see what the server holds once they are gone.
    for room in rooms.iter() {
        for c in &room.clients {
            c.command(Command::Close);
        }
    }
    let handles = std::mem::take(&mut *handles.lock().expect("not poisoned"));
    let mut results: Vec<Vec<Option<ClientResult>>> = rooms
        .iter()
        .map(|r| r.clients.iter().map(|_| None).collect())
        .collect();
    for (r, handle) in handles {
        let result = tokio::time::timeout(Duration::from_secs(10), handle)
            .await
            .map_err(|_| "a client did not close within 10 s".to_owned())?
            .map_err(|e| format!("a client failed: {e}"))?;
        let c = result.index as usize;
        results[r as usize][c] = Some(result);
    }
    // Our pooled API connections go too: what the server holds after is its own.
    drop(api);
    tokio::time::sleep(Duration::from_secs(2)).await;
    readings.after = pid.and_then(Sample::of);
    {
        let peak = peak.lock().expect("not poisoned");
        readings.peak_rss_kib = peak.0;
        readings.peak_open_files = peak.1;
    }
    let own_cpu_secs = match (own_start, Sample::of_self()) {
        (Some(a), Some(b)) => Some(b.cpu_secs - a.cpu_secs),
        _ => None,
    };

    let mut figures = count(&rooms, &results);
    let recorded = std::mem::replace(
        &mut *recorder.lock(),
        Recorded {
            end_to_end: stats::histogram(),
            accepted: stats::histogram(),
            refused: stats::histogram(),
            timeline: Timeline::default(),
            sent: 0,
            answered: 0,
            deliveries: 0,
        },
    );
    figures.server = server;
    figures.load_secs = load_secs;
    figures.setup_secs = setup_secs;
    figures.skipped = skipped.load(Ordering::Relaxed);
    figures.end_to_end = Percentiles::of(&recorded.end_to_end);
    figures.accepted = Percentiles::of(&recorded.accepted);
    figures.refused_latency = Percentiles::of(&recorded.refused);
    figures.timeline = recorded.timeline;
    figures.review_before = review_before;
    figures.review_after = review_after;
    figures.fallbacks = log.as_ref().map(|l| l.fallbacks.load(Ordering::Relaxed));
    figures.server_warnings = log.as_ref().map(|l| {
        (
            l.warnings.load(Ordering::Relaxed),
            l.errors.load(Ordering::Relaxed),
            l.samples.lock().expect("not poisoned").clone(),
        )
    });
    figures.moderation = Arc::try_unwrap(moderation)
        .map_err(|_| "moderators still running")?
        .into_inner()
        .expect("not poisoned");
    figures.late = Arc::try_unwrap(late_stats)
        .map_err(|_| "late joiners still running")?
        .into_inner()
        .expect("not poisoned");
    figures.readings = readings;
    figures.own_cpu_secs = own_cpu_secs;
    figures.load_average = (load_average_start, load_average_end);
    drop(spawned);
    Ok(figures)
}

/// The moderator of a room: one act every `every` until the load ends.
async fn moderate(
    api: &Api,
    room: &Room,
    every: Duration,
    offset: Duration,
    deadline: Instant,
    seed: u64,
    moderation: &Mutex<Moderation>,
) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, every);
    let moderator = &room.moderator;
    for turn in 0.. {
        tokio::select! {
            _ = tick.tick() => {}
            _ = tokio::time::sleep_until(deadline.into()) => break,
        }
        let act = TURNS[turn % TURNS.len()];
        let outcome: Result<Option<crate::api::Reply>, String> = match act {
            Act::Delete => {
                let id = room.recent.lock().expect("not poisoned").pop_back();
                match id {
                    None => Ok(None),
                    Some(id) => api
                        .call(
                            "DELETE",
                            &format!("/rooms/{}/messages/{id}?reason=load", room.id),
                            Some(&moderator.jwt),
                            None,
                        )
                        .await
                        .map(Some),
                }
            }
            Act::Approve => {
                let queue = api
                    .call(
                        "GET",
                        &format!("/rooms/{}/held", room.id),
                        Some(&moderator.jwt),
                        None,
                    )
                    .await;
                match queue {
                    Err(e) => Err(e),
                    Ok(q) if !q.ok() => Ok(Some(q)),
                    Ok(q) => match q.body["held"][0]["heldId"].as_str() {
                        None => Ok(None),
                        Some(held) => api
                            .call(
                                "POST",
                                &format!("/rooms/{}/held/{held}/approve", room.id),
                                Some(&moderator.jwt),
                                None,
                            )
                            .await
                            .map(Some),
                    },
                }
            }
            Act::Ban => {
                let candidates: Vec<&Arc<ClientState>> =
                    room.clients.iter().filter(|c| c.active()).collect();
                // Keep most of the room: ban only while a few are there.
                if candidates.len() < 3 {
                    Ok(None)
                } else {
                    let victim = candidates[rng.random_range(0..candidates.len())].clone();
                    victim.banned.store(true, Ordering::Relaxed);
                    let body = serde_json::json!({"userId": victim.user.id, "reason": "load test"});
                    let reply = api
                        .call(
                            "POST",
                            &format!("/rooms/{}/bans", room.id),
                            Some(&moderator.jwt),
                            Some(&body),
                        )
                        .await;
                    if matches!(&reply, Ok(r) if r.ok()) {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        let disconnected = victim.dropped.load(Ordering::Relaxed);
                        let token = api.token(&victim.user, &room.id).await;
                        let refused = matches!(&token, Ok(t) if t.status == 403);
                        let mut m = moderation.lock().expect("not poisoned");
                        m.bans_disconnected += u64::from(disconnected);
                        m.bans_token_refused += u64::from(refused);
                    }
                    reply.map(Some)
                }
            }
        };
        let index = ACTS.iter().position(|a| *a == act).expect("listed");
        let mut m = moderation.lock().expect("not poisoned");
        match outcome {
            Ok(None) => m.acts[index].skipped += 1,
            Ok(Some(reply)) if reply.ok() => {
                let stats = &mut m.acts[index];
                stats.ok += 1;
                stats::record(&mut stats.latency, reply.took.as_micros() as u64);
            }
            Ok(Some(reply)) => {
                m.acts[index].failed += 1;
                let failure = format!("{}: {} {}", act.name(), reply.status, reply.body);
                if m.failures.len() < 5 {
                    m.failures.push(failure);
                }
            }
            Err(e) => {
                m.acts[index].failed += 1;
                if m.failures.len() < 5 {
                    m.failures.push(format!("{}: {e}", act.name()));
                }
            }
        }
    }
}

/// Outcomes by kind, and deliveries against what was expected, from the slots and bitsets.
fn count(rooms: &[Room], results: &[Vec<Option<ClientResult>>]) -> Figures {
    let mut by_kind: Vec<(Kind, [u64; 5])> = Kind::ALL.iter().map(|k| (*k, [0; 5])).collect();
    let mut reasons = vec![0u64; REASONS.len()];
    let mut f = Figures {
        server: String::new(),
        load_secs: 0.0,
        setup_secs: 0.0,
        sent: 0,
        skipped: 0,
        by_kind: Vec::new(),
        reasons: Vec::new(),
        allowed: 0,
        refused: 0,
        held: 0,
        ivs_refused: 0,
        unanswered: 0,
        cut_by_ban: 0,
        delivered_unexpectedly: 0,
        expected: 0,
        delivered: 0,
        lost: 0,
        lost_samples: Vec::new(),
        extra: 0,
        duplicates: 0,
        dropped_connections: 0,
        stray_errors: 0,
        events: [0; EVENTS.len()],
        end_to_end: None,
        accepted: None,
        refused_latency: None,
        review_before: None,
        review_after: None,
        fallbacks: None,
        server_warnings: None,
        moderation: Moderation {
            acts: Vec::new(),
            bans_disconnected: 0,
            bans_token_refused: 0,
            failures: Vec::new(),
        },
        late: Late {
            joined: 0,
            failed: 0,
            join: stats::histogram(),
            history: stats::histogram(),
            history_messages: 0,
            failures: Vec::new(),
        },
        readings: Readings::default(),
        own_cpu_secs: None,
        load_average: (None, None),
        timeline: Timeline::default(),
    };
    for (room, results) in rooms.iter().zip(results) {
        for (client, result) in room.clients.iter().zip(results) {
            if let Some(r) = result {
                f.duplicates += r.duplicates;
                f.stray_errors += r.stray_errors;
                for (total, n) in f.events.iter_mut().zip(r.events) {
                    *total += n;
                }
            }
            if client.dropped.load(Ordering::Relaxed) && !client.banned.load(Ordering::Relaxed) {
                f.dropped_connections += 1;
            }
        }
        for (seq, slot) in room.slots.iter().enumerate() {
            let sent_us = slot.sent_us.load(Ordering::Acquire);
            if sent_us == 0 {
                continue;
            }
            f.sent += 1;
            let kind = slot.kind();
            let sender = &room.clients[slot.sender.load(Ordering::Relaxed) as usize];
            let outcome = slot.outcome();
            let got_anywhere = results.iter().flatten().any(|r| r.got(seq));
            let column = match outcome {
                Some(Outcome::Allowed) => {
                    f.allowed += 1;
                    0
                }
                Some(Outcome::Refused(reason)) => {
                    f.refused += 1;
                    reasons[reason] += 1;
                    1
                }
                Some(Outcome::Held) => {
                    f.held += 1;
                    2
                }
                Some(Outcome::Ivs(_)) => {
                    f.ivs_refused += 1;
                    3
                }
                None if got_anywhere => {
                    // Its sender was banned before its copy came back; the others got it.
                    f.allowed += 1;
                    0
                }
                None if sender.banned.load(Ordering::Relaxed) => {
                    f.cut_by_ban += 1;
                    4
                }
                None => {
                    f.unanswered += 1;
                    4
                }
            };
            by_kind[kind.index()].1[column] += 1;
            let delivered_anywhere = column == 0;
            if !delivered_anywhere {
                continue;
            }
            if kind.expected() != crate::mix::Expected::Allowed {
                f.delivered_unexpectedly += 1;
            }
            for (client, result) in room.clients.iter().zip(results) {
                let connected = client.connected_us.load(Ordering::Acquire);
                let got = result.as_ref().is_some_and(|r| r.got(seq));
                if client.banned.load(Ordering::Relaxed) || connected == 0 {
                    continue;
                }
                if connected > sent_us {
                    f.extra += u64::from(got);
                    continue;
                }
                f.expected += 1;
                if got {
                    f.delivered += 1;
                } else {
                    f.lost += 1;
                    if f.lost_samples.len() < 5 {
                        f.lost_samples.push(format!(
                            "room {} message {seq} ({kind}) to {}{}",
                            room.index,
                            client.user.id,
                            if client.dropped.load(Ordering::Relaxed) {
                                " (its connection dropped)"
                            } else {
                                ""
                            }
                        ));
                    }
                }
            }
        }
    }
    f.by_kind = by_kind;
    f.reasons = REASONS
        .iter()
        .copied()
        .zip(reasons)
        .filter(|(_, n)| *n > 0)
        .collect();
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::encode;

    fn client(index: u32, connected_us: u64, banned: bool) -> Arc<ClientState> {
        let user = User {
            id: format!("c{index}"),
            jwt: String::new(),
        };
        let c = ClientState::new(index, user, false);
        c.connected_us.store(connected_us, Ordering::Relaxed);
        c.banned.store(banned, Ordering::Relaxed);
        Arc::new(c)
    }

    fn slot(sent_us: u64, sender: u32, kind: Kind, outcome: Option<Outcome>) -> Slot {
        let s = Slot::default();
        s.sent_us.store(sent_us, Ordering::Relaxed);
        s.sender.store(sender, Ordering::Relaxed);
        s.kind.store(kind.index() as u8, Ordering::Relaxed);
        if let Some(o) = outcome {
            let (code, detail) = encode(o);
            s.outcome.store(code, Ordering::Relaxed);
            s.detail.store(detail, Ordering::Relaxed);
        }
        s
    }

    fn got(index: u32, seqs: &[usize]) -> Option<ClientResult> {
        let mut received = vec![0u64; 1];
        for s in seqs {
            received[0] |= 1 << s;
        }
        Some(ClientResult {
            index,
            received,
            duplicates: 0,
            events: [0; EVENTS.len()],
            stray_errors: 0,
        })
    }

    /// A joined at 100 µs, B (late) at 500, C banned. Message 0 sent at 200 and message 1 at
    /// 600 were let through, 2 refused, 3 held, 4 never answered; 5 unanswered by its banned
    /// sender; 6 (profane) delivered anyway.
    fn room() -> Room {
        Room {
            index: 0,
            id: "r".into(),
            slots: vec![
                slot(200, 0, Kind::Clean, Some(Outcome::Allowed)),
                slot(600, 1, Kind::Clean, Some(Outcome::Allowed)),
                slot(700, 0, Kind::Link, Some(Outcome::Refused(2))),
                slot(800, 0, Kind::Borderline, Some(Outcome::Held)),
                slot(900, 1, Kind::Clean, None),
                slot(950, 2, Kind::Clean, None),
                slot(990, 0, Kind::Profane, Some(Outcome::Allowed)),
                Slot::default(),
            ]
            .into(),
            recent: Arc::default(),
            clients: vec![
                client(0, 100, false),
                client(1, 500, false),
                client(2, 50, true),
            ],
            moderator: User {
                id: "m".into(),
                jwt: String::new(),
            },
        }
    }

    #[test]
    fn expected_deliveries_count_only_sockets_there_before_the_send() {
        let rooms = [room()];
        let results = vec![vec![got(0, &[0, 1, 6]), got(1, &[0, 1, 6]), got(2, &[])]];
        let f = count(&rooms, &results);
        assert_eq!(f.sent, 7);
        assert_eq!((f.allowed, f.refused, f.held), (3, 1, 1));
        assert_eq!((f.unanswered, f.cut_by_ban), (1, 1));
        // Message 0: A only (B came later, C is banned); 1 and 6: A and B.
        assert_eq!((f.expected, f.delivered, f.lost), (5, 5, 0));
        assert_eq!(f.extra, 1);
        assert_eq!(f.delivered_unexpectedly, 1);
        assert_eq!(f.reasons, vec![(REASONS[2], 1)]);
    }

    #[test]
    fn a_missing_delivery_is_lost_and_named() {
        let rooms = [room()];
        let results = vec![vec![got(0, &[0, 6]), got(1, &[1, 6]), None]];
        let f = count(&rooms, &results);
        assert_eq!((f.expected, f.delivered, f.lost), (5, 4, 1));
        assert_eq!(f.lost_samples, ["room 0 message 1 (clean) to c0"]);
    }
}
