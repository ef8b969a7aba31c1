//! One chat client: its WebSocket, the messages its room's sender asks it to send, and
//! everything it receives — each MESSAGE marked in a bitset of the room's messages (for the
//! losses, counted at the end) and timed from its send; its own answers (its MESSAGE back, or
//! an ERROR) give each message its outcome.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering};

use futures_util::{SinkExt, StreamExt};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::api::User;
use crate::mix::{Kind, Outcome, outcome_of_error};
use crate::recorder::{Clock, Recorder};

pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens the Messaging WebSocket with the chat token as its subprotocol.
pub async fn connect(endpoint: &str, token: &str) -> Result<Ws, String> {
    let mut request = endpoint
        .into_client_request()
        .map_err(|e| format!("{endpoint}: {e}"))?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        token
            .parse()
            .map_err(|_| "a chat token that is no subprotocol".to_owned())?,
    );
    // Small buffers, as the emulator's: thousands of clients in one process stay cheap.
    let config = WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .write_buffer_size(0);
    tokio_tungstenite::connect_async_with_config(request, Some(config), true)
        .await
        .map(|(ws, _)| ws)
        .map_err(|e| format!("WebSocket handshake: {e}"))
}

/// A message of the room: when it was sent, by whom, of what kind, and what came of it.
#[derive(Default)]
pub struct Slot {
    /// Microseconds on the run's clock; 0 until sent.
    pub sent_us: AtomicU64,
    pub sender: AtomicU32,
    pub kind: AtomicU8,
    /// 0 unanswered, then [`encode`]d.
    pub outcome: AtomicU8,
    pub detail: AtomicU16,
    pub answered_us: AtomicU64,
}

pub fn encode(outcome: Outcome) -> (u8, u16) {
    match outcome {
        Outcome::Allowed => (1, 0),
        Outcome::Held => (2, 0),
        Outcome::Refused(reason) => (3, reason as u16),
        Outcome::Ivs(code) => (4, code),
    }
}

pub fn decode(code: u8, detail: u16) -> Option<Outcome> {
    match code {
        1 => Some(Outcome::Allowed),
        2 => Some(Outcome::Held),
        3 => Some(Outcome::Refused(detail as usize)),
        4 => Some(Outcome::Ivs(detail)),
        _ => None,
    }
}

impl Slot {
    pub fn outcome(&self) -> Option<Outcome> {
        decode(
            self.outcome.load(Ordering::Acquire),
            self.detail.load(Ordering::Relaxed),
        )
    }

    pub fn kind(&self) -> Kind {
        Kind::ALL[self.kind.load(Ordering::Relaxed) as usize]
    }
}

/// A client as the rest of the run sees it.
pub struct ClientState {
    pub index: u32,
    pub user: User,
    pub late: bool,
    /// When its handshake completed (run clock, µs); 0 while not connected. The emulator joins
    /// the room before it answers the handshake, so every message sent after this reaches it.
    pub connected_us: AtomicU64,
    /// Chosen for a ban: out of the sender's turns and of the loss count from then on.
    pub banned: AtomicBool,
    /// Its socket closed without being asked to.
    pub dropped: AtomicBool,
    pub commands: std::sync::Mutex<Option<mpsc::UnboundedSender<Command>>>,
}

impl ClientState {
    pub fn new(index: u32, user: User, late: bool) -> Self {
        Self {
            index,
            user,
            late,
            connected_us: AtomicU64::new(0),
            banned: AtomicBool::new(false),
            dropped: AtomicBool::new(false),
            commands: std::sync::Mutex::new(None),
        }
    }

    /// Connected, not banned, its socket open: it may take a turn to send.
    pub fn active(&self) -> bool {
        self.connected_us.load(Ordering::Acquire) > 0
            && !self.banned.load(Ordering::Relaxed)
            && !self.dropped.load(Ordering::Relaxed)
    }

    pub fn command(&self, command: Command) -> bool {
        match &*self.commands.lock().expect("not poisoned") {
            Some(tx) => tx.send(command).is_ok(),
            None => false,
        }
    }
}

