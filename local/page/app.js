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
  DUPLICATE_MESSAGE: 'you just sent the same message',
  SLOW_MODE: 'slow mode is on: wait a little between messages',
  BANNED: 'you are banned from this room',
  TIMED_OUT: 'you are timed out in this room',
};

// Roles are a strict hierarchy: admin > owner > moderator > viewer.
const RANK = { viewer: 0, moderator: 1, owner: 2, admin: 3 };
const outranks = (role, other) => (RANK[role] ?? 0) > (RANK[other] ?? 0);

// "CODE" or "CODE until <time>" (a time-out) → words.
function reasonInWords(message) {
  const [code, ...rest] = String(message).split(' ');
  const words = REASONS[code] || 'the room\'s moderation refused it';
  const until = rest[0] === 'until' && rest[1] ? ` until ${new Date(rest[1]).toLocaleString()}` : '';
  return `${words}${until} (${code})`;
}

const state = {
  session: null, // {token, userId, displayName, groups}
  config: null, // {messagingEndpoint}
  room: null, // {id, name, role, capabilities, manages, moderates}
  socket: null,
  kicked: null, // the reason, once a moderator disconnected us
  sessionExpired: false, // the server ended the chat session (ERROR 401): reconnect on close
  pending: new Map(), // RequestId → the <li> of a message not yet echoed
};

class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || (body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.until = error.until;
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

const show = (el, visible) => { el.hidden = !visible; };
const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const untilText = (until) => (until ? `until ${new Date(until).toLocaleString()}` : 'for good');

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
  el.textContent = text || '';
  el.className = `notice ${kind || ''}`;
  show(el, Boolean(text));
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
    await enterLobby();
  } catch (e) {
    $('sign-in-error').textContent = e.message;
  }
}

function signOut(why) {
  closeSocket();
  state.session = null;
  state.room = null;
  sessionStorage.removeItem('chat-local-session');
  show($('lobby'), false);
  show($('whoami'), false);
  show($('sign-in'), true);
  $('sign-in-error').textContent = why || '';
}

async function enterLobby() {
  const s = state.session;
  $('me').textContent = `${s.displayName} (${s.userId})`;
  show($('me-admin'), s.groups.includes('admin'));
  show($('whoami'), true);
  show($('sign-in'), false);
  show($('lobby'), true);
  show($('new-room'), s.groups.includes('admin'));
  if (!state.config) state.config = await api('GET', '/dev/config');
  await loadRooms();
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
      const b = button(room.name || room.id, () => join(room.id), 'room-button');
      b.dataset.roomId = room.id;
      if (state.room && state.room.id === room.id) b.classList.add('current');
      item.append(b);
      list.append(item);
    }
    show($('no-rooms'), rooms.length === 0);
    $('no-rooms').textContent = state.session.groups.includes('admin')
      ? 'No rooms yet: create one.'
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
    await join(room.id);
  } catch (e) {
    $('rooms-error').textContent = e.message;
  }
}

// --- joining and the chat connection -----------------------------------------------------

function closeSocket() {
  if (state.socket) {
    const socket = state.socket;
    state.socket = null;
    socket.close(1000);
  }
  state.pending.clear();
  setConnected(false, 'not connected');
}

function setConnected(connected, text) {
  $('status').textContent = text;
  $('status').classList.toggle('online', connected);
  $('message').disabled = !connected;
  $('send').disabled = !connected;
}

async function join(roomId) {
  closeSocket();
  state.kicked = null;
  notice('');
  show($('rejoin'), false);
  // Rejoining keeps what this page has seen; another room starts empty (IVS keeps no history).
  if (!state.room || state.room.id !== roomId) $('messages').replaceChildren();
  show($('room'), true);
  for (const b of document.querySelectorAll('.room-button')) {
    b.classList.toggle('current', b.dataset.roomId === roomId);
  }
  let room;
  try {
    room = await api('GET', `/rooms/${roomId}`);
  } catch (e) {
    notice(e.message, 'error');
    return;
  }
  state.room = {
    id: room.id,
    name: room.name || room.id,
    role: room.role,
    manages: room.role === 'owner' || room.role === 'admin',
    moderates: room.role !== 'viewer',
  };
  $('room-title').textContent = state.room.name;
  $('role').textContent = room.role;
  renderModeration(room);
  await connect();
}

