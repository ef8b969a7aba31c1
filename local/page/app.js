// The chat page of chat-local: the App HTTP API for sign-in, rooms, tokens and moderation, and
// the browser's own WebSocket for the IVS Chat Messaging API. No framework, no build step.
'use strict';

const $ = (id) => document.getElementById(id);

// Reasons the review handler gives (ERROR 406), in words.
const REASONS = {
  BLOCKED_TERM: 'it contains a term this room does not allow',
  PROFANITY: 'it contains profanity',
  LINK_NOT_ALLOWED: 'links to that site are not allowed here',
  EXCESSIVE_CAPS: 'too many capital letters',
  REPEATED_CHARACTERS: 'too many repeated characters',
  REPEATED_PHRASE: 'the same words repeated too often',
  DUPLICATE_MESSAGE: 'you just sent the same message',
  SLOW_MODE: 'slow mode is on',
  BANNED: 'you are banned from this room',
  TIMED_OUT: 'you are timed out in this room',
  HELD: 'it is waiting for a moderator to approve it',
};

// Roles are a strict hierarchy: admin > owner > moderator > viewer.
const RANK = { viewer: 0, moderator: 1, owner: 2, admin: 3 };
const outranks = (role, other) => (RANK[role] ?? 0) > (RANK[other] ?? 0);

// Name colours: each readable (4.5:1 or more) on white and on the own/mention highlights.
const NAME_COLOURS = [
  '#b3261e', '#9a4d00', '#7a5c00', '#1d6f42', '#0a6a75', '#1f5fbf',
  '#5b3cc4', '#8e24aa', '#b0306a', '#6d4c41', '#3f51b5', '#a33a00',
];

// Reconnection backoff, as the IVS Chat SDK does: 1 s, 2 s, 4 s … at most 30 s, with jitter.
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30_000;
// A banned user has no connection to hear an unban on: the page asks again now and then.
const BANNED_RECHECK_MS = 20_000;

const state = {
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
  heldLoads: 0, // the newest held-queue request: only its answer is drawn
  bansTimer: null,
  slow: { seconds: 0, readyAt: 0 }, // slow mode, and when this user may send again
  pinned: true, // the message list follows new messages (the reader has not scrolled up)
  unread: 0, // messages that arrived while the list was paused
  focusOnConnect: false,
  connectionNotice: false, // the notice says why the connection is down: it goes once connected
  card: null, // {userId, messageId, opener, undo}
};

class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || (body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.until = error.until;
    this.reason = error.reason;
  }
}

async function api(method, path, body) {
  const headers = {};
  if (state.session) headers.Authorization = `Bearer ${state.session.token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = null;
  if (response.status !== 204) {
    try { data = await response.json(); } catch { data = null; }
  }
  if (response.status === 401 && state.session) {
    signOut('Your sign-in has expired: sign in again.');
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// Worth trying again later: the server is down or busy, or the network is.
const transient = (e) => !(e instanceof ApiError) || e.status >= 500 || e.status === 429;

const show = (el, visible) => { el.hidden = !visible; };
const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** 75 → "1:15", 9 → "9 s". */
function duration(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function lengthInWords(seconds) {
  const units = [[604800, 'week'], [86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function button(label, onClick, className) {
  const b = element('button', className, label);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

function notice(text, kind) {
  const el = $('notice');
  // The same words again are not news (a screen reader would read them out again).
  if (el.textContent === (text || '') && el.className === `notice ${kind || ''}`) return;
  state.connectionNotice = false;
  el.textContent = text || '';
  el.className = `notice ${kind || ''}`;
  show(el, Boolean(text));
}

/** A notice about the connection itself, which goes once the page is connected again. */
function connectionNotice(text, kind) {
  notice(text, kind);
  state.connectionNotice = Boolean(text);
}

function clearConnectionNotice() {
  if (state.connectionNotice) notice('');
}

function composerNote(text) {
  $('composer-note').textContent = text || '';
}

function nameColour(userId) {
  // FNV-1a: the same colour for a user on every page.
  let hash = 2166136261;
  for (const ch of String(userId)) {
    hash ^= ch.codePointAt(0);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return NAME_COLOURS[hash % NAME_COLOURS.length];
}

const nameOf = (userId) => (state.people.get(userId) || {}).displayName || userId;

/** Someone seen in the room: their name, and the role their messages carry. */
function seenPerson(userId, displayName, role) {
  if (!userId) return;
  const known = state.people.get(userId);
  const person = { displayName: displayName || (known && known.displayName) || userId, role: role || (known && known.role) };
  state.people.set(userId, person);
  if (!known || known.displayName !== person.displayName) renderPeople();
}

/** A user's role in the room as the page knows it now. */
function roleOf(userId) {
  const room = state.room;
  const person = state.people.get(userId);
  if (person && person.role === 'admin') return 'admin';
  if (room && room.owner === userId) return 'owner';
  if (room && room.moderators.has(userId)) return 'moderator';
  return 'viewer';
}

// --- sign-in -----------------------------------------------------------------------------

function slug(name) {
  const id = name.trim().toLowerCase().replace(/[^a-z0-9_.@-]+/g, '-').replace(/^-+|-+$/g, '');
  return id || `user-${Math.random().toString(36).slice(2, 8)}`;
}

async function signIn(event) {
  event.preventDefault();
  $('sign-in-error').textContent = '';
  const displayName = $('name').value.trim();
  const groups = $('admin').checked ? ['admin'] : [];
  try {
    const session = await api('POST', '/dev/login', { userId: slug(displayName), displayName, groups });
    state.session = session;
    sessionStorage.setItem('chat-local-session', JSON.stringify(session));
    await enterLobby({ focus: true });
  } catch (e) {
    $('sign-in-error').textContent = e.message;
  }
}

function signOut(why) {
  closeSocket();
  clearLock();
  closeCard({ restore: false });
  state.session = null;
  state.room = null;
  sessionStorage.removeItem('chat-local-session');
  show($('lobby'), false);
  show($('whoami'), false);
  show($('sign-in'), true);
  show($('skip-to-message'), false);
  $('sign-in-error').textContent = why || '';
  $('name').focus();
}

async function enterLobby({ focus } = {}) {
  const s = state.session;
  $('me').textContent = `${s.displayName} (${s.userId})`;
  show($('me-admin'), s.groups.includes('admin'));
  show($('whoami'), true);
  show($('sign-in'), false);
  show($('lobby'), true);
  show($('new-room'), s.groups.includes('admin'));
  $('no-room-text').textContent = s.groups.includes('admin')
    ? 'Pick a room from the list, or create one, to start chatting.'
    : 'Pick a room from the list to start chatting.';
  if (!state.config) state.config = await api('GET', '/dev/config');
  await loadRooms();
  const linked = roomFromUrl();
  if (linked) {
    await join(linked, { focus });
  } else {
    setView('rooms');
    if (focus) $('rooms-title').focus();
  }
}

// --- where the page is: the room in the URL, and the view on a phone ----------------------

function roomFromUrl() {
  const match = location.hash.match(/^#\/rooms\/([^/?#]+)/);
  if (match) return decodeURIComponent(match[1]);
  return new URLSearchParams(location.search).get('room');
}

function roomUrl(roomId) {
  return `#/rooms/${encodeURIComponent(roomId)}`;
}