pub enum Command {
    Send { seq: u32, content: String },
    Close,
}

/// The events a client counts, by name.
pub const EVENTS: [&str; 5] = [
    "aws:DELETE_MESSAGE",
    "aws:DISCONNECT_USER",
    "app:held",
    "app:held-approved",
    "other",
];

/// What a client saw, handed back when it ends.
pub struct ClientResult {
    pub index: u32,
    /// Bit `seq` set: the room's message `seq` reached this client.
    pub received: Vec<u64>,
    pub duplicates: u64,
    pub events: [u64; EVENTS.len()],
    /// ERROR frames that answer no request of ours (e.g. a session's end).
    pub stray_errors: u64,
}

impl ClientResult {
    pub fn got(&self, seq: usize) -> bool {
        self.received
            .get(seq / 64)
            .is_some_and(|w| w & (1 << (seq % 64)) != 0)
    }
}

/// The fields of a server frame the load looks at (the rest is skipped unread).
#[derive(Debug, Deserialize, PartialEq)]
pub struct Frame<'a> {
    #[serde(rename = "Type", borrow)]
    pub kind: Cow<'a, str>,
    #[serde(rename = "Id", borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "RequestId", borrow, default)]
    pub request_id: Option<Cow<'a, str>>,
    #[serde(rename = "ErrorCode", default)]
    pub error_code: Option<u16>,
    #[serde(rename = "ErrorMessage", borrow, default)]
    pub error_message: Option<Cow<'a, str>>,
    #[serde(rename = "EventName", borrow, default)]
    pub event_name: Option<Cow<'a, str>>,
}

pub fn event_index(name: &str) -> usize {
    EVENTS
        .iter()
        .position(|e| *e == name)
        .unwrap_or(EVENTS.len() - 1)
}

/// The room as a client needs it.
pub struct RoomView {
    pub slots: Arc<[Slot]>,
    /// Ids of messages recently let through (deletion candidates for the moderator).
    pub recent: Arc<std::sync::Mutex<std::collections::VecDeque<String>>>,
}

/// Runs a client until it is told to close or its socket ends.
pub async fn run(
    mut ws: Ws,
    me: Arc<ClientState>,
    room: RoomView,
    mut commands: mpsc::UnboundedReceiver<Command>,
    clock: Clock,
    recorder: Arc<Recorder>,
) -> ClientResult {
    let mut result = ClientResult {
        index: me.index,
        received: vec![0; room.slots.len().div_ceil(64)],
        duplicates: 0,
        events: [0; EVENTS.len()],
        stray_errors: 0,
    };
    let mut pending: HashSet<u32> = HashSet::new();
    loop {
        tokio::select! {
            command = commands.recv() => match command {
                Some(Command::Send { seq, content }) => {
                    let slot = &room.slots[seq as usize];
                    let frame = serde_json::json!({
                        "Action": "SEND_MESSAGE", "RequestId": seq.to_string(), "Content": content
                    });
                    pending.insert(seq);
                    let now = clock.now_us();
                    slot.sent_us.store(now, Ordering::Release);
                    recorder.sent(clock.second(now));
                    if ws.send(Message::Text(frame.to_string().into())).await.is_err() {
                        me.dropped.store(true, Ordering::Relaxed);
                        break;
                    }
                }
                Some(Command::Close) | None => {
                    let _ = ws.close(None).await;
                    break;
                }
            },
            incoming = ws.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let now = clock.now_us();
                    let Ok(frame) = serde_json::from_str::<Frame>(text.as_str()) else {
                        continue;
                    };
                    on_frame(&frame, now, &room, &mut pending, &mut result, &clock, &recorder);
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    me.dropped.store(true, Ordering::Relaxed);
                    break;
                }
            },
        }
    }
    result
}