async function connect() {
  const room = state.room;
  let issued;
  try {
    issued = await api('POST', `/rooms/${room.id}/tokens`, {});
  } catch (e) {
    if (e.code === 'BANNED' || e.code === 'TIMED_OUT') {
      const what = e.code === 'BANNED' ? 'banned from' : 'timed out in';
      notice(`You are ${what} this room ${untilText(e.until)}: you cannot rejoin.`, 'error');
      setConnected(false, 'not connected');
      show($('rejoin'), e.code === 'TIMED_OUT');
    } else {
      notice(e.message, 'error');
    }
    return;
  }
  room.capabilities = issued.capabilities;
  setConnected(false, 'connecting…');
  // The token travels as the WebSocket subprotocol, exactly as with IVS Chat.
  const socket = new WebSocket(state.config.messagingEndpoint, issued.token);
  state.socket = socket;
  socket.addEventListener('open', () => {
    if (state.socket === socket) setConnected(true, `connected as ${issued.role}`);
  });
  socket.addEventListener('message', (event) => {
    if (state.socket !== socket) return;
    try {
      onFrame(JSON.parse(event.data));
    } catch (e) {
      console.error('unreadable frame', e);
    }
  });
  socket.addEventListener('close', (event) => {
    if (state.socket !== socket) return;
    state.socket = null;
    state.pending.clear();
    setConnected(false, 'disconnected');
    show($('rejoin'), true);
    if (state.kicked !== null) {
      const text = `You were disconnected by a moderator${state.kicked ? `: ${state.kicked}` : ''}.`;
      notice(text, 'error');
      systemLine(text);
    } else if (state.sessionExpired) {
      // The chat session ended (ERROR 401): reconnect with a fresh token, as the SDK does.
      state.sessionExpired = false;
      connect();
    } else {
      notice(`The connection closed (${event.code}).`, 'error');
    }
  });
}

function send(event) {
  event.preventDefault();
  const input = $('message');
  const content = input.value;
  if (!content.trim() || !state.socket || state.socket.readyState !== WebSocket.OPEN) return;
  const requestId = crypto.randomUUID();
  const item = messageItem({
    id: null,
    userId: state.session.userId,
    displayName: state.session.displayName,
    content,
    sendTime: new Date().toISOString(),
  });
  item.classList.add('pending');
  state.pending.set(requestId, item);
  $('messages').append(item);
  scrollDown();
  state.socket.send(JSON.stringify({ Action: 'SEND_MESSAGE', RequestId: requestId, Content: content }));
  input.value = '';
}

