//! The Messaging WebSocket: the handshake (token as subprotocol, echoed back) and one task per
//! connection that reads requests and writes the room's deliveries.
//!
//! A connection's task waits on five things at once: the server stopping, its session
//! expiring, a delivery from its room, the outcome of the request it is carrying out (a
//! message under review may take up to the review timeout), and the next request — read only
//! when no request is in flight, so one sender's requests keep their order while deliveries
//! keep flowing to it and to everyone else.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::AppState;
use crate::live::Delivery;
use crate::model::messaging::error_json;
use crate::model::{Timestamp, new_id};
use crate::service::{Connection, FrameError, Participant};
use crate::wire::frames::parse_request;

/// Kept small: chat frames are under 4 KB, and 10,000 idle connections must stay cheap.
const READ_BUFFER: usize = 4 * 1024;
const WRITE_BUFFER: usize = 4 * 1024;
/// The largest client frame read (a 500-character message with 1 KB of attributes is ~4 KB).
const MAX_MESSAGE: usize = 64 * 1024;
/// Frames written before a flush, when a connection has several deliveries waiting.
const WRITE_BATCH: usize = 64;

const CLOSE_NORMAL: u16 = 1000;
const CLOSE_GOING_AWAY: u16 = 1001;

type Sink = SplitSink<WebSocket, Message>;
type Outcome = Pin<Box<dyn Future<Output = Result<(), FrameError>> + Send>>;

/// `GET /` with `Sec-WebSocket-Protocol: <chat token>`.
pub async fn upgrade(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    // Clients offer exactly one subprotocol: the token.
    let token = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    let connection = match app.service.connect(&token, peer.ip()) {
        Ok(connection) => connection,
        Err(err) => {
            let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::UNAUTHORIZED);
            return (status, err.to_string()).into_response();
        }
    };
    ws.protocols([token])
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| run(socket, connection, app))
}

enum Next {
    Continue,
    Close(u16, &'static str),
}

/// What one delivery means for this connection.
fn apply(delivery: &Delivery, who: &Participant) -> Option<Result<Message, Next>> {
    match delivery {
        Delivery::Frame(text) => Some(Ok(Message::Text(text.clone()))),
        Delivery::DisconnectUser(user) if **user == *who.claims.user_id => Some(Err(Next::Close(
            CLOSE_NORMAL,
            "Disconnected by a moderator",
        ))),
        Delivery::DisconnectUser(_) => None,
        Delivery::CloseRoom => Some(Err(Next::Close(CLOSE_NORMAL, "The room was deleted"))),
    }
}

/// Writes a delivery and whatever else is already waiting, then flushes once.
async fn write_deliveries(
    sink: &mut Sink,
    first: Delivery,
    connection: &mut Connection,
) -> Result<Next, axum::Error> {
    let who = connection.participant.clone();
    let mut pending = Some(first);
    let mut written = 0;
    while let Some(delivery) = pending.take() {
        match apply(&delivery, &who) {
            Some(Ok(message)) => {
                sink.feed(message).await?;
                written += 1;
            }
            Some(Err(close)) => {
                sink.flush().await?;
                return Ok(close);
            }
            None => {}
        }
        if written >= WRITE_BATCH {
            break;
        }
        pending = match connection.membership.try_recv() {
            Ok(next) => Some(next),
            Err(TryRecvError::Lagged(skipped)) => {
                tracing::warn!(skipped, user = %who.claims.user_id, "slow connection skipped frames");
                None
            }
            Err(_) => None,
        };
    }
    sink.flush().await?;
    Ok(Next::Continue)
}

async fn close(sink: &mut Sink, code: u16, reason: &'static str) {
    let _ = sink
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        })))
        .await;
    let _ = sink.flush().await;
}

async fn send_error(
    sink: &mut Sink,
    request_id: &str,
    error: &FrameError,
) -> Result<(), axum::Error> {
    let frame = error_json(&new_id(), request_id, error.code, &error.message);
    sink.send(Message::Text(frame.into())).await
}

async fn run(socket: WebSocket, mut connection: Connection, app: Arc<AppState>) {
    let (mut sink, mut stream) = socket.split();
    let who = connection.participant.clone();
    let mut stopping = app.service.shutdown_signal();
    let remaining =
        (connection.session_expires.unix_nanos() - Timestamp::now().unix_nanos()).max(0);
    let expiry = tokio::time::sleep(Duration::from_nanos(remaining as u64));
    tokio::pin!(expiry);
    let mut in_flight: Option<(String, Outcome)> = None;

    loop {
        let next = tokio::select! {
            biased;
            _ = async { stopping.wait_for(|stop| *stop).await.is_ok() } => Next::Close(CLOSE_GOING_AWAY, "The server is shutting down"),
            () = &mut expiry => {
                let expired = FrameError { code: 401, message: "The chat session has expired".to_owned() };
                let _ = send_error(&mut sink, "", &expired).await;
                Next::Close(CLOSE_NORMAL, "Session expired")
            }
            delivery = connection.membership.recv() => match delivery {
                Ok(delivery) => match write_deliveries(&mut sink, delivery, &mut connection).await {
                    Ok(next) => next,
                    Err(_) => break,
                },
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(skipped, user = %who.claims.user_id, "slow connection skipped frames");
                    Next::Continue
                }
                Err(RecvError::Closed) => Next::Close(CLOSE_NORMAL, "The room was deleted"),
            },
            outcome = async { in_flight.as_mut().expect("guarded").1.as_mut().await }, if in_flight.is_some() => {
                let (request_id, _) = in_flight.take().expect("guarded");
                if let Err(error) = outcome
                    && send_error(&mut sink, &request_id, &error).await.is_err()
                {
                    break;
                }
                Next::Continue
            }
            incoming = stream.next(), if in_flight.is_none() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    match parse_request(text.as_str()) {
                        Ok(request) => {
                            let request_id = request.request_id().to_owned();
                            let (app, who) = (app.clone(), who.clone());
                            let outcome: Outcome = Box::pin(async move { app.service.handle_request(&who, request).await });
                            in_flight = Some((request_id, outcome));
                        }
                        Err(bad) => {
                            let error = FrameError { code: 400, message: bad.message };
                            if send_error(&mut sink, &bad.request_id, &error).await.is_err() {
                                break;
                            }
                        }
                    }
                    Next::Continue
                }
                Some(Ok(Message::Binary(_))) => {
                    let error = FrameError { code: 400, message: "Frames must be JSON text".to_owned() };
                    if send_error(&mut sink, "", &error).await.is_err() {
                        break;
                    }
                    Next::Continue
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Next::Continue,
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => break,
            },
        };
        if let Next::Close(code, reason) = next {
            close(&mut sink, code, reason).await;
            break;
        }
    }
}