fn on_frame(
    frame: &Frame<'_>,
    now: u64,
    room: &RoomView,
    pending: &mut HashSet<u32>,
    result: &mut ClientResult,
    clock: &Clock,
    recorder: &Recorder,
) {
    let seq = frame
        .request_id
        .as_deref()
        .and_then(|r| r.parse::<u32>().ok())
        .filter(|s| (*s as usize) < room.slots.len());
    match frame.kind.as_ref() {
        "MESSAGE" => {
            let Some(seq) = seq else { return };
            let slot = &room.slots[seq as usize];
            let sent = slot.sent_us.load(Ordering::Acquire);
            if sent == 0 {
                return;
            }
            let word = &mut result.received[seq as usize / 64];
            let bit = 1u64 << (seq % 64);
            if *word & bit != 0 {
                result.duplicates += 1;
                return;
            }
            *word |= bit;
            let own = pending.remove(&seq);
            recorder.delivered(clock.second(now), now.saturating_sub(sent), own);
            if own {
                answer(slot, Outcome::Allowed, now);
                if let Some(id) = &frame.id {
                    let mut recent = room.recent.lock().expect("not poisoned");
                    if recent.len() >= 64 {
                        recent.pop_front();
                    }
                    recent.push_back(id.to_string());
                }
            }
        }
        "ERROR" => match seq {
            Some(seq) if pending.remove(&seq) => {
                let slot = &room.slots[seq as usize];
                let outcome = outcome_of_error(
                    frame.error_code.unwrap_or(0),
                    frame.error_message.as_deref().unwrap_or_default(),
                );
                let sent = slot.sent_us.load(Ordering::Acquire);
                recorder.refused(clock.second(now), now.saturating_sub(sent));
                answer(slot, outcome, now);
            }
            _ => result.stray_errors += 1,
        },
        "EVENT" => {
            let name = frame.event_name.as_deref().unwrap_or_default();
            result.events[event_index(name)] += 1;
        }
        _ => {}
    }
}

fn answer(slot: &Slot, outcome: Outcome, now: u64) {
    let (code, detail) = encode(outcome);
    slot.answered_us.store(now, Ordering::Relaxed);
    slot.detail.store(detail, Ordering::Relaxed);
    slot.outcome.store(code, Ordering::Release);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_for_what_matters() {
        let message = r#"{"Type":"MESSAGE","Id":"M2YcHkgffEvU","RequestId":"17","Content":"gg \"well\" played","Attributes":{},"SendTime":"2022-12-02T08:21:20.754555595Z","Sender":{"UserId":"u1","Attributes":{"role":"viewer"}}}"#;
        let f: Frame = serde_json::from_str(message).unwrap();
        assert_eq!(f.kind, "MESSAGE");
        assert_eq!(f.request_id.as_deref(), Some("17"));
        assert_eq!(f.id.as_deref(), Some("M2YcHkgffEvU"));
        let error =
            r#"{"Type":"ERROR","Id":"x","RequestId":"3","ErrorCode":406,"ErrorMessage":"HELD"}"#;
        let f: Frame = serde_json::from_str(error).unwrap();
        assert_eq!(
            (f.error_code, f.error_message.as_deref()),
            (Some(406), Some("HELD"))
        );
        let event = r#"{"Type":"EVENT","Id":"x","RequestId":"","EventName":"aws:DELETE_MESSAGE","Attributes":{"MessageID":"a"},"SendTime":"t"}"#;
        let f: Frame = serde_json::from_str(event).unwrap();
        assert_eq!(event_index(f.event_name.as_deref().unwrap()), 0);
        assert_eq!(event_index("app:custom"), EVENTS.len() - 1);
    }

    #[test]
    fn outcomes_round_trip_through_a_slot() {
        for outcome in [
            Outcome::Allowed,
            Outcome::Held,
            Outcome::Refused(3),
            Outcome::Ivs(429),
        ] {
            let (code, detail) = encode(outcome);
            assert_eq!(decode(code, detail), Some(outcome));
        }
        assert_eq!(decode(0, 0), None);
    }

    #[test]
    fn received_bits() {
        let mut r = ClientResult {
            index: 0,
            received: vec![0; 2],
            duplicates: 0,
            events: [0; EVENTS.len()],
            stray_errors: 0,
        };
        r.received[1] |= 1 << 3;
        assert!(r.got(67));
        assert!(!r.got(66));
        assert!(!r.got(1000));
    }
}