// On a phone one pane shows at a time (chat first); on a wide screen all of them do.
function setView(view, { focus } = {}) {
  $('lobby').dataset.view = view;
  if (!focus) return;
  if (view === 'rooms') $('rooms-title').focus();
  else if (view === 'mod') $('mod-title').focus();
  else if (!$('message').disabled) $('message').focus();
  else $('room-title').focus();
}

// --- rooms -------------------------------------------------------------------------------

async function loadRooms() {
  $('rooms-error').textContent = '';
  try {
    const { rooms } = await api('GET', '/rooms');
    const list = $('rooms');
    list.replaceChildren();
    for (const room of rooms) {
      const item = element('li');
      const b = button(room.name || room.id, () => join(room.id, { focus: true }), 'room-button');
      b.dataset.roomId = room.id;
      if (state.room && state.room.id === room.id) {
        b.classList.add('current');
        b.setAttribute('aria-current', 'true');
      }
      item.append(b);
      list.append(item);
    }
    show($('no-rooms'), rooms.length === 0);
    $('no-rooms').textContent = state.session.groups.includes('admin')
      ? 'No rooms yet: create one below.'
      : 'No rooms yet: an administrator creates them.';
  } catch (e) {
    $('rooms-error').textContent = e.message;
  }
}

async function createRoom(event) {
  event.preventDefault();
  $('rooms-error').textContent = '';
  try {
    const room = await api('POST', '/rooms', { name: $('room-name').value.trim() });
    $('room-name').value = '';
    await loadRooms();
    await join(room.id, { focus: true });
  } catch (e) {
    $('rooms-error').textContent = e.message;
  }
}

// --- joining and the chat connection -----------------------------------------------------

function stopRetrying() {
  clearTimeout(state.retry.timer);
  state.retry.timer = null;
}

/** Drops the connection on purpose: whatever it or a token request still in flight says is ignored. */
function closeSocket() {
  state.generation += 1;
  stopRetrying();
  if (state.socket) {
    const socket = state.socket;
    state.socket = null;
    socket.close(1000);
  }
  failPending('the connection closed');
  state.readOnly = false;
  setStatus('not connected');
}

function clearLock() {
  clearTimeout(state.lockTimer);
  state.lockTimer = null;
  state.lock = null;
}

function setStatus(text, online) {
  $('status').textContent = text;
  $('status').classList.toggle('online', Boolean(online));
  renderComposer();
}

const canSend = () => Boolean(state.socket && state.socket.readyState === WebSocket.OPEN && !state.readOnly);

function showRejoin(label) {
  $('rejoin').textContent = label || 'Rejoin';
  show($('rejoin'), Boolean(label));
}

async function join(roomId, { focus } = {}) {
  closeSocket();
  clearLock();
  closeCard({ restore: false });
  notice('');
  showRejoin(null);
  $('no-room-error').textContent = '';
  // Rejoining keeps what this page has seen (history fills the gap, once); another room starts
  // empty and history fills it.
  if (!state.room || state.room.id !== roomId) {
    $('messages').replaceChildren();
    state.seen.clear();
    state.people.clear();
    state.slow.readyAt = 0;
    state.unread = 0;
    state.pinned = true;
    renderPaused();
    renderPeople();
  }
  if (location.hash !== roomUrl(roomId)) history.replaceState(null, '', roomUrl(roomId));
  historyBusy(true);
  show($('room'), true);
  show($('no-room'), false);
  $('lobby').classList.add('in-room');
  show($('skip-to-message'), true);
  setView('chat');
  for (const b of document.querySelectorAll('.room-button')) {
    const current = b.dataset.roomId === roomId;
    b.classList.toggle('current', current);
    if (current) b.setAttribute('aria-current', 'true');
    else b.removeAttribute('aria-current');
  }
  const generation = state.generation;
  let room;
  try {
    room = await api('GET', `/rooms/${encodeURIComponent(roomId)}`);
  } catch (e) {
    if (generation !== state.generation) return;
    historyBusy(false);
    if (e.status === 404 || e.status === 400) {
      // A link to a room that is gone (or never was): back to the list, saying so.
      state.room = null;
      history.replaceState(null, '', location.pathname);
      show($('room'), false);
      show($('mod-pane'), false);
      $('lobby').classList.remove('in-room', 'has-mod');
      show($('no-room'), true);
      setView('rooms');
      $('no-room-error').textContent = 'That room does not exist (any more): pick another one.';
      return;
    }
    if (transient(e)) {
      scheduleReconnect(() => join(roomId, { focus }));
    } else {
      connectionNotice(e.message, 'error');
      showRejoin('Try again');
    }
    return;
  }
  if (generation !== state.generation) return;
  applyRoom(room);
  $('room-title').textContent = state.room.name;
  $('room-link').href = roomUrl(state.room.id);
  $('message-label').textContent = `Message to ${state.room.name}`;
  document.title = `${state.room.name} · IVS Chat · local`;
  renderModeration();
  state.focusOnConnect = Boolean(focus);
  await connect();
}

/**
 * Takes in what GET /rooms/{id} says: role, owner, moderators and the policy (slow mode). The
 * same room stays the same object, so work in flight for it (history, a token) still lands.
 */
function applyRoom(room) {
  const same = state.room && state.room.id === room.id;
  const before = same ? Number(state.room.policy.slowModeSeconds) || 0 : null;
  const fields = {
    id: room.id,
    name: room.name || room.id,
    role: room.role,
    owner: room.owner,
    moderators: new Set(room.moderators || []),
    manages: room.role === 'owner' || room.role === 'admin',
    moderates: room.role !== 'viewer',
    policy: room.policy || (state.config && state.config.defaultPolicy) || {},
  };
  if (same) Object.assign(state.room, fields);
  else state.room = fields;
  $('role').textContent = room.role;
  $('role').className = `badge role-${room.role}`;
  const seconds = Number(state.room.policy.slowModeSeconds) || 0;
  if (before !== null && before !== seconds) {
    systemLine(seconds > 0 ? `Slow mode is on: one message every ${seconds} s.` : 'Slow mode is off.');
  }
  state.slow.seconds = seconds;
  if (seconds === 0) state.slow.readyAt = 0;
  renderSlowMode();
  for (const item of document.querySelectorAll('#messages li.message')) renderTools(item);
}

/** Reads the room again (roles, policy); a new role of one's own takes a new token. */
async function refreshRoom() {
  const current = state.room;
  if (!current) return;
  let room;
  try {
    room = await api('GET', `/rooms/${encodeURIComponent(current.id)}`);
  } catch (e) {
    console.error('room not read again', e);
    return;
  }
  if (state.room !== current) return;
  const roleChanged = room.role !== current.role;
  applyRoom(room);
  if (roleChanged) {
    renderModeration();
    if (state.lock && state.lock.kind !== 'timedOut') return;
    // The token carries the role: take a new one (what the page shows stays; history fills in).
    await reconnect();
  } else if (state.room.manages) {
    renderModerators();
  }
}

async function reconnect() {
  closeSocket();
  await connect();
}

/**
 * Takes a fresh chat token and connects with it. `removedBy` is set once a moderator
 * disconnected us: the token request then says why (a ban, a time-out, or only a kick).
 */