function onFrame(frame) {
  switch (frame.Type) {
    case 'MESSAGE': {
      const pending = state.pending.get(frame.RequestId);
      state.pending.delete(frame.RequestId);
      const attributes = (frame.Sender && frame.Sender.Attributes) || {};
      const item = messageItem({
        id: frame.Id,
        userId: frame.Sender.UserId,
        displayName: attributes.displayName || frame.Sender.UserId,
        role: attributes.role,
        content: frame.Content,
        sendTime: frame.SendTime,
      });
      if (pending) pending.replaceWith(item);
      else $('messages').append(item);
      scrollDown();
      break;
    }
    case 'EVENT':
      onEvent(frame);
      break;
    case 'ERROR': {
      const pending = state.pending.get(frame.RequestId);
      state.pending.delete(frame.RequestId);
      if (pending) {
        refuse(pending, frame);
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

function refuse(item, frame) {
  item.classList.remove('pending');
  item.classList.add('refused');
  const why = frame.ErrorCode === 406
    ? reasonInWords(frame.ErrorMessage)
    : `${frame.ErrorMessage} (${frame.ErrorCode})`;
  const note = element('div', 'refusal', `Not sent: ${why}. Only you can see this.`);
  item.append(note);
}

function onEvent(frame) {
  const attributes = frame.Attributes || {};
  // Another moderator acted: keep the bans list and the audit log current.
  if (state.room && state.room.moderates && frame.EventName.startsWith('aws:')) {
    loadBans();
    loadAudit();
  }
  if (frame.EventName === 'aws:DELETE_MESSAGE') {
    const id = attributes.MessageID || attributes.MessageId;
    const item = document.querySelector(`#messages li[data-id="${CSS.escape(id || '')}"]`);
    if (item) {
      item.classList.add('deleted');
      item.querySelector('.text').textContent = 'Message deleted by a moderator.';
      const actions = item.querySelector('.actions');
      if (actions) actions.remove();
    }
  } else if (frame.EventName === 'aws:DISCONNECT_USER') {
    if (attributes.UserId === state.session.userId) {
      state.kicked = attributes.Reason || '';
    } else {
      systemLine(`${attributes.UserId} was removed from the room.`);
    }
  } else {
    systemLine(`${frame.EventName}${attributes.text ? `: ${attributes.text}` : ''}`);
  }
}

function systemLine(text) {
  $('messages').append(element('li', 'system', text));
  scrollDown();
}

function scrollDown() {
  const list = $('messages');
  list.scrollTop = list.scrollHeight;
}

function messageItem(message) {
  const item = element('li', 'message');
  if (message.id) item.dataset.id = message.id;
  item.dataset.user = message.userId;
  const head = element('div', 'head');
  const name = element('span', 'name', message.displayName);
  name.title = message.userId;
  head.append(name, element('span', 'time', time(message.sendTime)));
  item.append(head, element('div', 'text', message.content));
  const room = state.room;
  if (message.id && room && room.moderates && message.userId !== state.session.userId) {
    const actions = element('div', 'actions');
    // The sender's role rides in their token. Roles are a strict hierarchy: one acts only on
    // lower roles (the API enforces the same, and audits every act).
    const senderRole = message.role || 'viewer';
    if (outranks(room.role, senderRole)) {
      actions.append(
        button('Delete', () => moderate(
          () => api('DELETE', `/rooms/${room.id}/messages/${message.id}`),
        ), 'delete'),
        button('Kick', () => moderate(() => api('POST', `/rooms/${room.id}/disconnects`, {
          userId: message.userId, reason: 'Disconnected by a moderator',
        })), 'kick'),
        button('Time out 5 min', () => moderate(() => api('POST', `/rooms/${room.id}/bans`, {
          userId: message.userId, durationSeconds: 300, reason: 'Timed out by a moderator',
        })), 'timeout'),
        button('Ban', () => moderate(() => api('POST', `/rooms/${room.id}/bans`, {
          userId: message.userId, reason: 'Banned by a moderator',
        })), 'ban'),
      );
    }
    if (room.manages && senderRole === 'viewer') {
      actions.append(button('Make moderator', async () => {
        await moderate(() => api('PUT', `/rooms/${room.id}/moderators/${encodeURIComponent(message.userId)}`));
        await refreshModerators();
      }, 'promote'));
    }
    item.append(actions);
  }
  return item;
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

function renderModeration(room) {
  const r = state.room;
  show($('mod-pane'), r.moderates);
  if (!r.moderates) return;
  show($('policy-box'), r.manages);
  show($('moderators-box'), r.manages);
  $('mod-error').textContent = '';
  $('policy-status').textContent = '';
  // A room without a policy of its own gets the default one.
  state.policy = room.policy || state.config.defaultPolicy || {};
  const p = state.policy;
  $('p-blocked').value = (p.blockedTerms || []).join('\n');
  $('p-allowed').value = (p.allowedTerms || []).join('\n');
  $('p-profanity').value = p.profanity || 'off';
  $('p-links').value = (p.links && p.links.mode) || 'allow';
  $('p-domains').value = ((p.links && p.links.domains) || []).join('\n');
  $('p-slow').value = p.slowModeSeconds || 0;
  renderModerators(room.moderators || []);
  loadBans();
  loadAudit();
}

async function savePolicy(event) {
  event.preventDefault();
  const room = state.room;
  // Fields this form does not edit (spam limits, actions) are kept as they are.
  const policy = {
    ...state.policy,
    blockedTerms: lines($('p-blocked').value),
    allowedTerms: lines($('p-allowed').value),
    profanity: $('p-profanity').value,
    links: { ...(state.policy.links || {}), mode: $('p-links').value, domains: lines($('p-domains').value) },
    slowModeSeconds: Number($('p-slow').value) || 0,
  };
  $('policy-status').textContent = 'saving…';
  try {
    const updated = await api('PATCH', `/rooms/${room.id}`, { policy });
    state.policy = updated.policy || policy;
    $('policy-status').textContent = 'Saved: applies to new messages within a few seconds.';
  } catch (e) {
    $('policy-status').textContent = '';
    $('mod-error').textContent = e.message;
  }
  loadAudit();
}

function renderModerators(moderators) {
  const list = $('moderators');
  list.replaceChildren();
  for (const userId of moderators) {
    const item = element('li', null, `${userId} `);
    item.append(button('Remove', async () => {
      await moderate(() => api('DELETE', `/rooms/${state.room.id}/moderators/${encodeURIComponent(userId)}`));
      await refreshModerators();
    }, 'link'));
    list.append(item);
  }
  if (moderators.length === 0) list.append(element('li', 'hint', 'None yet.'));
}

async function refreshModerators() {
  const room = await api('GET', `/rooms/${state.room.id}`);
  renderModerators(room.moderators || []);
}

async function addModerator(event) {
  event.preventDefault();
  const userId = $('moderator-id').value.trim();
  await moderate(() => api('PUT', `/rooms/${state.room.id}/moderators/${encodeURIComponent(userId)}`));
  $('moderator-id').value = '';
  await refreshModerators();
}

async function loadBans() {
  const room = state.room;
  if (!room || !room.moderates) return;
  try {
    const { bans } = await api('GET', `/rooms/${room.id}/bans`);
    const list = $('bans');
    list.replaceChildren();
    for (const ban of bans) {
      const what = ban.until ? `timed out until ${new Date(ban.until).toLocaleTimeString()}` : 'banned';
      const item = element('li', 'ban', `${ban.userId}: ${what} `);
      item.dataset.user = ban.userId;
      item.append(button(ban.until ? 'End timeout' : 'Unban', () => moderate(
        () => api('DELETE', `/rooms/${room.id}/bans/${encodeURIComponent(ban.userId)}`),
      ), 'link'));
      list.append(item);
    }
    if (bans.length === 0) list.append(element('li', 'hint', 'Nobody is banned.'));
  } catch (e) {
    $('mod-error').textContent = e.message;
  }
}

async function loadAudit() {
  const room = state.room;
  if (!room || !room.moderates) return;
  try {
    const { entries } = await api('GET', `/rooms/${room.id}/audit?limit=50`);
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
$('rejoin').addEventListener('click', () => { if (state.room) join(state.room.id); });
$('policy-form').addEventListener('submit', savePolicy);
$('add-moderator').addEventListener('submit', addModerator);
$('refresh-audit').addEventListener('click', loadAudit);

const saved = sessionStorage.getItem('chat-local-session');
if (saved) {
  try {
    state.session = JSON.parse(saved);
    enterLobby().catch(() => signOut());
  } catch {
    signOut();
  }
}
