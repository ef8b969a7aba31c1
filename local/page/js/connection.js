// Joining a room and the chat connection: the room as the API says it is, a token, the
// WebSocket, reconnecting with backoff, and the locks (kicked, banned, timed out).

import { BANNED_RECHECK_MS, RETRY_FIRST_MS, RETRY_MAX_MS, state } from './state.js';
import { $, element, show } from './dom.js';
import { time } from './format.js';
import { api, transient } from './api.js';
import { clearConnectionNotice, connectionNotice, notice } from './notice.js';
import { roomUrl, setView } from './place.js';
import { renderHint, renderModeration, renderModerators, renderPeople } from './moderation.js';
import { closeCard } from './card.js';
import { renderPaused, renderTools, systemLine } from './messages.js';
import { historyBusy, loadHistory } from './history.js';
import { composerNote, renderComposer, renderSlowMode, restoreText } from './composer.js';
import { onFrame } from './frames.js';

export function stopRetrying() {
  clearTimeout(state.retry.timer);
  state.retry.timer = null;
}

/** Drops the connection on purpose: whatever it or a token request still in flight says is ignored. */
export function closeSocket() {
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

export function clearLock() {
  clearTimeout(state.lockTimer);
  state.lockTimer = null;
  state.lock = null;
}

function setStatus(text, online) {
  $('status').textContent = text;
  $('status').classList.toggle('online', Boolean(online));
  renderComposer();
}

function showRejoin(label) {
  $('rejoin').textContent = label || 'Rejoin';
  show($('rejoin'), Boolean(label));
}

export async function join(roomId, { focus } = {}) {
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
    state.older = null;
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
  document.title = `${state.room.name} · IVS Chat`;
  renderModeration();
  state.focusOnConnect = Boolean(focus);
  await connect();
}

/**
 * Takes in what GET /rooms/{id} says: role, owner, moderators and the policy (slow mode). The
 * same room stays the same object, so work in flight for it (history, a token) still lands.
 */
export function applyRoom(room) {
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
    rate: room.maximumMessageRatePerSecond,
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
  // Off, or no longer one's to wait (a moderator is exempt): a countdown left over goes at once.
  if (seconds === 0 || state.room.moderates) {
    if (state.slow.readyAt > Date.now()) composerNote('');
    state.slow.readyAt = 0;
  }
  renderSlowMode();
  for (const item of document.querySelectorAll('#messages li.message')) renderTools(item);
  renderHint();
}

/** Reads the room again (roles, policy); a new role of one's own takes a new token. */
export async function refreshRoom() {
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

export async function reconnect() {
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
      lockTimedOut(e.until, e.reason);
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
    lockTimedOut(issued.until, issued.reason || givenReason(removedBy));
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
  const socket = new WebSocket(state.config.messaging.endpoint, issued.token);
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

// The words the moderator function puts on a disconnect when the moderator gave no reason
// (functions/moderator/src/bans.rs): not a reason of the moderator's to show.
const NO_REASON = ['Banned by a moderator', 'Timed out by a moderator'];

/** A disconnect's reason, if a moderator gave one. */
const givenReason = (reason) => (reason && !NO_REASON.includes(reason) ? reason : '');

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
function lockTimedOut(until, reason) {
  const first = !state.lock || state.lock.kind !== 'timedOut';
  clearLock();
  const end = Date.parse(until) || Date.now() + 5000;
  state.lock = { kind: 'timedOut', until: end, reason };
  if (first) {
    // Short, for a phone's one line: the message box counts down to the second.
    const until = time(end);
    notice(reason ? `You are timed out until ${until}: ${reason}.` : `You are timed out by a moderator until ${until}.`, 'error');
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