async function connect({ removedBy } = {}) {
  const room = state.room;
  if (!room) return;
  stopRetrying();
  const generation = ++state.generation;
  if (state.socket) {
    const old = state.socket;
    state.socket = null;
    old.close(1000);
  }
  if (!state.retry.attempt) setStatus('connecting…');
  let issued;
  try {
    issued = await api('POST', `/rooms/${encodeURIComponent(room.id)}/tokens`, {});
  } catch (e) {
    if (generation !== state.generation || state.room !== room) return;
    historyBusy(false);
    if (e.code === 'BANNED') {
      lockBanned(e, removedBy);
    } else if (e.code === 'TIMED_OUT') {
      // A backend without read-only tokens: no reading either, but the countdown still runs.
      lockTimedOut(e.until, e.reason, false);
      setStatus('timed out');
    } else if (transient(e)) {
      scheduleReconnect();
    } else {
      connectionNotice(e.message, 'error');
      setStatus('not connected');
      showRejoin('Try again');
    }
    return;
  }
  if (generation !== state.generation || state.room !== room) return;
  const wasLocked = state.lock;
  if (issued.readOnly) {
    lockTimedOut(issued.until, issued.reason || removedBy, true);
  } else if (removedBy !== undefined) {
    // Neither banned nor timed out: a kick. Coming back is the user's own choice.
    state.lock = { kind: 'kicked', reason: removedBy };
    const text = `You were disconnected by a moderator${removedBy ? `: ${removedBy}` : ''}.`;
    notice(`${text} You can rejoin.`, 'error');
    systemLine(text);
    setStatus('disconnected');
    showRejoin('Rejoin');
    return;
  } else {
    clearLock();
    showRejoin(null);
    if (wasLocked && (wasLocked.kind === 'timedOut' || wasLocked.kind === 'banned')) {
      notice(wasLocked.kind === 'timedOut' ? 'Your time-out is over: you can chat again.' : 'Your ban was lifted: welcome back.');
      composerNote('');
    }
  }
  room.capabilities = issued.capabilities;
  state.readOnly = Boolean(issued.readOnly);
  openSocket(room, issued, generation);
}

function openSocket(room, issued, generation) {
  // The token travels as the WebSocket subprotocol, exactly as with IVS Chat.
  const socket = new WebSocket(state.config.messagingEndpoint, issued.token);
  state.socket = socket;
  socket.addEventListener('open', () => {
    if (state.socket !== socket) return;
    state.retry.attempt = 0;
    showRejoin(null);
    clearConnectionNotice();
    setStatus(state.readOnly ? 'read only (timed out)' : `connected as ${issued.role}`, !state.readOnly);
    if (state.focusOnConnect && !state.readOnly) {
      state.focusOnConnect = false;
      $('message').focus();
    }
    // Read once connected: what was said before is in history, what comes after arrives live,
    // and what is in both is drawn once. A reconnect fills its gap the same way.
    loadHistory(room);
  });
  socket.addEventListener('message', (event) => {
    if (state.socket !== socket) return;
    try {
      onFrame(JSON.parse(event.data));
    } catch (e) {
      console.error('unreadable frame', e);
    }
  });
  socket.addEventListener('close', () => {
    if (state.socket !== socket || generation !== state.generation) return;
    state.socket = null;
    state.readOnly = false;
    failPending('the connection closed');
    historyBusy(false);
    if (state.kicked !== null) {
      const reason = state.kicked;
      state.kicked = null;
      setStatus('disconnected');
      connect({ removedBy: reason });
    } else if (state.sessionExpired) {
      // The chat session ended (ERROR 401): reconnect with a fresh token, as the SDK does.
      state.sessionExpired = false;
      connect();
    } else {
      scheduleReconnect();
    }
  });
}

/**
 * The connection went (a restart, the network): try again with backoff and a fresh token.
 * `again` is what to try (connecting, or the whole join when even the room could not be read).
 */
function scheduleReconnect(again = () => connect()) {
  stopRetrying();
  const retry = state.retry;
  retry.attempt += 1;
  retry.again = again;
  const base = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (retry.attempt - 1));
  const delay = Math.round(base * (0.8 + Math.random() * 0.4));
  retry.timer = setTimeout(() => { retry.timer = null; again(); }, delay);
  setStatus('reconnecting…');
  showRejoin('Reconnect now');
  if (retry.attempt === 2) connectionNotice('The connection to the chat was lost: reconnecting…');
}

function lockBanned(error, removedBy) {
  clearLock();
  state.lock = { kind: 'banned', reason: error.reason };
  const reason = error.reason ? ` (${error.reason})` : '';
  const how = removedBy !== undefined ? 'You were disconnected by a moderator: you are banned' : 'You are banned';
  const until = error.until ? ` until ${new Date(error.until).toLocaleString()}` : '';
  notice(`${how} from this room${until}${reason}.`, 'error');
  setStatus('banned');
  showRejoin('Try again');
  // Nothing reaches a page without a connection: ask again now and then, so an unban shows.
  state.lockTimer = setTimeout(() => connect(), BANNED_RECHECK_MS);
}

/** Timed out: a countdown in the message box, and back by itself when it ends. */
function lockTimedOut(until, reason, reading) {
  const first = !state.lock || state.lock.kind !== 'timedOut';
  clearLock();
  const end = Date.parse(until) || Date.now() + 5000;
  state.lock = { kind: 'timedOut', until: end, reason };
  if (first) {
    const why = reason ? ` (${reason})` : '';
    notice(`You are timed out until ${clock(end)}${why}. ${reading ? 'You can still read along; the' : 'The'} message box comes back by itself when it ends.`, 'error');
  }
  showRejoin(null);
  // A little after the end, so the server agrees it is over; if not, it says until when.
  state.lockTimer = setTimeout(() => reconnect(), Math.max(300, end - Date.now() + 300));
  renderComposer();
}

function failPending(why) {
  for (const { item, content } of state.pending.values()) {
    item.classList.remove('pending');
    item.classList.add('refused');
    item.append(element('div', 'refusal', `Not sent: ${why}. Only you can see this.`));
    restoreText(content);
  }
  state.pending.clear();
}

/** Puts refused text back in the message box, unless something new is being typed there. */
function restoreText(content) {
  const input = $('message');
  if (!input.value.trim()) input.value = content;
}

// --- the message box ---------------------------------------------------------------------

function renderComposer() {
  const input = $('message');
  const sendButton = $('send');
  const lock = state.lock;
  let placeholder = 'Say something';
  let enabled = canSend();
  let sendLabel = 'Send';
  if (lock && lock.kind === 'timedOut') {
    enabled = false;
    placeholder = `Timed out: you can chat again in ${duration(lock.until - Date.now())}`;
  } else if (lock && lock.kind === 'banned') {
    placeholder = 'You are banned from this room';
  } else if (lock && lock.kind === 'kicked') {
    placeholder = 'Disconnected by a moderator';
  } else if (!enabled && state.retry.attempt > 0) {
    placeholder = 'Reconnecting…';
  } else if (!enabled) {
    placeholder = 'Not connected';
  }
  input.disabled = !enabled;
  if (input.placeholder !== placeholder) input.placeholder = placeholder;
  const wait = state.slow.readyAt - Date.now();
  const slowed = enabled && wait > 0;
  if (slowed) sendLabel = duration(wait);
  sendButton.disabled = !enabled || slowed;
  if (sendButton.textContent !== sendLabel) sendButton.textContent = sendLabel;
  if (slowed) sendButton.setAttribute('aria-label', `Send (slow mode: ${duration(wait)} to wait)`);
  else sendButton.removeAttribute('aria-label');
  sendButton.classList.toggle('waiting', slowed);
}

