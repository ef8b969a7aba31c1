//! The Messaging WebSocket: the handshake (token as subprotocol, echoed back) and one task per
//! connection that reads requests and writes the room's deliveries.
//!
//! A connection's task waits on six things at once: a control for it (disconnected by a
//! moderator, room deleted), the server stopping, its session expiring, a delivery from its
//! room, the outcome of the request it is carrying out (a message under review may take up to
//! the review timeout), and the next request — read only when no request is in flight, so one
//! sender's requests keep their order while deliveries keep flowing to it and to everyone else.
//!
//! A client that does not read cannot hold the room or its moderators up: every write races
//! the connection's controls and the write timeout, a connection that fell behind the room's
//! broadcast is closed (1008), and a control closes the connection within [`CLOSE_DEADLINE`]
//! whatever its socket does.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use super::AppState;
use crate::live::{Control, Deliveries, Delivery};
use crate::model::messaging::error_json;
use crate::model::{Timestamp, new_id};
use crate::service::{Connection, FrameError};
use crate::wire::frames::parse_request;

/// Kept small: 10,000 idle connections must stay cheap. It is only the buffer's first size: a
/// larger frame (up to [`MAX_MESSAGE`]) makes room for itself when its header arrives. 512
/// bytes hold a typical request; at 4 KiB an idle connection cost 8.6–9.0 KiB, at 512 bytes
/// 5.8–6.2 KiB (2,000 connections, `benches/fanout.rs`).
const READ_BUFFER: usize = 512;
const WRITE_BUFFER: usize = 4 * 1024;
/// The largest client frame read (a 500-character message with 1 KB of attributes is ~4 KB).
const MAX_MESSAGE: usize = 64 * 1024;
/// Frames written before a flush, when a connection has several deliveries waiting.
const WRITE_BATCH: usize = 64;
/// How long closing may take once decided (last frames, close frame): past it, the socket is
/// simply dropped. DisconnectUser must close a connection within a second.
pub const CLOSE_DEADLINE: Duration = Duration::from_millis(750);

const CLOSE_NORMAL: u16 = 1000;
const CLOSE_GOING_AWAY: u16 = 1001;
/// Policy violation: the client does not read what the room sends it.
const CLOSE_POLICY: u16 = 1008;

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

/// Why a connection's loop ends.
enum Stop {
    /// Send a close frame with this code and reason, then drop the socket.
    Close(u16, &'static str),
    /// Carry out a control (its last frames, then the close).
    Control(Control),
    /// The socket failed, or the client closed: nothing more to write.
    Gone,
}

/// The connection's wait for its control, made once: the same registration serves the whole
/// connection, instead of a new one (two locks) at each of its thousands of wake-ups.
type ControlWait<'a> = Pin<&'a mut (dyn Future<Output = Control> + Send)>;

/// Runs a write unless a control comes first or the socket takes nothing for `timeout`.
async fn guarded<T>(
    write: impl Future<Output = Result<T, axum::Error>>,
    control: &mut ControlWait<'_>,
    timeout: Duration,
    user: &str,
) -> Result<T, Stop> {
    let mut write = pin!(write);
    // Most writes complete at once (the socket has room): those arm no timer.
    let first = std::future::poll_fn(|cx| Poll::Ready(write.as_mut().poll(cx))).await;
    let written = match first {
        Poll::Ready(written) => Ok(written),
        // Boxed: the timer and the race live on the heap only while a write waits, so an idle
        // connection's task stays small.
        Poll::Pending => {
            let race = Box::pin(async {
                tokio::select! {
                    biased;
                    control = control.as_mut() => Err(control),
                    written = tokio::time::timeout(timeout, write) => Ok(written),
                }
            });
            match race.await {
                Ok(written) => written,
                Err(control) => return Err(Stop::Control(control)),
            }
        }
    };
    match written {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_)) => Err(Stop::Gone),
        Err(_) => {
            tracing::warn!(
                user,
                ?timeout,
                "closing a connection whose client takes no writes"
            );
            Err(Stop::Close(
                CLOSE_POLICY,
                "The client does not read its messages",
            ))
        }
    }
}

