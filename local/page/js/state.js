// What every part of the page shares: the one `state` object (the session, the room, the
// connection and what is on screen) and the timings of reconnecting. Nothing here acts.

// Reconnection backoff, as the IVS Chat SDK does: 1 s, 2 s, 4 s … at most 30 s, with jitter.
export const RETRY_FIRST_MS = 1000;
export const RETRY_MAX_MS = 30_000;

// A banned user has no connection to hear an unban on: the page asks again now and then.
export const BANNED_RECHECK_MS = 20_000;

// The page's one shared state: modules read and change it in place, never replace it.
export const state = {
  session: null, // {token, userId, displayName, groups}
  config: null, // {messagingEndpoint, defaultPolicy}
  room: null, // {id, name, role, owner, moderators: Set, manages, moderates, policy}
  socket: null,
  generation: 0, // bumped whenever a connection is dropped on purpose: stale answers are ignored
  readOnly: false, // connected with a read-only token (timed out)
  lock: null, // {kind: 'kicked' | 'banned' | 'timedOut', until, reason}: why the page cannot chat
  lockTimer: null,
  retry: { attempt: 0, timer: null, again: null },
  kicked: null, // the reason, once a moderator disconnected us
  sessionExpired: false, // the server ended the chat session (ERROR 401): reconnect on close
  pending: new Map(), // RequestId → {item, content} of a message not yet echoed
  seen: new Set(), // ids of the messages on screen (or deleted before they got there)
  people: new Map(), // userId → {displayName, role}: who has been seen in the room
  older: null, // {room, next, loading}: where the room's older history pages start (null: none)
  heldLoads: 0,
  heldOrder: 'oldest', // the held queue's order: 'oldest' or 'newest' first // the newest held-queue request: only its answer is drawn
  bansTimer: null,
  slow: { seconds: 0, readyAt: 0 }, // slow mode, and when this user may send again
  pinned: true, // the message list follows new messages (the reader has not scrolled up)
  unread: 0, // messages that arrived while the list was paused
  focusOnConnect: false,
  connectionNotice: false, // the notice says why the connection is down: it goes once connected
  card: null, // {userId, messageId, opener, undo}
};