function renderSlowMode() {
  const seconds = state.slow.seconds;
  const badge = $('slow-mode');
  show(badge, seconds > 0);
  const exempt = state.room && state.room.moderates;
  badge.textContent = `Slow mode ${seconds} s${exempt ? ' (not for you)' : ''}`;
  badge.title = exempt
    ? `Viewers may send one message every ${seconds} seconds; moderators are exempt.`
    : `You may send one message every ${seconds} seconds.`;
  renderComposer();
}

function send(event) {
  event.preventDefault();
  const input = $('message');
  const content = input.value;
  if (!content.trim() || !canSend()) return;
  const wait = state.slow.readyAt - Date.now();
  if (wait > 0) {
    composerNote(`Slow mode: you can send again in ${duration(wait)}.`);
    return;
  }
  composerNote('');
  const requestId = crypto.randomUUID();
  const item = messageItem({
    id: null,
    userId: state.session.userId,
    displayName: state.session.displayName,
    content,
    sendTime: new Date().toISOString(),
  });
  item.classList.add('pending');
  state.pending.set(requestId, { item, content });
  $('messages').append(item);
  listChanged();
  scrollDown();
  state.socket.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: requestId, Content: content }));
  input.value = '';
}

// --- frames --------------------------------------------------------------------------------

function onFrame(frame) {
  switch (frame.Type) {
    case 'MESSAGE': {
      const sent = state.pending.get(frame.RequestId);
      state.pending.delete(frame.RequestId);
      const attributes = (frame.Sender && frame.Sender.Attributes) || {};
      const message = {
        id: frame.Id,
        userId: frame.Sender.UserId,
        displayName: attributes.displayName || frame.Sender.UserId,
        role: attributes.role,
        content: frame.Content,
        sendTime: frame.SendTime,
      };
      if (message.userId === state.session.userId) ownMessageDelivered();
      const place = (item) => (sent ? sent.item.replaceWith(item) : $('messages').append(item));
      const shown = addMessage(message, place);
      // History got there first: the pending copy has nothing left to wait for.
      if (!shown && sent) sent.item.remove();
      if (shown && sent && sent.content !== frame.Content) {
        // The room's moderation hid part of it: only the sender learns so.
        shown.classList.add('masked');
        shown.append(element('div', 'masked-note',
          'Part of your message was hidden by the room\'s moderation. Only you can see this note.'));
      }
      arrived(!sent);
      break;
    }
    case 'EVENT':
      onEvent(frame);
      break;
    case 'ERROR': {
      const sent = state.pending.get(frame.RequestId);
      state.pending.delete(frame.RequestId);
      if (sent) {
        refuse(sent, frame);
      } else if (frame.ErrorCode === 401) {
        state.sessionExpired = true;
      } else {
        notice(`${frame.ErrorMessage} (${frame.ErrorCode})`, 'error');
      }
      break;
    }
    default:
      break;
  }
}

/** One of this user's messages went through: slow mode counts from now. */
function ownMessageDelivered() {
  if (state.slow.seconds > 0 && state.room && !state.room.moderates) {
    state.slow.readyAt = Date.now() + state.slow.seconds * 1000;
    renderComposer();
  }
}

/** "CODE" or "CODE until <time>" (a time-out) → words. */
function reasonInWords(message) {
  const [code, ...rest] = String(message).split(' ');
  let words = REASONS[code] || 'the room\'s moderation refused it';
  if (code === 'SLOW_MODE') {
    const wait = state.slow.readyAt - Date.now();
    words = wait > 0
      ? `slow mode is on: wait ${duration(wait)}`
      : `slow mode is on: one message every ${state.slow.seconds || 'few'} s`;
  }
  const until = rest[0] === 'until' && rest[1] ? ` until ${clock(Date.parse(rest[1]))}` : '';
  return `${words}${until} (${code})`;
}

function refuse(sent, frame) {
  const { item, content } = sent;
  item.classList.remove('pending');
  if (frame.ErrorCode === 406 && frame.ErrorMessage === 'HELD') {
    // Not refused: a moderator may still approve it, and then it replaces this copy.
    item.classList.add('held');
    item.append(element('div', 'held-note',
      `Held for review: ${reasonInWords(frame.ErrorMessage)}. Only you can see this until then.`));
    keepInView(item);
    return;
  }
  if (frame.ErrorCode === 406 && frame.ErrorMessage === 'SLOW_MODE') {
    // The page's count was off (another tab, a reload): wait the room's full interval.
    if (state.slow.readyAt <= Date.now() && state.slow.seconds > 0) {
      state.slow.readyAt = Date.now() + state.slow.seconds * 1000;
    }
    if (!state.slow.seconds) refreshRoom();
  }
  item.classList.add('refused');
  const why = frame.ErrorCode === 406
    ? reasonInWords(frame.ErrorMessage)
    : `${frame.ErrorMessage} (${frame.ErrorCode})`;
  item.append(element('div', 'refusal', `Not sent: ${why}. Only you can see this.`));
  restoreText(content);
  composerNote('Your message is back in the box: change it and send again.');
  renderComposer();
  keepInView(item);
}

function keepInView(item) {
  if (state.pinned) scrollDown();
  else item.scrollIntoView({ block: 'nearest' });
}

function onEvent(frame) {
  const attributes = frame.Attributes || {};
  const room = state.room;
  const me = state.session.userId;
  // Another moderator acted: keep the bans list and the audit log current.
  if (room && room.moderates && (frame.EventName.startsWith('aws:') || frame.EventName === 'app:unbanned')) {
    loadBans();
    loadAudit();
  }
  switch (frame.EventName) {
    case 'aws:DELETE_MESSAGE': {
      const id = attributes.MessageID || attributes.MessageId;
      // Seen, so a history answer still in flight cannot bring it back.
      if (id) state.seen.add(id);
      const item = document.querySelector(`#messages li[data-id="${CSS.escape(id || '')}"]`);
      if (item) {
        item.classList.add('deleted');
        item.querySelector('.text').textContent = 'Message deleted by a moderator.';
        for (const extra of item.querySelectorAll('.tools, .masked-note')) extra.remove();
      }
      if (state.card && state.card.messageId === id) renderCard();
      break;
    }
    case 'aws:DISCONNECT_USER':
      if (attributes.UserId === me) {
        state.kicked = attributes.Reason || '';
      } else {
        systemLine(`${nameOf(attributes.UserId)} was removed from the room.`);
      }
      break;
    case 'app:held':
      // It carries no content: moderators read the queue, viewers have nothing to see.
      if (room && room.moderates) {
        loadHeld();
        loadAudit();
      }
      break;
    case 'app:held-approved':
      showApproved(attributes);
      if (room && room.moderates) loadHeld();
      break;
    case 'app:unbanned':
      // Heard while timed out (a read-only connection): chat again at once.
      if (attributes.userId === me && state.lock) reconnect();
      break;
    case 'app:role-changed': {
      const who = attributes.userId === me ? 'You are' : `${nameOf(attributes.userId)} is`;
      systemLine(attributes.role === 'moderator'
        ? `${who} now a moderator.`
        : `${who} no longer a moderator.`);
      if (attributes.userId === me) {
        notice(attributes.role === 'moderator'
          ? 'You are now a moderator of this room: the moderation tools are open.'
          : 'You are no longer a moderator of this room.');
      }
      refreshRoom();
      if (state.card && state.card.userId === attributes.userId) renderCard();
      break;
    }
    case 'app:policy-changed':
      refreshRoom();
      break;
    default:
      systemLine(`${frame.EventName}${attributes.text ? `: ${attributes.text}` : ''}`);
  }
}