fn fell_behind(skipped: u64, user: &str) -> Stop {
    tracing::warn!(
        skipped,
        user,
        "closing a connection that fell behind its room"
    );
    Stop::Close(CLOSE_POLICY, "The connection fell too far behind the room")
}

/// Whether a delivery is this user's `aws:DISCONNECT_USER`, after which the connection closes.
fn closes(delivery: &Delivery, user: &str) -> bool {
    delivery.closes.as_deref() == Some(user)
}

fn disconnected() -> Stop {
    Stop::Close(CLOSE_NORMAL, "Disconnected by a moderator")
}

/// Writes a delivery and whatever else is already waiting, then flushes once. Notes in
/// `disconnect_written` when the user's disconnect event has been written, so that a control
/// interrupting the batch does not repeat it.
async fn write_deliveries(
    sink: &mut Sink,
    first: Delivery,
    deliveries: &mut Deliveries,
    disconnect_written: &mut bool,
    user: &str,
) -> Result<Result<(), Stop>, axum::Error> {
    let mut next = Some(first);
    let mut written = 0;
    while let Some(delivery) = next.take() {
        let last = closes(&delivery, user);
        sink.feed(Message::Text(delivery.frame)).await?;
        if last {
            *disconnect_written = true;
            sink.flush().await?;
            return Ok(Err(disconnected()));
        }
        written += 1;
        if written >= WRITE_BATCH {
            break;
        }
        next = match deliveries.try_recv() {
            Ok(delivery) => Some(delivery),
            Err(TryRecvError::Lagged(skipped)) => {
                sink.flush().await?;
                return Ok(Err(fell_behind(skipped, user)));
            }
            Err(_) => None,
        };
    }
    sink.flush().await?;
    Ok(Ok(()))
}

async fn send_error(
    sink: &mut Sink,
    request_id: &str,
    error: &FrameError,
) -> Result<(), axum::Error> {
    let frame = error_json(&new_id(), request_id, error.code, &error.message);
    sink.send(Message::Text(frame.into())).await
}

fn close_frame(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }))
}

/// The last writes of a connection, within [`CLOSE_DEADLINE`] (then the socket is dropped).
async fn finish(
    sink: &mut Sink,
    deliveries: &mut Deliveries,
    disconnect_written: bool,
    user: &str,
    stop: Stop,
) {
    let last_writes = async {
        match stop {
            Stop::Gone => Ok(()),
            Stop::Close(code, reason) => sink.send(close_frame(code, reason)).await,
            Stop::Control(Control::DisconnectUser { frame }) => {
                // What the room sent before the disconnect goes first, then its event (once).
                let mut written = disconnect_written;
                while !written && let Ok(next) = deliveries.try_recv() {
                    written = closes(&next, user);
                    sink.feed(Message::Text(next.frame)).await?;
                }
                if !written {
                    // Skipped by a lagging connection, or taken by an interrupted write.
                    sink.feed(Message::Text(frame)).await?;
                }
                sink.send(close_frame(CLOSE_NORMAL, "Disconnected by a moderator"))
                    .await
            }
            Stop::Control(Control::CloseRoom) => {
                while let Ok(next) = deliveries.try_recv() {
                    sink.feed(Message::Text(next.frame)).await?;
                }
                sink.send(close_frame(CLOSE_NORMAL, "The room was deleted"))
                    .await
            }
        }
    };
    let _ = tokio::time::timeout(CLOSE_DEADLINE, last_writes).await;
}