// --- the message list ----------------------------------------------------------------------

function systemLine(text) {
  $('messages').append(element('li', 'system', text));
  arrived(false);
}

function nearBottom() {
  const list = $('log');
  return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
}

function scrollDown() {
  const list = $('log');
  list.scrollTop = list.scrollHeight;
  state.pinned = true;
  state.unread = 0;
  renderPaused();
}

/** Something was added at the bottom: follow it, or count it while the reader is scrolled up. */
function arrived(counts) {
  listChanged();
  if (state.pinned) {
    scrollDown();
  } else if (counts) {
    state.unread += 1;
    renderPaused();
  }
}

function renderPaused() {
  const paused = $('paused');
  const n = state.unread;
  show(paused, !state.pinned);
  paused.textContent = n > 0
    ? `Chat paused — ${n} new message${n === 1 ? '' : 's'} ↓`
    : 'Chat paused — back to the newest ↓';
}

/** After any change to the list: the empty state, and which name the Tab key reaches. */
function listChanged() {
  keepActiveName();
  const empty = state.room && $('log').getAttribute('aria-busy') !== 'true' && !$('messages').querySelector('li');
  show($('empty'), Boolean(empty));
}

/** "@name" words, and whether one of them (or "@Display Name") means this user. */
function mentionsMe(content) {
  const me = state.session;
  const text = content.toLowerCase();
  const names = [me.userId, me.displayName].map((n) => `@${n.toLowerCase()}`);
  return names.some((name) => {
    let at = text.indexOf(name);
    while (at !== -1) {
      const next = text[at + name.length];
      if (next === undefined || !/[\p{L}\p{N}_]/u.test(next)) return true;
      at = text.indexOf(name, at + 1);
    }
    return false;
  });
}

function renderText(el, content) {
  const parts = content.split(/(@[\p{L}\p{N}_.-]*[\p{L}\p{N}_])/u);
  el.replaceChildren(...parts.map((part, i) => (i % 2 === 1 ? element('span', 'at', part) : document.createTextNode(part))));
}

// The list is one Tab stop (a sender's name, the newest unless the reader moved), not one per
// message; the arrow keys, Home and End move between messages.
function setActiveName(target) {
  for (const b of $('messages').querySelectorAll('.name[tabindex="0"]')) b.tabIndex = -1;
  if (target) target.tabIndex = 0;
}

function keepActiveName() {
  if ($('log').contains(document.activeElement)) return;
  const names = $('messages').querySelectorAll('li.message .name');
  setActiveName(names[names.length - 1]);
}

function moveInList(event) {
  const names = [...$('messages').querySelectorAll('li.message .name')];
  const at = names.indexOf(document.activeElement);
  if (at === -1) return;
  const to = { ArrowUp: at - 1, ArrowDown: at + 1, Home: 0, End: names.length - 1 }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const next = names[Math.max(0, Math.min(names.length - 1, to))];
  setActiveName(next);
  next.focus();
}

function nameButton(userId, displayName, messageId) {
  const name = button(displayName, (event) => openCard(userId, messageId, event.currentTarget), 'name');
  name.tabIndex = -1;
  name.style.color = nameColour(userId);
  name.setAttribute('aria-haspopup', 'dialog');
  name.title = `${userId}: open the user card`;
  return name;
}

function messageItem(message) {
  const own = message.userId === state.session.userId;
  const item = element('li', 'message');
  if (message.id) {
    item.dataset.id = message.id;
    item.dataset.time = String(Date.parse(message.sendTime));
  }
  item.dataset.user = message.userId;
  item.dataset.name = message.displayName;
  if (message.role) item.dataset.role = message.role;
  if (own) item.classList.add('own');
  const mention = !own && mentionsMe(message.content);
  if (mention) item.classList.add('mention');
  const head = element('div', 'head');
  head.append(nameButton(message.userId, message.displayName, message.id));
  if (message.role && message.role !== 'viewer') {
    head.append(element('span', `badge role-${message.role}`, message.role));
  }
  if (own) head.append(element('span', 'sr-only', '(you)'));
  if (mention) head.append(element('span', 'mention-tag', 'mentions you'));
  head.append(element('span', 'time', time(message.sendTime)));
  const text = element('div', 'text');
  renderText(text, message.content);
  item.append(head, text);
  renderTools(item);
  return item;
}

/**
 * A moderator's quick tool on a message, shown on hover or focus: Delete (mouse only, for
 * keyboards it is in the user card). Everything else is in the user card.
 */
function renderTools(item) {
  const old = item.querySelector('.tools');
  if (old) old.remove();
  const room = state.room;
  const id = item.dataset.id;
  if (!room || !room.moderates || !id || item.classList.contains('deleted')) return;
  const own = item.dataset.user === state.session.userId;
  if (!own && !outranks(room.role, item.dataset.role || 'viewer')) return;
  const tools = element('div', 'tools');
  const text = item.querySelector('.text').textContent;
  const del = button('Delete', () => deleteMessage(id), 'delete');
  del.tabIndex = -1;
  del.setAttribute('aria-label', `Delete ${item.dataset.name}'s message: ${text.slice(0, 60)}`);
  tools.append(del);
  item.querySelector('.head').append(tools);
}

function deleteMessage(id) {
  return moderate(() => api('DELETE', `/rooms/${encodeURIComponent(state.room.id)}/messages/${encodeURIComponent(id)}`));
}

// --- history and approved messages -------------------------------------------------------

// A message as the App API gives it (history, the held queue) → as the page draws it.
function fromView(view) {
  const attributes = (view.sender && view.sender.attributes) || {};
  return {
    id: view.id,
    userId: view.sender.userId,
    displayName: attributes.displayName || view.sender.userId,
    role: attributes.role,
    content: view.content,
    sendTime: view.sendTime,
  };
}

// Draws a delivered message once: live frames, history and approvals can carry the same id.
// Returns its <li>, or null when it is on screen already.
function addMessage(message, place) {
  seenPerson(message.userId, message.displayName, message.role);
  if (message.id && state.seen.has(message.id)) return null;
  if (message.id) state.seen.add(message.id);
  const item = messageItem(message);
  place(item);
  listChanged();
  return item;
}

// History goes where it belongs in time: above what arrived live while it loaded, and on a
// rejoin after what the page saw before.
function placeInTime(item) {
  const at = Number(item.dataset.time);
  const timed = [...document.querySelectorAll('#messages li[data-time]')];
  const later = timed.find((li) => Number(li.dataset.time) > at);
  if (later) later.before(item);
  else if (timed.length > 0) timed[timed.length - 1].after(item);
  else $('messages').prepend(item);
}

// While history loads the list is busy: screen readers do not read old messages out as new.
function historyBusy(busy) {
  $('log').setAttribute('aria-busy', String(busy));
  listChanged();
}

async function loadHistory(room) {
  historyBusy(true);
  let page;
  try {
    page = await api('GET', `/rooms/${encodeURIComponent(room.id)}/messages?limit=50`);
  } catch (e) {
    // 403: banned, which the connection reports already.
    if (e.status !== 403 && state.room === room) notice(`History not loaded: ${e.message}`, 'error');
    if (state.room === room) historyBusy(false);
    return;
  }
  if (state.room !== room) return; // another room was chosen meanwhile
  // Newest first from the API; oldest first on screen.
  let added = 0;
  for (const view of [...page.messages].reverse()) {
    if (addMessage(fromView(view), placeInTime)) added += 1;
  }
  historyBusy(false);
  if (state.pinned) scrollDown();
  else if (added) { state.unread += added; renderPaused(); }
}

// The sender's own held copy of a message, which the approved one replaces.
function ownHeldCopy(message) {
  if (message.userId !== state.session.userId) return null;
  return [...document.querySelectorAll('#messages li.held')]
    .find((li) => li.querySelector('.text').textContent === message.content) || null;
}

// A held message a moderator approved, drawn as the sender's message (IVS cannot send one on
// their behalf, so it comes as an event).
async function showApproved(attributes) {
  const room = state.room;
  let message = {
    id: attributes.messageId,
    userId: attributes.userId,
    displayName: attributes.displayName || attributes.userId,
    content: attributes.content,
    sendTime: attributes.sendTime,
  };
  if (attributes.content === undefined) {
    // Too long for the event's attributes: history has it.
    try {
      const page = await api('GET', `/rooms/${encodeURIComponent(room.id)}/messages?limit=20`);
      const view = page.messages.find((m) => m.id === attributes.messageId);
      if (!view || state.room !== room) return;
      message = fromView(view);
    } catch (e) {
      console.error('approved message not read', e);
      return;
    }
  }
  const copy = ownHeldCopy(message);
  const place = (item) => (copy ? copy.replaceWith(item) : $('messages').append(item));
  const shown = addMessage(message, place);
  if (!shown && copy) copy.remove();
  arrived(Boolean(shown) && !copy);
}

// --- the user card -------------------------------------------------------------------------

function openCard(userId, messageId, opener) {
  state.card = { userId, messageId, opener, undo: null };
  $('card-status').textContent = '';
  $('card-reason').value = '';
  $('card-purge').checked = true;
  show($('card-confirm'), false);
  show($('card-undo'), false);
  renderCard();
  const dialog = $('user-card');
  if (!dialog.open) dialog.showModal();
  $('card-close').focus();
}

/** Closes the card; `restore` gives focus back to where it was opened from. */
function closeCard({ restore = true } = {}) {
  const dialog = $('user-card');
  if (state.card && !restore) state.card.opener = null;
  if (dialog.open) dialog.close();
}

function onCardClosed() {
  const card = state.card;
  state.card = null;
  if (!card || !card.opener) return;
  if (card.opener.isConnected) card.opener.focus();
  else if (!$('message').disabled) $('message').focus();
}

function renderCard() {
  const card = state.card;
  if (!card) return;
  const { userId } = card;
  const name = nameOf(userId);
  const role = roleOf(userId);
  const room = state.room;
  const me = state.session.userId;
  $('card-name').textContent = name;
  $('card-name').style.color = nameColour(userId);
  $('card-id').textContent = `User id: ${userId}${userId === me ? ' (you)' : ''}`;
  $('card-role').textContent = role;
  $('card-role').className = `badge role-${role}`;
  const recent = [...document.querySelectorAll('#messages li.message[data-id]:not(.deleted)')]
    .filter((li) => li.dataset.user === userId)
    .slice(-5);
  const list = $('card-messages');
  list.replaceChildren(...recent.map((li) => {
    const item = element('li');
    item.append(element('span', 'time', li.querySelector('.time').textContent), ' ',
      element('span', 'text', li.querySelector('.text').textContent));
    return item;
  }));
  if (recent.length === 0) list.append(element('li', 'hint', 'No messages on screen.'));
  const acts = room && room.moderates && userId !== me && outranks(room.role, role);
  show($('card-form'), acts);
  const item = card.messageId
    ? document.querySelector(`#messages li[data-id="${CSS.escape(card.messageId)}"]`) : null;
  const deletable = item && !item.classList.contains('deleted') && item.querySelector('.tools .delete');
  show($('card-delete'), Boolean(deletable));
  if (item) {
    const text = item.querySelector('.text').textContent;
    $('card-delete').textContent = `Delete ${name}'s message “${text.length > 40 ? `${text.slice(0, 39)}…` : text}”`;
  }
  $('card-timeout').textContent = `Time out ${name}`;
  $('card-kick').textContent = `Kick ${name}`;
  $('card-ban').textContent = `Ban ${name}…`;
  $('card-ban-confirm').textContent = `Ban ${name}`;
  const manages = room && room.manages && userId !== me;
  show($('card-promote'), Boolean(manages && role === 'viewer'));
  show($('card-demote'), Boolean(manages && role === 'moderator'));
  $('card-promote').textContent = `Make ${name} a moderator`;
  $('card-demote').textContent = `Remove ${name} as moderator`;
  show($('card-tools'), Boolean(acts || deletable || manages));
}

/** Runs a card action; its outcome goes to the card's status line (with an undo, if any). */
async function cardAction(action, done, undo) {
  const card = state.card;
  const status = $('card-status');
  status.textContent = 'Working…';
  status.classList.remove('error');
  show($('card-undo'), false);
  try {
    await action();
    if (state.card !== card) return;
    status.textContent = done;
    if (undo) {
      card.undo = undo;
      show($('card-undo'), true);
    }
  } catch (e) {
    if (state.card !== card) return;
    status.textContent = e.message;
    status.classList.add('error');
  }
  await Promise.all([loadBans(), loadAudit()]);
  renderCard();
}

function banBody(durationSeconds) {
  const body = { userId: state.card.userId, purgeMessages: $('card-purge').checked };
  const reason = $('card-reason').value.trim();
  if (reason) body.reason = reason;
  if (durationSeconds) body.durationSeconds = durationSeconds;
  return body;
}

function unbanAction(userId) {
  const room = state.room;
  return async () => {
    await api('DELETE', `/rooms/${encodeURIComponent(room.id)}/bans/${encodeURIComponent(userId)}`);
  };
}