async fn run(socket: WebSocket, mut connection: Connection, app: Arc<AppState>) {
    let (mut sink, mut stream) = socket.split();
    let who = connection.participant.clone();
    let user: &str = &who.claims.user_id;
    let timeout = app.ws_write_timeout;
    let membership = &mut connection.membership;
    let (deliveries, controls) = (&mut membership.deliveries, &mut membership.controls);
    // The waits that last as long as the connection are made once, outside the loop: remade
    // at every delivery they cost each wake-up a registration with the control slot and with
    // the server's shutdown signal (shared by every connection).
    let control = pin!(controls.recv());
    let mut control: ControlWait = control;
    let mut stopping = app.service.shutdown_signal();
    let mut stopping = pin!(async move { stopping.wait_for(|stop| *stop).await.is_ok() });
    let remaining =
        (connection.session_expires.unix_nanos() - Timestamp::now().unix_nanos()).max(0);
    let expiry = tokio::time::sleep(Duration::from_nanos(remaining as u64));
    tokio::pin!(expiry);
    let mut in_flight: Option<(String, Outcome)> = None;
    let mut disconnect_written = false;

    let stop = loop {
        let step: Result<(), Stop> = tokio::select! {
            biased;
            control = control.as_mut() => Err(Stop::Control(control)),
            _ = stopping.as_mut() => Err(Stop::Close(CLOSE_GOING_AWAY, "The server is shutting down")),
            () = &mut expiry => {
                let expired = FrameError { code: 401, message: "The chat session has expired".to_owned() };
                guarded(send_error(&mut sink, "", &expired), &mut control, timeout, user).await
                    .and(Err(Stop::Close(CLOSE_NORMAL, "Session expired")))
            }
            delivery = deliveries.recv() => match delivery {
                Ok(delivery) => {
                    let write = write_deliveries(&mut sink, delivery, deliveries, &mut disconnect_written, user);
                    guarded(write, &mut control, timeout, user).await.and_then(|batch| batch)
                }
                Err(RecvError::Lagged(skipped)) => Err(fell_behind(skipped, user)),
                Err(RecvError::Closed) => Err(Stop::Close(CLOSE_NORMAL, "The room was deleted")),
            },
            outcome = async { in_flight.as_mut().expect("guarded").1.as_mut().await }, if in_flight.is_some() => {
                let (request_id, _) = in_flight.take().expect("guarded");
                match outcome {
                    Err(error) => guarded(send_error(&mut sink, &request_id, &error), &mut control, timeout, user).await,
                    Ok(()) => Ok(()),
                }
            }
            incoming = stream.next(), if in_flight.is_none() => match incoming {
                Some(Ok(Message::Text(text))) => match parse_request(text.as_str()) {
                    Ok(request) => {
                        let request_id = request.request_id().to_owned();
                        let (app, who) = (app.clone(), who.clone());
                        let outcome: Outcome = Box::pin(async move { app.service.handle_request(&who, request).await });
                        in_flight = Some((request_id, outcome));
                        Ok(())
                    }
                    Err(bad) => {
                        let error = FrameError { code: 400, message: bad.message };
                        guarded(send_error(&mut sink, &bad.request_id, &error), &mut control, timeout, user).await
                    }
                },
                Some(Ok(Message::Binary(_))) => {
                    let error = FrameError { code: 400, message: "Frames must be JSON text".to_owned() };
                    guarded(send_error(&mut sink, "", &error), &mut control, timeout, user).await
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => Ok(()),
                Some(Ok(Message::Close(_))) => {
                    // The WebSocket answers a close with the client's own code, queued for the
                    // next write: flush it, so the client sees its close completed (not 1006).
                    let _ = tokio::time::timeout(CLOSE_DEADLINE, sink.flush()).await;
                    Err(Stop::Gone)
                }
                Some(Err(_)) | None => Err(Stop::Gone),
            },
        };
        if let Err(stop) = step {
            break stop;
        }
    };
    // Boxed: run once, it need not make every connection's task larger.
    Box::pin(finish(
        &mut sink,
        deliveries,
        disconnect_written,
        user,
        stop,
    ))
    .await;
}