function wireCard() {
  const dialog = $('user-card');
  dialog.addEventListener('close', onCardClosed);
  // A click on the backdrop closes it, as a click outside a popover does.
  dialog.addEventListener('click', (event) => { if (event.target === dialog) closeCard(); });
  $('card-close').addEventListener('click', closeCard);
  $('card-delete').addEventListener('click', () => {
    const { messageId } = state.card;
    cardAction(() => api('DELETE', `/rooms/${encodeURIComponent(state.room.id)}/messages/${encodeURIComponent(messageId)}`),
      'Message deleted.');
  });
  $('card-timeout').addEventListener('click', () => {
    const seconds = Number($('card-duration').value);
    const { userId } = state.card;
    const body = banBody(seconds);
    cardAction(() => api('POST', `/rooms/${encodeURIComponent(state.room.id)}/bans`, body),
      `${nameOf(userId)} is timed out for ${lengthInWords(seconds)}.`, unbanAction(userId));
  });
  $('card-kick').addEventListener('click', () => {
    const { userId } = state.card;
    const body = { userId };
    const reason = $('card-reason').value.trim();
    if (reason) body.reason = reason;
    cardAction(() => api('POST', `/rooms/${encodeURIComponent(state.room.id)}/disconnects`, body),
      `${nameOf(userId)} was disconnected; they may rejoin.`);
  });
  $('card-ban').addEventListener('click', () => {
    const name = nameOf(state.card.userId);
    $('card-confirm-text').textContent = `Ban ${name} from this room until someone lifts it?${$('card-purge').checked ? ` Their recent messages go too.` : ''}`;
    show($('card-confirm'), true);
    $('card-ban-confirm').focus();
  });
  $('card-ban-cancel').addEventListener('click', () => {
    show($('card-confirm'), false);
    $('card-ban').focus();
  });
  $('card-ban-confirm').addEventListener('click', () => {
    const { userId } = state.card;
    const body = banBody(0);
    show($('card-confirm'), false);
    cardAction(() => api('POST', `/rooms/${encodeURIComponent(state.room.id)}/bans`, body),
      `${nameOf(userId)} is banned.`, unbanAction(userId));
    $('card-close').focus();
  });
  $('card-undo').addEventListener('click', () => {
    const { undo, userId } = state.card;
    state.card.undo = null;
    if (undo) cardAction(undo, `${nameOf(userId)} may chat again.`);
  });
  $('card-promote').addEventListener('click', () => {
    const { userId } = state.card;
    cardAction(async () => {
      await api('PUT', `/rooms/${encodeURIComponent(state.room.id)}/moderators/${encodeURIComponent(userId)}`);
      await refreshRoom();
    }, `${nameOf(userId)} is now a moderator.`);
  });
  $('card-demote').addEventListener('click', () => {
    const { userId } = state.card;
    cardAction(async () => {
      await api('DELETE', `/rooms/${encodeURIComponent(state.room.id)}/moderators/${encodeURIComponent(userId)}`);
      await refreshRoom();
    }, `${nameOf(userId)} is no longer a moderator.`);
  });
}

// --- moderation --------------------------------------------------------------------------

async function moderate(action) {
  $('mod-error').textContent = '';
  try {
    await action();
  } catch (e) {
    $('mod-error').textContent = e.message;
    notice(e.message, 'error');
  }
  await Promise.all([loadBans(), loadAudit()]);
}

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

function renderModeration() {
  const r = state.room;
  show($('mod-pane'), r.moderates);
  show($('show-mod'), r.moderates);
  $('lobby').classList.toggle('has-mod', r.moderates);
  if (!r.moderates) {
    if ($('lobby').dataset.view === 'mod') setView('chat');
    return;
  }
  show($('policy-box'), r.manages);
  show($('moderators-box'), r.manages);
  $('mod-error').textContent = '';
  $('moderator-error').textContent = '';
  $('policy-status').textContent = '';
  // A room without a policy of its own gets the default one.
  const p = r.policy;
  $('p-blocked').value = (p.blockedTerms || []).join('\n');
  $('p-allowed').value = (p.allowedTerms || []).join('\n');
  $('p-profanity').value = p.profanity || 'off';
  $('p-links').value = (p.links && p.links.mode) || 'allow';
  $('p-domains').value = ((p.links && p.links.domains) || []).join('\n');
  $('p-slow').value = p.slowModeSeconds || 0;
  $('p-hold').checked = Boolean(p.actions && p.actions.borderline === 'hold');
  renderModerators();
  $('held').replaceChildren();
  loadHeld();
  loadBans();
  loadAudit();
}

// The room's actions with the form's borderline choice: "hold" when checked; unchecked drops
// only a hold (another action, set through the API, is not this form's to drop).
function withBorderline(actions, hold) {
  const next = { ...(actions || {}) };
  if (hold) next.borderline = 'hold';
  else if (next.borderline === 'hold') delete next.borderline;
  return next;
}

async function savePolicy(event) {
  event.preventDefault();
  const room = state.room;
  $('policy-status').textContent = 'saving…';
  $('mod-error').textContent = '';
  try {
    // A save replaces the whole policy: start from the room's as it is now, so fields this
    // form does not edit (spam limits, languages, history) are kept, even if changed since.
    const current = await api('GET', `/rooms/${encodeURIComponent(room.id)}`);
    const base = current.policy || state.config.defaultPolicy || room.policy || {};
    const policy = {
      ...base,
      blockedTerms: lines($('p-blocked').value),
      allowedTerms: lines($('p-allowed').value),
      profanity: $('p-profanity').value,
      links: { ...(base.links || {}), mode: $('p-links').value, domains: lines($('p-domains').value) },
      slowModeSeconds: Number($('p-slow').value) || 0,
      actions: withBorderline(base.actions, $('p-hold').checked),
    };
    const updated = await api('PATCH', `/rooms/${encodeURIComponent(room.id)}`, { policy });
    $('policy-status').textContent = 'Saved: applies to new messages within a few seconds.';
    applyRoom({ ...current, ...updated, role: room.role, policy: updated.policy || policy });
    // The API announces the change (app:policy-changed): every page reads the room again.
  } catch (e) {
    $('policy-status').textContent = '';
    $('mod-error').textContent = e.message;
  }
  loadAudit();
}

function renderModerators() {
  const room = state.room;
  if (!room || !room.manages) return;
  const list = $('moderators');
  list.replaceChildren();
  for (const userId of room.moderators) {
    const name = nameOf(userId);
    const item = element('li', null, name === userId ? `${userId} ` : `${name} (${userId}) `);
    item.dataset.user = userId;
    const remove = button('Remove', async () => {
      await moderate(() => api('DELETE', `/rooms/${encodeURIComponent(room.id)}/moderators/${encodeURIComponent(userId)}`));
      await refreshRoom();
    }, 'link');
    remove.setAttribute('aria-label', `Remove ${name} as moderator`);
    item.append(remove);
    list.append(item);
  }
  if (room.moderators.size === 0) list.append(element('li', 'hint', 'None yet.'));
}

/** The people seen in the room, offered when appointing a moderator. */
function renderPeople() {
  const list = $('people');
  list.replaceChildren(...[...state.people].map(([userId, person]) => {
    const option = element('option');
    option.value = userId;
    option.label = person.displayName;
    return option;
  }));
  if (state.room && state.room.manages) renderModerators();
}

/** A typed name or id → a user id: someone seen in the room by id or by name, or a typed id. */
function pickUser(typed) {
  if (state.people.has(typed)) return typed;
  const lower = typed.toLowerCase();
  for (const [userId, person] of state.people) {
    if (person.displayName.toLowerCase() === lower) return userId;
  }
  return typed;
}

async function addModerator(event) {
  event.preventDefault();
  const error = $('moderator-error');
  error.textContent = '';
  const typed = $('moderator-id').value.trim();
  const userId = pickUser(typed);
  if (!userId || /\s/.test(userId) || userId.length > 128) {
    error.textContent = `“${typed}” is not a user id: pick someone seen in the room, or type their id (no spaces).`;
    return;
  }
  try {
    await api('PUT', `/rooms/${encodeURIComponent(state.room.id)}/moderators/${encodeURIComponent(userId)}`);
    $('moderator-id').value = '';
  } catch (e) {
    error.textContent = e.code === 'NO_SUCH_USER'
      ? `Nobody with the user id “${userId}” has signed in here yet: check the id.`
      : e.message;
  }
  await refreshRoom();
  loadAudit();
}

async function loadHeld() {
  const room = state.room;
  if (!room || !room.moderates) return;
  const load = ++state.heldLoads;
  try {
    const { held } = await api('GET', `/rooms/${encodeURIComponent(room.id)}/held`);
    // Events and decisions overlap: an older answer must not draw over a newer one.
    if (load !== state.heldLoads || state.room !== room) return;
    const list = $('held');
    list.replaceChildren(...held.map(heldItem));
    if (held.length === 0) list.append(element('li', 'hint', 'No messages waiting.'));
  } catch (e) {
    $('mod-error').textContent = e.message;
  }
}

function heldItem(entry) {
  const message = fromView(entry.message);
  seenPerson(message.userId, message.displayName, message.role);
  const item = element('li', 'held-message');
  item.dataset.heldId = entry.heldId;
  item.dataset.user = message.userId;
  const head = element('div', 'head');
  const name = element('span', 'name', message.displayName);
  name.style.color = nameColour(message.userId);
  name.title = message.userId;
  head.append(name, element('span', 'reason', entry.reason.toLowerCase().replaceAll('_', ' ')));
  const approve = button('Approve', () => decideHeld(entry, 'approve', item), 'approve');
  approve.setAttribute('aria-label', `Approve ${message.displayName}'s message`);
  const reject = button('Reject', () => decideHeld(entry, 'reject', item), 'reject');
  reject.setAttribute('aria-label', `Reject ${message.displayName}'s message`);
  const actions = element('div', 'actions');
  actions.append(approve, reject);
  item.append(head, element('div', 'text', message.content), actions);
  return item;
}

// Approves or rejects once; if another moderator decided first (404, 409), the API's words go
// to the error spot and the queue is read again.
async function decideHeld(entry, decision, item) {
  for (const b of item.querySelectorAll('button')) b.disabled = true;
  const path = `/rooms/${encodeURIComponent(state.room.id)}/held/${encodeURIComponent(entry.heldId)}/${decision}`;
  await moderate(() => api('POST', path));
  await loadHeld();
}

async function loadBans() {
  const room = state.room;
  if (!room || !room.moderates) return;
  try {
    const { bans } = await api('GET', `/rooms/${encodeURIComponent(room.id)}/bans`);
    if (state.room !== room) return;
    const list = $('bans');
    list.replaceChildren();
    let next = Infinity;
    for (const ban of bans) {
      const until = ban.until ? Date.parse(ban.until) : null;
      if (until) next = Math.min(next, until);
      const name = nameOf(ban.userId);
      const who = name === ban.userId ? ban.userId : `${name} (${ban.userId})`;
      const what = until ? `timed out until ${clock(until)}` : 'banned';
      const why = ban.reason ? `, ${ban.reason}` : '';
      const item = element('li', 'ban', `${who}: ${what}${why} `);
      item.dataset.user = ban.userId;
      const lift = button(until ? 'End time-out' : 'Unban', () => moderate(
        () => api('DELETE', `/rooms/${encodeURIComponent(room.id)}/bans/${encodeURIComponent(ban.userId)}`),
      ), 'link');
      lift.setAttribute('aria-label', until ? `End ${name}'s time-out` : `Unban ${name}`);
      item.append(lift);
      list.append(item);
    }
    if (bans.length === 0) list.append(element('li', 'hint', 'Nobody is banned.'));
    // A time-out ends by itself: the list drops it then.
    clearTimeout(state.bansTimer);
    if (next !== Infinity) state.bansTimer = setTimeout(loadBans, Math.max(500, next - Date.now() + 500));
  } catch (e) {
    $('mod-error').textContent = e.message;
  }
}

async function loadAudit() {
  const room = state.room;
  if (!room || !room.moderates) return;
  try {
    const { entries } = await api('GET', `/rooms/${encodeURIComponent(room.id)}/audit?limit=50`);
    if (state.room !== room) return;
    const list = $('audit');
    list.replaceChildren();
    for (const entry of entries) {
      const item = element('li', 'entry');
      item.dataset.action = entry.action;
      const when = new Date(entry.at).toLocaleTimeString();
      const target = entry.target ? ` → ${entry.target}` : '';
      const reason = entry.reason ? ` (${entry.reason})` : '';
      item.textContent = `${when} ${entry.actor}: ${entry.action.toLowerCase().replaceAll('_', ' ')}${target}${reason}`;
      list.append(item);
    }
    if (entries.length === 0) list.append(element('li', 'hint', 'Nothing yet.'));
  } catch (e) {
    $('mod-error').textContent = e.message;
  }
}

// --- start -------------------------------------------------------------------------------

$('sign-in-form').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', () => signOut());
$('new-room').addEventListener('submit', createRoom);
$('composer').addEventListener('submit', send);
$('rejoin').addEventListener('click', () => {
  if (state.retry.attempt > 0 && state.retry.again) {
    stopRetrying();
    state.retry.again();
    return;
  }
  if (!state.room) return;
  if (state.lock && state.lock.kind === 'kicked') join(state.room.id, { focus: true });
  else reconnect();
});
$('policy-form').addEventListener('submit', savePolicy);
$('add-moderator').addEventListener('submit', addModerator);
$('refresh-audit').addEventListener('click', loadAudit);
$('paused').addEventListener('click', scrollDown);
$('log').addEventListener('keydown', moveInList);
$('log').addEventListener('focusin', (event) => {
  if (event.target.classList.contains('name')) setActiveName(event.target);
});
$('log').addEventListener('scroll', () => {
  const atBottom = nearBottom();
  if (atBottom === state.pinned) return;
  state.pinned = atBottom;
  if (atBottom) state.unread = 0;
  renderPaused();
});
for (const b of document.querySelectorAll('[data-view]')) {
  if (b.tagName === 'BUTTON') b.addEventListener('click', () => setView(b.dataset.view, { focus: true }));
}
$('skip-to-message').addEventListener('click', (event) => {
  event.preventDefault();
  setView('chat');
  if (!$('message').disabled) $('message').focus();
  else $('log').focus();
});
window.addEventListener('hashchange', () => {
  const roomId = roomFromUrl();
  if (state.session && roomId && (!state.room || state.room.id !== roomId)) join(roomId, { focus: true });
});
// Back online: no need to wait for the next try.
window.addEventListener('online', () => {
  if (!state.retry.timer) return;
  stopRetrying();
  state.retry.again();
});
// The countdowns (slow mode, a time-out) in the message box.
setInterval(() => { if (state.room) renderComposer(); }, 250);
wireCard();

/** A reload: back where the page was; while the server cannot be reached, it keeps trying. */
function resume(delay) {
  enterLobby({ focus: true }).catch((e) => {
    if (e instanceof ApiError) {
      signOut();
      return;
    }
    $('rooms-error').textContent = 'The chat server cannot be reached: trying again…';
    setTimeout(() => resume(Math.min(delay * 2, RETRY_MAX_MS)), delay);
  });
}

show($('skip-to-message'), false);
const saved = sessionStorage.getItem('chat-local-session');
if (saved) {
  try {
    state.session = JSON.parse(saved);
  } catch {
    signOut();
  }
  if (state.session) resume(1000);
} else {
  $('name').focus();
}
